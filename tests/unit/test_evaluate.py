"""Unit tests for verify.evaluate: compiling statements and the tolerance rule, per element and seed."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lemmata.verify.axes import Measured, check_values, per_seed, shared, to_numpy
from lemmata.verify.claim import Tolerance
from lemmata.verify.errors import ClaimDefinitionError
from lemmata.verify.evaluate import compile_statement, evaluate

pytestmark = pytest.mark.unit

x, y, lam, se, c = sp.symbols("x y lam se c")
INF, NAN = math.inf, math.nan


def tol(reason: str = "test", **kw: float | str) -> Tolerance:
    return Tolerance(reason=reason, **kw)  # type: ignore[arg-type]


def ev(statement: sp.Basic, values: dict, S: int, tolerance: Tolerance | None = None):
    """Evaluate with arrays read as per-seed values whose further axes are named "k", "l": (S, K) → seed × k."""
    def wrap(v):
        if isinstance(v, (np.ndarray, torch.Tensor)) and v.ndim >= 1:
            return per_seed(v, *("k", "l", "q")[: v.ndim - 1])
        return v

    compiled = compile_statement(statement, where="claim t.t in test")
    checked = check_values({k: wrap(v) for k, v in values.items()}, S, where="claim t.t in test")
    return evaluate(compiled, checked, tolerance or tol(), S, where="claim t.t in test")


def failed(statement: sp.Basic, lhs: float, rhs: float, **tk: float) -> bool:
    """Whether the one-seed, one-element check fails for lhs (x) against rhs (y)."""
    e = ev(statement, {"x": np.array([lhs]), "y": np.array([rhs])}, 1, tol(**tk))
    return bool(e.seed_failed[0])


# --- relations and the tolerance rule ---------------------------------------------------------

@pytest.mark.parametrize("lhs,rhs,tk,fails", [
    (1.0, 1.0, {}, False),
    (0.5, 1.0, {}, False),
    (1.0 + 1e-10, 1.0, {}, True),
    (1.0 + 1e-10, 1.0, {"atol": 1e-9}, False),
    (1.0 + 1e-8, 1.0, {"atol": 1e-9}, True),
    (1.5, 1.0, {"rtol": 0.6}, False),
    (1.5, 1.0, {"rtol": 0.4}, True),
    (-0.5, -1.0, {"rtol": 0.6}, False),  # rtol scales |rhs|
    (1.5, 1.0, {"rtol": 0.25, "atol": 0.25}, False),  # allowance = atol + rtol*|rhs|
    (1.6, 1.0, {"rtol": 0.25, "atol": 0.25}, True),
])
def test_le(lhs: float, rhs: float, tk: dict, fails: bool) -> None:
    assert failed(sp.Le(x, y), lhs, rhs, **tk) is fails
    if not tk.get("rtol"):  # Ge(y, x) is the same relation (rtol would scale the other side)
        assert failed(sp.Ge(y, x), lhs, rhs, **tk) is fails


@pytest.mark.parametrize("lhs,rhs,tk,fails", [
    (1.0, 1.0, {}, False),
    (2.0, 1.0, {}, False),
    (1.0 - 1e-10, 1.0, {}, True),
    (1.0 - 1e-10, 1.0, {"atol": 1e-9}, False),
    (0.5, 1.0, {"rtol": 0.6}, False),
    (0.5, 1.0, {"rtol": 0.4}, True),
])
def test_ge(lhs: float, rhs: float, tk: dict, fails: bool) -> None:
    assert failed(sp.Ge(x, y), lhs, rhs, **tk) is fails


@pytest.mark.parametrize("lhs,rhs,tk,fails", [
    (0.5, 1.0, {}, False),
    (1.0, 1.0, {}, True),  # equality violates a strict relation
    (0.5, 1.0, {"atol": 0.4}, False),
    (0.5, 1.0, {"atol": 0.5}, True),  # must hold by MORE than the allowance
    (0.5, 1.0, {"atol": 0.6}, True),
    (0.5, 1.0, {"rtol": 0.6}, True),
])
def test_lt_must_hold_by_more_than_the_allowance(lhs: float, rhs: float, tk: dict, fails: bool) -> None:
    assert failed(sp.Lt(x, y), lhs, rhs, **tk) is fails


@pytest.mark.parametrize("value,fails", [(1e-9, False), (1e-12, True), (1e-15, True), (0.0, True), (-1e-15, True)])
def test_gt_zero_with_atol_is_not_passed_by_noise(value: float, fails: bool) -> None:
    e = ev(sp.Gt(lam, 0), {"lam": np.array([value])}, 1, tol(atol=1e-12, reason="round-off"))
    assert bool(e.seed_failed[0]) is fails


def test_gt_zero_exactly_zero_fails_without_tolerance() -> None:
    e = ev(sp.Gt(lam, 0), {"lam": np.array([0.0, 1e-300])}, 2)
    assert e.seed_failed.tolist() == [True, False]


@pytest.mark.parametrize("lhs,rhs,tk,fails", [
    (1.0, 1.0, {}, False),
    (1.0 + 1e-12, 1.0, {}, True),
    (1.0 + 1e-10, 1.0, {"atol": 1e-9}, False),
    (1.0 - 1e-10, 1.0, {"atol": 1e-9}, False),
    (1.1, 1.0, {"atol": 1e-9}, True),
    (0.9, 1.0, {"atol": 1e-9}, True),
    (101.0, 100.0, {"rtol": 0.011}, False),
    (99.0, 100.0, {"rtol": 0.011}, False),
    (98.0, 100.0, {"rtol": 0.011}, True),
])
def test_eq_within_allowance(lhs: float, rhs: float, tk: dict, fails: bool) -> None:
    assert failed(sp.Eq(x, y), lhs, rhs, **tk) is fails


def test_stderr_times_z_widens_the_allowance() -> None:
    t = tol(stderr="se", z=3.0, reason="Monte Carlo")
    ok = ev(sp.Le(x, y), {"x": np.array([1.2]), "y": np.array([1.0]), "se": np.array([0.1])}, 1, t)
    bad = ev(sp.Le(x, y), {"x": np.array([1.2]), "y": np.array([1.0]), "se": np.array([0.05])}, 1, t)
    assert not ok.seed_failed[0]
    assert ok.atoms[0].allowance.item() == pytest.approx(0.3)
    assert bad.seed_failed[0]
    # stderr per seed
    both = ev(sp.Le(x, y), {"x": np.array([1.2, 1.2]), "y": 1.0, "se": np.array([0.1, 0.05])}, 2, t)
    assert both.seed_failed.tolist() == [False, True]


def test_stderr_missing_from_run_raises() -> None:
    with pytest.raises(ClaimDefinitionError, match=r"claim t\.t in test.*stderr='se'"):
        ev(sp.Le(x, y), {"x": 1.0, "y": 2.0}, 1, tol(stderr="se", z=2.0))


def test_and_fails_when_any_atom_fails() -> None:
    st_ = sp.And(sp.Le(x, 1), sp.Ge(y, 0))
    e = ev(st_, {"x": np.array([0.0, 2.0, 0.0]), "y": np.array([1.0, 1.0, -1.0])}, 3)
    assert e.seed_failed.tolist() == [False, True, True]
    assert len(e.atoms) == 2


# --- Implies and vacuity ----------------------------------------------------------------------

def test_implies_excludes_elements_whose_condition_fails() -> None:
    st_ = sp.Implies(sp.Ge(x, 0), sp.Le(y, 1))
    e = ev(st_, {"x": np.array([-1.0, 1.0, -1.0, 1.0]), "y": np.array([5.0, 0.5, 0.5, 5.0])}, 4)
    assert e.seed_failed.tolist() == [False, False, False, True]
    assert e.seed_vacuous.tolist() == [True, False, True, False]
    assert e.atoms[0].active.tolist() == [False, True, False, True]
    # a vacuous seed's violation is not counted and does not drive the excess
    assert e.excess_per_seed[0] == -math.inf
    assert e.excess_per_seed[3] > 0


def test_implies_condition_is_checked_exactly_without_tolerance() -> None:
    st_ = sp.Implies(sp.Gt(x, 0), sp.Le(y, 1))
    e = ev(st_, {"x": np.array([0.0, 1e-300]), "y": 2.0}, 2, tol(atol=0.5))
    assert e.seed_vacuous.tolist() == [True, False]
    assert e.seed_failed.tolist() == [False, True]


def test_implies_condition_nan_is_nonfinite() -> None:
    st_ = sp.Implies(sp.Ge(x, 0), sp.Le(y, 1))
    e = ev(st_, {"x": np.array([NAN, 1.0]), "y": 0.0}, 2)
    assert e.seed_nonfinite.tolist() == [True, False]
    assert not e.seed_failed.any()


# --- non-finite values ------------------------------------------------------------------------

def test_plus_inf_lhs_on_le_is_a_violation_not_nonfinite() -> None:
    e = ev(sp.Le(x, y), {"x": np.array([INF, 0.0]), "y": 1.0}, 2, tol(rtol=0.1))
    assert e.seed_failed.tolist() == [True, False]
    assert e.seed_nonfinite.tolist() == [False, False]
    assert e.excess_per_seed[0] == math.inf


def test_minus_inf_on_ge_is_a_violation() -> None:
    e = ev(sp.Ge(x, 0), {"x": np.array([-INF, 1.0])}, 2)
    assert e.seed_failed.tolist() == [True, False]
    assert e.seed_nonfinite.tolist() == [False, False]


def test_an_infinite_bound_never_passes() -> None:
    """Issue 14: lhs ≤ +inf (a bound that blew up, λ₀ = 0 in a denominator) is non-finite, not a pass."""
    e = ev(sp.Le(x, y), {"x": np.array([1e300]), "y": np.array([INF])}, 1, tol(rtol=0.1))
    assert not e.seed_failed[0] and e.seed_nonfinite[0]
    e = ev(sp.Ge(x, y), {"x": np.array([-INF]), "y": np.array([0.0])}, 1)  # −inf ≥ 0 fails outright
    assert e.seed_failed[0]


@pytest.mark.parametrize("stmt,lhs,rhs,tk", [
    (sp.Le(x, y), 0.0, -INF, {}),
    (sp.Le(x, y), 0.0, -INF, {"rtol": 0.1}),
    (sp.Ge(x, y), 0.0, INF, {}),
    (sp.Lt(x, y), 0.0, -INF, {}),
    (sp.Gt(x, y), 0.0, INF, {}),
    (sp.Eq(x, y), 0.0, INF, {}),
], ids=["Le_-inf", "Le_-inf_rtol", "Ge_+inf", "Lt_-inf", "Gt_+inf", "Eq_inf"])
def test_infinite_rhs_never_passes_silently(stmt, lhs: float, rhs: float, tk: dict) -> None:
    e = ev(stmt, {"x": np.array([lhs]), "y": np.array([rhs])}, 1, tol(**tk))
    assert e.seed_failed[0] or e.seed_nonfinite[0]


def test_violation_by_minus_inf_has_positive_excess() -> None:
    e = ev(sp.Ge(x, 0), {"x": np.array([-INF])}, 1)
    assert e.seed_failed[0]
    assert e.excess_per_seed[0] > 0


def test_nan_is_nonfinite_not_violated() -> None:
    e = ev(sp.Le(x, y), {"x": np.array([NAN, 0.0, 2.0]), "y": 1.0}, 3)
    assert e.seed_failed.tolist() == [False, False, True]
    assert e.seed_nonfinite.tolist() == [True, False, False]
    assert e.atoms[0].nonfinite.tolist() == [True, False, False]
    assert not e.atoms[0].violated[0]


def test_inf_on_both_sides_is_nonfinite() -> None:
    e = ev(sp.Le(x, y), {"x": np.array([INF]), "y": np.array([INF])}, 1)
    assert e.seed_nonfinite[0] and not e.seed_failed[0]


def test_a_violation_is_kept_beside_a_nan_in_the_same_seed() -> None:
    e = ev(sp.And(sp.Le(x, 1), sp.Le(y, 1)), {"x": np.array([NAN]), "y": np.array([2.0])}, 1)
    assert e.seed_failed[0] and e.seed_nonfinite[0]  # the example decides: the failure is never dropped


def test_nan_in_an_implication_condition_is_nonfinite_not_vacuous() -> None:
    """Issue 14: a condition that is NaN everywhere must not make the example vacuous (and so pass)."""
    e = ev(sp.Implies(sp.Ge(c, 0), sp.Le(x, y)), {"c": np.array([NAN, NAN]), "x": 5.0, "y": 1.0}, 2)
    assert e.seed_nonfinite.tolist() == [True, True]


def test_nan_in_the_conclusion_where_the_condition_fails_still_counts() -> None:
    e = ev(sp.Implies(sp.Ge(c, 0), sp.Le(x, y)), {"c": np.array([-1.0]), "x": np.array([NAN]), "y": 1.0}, 1)
    assert e.seed_nonfinite[0] and e.seed_vacuous[0]


# --- broadcasting and shapes ------------------------------------------------------------------

def test_scalars_broadcast_over_seeds() -> None:
    e = ev(sp.Le(x, y), {"x": 1, "y": 2.0}, 5)
    assert e.seed_failed.shape == (5,) and not e.seed_failed.any()
    e = ev(sp.Le(x, y), {"x": torch.tensor(3.0), "y": np.float64(2.0)}, 4)
    assert e.seed_failed.tolist() == [True] * 4


def test_length_one_seed_axis_broadcasts() -> None:
    e = ev(sp.Le(x, y), {"x": torch.tensor([0.0, 5.0, 0.0]), "y": np.array([1.0])}, 3)
    assert e.seed_failed.tolist() == [False, True, False]
    e = ev(sp.Le(x, y), {"x": np.array([[0.5, 1.5]]), "y": 1.0}, 1)  # (1, K) with S = 1
    assert e.seed_failed.tolist() == [True]


def test_square_matrix_per_seed_when_K_equals_S() -> None:
    xs = np.zeros((3, 3))
    xs[1, 2] = 2.0
    e = ev(sp.Le(x, 1), {"x": xs}, 3)
    assert e.seed_failed.tolist() == [False, True, False]


def _check(values: dict, S: int) -> dict:
    return check_values(values, S, where="claim t.t in test")


def test_a_per_time_array_shared_by_every_seed_is_not_read_per_seed_when_K_equals_S() -> None:
    """The shape slip of issue 14: a (K,) array with K = S, named as a time axis, is compared step by step."""
    S = 4
    loss = np.tile(np.array([4.0, 3.0, 2.0, 1.0]), (S, 1))  # every seed: the same decreasing loss
    bound = np.array([4.0, 3.5, 3.0, 2.5])  # (K,) with K = S: one bound per step, not per seed
    e = evaluate(compile_statement(sp.Le(x, y), where="t"), _check({"x": per_seed(loss, "k"), "y": shared(bound, "k")}, S),
                 tol(), S, where="t")
    assert not e.seed_failed.any()
    with pytest.raises(ClaimDefinitionError, match="bare array of shape"):
        _check({"y": bound}, S)


@pytest.mark.parametrize("names,expected", [
    (("k",), [True, False, True]),  # x shared over seeds per point k, y per seed: seed s fails where any x_k > y_s
])
def test_shared_points_against_a_per_seed_bound(names, expected) -> None:
    vals = _check({"x": shared(np.array([0.0, 0.5, 2.0, 0.0, 0.0]), *names), "y": per_seed(np.array([1.0, 3.0, 1.0]))}, 3)
    e = evaluate(compile_statement(sp.Le(x, y), where="t"), vals, tol(), 3, where="t")
    assert e.seed_failed.tolist() == expected
    assert e.atoms[0].axes == ("seed", "k") and e.atoms[0].lhs.shape == (3, 5)


def test_axes_align_by_name_not_by_position() -> None:
    # x over (seed, a, b), y over (seed, b, a): y's transpose is compared with x
    xs = np.arange(6.0).reshape(1, 2, 3)
    ys = np.transpose(xs, (0, 2, 1)).copy()
    vals = _check({"x": per_seed(xs, "a", "b"), "y": per_seed(ys, "b", "a")}, 1)
    e = evaluate(compile_statement(sp.Eq(x, y), where="t"), vals, tol(), 1, where="t")
    assert not e.seed_failed.any() and e.atoms[0].axes == ("seed", "a", "b")


def test_differently_named_axes_broadcast_as_an_outer_product() -> None:
    vals = _check({"x": shared(np.array([1.0, 2.0]), "i"), "y": shared(np.array([1.5, 3.0, 0.5]), "j")}, 2)
    e = evaluate(compile_statement(sp.Le(x, y), where="t"), vals, tol(), 2, where="t")
    assert e.atoms[0].lhs.shape == (2, 2, 3) and e.seed_failed.tolist() == [True, True]


def test_same_axis_name_with_different_lengths_is_a_definition_error() -> None:
    vals = _check({"x": shared(np.zeros(3), "k"), "y": shared(np.zeros(4), "k")}, 1)
    with pytest.raises(ClaimDefinitionError, match="axis 'k' has length 3 in 'x' but 4 in 'y'"):
        evaluate(compile_statement(sp.Le(x, y), where="t"), vals, tol(), 1, where="t")


@pytest.mark.parametrize("value,match", [
    (per_seed(np.zeros(2)), "first axis has length 2, not S=3"),
    (per_seed(np.zeros((3, 2))), r"axes \('seed',\) but an array of shape \(3, 2\)"),
    (shared(np.zeros(3)), r"axes \(\) but an array of shape \(3,\)"),
    (np.zeros((3, 1)), "bare array of shape"),
    (torch.zeros(1), "bare array of shape"),
    ({"a": 1}, "as a dict"),
])
def test_wrong_axes_raise_naming_the_symbol(value, match: str) -> None:
    with pytest.raises(ClaimDefinitionError, match=r"claim t\.t in test.*'x'.*" + match):
        _check({"x": value}, 3)


def test_axis_names_are_checked() -> None:
    with pytest.raises(ClaimDefinitionError, match="implied by per_seed"):
        per_seed(np.zeros((3, 2)), "seed")
    with pytest.raises(ClaimDefinitionError, match="repeat"):
        shared(np.zeros((2, 2)), "k", "k")
    assert isinstance(per_seed(np.zeros(3)), Measured)


def test_missing_symbol_raises_naming_the_symbol() -> None:
    with pytest.raises(ClaimDefinitionError, match=r"claim t\.t in test.*'y'.*returned \['x'\]"):
        ev(sp.Le(x, y), {"x": 1.0}, 1)


def test_missing_symbol_in_condition_raises() -> None:
    with pytest.raises(ClaimDefinitionError, match=r"'c'"):
        ev(sp.Implies(sp.Ge(c, 0), sp.Le(x, y)), {"x": 1.0, "y": 2.0}, 1)


def test_to_numpy_converts_tensors_and_sequences() -> None:
    a = to_numpy(torch.tensor([1.0, 2.0], dtype=torch.float32, requires_grad=True))
    assert isinstance(a, np.ndarray) and a.dtype == np.float64
    assert to_numpy([1, 2]).dtype == np.float64
    assert to_numpy(np.array([1, 2], dtype=np.int32)).dtype == np.float64
    assert to_numpy(3) == 3 and isinstance(to_numpy(3), int)


# --- ratio and excess -------------------------------------------------------------------------

def test_ratio_per_seed_is_worst_lhs_over_rhs() -> None:
    e = ev(sp.Le(x, y), {"x": np.array([0.5, 2.0, 1.0]), "y": np.array([1.0, 1.0, 0.0])}, 3)
    assert e.ratio_per_seed[0] == pytest.approx(0.5)
    assert e.ratio_per_seed[1] == pytest.approx(2.0)
    assert math.isnan(e.ratio_per_seed[2])  # undefined for rhs <= 0
    g = ev(sp.Ge(x, y), {"x": np.array([4.0]), "y": np.array([1.0])}, 1)
    assert g.ratio_per_seed[0] == pytest.approx(0.25)  # small side over big side


@settings(max_examples=150, deadline=None)
@given(
    op=st.sampled_from([sp.Le, sp.Ge, sp.Eq, sp.Lt, sp.Gt]),
    lhs=st.floats(-1e6, 1e6, allow_nan=False),
    rhs=st.floats(-1e6, 1e6, allow_nan=False),
    atol=st.floats(0, 10),
    rtol=st.floats(0, 1),
)
def test_excess_sign_agrees_with_violation(op, lhs: float, rhs: float, atol: float, rtol: float) -> None:
    e = ev(op(x, y), {"x": np.array([lhs]), "y": np.array([rhs])}, 1, tol(atol=atol, rtol=rtol))
    a = e.atoms[0]
    viol = bool(a.violated.item())
    ex = float(a.excess.item())
    strict = op in (sp.Lt, sp.Gt)
    if strict:
        assert viol == (ex >= 0)  # strict relations are violated at zero excess too
    else:
        assert viol == (ex > 0)
    # independent statement of the rule
    allowance = atol + rtol * abs(rhs)
    expected = {
        sp.Le: lhs > rhs + allowance, sp.Ge: lhs < rhs - allowance, sp.Eq: abs(lhs - rhs) > allowance,
        sp.Lt: not (lhs < rhs - allowance), sp.Gt: not (lhs > rhs + allowance),
    }[op]
    if abs(abs(lhs - rhs) - allowance) > 1e-9 * (1 + abs(rhs) + abs(lhs)):  # away from rounding ties
        assert viol == expected


@settings(max_examples=150, deadline=None)
@given(
    op=st.sampled_from([sp.Le, sp.Ge, sp.Eq, sp.Lt, sp.Gt]),
    lhs=st.floats(-1e6, 1e6, allow_nan=False),
    rhs=st.floats(-1e6, 1e6, allow_nan=False),
    atol=st.floats(0, 10),
    rtol=st.floats(0, 1),
)
def test_gap_is_bounded_and_its_sign_agrees_with_the_excess(op, lhs: float, rhs: float, atol: float,
                                                           rtol: float) -> None:
    e = ev(op(x, y), {"x": np.array([lhs]), "y": np.array([rhs])}, 1, tol(atol=atol, rtol=rtol))
    a = e.atoms[0]
    gap, ex = float(a.gap.item()), float(a.excess.item())
    assert -2.0 <= gap <= 2.0, gap  # |difference| ≤ 2·larger side; 2 only for opposite signs
    assert (gap > 0) == (ex > 0) and (gap == 0) == (ex == 0), (gap, ex)
    assert e.gap_per_seed[0] == gap


def test_gap_reads_as_a_relative_gap_where_the_bound_is_zero() -> None:
    # an error count ≤ 0 with a round-off atol: the excess divides by the atol (huge), the gap by the count
    e = ev(sp.Le(x, y), {"x": np.array([0.0, 0.5]), "y": np.array([0.0, 0.0])}, 2, tol(atol=1e-12))
    assert e.excess_per_seed[1] > 1e11  # Hypothesis's target still sees how far past the bound
    assert e.gap_per_seed[1] == pytest.approx(1.0)
    assert e.gap_per_seed[0] == pytest.approx(-1.0)


# --- compile_statement ------------------------------------------------------------------------

@pytest.mark.parametrize("stmt", [sp.Le(1, 2), sp.Ge(1, 2), sp.Eq(x, x), sp.true, True])
def test_compile_rejects_constants(stmt) -> None:
    with pytest.raises(ClaimDefinitionError, match=r"where-it-is.*constant"):
        compile_statement(stmt, where="where-it-is")


def test_compile_rejects_or_and_xor() -> None:
    with pytest.raises(ClaimDefinitionError, match=r"here: .*Or"):
        compile_statement(sp.Or(sp.Le(x, 1), sp.Ge(x, 2)), where="here")
    with pytest.raises(ClaimDefinitionError, match=r"here: .*Xor"):
        compile_statement(sp.Xor(sp.Le(x, 1), sp.Ge(y, 2)), where="here")
    with pytest.raises(ClaimDefinitionError, match=r"here: .*Or"):
        compile_statement(sp.Implies(sp.Or(sp.Le(x, 1), sp.Ge(x, 2)), sp.Le(y, 1)), where="here")


def test_compile_rejects_no_free_symbols() -> None:
    with pytest.raises(ClaimDefinitionError, match="no free symbols"):
        compile_statement(sp.Le(sp.pi, 4, evaluate=False), where="here")


def test_compile_collects_names_and_atoms() -> None:
    cs = compile_statement(sp.Implies(sp.Ge(c, 0), sp.And(sp.Le(x, y), sp.Lt(lam, 2 * y))), where="w")
    assert cs.names == ("c", "lam", "x", "y")
    assert [a.op for a in cs.condition] == [">="]
    assert [a.op for a in cs.conclusion] == ["<=", "<"]
    assert [a.strict for a in cs.conclusion] == [False, True]


def test_implies_is_elementwise_within_a_seed() -> None:
    st_ = sp.Implies(sp.Ge(x, 0), sp.Le(y, 1))
    xs = np.array([[1.0, -1.0, -1.0], [-1.0, -1.0, -1.0], [1.0, 1.0, -1.0]])
    ys = np.array([[0.5, 9.0, 9.0], [9.0, 9.0, 9.0], [0.5, 2.0, 0.0]])
    e = ev(st_, {"x": xs, "y": ys}, 3)
    assert e.seed_failed.tolist() == [False, False, True]
    assert e.seed_vacuous.tolist() == [False, True, False]
    assert e.atoms[0].active.tolist() == (xs >= 0).tolist()
