"""Quality tier, part 2: planted implementation BUGS must make du2019 claims fail.

Each test swaps one internal function of ``impl.two_layer`` for a subtly wrong one (a dropped
scale factor, a wrong activation derivative, a wrong sign, a wrong closed form) and checks that a
named du2019 item is then refuted — not merely inconclusive. The ``catches`` marks name the paper
claims among them (issue 15: every paper claim can fail, demonstrably); the checks named here
(init_residual, both_layers_kernel, gram_closed_form, gd_step_kernel, gf_energy_identity) are
implementation checks, caught by the same bugs.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import sympy as sp
import torch

from lemmata.impl import two_layer as tl
from lemmata.verify.profiles import PROFILES
from lemmata.verify.runner import run_claim

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


def complementary_angle(X):
    """H^∞ with θ in place of π − θ (a typo in the closed form): the diagonal becomes 0, so λ₀ ≤ 0 on any data."""
    n, d = X.shape[-2:]
    K, theta = tl._row_angles(X.reshape(-1, n, d))
    return (K * theta / (2.0 * math.pi)).reshape(*X.shape[:-2], n, n)


_real_grad_a, _real_init = tl._grad_a, tl.init_weights


def init_over_sqrt_m(m, d, seeds, **kw):
    """w_r(0) ~ N(0, I/m): a second 1/√m on top of the output's (the two parametrizations mixed up), so every
    |w_r(0)ᵀx_i| is small and far more patterns can flip inside Lemma 3.2's ball."""
    W, a = _real_init(m, d, seeds, **kw)
    return W / math.sqrt(m), a


def output_layer_ascent(R, e, m):
    """∂L/∂a with the wrong sign: with both layers trained, the output weights climb the loss."""
    return -_real_grad_a(R, e, m)


_real_gram_patterns_ = tl._gram_patterns


def gram_without_mean(Z, K, m):
    """H(W) averaged over 2m units instead of m (a doubled normalization): every λ_min(H(W)) is halved."""
    return _real_gram_patterns_(Z, K, 2 * m)


def mean_field_gradient(Z, a, X, e, m):
    """∂L/∂W with an extra m^{-1/2} (the mean-field scaling leaking into the gradient): the effective step shrinks as
    m grows, so wider networks converge more slowly."""
    return _real_grad_w(Z, a, X, e, m) / math.sqrt(m)


_real_gram_a_ = tl.gram_a


def negated_second_gram(W, X):
    """G(W) with the wrong sign (a relu-feature Gram written as −RRᵀ/m): G ⪯ 0, so G ⪰ 0 fails wherever G ≠ 0."""
    return -_real_gram_a_(W, X)


BUGS = [
    ("_out", dropped_sqrt_m, "du2019.init_residual"),
    ("_grad_w", strict_wrong_derivative, "du2019.both_layers_kernel"),
    ("_grad_w", strict_wrong_derivative, "du2019.gd_linear_rate"),
    ("_grad_w", ascent, "du2019.gd_linear_rate"),
    ("_grad_w", scaled_gradient, "du2019.gd_linear_rate"),
    ("gram_infinity", halved_angle_factor, "du2019.gram_closed_form"),
    # issue 15: a planted bug for every du2019 paper claim
    ("gram_infinity", complementary_angle, "du2019.lambda0_positive"),
    ("gram_infinity", halved_angle_factor, "du2019.init_gram_concentration"),
    ("gram_infinity", halved_angle_factor, "du2019.init_lambda_min"),
    ("init_weights", init_over_sqrt_m, "du2019.gram_stability_ball"),
    ("_grad_w", strict_wrong_derivative, "du2019.gf_linear_rate"),
    ("_grad_w", strict_wrong_derivative, "du2019.gf_lemma33"),
    ("_grad_a", output_layer_ascent, "du2019.both_layers_rate"),
    ("_out", dropped_sqrt_m, "du2019.sec5_distance_trend"),
    ("_grad_w", scaled_gradient, "du2019.sec5_flip_trend"),
    # issue 16: the invariant, Lemma 3.2's second conclusion, Thm 3.3's weights and Section 5's rate
    ("gram_infinity", halved_angle_factor, "du2019.gram_stability_ball_lambda"),
    ("gram_infinity", halved_angle_factor, "du2019.gd_lambda_invariant"),
    ("_gram_patterns", gram_without_mean, "du2019.gf_lambda_invariant"),
    ("_grad_a", output_layer_ascent, "du2019.both_layers_weights_near_init"),
    ("_grad_w", mean_field_gradient, "du2019.sec5_rate_trend"),
    # issue 16 (h16a): Lemma 4.1's flip count, Lemma A.6's both-layer invariant, Lemma A.2's conditional rate
    ("init_weights", init_over_sqrt_m, "du2019.flip_count"),
    ("gram_a", negated_second_gram, "du2019.both_layers_lambda_invariant"),
    ("_grad_a", output_layer_ascent, "du2019.both_layers_lemma_a2"),
    # issue 16: Lemma 3.4 at the widths where R′ < R holds
    ("_grad_w", strict_wrong_derivative, "du2019.gf_lemma34"),
    ("_grad_w", mean_field_gradient, "du2019.gf_lemma34"),
]


@pytest.mark.catches("du2019.lambda0_positive", "du2019.init_gram_concentration", "du2019.init_lambda_min",
                     "du2019.gram_stability_ball", "du2019.gf_linear_rate", "du2019.gf_lemma33",
                     "du2019.gd_linear_rate", "du2019.both_layers_rate", "du2019.sec5_distance_trend",
                     "du2019.sec5_flip_trend", "du2019.gram_stability_ball_lambda", "du2019.gd_lambda_invariant",
                     "du2019.gf_lambda_invariant", "du2019.both_layers_weights_near_init", "du2019.sec5_rate_trend",
                     "du2019.flip_count", "du2019.both_layers_lambda_invariant", "du2019.both_layers_lemma_a2",
                     "du2019.gf_lemma34")
@pytest.mark.parametrize(("attr", "bug", "claim_id"), BUGS, ids=[f"{b.__name__}-{c.split('.')[1]}" for _, b, c in BUGS])
def test_planted_bug_is_caught(attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(tl, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"


# The control of this tier, that without a planted bug these claims are verified (the catch is the bug's doing), is
# tests/claims/test_claims.py: it runs every registered claim under the same ci profile and asserts its verdict.


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


# A bug that the hand-written gradients and the Gram matrices share passes an identity between the two: here the
# whole of impl.two_layer consistently implements the mean-field model f = (1/m)Σ_r a_r relu(w_rᵀx) instead of the
# paper's m^{-1/2} scaling (forward, both gradients and both Gram matrices), so u(k+1) − u(k) = −ηH(u − y) still holds
# exactly. Only the independent reference (autograd through the model written out in theorems/du2019.py) sees it.
_real_gram_patterns, _real_gram_a = tl._gram_patterns, tl.gram_a

MEAN_FIELD_EVERYWHERE = {
    "_out": lambda R, a, m: _real_out(R, a, m) / math.sqrt(m),
    "_grad_w": lambda Z, a, X, e, m: _real_grad_w(Z, a, X, e, m) / math.sqrt(m),
    "_grad_a": lambda R, e, m: _real_grad_a(R, e, m) / math.sqrt(m),
    "_gram_patterns": lambda Z, K, m: _real_gram_patterns(Z, K, m) / m,
    "gram_a": lambda W, X: _real_gram_a(W, X) / W.shape[1],
}

# (both_layers_kernel's output_velocity applies one m^{-1/2} inline, so this bug is not shared there: the identity
# alone already catches it, and the test below would not show what the reference adds)
KERNEL_IDENTITIES = ["du2019.gd_step_kernel", "du2019.gf_energy_identity"]


@pytest.mark.parametrize("claim_id", KERNEL_IDENTITIES)
def test_a_bug_shared_by_gradients_and_kernels_is_caught_by_the_autograd_reference(
        claim_id: str, monkeypatch: pytest.MonkeyPatch, registered_claims) -> None:
    from dataclasses import replace

    import sympy as sp

    from lemmata.verify.profiles import PROFILES
    from lemmata.verify.runner import run_claim

    for attr, fn in MEAN_FIELD_EVERYWHERE.items():
        monkeypatch.setattr(tl, attr, fn)
    claim = registered_claims[claim_id]

    def verdict(c) -> str:
        res = run_claim(c, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
        return res.verdict + ": " + res.reason

    caught = verdict(claim)
    assert caught.startswith("refuted"), f"the shared bug was not caught by {claim_id}: {caught}"
    # the same check without its autograd equation passes under the bug: the reference is what catches it
    stmt = claim.statement
    cond = stmt.args[0] if isinstance(stmt, sp.Implies) else None
    body = stmt.args[1] if cond is not None else stmt
    kept = sp.And(*[a for a in body.args if "autograd" not in str(a)])
    missed = verdict(replace(claim, statement=sp.Implies(cond, kept) if cond is not None else kept))
    assert missed.startswith("verified"), f"{claim_id} without its autograd reference: {missed}"


# Lemma 3.4's distance conclusion on its own (review: the planted bugs above fail the rate). At n = 1 the run uses
# ≈ 0.49 of R′ (the decay runs at 2λ_min(H) ≈ 2λ₀ against the bound's λ₀), so R′/4 is exceeded by ≈ 2× on every seed
# that meets the condition; the other two conclusions are dropped so that only the distance can fail.
@pytest.mark.catches("du2019.gf_lemma34")
def test_gf_lemma34_distance_quarter_is_refuted(registered_claims) -> None:
    original = registered_claims["du2019.gf_lemma34"]
    condition = original.statement.args[0]
    r_prime, dist = sp.Symbol("R_prime"), sp.Symbol("max_dist")
    planted = replace(original, id="planted.gf_lemma34_distance_quarter", figures=(), tightness=None,
                      statement=sp.Implies(condition, sp.Le(dist, r_prime / 4)))
    res = run_claim(planted, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    assert res.verdict == "refuted", res.reason
