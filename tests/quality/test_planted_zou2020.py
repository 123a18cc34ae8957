"""Quality tier for zou2020: planted bugs in impl.linear_resnet must make a zou2020 claim fail.

The rate claim (with its recalled 1/e) is loose enough that these bugs still converge inside it; the
derived descent identity is what catches them."""

from __future__ import annotations

import pytest
import torch

from impl import linear_resnet as lr

pytestmark = pytest.mark.quality

_real_grads, _real_hidden = lr._grads_from_hidden, lr._hidden



def halved_gradient(W, B, H, E):
    """A dropped factor 2 (e.g. the loss taken as ¼‖·‖²): steps half as long as the step size says."""
    return 0.5 * _real_grads(W, B, H, E)


def backward_without_transpose(W, B, H, E):
    """δ_{l−1} = (I + W_l)δ_l instead of (I + W_l)ᵀδ_l."""
    G = torch.empty_like(W)
    delta = torch.matmul(B.transpose(-1, -2), E)
    for l in range(W.shape[1] - 1, -1, -1):
        G[:, l] = torch.matmul(delta, H[l].transpose(-1, -2))
        if l > 0:
            delta = delta + torch.matmul(W[:, l], delta)
    return G


def hidden_off_by_one(W, A, X):
    """The first residual block skipped (an off-by-one in the product)."""
    H = _real_hidden(W, A, X)
    return [H[0], H[0], *H[2:]] if W.shape[1] > 1 else H


@pytest.mark.parametrize(("attr", "bug", "claim_id"), [
    ("_grads_from_hidden", halved_gradient, "zou2020.gradient_descent_identity"),
    ("_grads_from_hidden", backward_without_transpose, "zou2020.gradient_descent_identity"),
    ("_hidden", hidden_off_by_one, "zou2020.gradient_descent_identity"),
], ids=["halved_gradient", "backward_without_transpose", "hidden_off_by_one"])
def test_planted_bug_is_caught(attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(lr, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"
