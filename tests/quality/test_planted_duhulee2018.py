"""Quality tier for duhulee2018: a planted backward-pass bug makes Theorem 2.1 (balancedness) fail, and the
one-step check's independent reference (autograd) catches a bug that the hand-written identity alone shared
with the gradient it checks."""

from __future__ import annotations

import pytest
import torch

from lemmata.impl import homogeneous as hm

pytestmark = pytest.mark.quality

_real_slope = hm._loss_slope


def mask_from_wrong_layer(Ws, zs):
    """The backward pass gates δ_k with the ReLU pattern of layer k+1 instead of layer k (it broadcasts)."""
    K = len(Ws)
    deltas = [torch.ones_like(zs[-1])]
    for k in range(K - 2, -1, -1):
        deltas.append(torch.matmul(deltas[-1], Ws[k + 1]) * (zs[k + 1] > 0).to(zs[k].dtype))
    return deltas[::-1]


def loss_slope_doubled(q, loss):
    """−ℓ′ off by a factor 2 on every layer alike (a dropped ½): Euler's identity still holds layer by layer, so
    the flow's balancedness cannot see it; only a reference outside the hand-written gradient can."""
    return 2.0 * _real_slope(q, loss)


@pytest.mark.catches("duhulee2018.balancedness_rate")
def test_wrong_relu_mask_breaks_balancedness(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(hm, "_backward_signals", mask_from_wrong_layer)
    verdict = verdict_of("duhulee2018.balancedness_rate")
    assert verdict.startswith("refuted"), verdict


def test_autograd_reference_catches_a_shared_scale_bug(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    """The GD step and the identity's right side used the same hand-written gradient before issue 15, so a
    gradient off by a constant factor passed both; with autograd on the right it is refuted, while the flow's
    balancedness (an identity between layers) still holds."""
    monkeypatch.setattr(hm, "_loss_slope", loss_slope_doubled)
    assert verdict_of("duhulee2018.balancedness_gd_step").startswith("refuted")
    assert verdict_of("duhulee2018.balancedness_rate").startswith("verified")


@pytest.mark.catches("duhulee2018.unit_balancedness_rate")
def test_wrong_relu_mask_breaks_unit_balancedness(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(hm, "_backward_signals", mask_from_wrong_layer)
    verdict = verdict_of("duhulee2018.unit_balancedness_rate")
    assert verdict.startswith("refuted"), verdict


_real_signals = hm._backward_signals


def relu_gate_in_linear_net(Ws, zs, *, linear=False):
    """The linear network's backward pass still gates by the ReLU pattern (the activation option dropped there)."""
    return _real_signals(Ws, zs)


@pytest.mark.catches("duhulee2018.matrix_balancedness_linear")
def test_relu_gate_in_linear_backward_breaks_matrix_balancedness(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(hm, "_backward_signals", relu_gate_in_linear_net)
    verdict = verdict_of("duhulee2018.matrix_balancedness_linear")
    assert verdict.startswith("refuted"), verdict
