"""Unit tests for impl.games (Daskalakis & Panageas, ITCS 2019, arXiv 1807.04252).

Every tolerance states its value and its reason. float64 throughout.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from lemmata.impl import games as gm

pytestmark = pytest.mark.unit

F64 = torch.float64


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


LAYOUTS = [(2, 2, 2), (3, 3, 3), (4, 3, 2), (3, 5, 1), (5, 6, 3), (4, 4, 4)]


# --------------------------------------------------------------------------------------------
# generators
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "m", "k"), LAYOUTS)
def test_planted_equilibrium_conditions(n, m, k):
    g = gm.planted_games(20, n, m, support=k, generator=_gen(n * 10 + k), scale=3.0, value=0.4, eq_spread=1.0,
                         kappa=4.0, gap=0.1)
    assert g.A.shape == (20, n, m) and g.x_star.shape == (20, n) and g.y_star.shape == (20, m)
    torch.testing.assert_close(g.x_star.sum(1), torch.ones(20, dtype=F64), rtol=0, atol=1e-15)
    torch.testing.assert_close(g.y_star.sum(1), torch.ones(20, dtype=F64), rtol=0, atol=1e-15)
    assert bool(((g.x_star > 0).sum(1) == k).all()) and bool(((g.y_star > 0).sum(1) == k).all())
    Ay, Atx = gm.payoff_vectors(g.A, g.x_star, g.y_star)
    v = g.value[:, None]
    on_x, on_y = g.x_star > 0, g.y_star > 0
    # equalities on the supports: sums of ≤ 6 products, rounded relative to the largest payoff (≈ 4ε·max|A|;
    # entries reach ~100 where x*_i y*_j is small); 1e-13·max|A| ≈ 450ε
    amax = g.A.abs().amax((1, 2))[:, None]
    assert bool(((Ay - v).abs() <= 1e-13 * amax)[on_x].all())
    assert bool(((Atx - v).abs() <= 1e-13 * amax)[on_y].all())
    # strict complementarity off the supports, by at least the margin gap·scale = 0.3
    if k < n:
        assert float((v - Ay)[~on_x].min()) >= 0.3 - 1e-12
    if k < m:
        assert float((Atx - v)[~on_y].min()) >= 0.3 - 1e-12
    torch.testing.assert_close(g.value, torch.full((20,), 1.2, dtype=F64))


def test_planted_tangent_singular_values_are_the_designed_spectrum():
    k, kappa, scale = 4, 9.0, 2.0
    g = gm.planted_games(8, 5, 6, support=k, generator=_gen(1), scale=scale, eq_spread=1.2, kappa=kappa)
    sv = gm.tangent_singular_values(g)
    expected = scale * torch.tensor([1.0, 3.0 ** -1, 9.0 ** -1], dtype=F64)  # κ^{−i/(k−2)}, i = 0..k−2
    torch.testing.assert_close(sv, expected.expand(8, 3), rtol=1e-12, atol=1e-13)


def test_planted_games_reproducible_and_validated():
    a = gm.planted_games(3, 3, 4, support=2, generator=_gen(5))
    b = gm.planted_games(3, 3, 4, support=2, generator=_gen(5))
    torch.testing.assert_close(a.A, b.A, rtol=0, atol=0)
    with pytest.raises(ValueError, match="support=4"):
        gm.planted_games(1, 3, 4, support=4, generator=_gen(0))
    with pytest.raises(ValueError, match="kappa"):
        gm.planted_games(1, 3, 3, support=3, generator=_gen(0), kappa=0.5)
    with pytest.raises(ValueError, match="scale"):
        gm.planted_games(1, 3, 3, support=3, generator=_gen(0), scale=0.0)


@pytest.mark.parametrize(("win", "lose"), [(1.0, 1.0), (2.0, 0.5), (0.7, 1.9)])
def test_rock_paper_scissors_uniform_equilibrium(win, lose):
    g = gm.rock_paper_scissors(2, scale=5.0, win=win, lose=lose)
    Ay, Atx = gm.payoff_vectors(g.A, g.x_star, g.y_star)
    torch.testing.assert_close(Ay, g.value[:, None].expand(2, 3), rtol=0, atol=1e-14)
    torch.testing.assert_close(Atx, g.value[:, None].expand(2, 3), rtol=0, atol=1e-14)
    eq = gm.solve_zero_sum(g.A[0])
    assert eq.unique, eq.why
    np.testing.assert_allclose(eq.x, np.full(3, 1 / 3), atol=1e-12)
    np.testing.assert_allclose(eq.value, 5.0 * (win - lose) / 3, atol=1e-12)


def test_random_starts_are_normalised_log_weights():
    lx, ly = gm.random_starts(4, 3, 5, spread=2.0, generator=_gen(0))
    torch.testing.assert_close(torch.logsumexp(lx, -1), torch.zeros(4, dtype=F64), rtol=0, atol=1e-15)
    torch.testing.assert_close(torch.logsumexp(ly, -1), torch.zeros(4, dtype=F64), rtol=0, atol=1e-15)


# --------------------------------------------------------------------------------------------
# the LP solver and the uniqueness test
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "m", "k"), LAYOUTS)
def test_solver_recovers_planted_equilibrium(n, m, k):
    g = gm.planted_games(12, n, m, support=k, generator=_gen(k + 100 * n), scale=0.3, value=-0.5, eq_spread=1.0,
                         kappa=3.0, gap=0.05)
    for i in range(12):
        eq = gm.solve_zero_sum(g.A[i])
        assert eq.unique, eq.why
        # polished by a bordered solve: cond·ε ≈ 1e-13 here; 1e-10 leaves room
        np.testing.assert_allclose(eq.x, g.x_star[i].numpy(), atol=1e-10)
        np.testing.assert_allclose(eq.y, g.y_star[i].numpy(), atol=1e-10)
        assert abs(eq.value - float(g.value[i])) < 1e-10


def test_solver_minimax_certificate_on_random_games():
    """Any game: max_i (Ay)_i = v = min_j (Aᵀx)_j at the solver's pair (the LP duality certificate)."""
    g = _gen(7)
    for trial in range(40):
        n, m = 1 + trial % 5, 1 + (trial * 3) % 6
        A = torch.randn(n, m, generator=g, dtype=F64) * 3
        eq = gm.solve_zero_sum(A)
        M = A.numpy()
        assert eq.x.min() >= 0 and eq.y.min() >= 0
        assert abs(eq.x.sum() - 1) < 1e-12 and abs(eq.y.sum() - 1) < 1e-12
        # simplex pivots on O(1) data: round-off ≈ 1e-14; 1e-9 is the solver's own support tolerance
        assert (M @ eq.y).max() <= eq.value + 1e-9 and (M.T @ eq.x).min() >= eq.value - 1e-9


def test_solver_against_scipy_linprog():
    """An independent LP (scipy's HiGHS) where scipy happens to be installed (it is not a dependency)."""
    optimize = pytest.importorskip("scipy.optimize")
    g = _gen(11)
    for _ in range(20):
        A = torch.randn(4, 5, generator=g, dtype=F64).numpy()
        n, m = A.shape
        # max v s.t. Aᵀx ≥ v1, 1ᵀx = 1, x ≥ 0; variables (x, v)
        res = optimize.linprog(c=np.r_[np.zeros(n), -1.0], A_ub=np.c_[-A.T, np.ones(m)], b_ub=np.zeros(m),
                               A_eq=np.r_[np.ones(n), 0.0][None], b_eq=[1.0], bounds=[(0, None)] * n + [(None, None)])
        assert res.success
        assert abs(gm.solve_zero_sum(A).value - (-res.fun)) < 1e-8


def test_uniqueness_test_rejects_non_unique_games():
    constant = gm.solve_zero_sum(torch.ones(2, 2, dtype=F64))  # every pair is an equilibrium
    assert not constant.unique and constant.why
    twin_rows = gm.solve_zero_sum(torch.tensor([[1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]], dtype=F64))
    assert not twin_rows.unique, "rows 0 and 1 are interchangeable: x* is not unique"
    pennies = gm.solve_zero_sum(torch.tensor([[1.0, -1.0], [-1.0, 1.0]], dtype=F64))
    assert pennies.unique
    np.testing.assert_allclose(pennies.x, [0.5, 0.5], atol=1e-14)


def test_solver_validates_input():
    with pytest.raises(ValueError, match="A.shape"):
        gm.solve_zero_sum(torch.ones(2, 2, 2, dtype=F64))
    with pytest.raises(ValueError, match="finite"):
        gm.solve_zero_sum(torch.tensor([[math.nan]], dtype=F64))


# --------------------------------------------------------------------------------------------
# KL potential and its resolution
# --------------------------------------------------------------------------------------------


def _textbook_kl(log_p: torch.Tensor, p_star: torch.Tensor) -> torch.Tensor:
    on = p_star > 0
    return torch.where(on, p_star * (torch.log(torch.where(on, p_star, 1.0)) - log_p), 0.0).sum(-1)


@pytest.mark.parametrize(("n", "m", "k"), LAYOUTS)
def test_kl_potential_matches_textbook_formula(n, m, k):
    g = gm.planted_games(6, n, m, support=k, generator=_gen(3), eq_spread=1.0)
    lx, ly = gm.random_starts(6, n, m, spread=1.5, generator=_gen(4))
    kl = gm.kl_potential(lx, ly, g.x_star, g.y_star)
    ref = _textbook_kl(lx, g.x_star) + _textbook_kl(ly, g.y_star)
    # both O(1); the textbook form cancels to ≈ 1e-16·|log p| absolute
    torch.testing.assert_close(kl, ref, rtol=1e-12, atol=1e-14)
    assert bool((kl > 0).all())
    at_eq = gm.kl_potential(torch.log(g.x_star), torch.log(g.y_star), g.x_star, g.y_star)
    assert float(at_eq.abs().max()) == 0.0


def test_kl_potential_time_axis_and_precision_near_equilibrium():
    """(G, T, n) inputs; near x* the KL is resolved to relative ≈ ε/|d| (the textbook form only to ≈ 1e-16)."""
    g = gm.planted_games(2, 3, 3, support=3, generator=_gen(8))
    d = torch.tensor([1e-9, -2e-9, 0.0], dtype=F64)
    lx = torch.log_softmax(torch.log(g.x_star)[:, None, :] + d, -1).expand(2, 4, 3)
    ly = torch.log(g.y_star)[:, None, :].expand(2, 4, 3)
    kl = gm.kl_potential(lx, ly, g.x_star, g.y_star)
    assert kl.shape == (2, 4)
    # second order: ½Σ x*_i (d_i − d̄)², d̄ the x*-weighted mean (the renormalisation)
    dd = d - (g.x_star * d).sum(-1, keepdim=True)
    expected = 0.5 * (g.x_star * dd**2).sum(-1)
    torch.testing.assert_close(kl[:, 0], expected, rtol=1e-5, atol=0)  # O(d) ≈ 1e-9 Taylor remainder; ε/|d| ≈ 1e-7


def test_kl_resolution_bounds_the_float64_error_of_the_kl():
    """Computed KL against an 80-bit (numpy longdouble) evaluation of the same iterate: within 6ε·R."""
    if np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps:
        pytest.skip("numpy longdouble is float64 on this platform")
    g = gm.planted_games(16, 4, 4, support=3, generator=_gen(9), eq_spread=1.0)
    lx, ly = gm.random_starts(16, 4, 4, spread=2.0, generator=_gen(10))
    kl = gm.kl_potential(lx, ly, g.x_star, g.y_star).numpy()
    R = gm.kl_resolution(lx, ly, g.x_star, g.y_star).numpy()

    def ref(lp, ps):
        lp, ps = lp.numpy().astype(np.longdouble), ps.numpy().astype(np.longdouble)
        lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
        on = ps > 0
        return np.where(on, ps * (np.log(np.where(on, ps, 1)) - lp), 0).sum(-1)

    err = np.abs(kl - (ref(lx, g.x_star) + ref(ly, g.y_star)).astype(np.float64))
    assert bool(np.all(err <= 6 * np.finfo(np.float64).eps * R)), (err, R)


# --------------------------------------------------------------------------------------------
# the dynamics
# --------------------------------------------------------------------------------------------


def _reference_run(A, x0, y0, eta, steps, optimistic):
    """OMWU / MWU written from the paper's formula in probability space (numpy), one game."""
    x, y = x0.copy(), y0.copy()
    px, py = A @ y, A.T @ x  # x^{−1} = x^0
    xs, ys = [x], [y]
    for _ in range(steps):
        Ay, Atx = A @ y, A.T @ x
        ex = 2 * Ay - px if optimistic else Ay
        ey = 2 * Atx - py if optimistic else Atx
        x = x * np.exp(eta * ex)
        y = y * np.exp(-eta * ey)
        x, y = x / x.sum(), y / y.sum()
        px, py = Ay, Atx
        xs.append(x)
        ys.append(y)
    return np.array(xs), np.array(ys)


@pytest.mark.parametrize("optimistic", [True, False], ids=["omwu", "mwu"])
def test_trajectory_matches_probability_space_reference(optimistic):
    g = gm.planted_games(5, 3, 4, support=2, generator=_gen(12), scale=2.0)
    lx, ly = gm.random_starts(5, 3, 4, spread=1.0, generator=_gen(13))
    eta = torch.tensor([0.05, 0.1, 0.2, 0.3, 0.4], dtype=F64)
    run = gm.omwu_trajectory if optimistic else gm.mwu_trajectory
    tr = run(g.A, lx, ly, eta=eta, steps=40, x_star=g.x_star, y_star=g.y_star)
    for i in range(5):
        xs, ys = _reference_run(g.A[i].numpy(), lx[i].exp().numpy(), ly[i].exp().numpy(), float(eta[i]), 40, optimistic)
        # 40 steps of O(1) exponents: relative round-off ≈ 40·1e-16
        np.testing.assert_allclose(tr.log_x[i].exp().numpy(), xs, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(tr.log_y[i].exp().numpy(), ys, rtol=1e-11, atol=1e-14)
    assert tr.kl is not None and tr.kl.shape == (5, 41)
    torch.testing.assert_close(tr.kl, gm.kl_potential(tr.log_x, tr.log_y, g.x_star, g.y_star), rtol=0, atol=0)


def test_update_functions_agree_with_trajectory_and_first_omwu_step_is_mwu():
    g = gm.planted_games(3, 4, 4, support=4, generator=_gen(14))
    lx, ly = gm.random_starts(3, 4, 4, spread=1.0, generator=_gen(15))
    s = gm.omwu_init(g.A, lx, ly)
    w = gm.mwu_update(gm.mwu_init(g.A, lx, ly), g.A, eta=0.3)
    s = gm.omwu_update(s, g.A, eta=0.3)
    torch.testing.assert_close(s.log_x, w.log_x, rtol=0, atol=1e-15)  # x^{−1} = x^0: the first step is MWU
    torch.testing.assert_close(s.log_y, w.log_y, rtol=0, atol=1e-15)
    for _ in range(4):
        s = gm.omwu_update(s, g.A, eta=0.3)
    tr = gm.omwu_trajectory(g.A, lx, ly, eta=0.3, steps=5)
    torch.testing.assert_close(tr.log_x[:, -1], s.log_x, rtol=0, atol=0)
    torch.testing.assert_close(tr.log_y[:, -1], s.log_y, rtol=0, atol=0)
    assert tr.kl is None and tr.kl_resolution is None


def test_players_move_in_the_right_directions():
    """The row player ascends xᵀAy (to row 0), the column player descends it (to column 0)."""
    A = torch.tensor([[[1.0, 2.0], [0.0, 1.0]]], dtype=F64)  # row 0 dominates; column 0 is better for y
    x0 = torch.log(torch.tensor([[0.5, 0.5]], dtype=F64))
    for run in (gm.omwu_trajectory, gm.mwu_trajectory):
        tr = run(A, x0, x0.clone(), eta=0.1, steps=3)
        assert bool((tr.log_x[0, 1:, 0] > tr.log_x[0, :-1, 0]).all())
        assert bool((tr.log_y[0, 1:, 0] > tr.log_y[0, :-1, 0]).all())


def test_payoff_vectors_are_the_bilinear_gradients():
    g = gm.planted_games(3, 3, 5, support=2, generator=_gen(16))
    x = torch.softmax(torch.randn(3, 3, generator=_gen(17), dtype=F64), -1).requires_grad_(True)
    y = torch.softmax(torch.randn(3, 5, generator=_gen(18), dtype=F64), -1).requires_grad_(True)
    f = torch.einsum("gn,gnm,gm->", x, g.A, y)
    gx, gy = torch.autograd.grad(f, (x, y))
    Ay, Atx = gm.payoff_vectors(g.A, x.detach(), y.detach())
    torch.testing.assert_close(Ay, gx, rtol=1e-14, atol=1e-14)
    torch.testing.assert_close(Atx, gy, rtol=1e-14, atol=1e-14)


def test_batched_equals_one_game_at_a_time():
    g = gm.planted_games(6, 4, 3, support=2, generator=_gen(19))
    lx, ly = gm.random_starts(6, 4, 3, spread=1.0, generator=_gen(20))
    eta = torch.linspace(0.05, 0.3, 6, dtype=F64)
    tr = gm.omwu_trajectory(g.A, lx, ly, eta=eta, steps=60, x_star=g.x_star, y_star=g.y_star)
    for i in range(6):
        one = gm.omwu_trajectory(g.A[i:i + 1], lx[i:i + 1], ly[i:i + 1], eta=float(eta[i]), steps=60,
                                 x_star=g.x_star[i:i + 1], y_star=g.y_star[i:i + 1])
        # the same float operations on a batch of one: equal up to BLAS reduction order
        torch.testing.assert_close(one.kl, tr.kl[i:i + 1], rtol=1e-13, atol=1e-15)


def test_long_horizon_stays_finite_and_normalised():
    """MWU on rock–paper–scissors with a large step spirals to the boundary: log-weights go to −∞ linearly,
    never to −inf or NaN, and stay normalised."""
    g = gm.rock_paper_scissors(2, scale=1.0)
    lx, ly = gm.random_starts(2, 3, 3, spread=0.5, generator=_gen(21))
    tr = gm.mwu_trajectory(g.A, lx, ly, eta=1.0, steps=20000, x_star=g.x_star, y_star=g.y_star,
                           keep_iterates=False)
    assert tr.log_x.shape == (2, 1, 3)
    assert bool(torch.isfinite(tr.log_x).all()) and bool(torch.isfinite(tr.kl).all())
    assert float(tr.log_x.min()) < -100, "the test needs MWU to have reached the boundary"
    torch.testing.assert_close(torch.logsumexp(tr.log_x[:, -1], -1), torch.zeros(2, dtype=F64), rtol=0, atol=1e-13)


def test_mwu_kl_change_is_the_jensen_identity():
    g = gm.planted_games(4, 3, 3, support=3, generator=_gen(22), value=0.5)
    lx, ly = gm.random_starts(4, 3, 3, spread=1.0, generator=_gen(23))
    eta = 0.7
    tr = gm.mwu_trajectory(g.A, lx, ly, eta=eta, steps=30, x_star=g.x_star, y_star=g.y_star)
    x, y = tr.log_x[:, :-1].exp(), tr.log_y[:, :-1].exp()
    Ay = torch.einsum("gij,gtj->gti", g.A, y)
    Atx = torch.einsum("gij,gti->gtj", g.A, x)
    rhs = torch.log((x * torch.exp(eta * Ay)).sum(-1)) + torch.log((y * torch.exp(-eta * Atx)).sum(-1))
    torch.testing.assert_close(tr.kl[:, 1:] - tr.kl[:, :-1], rhs, rtol=1e-10, atol=1e-13)  # see the claim's tolerance
    assert bool((rhs > 0).all())  # Jensen, strictly off the equilibrium


def test_local_time_scale_predicts_the_measured_rate():
    """Started near x*, OMWU's KL e-folds every τ steps (τ from the linearisation), to within 10 %."""
    g = gm.planted_games(3, 3, 3, support=3, generator=_gen(24), eq_spread=0.3, kappa=2.0)
    eta = 0.2 / g.A.abs().amax((1, 2))
    tau = gm.local_time_scale(g, eta)
    lx = torch.log_softmax(torch.log(g.x_star) + 1e-3 * torch.randn(3, 3, generator=_gen(25), dtype=F64), -1)
    ly = torch.log_softmax(torch.log(g.y_star) + 1e-3 * torch.randn(3, 3, generator=_gen(26), dtype=F64), -1)
    T = int(12 * float(tau.max()))
    tr = gm.omwu_trajectory(g.A, lx, ly, eta=eta, steps=T, x_star=g.x_star, y_star=g.y_star, keep_iterates=False)
    for i in range(3):
        a, b = int(4 * tau[i]), int(12 * tau[i])
        measured = (math.log(float(tr.kl[i, a])) - math.log(float(tr.kl[i, b]))) / (b - a)
        # first order in ησ (≈ 0.05 here): the O((ησ)²) correction and the oscillation of the 2-d rotation
        # around its mean contraction stay below 10 %
        assert abs(measured * float(tau[i]) - 1.0) < 0.1, (i, measured * float(tau[i]))


def test_dynamics_validate_arguments():
    g = gm.planted_games(2, 3, 3, support=3, generator=_gen(27))
    lx, ly = gm.random_starts(2, 3, 3, spread=1.0, generator=_gen(28))
    with pytest.raises(ValueError, match="A.shape"):
        gm.omwu_trajectory(g.A[0], lx, ly, eta=0.1, steps=2)
    with pytest.raises(ValueError, match="log_x0.shape"):
        gm.omwu_trajectory(g.A, lx[:, :2], ly, eta=0.1, steps=2)
    with pytest.raises(ValueError, match="eta"):
        gm.mwu_trajectory(g.A, lx, ly, eta=-0.1, steps=2)
    with pytest.raises(ValueError, match="steps"):
        gm.mwu_trajectory(g.A, lx, ly, eta=0.1, steps=-1)
    with pytest.raises(ValueError, match="x_star and y_star"):
        gm.omwu_trajectory(g.A, lx, ly, eta=0.1, steps=2, x_star=g.x_star)
    with pytest.raises(ValueError, match="state.log_x"):
        gm.omwu_update(gm.OMWUState(lx[:1], ly, ly, ly), g.A, eta=0.1)


def test_map_jacobians_match_their_linearisations_and_rps_in_closed_form() -> None:
    """Issue 17: the Jacobians at the equilibrium (autograd through the step kernels) against closed forms."""
    games = gm.rock_paper_scissors(3, scale=1.0, win=1.0, lose=1.0, dtype=torch.float64, device=torch.device("cpu"))
    eta = 0.2
    # standard RPS: x* uniform, the whitened tangent game A/3 has singular values √3/3 (twice)
    sigma = math.sqrt(3) / 3
    rho_mwu = gm.spectral_radius(gm.map_jacobian(games, eta, optimistic=False))
    assert torch.allclose(rho_mwu, torch.full((3,), math.sqrt(1 + (eta * sigma) ** 2), dtype=torch.float64))
    rho_omwu = gm.spectral_radius(gm.map_jacobian(games, eta, optimistic=True))
    expected = math.sqrt((1 + math.sqrt(1 - 4 * (eta * sigma) ** 2)) / 2)
    assert torch.allclose(rho_omwu, torch.full((3,), expected, dtype=torch.float64))
    assert torch.allclose(gm.omwu_linearised_radius(games, eta), rho_omwu)
    g = torch.Generator().manual_seed(1)
    planted = gm.planted_games(4, 3, 3, support=3, generator=g, scale=2.0, value=0.1, eq_spread=0.5, kappa=2.0,
                               gap=0.1, dtype=torch.float64, device=torch.device("cpu"))
    J = gm.map_jacobian(planted, 0.1, optimistic=True)
    assert J.shape == (4, 8, 8)
    # two float64 routes (eigenvalues of an 8×8 Jacobian, singular values of a 3×3 game): both ≈ 1e-15 relative
    assert torch.allclose(gm.spectral_radius(J), gm.omwu_linearised_radius(planted, 0.1), rtol=1e-10)


def test_map_jacobian_needs_an_interior_equilibrium() -> None:
    g = torch.Generator().manual_seed(2)
    pure = gm.planted_games(2, 3, 3, support=1, generator=g, scale=1.0, value=0.0, eq_spread=0.0, kappa=1.0,
                            gap=0.1, dtype=torch.float64, device=torch.device("cpu"))
    with pytest.raises(ValueError, match="interior"):
        gm.map_jacobian(pure, 0.1, optimistic=True)


def test_windowed_log_slope_matches_numpy_polyfit() -> None:
    """Per-row least-squares slope of ln values over each row's own window, against numpy.polyfit."""
    g = torch.Generator().manual_seed(3)
    T = 60
    t = torch.arange(T + 1, dtype=torch.float64)
    rates = torch.tensor([-0.05, -0.2, 0.01], dtype=torch.float64)
    noise = 0.01 * torch.randn(3, T + 1, generator=g, dtype=torch.float64)
    values = torch.exp(rates[:, None] * t[None, :] + noise)
    start = torch.tensor([10.0, 0.0, 20.5], dtype=torch.float64)
    end = torch.tensor([50.0, 30.0, 60.0], dtype=torch.float64)
    got = gm.windowed_log_slope(values, start, end)
    for g_ in range(3):
        idx = [i for i in range(T + 1) if start[g_] <= i <= end[g_]]
        ref = np.polyfit(np.array(idx, dtype=float), np.log(values[g_, idx].numpy()), 1)[0]
        assert abs(float(got[g_]) - ref) < 1e-12
    # a window with fewer than two steps has no slope
    one = gm.windowed_log_slope(values[:1], torch.tensor([5.0], dtype=torch.float64), torch.tensor([5.0], dtype=torch.float64))
    assert math.isnan(float(one[0]))
    with pytest.raises(ValueError, match="windowed_log_slope"):
        gm.windowed_log_slope(values[0], start, end)


def test_tail_rate_is_the_jacobian_rate_on_rock_paper_scissors() -> None:
    """On rock–paper–scissors from a start near the equilibrium, the tail slope of ln KL is 2 ln ρ(J_OMWU)."""
    games = gm.rock_paper_scissors(1, win=1.0, lose=1.0)
    eta = 0.2
    rho = float(gm.spectral_radius(gm.map_jacobian(games, eta, optimistic=True))[0])
    tau = -1.0 / (2.0 * math.log(rho))
    lx = torch.log(games.x_star) + torch.tensor([[1e-3, -2e-3, 0.5e-3]], dtype=torch.float64)
    ly = torch.log(games.y_star) + torch.tensor([[-1e-3, 0.0, 2e-3]], dtype=torch.float64)
    T = int(math.ceil(20 * tau))
    tr = gm.omwu_trajectory(games.A, lx, ly, eta=eta, steps=T, x_star=games.x_star, y_star=games.y_star,
                            keep_iterates=False)
    s = gm.windowed_log_slope(tr.kl, torch.tensor([10 * tau], dtype=torch.float64), torch.tensor([20 * tau], dtype=torch.float64))
    assert abs(float(s[0]) / (2 * math.log(rho)) - 1) < 0.02
