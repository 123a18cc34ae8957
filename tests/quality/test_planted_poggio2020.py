"""Quality tier for poggio2020: planted implementation bugs must make its paper claim fail.

The paper's claim here is the normalized dynamics (ρ̇_k and V̇_k written in terms of f(V)), checked against the
chain rule through the hand-written gradient; the bugs are monkeypatched into impl.homogeneous. The results
the paper builds on have their own quality tests (test_planted_duhulee2018.py, test_planted_lyuli2020.py,
test_planted_soudry2018.py, test_planted_yin2019.py). poggio2020.kkt_residual_shrinks is our finding, not a
claim: its refutation is recorded in tests/claims/known.py.
"""

from __future__ import annotations

import pytest
import torch

from lemmata.impl import homogeneous as hm

pytestmark = pytest.mark.quality


def exp_slope_sign_flip(q, loss):
    """−ℓ′ returned with the wrong sign: the flow ascends the loss."""
    return -torch.exp(-q) if loss == "exp" else -torch.sigmoid(-q)


def dropped_homogeneity_factor(rho, rho_k):
    """The normalized dynamics without the other layers' norms: ∂f(W)/∂W_k taken as ∂f(V)/∂V_k."""
    one = torch.ones_like(rho_k)
    return one, one / rho_k


BUGS = [
    (hm, "_loss_slope", exp_slope_sign_flip),
    (hm, "_homogeneity_factors", dropped_homogeneity_factor),
]


@pytest.mark.catches("poggio2020.normalized_dynamics")
@pytest.mark.parametrize(("module", "attr", "bug"), BUGS, ids=[b[2].__name__ for b in BUGS])
def test_planted_bug_breaks_normalized_dynamics(module, attr: str, bug, monkeypatch: pytest.MonkeyPatch,
                                               verdict_of) -> None:
    monkeypatch.setattr(module, attr, bug)
    verdict = verdict_of("poggio2020.normalized_dynamics")
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by poggio2020.normalized_dynamics: {verdict}"
