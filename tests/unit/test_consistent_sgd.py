"""Unit tests for impl.consistent_sgd (Chen & Luss 2018, arXiv 1807.11880: SGD with a biased but consistent
gradient estimator on a graph-convolution logistic regression).

Every tolerance below states its value and its reason. float64 throughout.
"""

from __future__ import annotations

import math

import pytest
import torch

from lemmata.impl import consistent_sgd as cs

pytestmark = pytest.mark.unit

F64 = torch.float64


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _data(n=6, d=3, D=5, lam=0.3, seed=0, **kw) -> cs.GraphData:
    return cs.graph_data(n, d, D, lam=lam, generator=_gen(seed), **kw)


def _w(S: int, d: int, scale: float = 1.5, seed: int = 7) -> torch.Tensor:
    return scale * torch.randn(S, d, generator=_gen(seed), dtype=F64)


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------

def test_graph_data_structure() -> None:
    data = _data(n=9, d=4, D=7, communities=3)
    assert data.X.shape == (3 * math.ceil(5 * 7 / 4), 4)
    assert data.nbr.shape == (9, 7) and data.P.shape == (9, 7) and data.y.shape == (9,)
    torch.testing.assert_close(data.P.sum(-1), torch.ones(9, dtype=F64), rtol=0, atol=1e-15)  # softmax round-off
    assert bool((data.P > 0).all())
    for i in range(9):  # distinct neighbours, all in node i's community pool
        row = data.nbr[i].tolist()
        assert len(set(row)) == 7
        pool = math.ceil(5 * 7 / 4)
        assert all((j // pool) == i % 3 for j in row)
    assert set(data.y.tolist()) <= {-1.0, 1.0}


def test_graph_data_uniform_weights_at_zero_spread() -> None:
    data = _data(weight_spread=0.0)
    # exact: with no spread every weight is the same normalized constant, no arithmetic can differ
    torch.testing.assert_close(data.P, torch.full_like(data.P, 1 / data.D), rtol=0, atol=0)


@pytest.mark.parametrize(("kw", "match"), [({"n": 0}, "n=0"), ({"D": 0}, "D=0"), ({"lam": 0.0}, "lam=0.0"),
                                           ({"lam": float("nan")}, "lam=nan"), ({"communities": 0}, "communities=0"),
                                           ({"weight_spread": -1.0}, "weight_spread=-1.0")])
def test_graph_data_rejects_bad_arguments(kw, match) -> None:
    args = {"n": 4, "d": 2, "D": 3, "lam": 0.1, **kw}
    n, d, D, lam = args.pop("n"), args.pop("d"), args.pop("D"), args.pop("lam")
    with pytest.raises(ValueError, match=match):
        cs.graph_data(n, d, D, lam=lam, generator=_gen(0), **args)


# ---------------------------------------------------------------------------------------------
# gradients against autograd; Newton
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("weighted", [False, True])
def test_full_gradient_matches_autograd(weighted: bool) -> None:
    data = _data(n=8, d=4, D=6)
    A = cs.aggregates(data)
    c = torch.rand(8, generator=_gen(3), dtype=F64) if weighted else None
    w = _w(5, 4).requires_grad_(True)
    (g_ref,) = torch.autograd.grad(cs.loss(w, A, data.y, data.lam, c).sum(), w)
    # 1e-13: the same sums of ≤ 8 terms of size O(‖a‖) in two orders
    torch.testing.assert_close(cs.full_gradient(w.detach(), A, data.y, data.lam, c), g_ref, rtol=1e-13, atol=1e-14)


def test_node_gradients_match_autograd() -> None:
    data = _data(n=5, d=3, D=4)
    A_hat = torch.randn(2, 3, 3, generator=_gen(1), dtype=F64) * 3.0  # arbitrary aggregates, 3 nodes per seed
    y = torch.tensor([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]], dtype=F64)
    w = _w(2, 3).requires_grad_(True)
    per_node = torch.nn.functional.softplus(-y * torch.einsum("sbd,sd->sb", A_hat, w)) + 0.5 * data.lam * (w * w).sum(-1, keepdim=True)
    G = torch.stack([torch.autograd.grad(per_node[:, b].sum(), w, retain_graph=True)[0] for b in range(3)], 1)
    # 1e-13: one logistic derivative times a 3-vector plus λw, evaluated in two orders: round-off only
    torch.testing.assert_close(cs.node_gradients(w.detach(), A_hat, y, data.lam), G, rtol=1e-13, atol=1e-14)


def test_newton_minimizer_is_stationary_and_minimal() -> None:
    data = _data(n=12, d=4, D=6, lam=0.05)
    A = cs.aggregates(data)
    w_star, residual = cs.newton_minimizer(A, data.y, data.lam)
    assert residual <= 1e-12  # quadratic convergence: the stopping rule 1e-13·max(1, ‖∇f(0)‖) with ‖∇f(0)‖ ≤ ~1
    f_star = cs.loss(w_star[None], A, data.y, data.lam)
    around = w_star + 1e-3 * torch.randn(32, 4, generator=_gen(5), dtype=F64)
    assert bool((cs.loss(around, A, data.y, data.lam) > f_star).all())  # strongly convex: a strict minimum


# ---------------------------------------------------------------------------------------------
# sampling and the Horvitz–Thompson aggregate
# ---------------------------------------------------------------------------------------------

def test_sample_neighbours_distinct_and_uniform() -> None:
    D, N = 6, 2
    slots = cs.sample_neighbours((20000,), D, N, generator=_gen(2))
    assert slots.shape == (20000, N)
    assert bool((slots[:, 0] != slots[:, 1]).all()) and int(slots.min()) >= 0 and int(slots.max()) < D
    freq = torch.bincount(slots.reshape(-1), minlength=D).to(F64) / 20000
    # each slot is included with probability N/D = 1/3; binomial standard error √(p(1 − p)/20000) ≈ 3.3e-3, 5σ
    torch.testing.assert_close(freq, torch.full((D,), N / D, dtype=F64), rtol=0, atol=5 * math.sqrt(2 / 9 / 20000))


def test_sample_neighbours_rejects_n_above_d() -> None:
    with pytest.raises(ValueError, match="N=5"):
        cs.sample_neighbours((3,), 4, 5, generator=_gen(0))


def test_ht_aggregate_is_exact_at_all_neighbours() -> None:
    data = _data(n=7, d=3, D=5)
    V = data.neighbour_features()
    nodes = torch.arange(7).reshape(7, 1).expand(7, 4)
    slots = cs.sample_neighbours((7, 4), 5, 5, generator=_gen(3))
    A_hat = cs.ht_aggregates(V, nodes, slots)
    # N = D: every neighbour, weight D/N = 1, summed in a random order: round-off only
    torch.testing.assert_close(A_hat, cs.aggregates(data).unsqueeze(1).expand(7, 4, 3), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("N", [1, 2, 4])
def test_ht_aggregate_moments_by_enumeration(N: int) -> None:
    data = _data(n=4, d=3, D=6, weight_spread=1.5, feature_noise=1.0)
    A_sub = cs.subset_aggregates(data, N)  # (n, C, d)
    assert A_sub.shape[1] == math.comb(6, N)
    # exact identity (each slot is in the same share of the subsets); 1e-13 for the mean over ≤ 20 subsets
    torch.testing.assert_close(A_sub.mean(1), cs.aggregates(data), rtol=1e-13, atol=1e-14)
    dev = A_sub - A_sub.mean(1, keepdim=True)
    cov = dev.transpose(1, 2) @ dev / A_sub.shape[1]
    # ≤ 20 subsets, second moments of O(1) values: round-off ≪ 1e-13
    torch.testing.assert_close(cov, cs.aggregate_covariance(data, N), rtol=1e-12, atol=1e-13)


def test_enumerate_subsets() -> None:
    sub = cs.enumerate_subsets(5, 3)
    assert sub.shape == (10, 3)
    assert len({tuple(r) for r in sub.tolist()}) == 10
    with pytest.raises(ValueError, match="N=4"):
        cs.enumerate_subsets(3, 4)
    with pytest.raises(ValueError, match="too many"):
        cs.enumerate_subsets(64, 32)


# ---------------------------------------------------------------------------------------------
# the estimators: exact means, bias, the sampled objective
# ---------------------------------------------------------------------------------------------

def test_unbiased_estimator_mean_is_full_gradient() -> None:
    data = _data(n=9, d=3, D=4)
    w = _w(3, 3)
    nodes = torch.arange(9).repeat(3).reshape(27, 1)
    g = cs.unbiased_estimator(w.repeat_interleave(9, 0), data, nodes).reshape(3, 9, 3).mean(1)
    full = cs.full_gradient(w, cs.aggregates(data), data.y, data.lam)
    torch.testing.assert_close(g, full, rtol=1e-13, atol=1e-14)  # mean of 9 terms: round-off


def test_expected_consistent_gradient_matches_monte_carlo() -> None:
    data = _data(n=5, d=2, D=6, weight_spread=1.0, feature_noise=1.0)
    w = _w(1, 2, scale=2.0)
    N, R = 2, 200000
    exact = cs.expected_consistent_gradient(w, data, N)  # (1, d)
    nodes = torch.randint(0, 5, (R, 1), generator=_gen(4))
    draws = cs.consistent_estimator(w.expand(R, 2), data, nodes, N, generator=_gen(6))  # (R, d)
    mc, se = draws.mean(0), draws.std(0) / math.sqrt(R)
    # Monte Carlo against enumeration: 5 standard errors per coordinate
    assert bool(((mc - exact[0]).abs() <= 5 * se).all()), (mc, exact, se)


def test_consistent_estimator_bias_is_zero_at_all_neighbours_and_nonzero_below() -> None:
    data = _data(n=6, d=3, D=5, weight_spread=1.0, feature_noise=1.0)
    w = _w(4, 3, scale=2.0)
    full = cs.full_gradient(w, cs.aggregates(data), data.y, data.lam)
    bias = torch.stack([(cs.expected_consistent_gradient(w, data, N) - full).norm(dim=-1) for N in range(1, 6)], -1)
    assert float(bias[:, -1].max()) <= 1e-14  # N = D: â = a, round-off only
    assert float(bias[:, :-1].min()) > 1e-6  # ℓ' is nonlinear: biased for N < D at generic w
    bound = torch.stack([cs.bias_bound(w, data, N) for N in range(1, 6)], -1)
    assert bool((bias <= bound + 1e-14).all())
    assert float(bound[:, -1].abs().max()) == 0.0  # C = 0 exactly at N = D


def test_bias_is_zero_at_w_zero() -> None:
    # ℓ'(0) = −½ is constant, so at w = 0 the estimator is linear in â: unbiased for every N (a sanity check)
    data = _data(n=4, d=2, D=5, weight_spread=1.0)
    w = torch.zeros(1, 2, dtype=F64)
    full = cs.full_gradient(w, cs.aggregates(data), data.y, data.lam)
    for N in (1, 3):
        torch.testing.assert_close(cs.expected_consistent_gradient(w, data, N), full, rtol=0, atol=1e-15)


def test_sampled_objective_minimizer_is_the_fixed_n_fixed_point() -> None:
    data = _data(n=5, d=2, D=6, weight_spread=1.0, feature_noise=1.0)
    w_N, residual = cs.sampled_objective_minimizer(data, 2)
    assert residual <= 1e-12
    g = cs.expected_consistent_gradient(w_N[None], data, 2)
    torch.testing.assert_close(g, torch.zeros_like(g), rtol=0, atol=1e-12)  # E g_2(w*_2) = ∇f_2(w*_2) = 0
    w_star, _ = cs.newton_minimizer(cs.aggregates(data), data.y, data.lam)
    assert float((w_N - w_star).norm()) > 1e-4  # the floor is real
    w_D, _ = cs.sampled_objective_minimizer(data, 6)
    torch.testing.assert_close(w_D, w_star, rtol=0, atol=1e-12)  # N = D: f_D = f


# ---------------------------------------------------------------------------------------------
# SGD
# ---------------------------------------------------------------------------------------------

def _sgd(data, estimator, *, steps=50, sizes=None, w_ref=None, S=4, record=(0, 10, 50)):
    w_ref = torch.zeros(data.d, dtype=F64) if w_ref is None else w_ref
    return cs.sgd(data, torch.zeros(S, data.d, dtype=F64), estimator=estimator, steps=steps, mu=data.lam, t0=4.0,
                  batch=2, w_ref=w_ref, record=record, node_generator=_gen(11), neighbour_generator=_gen(12),
                  sample_sizes=sizes)


def test_consistent_sgd_at_all_neighbours_is_unbiased_sgd() -> None:
    # common random numbers: the same node minibatches; at N = D the consistent estimator is the unbiased one
    data = _data(n=7, d=3, D=4)
    unb = _sgd(data, "unbiased")
    con = _sgd(data, "consistent", sizes=[4] * 50)
    torch.testing.assert_close(con.w, unb.w, rtol=1e-12, atol=1e-13)  # 50 steps of round-off-level differences
    torch.testing.assert_close(con.sq_dist, unb.sq_dist, rtol=1e-11, atol=1e-13)


def test_sgd_converges_towards_w_star() -> None:
    data = _data(n=10, d=3, D=6)
    w_star, _ = cs.newton_minimizer(cs.aggregates(data), data.y, data.lam)
    tr = _sgd(data, "unbiased", steps=2000, w_ref=w_star, S=16, record=(0, 2000))
    assert float(tr.sq_dist[:, -1].mean()) < 0.05 * float(tr.sq_dist[:, 0].mean())


def test_sgd_records_several_references() -> None:
    data = _data()
    refs = torch.randn(3, data.d, generator=_gen(8), dtype=F64)
    tr = _sgd(data, "unbiased", w_ref=refs)
    assert tr.sq_dist.shape == (4, 3, 3)
    one = _sgd(data, "unbiased", w_ref=refs[1])
    torch.testing.assert_close(tr.sq_dist[:, 1], one.sq_dist, rtol=0, atol=0)
    assert tr.t.tolist() == [0.0, 10.0, 50.0]


@pytest.mark.parametrize(("kw", "match"), [
    ({"estimator": "biased"}, "estimator='biased'"),
    ({"estimator": "consistent"}, "needs neighbour_generator and sample_sizes"),
    ({"estimator": "consistent", "sample_sizes": [1] * 3, "neighbour_generator": None}, "needs"),
    ({"estimator": "consistent", "sample_sizes": [1] * 4}, "one sample size per step"),
    ({"estimator": "consistent", "sample_sizes": [1, 9, 1, 1, 1]}, "sample_sizes contains 9"),
    ({"record": [0, 6]}, "record="),
    ({"w0": torch.zeros(2, 5, dtype=F64)}, "w.shape=\\(2, 5\\)"),
    ({"w_ref": torch.zeros(5, dtype=F64)}, "w_ref.shape"),
    ({"mu": 0.0}, "mu=0.0"),
    ({"batch": 0}, "batch=0"),
])
def test_sgd_rejects_bad_arguments(kw, match) -> None:
    data = _data(n=4, d=3, D=4)
    args = dict(estimator="unbiased", steps=5, mu=0.3, t0=2.0, batch=1, w_ref=torch.zeros(3, dtype=F64),
                record=[0, 5], node_generator=_gen(0), neighbour_generator=_gen(1), sample_sizes=None,
                w0=torch.zeros(2, 3, dtype=F64))
    if kw.get("estimator") == "consistent" and "neighbour_generator" not in kw:
        args["neighbour_generator"] = _gen(1)
    args.update(kw)
    w0 = args.pop("w0")
    with pytest.raises(ValueError, match=match):
        cs.sgd(data, w0, **args)


def test_step_size_schedule() -> None:
    assert cs.step_size(0, mu=0.5, t0=4.0) == pytest.approx(1.0)  # c/(μ(t + t0)) = 2/(0.5·4), exact in float
    assert cs.step_size(6, mu=0.5, t0=4.0, c=1.0) == pytest.approx(0.2)


# ---------------------------------------------------------------------------------------------
# input validation of the building blocks
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("N", [0, -1, 6])
def test_aggregate_covariance_and_bias_bound_reject_sample_sizes_outside_one_to_d(N: int) -> None:
    data = _data(n=4, d=2, D=5)
    with pytest.raises(ValueError, match=f"N={N}"):
        cs.aggregate_covariance(data, N)
    with pytest.raises(ValueError, match=f"N={N}"):
        cs.bias_bound(_w(2, 2), data, N)


def test_bias_bound_checks_the_shape_of_w() -> None:
    with pytest.raises(ValueError, match="w.shape=\\(2, 3\\)"):
        cs.bias_bound(_w(2, 3), _data(n=4, d=2, D=5), 2)


@pytest.mark.parametrize("bad", [-1, 6])
def test_unbiased_estimator_rejects_node_indices_out_of_range(bad: int) -> None:
    data = _data(n=6, d=3, D=4)
    nodes = torch.tensor([[0, bad]])
    with pytest.raises(ValueError, match="nodes has entries in"):
        cs.unbiased_estimator(_w(1, 3), data, nodes)


def test_unbiased_estimator_rejects_non_integer_nodes() -> None:
    with pytest.raises(ValueError, match="nodes: expected a long tensor"):
        cs.unbiased_estimator(_w(1, 3), _data(n=6, d=3, D=4), torch.tensor([[0.0, 1.0]]))


@pytest.mark.parametrize(("nodes", "slots", "match"), [
    (torch.tensor([-1]), torch.tensor([[0, 1]]), "nodes has entries in \\[-1, -1\\]"),
    (torch.tensor([7]), torch.tensor([[0, 1]]), "nodes has entries in \\[7, 7\\]"),
    (torch.tensor([1]), torch.tensor([[0, -2]]), "slots has entries in"),
    (torch.tensor([1]), torch.tensor([[0, 4]]), "slots has entries in"),
    (torch.tensor([1, 2]), torch.tensor([[0, 1]]), "slots.shape=\\(1, 2\\)"),
])
def test_ht_aggregates_rejects_bad_indices(nodes, slots, match) -> None:
    V = _data(n=7, d=3, D=4).neighbour_features()
    with pytest.raises(ValueError, match=match):
        cs.ht_aggregates(V, nodes, slots)


@pytest.mark.parametrize(("kw", "match"), [({"mu": 0.0}, "mu=0.0"), ({"mu": -0.5}, "mu=-0.5"),
                                           ({"mu": float("inf")}, "mu=inf"), ({"t0": 0.0}, "t0=0.0"),
                                           ({"c": 0.0}, "c=0.0")])
def test_step_size_rejects_bad_arguments(kw, match) -> None:
    args = {"mu": 0.5, "t0": 4.0, "c": 2.0, **kw}
    with pytest.raises(ValueError, match=match):
        cs.step_size(3, **args)


@pytest.mark.parametrize("fn", [cs.loss, cs.full_gradient])
@pytest.mark.parametrize(("which", "bad", "match"), [
    ("A", torch.zeros(5, dtype=F64), "A.shape=\\(5,\\)"),
    ("y", torch.ones(4, dtype=F64), "y.shape=\\(4,\\)"),
    ("y", torch.ones(5, 1, dtype=F64), "y.shape=\\(5, 1\\)"),
    ("w", torch.zeros(2, 4, dtype=F64), "w.shape=\\(2, 4\\)"),
    ("w", torch.zeros(3, dtype=F64), "w.shape=\\(3,\\)"),
    ("weights", torch.ones(3, dtype=F64), "weights.shape=\\(3,\\)"),
])
def test_loss_and_full_gradient_check_shapes(fn, which, bad, match) -> None:
    args = {"w": torch.zeros(2, 3, dtype=F64), "A": torch.ones(5, 3, dtype=F64), "y": torch.ones(5, dtype=F64),
            "weights": None, which: bad}
    with pytest.raises(ValueError, match=match):
        fn(args["w"], args["A"], args["y"], 0.1, args["weights"])
