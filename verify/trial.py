"""One example of one claim: run the implementation on its seed batches and decide the example.

An example is one premise draw. How it is decided depends on the claim's kind:

* exact / trend: one batch of S seeds; any failing seed fails the example;
* probabilistic: the sequential test of :mod:`verify.stats`: batches of S fresh, disjoint seeds are
  added until the Clopper–Pearson interval of the failure rate separates from δ (pass or fail) or the
  profile's cap on batches is reached (undecided);
* asymptotic: the run is repeated over the regime's size ladder. Each size inside the declared
  practical regime is decided by the same sequential rule (without δ: every seed must hold); sizes
  below the regime run one batch and are reported (held, failed or undecided), not decided. The
  example fails when a size inside the regime failed; the smallest size from which every larger size
  held is the empirical threshold.

Non-finite values (see :mod:`verify.evaluate`) make the example ``nonfinite`` unless the claim
declares ``nonfinite="fails"``; a failure the counted seeds already establish is never dropped for them.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import sympy

from lemmata.verify.axes import Value, check_values
from lemmata.verify.claim import Claim, Instance, Kind
from lemmata.verify.errors import ClaimDefinitionError, UsageError
from lemmata.verify.evaluate import (CompiledStatement, Evaluation, compile_expression, compile_statement, evaluate,
                             per_seed_value)
from lemmata.verify.profiles import Profile
from lemmata.verify.stats import binomial_decision, look_confidence, seeds_needed
from lemmata.verify.streams import init_seed

#: batches of a replication start here, so that they never share a seed with the search's batches
REPLICATION_BATCH = 128


@dataclass
class ExampleRecord:
    """The outcome of one example (one premise draw, one or more batches, possibly several sizes)."""

    premises: dict[str, Any]
    decision: str  # "pass" | "fail" | "undecided" | "nonfinite" | "vacuous" | "out_of_regime"
    seeds: int  # S per batch
    batches: int
    failed_seeds: int
    nonfinite_seeds: int
    vacuous_seeds: int
    worst_excess: float
    worst_ratio: float
    score: float = -1e300  # what the search climbs (see Trial._score)
    worst_gap: float = -math.inf  # bounded gap (see evaluate._check), worst over all seeds
    worst_gap_held: float = -math.inf  # the same over the seeds that held (δ lets the others fail in a pass)
    failing_seeds: list[int] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    sizes: list[dict[str, Any]] = field(default_factory=list)
    threshold: float | None = None
    practical_min: float | None = None
    theory_size: float | None = None
    explicit_size: float | None = None
    interval: tuple[float, float] | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)
    phase: str = ""  # which search phase ran it (corners, generate, target, shrink, replay, replication)
    tightness: list[float] = field(default_factory=list)  # the claim's tightness figure, per seed that held

    @property
    def seeds_run(self) -> int:
        return self.seeds * self.batches


def claim_seeds(claim: Claim, profile: Profile) -> int:
    """S for this claim: the claim's own count, else the profile's, raised where δ needs more in one batch.

    A claim decided against δ (probabilistic, or asymptotic with δ at each width) gets at least the seeds
    with which one batch without a failure passes at the first look's confidence: fewer could never pass
    within the profile's cap on batches, and one large batch is cheaper than many small ones."""
    S = claim.seeds or profile.seeds
    if claim.delta is not None and claim.kind in (Kind.PROBABILISTIC, Kind.ASYMPTOTIC):
        S = max(S, seeds_needed(claim.delta, look_confidence(profile.confidence, profile.max_batches)))
    return S


def seeds_for(premises: Mapping[str, Any], S: int, *, batch: int = 0) -> tuple[int, ...]:
    """The S initialization seeds of batch ``batch`` of an example, derived from its ``seed`` premise.

    Different batches give disjoint seeds for the same premises, and no seed equals a data stream of
    the example (:mod:`verify.streams`: 32-bit values, which is all a CPU torch generator keeps).
    """
    base = premises.get("seed", 0)
    if isinstance(base, bool) or not isinstance(base, (int, np.integer)):
        raise UsageError(f"premise seed={base!r} must be an integer in [0, 2**30)")
    base = int(base)
    if not 0 <= base < 2**30:
        raise UsageError(f"premise seed={base} must lie in [0, 2**30)")
    return tuple(init_seed(base, batch, i) for i in range(S))


def json_scalar(v: Any) -> Any:
    """A plain Python scalar (numpy scalars converted). Non-finite floats stay floats: the files encode them
    once, as null plus a flag (:func:`verify.results.encode_nonfinite`)."""
    if isinstance(v, (bool, int, str, float)) or v is None:
        return v
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return json_scalar(float(v))
    raise TypeError(type(v).__name__)


class Trial:
    """Runs and decides the examples of one claim."""

    def __init__(self, claim: Claim, profile: Profile, device: Any, dtype: Any):
        self.claim = claim
        self.profile = profile
        self.device = device
        self.dtype = dtype
        self.where = f"claim {claim.id} ({claim.source_file or 'unknown file'})"
        self.compiled: CompiledStatement = compile_statement(claim.statement, where=self.where)
        self.S = claim_seeds(claim, profile)
        if self.S > 4096:
            raise ClaimDefinitionError(f"{self.where}: at most 4096 seeds per batch, got {self.S}")
        self.look_confidence = look_confidence(profile.confidence, profile.max_batches)
        self.tightness = (compile_expression(claim.tightness.expr, where=f"{self.where}: tightness")
                          if claim.tightness is not None else None)
        self.first_batch = 0  # REPLICATION_BATCH while replicating

    # -- one batch ---------------------------------------------------------------------------------
    def run_batch(self, premises: Mapping[str, Any], batch: int) -> tuple[dict[str, Value], Evaluation]:
        inst = Instance(
            premises=dict(premises), seeds=seeds_for(premises, self.S, batch=batch), device=self.device,
            dtype=self.dtype, profile=self.profile, batch=batch, random_data=self.claim.random_data,
        )
        with warnings.catch_warnings():
            # A replication or a `lemmata replay` runs the claim outside a Hypothesis test, where a claim's
            # assume() (already satisfied by these premises during the search) warns that it is deprecated there.
            warnings.filterwarnings("ignore", message="Using `assume` outside a property-based test")
            raw = self.claim.run(inst)
        if not isinstance(raw, Mapping):
            raise ClaimDefinitionError(f"{self.where}: run() must return a dict of measured values, "
                                       f"got {type(raw).__name__}")
        values = check_values(raw, self.S, where=self.where)
        return values, evaluate(self.compiled, values, self.claim.tolerance, self.S, where=self.where)

    # -- evidence of one batch ---------------------------------------------------------------------
    def _scalar_env(self, premises: Mapping[str, Any], values: Mapping[str, Value]) -> dict[str, float]:
        env: dict[str, float] = {}
        for k, v in premises.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                env[k] = float(v)
        for k, val in values.items():
            s = val.scalar()
            if s is not None:
                env[k] = s
        if self.claim.delta is not None:
            env.setdefault("delta", self.claim.delta)
        return env

    def _eval_expr(self, expr: sympy.Expr, env: Mapping[str, float], what: str) -> float:
        missing = {s.name for s in expr.free_symbols} - set(env)
        if missing:
            raise ClaimDefinitionError(
                f"{self.where}: regime {what} uses {sorted(missing)}, which are neither premises nor "
                "scalar measurements"
            )
        return float(expr.subs({sympy.Symbol(k): v for k, v in env.items()}).evalf())

    def _detail(self, values: Mapping[str, Value], ev: Evaluation, i: int) -> dict[str, Any]:
        """Numbers at the worst element of seed ``i``: lhs, rhs, allowance and position per relation."""
        atoms = []
        for a in ev.atoms:
            act, nf = a.flat(a.active)[i], a.flat(a.nonfinite)[i]
            ex = np.where(act & ~nf, a.flat(a.excess)[i], -np.inf)
            j = int(np.argmax(nf)) if nf.any() and not np.isfinite(ex).any() else int(np.argmax(ex))
            atoms.append({
                "relation": a.atom.text,
                "index": a.index(j),
                "lhs": json_scalar(float(a.flat(a.lhs)[i, j])),
                "rhs": json_scalar(float(a.flat(a.rhs)[i, j])),
                "allowance": json_scalar(float(a.flat(a.allowance)[i, j])),
                "violated": bool(a.flat(a.violated)[i, j]),
                "nonfinite": bool(nf[j]),
            })
        measured = {}
        for k, v in values.items():
            row = v.for_seed(i)
            if row.size == 1:
                measured[k] = json_scalar(float(row.reshape(())))
        return {"seed_index": i, "atoms": atoms, "measured": measured}

    def _figures(self, values: Mapping[str, Value], ev: Evaluation, i: int) -> list[dict[str, Any]]:
        first = ev.atoms[0]
        sides = {"lhs": first.lhs[i], "rhs": first.rhs[i]}
        figs = []
        for fig in self.claim.figures:
            def row(name: str) -> np.ndarray | None:
                if name in sides:
                    return np.asarray(sides[name]).reshape(-1)
                v = values.get(name)
                return None if v is None else v.for_seed(i).reshape(-1)

            x = row(fig.x)
            series = []
            for k, name in enumerate(fig.ys):
                y = row(name)
                if x is None or y is None or y.shape != x.shape:
                    continue
                style = fig.styles[k] if k < len(fig.styles) else "line"
                label = self.claim.symbols.get(name, name) if name not in sides else (
                    f"{name}: {sympy.sstr(self.statement_side(name))}")
                series.append({"label": label, "y": [json_scalar(float(t)) for t in y], "style": style})
            if x is not None and series:
                figs.append({
                    "title": fig.title, "xlabel": fig.xlabel or fig.x, "ylabel": fig.ylabel,
                    "logx": fig.logx, "logy": fig.logy,
                    "x": [json_scalar(float(t)) for t in x], "series": series,
                })
        return figs

    def statement_side(self, side: str) -> sympy.Basic:
        stmt = self.claim.statement
        concl = stmt.args[1] if isinstance(stmt, sympy.Implies) else stmt
        first = concl.args[0] if isinstance(concl, sympy.And) else concl
        return first.args[0] if side == "lhs" else first.args[1]

    # -- deciding ----------------------------------------------------------------------------------
    def _binomial(self) -> bool:
        """Whether examples are decided by the failure rate against δ (else: every seed must hold)."""
        return self.claim.delta is not None and self.claim.kind in (Kind.PROBABILISTIC, Kind.ASYMPTOTIC)

    def _decide_one_size(self, premises: Mapping[str, Any], *, sequential: bool,
                         keep_figures: bool) -> tuple[ExampleRecord, dict[str, Value]]:
        """Run batches at one set of premises and decide them (sequentially when ``sequential``)."""
        S = self.S
        failed = nonfinite = vacuous = 0
        worst: tuple[float, dict[str, Value], Evaluation, int, int] | None = None
        excess_all: list[np.ndarray] = []
        gap_held: list[np.ndarray] = []
        gap_all: list[np.ndarray] = []
        ratios: list[np.ndarray] = []
        tight: list[np.ndarray] = []
        failing: list[int] = []
        decision, interval, batches = "pass", None, 0
        fails_on_nonfinite = self.claim.nonfinite == "fails"
        cap = self.profile.max_batches if (sequential and self._binomial()) else 1
        last_values: dict[str, Value] = {}
        for b in range(cap):
            batch = self.first_batch + b
            values, ev = self.run_batch(premises, batch)
            last_values = values
            batches += 1
            nf = ev.seed_nonfinite & ~ev.seed_failed
            bad = ev.seed_failed | (nf if fails_on_nonfinite else np.zeros_like(nf))
            failed += int(bad.sum())
            nonfinite += int(nf.sum())
            vacuous += int((ev.seed_vacuous & ~bad & ~nf).sum())
            seeds = seeds_for(premises, S, batch=batch)
            failing += [seeds[i] for i in np.flatnonzero(bad)][: max(0, 8 - len(failing))]
            excess_all.append(ev.excess_per_seed)
            gap_all.append(ev.gap_per_seed)
            gap_held.append(ev.gap_per_seed[~bad])
            ratios.append(ev.ratio_per_seed)
            if self.tightness is not None and self.claim.tightness is not None:
                t = per_seed_value(self.tightness, values, S, self.claim.tightness.reduce, where=self.where)
                tight.append(t[~bad & ~nf & np.isfinite(t)])  # how much of a bound that held was used
            i = int(np.argmax(np.where(bad, np.inf, ev.excess_per_seed)))
            score = float(ev.excess_per_seed[i]) if not bad[i] else math.inf
            if worst is None or score > worst[0]:
                worst = (score, values, ev, i, batch)
            n = batches * S
            unknown = 0 if fails_on_nonfinite else nonfinite
            if self._binomial():
                decision, lo, hi = binomial_decision(failed, unknown, n, float(self.claim.delta),
                                                     self.look_confidence)
                interval = (lo, hi)
                if decision == "undecided" and unknown and b == cap - 1:
                    decision = "nonfinite"
                if decision != "undecided":
                    break
            else:
                decision = "fail" if failed else ("nonfinite" if unknown else "pass")
        if vacuous == batches * S and decision != "fail":
            decision = "vacuous"
        elif decision == "pass" and nonfinite and not fails_on_nonfinite:
            decision = "nonfinite"  # a NaN never passes, even where the counted seeds would
        assert worst is not None
        _, values, ev, i, batch = worst
        excess = np.concatenate(excess_all)
        held = np.concatenate(gap_held)
        ratio = np.concatenate(ratios)
        ratio = ratio[~np.isnan(ratio)]
        rec = ExampleRecord(
            premises=dict(premises), decision=decision, seeds=S, batches=batches, failed_seeds=failed,
            nonfinite_seeds=nonfinite, vacuous_seeds=vacuous,
            worst_excess=float(np.max(excess)) if excess.size else -math.inf,
            worst_ratio=float(np.max(ratio)) if ratio.size else math.nan,
            worst_gap=float(np.max(np.concatenate(gap_all))),
            failing_seeds=failing, interval=interval,
            detail=self._detail(values, ev, i),
        )
        rec.worst_gap_held = float(np.max(held)) if held.size else rec.worst_gap
        rec.tightness = [float(v) for v in np.concatenate(tight)] if tight else []
        rec.detail["seed"] = seeds_for(premises, S, batch=batch)[i]
        rec.score = self._score(rec, excess)
        if keep_figures:
            rec.figures = self._figures(values, ev, i)
        return rec, last_values

    def _score(self, rec: ExampleRecord, excess: np.ndarray) -> float:
        """What the search climbs: the worst excess for claims every seed must satisfy; for claims decided
        against δ, the failure fraction above δ plus a tie-break by the excess of the seed that would have to
        fail next to push the fraction up (not the single worst seed, which δ allows to fail)."""
        if not self._binomial():
            v = rec.worst_excess
            return -1e300 if math.isnan(v) else max(-1e300, min(1e300, v))
        n = rec.seeds_run
        frac = rec.failed_seeds / n - float(self.claim.delta)
        finite = np.sort(excess[np.isfinite(excess) | (excess > 0)])[::-1]
        k = min(len(finite) - 1, rec.failed_seeds + math.floor(float(self.claim.delta) * n))
        tie = float(np.tanh(finite[k])) if len(finite) and k >= 0 and math.isfinite(finite[k]) else 0.0
        return frac + 1e-3 * tie

    # -- one example -------------------------------------------------------------------------------
    def example(self, premises: Mapping[str, Any]) -> ExampleRecord:
        """Run and decide one example (every ladder size for an asymptotic claim)."""
        regime = self.claim.regime
        if self.claim.kind is not Kind.ASYMPTOTIC or regime is None:
            rec, _ = self._decide_one_size(premises, sequential=True, keep_figures=True)
            return rec

        ladder = [int(s) for s in regime.ladder(premises, self.profile)]
        if not ladder or ladder != sorted(ladder) or len(set(ladder)) != len(ladder):
            raise ClaimDefinitionError(f"{self.where}: regime ladder must be a non-empty increasing list, got {ladder}")
        sizes: list[dict[str, Any]] = []
        records: list[ExampleRecord] = []
        practical = theory = explicit = None
        for k, size in enumerate(ladder):
            p = {**premises, regime.size: size}
            if practical is None:
                # the practical regime may use measured scalars (λ₀ of the data): known after the first run
                rec, values = self._decide_one_size(p, sequential=False, keep_figures=(k == len(ladder) - 1))
                env = {key: v for key, v in self._scalar_env(p, values).items() if key != regime.size}
                practical = self._eval_expr(regime.practical, env, "practical")
                theory = self._eval_expr(regime.theory, env, "theory")
                if regime.explicit is not None:
                    explicit = self._eval_expr(regime.explicit, env, "explicit")
                if size >= practical and rec.decision == "undecided":
                    rec, _ = self._decide_one_size(p, sequential=True, keep_figures=(k == len(ladder) - 1))
            else:
                rec, _ = self._decide_one_size(p, sequential=size >= practical, keep_figures=(k == len(ladder) - 1))
            status = {"pass": "held", "fail": "failed"}.get(rec.decision, rec.decision)
            sizes.append({"size": size, "held": status == "held", "status": status, "in_regime": size >= practical,
                          "failed_seeds": rec.failed_seeds, "nonfinite_seeds": rec.nonfinite_seeds,
                          "seeds": rec.seeds_run, "interval": rec.interval,
                          "worst_excess": json_scalar(rec.worst_excess)})
            records.append(rec)
        assert practical is not None and theory is not None
        threshold = None
        for s in reversed(sizes):
            if not s["held"]:
                break
            threshold = s["size"]
        in_regime = [(s, r) for s, r in zip(sizes, records) if s["in_regime"]]
        order = ("failed", "nonfinite", "undecided", "vacuous")
        bad = sorted((order.index(s["status"]), i) for i, (s, _) in enumerate(in_regime) if s["status"] in order)
        if bad:
            s, rec = in_regime[bad[0][1]]
            rec.decision = {"failed": "fail"}.get(s["status"], s["status"])
        elif in_regime:
            rec = max((r for _, r in in_regime), key=lambda r: r.score)
            rec.decision = "pass"
        else:
            rec = records[-1]
            rec.decision = "out_of_regime"
        if in_regime:
            rec.score = max(r.score for _, r in in_regime)
        rec.figures = records[-1].figures
        rec.sizes = sizes
        rec.threshold = threshold
        rec.practical_min = json_scalar(practical)
        rec.theory_size = json_scalar(theory)
        rec.explicit_size = None if explicit is None else json_scalar(explicit)
        rec.premises = {**dict(premises), regime.size: rec.premises[regime.size]}
        return rec

    def replicate(self, premises: Mapping[str, Any]) -> ExampleRecord:
        """The same example on fresh, disjoint seed batches (a statistical failure must replicate)."""
        self.first_batch = REPLICATION_BATCH
        try:
            rec = self.example(premises)
        finally:
            self.first_batch = 0
        rec.phase = "replication"
        return rec
