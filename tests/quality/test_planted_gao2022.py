"""Quality tier for gao2022: planted bugs in impl.implicit and planted false claims must be caught.

Each paper claim has a test marked ``catches`` that makes it come back refuted; the implementation checks
(implicit_gradient, gd_step_kernel) are shown to catch the planted bugs in the adjoint, the activation pattern,
the gradients and the Gram, including the dropped adjoint inverse that the GD step and gram_ntk share (only the
autograd reference through unrolled Picard steps sees it).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import sympy as sp
import torch

from dataclasses import replace

from hypothesis import strategies as st

from lemmata.impl import implicit as im
from lemmata.theorems import gao2022 as gao
from lemmata.verify import Claim
from lemmata.verify.cli import main

from _planted import verify_planted  # tests/quality/_planted.py

pytestmark = pytest.mark.quality

_real_adjoint, _real_pattern, _real_lanczos = im._adjoint, im._pattern, im._lanczos


def adjoint_without_inverse(B, Dm, R, **kw):
    """The adjoint v = r instead of (I − DB)⁻ᵀ r: the chain rule through the fixed point dropped."""
    fp = _real_adjoint(B, Dm, R, **kw)
    return im.FixedPoint(Z=R.clone(), iterations=fp.iterations, residual=fp.residual, converged=fp.converged,
                         norm_B=fp.norm_B, method=fp.method, tol=fp.tol)


def pattern_all_active(B, Z, Phi):
    """D = I: the relu derivative ignored."""
    return torch.ones_like(_real_pattern(B, Z, Phi))


_real_grads, _real_gram = im._grads, im.gram_ntk


def halved_gradients(*args, **kw):
    """Both gradients halved (e.g. the loss taken as ¼‖ŷ − y‖²): GD steps half as long as η says."""
    e, g = _real_grads(*args, **kw)
    return e, im.ImplicitGrads(A=None if g.A is None else g.A / 2, u=None if g.u is None else g.u / 2,
                               W=None if g.W is None else g.W / 2, adjoint=g.adjoint, valid=g.valid)


def gram_without_a(params, X, **kw):
    """The Gram of u alone (K_A dropped) although A is trained: λ_min too small, so the rate bound only loosens."""
    return _real_gram(params, X, **{**kw, "train": ("u",)})


@pytest.mark.parametrize(("attr", "bug", "claim_id"), [
    ("_adjoint", adjoint_without_inverse, "gao2022.implicit_gradient"),
    # the GD step and gram_ntk share the adjoint: without its inverse both are wrong alike, and only the autograd
    # reference of gd_step_kernel (unrolled Picard steps, no adjoint) sees it
    ("_adjoint", adjoint_without_inverse, "gao2022.gd_step_kernel"),
    ("_pattern", pattern_all_active, "gao2022.implicit_gradient"),
    ("_grads", halved_gradients, "gao2022.gd_step_kernel"),
    ("gram_ntk", gram_without_a, "gao2022.gd_step_kernel"),
], ids=["adjoint_without_inverse", "adjoint_without_inverse_in_gd_step", "pattern_all_active", "halved_gradients",
        "gram_without_a"])
def test_planted_bug_is_caught(attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(im, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"


FALSE_CLAIM = '''
import sympy as sp
from hypothesis import strategies as st

from lemmata.theorems import gao2022 as gao
from lemmata.verify import Citation, Claim, Kind, Tolerance

norm_B = sp.Symbol("norm_B")
CLAIMS = [Claim(id="plantedgao.gamma_too_large", title="planted: gamma < 0.7 keeps ||B(0)|| < 1",
    citation=Citation(paper="planted false claim", where="none", source="derived"), kind=Kind.PROBABILISTIC,
    delta=0.1, statement=sp.Lt(norm_B, 1),
    premises=lambda p: st.fixed_dictionaries({"m": st.integers(16, 128), "gamma": st.floats(0.02, 0.7),
                                              "seed": st.integers(0, 2**20), "N": st.just(1), "d": st.just(2),
                                              "coherence": st.just(0.0)}),
    run=gao.run_norm_at_init, tolerance=Tolerance(atol=1e-9, reason="strict"))]
'''


@pytest.mark.catches("gao2022.well_posed_at_init")
def test_planted_false_gamma_bound_is_refuted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res = verify_planted(tmp_path, stem="plantedgao", source=FALSE_CLAIM)[0]
    assert res["verdict"] == "refuted", res["reason"]
    assert res["counterexample"]["premises"]["gamma"] > 0.5  # ‖A‖₂ ≈ 2√m: the break is past γ = ½
    assert main(shlex.split(res["reproduce"])[1:]) == 1
    capsys.readouterr()


FALSE_WIDTH_CLAIM = '''
from dataclasses import replace

import sympy as sp

from lemmata.theorems import gao2022 as gao

CLAIMS = [replace(gao.width_scaling, id="plantedwidth.width_independent_of_n",
                  title="planted: the threshold width does not grow with N", statement=sp.Le(gao.width_slope, 0))]
'''


@pytest.mark.catches("gao2022.width_scaling")
def test_planted_width_independent_of_n_is_refuted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The width-scaling trend has teeth: the threshold does grow with N, so a claim that it does not must be
    refuted — the measurement is not flat by construction. False whatever the data: below m = N the output
    layer's Gram ZᵀZ (rank ≤ m) is singular and the implicit layer's block is a few percent of it (≈ γ²), so a
    residual direction barely moves and no width under N keeps the envelope; the thresholds measured so far grew
    with slope 0.75–1."""
    res = verify_planted(tmp_path, stem="plantedwidth", source=FALSE_WIDTH_CLAIM)[0]
    assert res["verdict"] == "refuted", res["reason"]
    capsys.readouterr()


def upper_bound_frobenius(B, B0, norm_B0):
    """‖B‖_F reported as the upper bound on ‖B‖₂ (a norm that is ≈ γ√m, not ≈ 2γ, for B = (γ/√m)A)."""
    return torch.linalg.matrix_norm(B, ord="fro")


@pytest.mark.catches("gao2022.well_posed_in_training")
def test_norm_tracked_as_frobenius_is_caught(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """The claim bounds ‖B(k)‖₂ from above along GD; a bound that is the Frobenius norm (> 1 once γ√m > 1) breaks
    it, while the Lanczos lower bound, which the claim no longer reads, is untouched."""
    monkeypatch.setattr(im, "_norm_upper", upper_bound_frobenius)
    verdict = verdict_of("gao2022.well_posed_in_training")
    assert verdict.startswith("refuted"), f"upper_bound_frobenius was not caught by well_posed_in_training: {verdict}"


_real_phi = im._phi


def phi_of_first_input(W, X):
    """Every input gets the features of the first one (X's rows ignored but one): the Gram has equal rows."""
    pre, Phi = _real_phi(W, X)
    return pre, Phi[..., :1].expand_as(Phi).contiguous()


@pytest.mark.catches("gao2022.lambda0_positive")
def test_features_blind_to_the_input_are_caught(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """λ₀ > 0 rests on the features separating the inputs; features that ignore which input they see make every
    Gram, and the estimate of K∞, singular. The reference spectrum is cached: cleared around the planted run."""
    gao.reference_gram_spectrum.cache_clear()
    monkeypatch.setattr(im, "_phi", phi_of_first_input)
    try:
        verdict = verdict_of("gao2022.lambda0_positive")
    finally:
        gao.reference_gram_spectrum.cache_clear()
    assert verdict.startswith("refuted"), f"phi_of_first_input was not caught by lambda0_positive: {verdict}"


def _at_099(claim: Claim, *, id: str, lam_min: sp.Symbol) -> Claim:
    """``claim`` restated as ``lam_min`` ≥ 0.99λ₀, searched from scratch (no replayed example) on N = 2, γ = 0.2,
    coherence ¼, η·λ_max = 1 and any seed. What varies: the claim, its planted id and the λ_min symbol."""
    return replace(
        claim, id=id, examples=(),
        statement=sp.Ge(lam_min, sp.Rational(99, 100) * gao.lam0_sym),
        premises=lambda p: st.fixed_dictionaries({"N": st.just(2), "gamma": st.just(0.2), "coherence": st.just(0.25),
                                                  "eta_frac": st.just(1.0), "seed": st.integers(0, 2**20)}))


# λ_min(K(0)) ≥ 0.99λ₀ at m = 128N is false: at N = 2 the Marchenko–Pastur edge alone puts λ_min(K(0)) near
# (1 − √(1/128))²λ₀ ≈ 0.83λ₀, and the per-network scale of ‖z*‖² spreads it further
FALSE_CONCENTRATION = _at_099(gao.init_lambda_min, id="gao2022.init_lambda_min_099", lam_min=gao.lam_k0)


@pytest.mark.catches("gao2022.init_lambda_min")
def test_concentration_to_099_is_refuted(run_ci) -> None:
    res = run_ci(FALSE_CONCENTRATION)
    assert res.verdict == "refuted", f"λ_min(K(0)) ≥ 0.99λ₀ was not refuted: {res.verdict}: {res.reason}"


# relative movements that shrink like 1/m (slope ≤ −1) are false: the radii are O(1) in norm against initial norms
# ≈ √m, so the slopes sit near −½ (measured −0.43 to −0.58 in ci)
FALSE_MOVEMENT = replace(gao.movement_scaling, id="gao2022.movement_scaling_1_over_m", examples=(),
                         statement=sp.And(sp.Le(gao.slope_A, -1), sp.Le(gao.slope_u, -1)))


@pytest.mark.catches("gao2022.movement_scaling")
def test_movement_like_1_over_m_is_refuted(run_ci) -> None:
    res = run_ci(FALSE_MOVEMENT)
    assert res.verdict == "refuted", f"movement ∝ 1/m was not refuted: {res.verdict}: {res.reason}"


def gradients_ascending(*args, **kw):
    """Both gradients with their sign flipped: GD climbs the loss."""
    e, g = _real_grads(*args, **kw)
    return e, im.ImplicitGrads(A=None if g.A is None else -g.A, u=None if g.u is None else -g.u,
                               W=None if g.W is None else -g.W, adjoint=g.adjoint, valid=g.valid)


# One setting of the rate claim where it holds (two orthonormal inputs, γ = 0.1, η = 0.5/λ_max(K∞)): the claim is
# not verified at the adversarial corner of its own premises (see tests/claims/known.py), so the planted bug is shown
# against a setting the true claim passes, not against a claim that fails anyway.
EASY_RATE = replace(gao.linear_rate, id="gao2022.linear_rate_easy", examples=(), premises=lambda p: st.fixed_dictionaries(
    {"N": st.just(2), "gamma": st.just(0.1), "coherence": st.just(0.0), "eta_frac": st.just(0.5), "seed": st.just(0)}))


def _ascent_is_caught(monkeypatch: pytest.MonkeyPatch, run_ci, easy: Claim, *, name: str) -> None:
    """``easy`` (a setting where the true claim ``name`` holds) is verified, and refuted once GD climbs the loss
    (``gradients_ascending`` planted). What varies: the claim's easy setting and its name in the message."""
    assert run_ci(easy).verdict == "verified"
    monkeypatch.setattr(im, "_grads", gradients_ascending)
    res = run_ci(easy)
    assert res.verdict == "refuted", f"gradients_ascending was not caught by {name}: {res.verdict}: {res.reason}"


@pytest.mark.catches("gao2022.linear_rate")
def test_gradient_ascent_is_caught_by_the_rate(monkeypatch: pytest.MonkeyPatch, run_ci) -> None:
    _ascent_is_caught(monkeypatch, run_ci, EASY_RATE, name="linear_rate")


# One setting of the flow claim where it holds (two orthonormal inputs, γ = 0.1); as for the GD rate, the planted
# bug is shown against a setting the true claim passes (the claim itself is inconclusive at N = 1, m = 16: see
# tests/claims/known.py)
EASY_FLOW = replace(gao.gf_linear_rate, id="gao2022.gf_linear_rate_easy", examples=(),
                    premises=lambda p: st.fixed_dictionaries({"N": st.just(2), "gamma": st.just(0.1),
                                                              "coherence": st.just(0.0), "seed": st.just(0)}))


@pytest.mark.catches("gao2022.gf_linear_rate")
def test_gradient_ascent_is_caught_by_the_flow(monkeypatch: pytest.MonkeyPatch, run_ci) -> None:
    _ascent_is_caught(monkeypatch, run_ci, EASY_FLOW, name="gf_linear_rate")


# ---------------------------------------------------------------------------------------------
# the invariant λ_min(K(k)) ≥ λ₀/2 along GD (issue 16)
# ---------------------------------------------------------------------------------------------

# λ_min(K(k)) ≥ 0.99λ₀ along GD at m = 128N is false: already at k = 0 the Marchenko–Pastur edge puts λ_min(K(0)) near
# (1 − √(1/128))²λ₀ ≈ 0.83λ₀ at N = 2 (see FALSE_CONCENTRATION)
FALSE_INVARIANT = _at_099(gao.gram_invariant, id="gao2022.gram_invariant_099", lam_min=gao.lam_kk)


@pytest.mark.catches("gao2022.gram_invariant")
def test_invariant_at_099_is_refuted(run_ci) -> None:
    res = run_ci(FALSE_INVARIANT)
    assert res.verdict == "refuted", f"λ_min(K(k)) ≥ 0.99λ₀ was not refuted: {res.verdict}: {res.reason}"


# One setting of the invariant where it holds (two inputs of coherence 0.25, γ = 0.2, the full step η = 1/λ_max(K∞),
# m = 128N as the regime says); the planted bug is shown against a setting the true claim passes
EASY_INVARIANT = replace(gao.gram_invariant, id="gao2022.gram_invariant_easy", examples=(),
                         premises=lambda p: st.fixed_dictionaries({"N": st.just(2), "gamma": st.just(0.2),
                                                                   "coherence": st.just(0.25), "eta_frac": st.just(1.0),
                                                                   "seed": st.just(0)}))


@pytest.mark.catches("gao2022.gram_invariant")
def test_gradient_ascent_is_caught_by_the_invariant(monkeypatch: pytest.MonkeyPatch, run_ci) -> None:
    # GD climbing the loss leaves the well-posed regime (‖B‖ grows until the equilibrium solve fails): λ_min(K(k)) is
    # NaN there, which the claim counts as a violation. (A subtler bug, ∂L/∂A taken as ∂L/∂B so that A's steps are
    # √m/γ times too long, is NOT caught: at m = 128N the Gram is carried by the u block ZᵀZ and stays above λ₀/2
    # whatever A does; see the module's NOTE.)
    _ascent_is_caught(monkeypatch, run_ci, EASY_INVARIANT, name="gram_invariant")
