"""Unit tests of impl.coupled (coupled initialization, Munteanu et al. 2022) on top of impl.two_layer."""

from __future__ import annotations

import math

import pytest
import torch

from lemmata.impl import coupled as cp
from lemmata.impl import two_layer as tl

pytestmark = pytest.mark.unit

# Tolerances: coupled and base nets compute the same sums in a different order, so they agree to float64
# round-off of O(1) sums over m terms: rtol 1e-12, atol 1e-14.


def _inputs(n: int, d: int, seed: int = 0) -> torch.Tensor:
    return tl.sphere_inputs(n, d, generator=torch.Generator().manual_seed(seed))


def test_shapes_pairs_and_signs() -> None:
    W, a = cp.coupled_init(6, 3, [1, 2])
    assert W.shape == (2, 6, 3) and a.shape == (2, 6) and W.dtype == torch.float64
    assert torch.equal(W[:, 0::2], W[:, 1::2])
    assert torch.equal(a[:, 0::2], -a[:, 1::2])
    assert set(a.unique().tolist()) <= {-1.0, 1.0}


def test_built_from_the_base_net_of_the_same_seeds() -> None:
    W, a = cp.coupled_init(8, 4, [5, 7])
    Wb, ab = tl.init_weights(4, 4, [5, 7])
    assert torch.equal(W[:, 0::2], Wb) and torch.equal(a[:, 0::2], ab)
    Wb2, ab2 = cp.base_weights(8, 4, [5, 7])
    assert torch.equal(Wb2, Wb) and torch.equal(ab2, ab)


def test_each_seed_reproduces_alone() -> None:
    W, a = cp.coupled_init(10, 3, [3, 4, 5])
    W1, a1 = cp.coupled_init(10, 3, [4])
    assert torch.equal(W[1:2], W1) and torch.equal(a[1:2], a1)


@pytest.mark.parametrize(("n", "d", "m"), [(1, 1, 2), (5, 3, 8), (16, 7, 512)])
def test_output_zero_at_init(n: int, d: int, m: int) -> None:
    W, a = cp.coupled_init(m, d, [0, 1, 2])
    u = tl.predict(W, a, _inputs(n, d))
    assert float(u.abs().max()) <= 2 * m * torch.finfo(torch.float64).eps * 10


def test_same_sign_control_doubles_the_base_sum() -> None:
    X = _inputs(6, 4)
    W, a = cp.coupled_init(16, 4, [3], output_signs="same")
    Wb, ab = cp.base_weights(16, 4, [3])
    # m^{-1/2}·2·Σ_base = √2 · (m/2)^{-1/2} Σ_base
    torch.testing.assert_close(tl.predict(W, a, X), 2 ** 0.5 * tl.predict(Wb, ab, X), rtol=1e-12, atol=1e-14)


def test_gram_equals_base_gram() -> None:
    X = _inputs(9, 5)
    W, _ = cp.coupled_init(64, 5, [0, 1])
    Wb, _ = cp.base_weights(64, 5, [0, 1])
    torch.testing.assert_close(tl.gram_w(W, X), tl.gram_w(Wb, X), rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(tl.gram_a(W, X), tl.gram_a(Wb, X), rtol=1e-12, atol=1e-14)


def test_gd_gradient_matches_autograd_under_coupling() -> None:
    """tl's hand-written gradient at the coupled init (u = 0 there) against autograd of tl.loss."""
    X = _inputs(5, 3)
    y = tl.bounded_labels(5, generator=torch.Generator().manual_seed(1))
    W, a = cp.coupled_init(8, 3, [2])
    Wr = W.clone().requires_grad_(True)
    tl.loss(Wr, a, X, y).sum().backward()
    torch.testing.assert_close(tl.grad_w(W, a, X, y), Wr.grad, rtol=1e-12, atol=1e-14)
    # the pair members move in opposite directions: their gradients are negatives of each other
    g = tl.grad_w(W, a, X, y)
    torch.testing.assert_close(g[:, 0::2], -g[:, 1::2], rtol=0, atol=1e-15)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"m": 7, "d": 3, "seeds": [0]}, "m=7"),
    ({"m": 0, "d": 3, "seeds": [0]}, "m=0"),
    ({"m": 4, "d": 0, "seeds": [0]}, "d=0"),
    ({"m": 4, "d": 3, "seeds": []}, "seeds"),
    ({"m": 4, "d": 3, "seeds": [0], "output_signs": "up"}, "output_signs"),
])
def test_invalid_arguments(kwargs, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        cp.coupled_init(**kwargs)


def test_even_width_ladder() -> None:
    from lemmata.theorems.munteanu2022 import even_width_ladder

    widths = even_width_ladder(4, 64)
    assert widths[0] == 4 and widths[-1] <= 64
    assert all(w % 2 == 0 for w in widths) and widths == sorted(set(widths))


# ---------------------------------------------------------------------------------------------
# the logistic loss (issue 17)
# ---------------------------------------------------------------------------------------------

def test_margin_data_has_the_declared_margin() -> None:
    from lemmata.impl.coupled import margin_data

    X, y, u = margin_data(40, 5, 0.15, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(X.norm(dim=-1), torch.ones(40, dtype=X.dtype), atol=1e-14)  # unit inputs (round-off)
    margins = y * (X @ u)
    assert float(margins.min()) == pytest.approx(0.15, abs=1e-14) and bool((margins >= 0.15 - 1e-14).all())


def test_logistic_gd_step_matches_autograd() -> None:
    from lemmata.impl.coupled import coupled_init, logistic_gd, margin_data

    X, y, _ = margin_data(7, 4, 0.2, generator=torch.Generator().manual_seed(1))
    W0, a = tl.init_weights(6, 4, (3, 4), dtype=torch.float64)
    W = W0.clone().requires_grad_(True)
    f = torch.einsum("sm,smn->sn", a, torch.relu(torch.einsum("smd,nd->smn", W, X))) / 6**0.5
    L = torch.logaddexp(torch.zeros_like(f), -y * f).mean(-1)
    (g,) = torch.autograd.grad(L.sum(), W)
    run = logistic_gd(W0, a, X, y, eta=0.7, steps=1)
    assert torch.allclose(run.W, W0 - 0.7 * g, atol=1e-14)  # one step; round-off only (no pre-activation is 0)
    assert torch.allclose(run.loss[:, 0], L.detach(), atol=1e-15)
    Wc, ac = coupled_init(6, 4, (5,), dtype=torch.float64)
    r0 = logistic_gd(Wc, ac, X, y, eta=1.0, steps=0)
    assert torch.allclose(r0.loss[:, 0], torch.full((1,), math.log(2.0), dtype=torch.float64), atol=1e-15)
    assert float(r0.min_margin.abs().max()) < 1e-15  # the coupled net outputs 0 at init
