"""Quality tier for zou2020: planted bugs in impl.linear_resnet must make a zou2020 item fail, and planted false
claims must come back refuted (one with a small counterexample that replays).

The rate claims (with their recalled 1/e) are loose enough that backward-pass bugs still converge inside them;
the implementation checks are what catch those: the descent identity (gradient bugs, against central differences of
a loss written in the theorem module), the one-epoch identity of SGD (the n/b scale), and the fitted Nesterov
exponent (the momentum; a finding). The paper claims are made to fail by a bug they can see (GD that ascends) and by
a false variant (weights falling like L^{−3/2}); ``catches`` names them (tests/quality/test_coverage.py).

Issue 16, item 2: an L* computed with a ridge term (never smaller than the true one, so every upper bound still holds)
must be refuted by the lower side (L(t) − L*)/L(0) ≥ −tol of the rate items; the main theorem's condition must carry
the conditioned claim (with a negligible constant C the narrow, large-target examples count and GD leaves the
envelope there) and its control (with that constant no example violates the condition any more); the SGD ε-accuracy
claim must catch an SGD that ascends."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import torch

from dataclasses import replace

import sympy as sp
from hypothesis import strategies as st

from lemmata.impl import linear_resnet as lr
from lemmata.theorems import zou2020 as zou
from lemmata.verify.cli import main
from lemmata.verify.profiles import PROFILES
from lemmata.verify.runner import run_claim

from _planted import verify_planted  # tests/quality/_planted.py

pytestmark = pytest.mark.quality

_real_grads, _real_hidden, _real_nag_velocity = lr._grads_from_hidden, lr._hidden, lr._nag_velocity


def halved_gradient(W, B, H, E):
    """A dropped factor 2 (e.g. the loss taken as ¼‖·‖²): steps half as long as the step size says."""
    return 0.5 * _real_grads(W, B, H, E)


def backward_without_transpose(W, B, H, E):
    """δ_{l−1} = (I + W_l)δ_l instead of (I + W_l)ᵀδ_l."""
    G = torch.empty_like(W)
    delta = torch.matmul(B.transpose(-1, -2), E)
    for l in range(W.shape[1] - 1, -1, -1):
        G[:, l] = torch.matmul(delta, H[l].transpose(-1, -2))
        if l > 0:
            delta = delta + torch.matmul(W[:, l], delta)
    return G


def hidden_off_by_one(W, A, X):
    """The first residual block skipped (an off-by-one in the product)."""
    H = _real_hidden(W, A, X)
    return [H[0], H[0], *H[2:]] if W.shape[1] > 1 else H


def hidden_reversed_order(W, A, X):
    """The product taken in the wrong order, (I + W_1)⋯(I + W_L)A X: W_L applied first."""
    return _real_hidden(W.flip(1), A, X)


def backward_B_not_transposed(W, B, H, E):
    """δ_L = B E instead of Bᵀ E. For k ≠ m the shapes refuse it (any run raises), so it is planted where it
    survives every shape check: a square B (k = m), which the descent identity draws on purpose."""
    if B.shape[-1] != B.shape[-2]:
        return _real_grads(W, B, H, E)
    return _real_grads(W, B.transpose(-1, -2), H, E)  # the kernel transposes again: δ_L = B E


@pytest.mark.parametrize(("attr", "bug", "claim_id"), [
    ("_grads_from_hidden", halved_gradient, "zou2020.gradient_descent_identity"),
    ("_grads_from_hidden", backward_without_transpose, "zou2020.gradient_descent_identity"),
    ("_hidden", hidden_off_by_one, "zou2020.gradient_descent_identity"),
    ("_hidden", hidden_reversed_order, "zou2020.gradient_descent_identity"),
    ("_grads_from_hidden", backward_B_not_transposed, "zou2020.gradient_descent_identity"),
], ids=["halved_gradient", "backward_without_transpose", "hidden_off_by_one", "hidden_reversed_order",
        "backward_B_not_transposed"])
def test_planted_bug_is_caught(attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(lr, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"


def gd_ascends(W, G, lr_):
    """The GD step with its sign flipped, W + ηG: the update kernel shared by GD and SGD climbs the loss. From W = 0
    the first step already raises L − L* above L(0) − L* (any data with a nonzero initial gradient), while the envelope
    never exceeds L(0) − L*, so the rate claim fails at t = 1 whatever the data."""
    return torch.addcmul(W, lr_, G, value=1.0)


@pytest.mark.catches("zou2020.identity_gd_rate_conditioned")
@pytest.mark.parametrize("claim_id", ["zou2020.identity_gd_rate_conditioned", "zou2020.identity_gd_rate"])
def test_gd_that_ascends_breaks_the_identity_rate(claim_id: str, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    # the conditioned claim is decided on the instances where the condition holds (its examples have small targets):
    # there too the first ascending step leaves the envelope; identity_gd_rate (a finding) fails the same way
    monkeypatch.setattr(lr, "_gd_step", gd_ascends)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("zou2020.weights_small")
def test_weights_falling_like_L_to_the_minus_three_halves_is_refuted() -> None:
    # false whatever the data: GD from zero with ηL fixed reaches (nearly) the same end-to-end product I + M at every
    # depth, and ‖M‖ ≤ Π(1 + ‖W_l‖) − 1 ≤ exp(L·max‖W_l‖) − 1, so L·max‖W_l‖ ≥ log(1 + ‖M‖) > 0: the slope is ≥ −1 up
    # to the O(1/L) correction (measured −1.07 … −0.95), never ≤ −1.5 + 0.15
    false = replace(zou.weights_small, id="zou2020.false_weights_l_minus_three_halves",
                    statement=sp.Le(zou.weight_slope, sp.Rational(-3, 2)))
    res = run_claim(false, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    assert res.verdict == "refuted", res.reason


def nag_momentum_complement(V, G, lr_, mu):
    """Nesterov's velocity with 1 − μ where μ belongs: V ← (1 − μ)V − η∇L(W + μV). With μ = (1 − √q)/(1 + √q)
    close to 1 the momentum all but vanishes, and the method slows to GD's κ scaling."""
    return _real_nag_velocity(V, G, lr_, 1 - mu)


def sgd_not_rescaled(n: int, b: int) -> float:
    """The minibatch gradient used as it is, without the n/b that makes it unbiased."""
    return 1.0


@pytest.mark.parametrize(("attr", "bug", "claim_id"), [
    ("_nag_velocity", nag_momentum_complement, "zou2020.nag_iterations_vs_kappa"),
    ("_minibatch_scale", sgd_not_rescaled, "zou2020.sgd_epoch_identity"),
], ids=["nag_momentum_complement", "sgd_not_rescaled"])
def test_planted_optimizer_bug_is_caught(attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch,
                                         verdict_of) -> None:
    monkeypatch.setattr(lr, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"


FALSE_CLAIM = '''
import sympy as sp

from lemmata.theorems import zou2020 as zou
from lemmata.verify import Citation, Claim, Kind, Tolerance

nag_exponent = sp.Symbol("nag_exponent")
CLAIMS = [Claim(id="plantedzou.nag_exponent_one", title="planted: NAG needs iterations proportional to kappa",
    citation=Citation(paper="planted false claim", where="none", source="derived"), kind=Kind.TREND,
    statement=sp.Eq(nag_exponent, 1), premises=zou._nag_premises, run=zou.run_nag,
    tolerance=Tolerance(atol=0.2, reason="as the true claim's"), seeds=1)]
'''


def test_planted_false_nag_exponent_is_refuted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res = verify_planted(tmp_path, stem="plantedzou", source=FALSE_CLAIM)[0]
    assert res["verdict"] == "refuted", res["reason"]
    premises = res["counterexample"]["premises"]
    assert premises["d"] <= 3 and premises["L"] <= 2, premises  # shrunk toward the smallest network
    assert main(shlex.split(res["reproduce"])[1:]) == 1
    capsys.readouterr()


# ---------------------------------------------------------------------------------------------
# L* from both sides (issue 16, item 2): an L* with a ridge term is never smaller than the true one, so every upper
# bound on L(t) − L* still holds with it; the lower side (L(t) − L*)/L(0) ≥ −tol must catch it
# ---------------------------------------------------------------------------------------------

RIDGE = 1e-2  # λ = 1% of ‖X‖₂²: a plausible "regularized for stability" least-squares solve


def _ridge_loss(X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """½‖Y − Θ_λX‖² with Θ_λ = YXᵀ(XXᵀ + λI)⁻¹, λ = RIDGE·‖X‖₂²: ≥ the true minimum, by L*_λ − L* ≈ λ²-small terms."""
    G = X @ X.transpose(-1, -2)
    lam = RIDGE * torch.linalg.matrix_norm(X, ord=2) ** 2
    eye = torch.eye(G.shape[-1], dtype=X.dtype, device=X.device)
    theta = Y @ X.transpose(-1, -2) @ torch.linalg.inv(G + lam[..., None, None] * eye)
    return 0.5 * ((theta @ X - Y) ** 2).sum((-2, -1))


def ridge_optimum(A, B, X, Y):
    """``lr.optimum`` with a ridge term (the transforms have full rank in every item that uses it)."""
    return _ridge_loss(X, Y).expand(A.shape[0]).clone()


def ridge_least_squares_optimum(X, Y):
    return _ridge_loss(X, Y)


def _refuted_by_the_lower_side(claim_id: str, registered_claims) -> None:
    res = run_claim(registered_claims[claim_id], profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu",
                    dtype=torch.float64)
    assert res.verdict == "refuted", res.reason
    violated = [a["relation"] for a in res.counterexample["detail"]["atoms"] if a["violated"]]
    # refuted by the lower side, not by the envelope (a larger L* only lowers L(t) − L*, which helps the envelope)
    assert violated == ["excess_rel >= 0"], violated


@pytest.mark.catches("zou2020.identity_gd_rate_conditioned")
@pytest.mark.parametrize("claim_id", ["zou2020.identity_gd_rate_conditioned", "zou2020.identity_gd_rate"])
def test_ridge_optimum_breaks_the_identity_rate(claim_id: str, monkeypatch: pytest.MonkeyPatch,
                                                registered_claims) -> None:
    monkeypatch.setattr(lr, "optimum", ridge_optimum)
    monkeypatch.setattr(lr, "least_squares_optimum", ridge_least_squares_optimum)
    _refuted_by_the_lower_side(claim_id, registered_claims)


def test_ridge_optimum_breaks_the_gaussian_rate(monkeypatch: pytest.MonkeyPatch, registered_claims) -> None:
    monkeypatch.setattr(lr, "optimum", ridge_optimum)
    monkeypatch.setattr(lr, "least_squares_optimum", ridge_least_squares_optimum)
    _refuted_by_the_lower_side("zou2020.gaussian_gd_rate", registered_claims)


# ---------------------------------------------------------------------------------------------
# The main theorem's condition (issue 16, item 2)
# ---------------------------------------------------------------------------------------------

@pytest.mark.catches("zou2020.gaussian_gd_rate_conditioned")
def test_ridge_optimum_breaks_the_conditioned_rate(monkeypatch: pytest.MonkeyPatch, registered_claims) -> None:
    monkeypatch.setattr(lr, "optimum", ridge_optimum)
    monkeypatch.setattr(lr, "least_squares_optimum", ridge_least_squares_optimum)
    _refuted_by_the_lower_side("zou2020.gaussian_gd_rate_conditioned", registered_claims)


def _plant_condition_constant(monkeypatch: pytest.MonkeyPatch, registered_claims, value: float) -> None:
    """Set COND_C in the module the registered claims run from (the registry executes the theorem file as a module of
    its own, so patching the test's import of theorems.zou2020 would not reach them)."""
    run = registered_claims["zou2020.gaussian_gd_rate_conditioned"].run
    monkeypatch.setitem(run.__globals__, "COND_C", value)


@pytest.mark.catches("zou2020.gaussian_gd_rate_conditioned")
def test_condition_with_a_negligible_constant_is_refuted(monkeypatch: pytest.MonkeyPatch, verdict_of,
                                                         registered_claims) -> None:
    # a planted false variant: C = 1e-6 makes the condition hold for almost every seed, including narrow nets with large
    # targets where GD from zero leaves the envelope (diverges: e.g. d = 3, k = 2, m = 4, target ×10^0.5): the
    # condition carries the claim, so evaluating it wrongly must make the claim fail
    _plant_condition_constant(monkeypatch, registered_claims, 1e-6)
    verdict = verdict_of("zou2020.gaussian_gd_rate_conditioned")
    assert verdict.startswith("refuted"), verdict


# (catches() names paper claims only: this test is the control's, which test_coverage does not track)
def test_condition_control_needs_the_condition(monkeypatch: pytest.MonkeyPatch, verdict_of, registered_claims) -> None:
    # the same planted constant: with C = 1e-6 the large-target examples satisfy the "condition", so the control's
    # Implies(cond_margin < 1, …) is vacuous everywhere and the control can no longer show that the premise matters
    _plant_condition_constant(monkeypatch, registered_claims, 1e-6)
    verdict = verdict_of("zou2020.gaussian_condition_control")
    assert not verdict.startswith("verified"), verdict


# ---------------------------------------------------------------------------------------------
# The SGD theorem as stated (issue 16, item 2)
# ---------------------------------------------------------------------------------------------

@pytest.mark.catches("zou2020.sgd_epsilon_accuracy")
def test_sgd_that_ascends_misses_epsilon(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    # the shared update kernel with its sign flipped: SGD climbs, L(T) − L* ends far above ε = eps_frac·L(0)
    monkeypatch.setattr(lr, "_gd_step", gd_ascends)
    verdict = verdict_of("zou2020.sgd_epsilon_accuracy")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("zou2020.sgd_epsilon_accuracy")
def test_ridge_optimum_breaks_the_sgd_epsilon_claim(monkeypatch: pytest.MonkeyPatch, registered_claims) -> None:
    monkeypatch.setattr(lr, "optimum", ridge_optimum)
    monkeypatch.setattr(lr, "least_squares_optimum", ridge_least_squares_optimum)
    _refuted_by_the_lower_side("zou2020.sgd_epsilon_accuracy", registered_claims)


# (the control's, not a paper claim's)
def test_identity_condition_control_breaks_one_premise(registered_claims) -> None:
    # the same instances with the plain modified identity (log10_cond_A = 0): the condition holds and the rate with it,
    # so the control does not break there; its failures come from the ill-conditioned transform alone
    ctl = registered_claims["zou2020.identity_condition_control"]
    same = replace(ctl, premises=lambda p: zou.identity_control_premises(p, log10_cond_A=st.just(0.0)),
                   examples=tuple({**e, "log10_cond_A": 0.0} for e in ctl.examples))
    res = run_claim(same, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    assert res.verdict != "verified", res.reason
