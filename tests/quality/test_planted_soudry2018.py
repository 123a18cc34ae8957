"""Quality tier for soudry2018: a planted false rate and a planted bug in the SVM solver must come back refuted."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp
import torch

from lemmata.impl import homogeneous as hm
from lemmata.verify.profiles import PROFILES
from lemmata.verify.runner import run_claim

pytestmark = pytest.mark.quality

resolved, angle_slope = sp.symbols("resolved angle_slope")
_real_svm = hm.svm


@pytest.mark.catches("soudry2018.linear_svm_direction")
def test_planted_direction_rate_too_fast_is_refuted(registered_claims) -> None:
    """A rate that is too fast: the direction gap O(1/log² t) instead of O(1/log t). The gap is
    ‖w̃⊥‖/(‖ŵ‖ log t) + O(1/log² t), so this fails for every data set whose residual has a component off ŵ."""
    planted = replace(registered_claims["soudry2018.linear_svm_direction"], id="planted.direction_rate_too_fast",
                      statement=sp.Implies(sp.Ge(resolved, 1), sp.Le(angle_slope, -2)), tightness=None, seeds=4)
    res = run_claim(planted, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    assert res.verdict == "refuted", res.reason


def svm_dual_not_rescaled(X, y):
    """The LDP's NNLS solution u returned as the dual, without the division by −r_{d+1} = 1 − Σu
    (so u = α/(1 + Σα))."""
    w, alpha = _real_svm(X, y)
    return w, alpha / (1 + alpha.sum())


@pytest.mark.catches("soudry2018.linear_svm_limit")
def test_unscaled_svm_duals_break_the_limit(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(hm, "svm", svm_dual_not_rescaled)
    verdict = verdict_of("soudry2018.linear_svm_limit")
    assert verdict.startswith("refuted"), verdict


_real_grad_log_loss = hm._grad_log_loss


def grad_log_loss_without_mean(Ws, zs, hs, y, loss):
    """∇log L twenty times too large (a factor of the loss's scale left in): GD steps far past the step condition."""
    logL, G = _real_grad_log_loss(Ws, zs, hs, y, loss)
    return logL, tuple(20.0 * g for g in G)


@pytest.mark.catches("soudry2018.gd_descent_step_condition")
def test_an_oversized_gradient_breaks_descent(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """Issue 17 (Soudry's GD theorem): with the gradient 20× too large the loss rises at some step."""
    monkeypatch.setattr(hm, "_grad_log_loss", grad_log_loss_without_mean)
    verdict = verdict_of("soudry2018.gd_descent_step_condition")
    assert verdict.startswith("refuted"), verdict


def svm_direction_only(X, y):
    """ŵ returned with unit norm (the direction right, the scale 1/γ lost): w(t) − ŵ_bug log t then grows like
    (ŵ − ŵ_bug) log t."""
    w, alpha = _real_svm(X, y)
    return w / w.norm(), alpha


@pytest.mark.catches("soudry2018.gd_residual_bounded")
def test_a_unit_norm_svm_breaks_the_bounded_residual(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """Issue 17: with ŵ's norm lost the residual drifts by ‖ŵ‖ − 1 ≥ 0.43 per unit log t (margin ≤ 0.7), past ¼."""
    monkeypatch.setattr(hm, "svm", svm_direction_only)
    verdict = verdict_of("soudry2018.gd_residual_bounded")
    assert verdict.startswith("refuted"), verdict


_real_linear_gd = hm.linear_gd


def linear_gd_half_step(w0, X, y, *, eta, record, loss="logistic"):
    """GD run at twice the step (a factor ½ of the loss's mean left out): up to 1.98× the step condition."""
    return _real_linear_gd(w0, X, y, eta=2.0 * eta, record=record, loss=loss)


def test_a_doubled_step_leaves_the_residual_bounded(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """Not a catch: the step enters ρ only through the constant w̃ (η e^{−x_nᵀw̃} = α_n, recalled), so a doubled step
    must leave the claim verified — the claim tests the growth of ρ, not its offset. (Measured: it stays verified
    even where the doubled step exceeds the step condition, up to 1.98×.)"""
    monkeypatch.setattr(hm, "linear_gd", linear_gd_half_step)
    verdict = verdict_of("soudry2018.gd_residual_bounded")
    assert verdict.startswith("verified"), verdict


_real_degenerate = hm.degenerate_svm_data


def degenerate_vector_off_the_margin(n, d, *, margin, support, gap, generator, offset=0.0, dtype=torch.float64,
                                     device="cpu"):
    """The extra example built at γ(1 + gap) along u (a copy of the non-support rule) instead of on the margin."""
    return _real_degenerate(n, d, margin=margin, support=support, gap=gap, generator=generator,
                            offset=min(max(offset, gap), 0.99 / margin - 1), dtype=dtype, device=device)


@pytest.mark.catches("soudry2018.degenerate_loglog_rate")
def test_a_non_degenerate_generator_breaks_the_loglog_rate(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """Issue 17: if the 'degenerate' example is not on the margin, nothing grows like log log t: refuted."""
    monkeypatch.setattr(hm, "degenerate_svm_data", degenerate_vector_off_the_margin)
    verdict = verdict_of("soudry2018.degenerate_loglog_rate")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("soudry2018.degenerate_loglog_rate")
def test_planted_false_degenerate_bounded_residual_is_refuted(registered_claims) -> None:
    """'On degenerate data the residual stays bounded too' (slope 0 against log log t): refuted."""
    planted = replace(registered_claims["soudry2018.degenerate_loglog_rate"], id="planted.degenerate_bounded",
                      statement=sp.Implies(sp.Ge(sp.Symbol("settled"), 1), sp.Eq(sp.Symbol("deg_slope"), 0)),
                      figures=())
    res = run_claim(planted, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    assert res.verdict == "refuted", res.reason


def linear_gd_last_term_sign_flipped(w0, X, y, *, eta, record, loss="logistic"):
    """GD with the wrong sign on one term of the gradient: the last example's (on degenerate data the degenerate
    support vector's) push subtracted instead of added, as if its label were flipped."""
    y_bug = y.clone()
    y_bug[-1] = -y_bug[-1]
    return _real_linear_gd(w0, X, y_bug, eta=eta, record=record, loss=loss)


@pytest.mark.catches("soudry2018.gd_degenerate_loglog_rate")
def test_a_sign_flipped_gd_term_breaks_the_gd_loglog_rate(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """Issue 17 (GD on degenerate data): with the degenerate example's gradient term of the wrong sign, b·e_dᵀw(t)
    falls (like −c·log t: the flipped example is pushed to the other side) instead of growing like log log t, so the
    growth ratio of e^{b·e_dᵀw} reads 0 (z did not grow): refuted."""
    monkeypatch.setattr(hm, "linear_gd", linear_gd_last_term_sign_flipped)
    verdict = verdict_of("soudry2018.gd_degenerate_loglog_rate")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("soudry2018.gd_degenerate_loglog_rate")
def test_planted_false_gd_degenerate_bounded_residual_is_refuted(registered_claims) -> None:
    """'Under GD the degenerate component stays bounded too' (the non-degenerate theorem's bounded residual: growth
    ratio 0, as off the margin): refuted, the ratio is ≈ 1."""
    planted = replace(registered_claims["soudry2018.gd_degenerate_loglog_rate"], id="planted.gd_degenerate_bounded",
                      statement=sp.Implies(sp.Ge(sp.Symbol("settled"), 1), sp.Eq(sp.Symbol("growth_ratio"), 0)),
                      figures=())
    res = run_claim(planted, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    assert res.verdict == "refuted", res.reason
