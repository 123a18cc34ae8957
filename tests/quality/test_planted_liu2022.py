"""Quality tier for liu2022: planted bugs in the gradients or the tangent kernels must make a liu2022 item come
back refuted, and the planted false constant ‖∇L‖² ≥ 4λ_min(K)·L must be refuted with a small counterexample
that replays.

The identity checks compare each model's own gradient with a separately computed kernel, and the gradient with
autograd through the model's forward pass, so a dropped factor, a wrong weighting or a wrong sign on either side
breaks them by far more than round-off. The two paper claims are caught by planted bugs in the GD path: a sign
error in the output-layer gradient (GD climbs in a) breaks the rate, and a first-layer gradient without its 1/√m
(steps √m times too long in W) moves the tangent kernel far from its initial value.
"""

from __future__ import annotations

import json
import math
import shlex
from pathlib import Path

import pytest
import torch

from lemmata.impl import implicit as ig
from lemmata.impl import linear_resnet as lr
from lemmata.impl import pl_star as ps
from lemmata.impl import two_layer as tl
from lemmata.verify.cli import main

from _planted import verify_planted  # tests/quality/_planted.py

pytestmark = pytest.mark.quality

_real_kernel_w, _real_grad_w, _real_grad_a = ps._kernel_w, tl._grad_w, tl._grad_a
_real_lr_grads, _real_lr_kernel, _real_gram_ntk = lr._grads_from_hidden, ps.linear_resnet_tangent_kernel, ig.gram_ntk
_real_adjoint = ig._adjoint


def kernel_w_without_1_over_m(Z, a, X, m):
    """The first-layer tangent kernel with its 1/m dropped (a Gram missing a factor)."""
    return m * _real_kernel_w(Z, a, X, m)


def kernel_w_without_a_squared(Z, a, X, m):
    """Du et al.'s H(W) used as the tangent kernel after a has moved: the a_r² weights dropped."""
    return _real_kernel_w(Z, torch.ones_like(a), X, m)


def grad_w_halved(Z, a, X, e, m):
    """A dropped factor 2 in the first-layer gradient (the loss taken as ¼‖·‖²)."""
    return 0.5 * _real_grad_w(Z, a, X, e, m)


def resnet_grads_halved(W, B, H, E):
    return 0.5 * _real_lr_grads(W, B, H, E)


def resnet_kernel_reversed(W, A, B, X):
    """The tangent kernel of the product taken in the wrong order (W_L applied first)."""
    return _real_lr_kernel(W.flip(1), A, B, X)


def implicit_gram_halved(params, X, **kw):
    """The implicit network's NTK missing a factor ½."""
    return 0.5 * _real_gram_ntk(params, X, **kw)


def implicit_gram_missing_u_block(params, X, *, train=("A", "u"), **kw):
    """The implicit network's NTK without the output-layer block ZᵀZ when more than u is trained."""
    rest = tuple(t for t in train if t != "u") or ("u",)
    return _real_gram_ntk(params, X, train=rest, **kw)


def implicit_adjoint_without_inverse(B, Dm, R, **kw):
    """The adjoint v = r instead of (I − DB)⁻ᵀ r. implicit_grads and gram_ntk share it, so ‖∇L‖² = eᵀKe still
    holds exactly; only the autograd reference through unrolled Picard steps sees the bug."""
    fp = _real_adjoint(B, Dm, R, **kw)
    return ig.FixedPoint(Z=R.clone(), iterations=fp.iterations, residual=fp.residual, converged=fp.converged,
                         norm_B=fp.norm_B, method=fp.method, tol=fp.tol)


@pytest.mark.parametrize(("module", "attr", "bug", "claim_id"), [
    (ps, "_kernel_w", kernel_w_without_1_over_m, "liu2022.identity_two_layer"),
    (ps, "_kernel_w", kernel_w_without_a_squared, "liu2022.identity_two_layer"),
    (tl, "_grad_w", grad_w_halved, "liu2022.identity_two_layer"),
    (lr, "_grads_from_hidden", resnet_grads_halved, "liu2022.identity_linear_resnet"),
    (ps, "linear_resnet_tangent_kernel", resnet_kernel_reversed, "liu2022.identity_linear_resnet"),
    (ig, "gram_ntk", implicit_gram_halved, "liu2022.identity_implicit"),
    (ig, "gram_ntk", implicit_gram_missing_u_block, "liu2022.identity_implicit"),
    (ig, "_adjoint", implicit_adjoint_without_inverse, "liu2022.identity_implicit"),
], ids=["kernel_w_without_1_over_m", "kernel_w_without_a_squared", "grad_w_halved", "resnet_grads_halved",
        "resnet_kernel_reversed", "implicit_gram_halved", "implicit_gram_missing_u_block",
        "implicit_adjoint_without_inverse"])
def test_planted_bug_is_caught(module, attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch,
                               verdict_of) -> None:
    monkeypatch.setattr(module, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"


def grad_a_wrong_sign(R, e, m):
    """The output-layer gradient with its sign flipped: GD climbs in a."""
    return -_real_grad_a(R, e, m)


@pytest.mark.catches("liu2022.gd_linear_rate")
def test_sign_bug_is_caught_by_the_rate(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(tl, "_grad_a", grad_a_wrong_sign)
    # the squares of the identity are blind to a sign; its autograd reference is not
    assert verdict_of("liu2022.identity_two_layer").startswith("refuted")
    verdict = verdict_of("liu2022.gd_linear_rate")
    assert verdict.startswith("refuted"), f"grad_a_wrong_sign was not caught by liu2022.gd_linear_rate: {verdict}"


def grad_w_without_sqrt_m(Z, a, X, e, m):
    """The first-layer gradient without its 1/√m: GD's steps in W are √m times too long."""
    return math.sqrt(m) * _real_grad_w(Z, a, X, e, m)


@pytest.mark.catches("liu2022.kernel_stays_conditioned")
def test_long_steps_are_caught_by_the_kernel_path(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(tl, "_grad_w", grad_w_without_sqrt_m)
    verdict = verdict_of("liu2022.kernel_stays_conditioned")
    assert verdict.startswith("refuted"), f"grad_w_without_sqrt_m was not caught by kernel_stays_conditioned: {verdict}"


FALSE_CLAIM = '''
import sympy as sp

from lemmata.theorems import liu2022 as liu
from lemmata.verify import Citation, Claim, Kind

grad_sq, quad, pl_bound = sp.symbols("grad_sq quad_form pl_bound")
CLAIMS = [Claim(id="plantedliu.pl_constant_four", title="planted: ||grad L||^2 >= 4 lambda_min(K) L",
    citation=Citation(paper="planted false claim", where="none", source="derived"), kind=Kind.EXACT,
    statement=sp.Ge(grad_sq, 2 * pl_bound), premises=liu.two_layer_identity_premises,
    run=liu.run_two_layer_identity, tolerance=liu.IDENTITY_TOL, seeds=16)]
'''


def test_planted_false_pl_constant_is_refuted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res = verify_planted(tmp_path, stem="plantedliu", source=FALSE_CLAIM)[0]
    assert res["verdict"] == "refuted", res["reason"]
    premises = res["counterexample"]["premises"]
    # one sample is enough: with n = 1, eᵀKe = λ_min(K)e² < 2λ_min(K)e² whenever K ≠ 0 and e ≠ 0
    assert premises["n"] <= 2 and premises["m"] <= 2, premises
    assert main(shlex.split(res["reproduce"])[1:]) == 1
    capsys.readouterr()



@pytest.mark.catches("liu2022.gd_stays_in_ball")
def test_output_layer_ascent_leaves_the_ball(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """Issue 17 (the PL* ball): with the output layer climbing the loss the iterates leave B(w₀, R)."""
    monkeypatch.setattr(tl, "_grad_a", grad_a_wrong_sign)
    verdict = verdict_of("liu2022.gd_stays_in_ball")
    assert verdict.startswith("refuted"), verdict


# ---------------------------------------------------------------------------------------------
# issue 17: PL* over the ball, SGD under PL*
# ---------------------------------------------------------------------------------------------

def _ball_worst_ratio(m: int) -> float:
    """run_ball_pl at a fixed instance (n = 2, d = 4, 16 seeds): the least ½‖∇L‖²/(μL) over the ball's points."""
    from lemmata.theorems import liu2022 as liu
    from lemmata.verify.claim import Instance
    from lemmata.verify.profiles import PROFILES

    inst = Instance(premises={"n": 2, "d": 4, "coherence": 0.0, "seed": 0, "m": m}, seeds=tuple(range(100, 116)),
                    device=torch.device("cpu"), dtype=torch.float64, profile=PROFILES["ci"])
    return float(liu.run_ball_pl(inst)["pl_ratio"].data.min())


@pytest.mark.catches("liu2022.pl_star_over_ball")
@pytest.mark.parametrize(("module", "attr", "bug"), [(ps, "_kernel_w", kernel_w_without_1_over_m),
                                                     (tl, "_grad_w", grad_w_halved)],
                         ids=["kernel_w_without_1_over_m", "grad_w_halved"])
def test_planted_bug_breaks_pl_over_the_ball(module, attr: str, bug, monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim is refuted under ci at the widths of our regime (a result, tests/claims/known.py); at m = 4096,
    where it holds on this instance (least ratio ≈ 1.65 measured), a μ overestimated by the kernel's missing 1/m or
    a gradient halved must break it."""
    assert _ball_worst_ratio(4096) >= 1.0
    monkeypatch.setattr(module, attr, bug)
    assert _ball_worst_ratio(4096) < 1.0, f"{bug.__name__} was not caught by liu2022.pl_star_over_ball"


@pytest.mark.catches("liu2022.sgd_expected_rate")
def test_sign_bug_is_caught_by_the_sgd_rate(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """With the output layer climbing the loss, the mean SGD loss leaves (1 − μη*)^t L(w₀)."""
    monkeypatch.setattr(tl, "_grad_a", grad_a_wrong_sign)
    verdict = verdict_of("liu2022.sgd_expected_rate")
    assert verdict.startswith("refuted"), verdict


def sgd_counts_first_sample_only(n, batch, steps, generators):
    """Every mini-batch is sample 0 only: a biased gradient estimate (the other samples are never fitted)."""
    out = torch.zeros(len(generators), steps, n, dtype=torch.float64)
    out[:, :, 0] = batch
    return out


@pytest.mark.catches("liu2022.sgd_expected_rate")
def test_biased_batches_are_caught_by_the_sgd_rate(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(ps, "sgd_batch_counts", sgd_counts_first_sample_only)
    verdict = verdict_of("liu2022.sgd_expected_rate")
    assert verdict.startswith("refuted"), verdict


# --- the Hessian norm Õ(1/√m) (issue 17) -----------------------------------------------------------------------

_real_deep_tanh_output = ps.deep_tanh_output


def deep_tanh_without_output_scaling(W1, W2, v, x, *, output_tanh=False):
    """The output layer without its 1/√m (standard instead of NTK scaling there): f is √m times larger, so its
    Hessian no longer decays like 1/√m."""
    m = W1.shape[1]
    return math.sqrt(m) * _real_deep_tanh_output(W1, W2, v, x, output_tanh=output_tanh)


@pytest.mark.catches("liu2022.hessian_norm_decay")
def test_output_layer_without_1_over_sqrt_m_breaks_the_hessian_decay(monkeypatch: pytest.MonkeyPatch,
                                                                    verdict_of) -> None:
    monkeypatch.setattr(ps, "deep_tanh_output", deep_tanh_without_output_scaling)
    verdict = verdict_of("liu2022.hessian_norm_decay")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("liu2022.hessian_norm_decay")
def test_a_faster_rate_than_the_papers_is_refuted() -> None:
    """A false variant of the statement: ‖H‖ = O(1/m) (log–log slope ≤ −¾) must come back refuted."""
    from dataclasses import replace

    import sympy as sp

    import lemmata.theorems.liu2022 as mod
    from lemmata.verify.profiles import PROFILES
    from lemmata.verify.runner import run_claim

    false = replace(mod.hessian_norm_decay, statement=sp.Le(mod.hess_slope, -0.75))
    res = run_claim(false, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    assert res.verdict == "refuted", res.reason


# --- PL*_ε (issue 17) ------------------------------------------------------------------------------------------

_real_ls_gd, _real_pl_eps = ps.least_squares_gd, ps.least_squares_pl_eps


def least_squares_gd_mean_gradient(X, y, w0, *, eta, steps):
    """GD on the mean loss (1/2n)‖Xw − y‖² while μ_ε and β are those of the sum: steps n times too short. (A factor
    ½ is not caught, and need not be: the rate (1 − ημ)^t is the descent lemma's, loose by about 2 in the exponent
    along the slow direction, since L − L* falls by (1 − ησ²_min)² per step there.)"""
    return _real_ls_gd(X, y, w0, eta=eta / X.shape[0], steps=steps)


def pl_eps_with_sigma_max(X, y, eps):
    """μ_ε from the largest singular value instead of the smallest."""
    mu, L_star, beta = _real_pl_eps(X, y, eps)
    sv = torch.linalg.svdvals(X)
    return mu * (sv[0] / sv[-1]) ** 2, L_star, beta


@pytest.mark.catches("liu2022.pl_eps_rate")
@pytest.mark.parametrize(("attr", "bug"), [("least_squares_gd", least_squares_gd_mean_gradient),
                                           ("least_squares_pl_eps", pl_eps_with_sigma_max)],
                         ids=["mean_gradient", "sigma_max"])
def test_planted_bug_breaks_the_pl_eps_rate(attr, bug, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(ps, attr, bug)
    verdict = verdict_of("liu2022.pl_eps_rate")
    assert verdict.startswith("refuted"), verdict


# --- essential non-convexity (issue 17) -------------------------------------------------------------------------

def gauss_newton_eigenvalues(W, a, X, y, *, train_W=True):
    """The Gauss–Newton matrix JᵀJ taken for the loss Hessian (the residual term Σ r_i∇²F_i dropped): PSD."""
    S, m, d = W.shape
    theta = (torch.cat([W.reshape(S, -1), a], 1) if train_W else a).detach().clone().requires_grad_(True)
    with torch.enable_grad():
        F = (ps.tanh_two_layer_output(theta[:, :m * d].reshape(S, m, d), theta[:, m * d:], X) if train_W
             else ps.tanh_two_layer_output(W, theta, X))
        J = torch.stack([torch.autograd.grad(F[:, i].sum(), theta, retain_graph=True)[0] for i in range(F.shape[1])], 1)
    return torch.linalg.eigvalsh(J.transpose(-1, -2) @ J)


@pytest.mark.catches("liu2022.essential_nonconvexity")
def test_gauss_newton_hessian_breaks_the_nonconvexity_claim(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(ps, "loss_hessian_eigenvalues", gauss_newton_eigenvalues)
    verdict = verdict_of("liu2022.essential_nonconvexity")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("liu2022.essential_nonconvexity")
def test_nonconvexity_at_the_minimizer_itself_is_refuted() -> None:
    """A false variant: at the interpolating minimizer (distance 0) the Hessian JᵀJ is PSD, so 'λ_min < 0 there'
    must come back refuted."""
    from dataclasses import replace

    import lemmata.theorems.liu2022 as mod
    from lemmata.verify.profiles import PROFILES
    from lemmata.verify.runner import run_claim

    false = replace(mod.essential_nonconvexity, premises=lambda p: mod.nonconvex_premises(p, radii=(0.0, 0.0)))
    res = run_claim(false, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    assert res.verdict == "refuted", res.reason
