"""Evaluate a claim's sympy statement on measured values, elementwise and per seed.

The statement is compiled once per claim (``compile_statement``): each relational becomes a
pair of lambdified numpy functions (lhs, rhs). Evaluation aligns the measured values by their named
axes (:mod:`verify.axes`: the seed axis first, the others by name), applies the tolerance rule of
:mod:`verify.claim`, and classifies every element:

* **violated**: the relation fails by more than the allowance (an infinite side on the failing side,
  divergence past a finite bound, is a violation too);
* **non-finite**: a NaN anywhere (condition or conclusion, met or not), or an infinite side that
  would otherwise pass (``lhs ≤ +inf``): a non-finite side never passes;
* **vacuous**: an ``Implies`` condition not met (a condition with a non-finite side is not met);
* passed otherwise.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import sympy

from lemmata.verify.axes import SEED, Value, expand, layout
from lemmata.verify.claim import Tolerance
from lemmata.verify.errors import ClaimDefinitionError

_RELATIONS = {
    sympy.LessThan: ("<=", False),
    sympy.StrictLessThan: ("<", True),
    sympy.GreaterThan: (">=", False),
    sympy.StrictGreaterThan: (">", True),
    sympy.Equality: ("==", False),
}


@dataclass(frozen=True)
class Atom:
    """One relational of the statement, compiled."""

    text: str
    op: str  # "<=", "<", ">=", ">", "=="
    strict: bool
    lhs: Callable[..., Any]
    rhs: Callable[..., Any]
    names: tuple[str, ...]


@dataclass(frozen=True)
class CompiledStatement:
    condition: tuple[Atom, ...]  # Implies(A, B): the atoms of A (all must hold); empty otherwise
    conclusion: tuple[Atom, ...]
    names: tuple[str, ...]

    @property
    def condition_names(self) -> tuple[str, ...]:
        return tuple(sorted({n for a in self.condition for n in a.names}))


def _atoms(expr: sympy.Basic, where: str) -> list[sympy.Basic]:
    if isinstance(expr, sympy.And):
        out: list[sympy.Basic] = []
        for arg in expr.args:
            out.extend(_atoms(arg, where))
        return out
    if type(expr) in _RELATIONS:
        return [expr]
    raise ClaimDefinitionError(
        f"{where}: statement part {expr} is a {type(expr).__name__}; use Le/Ge/Lt/Gt/Eq, And(...) "
        "of them, or Implies(condition, conclusion)"
    )


def _compile_atom(rel: sympy.Basic) -> Atom:
    op, strict = _RELATIONS[type(rel)]
    lhs, rhs = rel.args
    syms = sorted((lhs.free_symbols | rhs.free_symbols), key=lambda s: s.name)
    names = tuple(s.name for s in syms)
    f_l = sympy.lambdify(syms, lhs, modules="numpy")
    f_r = sympy.lambdify(syms, rhs, modules="numpy")
    return Atom(text=sympy.sstr(rel), op=op, strict=strict, lhs=f_l, rhs=f_r, names=names)


def compile_statement(statement: sympy.Basic, *, where: str) -> CompiledStatement:
    """Compile a statement; raise :class:`ClaimDefinitionError` naming ``where`` if malformed."""
    if statement is sympy.true or statement is sympy.false or isinstance(statement, bool):
        raise ClaimDefinitionError(
            f"{where}: the statement evaluated to the constant {statement} when it was built; "
            "it must depend on measured symbols (a statement that cannot fail is a defect)"
        )
    if isinstance(statement, sympy.Implies):
        cond, concl = statement.args
        condition = tuple(_compile_atom(a) for a in _atoms(cond, where))
    else:
        condition, concl = (), statement
    conclusion = tuple(_compile_atom(a) for a in _atoms(concl, where))
    names = tuple(sorted({n for a in condition + conclusion for n in a.names}))
    if not names:
        raise ClaimDefinitionError(f"{where}: the statement has no free symbols to measure")
    return CompiledStatement(condition=condition, conclusion=conclusion, names=names)


@dataclass
class AtomEval:
    """One relation of the conclusion, evaluated on its own axes (seed first)."""

    atom: Atom
    axes: tuple[str, ...]
    lhs: np.ndarray  # (S, ...) on ``axes``
    rhs: np.ndarray
    allowance: np.ndarray
    active: np.ndarray  # bool: the condition holds here (all True without Implies)
    violated: np.ndarray  # bool, only where active
    nonfinite: np.ndarray  # bool: NaN anywhere, or a non-finite side that would pass where active
    excess: np.ndarray  # signed, normalised by |bound|: > 0 means violated; Hypothesis's target()
    gap: np.ndarray  # the same difference over the larger side, in [−2, 2] for finite values: "worst slack"

    def flat(self, a: np.ndarray) -> np.ndarray:
        return a.reshape(a.shape[0], -1)

    def index(self, j: int) -> dict[str, int]:
        """The named position of flat element ``j`` within one seed."""
        shape = self.lhs.shape[1:]
        idx = np.unravel_index(j, shape) if shape else ()
        return {a: int(i) for a, i in zip(self.axes[1:], idx)}


@dataclass
class Evaluation:
    """Elementwise outcome of one run, reduced per seed."""

    atoms: list[AtomEval]
    seed_failed: np.ndarray  # bool (S,): a violation where the condition holds
    seed_nonfinite: np.ndarray  # bool (S,): a non-finite value (see the module docstring)
    seed_vacuous: np.ndarray  # bool (S,): the condition never holds for this seed
    excess_per_seed: np.ndarray  # (S,) worst normalised excess among active, finite elements
    gap_per_seed: np.ndarray  # (S,) worst bounded gap among them (reported as −slack)
    ratio_per_seed: np.ndarray  # (S,) worst lhs/rhs of the first inequality (NaN if undefined)


def _inputs(atom: Atom, values: Mapping[str, Value], where: str) -> list[Value]:
    try:
        return [values[n] for n in atom.names]
    except KeyError as err:
        raise ClaimDefinitionError(
            f"{where}: run() returned no value for symbol {err.args[0]!r} used in {atom.text}; "
            f"it returned {sorted(values)}"
        ) from None


def _sides(atom: Atom, values: Mapping[str, Value], axes: tuple[str, ...], shape: tuple[int, ...],
           where: str) -> tuple[np.ndarray, np.ndarray]:
    args = [expand(v, axes) for v in _inputs(atom, values, where)]
    with np.errstate(all="ignore"):
        lhs = np.asarray(atom.lhs(*args), dtype=np.float64)
        rhs = np.asarray(atom.rhs(*args), dtype=np.float64)
    try:
        return np.broadcast_to(lhs, shape), np.broadcast_to(rhs, shape)
    except ValueError:
        raise ClaimDefinitionError(f"{where}: {atom.text} evaluates to shape {lhs.shape}/{rhs.shape}, "
                                   f"not the axes {axes} of its inputs") from None


def evaluate(
    compiled: CompiledStatement,
    values: Mapping[str, Value],
    tolerance: Tolerance,
    S: int,
    *,
    where: str,
) -> Evaluation:
    """Evaluate the statement on checked ``values`` (:func:`verify.axes.check_values`) for S seeds."""
    stderr: Value | None = None
    if tolerance.stderr is not None:
        if tolerance.stderr not in values:
            raise ClaimDefinitionError(
                f"{where}: tolerance names stderr={tolerance.stderr!r} but run() returned no such value"
            )
        stderr = values[tolerance.stderr]

    # the condition, on the axes of its own inputs
    cond_inputs = [values[n] for n in compiled.condition_names if n in values]
    for a in compiled.condition:
        _inputs(a, values, where)  # names the missing symbol, if any
    cond_axes, cond_shape = layout(cond_inputs, S, where=where, names=compiled.condition_names)
    met = np.ones(cond_shape, dtype=bool)
    cond_nan = np.zeros(cond_shape, dtype=bool)
    for atom in compiled.condition:
        lhs, rhs = _sides(atom, values, cond_axes, cond_shape, where)
        cond_nan |= np.isnan(lhs) | np.isnan(rhs)
        met &= _holds_exact(atom.op, lhs, rhs) & np.isfinite(lhs) & np.isfinite(rhs)
    met_value = Value(met.astype(np.float64), cond_axes)
    nan_value = Value(cond_nan.astype(np.float64), cond_axes)

    evals: list[AtomEval] = []
    for atom in compiled.conclusion:
        inputs = cond_inputs + _inputs(atom, values, where) + ([stderr] if stderr is not None else [])
        names = list(compiled.condition_names) + list(atom.names) + ([tolerance.stderr] if stderr is not None else [])
        axes, shape = layout(inputs, S, where=where, names=names)
        lhs, rhs = _sides(atom, values, axes, shape, where)
        active = np.broadcast_to(expand(met_value, axes) > 0, shape)
        with np.errstate(all="ignore"):
            # rtol·|rhs| only when rtol > 0: 0·inf would make the allowance NaN
            allowance = np.full(shape, float(tolerance.atol))
            if tolerance.rtol:
                allowance = allowance + tolerance.rtol * np.abs(rhs)
            if stderr is not None and tolerance.z:
                allowance = allowance + tolerance.z * np.broadcast_to(expand(stderr, axes), shape)
            violated, excess, undefined, gap = _check(atom.op, lhs, rhs, allowance)
        nan = np.isnan(lhs) | np.isnan(rhs) | np.broadcast_to(expand(nan_value, axes) > 0, shape)
        infinite_pass = ~np.isfinite(lhs) | ~np.isfinite(rhs) | ~np.isfinite(allowance)
        nonfinite = nan | ((undefined | (infinite_pass & ~violated)) & active)
        violated = violated & active & ~nan
        evals.append(AtomEval(atom, axes, lhs, rhs, allowance, active, violated, nonfinite, excess, gap))

    seed_failed = np.zeros(S, dtype=bool)
    seed_nonfinite = cond_nan.reshape(S, -1).any(axis=1)
    seed_active = met.reshape(S, -1).any(axis=1)
    excess = np.full(S, -np.inf)
    gap = np.full(S, -np.inf)
    for ev in evals:
        act, nf = ev.flat(ev.active), ev.flat(ev.nonfinite)
        seed_failed |= ev.flat(ev.violated).any(axis=1)
        seed_nonfinite |= nf.any(axis=1)
        ok = act & ~nf
        excess = np.maximum(excess, np.where(ok, ev.flat(ev.excess), -np.inf).max(axis=1, initial=-np.inf))
        excess = np.where(ev.flat(ev.violated).any(axis=1) & ~(excess > 0), np.inf, excess)
        gap = np.maximum(gap, np.where(ok, ev.flat(ev.gap), -np.inf).max(axis=1, initial=-np.inf))
    return Evaluation(
        atoms=evals,
        seed_failed=seed_failed,
        seed_nonfinite=seed_nonfinite,
        seed_vacuous=~seed_active,
        excess_per_seed=excess,
        gap_per_seed=gap,
        ratio_per_seed=_ratios(evals, S),
    )


@dataclass(frozen=True)
class CompiledExpression:
    """A sympy expression over measured symbols, lambdified once (a claim's tightness figure)."""

    text: str
    fn: Callable[..., Any]
    names: tuple[str, ...]


def compile_expression(expr: sympy.Expr, *, where: str) -> CompiledExpression:
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    if not syms:
        raise ClaimDefinitionError(f"{where}: the tightness expression {expr} has no measured symbol")
    return CompiledExpression(sympy.sstr(expr), sympy.lambdify(syms, expr, modules="numpy"), tuple(s.name for s in syms))


def per_seed_value(compiled: CompiledExpression, values: Mapping[str, Value], S: int, reduce: str, *,
                   where: str) -> np.ndarray:
    """The expression evaluated elementwise on its inputs' axes and reduced to one number per seed
    (``max``, ``min`` or the ``last`` element over the other axes; NaN elements are left out)."""
    try:
        inputs = [values[n] for n in compiled.names]
    except KeyError as err:
        raise ClaimDefinitionError(f"{where}: the tightness expression {compiled.text} uses {err.args[0]!r}, which "
                                   f"run() does not return") from None
    axes, shape = layout(inputs, S, where=where, names=compiled.names)
    with np.errstate(all="ignore"):
        out = np.broadcast_to(np.asarray(compiled.fn(*[expand(v, axes) for v in inputs]), dtype=np.float64), shape)
    flat = out.reshape(S, -1)
    if reduce == "last":
        return flat[:, -1].copy()
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows give NaN, which the caller leaves out
        return (np.nanmax if reduce == "max" else np.nanmin)(flat, axis=1)


def _ratios(evals: list[AtomEval], S: int) -> np.ndarray:
    """Per seed, the worst lhs/rhs of the first inequality (small side over big side; NaN if undefined)."""
    ineq = next((ev for ev in evals if ev.atom.op != "=="), None)
    if ineq is None:
        return np.full(S, np.nan)
    small, big = (ineq.lhs, ineq.rhs) if ineq.atom.op in ("<=", "<") else (ineq.rhs, ineq.lhs)
    small, big, act = ineq.flat(small), ineq.flat(big), ineq.flat(ineq.active)
    with np.errstate(all="ignore"):
        r = np.where(act & (big > 0) & np.isfinite(big) & np.isfinite(small), small / big, np.nan)
        allnan = np.all(np.isnan(r), axis=1)
        return np.where(allnan, np.nan, np.nanmax(np.where(np.isnan(r), -np.inf, r), axis=1))


def _holds_exact(op: str, lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return {
            "<=": lhs <= rhs,
            "<": lhs < rhs,
            ">=": lhs >= rhs,
            ">": lhs > rhs,
            "==": lhs == rhs,
        }[op]


def _check(op: str, lhs: np.ndarray, rhs: np.ndarray,
           allowance: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Violation mask, normalised excess (> 0 iff violated), the mask of undefined comparisons, and the gap.

    A comparison is undefined when the difference is NaN (inf − inf, a NaN allowance); an infinite
    violation (divergence past a finite bound, a finite value against an impossible bound) has
    excess +inf. The excess divides the difference by |bound| + allowance (Hypothesis's target: it grows
    without limit as a violation grows); the gap divides it by the larger side + allowance, so it stays in
    [−2, 2] for finite values (±2 only for sides of opposite sign) and reads as a relative gap even where
    the bound is 0 (error counts ≤ 0).
    """
    if op == "==":
        diff = np.abs(lhs - rhs) - allowance
        scale = np.abs(rhs) + allowance + 1e-300
        gap_scale = np.maximum(np.abs(lhs), np.abs(rhs)) + allowance + 1e-300
        violated = diff > 0
    else:
        small, big = (lhs, rhs) if op in ("<=", "<") else (rhs, lhs)
        scale = np.abs(big) + allowance + 1e-300
        gap_scale = np.maximum(np.abs(small), np.abs(big)) + allowance + 1e-300
        if op in ("<", ">"):
            # strict: must hold by more than the allowance
            diff = small - big + allowance
            violated = diff >= 0
        else:
            diff = small - big - allowance
            violated = diff > 0
    undefined = np.isnan(diff)
    excess = np.where(np.isfinite(scale), diff / scale, np.sign(diff) * np.inf)
    excess = np.where(violated & ~np.isfinite(excess), np.inf, excess)
    # a violation exactly at a strict boundary still has a positive excess
    excess = np.where(violated & (excess <= 0), np.finfo(np.float64).tiny, excess)
    gap = np.where(np.isfinite(gap_scale), diff / gap_scale, np.sign(diff))
    gap = np.where(violated & ~(gap > 0), np.finfo(np.float64).tiny, np.where(np.isnan(gap), np.sign(diff), gap))
    return violated & ~undefined, excess, undefined, gap


__all__ = ["Atom", "AtomEval", "CompiledExpression", "CompiledStatement", "Evaluation", "SEED",
           "compile_expression", "compile_statement", "evaluate", "per_seed_value"]
