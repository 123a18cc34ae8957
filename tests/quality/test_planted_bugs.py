"""Quality tier, part 2: planted implementation BUGS must make du2019 claims fail.

Each test swaps one internal function of ``impl.two_layer`` for a subtly wrong one (a dropped
scale factor, a wrong activation derivative, a wrong sign, a wrong closed form) and checks that a
named du2019 claim is then refuted — not merely inconclusive.
"""

from __future__ import annotations

import math

import pytest
import torch

from impl import two_layer as tl

pytestmark = pytest.mark.quality

_real_out, _real_grad_w, _real_gram_infinity = tl._out, tl._grad_w, tl.gram_infinity



def dropped_sqrt_m(R: torch.Tensor, a: torch.Tensor, m: int) -> torch.Tensor:
    """Output without the m^{-1/2} scale."""
    return _real_out(R, a, m) * math.sqrt(m)


def strict_wrong_derivative(Z, a, X, e, m):
    """relu'(z) taken as 1{z < 0}: the wrong side of the kink."""
    return _real_grad_w(-Z, a, X, e, m)


def ascent(Z, a, X, e, m):
    """The gradient with the wrong sign (GD climbs)."""
    return -_real_grad_w(Z, a, X, e, m)


def halved_angle_factor(X):
    """H^∞ with 1/π in place of 1/(2π)."""
    return 2.0 * _real_gram_infinity(X)


def scaled_gradient(Z, a, X, e, m):
    """The gradient missing its m^{-1/2}: steps √m times too long."""
    return _real_grad_w(Z, a, X, e, m) * math.sqrt(m)


BUGS = [
    ("_out", dropped_sqrt_m, "du2019.init_residual"),
    ("_grad_w", strict_wrong_derivative, "du2019.both_layers_kernel"),
    ("_grad_w", strict_wrong_derivative, "du2019.gd_linear_rate"),
    ("_grad_w", ascent, "du2019.gd_linear_rate"),
    ("_grad_w", scaled_gradient, "du2019.gd_linear_rate"),
    ("gram_infinity", halved_angle_factor, "du2019.gram_closed_form"),
]


@pytest.mark.parametrize(("attr", "bug", "claim_id"), BUGS, ids=[f"{b.__name__}-{c.split('.')[1]}" for _, b, c in BUGS])
def test_planted_bug_is_caught(attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(tl, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"


@pytest.mark.parametrize("claim_id", sorted({c for _, _, c in BUGS}))
def test_the_same_claims_pass_without_the_bug(claim_id: str, verdict_of) -> None:
    """Control for this tier: without a planted bug these claims are verified (the catch is the bug's doing)."""
    assert verdict_of(claim_id).startswith("verified")


# Bugs a review planted that the first claim set missed; the sharp derived claims catch them.
_real_flow = tl.flow_trajectory


def half_step_gd(W0, a0, X, y, *, eta, **kw):
    """gd_trajectory applying η/2."""
    return _real_gd(W0, a0, X, y, eta=eta / 2 if not isinstance(eta, torch.Tensor) else eta / 2, **kw)


_real_gd = tl.gd_trajectory


def double_speed_flow(W0, a0, X, y, *, t_end, steps, **kw):
    """flow_trajectory integrating twice as far as asked (an RK4 combination with h/3 for h/6 does this)."""
    tr = _real_flow(W0, a0, X, y, t_end=2 * t_end, steps=steps, **kw)
    return tr


@pytest.mark.parametrize(("attr", "bug", "claim_id"), [
    ("gd_trajectory", half_step_gd, "du2019.gd_step_kernel"),
    ("flow_trajectory", double_speed_flow, "du2019.gf_energy_identity"),
], ids=["half_step_gd", "double_speed_flow"])
def test_review_bugs_are_caught(attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(tl, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"
