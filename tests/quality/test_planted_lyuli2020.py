"""Quality tier for lyuli2020: planted false variants of Theorem 4.1 must come back refuted.

Both are false whatever the data: with n ≥ 2 examples, B/A ≤ log(1/L)/Σ_n w_n q_n < 1 strictly at every state
with L < ℓ(0) (Cauchy–Schwarz, and log Σ_n e^{−q_n} > −min_n q_n), so the smoothed margin strictly increases
wherever it is defined; "it does not increase" fails at every checked state."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp
import torch

from lemmata.verify.profiles import PROFILES
from lemmata.verify.runner import run_claim

pytestmark = pytest.mark.quality

checked, rate_ratio, increment = sp.symbols("checked rate_ratio margin_increment")


def _verdict(claim) -> tuple[str, str, dict | None]:
    res = run_claim(claim, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    return res.verdict, res.reason, res.counterexample


@pytest.mark.catches("lyuli2020.smoothed_margin_rate")
def test_planted_non_increasing_rate_is_refuted(registered_claims) -> None:
    """'B/A ≥ 1 wherever L < ℓ(0)', i.e. the smoothed margin never increases, at the states of the GD runs."""
    planted = replace(registered_claims["lyuli2020.smoothed_margin_rate"], id="planted.smoothed_margin_rate_ge_1",
                      statement=sp.Implies(sp.Ge(checked, 1), sp.Ge(rate_ratio, 1)), tightness=None, seeds=4)
    verdict, reason, ex = _verdict(planted)
    assert verdict == "refuted", reason
    assert ex is not None and any(a["violated"] for a in ex["detail"]["atoms"])


@pytest.mark.catches("lyuli2020.smoothed_margin_flow")
def test_planted_non_increasing_flow_is_refuted(registered_claims) -> None:
    """The opposite direction along the linear flow: measured increments are ≥ 1e-4 where checked, far above the
    1e-7 allowance. (A planted 'the raw min margin is monotone' was dropped: along these linear flows it dips by
    ≈ 1.4e-7 at most, too close to the allowance to refute reliably, and it is not false for every data set.)"""
    planted = replace(registered_claims["lyuli2020.smoothed_margin_flow"], id="planted.smoothed_margin_non_increasing",
                      statement=sp.Implies(sp.Ge(checked, 1), sp.Le(increment, 0)), tightness=None, seeds=4)
    verdict, reason, ex = _verdict(planted)
    assert verdict == "refuted", reason
    assert ex is not None and any(a["violated"] for a in ex["detail"]["atoms"])


margin_before, margin_after = sp.symbols("margin_before margin_after")


@pytest.mark.catches("lyuli2020.smoothed_margin_gd")
def test_planted_non_increasing_gd_margin_is_refuted(registered_claims) -> None:
    """The opposite direction along GD ('γ̃ never increases'): false wherever a step moves γ̃ up, as nearly every
    step does once L < ℓ(0). (The claim itself is refuted at the declared η₀ = ½ on some seeds, a recorded result;
    this test shows the encoding can also fail a false statement of the other sign.)"""
    planted = replace(registered_claims["lyuli2020.smoothed_margin_gd"], id="planted.smoothed_margin_gd_decreasing",
                      statement=sp.Implies(sp.Ge(checked, 1), sp.Le(margin_after, margin_before)), tightness=None,
                      seeds=4)
    verdict, reason, ex = _verdict(planted)
    assert verdict == "refuted", reason
    assert ex is not None and any(a["violated"] for a in ex["detail"]["atoms"])
