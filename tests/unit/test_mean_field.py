"""impl.mean_field against independent references: autograd for the flow field and the kernel, quadrature-free
Monte Carlo for the slope moment, a closed form for the features, and the Schur bound on the kernel."""

from __future__ import annotations

import math

import pytest
import torch

from lemmata.impl import mean_field as mf

DT = torch.float64


def _setup(S: int = 3, m: int = 5, p: int = 4, n: int = 3, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    W = torch.randn(S, m, p, generator=g, dtype=DT)
    c = torch.randint(0, 2, (S, m), generator=g).to(DT) * 2 - 1
    F = torch.randn(n, p, generator=g, dtype=DT) / math.sqrt(p)
    y = torch.rand(n, generator=g, dtype=DT) - 0.5
    return W, c, F, y


def _ref_predict(W, c, F, sig):
    # written out independently: u_si = (1/m) Σ_r c_sr σ(Σ_k W_srk F_ik)
    S, m, _ = W.shape
    out = torch.zeros(S, F.shape[0], dtype=W.dtype)
    for s in range(S):
        out[s] = (c[s][None, :] * sig(F @ W[s].T)).sum(-1) / m
    return out


@pytest.mark.parametrize("name", ["tanh", "softplus"])
def test_predict_matches_reference(name: str) -> None:
    W, c, F, _ = _setup()
    sig, _ = mf.activation(name)
    torch.testing.assert_close(mf.mf_predict(W, c, F, name), _ref_predict(W, c, F, sig), rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("name", ["tanh", "softplus"])
def test_velocity_is_minus_m_times_autograd_gradient(name: str) -> None:
    W, c, F, y = _setup()
    sig, _ = mf.activation(name)
    Wr = W.clone().requires_grad_(True)
    L = 0.5 * ((_ref_predict(Wr, c, F, sig) - y) ** 2).sum()
    (gW,) = torch.autograd.grad(L, Wr)
    torch.testing.assert_close(mf.mf_velocity(W, c, F, y, name), -W.shape[1] * gW, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["tanh", "softplus"])
def test_gram_is_m_times_jacobian_outer_product(name: str) -> None:
    # du/dτ = J·dW/dτ = −m J Jᵀ e, so H = m J Jᵀ with J = ∂u/∂W from autograd
    W, c, F, _ = _setup()
    sig, _ = mf.activation(name)
    S, m, p = W.shape
    for s in range(S):
        J = torch.autograd.functional.jacobian(lambda w: _ref_predict(w[None], c[s:s + 1], F, sig)[0], W[s])
        J = J.reshape(F.shape[0], m * p)
        torch.testing.assert_close(mf.mf_gram(W, c, F, name)[s], m * J @ J.T, rtol=1e-12, atol=1e-14)


def test_slope_share_is_the_diagonal_factor_and_schur_holds() -> None:
    W, c, F, _ = _setup(m=7, p=6, n=4)
    H = mf.mf_gram(W, c, F, "tanh")
    q = mf.mf_slope_share(W, c, F, "tanh")
    K = F @ F.T
    torch.testing.assert_close(torch.diagonal(H, dim1=-2, dim2=-1), q * torch.diagonal(K), rtol=1e-13, atol=1e-15)
    lam_h = torch.linalg.eigvalsh(H)[:, 0]
    assert torch.all(lam_h >= torch.linalg.eigvalsh(K)[0] * q.amin(-1) - 1e-12)


def test_slope_moment_matches_monte_carlo() -> None:
    g = torch.Generator().manual_seed(1)
    z = torch.randn(2_000_000, generator=g, dtype=DT)
    mc = float(((1 - torch.tanh(z) ** 2) ** 2).mean())
    assert abs(mf.slope_moment("tanh") - mc) < 5e-3  # Monte Carlo stderr ≈ 2e-4
    assert abs(mf.slope_moment("softplus") - float((torch.sigmoid(z) ** 2).mean())) < 5e-3


def test_random_features_closed_form() -> None:
    g = torch.Generator().manual_seed(2)
    X = torch.randn(5, 3, generator=g, dtype=DT)
    Z, b = mf.feature_weights(7, 3, generator=g)
    F = mf.random_features(X, Z, b, "tanh")
    assert F.shape == (5, 7)
    torch.testing.assert_close(F[2, 4], torch.tanh(Z[4] @ X[2] + b[4]) / math.sqrt(7))


def test_flow_matches_fine_euler_and_decreases_loss() -> None:
    W, c, F, y = _setup(S=2, m=6, p=5, n=3)
    tr = mf.mean_field_flow(W, c, F, y, "tanh", tau_end=2.0, steps=40)
    # an independent integrator: explicit Euler with autograd gradients on a 200× finer grid
    sig, _ = mf.activation("tanh")
    Wr = W.clone()
    h = 2.0 / 8000
    for _ in range(8000):
        Wg = Wr.clone().requires_grad_(True)
        L = 0.5 * ((_ref_predict(Wg, c, F, sig) - y) ** 2).sum()
        (gW,) = torch.autograd.grad(L, Wg)
        Wr = Wr - h * W.shape[1] * gW
    res = ((_ref_predict(Wr, c, F, sig) - y) ** 2).sum(-1)
    torch.testing.assert_close(tr.residual_sq[:, -1], res, rtol=2e-3, atol=1e-10)  # Euler's O(h) error
    assert torch.all(tr.residual_sq[:, 1:] <= tr.residual_sq[:, :-1] + 1e-14)  # gradient flow never raises L
    assert tr.tau.shape == (41,) and float(tr.tau[-1]) == pytest.approx(2.0)
    assert torch.all(tr.max_move[:, 0] == 0)


def test_bad_arguments_raise() -> None:
    W, c, F, y = _setup()
    with pytest.raises(ValueError, match="activation="):
        mf.activation("relu")
    with pytest.raises(ValueError, match="F.shape"):
        mf.mf_predict(W, c, F[:, :2], "tanh")
    with pytest.raises(ValueError, match="steps"):
        mf.mean_field_flow(W, c, F, y, "tanh", tau_end=1.0, steps=0)
