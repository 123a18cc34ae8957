"""Unit tests for impl.linear_resnet (Zou, Long, Gu, ICLR 2020, arXiv 2003.01094).

Every tolerance below states its value and its reason. float64 throughout.
"""

from __future__ import annotations

import math

import pytest
import numpy as np
import torch

from lemmata.impl import linear_resnet as lr

pytestmark = pytest.mark.unit

F64 = torch.float64


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _random_W(S: int, L: int, m: int, seed: int, scale: float = 0.3) -> torch.Tensor:
    return scale * torch.randn(S, L, m, m, generator=_gen(seed), dtype=F64) / math.sqrt(m)


def _problem(d=4, n=7, k=3, m=9, seeds=(1, 2, 3), data_seed=0, kappa=5.0):
    A, B = lr.gaussian_transforms(d, m, k, list(seeds))
    X, Y = lr.data_with_condition_number(d, n, k, kappa=kappa, generator=_gen(data_seed))
    return A, B, X, Y


def _autograd(W, A, B, X, Y):
    Wr = W.clone().requires_grad_(True)
    lr.loss(Wr, A, B, X, Y).sum().backward()
    return Wr.grad


def _plain_deep_linear_grads(W, A, B, X, Y):
    """Gradient of ½‖B W_L ⋯ W_1 A X − Y‖² (no identity), by autograd: the control network."""
    Wr = W.clone().requires_grad_(True)
    H = torch.matmul(A, X)
    for l in range(W.shape[1]):
        H = torch.matmul(Wr[:, l], H)
    E = torch.matmul(B, H) - Y
    (0.5 * (E * E).sum()).backward()
    return Wr.grad


# --------------------------------------------------------------------------------------------
# model and gradients
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("L", [1, 3, 5])
def test_hand_written_grads_match_autograd(L):
    A, B, X, Y = _problem()
    W = _random_W(3, L, 9, seed=L)
    G = lr.grads(W, A, B, X, Y)
    assert G.shape == W.shape
    # same products in a different association: a few ulps of O(1) entries (rtol 1e-10 is generous)
    torch.testing.assert_close(G, _autograd(W, A, B, X, Y), rtol=1e-10, atol=1e-12)


def test_product_order_w1_applied_first():
    m = 3
    W1 = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], dtype=F64)
    W2 = torch.tensor([[0.0, 0.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]], dtype=F64)
    W = torch.stack([W1, W2])[None]  # W[:, 0] = W_1
    I = torch.eye(m, dtype=F64)
    expected = (I + W2) @ (I + W1)
    reversed_ = (I + W1) @ (I + W2)
    assert not torch.allclose(expected, reversed_), "test needs non-commuting factors"
    P = lr.product(W)[0]
    torch.testing.assert_close(P, expected, rtol=0, atol=0)
    # forward agrees with B·P·A·X (exact small integers here)
    A = torch.eye(m, dtype=F64)[None]
    B = torch.eye(m, dtype=F64)[None]
    X = torch.arange(6, dtype=F64).reshape(3, 2)
    torch.testing.assert_close(lr.forward(W, A, B, X)[0], expected @ X, rtol=0, atol=0)


def test_forward_matches_product_on_random_problem():
    A, B, X, _ = _problem()
    W = _random_W(3, 4, 9, seed=7)
    # two association orders of the same product: 1e-12 relative to O(1) outputs
    torch.testing.assert_close(lr.forward(W, A, B, X), B @ lr.product(W) @ A @ X, rtol=1e-12, atol=1e-13)


def test_identity_transforms_zero_output_and_equal_initial_grads():
    d, k, n, L, S = 4, 2, 6, 4, 2
    A, B = lr.identity_transforms(d, k, S=S)
    assert A.shape == (S, d + k, d) and B.shape == (S, k, d + k)
    X, Y = lr.data_with_condition_number(d, n, k, kappa=3.0, generator=_gen(2))
    W = lr.gd_init(S, L, d + k).W
    assert torch.equal(lr.forward(W, A, B, X), torch.zeros(S, k, n, dtype=F64))
    assert torch.equal(B @ A, torch.zeros(S, k, d, dtype=F64))
    # singular values of A and B are all 1 (exact for 0/1 matrices up to SVD rounding 1e-14)
    torch.testing.assert_close(torch.linalg.svdvals(A), torch.ones(S, d, dtype=F64), rtol=0, atol=1e-14)
    torch.testing.assert_close(torch.linalg.svdvals(B), torch.ones(S, k, dtype=F64), rtol=0, atol=1e-14)
    G = lr.grads(W, A, B, X, Y)
    AX = A @ X
    expected = B.transpose(-1, -2) @ (B @ AX - Y) @ AX.transpose(-1, -2)
    for l in range(L):
        # at W = 0 every layer's gradient is computed by the same products: equal to rounding
        torch.testing.assert_close(G[:, l], expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("d,k,cA,cB", [(4, 2, 100.0, 1.0), (3, 3, 10.0, 1e3), (1, 1, 50.0, 50.0), (2, 1, 1.0, 7.0)])
def test_ill_conditioned_identity_transforms(d, k, cA, cB):
    A, B = lr.ill_conditioned_identity_transforms(d, k, cond_A=cA, cond_B=cB, S=2)
    assert A.shape == (2, d + k, d) and B.shape == (2, k, d + k)
    # independent reference: the singular values written out as the geometric sequence 1, …, 1/cond (numpy's linspace
    # of the exponents), sorted descending as svdvals returns them; a 1×1 block stays 1
    def spread(size, cond):
        return torch.tensor(np.logspace(0.0, -np.log10(cond), size) if size > 1 else [1.0], dtype=F64)
    # svdvals of a scaled-identity block is exact up to LAPACK round-off (≈ 1e-16 relative); rtol 1e-12 leaves 10⁴×,
    # atol 1e-15 covers the smallest singular value 1e-3 at that relative error
    torch.testing.assert_close(torch.linalg.svdvals(A), spread(d, cA).expand(2, d), rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(torch.linalg.svdvals(B), spread(k, cB).expand(2, k), rtol=1e-12, atol=1e-15)
    assert torch.equal(B @ A, torch.zeros(2, k, d, dtype=F64))  # the output is still 0 at W = 0
    # cond = 1 is the plain modified identity
    A1, B1 = lr.ill_conditioned_identity_transforms(d, k, cond_A=1.0, cond_B=1.0, S=2)
    A0, B0 = lr.identity_transforms(d, k, S=2)
    assert torch.equal(A1, A0) and torch.equal(B1, B0)


@pytest.mark.parametrize("L", [2, 3])
def test_plain_deep_linear_net_has_zero_gradient_at_zero(L):
    A, B, X, Y = _problem()
    W = torch.zeros(3, L, 9, 9, dtype=F64)
    assert torch.equal(_plain_deep_linear_grads(W, A, B, X, Y), torch.zeros_like(W))
    # the ResNet's gradient at the same point is not zero
    assert lr.grads(W, A, B, X, Y).abs().amax() > 1e-3


# --------------------------------------------------------------------------------------------
# optimum and data
# --------------------------------------------------------------------------------------------


def test_optimum_matches_normal_equations():
    A, B, X, Y = _problem(n=9)
    theta = Y @ X.T @ torch.linalg.inv(X @ X.T)
    E = theta @ X - Y
    brute = 0.5 * (E * E).sum()
    # pinv vs inverse of XXᵀ with κ = 5: agreement to 1e-10 relative
    torch.testing.assert_close(lr.optimum(A, B, X, Y), brute.expand(3), rtol=1e-10, atol=1e-14)
    assert brute > 1e-6, "noise with n > d must leave a positive optimum"


def test_optimum_rank_deficient_x():
    d, n, k, r = 5, 8, 2, 3
    X, Y = lr.data_with_condition_number(d, n, k, kappa=10.0, rank=r, generator=_gen(4))
    s = torch.linalg.svdvals(X)
    assert s[r - 1] > 1e-3 and s[r:].max() < 1e-12
    U = torch.linalg.svd(X.T, full_matrices=False)[0][:, :r]  # orthonormal basis of X's row space
    E = Y - Y @ U @ U.T
    brute = 0.5 * (E * E).sum()
    A, B = lr.identity_transforms(d, k, S=1)
    torch.testing.assert_close(lr.optimum(A, B, X, Y)[0], brute, rtol=1e-10, atol=1e-14)
    # GD still reaches it from zero init (the unreachable directions are never needed)
    tr = lr.gd_trajectory(A, B, X, Y, L=2, eta=0.25, steps=300)
    assert tr.excess[0, -1] < 1e-8 * tr.excess[0, 0]


@pytest.mark.parametrize("kappa,rank", [(1.0, None), (50.0, None), (1e4, None), (1e3, 3)])
def test_data_condition_number_exact(kappa, rank):
    X, Y = lr.data_with_condition_number(6, 10, 3, kappa=kappa, rank=rank, generator=_gen(9))
    assert X.shape == (6, 10) and Y.shape == (3, 10) and X.dtype == F64
    r = 6 if rank is None else rank
    s = torch.linalg.svdvals(X)[:r]
    got = (s[0] / s[-1]) ** 2
    # svdvals is backward stable: singular values to ~1e-16 absolute, ≥ 1e-2 here → 1e-8 relative
    assert abs(got.item() / kappa - 1.0) < 1e-8
    assert abs(s[0].item() - 1.0) < 1e-12


def test_bad_arguments_raise_value_error():
    A, B, X, Y = _problem()
    with pytest.raises(ValueError, match="kappa"):
        lr.data_with_condition_number(3, 4, 1, kappa=0.5, generator=_gen(0))
    with pytest.raises(ValueError, match="rank"):
        lr.data_with_condition_number(3, 4, 1, kappa=2.0, rank=4, generator=_gen(0))
    with pytest.raises(ValueError, match="W.shape"):
        lr.loss(torch.zeros(3, 9, 9), A, B, X, Y)
    with pytest.raises(ValueError, match="Y.shape"):
        lr.loss(torch.zeros(3, 1, 9, 9, dtype=F64), A, B, X, Y[:, :2])
    with pytest.raises(ValueError, match="momentum"):
        lr.nag_trajectory(A, B, X, Y, L=1, eta=0.1, momentum=1.0, steps=1)
    with pytest.raises(ValueError, match="batch_size"):
        lr.sgd_trajectory(A, B, X, Y, L=1, eta=0.1, steps=1, batch_size=100, generator=_gen(0))


# --------------------------------------------------------------------------------------------
# optimizers and trajectories
# --------------------------------------------------------------------------------------------


def test_gd_decreases_loss_to_optimum_gaussian():
    A, B, X, Y = _problem(m=30, n=10)
    L = 3
    # step 1/(L‖A‖²‖B‖²‖X‖²), the form of Zou et al. 2020, Thm 3.3 with C′ = 1 (‖X‖ = 1 here)
    eta = 1.0 / (L * (torch.linalg.matrix_norm(A, ord=2) * torch.linalg.matrix_norm(B, ord=2)) ** 2)
    tr = lr.gd_trajectory(A, B, X, Y, L=L, eta=eta, steps=400, record_every=50)
    assert tr.loss.shape == (3, 401) and tr.weight_norms.shape == (3, L, 9)
    assert tr.norm_steps.tolist() == list(range(0, 401, 50))
    assert not tr.diverged.any()
    assert torch.isfinite(tr.loss).all()
    # monotone decrease up to rounding (GD with a small step on a smooth loss)
    assert (tr.loss[:, 1:] <= tr.loss[:, :-1] * (1 + 1e-12)).all()
    assert (tr.excess[:, -1] < 1e-6 * tr.excess[:, 0]).all(), tr.excess[:, -1]
    assert (tr.weight_norms[:, :, 0] == 0).all()
    # the last norm record is the final W's spectral norm
    torch.testing.assert_close(tr.weight_norms[:, :, -1], torch.linalg.matrix_norm(tr.W, ord=2), rtol=0, atol=0)
    # record_every not dividing steps still records the last step
    assert lr.gd_trajectory(A, B, X, Y, L=1, eta=eta, steps=7, record_every=3).norm_steps.tolist() == [0, 3, 6, 7]


def test_gd_update_and_state_functions_reproduce_trajectory():
    A, B, X, Y = _problem()
    state = lr.gd_init(3, 2, 9)
    for _ in range(5):
        state = lr.gd_update(state, lr.grads(state.W, A, B, X, Y), eta=0.05)
    tr = lr.gd_trajectory(A, B, X, Y, L=2, eta=0.05, steps=5)
    torch.testing.assert_close(state.W, tr.W, rtol=0, atol=0)
    s = lr.nag_init(3, 2, 9)
    for _ in range(5):
        g = lr.grads(lr.nag_lookahead(s, momentum=0.8), A, B, X, Y)
        s = lr.nag_update(s, g, eta=0.05, momentum=0.8)
    tn = lr.nag_trajectory(A, B, X, Y, L=2, eta=0.05, momentum=0.8, steps=5)
    torch.testing.assert_close(s.W, tn.W, rtol=1e-14, atol=1e-16)


def _iterations_to(tr, frac):
    hit = tr.excess[0] < frac * tr.excess[0, 0]
    idx = hit.nonzero()
    return int(idx[0]) if len(idx) else None


def test_nag_beats_gd_on_ill_conditioned_instance():
    d, k, n = 4, 2, 8
    X, Y = lr.data_with_condition_number(d, n, k, kappa=100.0, generator=_gen(1))
    A, B = lr.identity_transforms(d, k, S=1)
    gd = lr.gd_trajectory(A, B, X, Y, L=2, eta=0.25, steps=800)
    nag = lr.nag_trajectory(A, B, X, Y, L=2, eta=0.25, momentum=0.9, steps=800)
    t_gd, t_nag = _iterations_to(gd, 1e-6), _iterations_to(nag, 1e-6)
    assert t_gd is not None and t_nag is not None, (t_gd, t_nag)
    assert 3 * t_nag < t_gd, (t_nag, t_gd)


def test_sgd_full_batch_equals_gd():
    A, B, X, Y = _problem()
    gd = lr.gd_trajectory(A, B, X, Y, L=3, eta=0.05, steps=40)
    sgd = lr.sgd_trajectory(A, B, X, Y, L=3, eta=0.05, steps=40, batch_size=7, generator=_gen(5))
    # only the summation order over the permuted columns differs: 1e-10 relative after 40 steps
    torch.testing.assert_close(sgd.loss, gd.loss, rtol=1e-10, atol=1e-14)
    torch.testing.assert_close(sgd.W, gd.W, rtol=1e-10, atol=1e-13)


def test_sgd_minibatch_converges_and_is_reproducible():
    d, k, n = 3, 2, 12
    X, Y = lr.data_with_condition_number(d, n, k, kappa=4.0, noise=0.0, generator=_gen(3))
    A, B = lr.identity_transforms(d, k, S=2)
    kw = dict(L=2, eta=0.05, steps=600, batch_size=4)
    t1 = lr.sgd_trajectory(A, B, X, Y, generator=_gen(8), **kw)
    t2 = lr.sgd_trajectory(A, B, X, Y, generator=_gen(8), **kw)
    assert torch.equal(t1.loss, t2.loss)
    # realisable targets (noise 0): SGD's noise vanishes at the optimum, so it converges
    assert (t1.excess[:, -1] < 1e-6 * t1.excess[:, 0]).all(), t1.excess[:, -1]
    # the two seeds drew different minibatch orders
    assert not torch.equal(t1.loss[0], t1.loss[1])


def test_batching_seeds_equals_one_at_a_time():
    seeds = (4, 5, 6)
    A, B, X, Y = _problem(seeds=seeds)
    kw = dict(L=3, eta=0.05, steps=15, record_every=4)
    both = lr.gd_trajectory(A, B, X, Y, **kw)
    nag = lr.nag_trajectory(A, B, X, Y, momentum=0.7, **kw)
    sgd = lr.sgd_trajectory(A, B, X, Y, batch_size=3, generator=[_gen(10 + s) for s in seeds], **kw)
    for i, s in enumerate(seeds):
        A1, B1 = lr.gaussian_transforms(4, 9, 3, [s])
        assert torch.equal(A1[0], A[i]) and torch.equal(B1[0], B[i])
        one = lr.gd_trajectory(A1, B1, X, Y, **kw)
        one_nag = lr.nag_trajectory(A1, B1, X, Y, momentum=0.7, **kw)
        one_sgd = lr.sgd_trajectory(A1, B1, X, Y, batch_size=3, generator=[_gen(10 + s)], **kw)
        # batched matmul may use other kernels than the unbatched one: 1e-12 relative
        for a, b in ((both, one), (nag, one_nag), (sgd, one_sgd)):
            torch.testing.assert_close(a.loss[i], b.loss[0], rtol=1e-12, atol=1e-15)
            torch.testing.assert_close(a.weight_norms[i], b.weight_norms[0], rtol=1e-12, atol=1e-15)
            torch.testing.assert_close(a.W[i], b.W[0], rtol=1e-12, atol=1e-15)


def test_huge_step_diverges_without_nan_or_raise():
    A, B, X, Y = _problem()
    eta = torch.tensor([1e6, 0.05, 1e6], dtype=F64)
    for tr in (
        lr.gd_trajectory(A, B, X, Y, L=3, eta=eta, steps=30),
        lr.nag_trajectory(A, B, X, Y, L=3, eta=eta, momentum=0.9, steps=30),
        lr.sgd_trajectory(A, B, X, Y, L=3, eta=eta, steps=30, batch_size=2, generator=_gen(1)),
    ):
        assert tr.diverged.tolist() == [True, False, True]
        for t in (tr.loss, tr.excess, tr.weight_norms, tr.W):
            assert not torch.isnan(t).any()
        assert torch.isinf(tr.loss[[0, 2], -1]).all() and torch.isinf(tr.excess[[0, 2], -1]).all()
        assert torch.isfinite(tr.loss[1]).all() and torch.isfinite(tr.W).all()


# --------------------------------------------------------------------------------------------
# second increment: per-seed momentum, the paper's L*, whitened targets, iterations to ε, SGD's scale
# --------------------------------------------------------------------------------------------


def test_nag_per_seed_momentum_equals_one_seed_at_a_time():
    seeds = (4, 5, 6)
    A, B, X, Y = _problem(seeds=seeds)
    mu = torch.tensor([0.0, 0.5, 0.9], dtype=F64)
    kw = dict(L=2, eta=0.05, steps=12)
    both = lr.nag_trajectory(A, B, X, Y, momentum=mu, **kw)
    for i in range(3):
        one = lr.nag_trajectory(A[i:i + 1], B[i:i + 1], X, Y, momentum=float(mu[i]), **kw)
        # batched vs unbatched kernels: 1e-12 relative
        torch.testing.assert_close(both.loss[i], one.loss[0], rtol=1e-12, atol=1e-15)
    # μ = 0 is plain GD (same kernels, so equal to rounding)
    gd = lr.gd_trajectory(A[:1], B[:1], X, Y, **kw)
    torch.testing.assert_close(both.loss[0], gd.loss[0], rtol=1e-13, atol=1e-15)
    # the state functions take the same per-seed momentum
    s = lr.nag_init(3, 2, 9)
    for _ in range(12):
        s = lr.nag_update(s, lr.grads(lr.nag_lookahead(s, momentum=mu), A, B, X, Y), eta=0.05, momentum=mu)
    torch.testing.assert_close(s.W, both.W, rtol=1e-13, atol=1e-15)


def test_bad_momentum_tensor_raises():
    A, B, X, Y = _problem()
    with pytest.raises(ValueError, match="momentum.shape"):
        lr.nag_trajectory(A, B, X, Y, L=1, eta=0.1, momentum=torch.zeros(2, dtype=F64), steps=1)
    with pytest.raises(ValueError, match="momentum"):
        lr.nag_trajectory(A, B, X, Y, L=1, eta=0.1, momentum=torch.tensor([0.1, 1.0, 0.2], dtype=F64), steps=1)


def test_least_squares_optimum_is_the_paper_l_star():
    A, B, X, Y = _problem(n=9)
    theta = Y @ X.T @ torch.linalg.inv(X @ X.T)
    E = theta @ X - Y
    # full-rank A (m = 9 ≥ d = 4) and B (k = 3): the network's optimum is the least-squares value; κ = 5
    torch.testing.assert_close(lr.least_squares_optimum(X, Y), 0.5 * (E * E).sum(), rtol=1e-10, atol=1e-14)
    torch.testing.assert_close(lr.optimum(A, B, X, Y), lr.least_squares_optimum(X, Y).expand(3), rtol=1e-10, atol=1e-14)
    # batched inputs give one value per seed
    assert lr.least_squares_optimum(X.expand(2, 4, 9), Y.expand(2, 3, 9)).shape == (2,)
    # a width below d loses rank: the network's own optimum is then strictly above the paper's L*
    A2, B2 = lr.gaussian_transforms(4, 2, 3, [1])
    assert lr.optimum(A2, B2, X, Y)[0] > lr.least_squares_optimum(X, Y) + 1e-3
    with pytest.raises(ValueError, match="Y.shape"):
        lr.least_squares_optimum(X, Y[:, :3])


def test_whitened_targets_share_the_signal_equally():
    d, n, k, r = 5, 8, 3, 4
    X, Y = lr.data_with_condition_number(d, n, k, kappa=100.0, rank=r, noise=0.0, targets="whitened",
                                         generator=_gen(6))
    U, s, Vh = torch.linalg.svd(X, full_matrices=False)
    # Y = σ_r C Vᵀ with unit columns of C: every right singular direction of X carries signal of norm σ_r
    # (svd recovers V up to signs; κ = 100: 1e-12 relative)
    torch.testing.assert_close((Y @ Vh[:r].T).norm(dim=0), torch.full((r,), float(s[r - 1]), dtype=F64),
                               rtol=1e-12, atol=0)
    torch.testing.assert_close(Y - Y @ Vh[:r].T @ Vh[:r], torch.zeros(k, n, dtype=F64), rtol=0, atol=1e-14)  # row space
    # the draws do not depend on κ: only the spectrum changes, Y scales with σ_r = κ^{-1/2}
    X2, Y2 = lr.data_with_condition_number(d, n, k, kappa=4.0, rank=r, noise=0.0, targets="whitened",
                                           generator=_gen(6))
    torch.testing.assert_close(Y2 * 0.1 / 0.5, Y, rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(torch.linalg.svd(X2)[2][:r].abs(), Vh[:r].abs(), rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="targets"):
        lr.data_with_condition_number(d, n, k, kappa=2.0, generator=_gen(0), targets="white")


def test_iterations_to_counts_until_it_stays_below():
    ex = torch.tensor([[1.0, 0.5, 0.01, 0.2, 0.001, 0.0005],   # touches 1e-1 at t=2, stays from t=4
                       [1.0, 0.9, 0.8, 0.7, 0.6, 0.5],         # never: censored, K + 1 = 6
                       [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],         # at its optimum from the start: 0
                       [1.0, math.inf, 0.0, 0.0, 0.0, 0.0]], dtype=F64)  # +inf counts as above
    assert lr.iterations_to(ex, eps=0.1).tolist() == [4.0, 6.0, 0.0, 2.0]
    with pytest.raises(ValueError, match="excess.shape"):
        lr.iterations_to(ex[0], eps=0.1)


def test_sgd_epoch_moves_like_one_gd_step_to_first_order():
    # n = 8 columns in P = 4 minibatches of b = 2: the n/b-rescaled steps of one epoch add up to P full-gradient
    # steps, up to O(η²); Richardson extrapolation 2D(η) − D(2η) removes the O(η) term
    A, B, _, _ = _problem(n=8)
    X, Y = lr.data_with_condition_number(4, 8, 3, kappa=5.0, generator=_gen(2))
    W0 = _random_W(3, 2, 9, seed=11)

    def D(eta):
        tr = lr.sgd_trajectory(A, B, X, Y, L=2, eta=eta, steps=4, batch_size=2, generator=_gen(3), W0=W0)
        return (W0 - tr.W) / (4 * eta)

    G = lr.grads(W0, A, B, X, Y)
    # relative displacement ≈ 1e-6: truncation O(1e-12) relative after extrapolation, round-off ≈ 1e-10
    torch.testing.assert_close(2 * D(1e-7) - D(2e-7), G, rtol=0, atol=1e-7 * float(G.abs().max()))
