"""Unit tests for impl.homogeneous (Poggio, Banburski, Liao 2020; Soudry et al. 2018; Lyu & Li 2020).

Every tolerance states its value and its reason. float64 throughout.
"""

from __future__ import annotations

import math

import pytest
import torch

from lemmata.impl import homogeneous as hm

pytestmark = pytest.mark.unit

F64 = torch.float64
DIMS = [(4, 1), (4, 6, 1), (4, 5, 3, 1)]


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _data(seed: int = 0, n: int = 10, d: int = 4):
    X, y, _ = hm.separable_data(n, d, margin=0.2, generator=_gen(seed))
    return X, y


def _autograd_loss_grads(Ws, X, y, loss="exp", biases=None):
    Wr = tuple(w.clone().requires_grad_(True) for w in Ws)
    hm.loss(Wr, X, y, loss=loss, biases=biases).sum().backward()
    return tuple(w.grad for w in Wr)


# --------------------------------------------------------------------------------------------
# model, gradients, homogeneity
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("loss", ["exp", "logistic"])
@pytest.mark.parametrize("with_bias", [False, True])
def test_hand_written_grads_match_autograd(dims, loss, with_bias):
    X, y = _data()
    Ws = hm.init_params(dims, [1, 2, 3])
    biases = tuple(0.3 * torch.randn(3, m, generator=_gen(7), dtype=F64) for m in dims[1:-1]) if with_bias else None
    if with_bias and len(dims) == 2:
        biases = ()
    G = hm.grads(Ws, X, y, loss=loss, biases=biases)
    # same sums in a different order: a few ulps of O(1) entries
    for g, a in zip(G, _autograd_loss_grads(Ws, X, y, loss, biases)):
        torch.testing.assert_close(g, a, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("loss", ["exp", "logistic"])
def test_linear_activation_grads_match_autograd_and_product(dims, loss):
    X, y = _data()
    Ws = hm.init_params(dims, [1, 2, 3])
    # the linear network is the product of its layers: f(x) = W_K ⋯ W_1 x (an independent forward)
    P = Ws[0]
    for W in Ws[1:]:
        P = W @ P
    # the same products associated differently: a few ulps of O(1) entries
    torch.testing.assert_close(hm.forward(Ws, X, activation="linear"), (P @ X.T).squeeze(-2), rtol=1e-12, atol=1e-14)
    Wr = tuple(w.clone().requires_grad_(True) for w in Ws)
    hm.loss(Wr, X, y, loss=loss, activation="linear").sum().backward()
    # same sums in a different order: a few ulps of O(1) entries
    for g, w in zip(hm.grads(Ws, X, y, loss=loss, activation="linear"), Wr):
        torch.testing.assert_close(g, w.grad, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="activation="):
        hm.grads(Ws, X, y, activation="tanh")  # type: ignore[arg-type]


@pytest.mark.parametrize("dims", DIMS)
def test_output_grads_match_autograd_and_euler(dims):
    X, y = _data(n=5)
    Ws = hm.init_params(dims, [4, 5])
    per = hm.output_grads(Ws, X)  # (S, n, m_k, m_{k-1})
    f = hm.forward(Ws, X)
    for s in range(2):
        for i in range(X.shape[0]):
            Wr = tuple(w[s:s + 1].clone().requires_grad_(True) for w in Ws)
            hm.forward(Wr, X[i:i + 1]).sum().backward()
            for k in range(len(Ws)):
                torch.testing.assert_close(per[k][s, i], Wr[k].grad[0], rtol=1e-12, atol=1e-14)
    # Euler: ⟨W_k, ∂f/∂W_k⟩ = f for every layer (round-off of O(1) sums)
    for k, W in enumerate(Ws):
        torch.testing.assert_close((per[k] * W.unsqueeze(1)).sum((-1, -2)), f, rtol=1e-12, atol=1e-13)


def test_homogeneity_degree_K():
    X, _ = _data()
    for dims in DIMS:
        Ws = hm.init_params(dims, [0])
        K = len(dims) - 1
        torch.testing.assert_close(hm.forward(hm.scale_params(Ws, 1.7), X), 1.7**K * hm.forward(Ws, X), rtol=1e-13, atol=0)


def test_layer_norms_stack_roundtrip():
    Ws = hm.init_params((3, 4, 2, 1), [0, 1])
    theta = hm.stack_params(Ws)
    back = hm.unstack_params(theta, (3, 4, 2, 1))
    for a, b in zip(Ws, back):
        assert torch.equal(a, b)
    assert torch.allclose(hm.param_norm(Ws), theta.norm(dim=1), rtol=1e-14)
    assert torch.allclose(hm.layer_norms(Ws)[:, 0], Ws[0].flatten(1).norm(dim=1), rtol=1e-14)


def test_log_loss_is_stable():
    X, y = _data()
    Ws = hm.init_params((4, 6, 1), [0, 1])
    for loss in ("exp", "logistic"):
        torch.testing.assert_close(hm.log_loss(Ws, X, y, loss=loss), torch.log(hm.loss(Ws, X, y, loss=loss)),
                                   rtol=1e-12, atol=1e-13)
    w_hat, _ = hm.svm(X, y)
    big = (2000.0 * w_hat.reshape(1, 1, -1),)  # margins ≥ 2000: L underflows to 0
    assert hm.loss(big, X, y)[0] == 0
    ll = hm.log_loss(big, X, y)
    assert torch.isfinite(ll).all() and float(ll) < -1900


# --------------------------------------------------------------------------------------------
# normalized dynamics and the smoothed margin
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("loss", ["exp", "logistic"])
def test_normalized_dynamics_paper_equals_chain_rule(dims, loss):
    X, y = _data()
    Ws = hm.init_params(dims, [1, 2, 3], scale=1.3)
    nd = hm.normalized_dynamics(Ws, X, y, loss=loss)
    for a, b in zip(nd["vdot_paper"], nd["vdot_chain"]):
        torch.testing.assert_close(a, b, rtol=1e-11, atol=1e-13)
    torch.testing.assert_close(nd["rhodot_paper"], nd["rhodot_chain"], rtol=1e-11, atol=1e-13)
    assert nd["v_inner"].abs().max() < 1e-13  # round-off of O(1) sums


def test_normalized_dynamics_breaks_with_biases():
    X, y = _data()
    Ws = hm.init_params((4, 6, 1), [1, 2])
    biases = (0.5 * torch.ones(2, 6, dtype=F64),)
    nd = hm.normalized_dynamics(Ws, X, y, biases=biases)
    assert nd["v_inner"].abs().max() > 1e-3  # homogeneity is what makes ⟨V_k, V̇_k⟩ vanish


@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("loss", ["exp", "logistic"])
def test_smoothed_margin_ratio_is_the_flow_derivative(dims, loss):
    """dγ̃/dt by autograd along −∇L equals A(1 − B/A) with A = g′(log 1/L)‖∇L‖²/(L‖θ‖^K)."""
    X, y = _data()
    K = len(dims) - 1
    w_hat, _ = hm.svm(X, y)
    Ws = hm.init_params(dims, [3, 4], scale=1.0)
    if K == 1:
        Ws = (Ws[0] + 3.0 * w_hat.reshape(1, 1, -1),)  # a separating state (L < ℓ(0))
    ratio = hm.smoothed_margin_ratio(Ws, X, y, loss=loss)
    G = hm.grads(Ws, X, y, loss=loss)
    Wr = tuple(w.clone().requires_grad_(True) for w in Ws)
    hm.smoothed_margin(Wr, X, y, loss=loss).sum().backward()
    dgamma = -sum((a.grad * g).flatten(1).sum(1) for a, g in zip(Wr, G))
    L = hm.loss(Ws, X, y, loss=loss)
    g2 = sum((g * g).flatten(1).sum(1) for g in G)
    gp = torch.ones_like(L) if loss == "exp" else L * torch.exp(L) / torch.expm1(L)
    A = gp * g2 / (L * hm.param_norm(Ws) ** K)
    # two routes to the same derivative of O(1) quantities; round-off ≲ 1e-13
    torch.testing.assert_close(dgamma, A * (1 - ratio), rtol=1e-9, atol=1e-12)


def test_smoothed_margin_monotone_where_loss_below_one_and_not_above():
    """Lyu & Li's inequality at random states: B/A ≤ 1 whenever L < 1; violated at some states with L ≥ 1."""
    X, y = _data(n=8, d=3)
    Ws = hm.init_params((3, 6, 1), list(range(64)))
    Ws = hm.scale_params(Ws, torch.exp(torch.linspace(-2.0, 3.0, 64, dtype=F64)))
    flipped = (Ws[0], -Ws[1])
    for W in (Ws, flipped):
        r = hm.smoothed_margin_ratio(W, X, y)
        low = hm.loss(W, X, y) < 1
        assert (r[low] <= 1 + 1e-12).all()
    r = hm.smoothed_margin_ratio(flipped, X, y)
    assert (r[hm.loss(flipped, X, y) >= 1] > 1).any()


def test_raw_margin_and_smoothed_margin_agree_asymptotically():
    X, y = _data()
    w_hat, _ = hm.svm(X, y)
    Ws = (100.0 * w_hat.reshape(1, 1, -1),)
    # at scale c: γ̃ = (c·γ − log #SV + o(1))/c → γ = 1/‖ŵ‖ from below
    gamma = 1 / float(w_hat.norm())
    assert float(hm.normalized_min_margin(Ws, X, y)) == pytest.approx(gamma, rel=1e-12)
    assert gamma - 0.1 < float(hm.smoothed_margin(Ws, X, y)) <= gamma


# --------------------------------------------------------------------------------------------
# SVM, NNLS, KKT residual (independent of the training code)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_svm_satisfies_kkt(seed):
    g = _gen(seed)
    n, d = int(torch.randint(2, 15, (1,), generator=g)), int(torch.randint(2, 7, (1,), generator=g))
    X, y, u = hm.separable_data(n, d, margin=0.15, generator=g)
    w, alpha = hm.svm(X, y)
    m = y * (X @ w)
    assert (m >= 1 - 1e-10).all()  # primal feasibility
    assert (alpha >= 0).all()  # dual feasibility
    assert (alpha * (m - 1)).abs().max() < 1e-10  # complementary slackness
    torch.testing.assert_close(w, (alpha * y) @ X, rtol=1e-10, atol=1e-12)  # stationarity
    # optimality against the planted separator: ŵ has the largest margin of all unit directions
    assert 1 / float(w.norm()) >= float((y * (X @ u)).min()) - 1e-12


@pytest.mark.parametrize("seed", range(6))
def test_svm_recovers_the_planted_solution(seed):
    g = _gen(100 + seed)
    n, d = 3 + seed, 2 + seed % 4
    k = 2 + seed % (min(n, d) - 1)
    X, y, w_planted, alpha_planted = hm.planted_svm_data(n, d, margin=0.3, support=k, gap=0.3, generator=g)
    assert torch.allclose(X.norm(dim=1), torch.ones(n, dtype=F64), atol=1e-14)
    w, alpha = hm.svm(X, y)
    # NNLS on a well-conditioned (d+1)×n problem: ~1e-13 relative
    torch.testing.assert_close(w, w_planted, rtol=1e-9, atol=1e-11)
    torch.testing.assert_close(alpha, alpha_planted, rtol=1e-8, atol=1e-10)
    margins = y * (X @ w_planted)
    assert (margins[:k] - 1).abs().max() < 1e-12 and (margins[k:] >= 1.3 - 1e-12).all()


def test_svm_rejects_non_separable_data():
    X = torch.tensor([[1.0, 0.0], [1.0, 0.0]], dtype=F64)
    y = torch.tensor([1.0, -1.0], dtype=F64)
    with pytest.raises(ValueError, match="not linearly separable"):
        hm.svm(X, y)


@pytest.mark.parametrize("seed", range(5))
def test_nnls_optimality(seed):
    g = _gen(seed)
    A = torch.randn(3, 9, 6, generator=g, dtype=F64)
    b = torch.randn(3, 9, generator=g, dtype=F64)
    x = hm.nnls(A, b)
    assert (x >= 0).all()
    grad = torch.einsum("smn,sm->sn", A, torch.einsum("smn,sn->sm", A, x) - b)
    # KKT of NNLS: gradient ≥ 0 everywhere, = 0 on the support (round-off ~1e-14 of O(1) sums)
    assert (grad >= -1e-10).all()
    assert (grad[x > 0].abs() < 1e-10).all()


def test_kkt_residual_linear_case():
    X, y = _data(seed=3)
    w_hat, _ = hm.svm(X, y)
    at_svm = hm.kkt_residual((w_hat.reshape(1, 1, -1),), X, y)
    assert float(at_svm) < 1e-10
    scaled = hm.kkt_residual((7.0 * w_hat.reshape(1, 1, -1),), X, y)  # scale-free (θ/q_min^{1/K})
    assert float(scaled) < 1e-10
    off = hm.kkt_residual(((w_hat + 0.3 * w_hat.norm() * torch.tensor([1.0, -1.0, 0.5, 0.0], dtype=F64)).reshape(1, 1, -1),), X, y)
    assert float(off) > 1e-3
    not_separating = hm.kkt_residual((-w_hat.reshape(1, 1, -1),), X, y)
    assert math.isinf(float(not_separating))


def test_kkt_residual_network_scale_invariance_and_kinks():
    X, y = hm.teacher_data(8, 3, width=4, keep=0.8, generator=_gen(2))
    Ws = hm.init_params((3, 5, 1), [1, 2, 3], scale=1.0)
    # make the net separate: train a little with the loss-based schedule
    tr = hm.gd_trajectory(Ws, X, y, eta=0.5, steps=200, record=[200], schedule="loss")
    W = tuple(p[:, -1] for p in tr.params)
    r1 = hm.kkt_residual(W, X, y)
    r2 = hm.kkt_residual(hm.scale_params(W, 3.0), X, y)
    ok = torch.isfinite(r1)
    assert ok.any()
    torch.testing.assert_close(r1[ok], r2[ok], rtol=1e-8, atol=1e-10)
    # adding Clarke columns can only lower the residual (a larger feasible set)
    r3 = hm.kkt_residual(W, X, y, kink_tol=0.5)
    assert (r3[ok] <= r1[ok] + 1e-10).all()


# --------------------------------------------------------------------------------------------
# optimizers and the flow integrator
# --------------------------------------------------------------------------------------------


def test_gd_trajectory_constant_matches_gd_step():
    X, y = _data()
    Ws = hm.init_params((4, 6, 1), [5, 6])
    tr = hm.gd_trajectory(Ws, X, y, eta=0.05, steps=5, loss="logistic")
    W = Ws
    for _ in range(5):
        W = hm.gd_step(W, X, y, eta=0.05, loss="logistic")
    for a, b in zip(W, tr.params):
        torch.testing.assert_close(b[:, -1], a, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(tr.time[:, -1], torch.full((2,), 0.25, dtype=F64), rtol=1e-14, atol=0)
    torch.testing.assert_close(tr.log_loss[:, 0], hm.log_loss(Ws, X, y, loss="logistic"), rtol=1e-13, atol=1e-14)


def test_gd_trajectory_loss_schedule():
    X, y = _data()
    Ws = hm.init_params((4, 6, 1), [5, 6])
    tr = hm.gd_trajectory(Ws, X, y, eta=0.3, steps=3, schedule="loss")
    W, clock = Ws, torch.zeros(2, dtype=F64)
    for _ in range(3):
        eta = hm.loss_schedule(hm.log_loss(W, X, y), eta=0.3, K=2)
        W = hm.gd_step(W, X, y, eta=eta)
        clock = clock + eta
    for a, b in zip(W, tr.params):
        torch.testing.assert_close(b[:, -1], a, rtol=1e-11, atol=1e-13)
    torch.testing.assert_close(tr.time[:, -1], clock, rtol=1e-12, atol=0)


def test_gd_divergence_is_recorded_not_raised():
    X, y = _data()
    Ws = hm.scale_params(hm.init_params((4, 1), [0, 1]), -50.0)  # badly misclassified: huge exp loss
    tr = hm.gd_trajectory(Ws, X, y, eta=1e6, steps=5)
    assert not torch.isnan(tr.log_loss).any()
    for p in tr.params:
        assert torch.isfinite(p).all()


def test_flow_trajectory_is_accurate_and_conserves_balancedness():
    X, y = _data(n=6, d=3)
    # linear model: compare against a much tighter solve
    W1 = hm.init_params((3, 1), [0, 1])
    times = [0.5, 3.0, 50.0]
    a = hm.flow_trajectory(W1, X, y, times=times, rtol=1e-8)
    b = hm.flow_trajectory(W1, X, y, times=times, rtol=1e-12, atol=1e-14)
    assert a.complete and b.complete
    torch.testing.assert_close(a.params[0], b.params[0], rtol=1e-6, atol=1e-8)  # rtol 1e-8 per step, ≤ 10² steps
    # a two-layer net: ρ_2² − ρ_1² stays put (exact under the flow). Its flow slides along a ReLU kink
    # here, so without a step floor the solver stalls; with one it passes (first order at the kink)
    W2 = hm.init_params((3, 4, 1), [2, 3])
    stalled = hm.flow_trajectory(W2, X, y, times=[0.0, 1.0], rtol=1e-10, atol=1e-12, max_steps=300)
    assert not stalled.complete
    tr = hm.flow_trajectory(W2, X, y, times=[0.0, 1.0], rtol=1e-10, atol=1e-12, max_steps=5000, min_step=1e-3)
    flat = tuple(p.reshape(-1, *p.shape[2:]) for p in tr.params)
    r2 = (hm.layer_norms(flat) ** 2).reshape(2, 2, 2)
    drift = (r2[:, 1, 1] - r2[:, 1, 0]) - (r2[:, 0, 1] - r2[:, 0, 0])
    # a forced step of size h drifts by ≈ h²·e^{2τ}‖∇L‖² (the GD identity): ≲ 700·1e-6·O(1) ≈ 1e-4 in all,
    # against ρ_k² = O(1)
    assert tr.complete and tr.forced > 0 and drift.abs().max() < 1e-3


def test_flow_matches_small_step_gd():
    X, y = _data(n=6, d=3)
    Ws = hm.init_params((3, 1), [4])
    T, steps = 1.0, 4000
    gd = hm.gd_trajectory(Ws, X, y, eta=T / steps, steps=steps, record=[steps])
    fl = hm.flow_trajectory(Ws, X, y, times=[T], rtol=1e-11, atol=1e-13)
    # Euler's global error is O(η): ≈ T·η·‖∇²L‖·‖∇L‖ ≲ 1e-3 here
    torch.testing.assert_close(gd.params[0][:, -1], fl.params[0][:, -1], rtol=0, atol=2e-3)


# --------------------------------------------------------------------------------------------
# data and validation
# --------------------------------------------------------------------------------------------


def test_separable_data_margin_and_norms():
    X, y, u = hm.separable_data(30, 5, margin=0.25, generator=_gen(9))
    assert torch.allclose(X.norm(dim=1), torch.ones(30, dtype=F64), atol=1e-14)
    q = y * (X @ u)
    assert q.min() >= 0.25 - 1e-14 and abs(float(q[0]) - 0.25) < 1e-14


def test_teacher_data_labels_and_confidence():
    for d in (2, 8, 16):  # the quantile threshold is feasible in any dimension
        X, y = hm.teacher_data(20, d, width=4, keep=0.4, generator=_gen(d))
        assert X.shape == (20, d) and set(y.tolist()) <= {-1.0, 1.0}
        assert torch.allclose(X.norm(dim=1), torch.ones(20, dtype=F64), atol=1e-14)
    with pytest.raises(ValueError, match="keep="):
        hm.teacher_data(20, 3, width=4, keep=1.5, generator=_gen(1))


def test_label_noise_flips_exactly_k():
    y = torch.ones(10, dtype=F64)
    z = hm.label_noise(y, flips=3, generator=_gen(0))
    assert int((z < 0).sum()) == 3 and int((y < 0).sum()) == 0


def test_validation_messages():
    X, y = _data()
    Ws = hm.init_params((4, 6, 1), [0])
    with pytest.raises(ValueError, match="X.shape"):
        hm.forward(Ws, X[:, :3])
    with pytest.raises(ValueError, match="y.shape"):
        hm.loss(Ws, X, y[:3])
    with pytest.raises(ValueError, match="loss="):
        hm.loss(Ws, X, y, loss="hinge")
    with pytest.raises(ValueError, match="last layer"):
        hm.dims_of((torch.zeros(1, 3, 4, dtype=F64),))
    with pytest.raises(ValueError, match="biases"):
        hm.forward(Ws, X, biases=(torch.zeros(1, 5, dtype=F64),))
    with pytest.raises(ValueError, match="times"):
        hm.flow_trajectory(Ws, X, y, times=[2.0, 1.0])
    with pytest.raises(ValueError, match="support"):
        hm.planted_svm_data(4, 3, margin=0.3, support=4, gap=0.1, generator=_gen(0))
    with pytest.raises(ValueError, match="schedule"):
        hm.gd_trajectory(Ws, X, y, eta=0.1, steps=1, schedule="cosine")  # type: ignore[arg-type]



# --------------------------------------------------------------------------------------------
# the constrained flow and the critical points on the sphere (issue 17)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("loss", ["exp", "logistic"])
def test_constrained_flow_is_the_projected_gradient_on_the_spheres(dims, loss):
    """Against finite differences of t ↦ L(ρ·retract(V + tU)) along a random tangent U: ⟨−V̇, U⟩ = dℒ/dt."""
    X, y = _data()
    Ws = hm.init_params(dims, [1, 2], scale=1.1)
    cf = hm.constrained_flow(Ws, X, y, loss=loss)
    rho = hm.layer_norms(Ws)
    Vs = [W / r.reshape(-1, 1, 1) for W, r in zip(Ws, rho.unbind(1))]
    g = _gen(5)
    Us = [torch.randn(V.shape, generator=g, dtype=F64) for V in Vs]
    Us = [U - V * (U * V).flatten(1).sum(1).reshape(-1, 1, 1) for U, V in zip(Us, Vs)]  # tangent
    for V, v in zip(Vs, cf["vdot"]):
        assert (V * v).flatten(1).sum(1).abs().max() < 1e-13  # stays on the sphere

    def L_at(t):
        pts = [(V + t * U) / (V + t * U).flatten(1).norm(dim=1).reshape(-1, 1, 1) for V, U in zip(Vs, Us)]
        return hm.loss(tuple(P * r.reshape(-1, 1, 1) for P, r in zip(pts, rho.unbind(1))), X, y, loss=loss)

    h = 1e-5
    fd = (L_at(h) - L_at(-h)) / (2 * h)  # central difference: O(h²) ≈ 1e-10 relative
    inner = -sum((v * U).flatten(1).sum(1) for v, U in zip(cf["vdot"], Us))
    torch.testing.assert_close(inner, fd, rtol=1e-7, atol=1e-9)


def test_constrained_flow_equals_normalized_dynamics_after_the_time_change():
    X, y = _data()
    Ws = hm.init_params((4, 5, 3, 1), [3, 4], scale=1.7)
    cf = hm.constrained_flow(Ws, X, y)
    nd = hm.normalized_dynamics(Ws, X, y)
    rho = hm.layer_norms(Ws)
    for a, b, r in zip(nd["vdot_chain"], cf["vdot"], rho.unbind(1)):
        torch.testing.assert_close(a, b / r.reshape(-1, 1, 1) ** 2, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sphere_minimizer_linear_is_the_constrained_minimum(seed):
    X, y, w_hat, _ = hm.planted_svm_data(9, 4, margin=0.3, support=3, gap=0.2, generator=_gen(seed))
    rho = torch.tensor([0.5, 3.0, 30.0], dtype=F64)
    w = hm.sphere_minimizer_linear(X, y, rho)
    torch.testing.assert_close(w.norm(dim=-1), rho, rtol=1e-14, atol=0.0)
    # −∇L ∥ w with a positive factor (the minimum, not a maximum), checked against autograd of L
    wr = w.clone().requires_grad_(True)
    torch.exp(-(y * (wr @ X.T))).sum().backward()
    g = -wr.grad
    cos = (g * w).sum(-1) / (g.norm(dim=-1) * w.norm(dim=-1))
    assert (cos > 1 - 1e-12).all(), cos
    # no random point of the sphere does better (global: the ball problem is convex)
    Z = torch.randn(2000, 4, generator=_gen(seed + 10), dtype=F64)
    Z = Z / Z.norm(dim=1, keepdim=True)
    for r, wi in zip(rho, w):
        Lw = torch.exp(-(y * (wi @ X.T))).sum()
        Lz = torch.exp(-(y * (r * Z @ X.T))).sum(-1)
        assert bool((Lz >= Lw * (1 - 1e-12)).all())
    # and the direction tends to the hard-margin SVM's as ρ grows
    cos_svm = (w / w.norm(dim=-1, keepdim=True)) @ (w_hat / w_hat.norm())
    assert cos_svm[2] > cos_svm[0] and cos_svm[2] > 1 - 1e-3


@pytest.mark.parametrize("loss", ["logistic", "exp"])
def test_linear_gd_matches_autograd_gd(loss):
    """impl.homogeneous.linear_gd against GD written here with autograd's gradient of Σ_n ℓ(y_n x_nᵀw)."""
    X, y = _data(3, n=7, d=3)
    w0 = torch.randn(2, 3, generator=_gen(4), dtype=F64)
    got = hm.linear_gd(w0, X, y, eta=0.05, record=[0, 2, 5], loss=loss)
    ell = (lambda u: torch.nn.functional.softplus(-u)) if loss == "logistic" else (lambda u: torch.exp(-u))
    w = w0.clone()
    ref = [w.clone()]
    for t in range(1, 6):
        w = w.detach().requires_grad_(True)
        L = ell((w @ X.T) * y).sum()
        (g,) = torch.autograd.grad(L, w)
        w = (w - 0.05 * g).detach()
        if t in (2, 5):
            ref.append(w.clone())
    torch.testing.assert_close(got, torch.stack(ref, 1), rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="w0.shape"):
        hm.linear_gd(w0[0], X, y, eta=0.3, record=[1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_degenerate_svm_data_has_a_support_vector_with_zero_dual(seed):
    """The appended example is on the margin and the independent NNLS solver gives it dual 0; ŵ is unchanged."""
    X, y, w_hat, alpha = hm.degenerate_svm_data(7, 4, margin=0.4, support=3, gap=0.5, generator=_gen(seed))
    assert X.shape == (8, 4) and y.shape == (8,)
    torch.testing.assert_close(X.norm(dim=1), torch.ones(8, dtype=F64), rtol=0, atol=1e-12)
    w, a = hm.svm(X, y)
    torch.testing.assert_close(w, w_hat, rtol=1e-9, atol=1e-9)
    assert abs(float(y[-1] * X[-1] @ w) - 1.0) < 1e-9  # on the margin: a support vector
    assert abs(float(a[-1])) < 1e-9 and float(alpha[-1]) == 0.0  # with a zero dual variable
    assert (a[:3] > 1e-3).all()  # the planted support vectors keep strictly positive duals
    with pytest.raises(ValueError, match="d"):
        hm.degenerate_svm_data(7, 2, margin=0.4, support=2, gap=0.5, generator=_gen(0))


def test_degenerate_svm_data_offset_moves_the_extra_example_off_the_margin():
    X, y, w_hat, _ = hm.degenerate_svm_data(7, 4, margin=0.4, support=3, gap=0.5, offset=0.5, generator=_gen(5))
    w, a = hm.svm(X, y)
    torch.testing.assert_close(w, w_hat, rtol=1e-9, atol=1e-9)
    assert abs(float(y[-1] * X[-1] @ w) - 1.5) < 1e-9 and abs(float(a[-1])) < 1e-12
    with pytest.raises(ValueError, match="offset"):
        hm.degenerate_svm_data(7, 4, margin=0.7, support=3, gap=0.2, offset=0.5, generator=_gen(5))


# --------------------------------------------------------------------------------------------
# weight normalization (issue 17)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("loss", ["exp", "logistic"])
def test_weight_norm_flow_against_finite_differences(dims, loss):
    """ġ and v̇ against central differences of L(g v/‖v‖) along random directions (independent of autograd)."""
    X, y = _data()
    vs = hm.init_params(dims, [1, 2], scale=1.3)
    g = _gen(7)
    gs = 0.5 + torch.rand((2, len(dims) - 1), generator=g, dtype=F64)
    out = hm.weight_norm_flow(gs, vs, X, y, loss=loss)
    dg = torch.randn(gs.shape, generator=g, dtype=F64)
    dv = [torch.randn(v.shape, generator=g, dtype=F64) for v in vs]

    def L_at(t):
        G = gs + t * dg
        V = [v + t * e for v, e in zip(vs, dv)]
        return hm.loss(tuple(G[:, k].reshape(-1, 1, 1) * w / w.flatten(1).norm(dim=1).reshape(-1, 1, 1)
                             for k, w in enumerate(V)), X, y, loss=loss)

    h = 1e-5
    fd = (L_at(h) - L_at(-h)) / (2 * h)  # O(h²) ≈ 1e-10 relative
    inner = -(out["gdot"] * dg).sum(1) - sum((vd * e).flatten(1).sum(1) for vd, e in zip(out["vdot"], dv))
    torch.testing.assert_close(inner, fd, rtol=1e-7, atol=1e-9)
    for v, vd in zip(vs, out["vdot"]):  # ‖v‖ conserved: v̇ ⊥ v (round-off)
        assert (v * vd).flatten(1).sum(1).abs().max() < 1e-12 * (1 + vd.abs().max())


def test_weight_norm_flow_direction_is_the_chain_rule_flow_after_the_time_change():
    """u̇_k = (g_k ρ_k/‖v_k‖²) V̇_k with V̇_k the chain-rule flow of W/‖W‖ under Ẇ = −∇L (hand-written gradient)."""
    X, y = _data()
    Ws = hm.init_params((4, 5, 3, 1), [3, 4], scale=1.7)
    rho = hm.layer_norms(Ws)
    c = torch.tensor([[0.4, 2.0, 1.3], [3.0, 0.7, 1.0]], dtype=F64)
    vs = tuple(W * (ck / r).reshape(-1, 1, 1) for W, ck, r in zip(Ws, c.unbind(1), rho.unbind(1)))
    out = hm.weight_norm_flow(rho, vs, X, y)
    nd = hm.normalized_dynamics(Ws, X, y)
    for k, (a, b) in enumerate(zip(out["udot"], nd["vdot_chain"])):
        torch.testing.assert_close(a, b * (rho[:, k] ** 2 / c[:, k] ** 2).reshape(-1, 1, 1), rtol=1e-10, atol=1e-13)
    torch.testing.assert_close(out["gdot"], nd["rhodot_chain"], rtol=1e-10, atol=1e-13)
    for W, Wn in zip(Ws, out["Ws"]):
        torch.testing.assert_close(W, Wn, rtol=1e-12, atol=1e-14)


def test_weight_norm_flow_rejects_bad_gs():
    X, y = _data()
    vs = hm.init_params((4, 1), [1], scale=1.0)
    with pytest.raises(ValueError, match="gs.shape"):
        hm.weight_norm_flow(torch.ones(1, 2, dtype=F64), vs, X, y)


def test_sphere_minimizer_is_stationary_to_round_off() -> None:
    """-grad L is parallel to w at the returned point up to float64 round-off, not up to sqrt(eps): a strict Armijo
    test rejected every Newton step once the decrease fell below eps|f| (dev found ||V-dot|| = 1.15e-8)."""
    X, y, _, _ = hm.planted_svm_data(9, 13, margin=0.05, support=4, gap=0.05, generator=torch.Generator().manual_seed(4),
                                     dtype=torch.float64)
    w_hat, _ = hm.svm(X, y)
    gamma = float(1.0 / w_hat.norm())
    c = 2.0 ** torch.arange(9, dtype=torch.float64)
    w = hm.sphere_minimizer_linear(X, y, c / gamma)
    V = w / w.norm(dim=-1, keepdim=True)
    q = y.unsqueeze(0) * (V @ X.T)
    s = torch.softmax(-c.unsqueeze(-1) / gamma * q, dim=-1)
    tangential = s @ (y.unsqueeze(1) * X) - V * (s * q).sum(-1, keepdim=True)
    assert float(tangential.norm(dim=-1).max()) < 1e-12
