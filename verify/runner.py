"""The engine: run one claim under Hypothesis and decide its verdict.

Per claim, Hypothesis draws premises (scalars and a seed); each example runs the claim's
implementation for S initialization seeds as one batch, evaluates the statement, and decides the
example by the claim's kind:

* exact / trend: any failing seed fails the example;
* probabilistic: k failures of S; the example fails when the Clopper–Pearson *lower* bound on the
  failure rate exceeds δ, passes when the *upper* bound is at most δ, and is undecided otherwise;
* asymptotic: the run is repeated over the regime's size ladder; a size "held" when at most ⌊δS⌋
  seeds failed (every seed, without δ); the example fails when a size inside the declared practical
  regime did not hold; the smallest size from which every larger size held is the empirical
  threshold.

A failing example is raised to Hypothesis, which shrinks it; the minimal one is the
counterexample. The normalised excess of the worst element is fed to ``hypothesis.target`` so the
search climbs toward the bound. NaN/Inf are classified, never raised.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import time
import traceback
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy

from verify.claim import Claim, Instance, Kind
from verify.errors import ClaimDefinitionError, UsageError
from verify.evaluate import CompiledStatement, Evaluation, compile_statement, evaluate, to_numpy
from verify.profiles import Profile
from verify.stats import clopper_pearson, seeds_needed

Progress = Callable[[dict[str, Any]], None]


class _ExampleFailed(AssertionError):
    """Raised inside the Hypothesis test so that the failing example is shrunk."""

    def __init__(self, record: "ExampleRecord"):
        super().__init__(f"conclusion failed at {record.premises}")
        self.record = record


class _AbortSearch(BaseException):
    """Stops the search without shrinking (a run error or a malformed claim)."""


@dataclass
class ExampleRecord:
    """The outcome of one example (one premise draw, S seeds, possibly several sizes)."""

    premises: dict[str, Any]
    decision: str  # "pass" | "fail" | "undecided" | "nonfinite" | "vacuous"
    seeds: int
    failed_seeds: int
    nonfinite_seeds: int
    vacuous_seeds: int
    worst_excess: float
    worst_ratio: float
    worst_gap: float = -math.inf  # bounded gap (see evaluate._check), worst over all seeds
    worst_gap_held: float = -math.inf  # the same over the seeds that held (δ lets the others fail in a pass)
    failing_seeds: list[int] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    sizes: list[dict[str, Any]] = field(default_factory=list)
    threshold: float | None = None
    practical_min: float | None = None
    theory_size: float | None = None
    interval: tuple[float, float] | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def score(self) -> float:
        v = self.worst_excess
        if math.isnan(v):
            return -1e300
        return max(-1e300, min(1e300, v))


@dataclass
class ClaimResult:
    """Everything results.json keeps about one claim."""

    id: str
    title: str
    paper: str
    kind: str
    expect: str
    verdict: str
    reason: str
    statement: str
    statement_latex: str
    statement_mathml: str
    given: str
    premises: str
    citation: dict[str, Any]
    recalled: list[str]
    tolerance: str
    delta: float | None
    confidence: float | None
    control_of: str | None
    broken_premise: str | None
    examples: int
    seeds_per_example: int
    seeds_total: int
    elapsed_s: float
    worst_slack: float | None
    ratios: list[float]
    counterexample: dict[str, Any] | None
    reproduce: str | None
    evidence: dict[str, Any]
    thresholds: list[dict[str, Any]]
    regime: dict[str, Any] | None
    figures: list[dict[str, Any]]
    spec_hash: str
    source_file: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def claim_seeds(claim: Claim, profile: Profile) -> int:
    """S for this claim: the claim's own count, else the profile's, raised if δ needs more."""
    S = claim.seeds or profile.seeds
    if claim.delta is not None and claim.kind is Kind.PROBABILISTIC:
        S = max(S, 2 * seeds_needed(claim.delta, profile.confidence))
    return S


def seeds_for(premises: Mapping[str, Any], S: int, *, batch: int = 0) -> tuple[int, ...]:
    """The S initialization seeds of an example, derived from its ``seed`` premise.

    ``batch`` > 0 gives a fresh, disjoint batch for the same premises (used to replicate a
    probabilistic failure). All values stay below 2**50, apart from the data streams of
    :meth:`verify.claim.Instance.generator`.
    """
    base = int(premises.get("seed", 0))
    if not 0 <= base < 2**30:
        raise UsageError(f"premise seed={base} must lie in [0, 2**30)")
    return tuple(((batch * 2**30 + base) * 4096 + s) % 2**50 for s in range(S))


def _scalar(value: Any) -> float | None:
    v = to_numpy(value)
    if isinstance(v, (int, float, np.floating, np.integer)):
        return float(v)
    if isinstance(v, np.ndarray) and v.size == 1:
        return float(v.reshape(()))
    if isinstance(v, np.ndarray) and v.size > 1 and np.all(v == v.reshape(-1)[0]):
        return float(v.reshape(-1)[0])
    return None


def _json_scalar(v: Any) -> Any:
    if isinstance(v, (bool, int, str)) or v is None:
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else repr(v)  # 'inf', '-inf', 'nan': JSON has no such numbers
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return _json_scalar(float(v))
    raise TypeError(type(v).__name__)


class Engine:
    """Runs one claim; holds its compiled statement and the per-claim bookkeeping."""

    def __init__(self, claim: Claim, profile: Profile, device: Any, dtype: Any, progress: Progress | None = None):
        self.claim = claim
        self.profile = profile
        self.device = device
        self.dtype = dtype
        self.progress = progress
        self.where = f"claim {claim.id} ({claim.source_file or 'unknown file'})"
        self.compiled: CompiledStatement = compile_statement(claim.statement, where=self.where)
        self.S = claim_seeds(claim, profile)
        if self.S > 4096:
            raise ClaimDefinitionError(f"{self.where}: at most 4096 seeds per example, got {self.S}")
        self.batch = 0  # which seed batch: 0 for the search, 1 for replicating a probabilistic failure

    # -- one example -----------------------------------------------------------------------
    def _run_once(self, premises: Mapping[str, Any]) -> tuple[dict[str, Any], Evaluation]:
        inst = Instance(
            premises=dict(premises), seeds=seeds_for(premises, self.S, batch=self.batch), device=self.device,
            dtype=self.dtype, profile=self.profile,
        )
        with warnings.catch_warnings():
            # A replication or a `lemmata replay` runs the claim outside a Hypothesis test, where a claim's
            # assume() (already satisfied by these premises during the search) warns that it is deprecated there.
            warnings.filterwarnings("ignore", message="Using `assume` outside a property-based test")
            values = dict(self.claim.run(inst))
        ev = evaluate(self.compiled, values, self.claim.tolerance, self.S, where=self.where)
        return values, ev

    def _scalar_env(self, premises: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, float]:
        env: dict[str, float] = {}
        for k, v in list(premises.items()) + list(values.items()):
            s = _scalar(v) if not isinstance(v, str) else None
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

    def _detail(self, values: Mapping[str, Any], ev: Evaluation, seed_index: int) -> dict[str, Any]:
        """Numbers at the worst element of one seed: lhs, rhs, allowance per atom."""
        out: dict[str, Any] = {"seed_index": seed_index}
        S = self.S
        act = ev.active.reshape(S, -1)[seed_index]
        atoms = []
        for a in ev.atoms:
            ex = np.where(act & ~a.nonfinite.reshape(S, -1)[seed_index], a.excess.reshape(S, -1)[seed_index], -np.inf)
            nf = a.nonfinite.reshape(S, -1)[seed_index] & act
            j = int(np.argmax(nf)) if nf.any() and not np.isfinite(ex).any() else int(np.argmax(ex))
            idx = np.unravel_index(j, a.lhs.shape[1:]) if a.lhs.ndim > 1 else ()
            atoms.append({
                "relation": a.atom.text,
                "index": [int(i) for i in idx],
                "lhs": _json_scalar(float(a.lhs.reshape(S, -1)[seed_index, j])),
                "rhs": _json_scalar(float(a.rhs.reshape(S, -1)[seed_index, j])),
                "allowance": _json_scalar(float(a.allowance.reshape(S, -1)[seed_index, j])),
                "violated": bool(a.violated.reshape(S, -1)[seed_index, j]),
                "nonfinite": bool(a.nonfinite.reshape(S, -1)[seed_index, j]),
            })
        out["atoms"] = atoms
        measured = {}
        for k, v in values.items():
            s = _scalar(v) if not isinstance(v, str) else None
            if s is not None:
                measured[k] = _json_scalar(s)
            else:
                arr = to_numpy(v)
                if isinstance(arr, np.ndarray) and arr.ndim >= 1 and arr.shape[0] == S and arr[seed_index].size == 1:
                    measured[k] = _json_scalar(float(arr[seed_index].reshape(())))
        out["measured"] = measured
        return out

    def _figures(self, values: Mapping[str, Any], ev: Evaluation, seed_index: int) -> list[dict[str, Any]]:
        figs = []
        first = ev.atoms[0]
        extra = {"lhs": first.lhs, "rhs": first.rhs}
        for fig in self.claim.figures:
            def row(name: str) -> np.ndarray | None:
                v = extra.get(name) if name in extra else values.get(name)
                if v is None:
                    return None
                a = to_numpy(v)
                a = np.asarray(a, dtype=np.float64)
                if a.ndim >= 1 and a.shape[0] == self.S:
                    a = a[seed_index]
                elif a.ndim >= 1 and a.shape[0] == 1 and a.ndim > 1:
                    a = a[0]
                return a.reshape(-1)

            x = row(fig.x)
            series = []
            for i, name in enumerate(fig.ys):
                y = row(name)
                if x is None or y is None or y.shape != x.shape:
                    continue
                style = fig.styles[i] if i < len(fig.styles) else "line"
                label = self.claim.symbols.get(name, name) if name not in extra else (
                    f"{name}: {sympy.sstr(self.claim_atom_side(name))}")
                series.append({"label": label, "y": [_json_scalar(float(t)) for t in y], "style": style})
            if x is not None and series:
                figs.append({
                    "title": fig.title, "xlabel": fig.xlabel or fig.x, "ylabel": fig.ylabel,
                    "logx": fig.logx, "logy": fig.logy,
                    "x": [_json_scalar(float(t)) for t in x], "series": series,
                })
        return figs

    def claim_atom_side(self, side: str) -> sympy.Basic:
        stmt = self.claim.statement
        concl = stmt.args[1] if isinstance(stmt, sympy.Implies) else stmt
        first = concl.args[0] if isinstance(concl, sympy.And) else concl
        return first.args[0] if side == "lhs" else first.args[1]

    def _record(self, premises: Mapping[str, Any], values: Mapping[str, Any], ev: Evaluation, *, keep_figures: bool) -> ExampleRecord:
        S = self.S
        failed = int(ev.seed_failed.sum())
        nonfinite = int(ev.seed_nonfinite.sum())
        vacuous = int((ev.seed_vacuous & ~ev.seed_failed).sum())
        excess = float(np.max(ev.excess_per_seed)) if S else -math.inf
        ratios = ev.ratio_per_seed[np.isfinite(ev.ratio_per_seed) | np.isinf(ev.ratio_per_seed)]
        worst_ratio = float(np.max(ratios)) if ratios.size else math.nan
        worst_seed = int(np.argmax(np.where(ev.seed_failed, np.inf, ev.excess_per_seed)))
        seeds = seeds_for(premises, S, batch=self.batch)
        rec = ExampleRecord(
            premises=dict(premises), decision="pass", seeds=S, failed_seeds=failed,
            nonfinite_seeds=nonfinite, vacuous_seeds=vacuous, worst_excess=excess,
            worst_ratio=worst_ratio,
            failing_seeds=[seeds[i] for i in np.flatnonzero(ev.seed_failed)[:8]],
            detail=self._detail(values, ev, worst_seed),
        )
        held_gaps = ev.gap_per_seed[~ev.seed_failed]
        rec.worst_gap = float(np.max(ev.gap_per_seed)) if S else -math.inf
        rec.worst_gap_held = float(np.max(held_gaps)) if held_gaps.size else rec.worst_gap
        rec.detail["seed"] = seeds[worst_seed]
        if keep_figures:
            rec.figures = self._figures(values, ev, worst_seed)
        kind = self.claim.kind
        valid = S - nonfinite
        if vacuous == S:
            rec.decision = "vacuous"
        elif kind is Kind.PROBABILISTIC:
            if nonfinite:  # a NaN seed is a numerics failure, never silently dropped from the count
                rec.decision = "nonfinite"
            else:
                lo, hi = clopper_pearson(failed, valid, self.profile.confidence)
                rec.interval = (lo, hi)
                assert self.claim.delta is not None
                rec.decision = "fail" if lo > self.claim.delta else ("pass" if hi <= self.claim.delta else "undecided")
        else:
            rec.decision = "fail" if failed else ("nonfinite" if nonfinite else "pass")
        return rec

    def example(self, premises: Mapping[str, Any]) -> ExampleRecord:
        """Run and decide one example (all ladder sizes for an asymptotic claim)."""
        regime = self.claim.regime
        if self.claim.kind is not Kind.ASYMPTOTIC or regime is None:
            values, ev = self._run_once(premises)
            return self._record(premises, values, ev, keep_figures=True)

        ladder = [int(s) for s in regime.ladder(premises, self.profile)]
        if not ladder or ladder != sorted(ladder):
            raise ClaimDefinitionError(f"{self.where}: regime ladder must be a non-empty increasing list, got {ladder}")
        sizes: list[dict[str, Any]] = []
        records: list[ExampleRecord] = []
        env: dict[str, float] = {}
        for i, size in enumerate(ladder):
            p = {**premises, regime.size: size}
            values, ev = self._run_once(p)
            rec = self._record(p, values, ev, keep_figures=(i == len(ladder) - 1))
            env = self._scalar_env(p, values)
            allowed = math.floor((self.claim.delta or 0.0) * self.S + 1e-9)
            held = (rec.failed_seeds + rec.nonfinite_seeds) <= allowed and rec.decision != "vacuous"
            sizes.append({"size": size, "held": held, "failed_seeds": rec.failed_seeds,
                          "nonfinite_seeds": rec.nonfinite_seeds, "worst_excess": _json_scalar(rec.worst_excess)})
            records.append(rec)
        practical = self._eval_expr(regime.practical, {k: v for k, v in env.items() if k != regime.size}, "practical")
        theory = self._eval_expr(regime.theory, {k: v for k, v in env.items() if k != regime.size}, "theory")
        threshold = None
        for s in reversed(sizes):
            if not s["held"]:
                break
            threshold = s["size"]
        in_regime = [(s, r) for s, r in zip(sizes, records) if s["size"] >= practical]
        bad = [(s, r) for s, r in in_regime if not s["held"]]
        base = dict(premises)
        if bad:
            rec = bad[0][1]
            rec.decision = "fail"
        elif in_regime:
            rec = max((r for _, r in in_regime), key=lambda r: r.score)
            rec.decision = "pass"
        else:
            rec = records[-1]
            rec.decision = "out_of_regime"
        rec.figures = records[-1].figures
        rec.sizes = sizes
        rec.threshold = threshold
        rec.practical_min = _json_scalar(practical)
        rec.theory_size = _json_scalar(theory)
        rec.premises = {**base, regime.size: rec.premises[regime.size]}
        return rec


def _premises_text(claim: Claim, profile: Profile) -> str:
    """The premise strategy as drawn under this profile (Hypothesis's own repr, one line)."""
    try:
        return " ".join(repr(claim.premises(profile)).split())
    except Exception as err:  # the strategy itself raised: that is reported by the search anyway
        return f"<unavailable: {type(err).__name__}>"


def _mathml(expr: sympy.Basic) -> str:
    """Presentation MathML of the statement, safe to embed in HTML (or "" when it cannot be made safe).

    sympy leaves text nodes unescaped (a strict ``<`` becomes ``<mo><</mo>``), so symbol names are
    HTML-escaped first, the relation operators are rewritten as entities, and the result must parse
    as XML; anything else falls back to the plain-text statement.
    """
    import html
    import xml.etree.ElementTree as ET

    from sympy.printing.mathml import mathml

    try:
        safe = expr.xreplace({s: sympy.Symbol(html.escape(s.name)) for s in expr.free_symbols})
        body = mathml(safe, printer="presentation")
        body = body.replace("<mo><</mo>", "<mo>&lt;</mo>").replace("<mo>></mo>", "<mo>&gt;</mo>")
        doc = f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">{body}</math>'
        ET.fromstring(re.sub(r"&#?\w+;", "", doc))  # well-formed (entities aside) or nothing
        if "<script" in doc.lower():
            return ""
        return doc
    except Exception:  # sympy cannot print every Boolean; the plain-text statement is shown instead
        return ""


def _reproduce_command(claim: Claim, premises: Mapping[str, Any], profile: Profile, device: str,
                       prefix: Sequence[str] | str) -> str:
    blob = json.dumps({k: _json_scalar(v) for k, v in premises.items()}, sort_keys=True)
    if isinstance(prefix, str):
        prefix = shlex.split(prefix)
    return shlex.join([*prefix, "replay", claim.id, "--premises", blob, "--profile", profile.name, "--device", device])


def run_claim(
    claim: Claim,
    *,
    profile: Profile,
    device: Any,
    device_name: str,
    dtype: Any,
    progress: Progress | None = None,
    spec_hash: str = "",
    cli_prefix: Sequence[str] | str = ("lemmata",),
) -> ClaimResult:
    """Search one claim with Hypothesis and return its :class:`ClaimResult`."""
    from hypothesis import HealthCheck, Phase, Verbosity, example, given, reject, settings, target
    from hypothesis.database import DirectoryBasedExampleDatabase
    from hypothesis.errors import Flaky, Unsatisfiable, UnsatisfiedAssumption

    engine = Engine(claim, profile, device, dtype, progress)
    records: list[ExampleRecord] = []
    errors: list[str] = []
    state: dict[str, Any] = {"failing": False, "skipped": 0, "t0": time.monotonic(), "first_fail": None,
                             "shrink_cut": False}
    worst: dict[str, ExampleRecord | None] = {"rec": None}
    outcomes: dict[str, ExampleRecord] = {}  # every example run, by its premises: replays after the shrink budget

    def body(premises: dict[str, Any]) -> None:
        if not isinstance(premises, dict):
            raise ClaimDefinitionError(f"{engine.where}: premises must draw a dict, got {type(premises).__name__}")
        elapsed = time.monotonic() - state["t0"]
        if elapsed > profile.budget_s and not state["failing"] and records:
            state["skipped"] += 1
            return
        try:
            for k, v in premises.items():
                _json_scalar(v)
        except TypeError as err:
            raise _AbortSearch(f"{engine.where}: premise {k!r} drew a {err}; premises must draw JSON scalars "
                               "(build tensors inside run from a seed)") from None
        key = json.dumps(premises, sort_keys=True, default=str)
        known: ExampleRecord | None = None
        if state["failing"] and time.monotonic() - state["first_fail"] > profile.shrink_budget_s:
            # Shrink budget spent: examples already run give their outcome again without running (Hypothesis
            # replays its smallest failure; a changed outcome would read as flaky), new candidates are rejected,
            # so the shrinker stops at the smallest failure found so far.
            known = outcomes.get(key)
            if known is None:
                state["shrink_cut"] = True
                reject()
        if known is not None:
            rec = known
        else:
            try:
                rec = engine.example(premises)
            except UnsatisfiedAssumption:
                raise  # the run rejected these premises with hypothesis.assume(): Hypothesis draws others
            except ClaimDefinitionError as err:
                errors.append(f"claim definition error: {err}")
                raise _AbortSearch(str(err)) from None
            except Exception as err:  # a crash in run() is reported, not raised: inconclusive
                errors.append(f"{type(err).__name__}: {err}\n{traceback.format_exc(limit=6)}")
                raise _AbortSearch(str(err)) from None
            records.append(rec)
            outcomes[key] = rec
            if worst["rec"] is None or rec.score > worst["rec"].score:
                worst["rec"] = rec
            if progress is not None:
                progress({"event": "example", "claim": claim.id, "examples": len(records),
                          "worst_excess": worst["rec"].worst_excess, "worst_gap": worst["rec"].worst_gap,
                          "elapsed": time.monotonic() - state["t0"]})
        target(rec.score, label="normalised excess")
        if rec.decision == "fail":  # one raise site: Hypothesis tells failures apart by where they are raised
            if not state["failing"]:
                state["first_fail"] = time.monotonic()
            state["failing"] = True
            raise _ExampleFailed(rec)

    db = None
    if profile.database:
        # one database for every process of a run (claims are keyed by id): a counterexample found by one worker
        # is replayed first by every worker next time; on a multi-machine cluster point this at a shared folder
        db = DirectoryBasedExampleDatabase(os.environ.get("LEMMATA_HYPOTHESIS_DB", ".lemmata/hypothesis"))
    n_examples = max(1, round(profile.max_examples * claim.examples_scale))
    test = settings(
        max_examples=n_examples, deadline=None, derandomize=profile.derandomize, database=db,
        suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=False,
        verbosity=Verbosity.quiet,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    )(given(premises=claim.premises(profile))(body))
    for ex in reversed(claim.examples):
        test = example(premises=dict(ex))(test)
    test.hypothesis.inner_test._hypothesis_internal_add_digest = claim.id.encode()  # one database key per claim

    failing: ExampleRecord | None = None
    note = ""
    t0 = time.monotonic()
    try:
        test()
    except _ExampleFailed as exc:
        failing = exc.record
    except Flaky as exc:  # the shrunk example did not fail again on replay
        fails = [r for r in records if r.decision == "fail"]
        failing = fails[-1] if fails else None
        note = f"Hypothesis reported the failure as flaky ({type(exc).__name__}); the last failing example is shown"
    except Unsatisfiable:
        errors.append("Hypothesis could not satisfy the premises (every example was rejected by assume())")
    except _AbortSearch as exc:
        if not errors:
            errors.append(str(exc))
    if failing is not None and state["shrink_cut"]:
        note = (note + "; " if note else "") + (
            f"shrinking stopped at the profile's {profile.shrink_budget_s:g}s shrink budget: the counterexample is "
            "the smallest failing example found by then; a deeper profile shrinks further")
    replicated: ExampleRecord | None = None
    unreplicated = ""
    if failing is not None and claim.delta is not None and claim.kind in (Kind.PROBABILISTIC, Kind.ASYMPTOTIC):
        # Many examples were tried, each at the profile's confidence; a statistical failure counts only
        # if it replicates on a fresh, disjoint batch of S seeds at the same premises.
        engine.batch = 1
        try:
            replicated = engine.example(failing.premises)
        except Exception as err:
            errors.append(f"replication raised {type(err).__name__}: {err}")
        engine.batch = 0
        if replicated is not None and replicated.decision != "fail":
            unreplicated = (f"the failure at {failing.premises} did not replicate on a fresh batch of {engine.S} "
                            f"seeds ({replicated.failed_seeds} failed): a chance failure among many examples cannot "
                            "be told from a real one")
            failing = None
    elapsed = time.monotonic() - t0

    return _decide(claim, engine, records, failing, errors, note, state["skipped"], elapsed, profile,
                   device_name, spec_hash, worst["rec"], cli_prefix, unreplicated, replicated)


def _decide(claim: Claim, engine: Engine, records: list[ExampleRecord], failing: ExampleRecord | None,
            errors: list[str], note: str, skipped: int, elapsed: float, profile: Profile,
            device_name: str, spec_hash: str, worst: ExampleRecord | None, cli_prefix: Sequence[str] | str,
            unreplicated: str = "", replicated: ExampleRecord | None = None) -> ClaimResult:
    S = engine.S
    n = len(records)
    counts: dict[str, int] = {}
    for r in records:
        counts[r.decision] = counts.get(r.decision, 0) + 1
    breaks = claim.expect == "breaks"
    if failing is not None:
        verdict = "verified" if breaks else "refuted"
        what = "the conclusion failed" if not breaks else "breaking the premise broke the conclusion, as expected"
        reason = f"{what} at the shrunk example {failing.premises}"
    elif errors:
        verdict, reason = "inconclusive", "the run raised an error: " + errors[0].splitlines()[0]
    elif unreplicated:
        verdict, reason = "inconclusive", unreplicated
    elif n == 0:
        verdict, reason = "inconclusive", "no example ran within the budget"
    elif counts.get("nonfinite"):
        verdict = "inconclusive"
        reason = f"{counts['nonfinite']} of {n} examples produced NaN where the conclusion is checked"
    elif counts.get("undecided"):
        verdict = "inconclusive"
        reason = (f"in {counts['undecided']} of {n} examples the failure rate could not be bounded below "
                  f"δ={claim.delta} with S={S} seeds at confidence {profile.confidence}")
    elif breaks:
        verdict = "refuted"
        reason = (f"the conclusion still held in all {n} examples although the premise "
                  f"'{claim.broken_premise}' was broken: the premise was not needed there")
    elif counts.get("vacuous", 0) == n:
        verdict, reason = "inconclusive", "the condition of the implication was never met in any example"
    elif claim.kind is Kind.ASYMPTOTIC and not counts.get("pass"):
        verdict = "inconclusive"
        reason = "no example's size ladder reached the declared practical regime"
    else:
        verdict = "verified"
        reason = f"no violation in {n} examples × {S} seeds"
        failed_total = sum(r.failed_seeds for r in records)
        if claim.kind is Kind.PROBABILISTIC:
            reason = (f"in each of {n} examples the failure rate's {profile.confidence:.0%} Clopper–Pearson upper "
                      f"bound was ≤ δ={claim.delta} (S={S} seeds per example; {failed_total} of {n * S} seeds "
                      "failed in all)")
        if claim.kind is Kind.ASYMPTOTIC:
            allowed = math.floor((claim.delta or 0.0) * S + 1e-9)
            reason = (f"held at every size of the declared practical regime in {counts.get('pass', 0)} examples: "
                      f"at each size at most {allowed} of S={S} seeds failed (observed failure fraction ≤ δ, a point "
                      "estimate, not a confidence bound)")
    if note:
        reason += f" ({note})"
    if skipped:
        reason += f"; the {profile.budget_s:g}s budget stopped the search after {n} examples"

    shown = failing or worst
    counterexample = None
    reproduce = None
    if failing is not None:
        counterexample = {
            "premises": {k: _json_scalar(v) for k, v in failing.premises.items()},
            "seeds": S,
            "failing_seeds": failing.failing_seeds,
            "failed_seeds": failing.failed_seeds,
            "interval": failing.interval,
            "detail": failing.detail,
            "sizes": failing.sizes,
        }
        reproduce = _reproduce_command(claim, failing.premises, profile, device_name, cli_prefix)
    # out-of-regime and vacuous examples decide nothing, so they do not count toward the worst slack
    # an example that passed is read over its seeds that held (δ lets the others fail); any other over all seeds
    gaps = [r.worst_gap_held if r.decision == "pass" else r.worst_gap for r in records
            if r.decision not in ("out_of_regime", "vacuous")]
    finite = [g for g in gaps if math.isfinite(g)]
    worst_slack = -max(finite) + 0.0 if finite else None  # + 0.0: no "−0" for an exact tie
    ratios = [r.worst_ratio for r in records if math.isfinite(r.worst_ratio)]
    thresholds = [
        {"premises": {k: _json_scalar(v) for k, v in r.premises.items() if k != (claim.regime.size if claim.regime else None)},
         "threshold": r.threshold, "practical_min": r.practical_min, "theory_size": r.theory_size,
         "sizes": r.sizes}
        for r in records if r.sizes
    ]
    regime = None
    if claim.regime is not None:
        regime = {"size": claim.regime.size, "practical": sympy.sstr(claim.regime.practical),
                  "theory": sympy.sstr(claim.regime.theory), "note": claim.regime.note}
    evidence = {
        "decisions": counts,
        "failed_seeds_total": sum(r.failed_seeds for r in records),
        "nonfinite_seeds_total": sum(r.nonfinite_seeds for r in records),
        "budget_skipped_examples": skipped,
        "worst_example": None if shown is None else {
            "premises": {k: _json_scalar(v) for k, v in shown.premises.items()},
            "detail": shown.detail, "interval": shown.interval,
        },
        "errors": errors[:3],
        "replication": None if replicated is None else {"decision": replicated.decision,
                                                         "failed_seeds": replicated.failed_seeds,
                                                         "interval": replicated.interval},
    }
    return ClaimResult(
        id=claim.id, title=claim.title, paper=claim.paper, kind=claim.kind.value, expect=claim.expect,
        verdict=verdict, reason=reason, statement=sympy.sstr(claim.statement),
        statement_latex=sympy.latex(claim.statement), statement_mathml=_mathml(claim.statement),
        given=claim.given, premises=_premises_text(claim, profile),
        citation={"paper": claim.citation.paper, "where": claim.citation.where, "arxiv": claim.citation.arxiv,
                  "source": claim.citation.source, "note": claim.citation.note},
        recalled=list(claim.recalled), tolerance=claim.tolerance.describe(), delta=claim.delta,
        confidence=profile.confidence if claim.kind is Kind.PROBABILISTIC else None,
        control_of=claim.control_of, broken_premise=claim.broken_premise,
        examples=n, seeds_per_example=S, seeds_total=n * S, elapsed_s=round(elapsed, 3),
        worst_slack=worst_slack, ratios=ratios, counterexample=counterexample, reproduce=reproduce,
        evidence=evidence, thresholds=thresholds, regime=regime,
        figures=(shown.figures if shown is not None else []), spec_hash=spec_hash,
        source_file=claim.source_file,
    )


def unfinished_result(claim: Claim, *, profile: Profile, reason: str, spec_hash: str = "",
                      device_name: str = "cpu") -> ClaimResult:
    """An ``inconclusive`` result for a claim whose run never finished (e.g. its worker process died)."""
    from dataclasses import replace as _replace

    engine = Engine(claim, profile, None, None)
    res = _decide(claim, engine, [], None, [reason], "", 0, 0.0, profile, device_name, spec_hash, None, "lemmata")
    return _replace(res, reason=reason)


def replay(claim: Claim, premises: Mapping[str, Any], *, profile: Profile, device: Any, dtype: Any) -> ExampleRecord:
    """Run exactly one example (the reproduce command of a counterexample)."""
    from hypothesis.errors import UnsatisfiedAssumption

    if not isinstance(premises, Mapping):
        raise UsageError("premises must be a JSON object, e.g. '{\"n\": 4, \"seed\": 0}'")
    try:
        return Engine(claim, profile, device, dtype).example(premises)
    except UnsatisfiedAssumption:
        raise UsageError(f"claim {claim.id} rejects these premises (its run calls assume()); "
                         "replay premises taken from a counterexample") from None
