"""Quality tier for poggio2020: planted implementation bugs must make its paper claim fail.

The paper's claims here are the normalized dynamics (ρ̇_k and V̇_k written in terms of f(V)), checked against the
chain rule through the hand-written gradient; the normalized flow as the flow of the unit-norm-constrained problem
(against autograd on the spheres); and the critical points V̇ = 0 as KKT points as ρ → ∞ (a ladder of radii). The
bugs are monkeypatched into impl.homogeneous. The results
the paper builds on have their own quality tests (test_planted_duhulee2018.py, test_planted_lyuli2020.py,
test_planted_soudry2018.py, test_planted_yin2019.py). poggio2020.kkt_residual_shrinks is our finding, not a
claim: its refutation is recorded in tests/claims/known.py.
"""

from __future__ import annotations

import pytest
import torch

from lemmata.impl import homogeneous as hm

pytestmark = pytest.mark.quality


def exp_slope_sign_flip(q, loss):
    """−ℓ′ returned with the wrong sign: the flow ascends the loss."""
    return -torch.exp(-q) if loss == "exp" else -torch.sigmoid(-q)


def dropped_homogeneity_factor(rho, rho_k):
    """The normalized dynamics without the other layers' norms: ∂f(W)/∂W_k taken as ∂f(V)/∂V_k."""
    one = torch.ones_like(rho_k)
    return one, one / rho_k


BUGS = [
    (hm, "_loss_slope", exp_slope_sign_flip),
    (hm, "_homogeneity_factors", dropped_homogeneity_factor),
]


@pytest.mark.catches("poggio2020.normalized_dynamics")
@pytest.mark.parametrize(("module", "attr", "bug"), BUGS, ids=[b[2].__name__ for b in BUGS])
def test_planted_bug_breaks_normalized_dynamics(module, attr: str, bug, monkeypatch: pytest.MonkeyPatch,
                                               verdict_of) -> None:
    monkeypatch.setattr(module, attr, bug)
    verdict = verdict_of("poggio2020.normalized_dynamics")
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by poggio2020.normalized_dynamics: {verdict}"




@pytest.mark.catches("poggio2020.constrained_flow")
def test_dropped_homogeneity_factor_breaks_the_constrained_flow(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """Issue 17: the paper's V̇_k without the other layers' norms is not the constrained problem's flow."""
    monkeypatch.setattr(hm, "_homogeneity_factors", dropped_homogeneity_factor)
    verdict = verdict_of("poggio2020.constrained_flow")
    assert verdict.startswith("refuted"), verdict


def multiplier_sign_flipped(Ws, X, y, *, loss="exp", biases=None):
    """The constrained flow with the Lagrange multiplier's sign flipped: the flow leaves the sphere."""
    out = hm.__dict__["_real_constrained_flow"](Ws, X, y, loss=loss, biases=biases)
    rho = hm.layer_norms(Ws)
    Vs = tuple(W / r.reshape(-1, 1, 1) for W, r in zip(Ws, rho.unbind(1)))
    vdot = tuple(v - 2 * V * nu.reshape(-1, 1, 1) for v, V, nu in zip(out["vdot"], Vs, out["multiplier"].unbind(1)))
    return {**out, "vdot": vdot}


@pytest.mark.catches("poggio2020.constrained_flow")
def test_multiplier_sign_breaks_the_constrained_flow(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(hm, "_real_constrained_flow", hm.constrained_flow, raising=False)
    monkeypatch.setattr(hm, "constrained_flow", multiplier_sign_flipped)
    verdict = verdict_of("poggio2020.constrained_flow")
    assert verdict.startswith("refuted"), verdict


def lse_weights_wrong_sign(q):
    """softmax(+q): the solver weights the largest margins, so it converges to a point that is not V̇ = 0."""
    return torch.softmax(q, dim=-1)


def svm_direction_as_critical_point(X, y, rho, **kw):
    """The hard-margin direction scaled to radius ρ taken as the critical point: KKT exactly, but V̇ ≠ 0 at finite ρ."""
    w_hat, _ = hm.svm(X, y)
    return rho.unsqueeze(-1) * (w_hat / w_hat.norm()).unsqueeze(0)


@pytest.mark.catches("poggio2020.critical_points_kkt")
@pytest.mark.parametrize(("attr", "bug"), [("_lse_weights", lse_weights_wrong_sign),
                                           ("sphere_minimizer_linear", svm_direction_as_critical_point)],
                         ids=["lse_weights_wrong_sign", "svm_direction_as_critical_point"])
def test_planted_bug_breaks_critical_points(attr: str, bug, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(hm, attr, bug)
    verdict = verdict_of("poggio2020.critical_points_kkt")
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by critical_points_kkt: {verdict}"


def weight_norm_without_division(gs, vs, X, y, *, loss="exp", biases=None):
    """WN built as W_k = g_k·v_k (the division by ‖v_k‖ forgotten): the flow of (g, v) is then not the paper's."""
    real = hm.__dict__["_real_weight_norm_flow"]
    ones = tuple(v / v.flatten(1).norm(dim=1).reshape(-1, 1, 1) for v in vs)
    out = real(gs, ones, X, y, loss=loss, biases=biases)
    # the same autograd on W = g·v: gradients scale with ‖v‖ where the true ones scale with 1/‖v‖
    r = torch.stack([v.flatten(1).norm(dim=1) for v in vs], 1)
    return {**out, "gdot": out["gdot"] * r, "udot": tuple(u * (rk ** 2).reshape(-1, 1, 1)
                                                          for u, rk in zip(out["udot"], r.unbind(1))),
            "v_norms": r}


@pytest.mark.catches("poggio2020.weight_norm_dynamics")
def test_weight_norm_without_division_breaks_the_wn_claim(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(hm, "_real_weight_norm_flow", hm.weight_norm_flow, raising=False)
    monkeypatch.setattr(hm, "weight_norm_flow", weight_norm_without_division)
    verdict = verdict_of("poggio2020.weight_norm_dynamics")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("poggio2020.weight_norm_dynamics")
def test_dropped_homogeneity_factor_breaks_the_wn_claim(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(hm, "_homogeneity_factors", dropped_homogeneity_factor)
    verdict = verdict_of("poggio2020.weight_norm_dynamics")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.catches("poggio2020.weight_norm_dynamics")
def test_wrong_time_change_breaks_the_wn_claim(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """A false variant of the statement: the time change off by a factor ρ_k/‖v_k‖ must be refuted."""
    import lemmata.theorems.poggio2020 as mod
    real = hm.weight_norm_flow

    def rescaled(gs, vs, X, y, **kw):
        out = real(gs, vs, X, y, **kw)
        tc = gs / out["v_norms"]  # ρ_k/‖v_k‖: u̇ divided by it, i.e. the claim's factor off by ρ_k/‖v_k‖
        return {**out, "udot": tuple(u / tc[:, k].reshape(-1, 1, 1)
                                     for k, u in enumerate(out["udot"]))}

    monkeypatch.setattr(mod.hm, "weight_norm_flow", rescaled)
    verdict = verdict_of("poggio2020.weight_norm_dynamics")
    assert verdict.startswith("refuted"), verdict
