"""Unit tests for verify.trend: the threshold scan and the slope fit shared by TREND claims."""

from __future__ import annotations

import math

import pytest
import torch

from lemmata.verify.trend import first_of_two_holding, least_squares_slope, slope_resolution

pytestmark = pytest.mark.unit


def test_threshold_is_the_first_of_two_consecutive_holding_sizes_and_the_scan_stops_there() -> None:
    ran: list[int] = []

    def holds(m: int) -> bool:
        ran.append(m)
        return m in (2, 8, 16, 32)  # 2 holds alone (a lucky size), 8 and 16 hold in a row

    assert first_of_two_holding([1, 2, 4, 8, 16, 32], holds) == 8.0
    assert ran == [1, 2, 4, 8, 16]  # 32 is never run


def test_no_two_consecutive_holding_sizes_is_inf() -> None:
    assert first_of_two_holding([1, 2, 4], lambda m: m == 4) == math.inf
    assert first_of_two_holding([1, 2, 4], lambda m: m != 2) == math.inf


def test_slope_of_an_exact_power_law() -> None:
    x = torch.tensor([4.0, 8.0, 16.0, 32.0], dtype=torch.float64)
    assert least_squares_slope(torch.log(x), torch.log(3.0 * x**1.5)) == pytest.approx(1.5, abs=1e-12)


def test_slope_resolution_bounds_the_slope_error_of_a_factor_two_ladder() -> None:
    logx = torch.log(torch.tensor([8.0, 16.0, 32.0, 64.0], dtype=torch.float64))
    res = slope_resolution(logx)
    assert res == pytest.approx(0.4, abs=1e-12)  # log 2 · Σ_{x_j > x̄}(x_j − x̄)/S_xx for an even log ladder
    # the worst case: thresholds above the mean of log x overstated by a factor just under 2, the others exact
    true = torch.zeros(4, dtype=torch.float64)
    worst = (logx > logx.mean()).to(torch.float64) * (math.log(2.0) * (1 - 1e-9))
    assert least_squares_slope(logx, worst) - least_squares_slope(logx, true) <= res
    assert least_squares_slope(logx, worst) - least_squares_slope(logx, true) == pytest.approx(res, rel=1e-8)
