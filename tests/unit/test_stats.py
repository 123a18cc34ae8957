"""Unit tests for verify.stats: binomial CDF, Clopper–Pearson bounds, seeds_needed."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.stats import binom_cdf, clopper_pearson, seeds_needed

pytestmark = pytest.mark.unit


def exact_cdf(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


# --- binom_cdf --------------------------------------------------------------------------------

@pytest.mark.parametrize("n,p", [(1, 0.3), (10, 0.5), (17, 0.05), (40, 0.9)])
def test_binom_cdf_matches_exact_sum_and_ends_at_one(n: int, p: float) -> None:
    for k in range(n + 1):
        assert binom_cdf(k, n, p) == pytest.approx(exact_cdf(k, n, p), rel=1e-10, abs=1e-14)
    assert binom_cdf(n, n, p) == 1.0
    assert binom_cdf(-1, n, p) == 0.0


def test_binom_cdf_known_value_and_pmf_sums_to_one() -> None:
    assert binom_cdf(5, 10, 0.5) == pytest.approx(638 / 1024, rel=1e-12)
    n, p = 25, 0.37
    pmf = [binom_cdf(k, n, p) - binom_cdf(k - 1, n, p) for k in range(n + 1)]
    assert all(v >= -1e-15 for v in pmf)
    assert sum(pmf) == pytest.approx(1.0, abs=1e-12)
    # P(X <= n-1) = 1 - p^n
    assert binom_cdf(n - 1, n, p) == pytest.approx(1 - p**n, rel=1e-12)


def test_binom_cdf_degenerate_p() -> None:
    assert binom_cdf(0, 10, 0.0) == 1.0
    assert binom_cdf(3, 10, 1.0) == 0.0
    assert binom_cdf(9, 10, 1.0) == 0.0


def test_binom_cdf_large_n_is_finite_and_monotone_in_p() -> None:
    vals = [binom_cdf(50, 5000, p) for p in (0.001, 0.005, 0.01, 0.02, 0.05)]
    assert all(0.0 <= v <= 1.0 for v in vals)
    assert vals == sorted(vals, reverse=True)
    assert vals[0] > 0.999 and vals[-1] < 1e-50


# --- clopper_pearson --------------------------------------------------------------------------

def test_clopper_pearson_zero_successes() -> None:
    lo, hi = clopper_pearson(0, 10)
    assert lo == 0.0
    assert hi == pytest.approx(1 - 0.025 ** (1 / 10), abs=1e-10)
    assert hi == pytest.approx(0.3084971078, abs=1e-9)


def test_clopper_pearson_all_successes_is_mirror_of_zero() -> None:
    lo, hi = clopper_pearson(10, 10)
    assert hi == 1.0
    assert lo == pytest.approx(0.025 ** (1 / 10), abs=1e-10)


def test_clopper_pearson_half() -> None:
    lo, hi = clopper_pearson(5, 10)
    # scipy.stats.beta.ppf(0.025, 5, 6), beta.ppf(0.975, 6, 5)
    assert lo == pytest.approx(0.1870860284, abs=1e-8)
    assert hi == pytest.approx(0.8129139716, abs=1e-8)


def test_clopper_pearson_other_confidence() -> None:
    lo, hi = clopper_pearson(0, 20, confidence=0.9)
    assert hi == pytest.approx(1 - 0.05 ** (1 / 20), abs=1e-10)
    lo99, hi99 = clopper_pearson(3, 20, confidence=0.99)
    lo95, hi95 = clopper_pearson(3, 20, confidence=0.95)
    assert lo99 < lo95 < 3 / 20 < hi95 < hi99


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 120), data=st.data())
def test_clopper_pearson_properties(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    lo, hi = clopper_pearson(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0
    # symmetry: failures <-> successes
    lo2, hi2 = clopper_pearson(n - k, n)
    assert lo == pytest.approx(1 - hi2, abs=1e-9)
    assert hi == pytest.approx(1 - lo2, abs=1e-9)
    # the defining equations of each side (alpha = 0.025)
    if k < n:
        assert binom_cdf(k, n, hi) == pytest.approx(0.025, abs=1e-9)
    if k > 0:
        assert 1 - binom_cdf(k - 1, n, lo) == pytest.approx(0.025, abs=1e-9)


@pytest.mark.parametrize("k,n,conf", [(-1, 10, 0.95), (11, 10, 0.95), (0, 0, 0.95), (1, -3, 0.95),
                                      (1, 10, 0.0), (1, 10, 1.0), (1, 10, 1.5), (1, 10, -0.2)])
def test_clopper_pearson_rejects_invalid_arguments(k: int, n: int, conf: float) -> None:
    with pytest.raises(ValueError, match=r"k=|confidence="):
        clopper_pearson(k, n, confidence=conf)


# --- seeds_needed -----------------------------------------------------------------------------

@pytest.mark.parametrize("delta", [0.5, 0.2, 0.1, 0.05, 0.01, 0.001])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_seeds_needed_is_the_smallest_sufficient_S(delta: float, confidence: float) -> None:
    S = seeds_needed(delta, confidence)
    assert S >= 1
    assert clopper_pearson(0, S, confidence)[1] <= delta
    if S > 1:
        assert clopper_pearson(0, S - 1, confidence)[1] > delta


def test_seeds_needed_known_value() -> None:
    # ceil(log(0.025) / log(0.9)) = ceil(35.01)
    assert seeds_needed(0.1) == 36


@pytest.mark.parametrize("delta", [1.0, 1.5, math.nan])
def test_seeds_needed_rejects_out_of_range_delta(delta: float) -> None:
    with pytest.raises(ValueError):
        seeds_needed(delta)


@pytest.mark.parametrize("delta", [0.0, -0.5])
def test_seeds_needed_rejects_nonpositive_delta(delta: float) -> None:
    with pytest.raises(ValueError):
        seeds_needed(delta)


@pytest.mark.parametrize("confidence", [0.0, -1.0])
def test_seeds_needed_rejects_invalid_confidence(confidence: float) -> None:
    with pytest.raises(ValueError):
        seeds_needed(0.1, confidence)
