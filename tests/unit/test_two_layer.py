"""Unit tests for impl.two_layer (Du, Zhai, Póczos, Singh, ICLR 2019, arXiv 1810.02054).

Every tolerance below states its value and its reason. float64 throughout, so "tight" means
a few hundred ulps of the quantities compared.
"""

from __future__ import annotations

import math

import pytest
import torch

from lemmata.impl import two_layer as tl

pytestmark = pytest.mark.unit

F64 = torch.float64


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _problem(n: int = 6, d: int = 5, m: int = 8, seeds: tuple[int, ...] = (11, 12, 13), data_seed: int = 0):
    g = _gen(data_seed)
    X = tl.sphere_inputs(n, d, generator=g)
    y = tl.bounded_labels(n, generator=g)
    W, a = tl.init_weights(m, d, list(seeds))
    return W, a, X, y


# --------------------------------------------------------------------------------------------
# data and initialisation
# --------------------------------------------------------------------------------------------


def test_sphere_inputs_unit_rows_and_coherence_shrinks_lambda0():
    lams = []
    for c in (0.0, 0.9, 0.999):
        X = tl.sphere_inputs(8, 4, generator=_gen(3), coherence=c)
        assert X.shape == (8, 4) and X.dtype == F64
        # unit rows up to rounding of one normalisation (1e-14 >> n·eps)
        torch.testing.assert_close(X.norm(dim=-1), torch.ones(8, dtype=F64), rtol=0, atol=1e-14)
        lams.append(tl.lambda_min(tl.gram_infinity(X)).item())
    # pulling the inputs together must drive λ₀ towards 0 (Du et al. 2019, Thm 3.1 needs non-parallel inputs)
    assert lams[0] > lams[1] > lams[2] > 0.0, lams


def test_duplicate_row_gives_lambda0_zero_and_antipodal_does_not():
    X = tl.sphere_inputs(6, 4, generator=_gen(5))
    dup = tl.duplicate_row(X, src=0, dst=3)
    anti = tl.duplicate_row(X, src=0, dst=3, sign=-1.0)
    assert torch.equal(dup[3], X[0]) and torch.equal(anti[3], -X[0])
    assert torch.equal(X[3], tl.sphere_inputs(6, 4, generator=_gen(5))[3]), "input must not be modified"
    # two equal rows make H^∞ singular: |λ₀| within eigvalsh rounding (1e-13 for a 6×6 O(1) matrix)
    assert abs(tl.lambda_min(tl.gram_infinity(dup)).item()) < 1e-13
    # one antipodal pair keeps λ₀ clearly positive (far above rounding) …
    assert tl.lambda_min(tl.gram_infinity(anti)).item() > 1e-3


def test_antipodal_pairs_with_linearly_dependent_directions_make_h_infinity_singular():
    # … but ±e₁, ±e₂, ±(e₁+e₂)/√2 in d = 2 do: φ(x) − φ(−x) = x, and the three directions are dependent
    r = 2 ** -0.5
    X = torch.tensor([[1.0, 0], [-1.0, 0], [0, 1.0], [0, -1.0], [r, r], [-r, -r]], dtype=torch.float64)
    assert abs(tl.lambda_min(tl.gram_infinity(X)).item()) < 1e-13


def test_bounded_labels_within_scale():
    y = tl.bounded_labels(1000, generator=_gen(1), scale=2.5)
    assert y.shape == (1000,) and y.dtype == F64
    assert y.abs().max().item() <= 2.5
    # uniform on [−2.5, 2.5]: with 1000 draws both halves are populated (P(fail) ≈ 2^-999)
    assert (y > 1.0).any() and (y < -1.0).any()


def test_init_weights_per_seed_reproducible_and_signs():
    W, a = tl.init_weights(16, 3, [4, 9])
    assert W.shape == (2, 16, 3) and a.shape == (2, 16) and W.dtype == F64
    assert set(a.unique().tolist()) <= {-1.0, 1.0}
    W1, a1 = tl.init_weights(16, 3, [9])
    # one seed reproduced alone: bit-identical (same generator, same draws)
    assert torch.equal(W[1], W1[0]) and torch.equal(a[1], a1[0])
    assert not torch.equal(W[0], W[1])


def test_validation_messages_name_the_argument():
    W, a, X, y = _problem()
    with pytest.raises(ValueError, match="coherence=1.0"):
        tl.sphere_inputs(3, 2, generator=_gen(0), coherence=1.0)
    with pytest.raises(ValueError, match="n=0"):
        tl.sphere_inputs(0, 2, generator=_gen(0))
    with pytest.raises(ValueError, match=r"a.shape=\(3, 7\)"):
        tl.predict(W, a[:, :7], X)
    with pytest.raises(ValueError, match="X.shape"):
        tl.predict(W, a, X[:, :4])
    with pytest.raises(ValueError, match="y.shape"):
        tl.loss(W, a, X, y[:5])
    with pytest.raises(ValueError, match="eta=-1.0"):
        tl.gd_trajectory(W, a, X, y, eta=-1.0, steps=1)
    with pytest.raises(ValueError, match="eta.shape"):
        tl.gd_trajectory(W, a, X, y, eta=torch.ones(2, dtype=F64), steps=1)
    with pytest.raises(ValueError, match="radius=-0.1"):
        tl.flip_certificate(W, X, radius=-0.1)
    with pytest.raises(ValueError, match="dst=0"):
        tl.duplicate_row(X, src=0, dst=0)
    with pytest.raises(ValueError, match="samples=1"):
        tl.gram_infinity_monte_carlo(X, samples=1, generator=_gen(0))


# --------------------------------------------------------------------------------------------
# forward pass and gradients
# --------------------------------------------------------------------------------------------


def test_predict_and_loss_match_naive_loops():
    W, a, X, y = _problem(n=4, d=3, m=5, seeds=(1, 2))
    S, m, _ = W.shape
    u = tl.predict(W, a, X)
    naive = torch.zeros(S, X.shape[0], dtype=F64)
    for s in range(S):
        for i in range(X.shape[0]):
            naive[s, i] = sum(a[s, r] * max(float(W[s, r] @ X[i]), 0.0) for r in range(m)) / math.sqrt(m)
    # same sums in a different order: agreement to 1e-13 absolute on O(1) outputs
    torch.testing.assert_close(u, naive, rtol=0, atol=1e-13)
    naive_loss = 0.5 * ((naive - y) ** 2).sum(-1)
    torch.testing.assert_close(tl.loss(W, a, X, y), naive_loss, rtol=0, atol=1e-13)
    torch.testing.assert_close(tl.preactivations(W, X), torch.einsum("nd,smd->snm", X, W), rtol=0, atol=1e-14)


@pytest.mark.parametrize("batched_data", [False, True], ids=["shared_X", "per_seed_X"])
def test_hand_written_gradients_equal_autograd(batched_data):
    W, a, X, y = _problem(n=7, d=5, m=9)
    if batched_data:
        g = _gen(99)
        X = torch.stack([tl.sphere_inputs(7, 5, generator=g) for _ in range(3)])
        y = torch.stack([tl.bounded_labels(7, generator=g) for _ in range(3)])
    # Gaussian data: no pre-activation is exactly 0 (prob. 0), so relu'(0) conventions never differ
    assert tl.preactivations(W, X).abs().min().item() > 1e-8
    Wr = W.clone().requires_grad_(True)
    ar = a.clone().requires_grad_(True)
    gW, ga = torch.autograd.grad(tl.loss(Wr, ar, X, y).sum(), (Wr, ar))
    # both are exact formulas evaluated in float64 with different summation order: rtol 1e-10
    torch.testing.assert_close(tl.grad_w(W, a, X, y), gW, rtol=1e-10, atol=1e-13)
    torch.testing.assert_close(tl.grad_a(W, a, X, y), ga, rtol=1e-10, atol=1e-13)


# --------------------------------------------------------------------------------------------
# Gram matrices
# --------------------------------------------------------------------------------------------


def test_gram_infinity_diagonal_half_symmetric_psd():
    X = tl.sphere_inputs(12, 4, generator=_gen(8))
    H = tl.gram_infinity(X)
    # H^∞_ii = 1·(π − arccos 1)/(2π) = ½ exactly up to the rounding of ‖x_i‖² (1e-15)
    torch.testing.assert_close(H.diagonal(), torch.full((12,), 0.5, dtype=F64), rtol=0, atol=1e-15)
    torch.testing.assert_close(H, H.T, rtol=0, atol=0)
    # H^∞ is a Gram matrix (an expectation of outer products): PSD up to eigvalsh rounding (1e-12)
    assert tl.lambda_min(H).item() > -1e-12
    # batched inputs give the batch of Gram matrices
    Xb = torch.stack([X, X.flip(0)])
    torch.testing.assert_close(tl.gram_infinity(Xb)[1], tl.gram_infinity(X.flip(0)), rtol=0, atol=0)


def test_gram_infinity_accurate_for_near_parallel_and_antipodal_inputs():
    delta = 1e-9
    X = torch.tensor([[1.0, 0.0], [math.cos(delta), math.sin(delta)], [-1.0, 0.0]], dtype=F64)
    H = tl.gram_infinity(X)
    # reference from the known angle δ: plain arccos(fl(cos δ)) = arccos(1) = 0 would be off by
    # δ/(2π) ≈ 1.6e-10; the angle recomputation must get it to rounding (1e-15 absolute)
    ref_01 = math.cos(delta) * (math.pi - delta) / (2 * math.pi)
    assert abs(H[0, 1].item() - ref_01) < 1e-15
    assert H[0, 2].item() == 0.0, "antipodal pair: θ = π exactly, H^∞ = 0"
    assert H[0, 0].item() == 0.5


def test_gram_infinity_equals_monte_carlo_within_5_standard_errors():
    X = tl.sphere_inputs(6, 4, generator=_gen(21))
    X = tl.duplicate_row(X, src=0, dst=5, sign=-1.0)  # an antipodal pair: p = 0 exactly, se = 0
    est, se = tl.gram_infinity_monte_carlo(X, samples=200_001, generator=_gen(22), chunk=30_000)
    H = tl.gram_infinity(X)
    assert est.shape == se.shape == (6, 6)
    # CLT: each entry is within 5 SE except with prob. ≈ 6e-7 (×36 entries, fixed seed anyway);
    # the 1e-12 floor covers entries with zero variance (the antipodal pair, where both are 0).
    dev = (est - H).abs()
    assert bool((dev <= 5 * se + 1e-12).all()), (dev / se).max()
    # the SE is ~ sqrt(¼/2e5) ≈ 1e-3 on the diagonal: the check is not vacuous
    assert 5e-4 < se.diagonal().max().item() < 2e-3


def test_gram_w_and_gram_a_match_naive_loops():
    W, a, X, _ = _problem(n=4, d=3, m=6, seeds=(3, 4))
    S, m, _ = W.shape
    n = X.shape[0]
    H = torch.zeros(S, n, n, dtype=F64)
    G = torch.zeros(S, n, n, dtype=F64)
    for s in range(S):
        for i in range(n):
            for j in range(n):
                zi, zj = W[s] @ X[i], W[s] @ X[j]
                H[s, i, j] = float(X[i] @ X[j]) * float(((zi >= 0) & (zj >= 0)).sum()) / m
                G[s, i, j] = float((zi.clamp_min(0) * zj.clamp_min(0)).sum()) / m
    # same definitions, summation order differs: 1e-14 on O(1) entries
    torch.testing.assert_close(tl.gram_w(W, X), H, rtol=0, atol=1e-14)
    torch.testing.assert_close(tl.gram_a(W, X), G, rtol=0, atol=1e-14)


def test_gram_w_converges_to_gram_infinity_hoeffding():
    n, d = 8, 5
    X = tl.sphere_inputs(n, d, generator=_gen(31))
    Hinf = tl.gram_infinity(X)
    errs = []
    for m in (64, 4096, 65536):
        W, _ = tl.init_weights(m, d, [m])
        err = (tl.gram_w(W, X)[0] - Hinf).abs().max().item()
        # Hoeffding + union bound over n² entries (each a mean of m terms in an interval of length
        # |x_iᵀx_j| ≤ 1): max error ≤ sqrt(log(2n²/δ)/(2m)) w.p. ≥ 1 − δ; δ = 1e-9
        bound = math.sqrt(math.log(2 * n * n / 1e-9) / (2 * m))
        assert err <= bound, (m, err, bound)
        errs.append(err)
    # the error shrinks with m (≈ m^{-1/2}: 32× from m=64 to 65536; ask for 4×)
    assert errs[-1] < errs[0] / 4, errs


def test_lambda_min_matches_per_matrix_reference():
    A = torch.randn(3, 5, 5, generator=_gen(2), dtype=F64)
    H = A @ A.transpose(-1, -2)
    ref = torch.stack([torch.linalg.eigvalsh(h).min() for h in H])
    torch.testing.assert_close(tl.lambda_min(H), ref, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------------------------
# flip certificate (Du et al. 2019, Lemma 3.2)
# --------------------------------------------------------------------------------------------


def _sum_abs_change(W, W0, X):
    return (tl.gram_w(W, X) - tl.gram_w(W0, X)).abs().sum((-2, -1))


def test_flip_certificate_bounds_random_and_adversarial_perturbations():
    n, d, m = 6, 4, 32
    X = tl.sphere_inputs(n, d, generator=_gen(41))
    W0, _ = tl.init_weights(m, d, [1, 2, 3, 4])
    S = W0.shape[0]
    radius = 0.2
    cert = tl.flip_certificate(W0, X, radius=radius)
    g = _gen(42)
    # random perturbations inside the ball (radius·U^{1/d} scaling, plus points on the sphere)
    for trial in range(20):
        dirn = torch.randn(W0.shape, generator=g, dtype=F64)
        dirn = dirn / dirn.norm(dim=-1, keepdim=True)
        scale = radius if trial % 2 else radius * torch.rand(S, m, 1, generator=g, dtype=F64)
        W = W0 + scale * dirn
        assert float((W - W0).norm(dim=-1).max()) <= radius * (1 + 1e-12)
        change = _sum_abs_change(W, W0, X)
        # exact combinatorial bound; 1e-12 covers the rounding of the two sums
        assert bool((change <= cert + 1e-12).all()), (change, cert)
        spec = torch.linalg.matrix_norm(tl.gram_w(W, X) - tl.gram_w(W0, X), ord=2)
        assert bool((spec <= cert + 1e-12).all())
    # adversarial: push each w_r by `radius` toward flipping its nearest-to-boundary input
    Z0 = tl.preactivations(W0, X)  # (S, n, m)
    i_star = Z0.abs().argmin(dim=1)  # (S, m)
    z_star = Z0.gather(1, i_star.unsqueeze(1)).squeeze(1)  # (S, m)
    x_star = X[i_star]  # (S, m, d)
    W_adv = W0 - radius * torch.sign(z_star).unsqueeze(-1) * x_star
    change = _sum_abs_change(W_adv, W0, X)
    assert bool((change <= cert + 1e-12).all()), (change, cert)
    # not vacuous: the adversary does flip patterns and move H
    assert bool((change > 0).all()), change
    # greedy adversary: move each w_r onto the far side of every flippable input at once is not
    # always possible, but pushing along −Σ sign(z_ir) x_i over flippable i must still obey the bound
    A = (Z0.abs() <= radius).to(F64)
    push = -torch.einsum("snm,snd->smd", A * torch.sign(Z0), X.expand(S, n, d))
    norms = push.norm(dim=-1, keepdim=True).clamp_min(1e-300)
    W_greedy = W0 + radius * push / norms
    assert bool((_sum_abs_change(W_greedy, W0, X) <= cert + 1e-12).all())


def test_flip_certificate_zero_below_min_margin_and_monotone():
    X = tl.sphere_inputs(5, 3, generator=_gen(51))
    W0, _ = tl.init_weights(10, 3, [5, 6])
    margin = tl.preactivations(W0, X).abs().amin((-2, -1)).min().item()
    assert margin > 0
    assert torch.equal(tl.flip_certificate(W0, X, radius=0.5 * margin), torch.zeros(2, dtype=F64))
    radii = [0.01, 0.1, 0.5, 2.0]
    certs = torch.stack([tl.flip_certificate(W0, X, radius=r) for r in radii])
    assert bool((certs[1:] >= certs[:-1]).all())
    # radius beyond every |w_r(0)ᵀx_i|: every pattern may flip, bound = Σ_ij |x_iᵀx_j| · 1
    big = tl.flip_certificate(W0, X, radius=1e6)
    torch.testing.assert_close(big, (X @ X.T).abs().sum().expand(2), rtol=1e-14, atol=0)


# --------------------------------------------------------------------------------------------
# gradient descent
# --------------------------------------------------------------------------------------------


def test_gd_small_step_decreases_residual():
    W, a, X, y = _problem(n=6, d=5, m=64)
    tr = tl.gd_trajectory(W, a, X, y, eta=0.1, steps=200, track_lambda=True)
    S = W.shape[0]
    assert tr.residual_sq.shape == (S, 201) and tr.time.shape == (201,)
    assert tr.lambda_min_h is not None and tr.lambda_min_h.shape == (S, 201)
    assert not bool(tr.diverged.any())
    # η = 0.1 ≪ 2/λ_max(H) (λ_max ≤ tr H ≤ n/2 = 3): the loss goes down at every step
    # (up to 1e-12 relative slack for rounding near convergence)
    rs = tr.residual_sq
    assert bool((rs[:, 1:] <= rs[:, :-1] * (1 + 1e-12)).all())
    assert bool((rs[:, -1] < 0.05 * rs[:, 0]).all()), rs[:, [0, -1]]
    # residual_sq at k=0 is the residual of the initial network
    torch.testing.assert_close(rs[:, 0], 2 * tl.loss(W, a, X, y), rtol=1e-13, atol=0)
    assert torch.equal(tr.max_dist[:, 0], torch.zeros(S, dtype=F64))
    assert torch.equal(tr.flips[:, 0], torch.zeros(S, dtype=F64))
    assert bool((tr.flips >= 0).all() and (tr.flips <= 1).all())
    torch.testing.assert_close(tr.lambda_min_h[:, 0], tl.lambda_min(tl.gram_w(W, X)), rtol=0, atol=1e-14)
    # the final parameters are those after the last update
    torch.testing.assert_close(rs[:, -1], ((tl.predict(tr.W, tr.a, X) - y) ** 2).sum(-1), rtol=1e-12, atol=0)
    torch.testing.assert_close(tr.max_dist[:, -1], (tr.W - W).norm(dim=-1).amax(-1), rtol=1e-14, atol=0)
    assert torch.equal(tr.a, a), "a is fixed unless train_a"


def test_gd_conflicting_duplicate_labels_keep_residual_away_from_zero():
    W, a, X, y = _problem(n=5, d=4, m=64)
    X = tl.duplicate_row(X, src=0, dst=1)
    y = y.clone()
    y[0], y[1] = 1.0, -1.0
    tr = tl.gd_trajectory(W, a, X, y, eta=0.2, steps=300, train_a=True)
    # u_0 = u_1 always, so ‖y − u‖² ≥ (1 − u)² + (−1 − u)² ≥ 2 for any u: exact, 1e-12 for rounding
    assert bool((tr.residual_sq >= 2 - 1e-12).all())
    # and GD does approach that floor (the other 3 labels can be fit): within 0.1 of it
    assert bool((tr.residual_sq[:, -1] < 2.1).all()), tr.residual_sq[:, -1]


def test_gd_huge_step_marks_divergence_without_nan_or_exception():
    W, a, X, y = _problem(n=6, d=5, m=16)
    tr = tl.gd_trajectory(W, a, X, y, eta=1e8, steps=40, train_a=True)
    assert bool(tr.diverged.all())
    assert not bool(torch.isnan(tr.residual_sq).any())
    assert bool(torch.isinf(tr.residual_sq[:, -1]).all())
    # once +inf, always +inf
    first = torch.isinf(tr.residual_sq).to(torch.int8).argmax(-1)
    for s in range(W.shape[0]):
        assert bool(torch.isinf(tr.residual_sq[s, first[s]:]).all())
    # frozen parameters stay finite, and so do the other records
    assert bool(torch.isfinite(tr.W).all() and torch.isfinite(tr.a).all())
    assert bool(torch.isfinite(tr.max_dist).all() and torch.isfinite(tr.flips).all())
    # with no threshold only overflow to inf/NaN detects divergence: still no NaN, no exception
    tr_inf = tl.gd_trajectory(W, a, X, y, eta=1e8, steps=60, train_a=True, divergence_threshold=math.inf)
    assert bool(tr_inf.diverged.all()) and not bool(torch.isnan(tr_inf.residual_sq).any())
    assert bool(torch.isfinite(tr_inf.W).all())
    # a non-finite step size is invalid input, not divergence: rejected up front
    with pytest.raises(ValueError, match="eta=inf"):
        tl.gd_trajectory(W, a, X, y, eta=math.inf, steps=1)


def test_flow_unstable_step_marks_divergence_without_nan():
    W, a, X, y = _problem(n=6, d=5, m=16)
    # RK4 with h = 2e5 is far outside its stability region: the state overflows
    tr = tl.flow_trajectory(W, a, X, y, t_end=1e6, steps=5, train_a=True, divergence_threshold=math.inf)
    assert bool(tr.diverged.all())
    assert not bool(torch.isnan(tr.residual_sq).any())
    assert bool(torch.isinf(tr.residual_sq[:, -1]).all())
    assert bool(torch.isfinite(tr.W).all() and torch.isfinite(tr.a).all())


def test_gd_divergence_threshold_freezes_immediately():
    W, a, X, y = _problem()
    tr = tl.gd_trajectory(W, a, X, y, eta=0.1, steps=5, divergence_threshold=1e-30)
    assert bool(tr.diverged.all())
    assert bool(torch.isinf(tr.residual_sq).all())
    assert torch.equal(tr.W, W)


def test_gd_per_seed_step_sizes():
    W, a, X, y = _problem(n=6, d=5, m=16, seeds=(1, 2, 3))
    eta = torch.tensor([0.0, 0.05, 1e8], dtype=F64)
    tr = tl.gd_trajectory(W, a, X, y, eta=eta, steps=30)
    # η = 0: nothing moves, the residual is constant (bit-identical)
    assert torch.equal(tr.W[0], W[0])
    assert bool((tr.residual_sq[0] == tr.residual_sq[0, 0]).all())
    # η = 0.05 converges, η = 1e8 diverges, independently in the same batch
    assert tr.diverged.tolist() == [False, False, True]
    assert tr.residual_sq[1, -1] < tr.residual_sq[1, 0]
    # seed 1 equals its own scalar-η run (same arithmetic; 1e-13 for batched matmul order)
    solo = tl.gd_trajectory(W[1:2], a[1:2], X, y, eta=0.05, steps=30)
    torch.testing.assert_close(tr.residual_sq[1], solo.residual_sq[0], rtol=1e-13, atol=0)


# --------------------------------------------------------------------------------------------
# gradient flow
# --------------------------------------------------------------------------------------------


def _wide_margin_problem(train_a: bool):
    """A 16-neuron net whose neurons all have |w_rᵀx_i| > 0.5, so no pattern flips over the short
    horizons used below (checked): the vector field is then smooth (polynomial in W, a) and RK4's
    fourth order is observable."""
    n, d, m = 4, 3, 16
    g = _gen(0)
    X = tl.sphere_inputs(n, d, generator=g)
    y = tl.bounded_labels(n, generator=g)
    Wb, ab = tl.init_weights(400, d, [7])
    keep = torch.nonzero(tl.preactivations(Wb, X).abs().amin(-2)[0] > 0.5).flatten()[:m]
    assert keep.numel() == m
    return Wb[:, keep], ab[:, keep], X, y


@pytest.mark.parametrize(("train_a", "t_end"), [(False, 0.5), (True, 0.2)])
def test_flow_rk4_is_fourth_order(train_a, t_end):
    W, a, X, y = _wide_margin_problem(train_a)
    finals = []
    for steps in (8, 16, 32):
        tr = tl.flow_trajectory(W, a, X, y, t_end=t_end, steps=steps, train_a=train_a)
        assert torch.equal(tr.flips, torch.zeros_like(tr.flips)), "premise: no pattern flips"
        torch.testing.assert_close(tr.time[-1], torch.tensor(t_end, dtype=F64), rtol=1e-15, atol=0)
        finals.append(tr.residual_sq[0, -1].item())
    d1, d2 = abs(finals[0] - finals[1]), abs(finals[1] - finals[2])
    # global error O(h⁴): halving h divides the change by ≈ 16. Measured ≈ 16.5–17.5 at these
    # steps (16.6 and 16.9: higher-order terms); accept [12, 20]. d2 ~ 1e-9 ≫ rounding (1e-15),
    # so the ratio is real. Euler (order 1) would give ≈ 2, a second-order method ≈ 4.
    assert d2 > 1e-12, (d1, d2)
    assert 12.0 < d1 / d2 < 20.0, (d1, d2, d1 / d2)


def test_flow_decreases_residual_and_tracks_lambda():
    W, a, X, y = _problem(n=6, d=5, m=64)
    tr = tl.flow_trajectory(W, a, X, y, t_end=5.0, steps=50, track_lambda=True)
    assert tr.residual_sq.shape == (3, 51) and tr.lambda_min_h is not None
    torch.testing.assert_close(tr.time, torch.linspace(0, 5, 51, dtype=F64), rtol=0, atol=1e-14)
    # gradient flow never increases the loss (1e-12 relative slack for RK4 and rounding at h = 0.1)
    rs = tr.residual_sq
    assert bool((rs[:, 1:] <= rs[:, :-1] * (1 + 1e-12)).all())
    assert bool((rs[:, -1] < 0.1 * rs[:, 0]).all())
    assert not bool(tr.diverged.any())


def test_flow_records_the_least_active_share():
    W, a, X, y = _problem(n=6, d=5, m=16)
    tr = tl.flow_trajectory(W, a, X, y, t_end=2.0, steps=20)
    assert tr.min_active_share is not None and tr.min_active_share.shape == (3, 21)
    # min_i P_ii(W) = the diagonal of the pattern overlap, recomputed from the final weights by definition
    Z = tl.preactivations(tr.W, X)
    share_end = ((Z >= 0).to(F64).mean(-1)).amin(-1)
    torch.testing.assert_close(tr.min_active_share[:, -1], share_end, rtol=0, atol=0)
    share_0 = ((tl.preactivations(W, X) >= 0).to(F64).mean(-1)).amin(-1)
    torch.testing.assert_close(tr.min_active_share[:, 0], share_0, rtol=0, atol=0)


@pytest.mark.parametrize("train_a", [False, True])
def test_output_velocity_equals_gram_times_residual(train_a):
    W, a, X, y = _problem(n=7, d=5, m=12)
    v = tl.output_velocity(W, a, X, y, train_a=train_a)
    r = y - tl.predict(W, a, X)
    M = tl.gram_w(W, X) + (tl.gram_a(W, X) if train_a else 0.0)
    # du/dt = H(y − u) (Du et al. 2019, Sec. 3) and (H + G)(y − u) (Thm 3.3): an algebraic
    # identity, so only rounding separates the two sides: 1e-10 relative
    torch.testing.assert_close(v, torch.einsum("sij,sj->si", M, r), rtol=1e-10, atol=1e-12)


def test_output_velocity_matches_finite_difference_of_flow():
    W, a, X, y = _problem(n=5, d=4, m=20)
    h = 1e-4
    for train_a in (False, True):
        tr = tl.flow_trajectory(W, a, X, y, t_end=h, steps=1, train_a=train_a)
        du = (tl.predict(tr.W, tr.a, X) - tl.predict(W, a, X)) / h
        # forward difference: error O(h · ‖d²u/dt²‖) ~ 1e-4 × O(10), no flips at this tiny h
        torch.testing.assert_close(du, tl.output_velocity(W, a, X, y, train_a=train_a), rtol=0, atol=5e-3)


# --------------------------------------------------------------------------------------------
# batching and devices
# --------------------------------------------------------------------------------------------


def test_batched_seeds_equal_one_seed_at_a_time():
    n, d, m = 6, 4, 24
    g = _gen(61)
    X = tl.sphere_inputs(n, d, generator=g)
    y = tl.bounded_labels(n, generator=g)
    seeds = [101, 202]
    W, a = tl.init_weights(m, d, seeds)
    both_gd = tl.gd_trajectory(W, a, X, y, eta=0.1, steps=20, train_a=True, track_lambda=True)
    both_fl = tl.flow_trajectory(W, a, X, y, t_end=1.0, steps=10, track_lambda=True)
    cert = tl.flip_certificate(W, X, radius=0.3)
    for s, seed in enumerate(seeds):
        W1, a1 = tl.init_weights(m, d, [seed])
        assert torch.equal(W1[0], W[s]) and torch.equal(a1[0], a[s])
        one_gd = tl.gd_trajectory(W1, a1, X, y, eta=0.1, steps=20, train_a=True, track_lambda=True)
        one_fl = tl.flow_trajectory(W1, a1, X, y, t_end=1.0, steps=10, track_lambda=True)
        # batched matmuls may sum in another order: 1e-12 relative over 20 steps is ample
        for both, one in ((both_gd, one_gd), (both_fl, one_fl)):
            for name in ("residual_sq", "max_dist", "lambda_min_h", "flips", "W", "a"):
                torch.testing.assert_close(getattr(both, name)[s], getattr(one, name)[0], rtol=1e-12, atol=1e-14)
        torch.testing.assert_close(cert[s], tl.flip_certificate(W1, X, radius=0.3)[0], rtol=1e-14, atol=0)
        torch.testing.assert_close(tl.gram_w(W, X)[s], tl.gram_w(W1, X)[0], rtol=0, atol=1e-15)


def test_per_seed_inputs_equal_shared_inputs_when_identical():
    W, a, X, y = _problem()
    S = W.shape[0]
    Xb, yb = X.expand(S, *X.shape).clone(), y.expand(S, -1).clone()
    # identical data, batched vs broadcast matmul: equal up to summation order (1e-15 on O(1))
    torch.testing.assert_close(tl.predict(W, a, Xb), tl.predict(W, a, X), rtol=0, atol=1e-15)
    torch.testing.assert_close(tl.grad_w(W, a, Xb, yb), tl.grad_w(W, a, X, y), rtol=1e-13, atol=1e-15)
    torch.testing.assert_close(tl.gram_w(W, Xb), tl.gram_w(W, X), rtol=0, atol=1e-15)
    torch.testing.assert_close(tl.flip_certificate(W, Xb, radius=0.2), tl.flip_certificate(W, X, radius=0.2), rtol=1e-14, atol=0)


def test_float32_dtype_is_respected():
    g = _gen(0)
    X = tl.sphere_inputs(4, 3, generator=g, dtype=torch.float32)
    y = tl.bounded_labels(4, generator=g, dtype=torch.float32)
    W, a = tl.init_weights(8, 3, [0], dtype=torch.float32)
    tr = tl.gd_trajectory(W, a, X, y, eta=0.1, steps=3, track_lambda=True)
    assert tr.residual_sq.dtype == torch.float32 and tr.W.dtype == torch.float32
    assert tl.gram_infinity_monte_carlo(X, samples=100, generator=g)[0].dtype == torch.float32


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu():
    dev = "cuda"
    gc, gg = _gen(71), _gen(71)
    Xc = tl.sphere_inputs(6, 4, generator=gc)
    Xg = tl.sphere_inputs(6, 4, generator=gg, device=dev)
    yc = tl.bounded_labels(6, generator=gc)
    yg = tl.bounded_labels(6, generator=gg, device=dev)
    Wc, ac = tl.init_weights(32, 4, [1, 2])
    Wg, ag = tl.init_weights(32, 4, [1, 2], device=dev)
    # draws come from CPU generators on both paths: bit-identical
    assert torch.equal(Xg.cpu(), Xc) and torch.equal(yg.cpu(), yc)
    assert torch.equal(Wg.cpu(), Wc) and torch.equal(ag.cpu(), ac)
    eta = torch.tensor([0.1, 1e8], dtype=F64)
    tc = tl.gd_trajectory(Wc, ac, Xc, yc, eta=eta, steps=20, track_lambda=True)
    tg = tl.gd_trajectory(Wg, ag, Xg, yg, eta=eta.to(dev), steps=20, track_lambda=True)
    assert tg.residual_sq.device.type == "cuda"
    # different BLAS kernels: agreement to 1e-10 relative in float64 over 20 steps
    for name in ("residual_sq", "max_dist", "lambda_min_h", "flips", "W"):
        torch.testing.assert_close(getattr(tg, name).cpu(), getattr(tc, name), rtol=1e-10, atol=1e-12)
    assert torch.equal(tg.diverged.cpu(), tc.diverged)
    ec, sc = tl.gram_infinity_monte_carlo(Xc, samples=5000, generator=_gen(3))
    eg, sg = tl.gram_infinity_monte_carlo(Xg, samples=5000, generator=_gen(3))
    torch.testing.assert_close(eg.cpu(), ec, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("batched_inputs", [False, True])
def test_fast_gd_equals_the_reference_trajectory(batched_inputs: bool) -> None:
    """gd_trajectory_fast (buffers, fused update) follows gd_trajectory to 1e-10 in float64."""
    g = torch.Generator().manual_seed(3)
    S, n, d, m, steps = 4, 12, 5, 96, 40
    X = tl.sphere_inputs(n, d, generator=g)
    if batched_inputs:
        X = torch.stack([tl.sphere_inputs(n, d, generator=g) for _ in range(S)])
    y = tl.bounded_labels(n, generator=g)
    W, a = tl.init_weights(m, d, list(range(S)))
    eta = torch.tensor([0.05, 0.2, 0.4, 0.6], dtype=torch.float64)  # one step size per seed
    ref = tl.gd_trajectory(W, a, X, y, eta=eta, steps=steps)
    fast = tl.gd_trajectory_fast(W, a, X, y, eta=eta, steps=steps)
    for name in ("residual_sq", "max_dist", "flips", "W", "a"):
        assert torch.allclose(getattr(fast, name), getattr(ref, name), rtol=0, atol=1e-10), name
    assert torch.equal(fast.diverged, ref.diverged) and fast.lambda_min_h is None
    assert float(fast.flips[:, -1].max()) > 0  # patterns did flip: the record is exercised


@pytest.mark.parametrize("threshold", [1e6, 1e300, math.inf])
def test_fast_gd_handles_divergence_like_the_reference(threshold: float) -> None:
    """Also past the point where row norms overflow while entries are still finite (threshold ≥ 1e300)."""
    g = torch.Generator().manual_seed(4)
    X = tl.sphere_inputs(6, 3, generator=g)
    y = tl.bounded_labels(6, generator=g)
    W, a = tl.init_weights(32, 3, [0, 1, 2])
    eta = torch.tensor([0.1, 1e3, 1e6], dtype=torch.float64)  # the last two seeds blow up
    ref = tl.gd_trajectory(W, a, X, y, eta=eta, steps=60, divergence_threshold=threshold)
    fast = tl.gd_trajectory_fast(W, a, X, y, eta=eta, steps=60, divergence_threshold=threshold)
    assert fast.diverged.tolist() == ref.diverged.tolist() == [False, True, True]
    assert torch.equal(torch.isinf(fast.residual_sq), torch.isinf(ref.residual_sq))
    finite = torch.isfinite(ref.residual_sq)
    assert torch.allclose(fast.residual_sq[finite], ref.residual_sq[finite], rtol=1e-12, atol=1e-10)
    assert torch.equal(fast.W, ref.W) or torch.allclose(fast.W, ref.W, rtol=1e-12, atol=1e-10)
    assert torch.allclose(fast.max_dist, ref.max_dist, rtol=1e-12, atol=1e-10, equal_nan=True)
    assert torch.equal(fast.flips, ref.flips)
    assert torch.isfinite(fast.W).all()


def test_trajectories_record_the_output_weights_movement_and_the_radius_factors() -> None:
    """max_r |a_r − a_r(0)|, max_r ‖w_r‖ and max_r |a_r| per record (Du et al. 2019, Thm 3.3's distance bounds)."""
    g = torch.Generator().manual_seed(3)
    X = tl.sphere_inputs(4, 3, generator=g, dtype=torch.float64)
    y = tl.bounded_labels(4, generator=g, dtype=torch.float64)
    W0, a0 = tl.init_weights(16, 3, [0, 1], dtype=torch.float64)
    for run in (lambda **kw: tl.gd_trajectory(W0, a0, X, y, eta=0.5, steps=6, **kw),
                lambda **kw: tl.flow_trajectory(W0, a0, X, y, t_end=1.0, steps=6, **kw)):
        fixed = run(train_a=False)
        assert torch.equal(fixed.max_a_dist, torch.zeros_like(fixed.max_a_dist))
        both = run(train_a=True)
        assert torch.allclose(both.max_a_dist[:, -1], (both.a - a0).abs().amax(-1))
        assert both.max_a_dist[:, -1].min() > 0
        assert torch.allclose(both.max_w_norm[:, -1], torch.linalg.vector_norm(both.W, dim=-1).amax(-1))
        assert torch.allclose(both.max_a_abs[:, 0], a0.abs().amax(-1))


def test_init_gram_in_seed_chunks_equals_the_gram_of_the_whole_init() -> None:
    X = tl.sphere_inputs(5, 3, generator=torch.Generator().manual_seed(1))
    seeds = [3, 1, 4, 1, 5, 9, 2]
    whole = tl.gram_w(tl.init_weights(64, 3, seeds)[0], X)
    for max_elements in (1, 64 * 8 * 2, 10**9):  # one seed per chunk, two, all at once
        torch.testing.assert_close(tl.init_gram(64, 3, seeds, X, max_elements=max_elements), whole, rtol=0, atol=0)


# --------------------------------------------------------------------------------------------
# issue 16 (h16a): Lemma 4.1's flippable patterns, the a²-weighted Gram, the both-layer kernel record
# --------------------------------------------------------------------------------------------


def test_flippable_patterns_matches_brute_force_ball_moves():
    """Independent reference: (i, r) can flip iff moving w_r(0) by R along −sign(w_r(0)ᵀx_i)·x_i (the move that changes
    w_rᵀx_i most) crosses 0; counted pair by pair in a Python loop, against the vectorized count."""
    n, d, m = 5, 3, 40
    X = tl.sphere_inputs(n, d, generator=_gen(51))
    W0, _ = tl.init_weights(m, d, [5, 6, 7])
    for R in (0.0, 0.05, 0.3, 2.0):
        got = tl.flippable_patterns(W0, X, radius=R)
        for s in range(W0.shape[0]):
            want = 0
            for i in range(n):
                for r in range(m):
                    z0 = float(W0[s, r] @ X[i])
                    # the farthest the ball reaches toward the other side: z0 − R·sign(z0) (‖x_i‖ = 1)
                    z_far = z0 - R * (1.0 if z0 >= 0 else -1.0)
                    # (ties |z0| = R exactly, where strict and non-strict differ, have probability 0)
                    want += int((z0 >= 0) != (z_far >= 0))
            assert float(got[s]) == want, (R, s, float(got[s]), want)
    # R = 0: only exact zeros (probability 0); R huge: every pair
    assert float(tl.flippable_patterns(W0, X, radius=0.0).sum()) == 0.0
    assert bool((tl.flippable_patterns(W0, X, radius=1e6) == n * m).all())
    with pytest.raises(ValueError):
        tl.flippable_patterns(W0, X, radius=-1.0)


def test_flippable_patterns_mean_matches_gaussian_probability():
    """E Σ_i |S_i^⊥| = mn·P(|N(0, 1)| ≤ R) = mn·erf(R/√2) for unit x_i (w_r(0) ~ N(0, I)); 400 seeds × mn = 4000 pairs
    per seed: the standard error of the mean count is ≈ √(mn·p(1 − p)/400) ≈ 1.1 at p ≈ 0.08; 5 standard errors."""
    n, d, m, R = 10, 6, 400, 0.1
    X = tl.sphere_inputs(n, d, generator=_gen(52))
    W0, _ = tl.init_weights(m, d, list(range(400)))
    c = tl.flippable_patterns(W0, X, radius=R)
    p = math.erf(R / math.sqrt(2))
    se = math.sqrt(m * n * p * (1 - p) / 400) * 1.5  # pairs sharing a seed are correlated through x_i: 1.5× slack
    assert abs(float(c.mean()) - m * n * p) <= 5 * se, (float(c.mean()), m * n * p)


def _jacobians(W, a, X):
    """Per-seed Jacobians of u = m^{-1/2} Σ_r a_r relu(w_rᵀx_i) w.r.t. W and a, by autograd (independent of tl)."""
    S, m, d = W.shape
    Jw, Ja = [], []
    for s in range(S):
        def u_of(w_flat, a_s):
            return (torch.relu(X @ w_flat.reshape(m, d).T) @ a_s) / math.sqrt(m)
        jw, ja = torch.autograd.functional.jacobian(u_of, (W[s].reshape(-1).clone(), a[s].clone()))
        Jw.append(jw)
        Ja.append(ja)
    return torch.stack(Jw), torch.stack(Ja)


def test_gram_w_weighted_is_the_jacobian_gram_and_reduces_to_gram_w():
    """H(W, a) = J_W J_Wᵀ (the W-part of du/dt = J J_ᵀ(y − u)) and G = J_a J_aᵀ, by autograd, at a off {±1}; equals
    gram_w when a ∈ {±1}. 1e-12: float64 round-off of sums of m·d products of O(1) terms."""
    W, a, X, _ = _problem(n=5, d=4, m=12)
    a_off = a * torch.linspace(0.3, 2.0, a.shape[-1], dtype=F64)  # |a_r| ≠ 1
    Jw, Ja = _jacobians(W, a_off, X)
    H_ref = Jw @ Jw.transpose(-1, -2)
    G_ref = Ja @ Ja.transpose(-1, -2)
    assert torch.allclose(tl.gram_w_weighted(W, a_off, X), H_ref, rtol=0, atol=1e-12)
    assert torch.allclose(tl.gram_a(W, X), G_ref, rtol=0, atol=1e-12)
    assert torch.allclose(tl.gram_w_weighted(W, a, X), tl.gram_w(W, X), rtol=0, atol=1e-14)


def test_flow_track_kernel_records_rate_and_gram_eigenvalues():
    """At t = 0 the recorded d‖y − u‖²/dt equals −2‖∇_θ L‖² (θ = W, a; autograd), λ_min(H) equals that of gram_w and
    λ_min(G) that of gram_a; along the run λ_min(G) ≥ −1e-12 (G ⪰ 0; 1e-12 covers eigvalsh round-off)."""
    W, a, X, y = _problem(n=5, d=4, m=16)
    tr = tl.flow_trajectory(W, a, X, y, t_end=0.5, steps=20, train_a=True, track_kernel=True)
    assert tr.residual_rate is not None and tr.lambda_min_g is not None and tr.lambda_min_h is not None
    Wg, ag = W.clone().requires_grad_(True), a.clone().requires_grad_(True)
    u = torch.einsum("snm,sm->sn", torch.relu(torch.einsum("nd,smd->snm", X, Wg)), ag) / math.sqrt(W.shape[1])
    L = 0.5 * ((u - y) ** 2).sum()
    gw, ga = torch.autograd.grad(L, (Wg, ag))
    ref = -2.0 * (gw.pow(2).sum((-2, -1)) + ga.pow(2).sum(-1))
    # 1e-10 relative: float64 round-off of two routes through m·n·d products
    assert torch.allclose(tr.residual_rate[:, 0], ref, rtol=1e-10, atol=0)
    assert torch.allclose(tr.lambda_min_h[:, 0], tl.lambda_min(tl.gram_w(W, X)), rtol=0, atol=1e-12)
    assert torch.allclose(tr.lambda_min_g[:, 0], tl.lambda_min(tl.gram_a(W, X)), rtol=0, atol=1e-12)
    assert bool((tr.lambda_min_g >= -1e-12).all())
    # the flow decreases the loss: the recorded rate is ≤ 0 at every grid point
    assert bool((tr.residual_rate <= 0).all())
    with pytest.raises(ValueError):
        tl.flow_trajectory(W, a, X, y, t_end=0.5, steps=2, train_a=False, track_kernel=True)
