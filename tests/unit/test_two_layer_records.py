"""Recorded quantities of the trajectories against direct computations at every step, and the
flip certificate's soundness at the tiny radii Lemma 3.2 uses (a review found both under-tested)."""

from __future__ import annotations

import pytest
import torch

from lemmata.impl import two_layer as tl

pytestmark = pytest.mark.unit


def _setup(n=6, d=5, m=40, S=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = tl.sphere_inputs(n, d, generator=g)
    y = tl.bounded_labels(n, generator=g)
    W0, a = tl.init_weights(m, d, list(range(100, 100 + S)))
    return X, y, W0, a


def test_gd_records_match_a_manual_loop_at_every_step() -> None:
    X, y, W0, a = _setup()
    eta, K = 0.3, 6
    tr = tl.gd_trajectory(W0, a, X, y, eta=eta, steps=K)
    W = W0.clone()
    for k in range(K + 1):
        u = tl.predict(W, a, X)
        assert torch.allclose(tr.residual_sq[:, k], ((u - y) ** 2).sum(-1), rtol=1e-12)
        dist = (W - W0).norm(dim=-1).amax(-1)
        assert torch.allclose(tr.max_dist[:, k], dist, rtol=1e-12, atol=1e-15)
        changed = (tl.preactivations(W, X) >= 0) != (tl.preactivations(W0, X) >= 0)
        assert torch.allclose(tr.flips[:, k], changed.double().mean(dim=(-2, -1)), atol=1e-15)
        if k == K:
            break
        # the update: W ← W − η ∂L/∂W, with the gradient from autograd (independent of grad_w)
        Wg = W.clone().requires_grad_(True)
        tl.loss(Wg, a, X, y).sum().backward()
        W = W - eta * Wg.grad
    assert torch.allclose(tr.W, W, rtol=1e-12, atol=1e-14)
    assert tr.flips[:, -1].sum() > 0, "the case must flip some patterns, or the flip check is vacuous"


def test_flip_certificate_is_sound_at_tiny_radius() -> None:
    """Radius just above the smallest margin: one (r, i) pattern can flip; the union rule must count it
    for every pair (i, j), which an intersection rule would miss."""
    X, _, W0, _ = _setup(n=5, d=4, m=30, S=4)
    margins = (W0 @ X.T).abs()  # (S, m, n)
    for s in range(W0.shape[0]):
        r, i = divmod(int(margins[s].argmin()), margins.shape[-1])
        radius = float(margins[s, r, i]) * 1.5
        W = W0[s:s + 1].clone()
        # push w_r across the hyperplane of x_i, within the ball
        direction = -torch.sign(W[0, r] @ X[i]) * X[i]
        W[0, r] = W[0, r] + radius * direction
        assert (W[0, r] - W0[s, r]).norm() <= radius * (1 + 1e-12)
        change = (tl.gram_w(W, X) - tl.gram_w(W0[s:s + 1], X)).abs().sum()
        assert change > 0, "the push must change H"
        cert = tl.flip_certificate(W0[s:s + 1], X, radius=radius)
        assert change <= cert[0] * (1 + 1e-12), (float(change), float(cert[0]))
