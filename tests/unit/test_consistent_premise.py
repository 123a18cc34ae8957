"""Unit tests for impl.consistent_premise (Chen & Luss 2018: an estimator that satisfies the consistency premise, SGD
on a convex and a nonconvex objective). References are independent: scipy.stats.binom for the factor's exact law,
autograd for the gradients, scipy.optimize for the logistic minimizer, a hand-rolled first step for SGD.

Every tolerance states its value and its reason. float64 throughout.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import optimize, stats

from lemmata.impl import consistent_premise as cpm

pytestmark = pytest.mark.unit
F64 = torch.float64


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("p", [-2.0, -1.0, -0.5, 0.5, 2.0, 3.0])
@pytest.mark.parametrize("eps", [0.05, 0.3, 0.9])
def test_factor_threshold_is_the_distance_to_the_nearer_end(p: float, eps: float) -> None:
    tau = cpm.factor_threshold(eps, p)
    x = torch.linspace(-tau, tau, 2001, dtype=F64)[1:-1]
    assert bool(((1 + x) ** p - 1).abs().lt(eps + 1e-12).all())  # 1e-12: round-off of a power near the endpoint
    ends = torch.tensor([-tau, tau], dtype=F64)
    assert float(((1 + ends) ** p - 1).abs().max()) == pytest.approx(eps, rel=1e-12)  # one end is exactly on ±ε


@pytest.mark.parametrize("N,eps,a_max,p,d", [(1, 0.5, 0.9, 2.0, 1), (10, 0.3, 0.5, -1.0, 3), (200, 0.2, 0.9, 0.5, 8),
                                             (57, 0.9, 0.2, 3.0, 4)])
def test_tail_bound_dominates_the_exact_union(N: int, eps: float, a_max: float, p: float, d: int) -> None:
    a = a_max * torch.arange(1, d + 1, dtype=F64) / d
    j = np.arange(N + 1)
    pmf = stats.binom.pmf(j, N, 0.5)
    exact = sum(float(pmf[np.abs((1 + ak * (2 * j - N) / N) ** p - 1) >= eps].sum()) for ak in a.tolist())
    assert exact <= cpm.tail_bound(N, eps, a, p) * (1 + 1e-12)  # Hoeffding + union bound; 1e-12 for round-off


def test_sample_size_is_the_smallest_with_the_horizon_bound() -> None:
    a = 0.8 * torch.arange(1, 5, dtype=F64) / 4
    for T, eps, p in [(2048, 0.5, 2.0), (100, 0.3, -1.0), (1, 0.9, 0.5)]:
        N = cpm.sample_size_for_horizon(T, 0.1, eps, a, p)
        assert cpm.tail_bound(N, eps, a, p) <= 0.1 / T
        assert N == 1 or cpm.tail_bound(N - 1, eps, a, p) > 0.1 / T


@pytest.mark.parametrize("N,p", [(1, 2.0), (7, -1.0), (50, 0.5), (300, 3.0)])
def test_mean_factor_against_scipy_binomial(N: int, p: float) -> None:
    a = torch.tensor([0.1, 0.5, 0.95], dtype=F64)
    j = np.arange(N + 1)
    ref = [float(np.sum(stats.binom.pmf(j, N, 0.5) * (1 + ak * (2 * j - N) / N) ** p)) for ak in a.tolist()]
    got = cpm.mean_factor(N, a, p)
    assert torch.allclose(got, torch.tensor(ref, dtype=F64), rtol=1e-10, atol=0)  # two summations of ≤ 301 terms
    if p not in (0.0, 1.0):
        assert bool((got != 1).all())  # biased


def test_draw_factors_reproducible_and_in_range() -> None:
    a = torch.tensor([0.2, 0.9], dtype=F64)
    r1 = cpm.draw_factors((500,), 9, a, -1.0, generator=_gen(3))
    r2 = cpm.draw_factors((500,), 9, a, -1.0, generator=_gen(3))
    assert torch.equal(r1, r2) and r1.shape == (500, 2)
    lo, hi = (1 + a) ** -1.0, (1 - a) ** -1.0
    assert bool(((r1 >= lo - 1e-15) & (r1 <= hi + 1e-15)).all())  # 1e-15: round-off of (1 + aŪ)^p at the ends


def test_argument_checks() -> None:
    a = torch.tensor([0.5], dtype=F64)
    with pytest.raises(ValueError, match="eps"):
        cpm.factor_threshold(1.0, 2.0)
    with pytest.raises(ValueError, match="p=0"):
        cpm.tail_bound(3, 0.5, a, 0.0)
    with pytest.raises(ValueError, match="amplitude"):
        cpm.tail_bound(3, 0.5, torch.tensor([1.0], dtype=F64), 2.0)
    with pytest.raises(ValueError, match="loss"):
        cpm.problem_data("hinge", 3, 2, generator=_gen(0))  # type: ignore[arg-type]


@pytest.mark.parametrize("loss", ["logistic", "cauchy"])
def test_gradients_against_autograd(loss: str) -> None:
    prob = cpm.problem_data(loss, 12, 3, generator=_gen(1), scale=2.0, outlier_frac=0.3)  # type: ignore[arg-type]
    w = torch.randn(5, 3, generator=_gen(2), dtype=F64).requires_grad_(True)
    (auto,) = torch.autograd.grad(cpm.objective(w, prob).sum(), w)
    assert torch.allclose(cpm.full_gradient(w.detach(), prob), auto, rtol=1e-12, atol=1e-14)  # round-off
    idx = torch.arange(prob.n).repeat(5, 1)  # every sample once: the minibatch mean is the full gradient
    assert torch.allclose(cpm.per_sample_gradients(w.detach(), prob, idx), auto, rtol=1e-12, atol=1e-14)  # round-off


def test_cauchy_objective_is_nonconvex() -> None:
    prob = cpm.problem_data("cauchy", 1, 1, generator=_gen(0))
    x, y = float(prob.X[0, 0]), float(prob.y[0])
    w = torch.tensor([[(y + 3.0) / x]], dtype=F64, requires_grad=True)  # residual 3 > √2: ρ'' < 0
    (g,) = torch.autograd.grad(cpm.objective(w, prob).sum(), w, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), w)
    assert float(h) < 0


def test_logistic_minimizer_against_scipy() -> None:
    prob = cpm.problem_data("logistic", 30, 4, generator=_gen(5), scale=3.0)
    w, res = cpm.logistic_minimizer(prob)
    X, y = prob.X.numpy(), prob.y.numpy()
    fun = lambda v: float(np.mean(np.logaddexp(0, -y * (X @ v))))  # noqa: E731
    jac = lambda v: -(y * stats.logistic.cdf(-y * (X @ v))) @ X / len(y)  # noqa: E731
    ref = optimize.minimize(fun, np.zeros(4), jac=jac, method="BFGS", options={"gtol": 1e-11}).x
    assert res <= 1e-12 * max(1.0, float(cpm.full_gradient(torch.zeros(1, 4, dtype=F64), prob).norm()))
    assert np.allclose(w.numpy(), ref, atol=1e-6)  # BFGS stops at ‖∇f‖ ≤ 1e-11: its w is that close over the curvature


def test_premise_sgd_first_step_by_hand() -> None:
    prob = cpm.problem_data("cauchy", 9, 3, generator=_gen(7), outlier_frac=0.2)
    a, p, N, c, b = torch.tensor([0.2, 0.5, 0.8], dtype=F64), 2.0, 11, 0.3, 2
    w0 = torch.randn(4, 3, generator=_gen(8), dtype=F64)
    tr = cpm.premise_sgd(prob, w0, estimator="consistent", steps=1, c=c, batch=b, record=[0, 1],
                         batch_generator=_gen(9), factor_generator=_gen(10), N=N, a=a, p=p)
    idx = torch.randint(0, prob.n, (4, b), generator=_gen(9))
    phi = cpm.draw_factors((4,), N, a, p, generator=_gen(10))
    grad = cpm.full_gradient(w0, prob)
    w1 = w0 - c * (cpm.per_sample_gradients(w0, prob, idx) + (phi - 1) * grad)
    assert torch.allclose(tr.w, w1, rtol=0, atol=1e-15)  # the same operations: round-off only
    # the same float64 operations in the same order as the trajectory: only round-off of O(1) numbers (1e-15)
    assert torch.allclose(tr.w_avg[:, 1], w1, atol=1e-15) and torch.allclose(tr.w_avg[:, 0], w0)
    assert torch.allclose(tr.grad_sq[:, 1], (cpm.full_gradient(w1, prob) ** 2).sum(-1), atol=1e-15)
    ratio = ((phi - 1) * grad).norm(dim=-1) / grad.norm(dim=-1)
    assert torch.allclose(tr.max_error_ratio, ratio) and bool((ratio <= (phi - 1).abs().amax(-1) + 1e-15).all())


def test_premise_sgd_common_random_numbers_and_inconsistent_bias() -> None:
    prob = cpm.problem_data("logistic", 10, 2, generator=_gen(0))
    w0 = torch.zeros(3, 2, dtype=F64)
    kw = dict(steps=5, c=0.1, batch=1, record=[5], N=4, a=torch.tensor([0.3, 0.6], dtype=F64), p=-1.0)
    bias = torch.tensor([0.01, -0.02], dtype=F64)
    t1 = cpm.premise_sgd(prob, w0, estimator="consistent", batch_generator=_gen(1), factor_generator=_gen(2), **kw)
    t2 = cpm.premise_sgd(prob, w0, estimator="inconsistent", batch_generator=_gen(1), factor_generator=_gen(2),
                         bias=bias, **kw)
    # the same minibatches and factors: the inconsistent run differs only through b (and the gradients it moves)
    assert not torch.allclose(t1.w, t2.w)
    t3 = cpm.premise_sgd(prob, w0, estimator="inconsistent", batch_generator=_gen(1), factor_generator=_gen(2),
                         bias=torch.zeros(2, dtype=F64), **kw)
    assert torch.equal(t1.w, t3.w)
    with pytest.raises(ValueError, match="bias"):
        cpm.premise_sgd(prob, w0, estimator="inconsistent", batch_generator=_gen(1), factor_generator=_gen(2), **kw)
    assert math.isfinite(float(t2.w.sum()))


def test_ridge_and_the_inverse_schedule() -> None:
    prob = cpm.problem_data("logistic", 15, 3, generator=_gen(11), lam=0.3)
    w = torch.randn(2, 3, generator=_gen(12), dtype=F64).requires_grad_(True)
    (auto,) = torch.autograd.grad(cpm.objective(w, prob).sum(), w)
    assert torch.allclose(cpm.full_gradient(w.detach(), prob), auto, rtol=1e-12, atol=1e-14)  # round-off
    w_star, res = cpm.logistic_minimizer(prob)
    assert res <= 1e-12 * max(1.0, float(cpm.full_gradient(torch.zeros(1, 3, dtype=F64), prob).norm()))
    assert cpm.step_size(4, 2.0, t0=6.0) == pytest.approx(0.2) and cpm.step_size(3, 1.0) == pytest.approx(0.5)
    w0 = torch.zeros(2, 3, dtype=F64)
    tr = cpm.premise_sgd(prob, w0, estimator="unbiased", steps=3, c=0.5, t0=4.0, batch=2, record=[0, 2, 3],
                         batch_generator=_gen(13))
    g = torch.Generator().manual_seed(13)
    w_ = w0
    for t in range(3):
        idx = torch.randint(0, prob.n, (2, 2), generator=g)
        w_ = w_ - 0.5 / (t + 4.0) * cpm.per_sample_gradients(w_, prob, idx)
        if t == 1:  # the recorded iterate is the same computation: round-off of O(1) numbers only
            assert torch.allclose(tr.w_rec[:, 1], w_, atol=1e-15)
    assert torch.allclose(tr.w_rec[:, 2], w_, atol=1e-15) and torch.equal(tr.w_rec[:, 0], w0)
