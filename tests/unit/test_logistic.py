"""Unit tests of impl.logistic (erf two-layer net, logistic loss; Nitanda, Chinot, Suzuki 2019).

Tolerances: hand-written and autograd gradients compute the same float64 sums in a different order, so they
agree to round-off (rtol 1e-10, atol 1e-13); Monte Carlo checks of the closed-form kernel use 6 standard errors.
"""

from __future__ import annotations

import math

import pytest
import torch

from lemmata.impl import logistic as lg
from lemmata.impl import two_layer as tl

pytestmark = pytest.mark.unit


def _data(n: int = 6, d: int = 4, gap: float = 0.1, seed: int = 0, **kw):
    return lg.teacher_data(n, d, gap=gap, generator=torch.Generator().manual_seed(seed), **kw)


def test_logistic_derivative_matches_autograd() -> None:
    # log1p(exp(−z)) rather than softplus: torch's softplus is linear past −z > 20, so its derivative there is
    # exactly −1, an approximation of its own (1e-9 off at z = −20.5)
    z = torch.linspace(-30, 30, 121, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(torch.log1p(torch.exp(-z)).sum(), z)
    torch.testing.assert_close(lg.logistic_derivative(z.detach()), g, rtol=1e-12, atol=1e-15)


def test_activation_derivative_matches_autograd() -> None:
    z = torch.linspace(-5, 5, 101, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(lg.activation(z).sum(), z)
    torch.testing.assert_close(lg.activation_derivative(z.detach()), g, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("n", "d", "m"), [(1, 1, 1), (5, 3, 7), (12, 8, 64)])
def test_grad_matches_autograd(n: int, d: int, m: int) -> None:
    X, y, _ = _data(n, d, radius=3.0)
    W, a = tl.init_weights(m, d, [0, 1, 2])
    Wg = W.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(lg.loss(Wg, a, X, y).sum(), Wg)
    torch.testing.assert_close(lg.grad_w(W, a, X, y), g, rtol=1e-10, atol=1e-13)


def test_predict_and_loss_match_the_definition() -> None:
    X, y, _ = _data(5, 3)
    W, a = tl.init_weights(4, 3, [3])
    f = sum(a[0, r] * torch.erf(X @ W[0, r]) for r in range(4)) / 2.0
    torch.testing.assert_close(lg.predict(W, a, X)[0], f, rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(lg.loss(W, a, X, y)[0], torch.log1p(torch.exp(-y * f)).mean(), rtol=1e-12, atol=0.0)


def test_closed_form_kernel_against_monte_carlo() -> None:
    X, _, _ = _data(4, 3, radius=3.0)
    W, _ = tl.init_weights(20_000, 3, list(range(32)))
    est = lg.tangent_gram(W, X)
    se = est.std(0) / math.sqrt(32)
    assert bool(((est.mean(0) - lg.erf_ntk(X)).abs() <= 6 * se + 1e-12).all())


def test_kernel_is_odd_and_handles_two_sets() -> None:
    X, _, _ = _data(4, 3)
    K = lg.erf_ntk(X, -X)
    torch.testing.assert_close(K, -lg.erf_ntk(X), rtol=1e-14, atol=0.0)
    assert lg.erf_ntk(X[:2], X).shape == (2, 4)
    # unit inputs: K(x, x) = (4/π)/√5
    assert math.isclose(float(lg.erf_ntk(X)[0, 0]), 4 / math.pi / math.sqrt(5), rel_tol=1e-12)


def test_teacher_data_margin_labels_norms_and_reproducibility() -> None:
    X, y, rho = _data(20, 5, gap=0.2, radius=3.0)
    assert X.shape == (20, 5) and y.shape == (20,)
    assert set(y.tolist()) <= {-1.0, 1.0}
    assert rho >= 0.2
    torch.testing.assert_close(X.norm(dim=-1), torch.full((20,), 3.0, dtype=torch.float64))
    X2, y2, rho2 = _data(20, 5, gap=0.2, radius=3.0)
    assert torch.equal(X, X2) and torch.equal(y, y2) and rho == rho2
    _, y3, _ = _data(20, 5, gap=0.2, radius=3.0, flip=3)
    assert int((y3 != y).sum()) == 3


def test_teacher_data_rejects_impossible_gap() -> None:
    with pytest.raises(ValueError, match="gap="):
        _data(4, 3, gap=0.9)  # |g| ≤ √K(x, x) ≈ 0.755 on the unit sphere


def test_margin_upper_bound_one_point_is_exact_and_bounds_the_teacher_margin() -> None:
    # one point: the best margin is ‖φ(x)‖ = √K∞(x, x) and the dual optimum α = 1/K∞(x, x) is a fixed point
    X, y, _ = _data(1, 3, radius=3.0)
    assert math.isclose(lg.margin_upper_bound(X, y), math.sqrt(float(lg.erf_ntk(X)[0, 0])), rel_tol=1e-12)
    # the teacher's unit-norm v certifies ρ from below, so ρ ≤ ρ* ≤ the bound (at any number of steps)
    X, y, rho = _data(12, 3, gap=0.2, radius=3.0)
    for iters in (1, 10, 2000):
        assert lg.margin_upper_bound(X, y, iters=iters) >= rho
    assert lg.margin_upper_bound(X, y, iters=0) == math.inf  # α = 0: no certificate


def test_margin_upper_bound_detects_inseparable_labels() -> None:
    # x and −x with the same label: K∞(x, −x) = −K∞(x, x), so no v separates them and ρ* = 0; the dual grows
    # without bound along α₁ = α₂ (by 1/(2K∞(x, x)) a step), so the bound falls like √K∞(x, x)/√(2·iters)
    X, y, _ = _data(1, 3, radius=3.0)
    X2, y2 = torch.cat([X, -X]), torch.cat([y, y])
    k = float(lg.erf_ntk(X)[0, 0])
    for iters in (200, 2000):
        assert math.isclose(lg.margin_upper_bound(X2, y2, iters=iters), math.sqrt(k / (2 * iters)), rel_tol=1e-6)
    with pytest.raises(ValueError, match="y.shape"):
        lg.margin_upper_bound(X2, y)


def test_labels_must_be_plus_minus_one() -> None:
    X, _, _ = _data(3, 2)
    W, a = tl.init_weights(2, 2, [0])
    with pytest.raises(ValueError, match="labels must be"):
        lg.loss(W, a, X, torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64))


def test_gd_trajectory_steps_records_and_decreases() -> None:
    X, y, _ = _data(8, 4, radius=3.0)
    W, a = tl.init_weights(16, 4, [0, 1])
    tr = lg.gd_trajectory(W, a, X, y, eta=2.0, steps=30)
    assert tr.loss.shape == tr.train_error.shape == tr.min_margin.shape == tr.max_dist.shape == (2, 31)
    one = lg.gd_trajectory(W, a, X, y, eta=2.0, steps=1)
    torch.testing.assert_close(one.W, W - 2.0 * lg.grad_w(W, a, X, y), rtol=1e-13, atol=1e-15)
    torch.testing.assert_close(tr.loss[:, 0], lg.loss(W, a, X, y), rtol=1e-14, atol=0.0)
    assert bool((tr.loss[:, 1:] <= tr.loss[:, :-1]).all())
    assert float(tr.max_dist[:, 0].abs().max()) == 0.0
    torch.testing.assert_close(tr.min_margin[:, -1], (y * lg.predict(tr.W, a, X)).amin(-1), rtol=1e-12, atol=1e-14)
    assert not bool(tr.diverged.any())


def test_gd_trajectory_per_seed_step_sizes_and_zero_steps() -> None:
    X, y, _ = _data(5, 3)
    W, a = tl.init_weights(4, 3, [0, 1])
    tr = lg.gd_trajectory(W, a, X, y, eta=torch.tensor([0.0, 1.0], dtype=torch.float64), steps=2)
    assert torch.equal(tr.W[0], W[0]) and not torch.equal(tr.W[1], W[1])
    assert lg.gd_trajectory(W, a, X, y, eta=1.0, steps=0).loss.shape == (2, 1)


def test_gd_trajectory_freezes_a_diverged_seed() -> None:
    X, y, _ = _data(5, 3)
    W, a = tl.init_weights(4, 3, [0, 1])
    W = W.clone()
    W[0, 0, 0] = math.nan
    tr = lg.gd_trajectory(W, a, X, y, eta=1.0, steps=3)
    assert bool(tr.diverged[0]) and not bool(tr.diverged[1])
    assert bool(torch.isinf(tr.loss[0]).all()) and bool(torch.isfinite(tr.loss[1]).all())
