"""Unit tests for verify.stats: Clopper–Pearson bounds, the sequential decision, seeds_needed."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lemmata.verify.stats import (binomial_decision, clopper_pearson, look_confidence, seeds_needed,
                          undecidable_band)

pytestmark = pytest.mark.unit


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(Bin(n, p) ≤ k) by the exact sum: the defining equations of the interval, independent of SciPy's beta."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


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


# --- the sequential rule ------------------------------------------------------------------------

def test_look_confidence_splits_the_error_over_the_looks() -> None:
    assert look_confidence(0.95, 1) == pytest.approx(0.95)
    assert look_confidence(0.95, 4) == pytest.approx(1 - 0.05 / 4)
    with pytest.raises(ValueError):
        look_confidence(0.95, 0)


@pytest.mark.parametrize("failed,unknown,n,expected", [
    (0, 0, 64, "pass"),  # upper bound of 0/64 at 0.95 is 0.056
    (40, 0, 64, "fail"),
    (6, 0, 64, "undecided"),
    (0, 6, 64, "undecided"),  # non-finite seeds count as failures for a pass
    (20, 6, 64, "fail"),  # … and as passes for a failure
])
def test_binomial_decision(failed: int, unknown: int, n: int, expected: str) -> None:
    decision, lo, hi = binomial_decision(failed, unknown, n, 0.1, 0.95)
    assert decision == expected and 0 <= lo <= hi <= 1


def test_undecidable_band_brackets_delta_and_narrows_with_more_seeds() -> None:
    lo1, hi1 = undecidable_band(0.1, 64, 0.95)
    lo2, hi2 = undecidable_band(0.1, 1024, 0.95)
    assert lo1 < lo2 < 0.1 < hi2 < hi1
