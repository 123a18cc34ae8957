"""Evaluate a claim's sympy statement on measured values, elementwise and per seed.

The statement is compiled once per claim (``compile_statement``): each relational becomes a
pair of lambdified numpy functions (lhs, rhs). Evaluation broadcasts measured arrays whose first
axis is the seed axis, applies the tolerance rule of :mod:`verify.claim`, and classifies every
element as passed, violated, vacuous (an ``Implies`` condition not met) or non-finite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import sympy

from verify.claim import Tolerance
from verify.errors import ClaimDefinitionError

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


def to_numpy(value: Any) -> Any:
    """Torch tensors and sequences to float64 numpy arrays; Python numbers unchanged."""
    if hasattr(value, "detach"):
        value = value.detach().to("cpu")
        if value.is_floating_point() or value.is_complex():
            value = value.double()
        return value.numpy()
    if isinstance(value, (list, tuple)):
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, np.ndarray) and value.dtype != np.float64 and value.dtype != bool:
        return value.astype(np.float64)
    return value


@dataclass
class AtomEval:
    atom: Atom
    lhs: np.ndarray  # broadcast to (S, ...)
    rhs: np.ndarray
    allowance: np.ndarray
    violated: np.ndarray  # bool, (S, ...)
    nonfinite: np.ndarray  # bool, (S, ...)
    excess: np.ndarray  # signed, normalised by |bound|: > 0 means violated; used for Hypothesis's target()
    gap: np.ndarray  # the same difference normalised by the larger side, in [−2, 2] for finite values: "worst slack"


@dataclass
class Evaluation:
    """Elementwise outcome of one run, reduced per seed."""

    atoms: list[AtomEval]
    active: np.ndarray  # bool (S, ...): condition met (all True without Implies)
    seed_failed: np.ndarray  # bool (S,)
    seed_nonfinite: np.ndarray  # bool (S,): a non-finite value where the conclusion is checked
    seed_vacuous: np.ndarray  # bool (S,): condition never met for this seed
    excess_per_seed: np.ndarray  # (S,) worst normalised excess among active elements
    gap_per_seed: np.ndarray  # (S,) worst bounded gap among active elements (reported as −slack)
    ratio_per_seed: np.ndarray  # (S,) worst lhs/rhs of the first inequality (NaN if undefined)


def _apply(atom: Atom, values: Mapping[str, Any], where: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        args = [values[n] for n in atom.names]
    except KeyError as err:
        raise ClaimDefinitionError(
            f"{where}: run() returned no value for symbol {err.args[0]!r} used in {atom.text}; "
            f"it returned {sorted(values)}"
        ) from None
    with np.errstate(all="ignore"):
        lhs = np.asarray(atom.lhs(*args), dtype=np.float64)
        rhs = np.asarray(atom.rhs(*args), dtype=np.float64)
    return lhs, rhs


def _seed_shape(arrays: list[np.ndarray], S: int, where: str) -> tuple[int, ...]:
    # The seed axis is the first axis: align arrays on the left (pad trailing axes with 1).
    ndim = max(a.ndim for a in arrays)
    try:
        shape = np.broadcast_shapes(*(a.shape + (1,) * (ndim - a.ndim) for a in arrays), (S,) + (1,) * (ndim - 1))
    except ValueError as err:
        raise ClaimDefinitionError(
            f"{where}: measured arrays do not broadcast with the seed axis S={S} first: "
            f"{[a.shape for a in arrays]} ({err})"
        ) from None
    if not shape or shape[0] != S:
        raise ClaimDefinitionError(
            f"{where}: measured arrays must have the seed axis first (length S={S} or 1); got {shape}"
        )
    return shape


def evaluate(
    compiled: CompiledStatement,
    values: Mapping[str, Any],
    tolerance: Tolerance,
    S: int,
    *,
    where: str,
) -> Evaluation:
    """Evaluate the statement on measured ``values`` for S seeds."""
    values = {k: to_numpy(v) for k, v in values.items()}
    stderr = None
    if tolerance.stderr is not None:
        if tolerance.stderr not in values:
            raise ClaimDefinitionError(
                f"{where}: tolerance names stderr={tolerance.stderr!r} but run() returned no such value"
            )
        stderr = np.asarray(values[tolerance.stderr], dtype=np.float64)

    cond_pairs = [(a, *_apply(a, values, where)) for a in compiled.condition]
    concl_pairs = [(a, *_apply(a, values, where)) for a in compiled.conclusion]
    arrays = [x for _, l, r in cond_pairs + concl_pairs for x in (l, r)]
    if stderr is not None:
        arrays.append(stderr)
    # Lift bare per-seed vectors of the wrong rank: a 0-d value broadcasts as (1,).
    arrays = [a.reshape((1,)) if a.ndim == 0 else a for a in arrays]
    shape = _seed_shape(arrays, S, where)

    def full(a: np.ndarray) -> np.ndarray:
        a = a.reshape((1,)) if a.ndim == 0 else a
        a = a.reshape(a.shape + (1,) * (len(shape) - a.ndim))
        return np.broadcast_to(a, shape)

    active = np.ones(shape, dtype=bool)
    cond_nonfinite = np.zeros(shape, dtype=bool)
    for atom, lhs, rhs in cond_pairs:
        lhs, rhs = full(lhs), full(rhs)
        cond_nonfinite |= ~(np.isfinite(lhs) & np.isfinite(rhs)) & ~(np.isinf(lhs) | np.isinf(rhs))
        active &= _holds_exact(atom.op, lhs, rhs)

    evals: list[AtomEval] = []
    for atom, lhs, rhs in concl_pairs:
        lhs, rhs = full(lhs), full(rhs)
        with np.errstate(all="ignore"):
            # rtol·|rhs| only when rtol > 0: 0·inf would make the allowance NaN and every comparison pass
            allowance = np.full(shape, float(tolerance.atol))
            if tolerance.rtol:
                allowance = allowance + tolerance.rtol * np.abs(rhs)
            if stderr is not None and tolerance.z:
                allowance = allowance + tolerance.z * full(stderr)
            violated, excess, undefined, gap = _check(atom.op, lhs, rhs, allowance)
        nonfinite = np.isnan(lhs) | np.isnan(rhs) | undefined
        violated = violated & ~nonfinite
        evals.append(AtomEval(atom, lhs, rhs, allowance, violated, nonfinite, excess, gap))

    flat = lambda a: a.reshape(S, -1)  # noqa: E731
    act = flat(active)
    violated_any = np.zeros_like(act)
    nonfinite_any = flat(cond_nonfinite).copy()
    excess = np.full(act.shape, -np.inf)
    gap = np.full(act.shape, -np.inf)
    for ev in evals:
        violated_any |= flat(ev.violated) & act
        nonfinite_any |= flat(ev.nonfinite) & act
        ex = np.where(act & ~flat(ev.nonfinite), flat(ev.excess), -np.inf)
        excess = np.maximum(excess, ex)
        gap = np.maximum(gap, np.where(act & ~flat(ev.nonfinite), flat(ev.gap), -np.inf))
    ratio = np.full(S, np.nan)
    ineq = next((ev for ev in evals if ev.atom.op != "=="), None)
    if ineq is not None:
        with np.errstate(all="ignore"):
            small, big = (ineq.lhs, ineq.rhs) if ineq.atom.op in ("<=", "<") else (ineq.rhs, ineq.lhs)
            r = np.where(act & (flat(big) > 0) & np.isfinite(flat(small)), flat(small) / flat(big), np.nan)
            r = np.where(act & np.isinf(flat(small)) & (flat(small) > 0), np.inf, r)
        with np.errstate(all="ignore"):
            allnan = np.all(np.isnan(r), axis=1)
            ratio = np.where(allnan, np.nan, np.nanmax(np.where(np.isnan(r), -np.inf, r), axis=1))
    return Evaluation(
        atoms=evals,
        active=active,
        seed_failed=violated_any.any(axis=1),
        seed_nonfinite=nonfinite_any.any(axis=1) & ~violated_any.any(axis=1),
        seed_vacuous=~act.any(axis=1),
        excess_per_seed=excess.max(axis=1),
        gap_per_seed=gap.max(axis=1),
        ratio_per_seed=ratio,
    )


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
    with np.errstate(all="ignore"):
        gap = np.where(np.isfinite(gap_scale), diff / gap_scale, np.sign(diff))
    gap = np.where(violated & ~(gap > 0), np.finfo(np.float64).tiny, np.where(np.isnan(gap), np.sign(diff), gap))
    return violated & ~undefined, excess, undefined, gap
