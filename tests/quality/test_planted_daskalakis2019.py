"""Quality tier for daskalakis2019: planted bugs in impl.games and planted false claims must come back refuted.

The bugs are the ones a hand-written OMWU most easily gets wrong (issue 5): the optimistic term built from the
current payoff twice (2·now − 1·now: OMWU silently becomes plain MWU), and a sign flip between the players (both
ascend). The paper's claims catch the OMWU bugs (the KL monotonicity, the last iterate); the exact Jensen
identity, a check of our MWU, catches the MWU bugs. ``catches`` marks name the paper claims each test makes fail.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.impl import games as gm
from lemmata.theorems import daskalakis2019 as dp
from lemmata.verify.cli import main
from lemmata.verify.profiles import PROFILES
from lemmata.verify.runner import run_claim

from _planted import verify_planted  # tests/quality/_planted.py

pytestmark = pytest.mark.quality


def optimistic_current_twice(now, before):
    """2·now − 1·now: the previous payoff replaced by the current one (OMWU degenerates to MWU)."""
    return 2.0 * now - now


def omwu_players_same_sign(log_x, log_y, prev_Ay, prev_Atx, A, e):
    """The column player ascends too: +η(2Aᵀx^t − Aᵀx^{t−1}) instead of −."""
    Ay, Atx = gm._payoffs(A, log_x, log_y)
    log_x = torch.log_softmax(log_x + e * gm._optimistic(Ay, prev_Ay), -1)
    log_y = torch.log_softmax(log_y + e * gm._optimistic(Atx, prev_Atx), -1)
    return log_x, log_y, Ay, Atx


def mwu_players_same_sign(log_x, log_y, A, e):
    """Plain MWU with the column player ascending."""
    Ay, Atx = gm._payoffs(A, log_x, log_y)
    return torch.log_softmax(log_x + e * Ay, -1), torch.log_softmax(log_y + e * Atx, -1)


def mwu_row_step_doubled(log_x, log_y, A, e):
    """The row player's step size doubled (a factor 2 of OMWU's 2·now left in plain MWU)."""
    Ay, Atx = gm._payoffs(A, log_x, log_y)
    return torch.log_softmax(log_x + 2.0 * e * Ay, -1), torch.log_softmax(log_y - e * Atx, -1)


@pytest.mark.catches("daskalakis2019.omwu_kl_monotone")
@pytest.mark.parametrize(("attr", "bug"), [
    ("_optimistic", optimistic_current_twice),
    ("_omwu_step", omwu_players_same_sign),
], ids=["omwu_current_payoff_twice", "omwu_sign_flip"])
def test_planted_omwu_bug_breaks_monotonicity(attr: str, bug, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(gm, attr, bug)
    verdict = verdict_of("daskalakis2019.omwu_kl_monotone")
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by daskalakis2019.omwu_kl_monotone: {verdict}"


@pytest.mark.parametrize("bug", [mwu_players_same_sign, mwu_row_step_doubled],
                         ids=["mwu_sign_flip", "mwu_row_step_doubled"])
def test_planted_mwu_bug_breaks_the_jensen_check(bug, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """The exact Jensen identity is a check of our MWU (not a claim of the paper): it must catch MWU bugs."""
    monkeypatch.setattr(gm, "_mwu_step", bug)
    verdict = verdict_of("daskalakis2019.mwu_jensen_identity")
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by daskalakis2019.mwu_jensen_identity: {verdict}"


@pytest.mark.catches("daskalakis2019.omwu_last_iterate")
def test_current_payoff_twice_breaks_last_iterate(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """The same bug seen by the asymptotic claim: plain MWU's last iterate does not converge."""
    monkeypatch.setattr(gm, "_optimistic", optimistic_current_twice)
    dp._LAST_CACHE.clear()
    verdict = verdict_of("daskalakis2019.omwu_last_iterate")
    dp._LAST_CACHE.clear()
    assert verdict.startswith("refuted"), verdict


SMALL_ETA_MARGIN = 0.5  # no break was ever seen below η·max|A| = 0.7 while choosing the declared regime (¼)


def _ci(claim) -> dict:
    res = run_claim(claim, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    return res.to_json()


def test_planted_false_mwu_kl_decreasing_is_refuted_small() -> None:
    """'Plain MWU decreases the KL' (the opposite of Jensen) on interior games: refuted, shrunk to a 2×2 game."""
    false = replace(dp.mwu_kl_nondecreasing, id="daskalakis2019.planted_mwu_kl_decreasing",
                    statement=sp.Le(dp.kl_next, dp.kl_now), figures=())
    res = _ci(false)
    assert res["verdict"] == "refuted", res["reason"]
    assert res["counterexample"]["premises"]["n"] == 2, res["counterexample"]["premises"]


def test_planted_false_large_step_monotone_is_refuted() -> None:
    """'Monotone for η·max|A| up to 2': refuted; the shrunk step is near the smallest that breaks it. (Not a
    ``catches`` test: this variant is not false for every game — pure equilibria never broke up to 4.)"""
    false = replace(dp.omwu_kl_monotone, id="daskalakis2019.planted_monotone_large_step", examples=(),
                    premises=lambda p: dp.game_premises(max_n=5, layout="mixed", eta_frac=st.floats(0.01, 2.0)))
    res = _ci(false)
    assert res["verdict"] == "refuted", res["reason"]
    assert res["counterexample"]["premises"]["eta_frac"] > SMALL_ETA_MARGIN, res["counterexample"]["premises"]


FALSE_FROM_ZERO = '''
from dataclasses import replace

from hypothesis import strategies as st

from lemmata.theorems import daskalakis2019 as dp

CLAIMS = [replace(dp.omwu_kl_monotone, id="plantedomwu.kl_monotone_from_zero", examples=(),
                  title="planted: OMWU's KL potential is non-increasing from t = 0 (the first step is plain MWU)",
                  premises=lambda p: dp.game_premises(max_n=5, eta_frac=st.floats(0.01, dp.SMALL_ETA),
                                                      from_t=st.just(0)))]
'''


@pytest.mark.catches("daskalakis2019.omwu_kl_monotone")
def test_planted_false_monotone_from_t0_is_refuted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The first OMWU step is a plain MWU step (x^{−1} = x^0), which raises the KL by Jensen: a claim from t = 0
    is refuted through the user's path (theorem file, CLI, results.json), shrunk small, and its reproduce
    command fails again."""
    res = verify_planted(tmp_path, stem="plantedomwu", source=FALSE_FROM_ZERO)[0]
    assert res["verdict"] == "refuted", res["reason"]
    prem = res["counterexample"]["premises"]
    assert prem["n"] <= 3 and prem["m"] <= 3, prem
    assert res["counterexample"]["detail"]["atoms"][0]["index"] == {"t": 0}, "the violation must be the first step"
    assert main(shlex.split(res["reproduce"])[1:]) == 1
    capsys.readouterr()


def optimistic_weights_swapped(now, before):
    """1.5·now − 0.5·before: half of the optimism's extrapolation (a plausible slip between OMWU variants)."""
    return 1.5 * now - 0.5 * before


@pytest.mark.catches("daskalakis2019.omwu_jacobian_stable")
@pytest.mark.parametrize("bug", [optimistic_current_twice, optimistic_weights_swapped],
                         ids=["current_payoff_twice", "half_extrapolation"])
def test_weakened_optimism_leaves_the_unit_circle(bug, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """Issue 17: the local mechanism. With the optimism removed (plain MWU) or halved, the map's Jacobian at the
    equilibrium has spectral radius ≥ 1 on some game, so the stability claim must be refuted; the closed-form check
    of the same Jacobian catches the bug too (the closed form does not run the kernels)."""
    monkeypatch.setattr(gm, "_optimistic", bug)
    verdict = verdict_of("daskalakis2019.omwu_jacobian_stable")
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by omwu_jacobian_stable: {verdict}"
    verdict = verdict_of("daskalakis2019.omwu_jacobian_closed_form")
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by omwu_jacobian_closed_form: {verdict}"


@pytest.mark.catches("daskalakis2019.omwu_tail_rate")
def test_planted_false_tail_rate_without_the_square_is_refuted() -> None:
    """'ln KL falls by ln ρ(J_OMWU) per step' (the deviation's rate, forgetting that KL is quadratic in it): off by
    a factor 2 on every game, far outside the 10% tolerance, so the claim must come back refuted."""
    false = replace(dp.omwu_tail_rate, id="daskalakis2019.planted_tail_rate_unsquared", tightness=None, figures=(),
                    statement=sp.Implies(sp.Ge(dp.within_cap, 1),
                                         sp.Eq(dp.kl_slope, sp.Symbol("log_rho_omwu"))))
    res = _ci(false)
    assert res["verdict"] == "refuted", res["reason"]


def windowed_log_slope_off_by_one(values, start, end):
    """Half the slope on every row (a factor ½ for the deviation's rate left in the fit)."""
    return 0.5 * _real_windowed_log_slope(values, start, end)


_real_windowed_log_slope = gm.windowed_log_slope


@pytest.mark.catches("daskalakis2019.omwu_tail_rate")
def test_a_halved_slope_fit_breaks_the_tail_rate(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """A planted bug in the slope fit (half the slope) is caught by the tail-rate claim."""
    monkeypatch.setattr(gm, "windowed_log_slope", windowed_log_slope_off_by_one)
    verdict = verdict_of("daskalakis2019.omwu_tail_rate")
    assert verdict.startswith("refuted"), verdict
