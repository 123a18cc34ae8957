"""Unit tests for impl.sparse_regression (Zhou & Ge 2023, arXiv 2302.00257; Woodworth et al. 2020).

Every tolerance states its value and its reason. float64 throughout.
"""

from __future__ import annotations

import pytest
import torch

from lemmata.impl import sparse_regression as sr

pytestmark = pytest.mark.unit

F64 = torch.float64


def _problem(n=6, d=15, k=2, S=3, noise=0.3, seed=0) -> sr.SparseProblem:
    return sr.sparse_problem(n, d, k, S=S, noise=noise, generator=torch.Generator().manual_seed(seed))


def test_sparse_problem_shapes_and_sparsity() -> None:
    P = _problem()
    assert P.A.shape == (3, 6, 15) and P.y.shape == (3, 6) and P.beta_star.shape == (3, 15)
    assert ((P.beta_star != 0).sum(-1) == 2).all()
    assert set(P.beta_star.abs().unique().tolist()) == {0.0, 1.0}
    # y = Aβ* + ξ, round-off of 15-term sums
    torch.testing.assert_close(P.y, torch.einsum("snd,sd->sn", P.A, P.beta_star) + P.noise, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"k": 20}, "k=20"), ({"n": 0}, "n=0"), ({"noise": -1.0}, "noise=-1.0"), ({"S": 0}, "S=0"),
])
def test_sparse_problem_rejects_bad_arguments(kwargs, match) -> None:
    args = {"n": 4, "d": 8, "k": 1, "S": 2, "noise": 0.1, **kwargs}
    with pytest.raises(ValueError, match=match):
        sr.sparse_problem(args.pop("n"), args.pop("d"), args.pop("k"), generator=torch.Generator(), **args)


def test_hadamard_grads_match_autograd() -> None:
    P = _problem()
    g = torch.Generator().manual_seed(1)
    w, u, v = (torch.randn(3, 15, generator=g, dtype=F64).requires_grad_() for _ in range(3))
    gamma = 0.7
    beta = w * w - u * u + gamma * v
    loss = ((torch.einsum("snd,sd->sn", P.A, beta) - P.y) ** 2).sum() / (2 * 6)
    loss.backward()
    r = torch.einsum("snd,sd->sn", P.A, beta.detach()) - P.y
    gw, gu, gv = sr.hadamard_grads(w.detach(), u.detach(), v.detach(), P.A, r, gamma)
    # two routes to the same sums of ≤ 15 products: round-off only
    for mine, ref in ((gw, w.grad), (gu, u.grad), (gv, v.grad)):
        torch.testing.assert_close(mine, ref, rtol=1e-12, atol=1e-13)


def test_linear_grad_matches_autograd() -> None:
    P = _problem()
    beta = torch.randn(3, 15, generator=torch.Generator().manual_seed(2), dtype=F64).requires_grad_()
    (((torch.einsum("snd,sd->sn", P.A, beta) - P.y) ** 2).sum() / 12).backward()
    torch.testing.assert_close(sr.linear_grad(beta.detach(), P.A, P.y), beta.grad, rtol=1e-12, atol=1e-13)


def test_residual_is_A_beta_minus_y() -> None:
    P = _problem()
    beta = torch.randn(3, 15, generator=torch.Generator().manual_seed(7), dtype=F64)
    r = sr.residual(P.A.transpose(-1, -2).contiguous(), beta, P.y)
    # the sign convention every gradient relies on (r = Aβ − y, not y − Aβ); two summation orders: round-off only
    torch.testing.assert_close(r, torch.einsum("snd,sd->sn", P.A, beta) - P.y, rtol=1e-12, atol=1e-13)


def test_min_l2_interpolator_is_the_pseudoinverse_solution() -> None:
    P = _problem()
    b = sr.min_l2_interpolator(P.A, P.y)
    ref = torch.einsum("sdn,sn->sd", torch.linalg.pinv(P.A), P.y)
    torch.testing.assert_close(b, ref, rtol=1e-10, atol=1e-12)  # two factorizations of a well-conditioned 6×15 A


def test_linear_gd_converges_to_min_l2() -> None:
    P = _problem()
    eta = 1.0 / sr.step_scale(P.A)
    tr = sr.linear_gd(P.A, P.y, eta=eta, steps=3000)
    # rate (1 − λ_min/λ_max)^3000 with λ_min/λ_max ≥ 0.02 here: far below 1e-9
    torch.testing.assert_close(tr.beta, sr.min_l2_interpolator(P.A, P.y), rtol=1e-9, atol=1e-9)
    assert tr.residual_norm.shape == (3, 3001)


def test_project_affine_interpolates_and_is_idempotent() -> None:
    P = _problem()
    b = torch.randn(3, 15, generator=torch.Generator().manual_seed(3), dtype=F64)
    p1 = sr.project_affine(b, P.A, P.y)
    torch.testing.assert_close(torch.einsum("snd,sd->sn", P.A, p1), P.y, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(sr.project_affine(p1, P.A, P.y), p1, rtol=1e-12, atol=1e-12)


def test_hadamard_gd_records_and_snapshots() -> None:
    P = _problem()
    tr = sr.hadamard_gd(P.A, P.y, alpha=0.1, eta=0.05, steps=7, gamma=0.3, record=True, snapshot_every=3)
    assert tr.residuals is not None and tr.residuals.shape == (3, 7, 6)
    assert tr.snapshot_steps is not None and tr.snapshot_steps.tolist() == [0, 3, 6, 7]
    assert tr.snapshots is not None and tr.snapshots.shape == (3, 4, 15)
    torch.testing.assert_close(tr.snapshots[:, -1], tr.beta, rtol=0, atol=0)
    torch.testing.assert_close(tr.residual_norm[:, :-1], tr.residuals.norm(dim=-1), rtol=0, atol=0)


def test_hadamard_gd_batch_has_no_cross_talk() -> None:
    P = _problem(S=4)
    alphas = torch.tensor([1e-3, 1e-2, 0.1, 1.0], dtype=F64)
    batched = sr.hadamard_gd(P.A, P.y, alpha=alphas, eta=0.02, steps=50, gamma=0.1)
    for s in range(4):
        single = sr.hadamard_gd(P.A[s:s + 1], P.y[s:s + 1], alpha=float(alphas[s]), eta=0.02, steps=50, gamma=0.1)
        torch.testing.assert_close(batched.beta[s:s + 1], single.beta, rtol=1e-12, atol=1e-14)


def test_hadamard_gd_small_alpha_recovers_sparse_truth_noiselessly() -> None:
    # n = 24 ≫ k·log(d/k): basis pursuit recovers β* exactly, and small-α GD goes there
    P = _problem(n=24, d=48, k=2, S=2, noise=0.0, seed=4)
    eta = 0.3 / sr.step_scale(P.A)
    tr = sr.hadamard_gd(P.A, P.y, alpha=1e-4, eta=eta, steps=3000)
    # 1e-2: after 3000 steps the slowest coordinate is still ≈ 2e-3 from its limit (measured); a wrong limit is O(1) off
    torch.testing.assert_close(tr.beta, P.beta_star, rtol=0, atol=1e-2)


def test_min_l1_bracket_is_valid_and_tight() -> None:
    P = _problem(n=10, d=30, k=2, S=8, noise=0.5, seed=5)
    B = sr.min_l1_bracket(P.A, P.y)
    assert (B.lower <= B.upper * (1 + 1e-12)).all()
    assert ((B.upper - B.lower) / B.lower).median() < 1e-9  # the polish closes it on most problems
    torch.testing.assert_close(torch.einsum("snd,sd->sn", P.A, B.beta), P.y, rtol=1e-10, atol=1e-10)
    assert (torch.einsum("snd,sn->sd", P.A, B.dual).abs().amax(-1) <= 1 + 1e-12).all()
    # any interpolator is an upper bound: min-ℓ2 and β* + (noise fitted) both have ℓ1 ≥ lower
    assert (sr.min_l2_interpolator(P.A, P.y).abs().sum(-1) >= B.lower).all()


def test_min_l1_bracket_noiseless_recovery_equals_truth_norm() -> None:
    P = _problem(n=24, d=48, k=2, S=4, noise=0.0, seed=6)
    B = sr.min_l1_bracket(P.A, P.y)
    torch.testing.assert_close(B.lower, P.beta_star.abs().sum(-1), rtol=1e-9, atol=0)
    torch.testing.assert_close(B.upper, P.beta_star.abs().sum(-1), rtol=1e-9, atol=0)


@pytest.mark.parametrize(("call", "match"), [
    (lambda P: sr.hadamard_gd(P.A, P.y, alpha=0.0, eta=0.1, steps=1), "alpha=0.0"),
    (lambda P: sr.hadamard_gd(P.A, P.y, alpha=0.1, eta=-1.0, steps=1), "eta=-1.0"),
    (lambda P: sr.hadamard_gd(P.A, P.y[:, :3], alpha=0.1, eta=0.1, steps=1), "y.shape"),
    (lambda P: sr.hadamard_gd(P.A, P.y, alpha=0.1, eta=0.1, steps=-1), "steps=-1"),
    (lambda P: sr.min_l2_interpolator(P.A.transpose(-1, -2), torch.zeros(3, 15, dtype=F64)), "n=15 > d=6"),
    (lambda P: sr.step_scale(P.A[0]), r"A.shape=\(6, 15\)"),
    (lambda P: sr.step_scale(P.A.to(torch.int64)), "A.dtype=torch.int64"),
    (lambda P: sr.step_scale(P.A[:, :, :0]), r"A.shape=\(3, 6, 0\)"),
    (lambda P: sr.linear_grad(torch.zeros(3, 14, dtype=F64), P.A, P.y), r"beta.shape=\(3, 14\)"),
    (lambda P: sr.linear_grad(torch.zeros(3, 15, dtype=F64), P.A, P.y[:2]), r"y.shape=\(2, 6\)"),
    (lambda P: sr.linear_grad(torch.zeros(3, 15, dtype=F64), P.A[0], P.y), r"A.shape=\(6, 15\)"),
    (lambda P: sr.hadamard_grads(*(torch.zeros(3, 15, dtype=F64),) * 3, P.A, P.y, -0.1), "gamma=-0.1"),
    (lambda P: sr.hadamard_grads(*(torch.zeros(3, 15, dtype=F64),) * 3, P.A, P.y, float("nan")), "gamma=nan"),
    (lambda P: sr.hadamard_grads(torch.zeros(3, 15, dtype=F64), torch.zeros(3, 14, dtype=F64),
                                 torch.zeros(3, 15, dtype=F64), P.A, P.y, 0.1), r"u.shape=\(3, 14\)"),
    (lambda P: sr.hadamard_grads(*(torch.zeros(3, 15, dtype=F64),) * 3, P.A, P.y[:, :5], 0.1), r"r.shape=\(3, 5\)"),
    (lambda P: sr.hadamard_grads(*(torch.zeros(3, 15, dtype=F64),) * 3, P.A.transpose(-1, -2), P.y, 0.1),
     r"w.shape=\(3, 15\): expected \(S, d\) = \(3, 6\)"),
])
def test_bad_arguments_name_the_argument(call, match) -> None:
    with pytest.raises(ValueError, match=match):
        call(_problem())


def test_min_l1_interpolator_inside_the_certified_bracket() -> None:
    # HiGHS's basis pursuit against the independent certified bracket (Chambolle–Pock + polish, weak duality)
    from lemmata.impl.sparse_regression import min_l1_bracket, min_l1_interpolator, sparse_problem

    P = sparse_problem(10, 30, 2, S=4, noise=0.3, generator=torch.Generator().manual_seed(3))
    beta = min_l1_interpolator(P.A, P.y)
    B = min_l1_bracket(P.A, P.y, iters=3000)
    l1 = beta.abs().sum(-1)
    # 1e-7: HiGHS's default optimality/feasibility tolerance (relative); the bracket is exact up to round-off
    assert bool((l1 >= B.lower * (1 - 1e-7)).all()) and bool((l1 <= B.upper * (1 + 1e-7)).all())
    assert torch.allclose(torch.einsum("snd,sd->sn", P.A, beta), P.y, atol=1e-10)  # projected onto Aβ = y
    # noiseless and sparse enough: basis pursuit recovers β* (n = 24 ≥ 4·s·log(d/s) ≈ 21 for s = 2, d = 72)
    Q = sparse_problem(24, 72, 2, S=3, noise=0.0, generator=torch.Generator().manual_seed(4))
    assert torch.allclose(min_l1_interpolator(Q.A, Q.y), Q.beta_star, atol=1e-8)
