"""Exact binomial confidence bounds (Clopper–Pearson), with no SciPy dependency.

A probabilistic claim says "with probability at least 1 − δ over the initialization". An
example runs S seeds and counts k failures; the Clopper–Pearson interval for the failure rate is
compared with δ. The bounds are found by bisection on the binomial CDF, computed in log space so
that S in the thousands is fine.
"""

from __future__ import annotations

import math


def _log_binom_pmf(k: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 0.0 if k == 0 else -math.inf
    if p >= 1.0:
        return 0.0 if k == n else -math.inf
    return (
        math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
        + k * math.log(p) + (n - k) * math.log1p(-p)
    )


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(Bin(n, p) ≤ k)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    logs = [_log_binom_pmf(i, n, p) for i in range(k + 1)]
    top = max(logs)
    if top == -math.inf:
        return 0.0
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def _bisect(f, lo: float, hi: float, iters: int = 200) -> float:
    """Root of a decreasing function f on [lo, hi] (f(lo) ≥ 0 ≥ f(hi))."""
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Two-sided Clopper–Pearson interval for a binomial rate from k successes in n trials.

    Each side has error (1 − confidence)/2. Returns (lower, upper).
    """
    if not (0 <= k <= n) or n <= 0:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence={confidence} must lie in (0, 1)")
    alpha = (1.0 - confidence) / 2.0
    # upper: the p with P(X ≤ k; p) = alpha (P decreasing in p)
    upper = 1.0 if k == n else _bisect(lambda p: binom_cdf(k, n, p) - alpha, 0.0, 1.0)
    # lower: the p with P(X ≥ k; p) = alpha, i.e. 1 − P(X ≤ k−1; p) = alpha (increasing in p)
    lower = 0.0 if k == 0 else _bisect(lambda p: alpha - (1.0 - binom_cdf(k - 1, n, p)), 0.0, 1.0)
    return lower, upper


def seeds_needed(delta: float, confidence: float = 0.95) -> int:
    """Smallest S for which 0 failures out of S puts the upper bound below δ."""
    if not 0.0 < delta < 1.0:
        raise ValueError(f"delta={delta} must lie in (0, 1)")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence={confidence} must lie in (0, 1)")
    alpha = (1.0 - confidence) / 2.0
    return math.ceil(math.log(alpha) / math.log1p(-delta))
