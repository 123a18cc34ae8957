"""Unit tests for impl.coarse_gradient (Yin et al. 2019, BCGD; the two-linear-layer binary-activation model).

The closed forms are derived in the module docstring; here they are checked against autograd (exact) and
against Monte Carlo (z-tests with a stated false-alarm rate). float64 throughout.
"""

from __future__ import annotations

import math

import pytest
import torch

from lemmata.impl import coarse_gradient as cg

pytestmark = pytest.mark.unit

# Tolerances: closed forms and autograd agree to float64 round-off (a few ulps of O(1) sums of ≤ 10³ terms):
# rtol 1e-12/atol 1e-14; the weight gradient of the second layer sums more products, hence rtol 1e-10.

F64 = torch.float64
Z_MC = 6.0  # two-sided p ≈ 2e-9 per coordinate: with ≤ 10³ coordinates per test a false alarm has p ≲ 2e-6


def _problem(S=8, N=8192, m=5, n=4, angle=1.1, v_offset=0.7, seed=0):
    v, w, vs, ws = cg.instances(m, n, list(range(S)), angle=angle, v_offset=v_offset)
    Z = cg.gaussian_inputs(S, N, m, n, generator=torch.Generator().manual_seed(seed))
    return (v, w, vs, ws), Z


def test_instances_have_the_requested_angle():
    v, w, vs, ws = cg.instances(3, 5, [1, 2, 3], angle=2.0, v_offset=0.0)
    c = (w * ws).sum(-1) / (w.norm(dim=-1) * ws.norm(dim=-1))
    torch.testing.assert_close(torch.arccos(c), torch.full((3,), 2.0, dtype=F64), rtol=0, atol=1e-12)
    torch.testing.assert_close(v, vs, rtol=0, atol=0)  # v_offset = 0: the teacher's v


@pytest.mark.parametrize("angle", [0.3, 1.5, 2.8])
def test_population_grad_matches_autograd(angle):
    v, w, vs, ws = cg.instances(4, 3, [5, 6], angle=angle, v_offset=0.8)
    vr, wr = v.clone().requires_grad_(True), w.clone().requires_grad_(True)
    cg.population_loss(vr, wr, vs, ws).sum().backward()
    gv, gw = cg.population_grad(v, w, vs, ws)
    # closed form against autograd of the closed-form loss: round-off of O(1) terms
    torch.testing.assert_close(gv, vr.grad, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(gw, wr.grad, rtol=1e-10, atol=1e-13)


def test_population_loss_matches_monte_carlo():
    (v, w, vs, ws), Z = _problem()
    ell = cg.sample_loss(v, w, Z, vs, ws)
    z = (ell.mean(1) - cg.population_loss(v, w, vs, ws)) / (ell.std(1) / math.sqrt(ell.shape[1]))
    assert z.abs().max() < Z_MC


@pytest.mark.parametrize("angle", [0.2, 1.3, 2.9])
def test_expected_coarse_gradient_matches_monte_carlo(angle):
    (v, w, vs, ws), Z = _problem(angle=angle)
    gv, gw = cg.coarse_gradient(v, w, Z, vs, ws)
    Ev, Ew = cg.expected_coarse_gradient(v, w, vs, ws)
    N = Z.shape[1]
    zv = (gv.mean(1) - Ev) / (gv.std(1) / math.sqrt(N))
    zw = (gw.mean(1) - Ew) / (gw.std(1) / math.sqrt(N))
    assert zv.abs().max() < Z_MC and zw.abs().max() < Z_MC


def test_sample_v_gradient_is_exact():
    """g_v is the honest gradient of the sample loss in v (σ does not depend on v)."""
    (v, w, vs, ws), Z = _problem(N=16)
    vr = v.clone().requires_grad_(True)
    cg.sample_loss(vr, w, Z, vs, ws).sum().backward()
    gv, _ = cg.coarse_gradient(v, w, Z, vs, ws)
    torch.testing.assert_close(gv.sum(1), vr.grad, rtol=1e-12, atol=1e-13)


def test_correlation_closed_form_is_the_inner_product():
    v, w, vs, ws = cg.instances(6, 4, [1, 2, 3, 4], angle=1.0, v_offset=1.0)
    Ev, Ew = cg.expected_coarse_gradient(v, w, vs, ws)
    Pv, Pw = cg.population_grad(v, w, vs, ws)
    total, wpart = cg.correlation_closed_form(v, w, vs, ws)
    torch.testing.assert_close(total, (Ev * Pv).sum(-1) + (Ew * Pw).sum(-1), rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(wpart, (Ew * Pw).sum(-1), rtol=1e-12, atol=1e-14)
    assert (total > 0).all() and (wpart >= 0).all()


def test_identity_ste_differs_from_relu_ste():
    (v, w, vs, ws), Z = _problem(N=64)
    _, g_relu = cg.coarse_gradient(v, w, Z, vs, ws, ste="relu")
    _, g_id = cg.coarse_gradient(v, w, Z, vs, ws, ste="identity")
    assert not torch.allclose(g_relu, g_id)
    with pytest.raises(ValueError, match="ste="):
        cg.coarse_gradient(v, w, Z, vs, ws, ste="tanh")  # type: ignore[arg-type]


def test_validation_messages():
    v, w, vs, ws = cg.instances(3, 4, [0], angle=1.0, v_offset=0.1)
    with pytest.raises(ValueError, match="w_star.shape"):
        cg.population_loss(v, w, vs, ws[:, :3])
    with pytest.raises(ValueError, match="Z.shape"):
        cg.sample_loss(v, w, torch.zeros(1, 2, 3, 5, dtype=F64), vs, ws)
    with pytest.raises(ValueError, match="angle="):
        cg.instances(3, 4, [0], angle=4.0, v_offset=0.1)
