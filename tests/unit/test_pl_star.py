"""Unit tests for impl.pl_star (tangent kernels and the PL* path of Liu, Zhu, Belkin 2022, arXiv 2003.00307).

Every tolerance below states its value and its reason. float64 throughout.
"""

from __future__ import annotations

import math

import pytest
import torch

from lemmata.impl import linear_resnet as lr
from lemmata.impl import pl_star as ps
from lemmata.impl import two_layer as tl

pytestmark = pytest.mark.unit

F64 = torch.float64


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _two_layer(n=5, d=4, m=7, seeds=(1, 2, 3), jitter=0.5):
    g = _gen(0)
    X = tl.sphere_inputs(n, d, generator=g)
    y = tl.bounded_labels(n, generator=g)
    W, a = tl.init_weights(m, d, list(seeds))
    a = a * (1.0 + jitter * torch.randn(len(seeds), m, generator=_gen(9), dtype=F64))
    return W, a, X, y


@pytest.mark.parametrize("train_a", [False, True])
def test_two_layer_kernel_matches_autograd(train_a: bool) -> None:
    W, a, X, _ = _two_layer()
    K = ps.two_layer_tangent_kernel(W, a, X, train_a=train_a)
    params = [W, a] if train_a else [W]
    fn = (lambda W_, a_: tl.predict(W_, a_, X)) if train_a else (lambda W_: tl.predict(W_, a, X))
    K_ref = ps.autograd_tangent_kernel(fn, params)
    # 1e-12: sums of ≤ m·d products of O(1) terms; no ties (w_rᵀx_i = 0 has probability 0 here)
    torch.testing.assert_close(K, K_ref, rtol=1e-12, atol=1e-12)


def test_two_layer_kernel_is_du_gram_while_a_is_pm_one() -> None:
    W, a, X, _ = _two_layer(jitter=0.0)
    K = ps.two_layer_tangent_kernel(W, a, X, train_a=True)
    # same sums in a different order: round-off only
    torch.testing.assert_close(K, tl.gram_w(W, X) + tl.gram_a(W, X), rtol=1e-13, atol=1e-14)


def test_two_layer_kernel_differs_from_du_gram_once_a_moves() -> None:
    W, a, X, _ = _two_layer(jitter=0.5)
    K = ps.two_layer_tangent_kernel(W, a, X, train_a=False)
    assert (K - tl.gram_w(W, X)).abs().max() > 1e-3  # the a_r² weights matter


@pytest.mark.parametrize("train_a", [False, True])
def test_identity_two_layer(train_a: bool) -> None:
    W, a, X, y = _two_layer()
    K = ps.two_layer_tangent_kernel(W, a, X, train_a=train_a)
    e = tl.predict(W, a, X) - y
    g2 = (tl.grad_w(W, a, X, y) ** 2).sum((-2, -1)) + ((tl.grad_a(W, a, X, y) ** 2).sum(-1) if train_a else 0.0)
    q = torch.einsum("si,sij,sj->s", e, K, e)
    torch.testing.assert_close(g2, q, rtol=1e-12, atol=0.0)  # two routes to the same O(1) sums
    assert bool((q >= ps.lambda_min(K) * (e * e).sum(-1) * (1 - 1e-12)).all())


def test_linear_resnet_kernel_matches_autograd() -> None:
    S, L, m, d, k, n = 3, 3, 5, 3, 2, 4
    A, B = lr.gaussian_transforms(d, m, k, [1, 2, 3])
    W = 0.3 * torch.randn(S, L, m, m, generator=_gen(2), dtype=F64)
    X = torch.randn(d, n, generator=_gen(3), dtype=F64)
    K = ps.linear_resnet_tangent_kernel(W, A, B, X)
    K_ref = ps.autograd_tangent_kernel(lambda W_: lr.forward(W_, A, B, X).reshape(S, -1), [W])
    # entries up to ≈ 1e2 built from L-fold products: 1e-11 relative leaves ≈ 1000ε per product
    torch.testing.assert_close(K, K_ref, rtol=1e-11, atol=1e-11)


def test_linear_resnet_kernel_depth_one_closed_form() -> None:
    """L = 1: K = (BBᵀ) ⊗ ((AX)ᵀAX) exactly (the gradient of B(I + W)AX in W is Bᵀ·(AX)ᵀ)."""
    A, B = lr.gaussian_transforms(3, 4, 2, [5])
    X = torch.randn(3, 6, generator=_gen(1), dtype=F64)
    W = torch.randn(1, 1, 4, 4, generator=_gen(2), dtype=F64)
    K = ps.linear_resnet_tangent_kernel(W, A, B, X)
    H0 = A[0] @ X
    torch.testing.assert_close(K[0], torch.kron(B[0] @ B[0].T, H0.T @ H0), rtol=1e-13, atol=1e-13)


def test_kernel_infinity_matches_monte_carlo() -> None:
    """K^∞ = H^∞ + G^∞ against the mean of K(w₀) over 64 seeds × m = 4096 (262144 draws of w)."""
    g = _gen(4)
    X = tl.sphere_inputs(4, 3, generator=g, coherence=0.3)
    W, a = tl.init_weights(4096, 3, list(range(64)))
    K = ps.two_layer_tangent_kernel(W, a, X, train_a=True)
    est, se = K.mean(0), K.std(0) / math.sqrt(64)
    # 6 standard errors per entry (a false alarm ≈ 2e-9 per entry), plus round-off
    assert bool(((est - ps.two_layer_kernel_infinity(X, train_a=True)).abs() <= 6 * se + 1e-12).all())
    diag = torch.diagonal(ps.two_layer_kernel_infinity(X, train_a=True))
    torch.testing.assert_close(diag, torch.ones(4, dtype=F64), rtol=1e-14, atol=1e-14)  # ½ + ½ at θ = 0


def test_gd_path_records_and_moves() -> None:
    W, a, X, y = _two_layer(jitter=0.0, m=32)
    path = ps.two_layer_gd_kernel_path(W, a, X, y, eta=0.2, steps=5)
    assert path.loss.shape == (3, 6) and path.lambda_min.shape == (3, 6)
    torch.testing.assert_close(path.loss[:, 0], tl.loss(W, a, X, y), rtol=1e-14, atol=0.0)
    K0 = ps.two_layer_tangent_kernel(W, a, X, train_a=True)
    torch.testing.assert_close(path.lambda_min[:, 0], ps.lambda_min(K0), rtol=1e-12, atol=1e-14)
    assert bool((path.dist[:, 0] == 0).all()) and bool((path.dist[:, 1:] > 0).all())
    # the recorded ‖∇L‖² is the identity's left side: equal to eᵀK(w_t)e at t = 0
    e = tl.predict(W, a, X) - y
    torch.testing.assert_close(path.grad_sq[:, 0], torch.einsum("si,sij,sj->s", e, K0, e), rtol=1e-12, atol=0.0)
    # one step matches two_layer.gd_trajectory with both layers trained
    tr = tl.gd_trajectory(W, a, X, y, eta=0.2, steps=5, train_a=True)
    torch.testing.assert_close(path.W, tr.W, rtol=1e-13, atol=1e-13)
    torch.testing.assert_close(path.a, tr.a, rtol=1e-13, atol=1e-13)


def test_gd_path_divergence_is_recorded_not_raised() -> None:
    W, a, X, y = _two_layer(jitter=0.0, m=8)
    path = ps.two_layer_gd_kernel_path(W, a, X, y, eta=1e6, steps=20, divergence_threshold=1e6)
    assert bool(path.diverged.all())
    assert bool(torch.isinf(path.loss[:, -1]).all()) and not bool(torch.isnan(path.loss).any())


def test_argument_errors_name_the_argument() -> None:
    W, a, X, y = _two_layer()
    with pytest.raises(ValueError, match="steps"):
        ps.two_layer_gd_kernel_path(W, a, X, y, eta=0.1, steps=-1)
    with pytest.raises(ValueError, match="a.shape"):
        ps.two_layer_tangent_kernel(W, a[:, :2], X, train_a=True)
    with pytest.raises(ValueError, match="K.shape"):
        ps.lambda_min(torch.zeros(3, 2))
    with pytest.raises(ValueError, match="params"):
        ps.autograd_tangent_kernel(lambda: torch.zeros(1, 1), [])


# --------------------------------------------------------------------------------------------
# issue 17: points of the ball, the PL* ratio and its adversarial descent, SGD
# --------------------------------------------------------------------------------------------


def _small_net(S=3, m=16, n=3, d=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = tl.sphere_inputs(n, d, generator=g)
    y = tl.bounded_labels(n, generator=g)
    W, a = tl.init_weights(m, d, list(range(S)))
    return W, a, X, y


def _dist(W, a, W0, a0):
    return (((W - W0.unsqueeze(1)) ** 2).sum((-2, -1)) + ((a - a0.unsqueeze(1)) ** 2).sum(-1)).sqrt()


def test_ball_points_spread_radii_up_to_the_boundary():
    W0, a0, _, _ = _small_net()
    R = torch.tensor([0.5, 2.0, 0.0], dtype=torch.float64)
    W, a = ps.ball_points(W0, a0, R, count=4, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(_dist(W, a, W0, a0), R.unsqueeze(1) * torch.tensor([0.25, 0.5, 0.75, 1.0],
                                                                                  dtype=torch.float64))


def test_pl_ratio_matches_autograd():
    W0, a0, X, y = _small_net()
    W, a = ps.ball_points(W0, a0, torch.full((3,), 1.5, dtype=torch.float64), count=2,
                          generator=torch.Generator().manual_seed(2))
    g2, L = ps.pl_ratio(W, a, X, y)
    Wr, ar = W.reshape(6, 16, 4).clone().requires_grad_(True), a.reshape(6, 16).clone().requires_grad_(True)
    Lr = tl.loss(Wr, ar, X, y)
    gW, ga = torch.autograd.grad(Lr.sum(), (Wr, ar))
    torch.testing.assert_close(L.reshape(-1), Lr.detach(), rtol=1e-13, atol=0.0)
    torch.testing.assert_close(g2.reshape(-1), (gW ** 2).sum((-2, -1)) + (ga ** 2).sum(-1), rtol=1e-12, atol=1e-15)


def test_pl_ratio_descent_stays_in_the_ball_and_lowers_the_ratio():
    W0, a0, X, y = _small_net(m=8)
    R = torch.full((3,), 1.0, dtype=torch.float64)
    W, a = ps.ball_points(W0, a0, R, count=2, generator=torch.Generator().manual_seed(3))
    g2, L = ps.pl_ratio(W, a, X, y)
    W2, a2 = ps.pl_ratio_descent(W, a, W0, a0, X, y, R, steps=10)
    h2, M = ps.pl_ratio(W2, a2, X, y)
    assert (_dist(W2, a2, W0, a0) <= R.unsqueeze(1) * (1 + 1e-12)).all()
    assert ((h2 / M).min(1).values <= (g2 / L).min(1).values * (1 + 1e-9)).all()


def test_sgd_batch_counts_and_full_batch_sgd_is_gd():
    gens = [torch.Generator().manual_seed(i) for i in range(4)]
    c = ps.sgd_batch_counts(5, 3, 7, gens)
    assert c.shape == (4, 7, 5) and bool((c.sum(-1) == 3).all())
    W0, a0, X, y = _small_net(S=2)
    full = torch.ones(2, 6, 3, dtype=torch.float64)  # every sample once: g = (n/n)·Σ∇ℓ_i = ∇L
    L = ps.two_layer_sgd_losses(W0, a0, X, y, eta=0.1, counts=full)
    gd = ps.two_layer_gd_kernel_path(W0, a0, X, y, eta=0.1, steps=6, train_a=True).loss
    torch.testing.assert_close(L, gd, rtol=1e-12, atol=1e-14)


def test_sgd_single_sample_step_is_n_times_that_samples_gradient():
    W0, a0, X, y = _small_net(S=1, n=3)
    c = torch.zeros(1, 1, 3, dtype=torch.float64)
    c[0, 0, 1] = 1.0
    L = ps.two_layer_sgd_losses(W0, a0, X, y, eta=0.05, counts=c)
    # reference: one step along 3·∇ℓ_1 by autograd of ½(u_1 − y_1)²
    Wr, ar = W0.clone().requires_grad_(True), a0.clone().requires_grad_(True)
    l1 = 0.5 * (tl.predict(Wr, ar, X)[0, 1] - y[1]) ** 2
    gW, ga = torch.autograd.grad(l1, (Wr, ar))
    ref = tl.loss(W0 - 0.05 * 3 * gW, a0 - 0.05 * 3 * ga, X, y)
    torch.testing.assert_close(L[:, 1], ref, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------------------------
# the Hessian of a deep tanh net's output (issue 17)
# --------------------------------------------------------------------------------------------


def _flat_output(s, d, m, x, output_tanh=False):
    def f(flat):
        a = flat[:m * d].reshape(1, m, d)
        b = flat[m * d:m * d + m * m].reshape(1, m, m)
        c = flat[m * d + m * m:].reshape(1, m)
        return ps.deep_tanh_output(a, b, c, x[s:s + 1], output_tanh=output_tanh).sum()
    return f


@pytest.mark.parametrize("output_tanh", [False, True])
def test_hessian_spectral_norm_matches_the_exact_hessian(output_tanh):
    """Power iteration on double-backward HVPs against eigvalsh of the full Hessian (torch.autograd.functional)."""
    S, d, m = 3, 3, 5
    W1, W2, v = ps.deep_tanh_init(S, d, m, generator=_gen(0))
    x = torch.randn(S, d, generator=_gen(1), dtype=F64)
    x = x / x.norm(dim=1, keepdim=True)
    est = ps.hessian_spectral_norm(lambda a, b, c: ps.deep_tanh_output(a, b, c, x, output_tanh=output_tanh),
                                   (W1, W2, v), iters=400, generator=_gen(2))
    for s in range(S):
        th = torch.cat([W1[s].flatten(), W2[s].flatten(), v[s].flatten()])
        H = torch.autograd.functional.hessian(_flat_output(s, d, m, x, output_tanh), th)
        exact = torch.linalg.eigvalsh(H).abs().max()
        # power iteration from below: 400 steps converge to ≈ 1e-8 relative unless |λ₂| ≈ |λ₁| (not here)
        assert est[s] <= exact * (1 + 1e-12)
        torch.testing.assert_close(est[s], exact, rtol=1e-6, atol=0.0)


def test_deep_tanh_output_against_a_direct_formula():
    W1, W2, v = ps.deep_tanh_init(2, 4, 6, generator=_gen(3))
    x = torch.randn(2, 4, generator=_gen(4), dtype=F64)
    f = ps.deep_tanh_output(W1, W2, v, x)
    for s in range(2):
        h1 = torch.tanh(W1[s] @ x[s] / 2.0)
        h2 = torch.tanh(W2[s] @ h1 / math.sqrt(6))
        torch.testing.assert_close(f[s], v[s] @ h2 / math.sqrt(6), rtol=1e-13, atol=1e-15)
    torch.testing.assert_close(ps.deep_tanh_output(W1, W2, v, x, output_tanh=True), torch.tanh(f))


def test_deep_tanh_output_rejects_bad_shapes():
    W1, W2, v = ps.deep_tanh_init(2, 4, 6, generator=_gen(3))
    with pytest.raises(ValueError, match="x.shape"):
        ps.deep_tanh_output(W1, W2, v, torch.zeros(2, 5, dtype=F64))


# --------------------------------------------------------------------------------------------
# PL*_ε on least squares (issue 17)
# --------------------------------------------------------------------------------------------


def _ls(n=12, p=3, seed=0):
    g = _gen(seed)
    X = torch.randn(n, p, generator=g, dtype=F64)
    y = torch.randn(n, generator=g, dtype=F64)
    return X, y


def test_least_squares_pl_eps_holds_at_random_points_and_is_tight():
    """½‖∇L‖² ≥ μ_ε L wherever L ≥ ε (gradient by autograd), with equality approached along the slow direction."""
    X, y = _ls()
    w_star = torch.from_numpy(__import__("numpy").linalg.lstsq(X.numpy(), y.numpy(), rcond=None)[0])
    L_star = 0.5 * ((X @ w_star - y) ** 2).sum()
    eps = 2.0 * L_star
    mu, L_s, beta = ps.least_squares_pl_eps(X, y, eps)
    torch.testing.assert_close(L_s, L_star, rtol=1e-12, atol=0.0)
    sv = torch.linalg.svdvals(X)
    torch.testing.assert_close(beta, sv[0] ** 2)
    torch.testing.assert_close(mu, sv[-1] ** 2 * 0.5)
    W = w_star + 3.0 * torch.randn(200, 3, generator=_gen(1), dtype=F64)
    W.requires_grad_(True)
    L = 0.5 * ((W @ X.T - y) ** 2).sum(-1)
    (G,) = torch.autograd.grad(L.sum(), W)
    keep = L.detach() >= eps
    assert keep.sum() > 100
    lhs = 0.5 * (G ** 2).sum(-1)[keep]
    assert bool((lhs >= mu * L.detach()[keep] * (1 - 1e-12)).all())
    # tight: on the sphere where L = ε along the smallest right singular vector, ½‖∇L‖² = μ_ε ε exactly
    v = torch.linalg.svd(X).Vh[-1]
    c = torch.sqrt(2 * (eps - L_star)) / (X @ v).norm()
    w = (w_star + c * v).requires_grad_(True)
    Lw = 0.5 * ((X @ w - y) ** 2).sum()
    (gw,) = torch.autograd.grad(Lw, w)
    torch.testing.assert_close(0.5 * (gw ** 2).sum(), mu * eps, rtol=1e-10, atol=0.0)


def test_least_squares_gd_against_a_direct_loop():
    X, y = _ls()
    w0 = torch.randn(2, 3, generator=_gen(2), dtype=F64)
    out = ps.least_squares_gd(X, y, w0, eta=0.01, steps=5)
    for s in range(2):
        w = w0[s].clone()
        for t in range(6):
            torch.testing.assert_close(out[s, t], 0.5 * ((X @ w - y) ** 2).sum(), rtol=1e-13, atol=0.0)
            w = w - 0.01 * X.T @ (X @ w - y)


def test_least_squares_gd_records_divergence_as_inf():
    X, y = _ls()
    out = ps.least_squares_gd(X, y, torch.ones(1, 3, dtype=F64), eta=1e3, steps=400)
    assert math.isinf(float(out[0, -1]))


# --------------------------------------------------------------------------------------------
# the loss Hessian of a two-layer tanh net near an interpolating minimizer (issue 17)
# --------------------------------------------------------------------------------------------


def _tanh_setup(S=3, m=6, d=3, n=4):
    g = _gen(11)
    W = torch.randn(S, m, d, generator=g, dtype=F64)
    X = torch.randn(n, d, generator=g, dtype=F64)
    y = torch.randn(n, generator=g, dtype=F64)
    return W, X, y


def test_tanh_interpolator_interpolates():
    W, X, y = _tanh_setup()
    a = ps.tanh_interpolator(W, X, y)
    torch.testing.assert_close(ps.tanh_two_layer_output(W, a, X), y.expand(3, -1), rtol=0, atol=1e-12)


@pytest.mark.parametrize("train_W", [True, False])
def test_loss_hessian_eigenvalues_against_the_gauss_newton_plus_residual_form(train_W):
    """∇²L = JᵀJ + Σ r_i ∇²F_i, each piece by torch.autograd.functional on one seed at a time (independent path)."""
    W, X, y = _tanh_setup()
    a = torch.randn(3, 6, generator=_gen(12), dtype=F64)
    ev = ps.loss_hessian_eigenvalues(W, a, X, y, train_W=train_W)
    m, d = 6, 3
    for s in range(3):
        def F(theta):
            if train_W:
                return ps.tanh_two_layer_output(theta[:m * d].reshape(1, m, d), theta[m * d:].reshape(1, m), X)[0]
            return ps.tanh_two_layer_output(W[s:s + 1], theta.reshape(1, m), X)[0]
        theta = torch.cat([W[s].flatten(), a[s]]) if train_W else a[s].clone()
        J = torch.autograd.functional.jacobian(F, theta)
        r = F(theta) - y
        H = J.T @ J + sum(r[i] * torch.autograd.functional.hessian(lambda t, i=i: F(t)[i], theta) for i in range(4))
        torch.testing.assert_close(ev[s], torch.linalg.eigvalsh(H), rtol=1e-10, atol=1e-12)
