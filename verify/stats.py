"""Exact binomial confidence bounds (Clopper–Pearson) and the sequential rule built on them.

A probabilistic claim says "with probability at least 1 − δ over the initialization". An example
runs batches of S seeds and counts k failures in n seeds; the Clopper–Pearson interval for the failure
rate is compared with δ after every batch (a *look*), and the example stops as soon as the interval
lies wholly above δ (fail) or at or below it (pass), or after the profile's cap on batches
(undecided). Repeated looks are paid for with a Bonferroni split: each of the at most ``looks`` looks
uses confidence 1 − (1 − c)/looks, so the chance that *any* look errs on a side is at most
(1 − c)/2, the same as one look at confidence c.

The beta quantiles come from SciPy (``scipy.stats.beta``), an independent, well-tested reference.
"""

from __future__ import annotations

import math
from typing import Literal

from scipy.stats import beta

Decision = Literal["pass", "fail", "undecided"]


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Two-sided Clopper–Pearson interval for a binomial rate from k successes in n trials.

    Each side has error (1 − confidence)/2. Returns (lower, upper).
    """
    if not (0 <= k <= n) or n <= 0:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence={confidence} must lie in (0, 1)")
    alpha = (1.0 - confidence) / 2.0
    lower = 0.0 if k == 0 else float(beta.ppf(alpha, k, n - k + 1))
    upper = 1.0 if k == n else float(beta.ppf(1.0 - alpha, k + 1, n - k))
    return lower, upper


def look_confidence(confidence: float, looks: int) -> float:
    """The confidence of each of ``looks`` looks (Bonferroni), so that all of them hold together at ``confidence``."""
    if looks < 1:
        raise ValueError(f"looks={looks} must be >= 1")
    return 1.0 - (1.0 - confidence) / looks


def binomial_decision(failed: int, unknown: int, n: int, delta: float, confidence: float) -> tuple[Decision, float, float]:
    """Decide one look: ``failed`` certain failures and ``unknown`` seeds (non-finite) among ``n``.

    Fails when even counting the unknown seeds as passes the lower bound exceeds δ; passes when even
    counting them as failures the upper bound is at most δ. Returns (decision, lower, upper).
    """
    lo, _ = clopper_pearson(failed, n, confidence)
    _, hi = clopper_pearson(failed + unknown, n, confidence)
    if lo > delta:
        return "fail", lo, hi
    if hi <= delta:
        return "pass", lo, hi
    return "undecided", lo, hi


def seeds_needed(delta: float, confidence: float = 0.95) -> int:
    """Smallest S for which 0 failures out of S puts the upper bound at or below δ."""
    if not 0.0 < delta < 1.0:
        raise ValueError(f"delta={delta} must lie in (0, 1)")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence={confidence} must lie in (0, 1)")
    alpha = (1.0 - confidence) / 2.0
    return math.ceil(math.log(alpha) / math.log1p(-delta))


def undecidable_band(delta: float, n: int, confidence: float) -> tuple[float, float]:
    """The failure rates p whose expected count k = p·n leaves the interval straddling δ after n seeds.

    Rates inside the band are, typically, neither verified nor refuted within n seeds: the band is what
    a profile cannot tell from δ. Returns (low, high) rates.
    """
    low = 0.0
    for k in range(n + 1):
        if clopper_pearson(k, n, confidence)[1] <= delta:
            low = k / n
        else:
            break
    high = 1.0
    for k in range(n, -1, -1):
        if clopper_pearson(k, n, confidence)[0] > delta:
            high = k / n
        else:
            break
    return low, high
