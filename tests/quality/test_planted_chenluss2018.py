"""Quality tier for chenluss2018: planted bugs in impl.consistent_sgd (a dropped Horvitz–Thompson reweighting, a
wrong sign in the per-node gradient, a wrong sign in the SGD step) must make items of the paper come back
refuted, and planted false claims (consistent SGD at rate t^{-2}; a fixed-sample-size, inconsistent estimator
converging at the unbiased rate) must be refuted with a small shrunk counterexample. The paper claim
(consistent_same_rate) is caught by the dropped reweighting and by its t^{-2} variant; ``catches`` names it
(tests/quality/test_coverage.py); the other tests catch bugs through the implementation checks.

The SGD claims are searched at a shorter horizon here (T = 256 instead of ci's 2048, patched through
``STEPS``): every example then costs ≈ 0.1 s, so Hypothesis's shrink stays within the tier's budget. At T = 256
the exponents stay away from the false values (measured over 16 random premises: unbiased −0.93 … −1.23,
consistent −0.95 … −1.79; the false t^{-2} claim needs −2 ± 0.15)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp
import torch

from lemmata.impl import consistent_sgd as cs
from lemmata.theorems import chenluss2018 as cl
from lemmata.verify import Claim
from lemmata.verify.profiles import PROFILES
from lemmata.verify.runner import run_claim

pytestmark = pytest.mark.quality

SHORT = (256, 256, 256)


def _verdict(claim) -> tuple[str, str, dict]:
    res = run_claim(claim, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu",
                    dtype=torch.float64)
    return res.verdict, res.reason, (getattr(res, "counterexample", None) or {}).get("premises", {})


def _verdict_at_short(monkeypatch: pytest.MonkeyPatch, claim: Claim) -> tuple[str, str, dict]:
    """``_verdict(claim)`` with the SGD claims' horizon cut to ``SHORT`` (``cl.STEPS``, read when the claim runs)."""
    monkeypatch.setattr(cl, "STEPS", SHORT)
    return _verdict(claim)


def ht_without_reweighting(V, nodes, slots):
    """The sampled neighbours' plain sum, the D/N Horvitz–Thompson factor dropped: E â = (N/D)·a."""
    n, D, d = V.shape
    return V.reshape(n * D, d)[nodes.unsqueeze(-1) * D + slots].sum(-2)


def node_gradients_wrong_sign(w, A_hat, y, lam):
    """The per-node gradient with the data term's sign flipped: −ℓ'(y âᵀw) y â + λw."""
    margins = y * torch.einsum("sbd,sd->sb", A_hat, w)
    return (-y * cs.logistic_grad(margins)).unsqueeze(-1) * A_hat + lam * w.unsqueeze(1)


def test_dropped_reweighting_breaks_the_aggregate_moments(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(cs, "_ht_aggregates", ht_without_reweighting)  # the kernel both paths share
    verdict = verdict_of("chenluss2018.aggregate_moments")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("chenluss2018.consistent_same_rate")
def test_dropped_reweighting_breaks_the_same_rate_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    # the estimator is then inconsistent (â → (N/D)·a, N ≤ D/2): the consistent run converges elsewhere, to the
    # minimizer of a shrunk-feature objective, and plateaus at a floor whatever the data (a ≠ 0)
    monkeypatch.setattr(cs, "_ht_aggregates", ht_without_reweighting)  # the kernel both paths share
    verdict, reason, _ = _verdict_at_short(monkeypatch, replace(cl.consistent_same_rate, examples=()))
    assert verdict == "refuted", reason


def test_wrong_sign_in_the_node_gradient_is_caught(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(cs, "node_gradients", node_gradients_wrong_sign)
    verdict = verdict_of("chenluss2018.unbiased_estimator_mean")
    assert verdict.startswith("refuted"), verdict


def test_wrong_sign_in_the_sgd_step_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cs, "step_size", lambda t, *, mu, t0, c=2.0: -c / (mu * (t + t0)))
    verdict, reason, _ = _verdict_at_short(monkeypatch, cl.unbiased_sgd_rate)
    assert verdict == "refuted", reason


@pytest.mark.catches("chenluss2018.consistent_same_rate")
def test_consistent_sgd_at_rate_t_minus_two_is_refuted(monkeypatch: pytest.MonkeyPatch) -> None:
    false = replace(cl.consistent_same_rate, id="chenluss2018.false_rate_t_minus_two", examples=(),
                    statement=sp.Eq(cl.con_exp, -2))
    verdict, reason, ce = _verdict_at_short(monkeypatch, false)
    assert verdict == "refuted", reason
    assert ce.get("n", 99) <= 4 and ce.get("d", 99) <= 2, ce  # shrunk to a small graph


def test_fixed_sample_size_claimed_to_keep_the_rate_is_refuted(monkeypatch: pytest.MonkeyPatch) -> None:
    # false: "with N held at 1 or 2 the consistent estimator still converges at the unbiased rate" (the control's
    # premises, expected to hold), searched from scratch (no replayed example)
    false = replace(cl.fixed_sample_size_control, id="chenluss2018.false_fixed_n_rate", expect="holds",
                    control_of=None, broken_premise=None, examples=())
    verdict, reason, ce = _verdict_at_short(monkeypatch, false)
    assert verdict == "refuted", reason
    assert ce.get("fixed_N") in (1, 2) and ce.get("n", 99) <= 4, ce


# ---------------------------------------------------------------------------------------------
# issue 17: the convex and nonconvex theorems under the consistency premise (impl.consistent_premise)
# ---------------------------------------------------------------------------------------------

from lemmata.impl import consistent_premise as cpm  # noqa: E402

PREMISE_SHORT = (512, 512, 512)  # T = 512 here (ci: 2048): each example ≈ 0.1 s, so the shrink stays cheap


def _verdict_at_premise_short(monkeypatch: pytest.MonkeyPatch, claim: Claim) -> tuple[str, str, dict]:
    """``_verdict(claim)`` with the premise claims' horizon cut to ``PREMISE_SHORT`` (``cl.PREMISE_STEPS``)."""
    monkeypatch.setattr(cl, "PREMISE_STEPS", PREMISE_SHORT)
    return _verdict(claim)


def minibatch_gradient_wrong_sign(w, prob, idx):
    """The minibatch gradient with its sign flipped: SGD ascends (the full gradient, which Newton uses for f*, is intact)."""
    Xb = prob.X[idx]
    z = torch.einsum("sbd,sd->sb", Xb, w)
    return -(cpm._dloss(z, prob.y[idx], prob.loss).unsqueeze(-1) * Xb).mean(1)


@pytest.mark.catches("chenluss2018.convex_same_rate")
def test_wrong_sign_in_the_minibatch_gradient_breaks_the_convex_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    # ascent on the logistic loss: f(w̄_t) − f* grows, the fitted exponent is positive
    monkeypatch.setattr(cpm, "per_sample_gradients", minibatch_gradient_wrong_sign)
    verdict, reason, _ = _verdict_at_premise_short(monkeypatch, cl.convex_same_rate)
    assert verdict == "refuted", reason


@pytest.mark.catches("chenluss2018.convex_same_rate")
def test_convex_rate_t_minus_three_halves_is_refuted(monkeypatch: pytest.MonkeyPatch) -> None:
    # false: "the averaged iterate's gap falls like t^{-3/2}" (measured exponents are ≈ −1 … −1.2)
    false = replace(cl.convex_same_rate, id="chenluss2018.false_convex_rate", statement=sp.Le(cl.con_exp_sym, -1.5))
    verdict, reason, ce = _verdict_at_premise_short(monkeypatch, false)
    assert verdict == "refuted", reason
    assert ce.get("n", 99) <= 16, ce  # shrunk toward a small problem


@pytest.mark.catches("chenluss2018.nonconvex_same_rate")
def test_constant_step_breaks_the_nonconvex_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    # the schedule's 1/√(t + 1) decay dropped: SGD with a constant step levels off at its noise floor, E‖∇f‖² stalls
    monkeypatch.setattr(cpm, "step_size", lambda t, c, t0=None: c)
    verdict, reason, _ = _verdict_at_premise_short(monkeypatch, cl.nonconvex_same_rate)
    assert verdict == "refuted", reason


@pytest.mark.catches("chenluss2018.nonconvex_same_rate")
def test_nonconvex_rate_t_minus_two_is_refuted(monkeypatch: pytest.MonkeyPatch) -> None:
    false = replace(cl.nonconvex_same_rate, id="chenluss2018.false_nonconvex_rate", statement=sp.Le(cl.con_exp_sym, -2))
    verdict, reason, _ = _verdict_at_premise_short(monkeypatch, false)
    assert verdict == "refuted", reason


def test_premise_tail_bound_catches_a_loose_sampler(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    # a sampler with B ~ Binomial(N, 0.6): Ū is no longer centred, the factors drift from their exact distribution
    real = torch.binomial
    monkeypatch.setattr(torch, "binomial", lambda count, prob, generator=None: real(count, prob + 0.1, generator=generator))
    verdict = verdict_of("chenluss2018.premise_tail_bound")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("chenluss2018.strongly_convex_premise_rate")
def test_constant_step_breaks_the_strongly_convex_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    # the 1/(t + t0) decay dropped (γ_t = γ_0 for every t): E‖w_t − w*‖² levels off at the constant step's noise floor
    monkeypatch.setattr(cpm, "step_size", lambda t, c, t0=None: c / (t0 or 1.0))
    verdict, reason, _ = _verdict_at_premise_short(monkeypatch, cl.strongly_convex_same_rate)
    assert verdict == "refuted", reason


@pytest.mark.catches("chenluss2018.strongly_convex_premise_rate")
def test_strongly_convex_rate_t_minus_two_is_refuted(monkeypatch: pytest.MonkeyPatch) -> None:
    false = replace(cl.strongly_convex_same_rate, id="chenluss2018.false_sc_rate", statement=sp.Le(cl.con_exp_sym, -2))
    verdict, reason, _ = _verdict_at_premise_short(monkeypatch, false)
    assert verdict == "refuted", reason
