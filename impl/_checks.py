"""Argument validation shared by the implementations (cheap: scalars and shapes, never a pass over
tensor entries). Errors are ``ValueError`` with a ``name=value`` message that says what to fix."""

from __future__ import annotations

import math
import operator

import torch
from torch import Tensor


def int_at_least(name: str, value: object, minimum: int) -> int:
    """``value`` as an int ≥ ``minimum`` (bools refused)."""
    if isinstance(value, bool):
        raise ValueError(f"{name}={value!r}: expected an integer >= {minimum}, not a bool")
    try:
        out = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name}={value!r}: expected an integer >= {minimum}") from None
    if out < minimum:
        raise ValueError(f"{name}={out}: must be >= {minimum}")
    return out


def finite_float(name: str, value: object, *, minimum: float | None = None, strict: bool = False) -> float:
    """``value`` as a finite float, optionally ≥ (or, ``strict``, >) ``minimum``."""
    if isinstance(value, Tensor) and value.numel() != 1:
        raise ValueError(f"{name}.shape={tuple(value.shape)}: expected a real number")
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r}: expected a real number") from None
    if not math.isfinite(out):
        raise ValueError(f"{name}={out}: must be finite")
    if minimum is not None:
        if strict and not out > minimum:
            raise ValueError(f"{name}={out}: must be > {minimum}")
        if not strict and not out >= minimum:
            raise ValueError(f"{name}={out}: must be >= {minimum}")
    return out


def step_sizes(eta: float | Tensor, *, S: int, like: Tensor) -> Tensor:
    """η (a float, or one step size per seed) as an (S,) tensor on ``like``'s device and dtype."""
    if isinstance(eta, Tensor):
        if eta.ndim == 0:
            eta = eta.reshape(1)
        if eta.ndim != 1 or eta.shape[0] not in (1, S):
            raise ValueError(f"eta.shape={tuple(eta.shape)}: expected a float or an (S,) = ({S},) tensor")
        e = eta.to(dtype=like.dtype, device=like.device).expand(S)
        if not bool(torch.isfinite(e).all()) or bool((e < 0).any()):
            raise ValueError(f"eta={eta.tolist()}: every step size must be finite and >= 0")
        return e
    return torch.full((S,), finite_float("eta", eta, minimum=0.0), dtype=like.dtype, device=like.device)
