"""Helpers for TREND claims that measure a threshold on a ladder and fit its log–log slope.

Several papers' trend claims do the same three things: scan a size ladder for the first of two consecutive
sizes at which a property holds (the threshold), fit the least-squares slope of log(threshold) against
log(x), and bound how far the ladder's resolution can move that slope. They live here once.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable

import torch


def least_squares_slope(logx: torch.Tensor, logy: torch.Tensor) -> float:
    """Least-squares slope of logy against logx (both 1-D, the same length ≥ 2)."""
    xc = logx - logx.mean()
    return float((xc * (logy - logy.mean())).sum() / (xc * xc).sum())


def slope_resolution(logx: torch.Tensor, *, ladder_factor: float = 2.0) -> float:
    """Largest upward error of :func:`least_squares_slope` when each threshold is resolved to a ladder factor.

    A ladder threshold m_j overstates the true one by e_j = log(m_j/t_j) ∈ [0, log f); the slope moves by
    Σ_j e_j (x_j − x̄)/S_xx (S_xx = Σ(x_j − x̄)²), at most log f · Σ_{x_j > x̄}(x_j − x̄)/S_xx.
    """
    xc = logx - logx.mean()
    return float(math.log(ladder_factor) * xc.clamp_min(0.0).sum() / (xc * xc).sum())


def first_of_two_holding(sizes: Iterable[int], holds: Callable[[int], bool]) -> float:
    """The first size of two consecutive ladder sizes at which ``holds`` is true; inf if there is none.

    ``holds`` runs the experiment at one size; the scan stops at the second consecutive holding size, so the
    sizes above it are never run. Two in a row guard against a single lucky size below the real threshold.
    """
    found, run = math.inf, 0
    for size in sizes:
        if holds(size):
            run += 1
            found = size if run == 1 else found
            if run == 2:
                return float(found)
        else:
            run, found = 0, math.inf
    return math.inf
