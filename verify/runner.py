"""Run one claim: search (:mod:`verify.search`), decide (:mod:`verify.decide`), record (:class:`ClaimResult`).

Also ``replay`` (one example exactly, the reproduce command of a counterexample) and
``unfinished_result`` (the record of a claim whose process died).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

import sympy

from lemmata.verify import example_log
from lemmata.verify.box import box_of
from lemmata.verify.claim import Claim
from lemmata.verify.decide import decide, worst_slack
from lemmata.verify.errors import ClaimDefinitionError, UsageError
from lemmata.verify.present import mathml, premises_text, reproduce_command
from lemmata.verify.profiles import Profile
from lemmata.verify.search import PHASES, Progress, Search, SearchOutcome
from lemmata.verify.trial import ExampleRecord, Trial, claim_seeds, json_scalar, seeds_for

__all__ = ["ClaimResult", "claim_seeds", "replay", "run_claim", "seeds_for", "unfinished_result"]


@dataclass
class ClaimResult:
    """Everything results.json keeps about one claim."""

    id: str
    title: str
    paper: str
    kind: str
    expect: str
    role: str
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
    search: dict[str, Any]
    thresholds: list[dict[str, Any]]
    regime: dict[str, Any] | None
    figures: list[dict[str, Any]]
    tightness: dict[str, Any]
    spec_hash: str
    source_file: str
    #: one row per example run (verify.example_log); the CLI writes them to examples.jsonl, not results.json
    example_rows: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


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
    """Search one claim and return its :class:`ClaimResult`."""
    t0 = time.monotonic()
    try:
        trial = Trial(claim, profile, device, dtype)
        search = Search(claim, trial, profile, progress)
    except ClaimDefinitionError as err:
        out = SearchOutcome(records=[], failing=None, worst=None, planned=0, definition_error=str(err),
                            stopped="claim definition error")
        return _result(claim, out, profile, claim_seeds(claim, profile), device_name, spec_hash, cli_prefix,
                       time.monotonic() - t0)
    out = search.search()
    search.replicate()
    return _result(claim, out, profile, trial.S, device_name, spec_hash, cli_prefix, time.monotonic() - t0)


def _premises_json(premises: Mapping[str, Any]) -> dict[str, Any]:
    return {k: json_scalar(v) for k, v in premises.items()}


def _result(claim: Claim, out: SearchOutcome, profile: Profile, S: int, device_name: str, spec_hash: str,
            cli_prefix: Sequence[str] | str, elapsed: float) -> ClaimResult:
    verdict, reason = decide(claim, out, profile, S)
    if out.note:
        reason += f" ({out.note})"
    if out.shrink_cut and out.failing is not None:
        reason += (f" (shrinking stopped at the profile's budget of {profile.shrink_examples} shrink examples: the "
                   "counterexample is the smallest failure found by then; a deeper profile shrinks further)")
    if out.shrink_errors:
        reason += f"; {len(out.shrink_errors)} shrink candidates raised and were rejected"
    failing = out.failing
    shown: ExampleRecord | None = failing or out.worst
    counterexample = reproduce = None
    if failing is not None:
        counterexample = {
            "premises": _premises_json(failing.premises), "seeds": S, "batches": failing.batches,
            "failing_seeds": failing.failing_seeds, "failed_seeds": failing.failed_seeds,
            "interval": failing.interval, "detail": failing.detail, "sizes": failing.sizes, "phase": failing.phase,
        }
        reproduce = reproduce_command(claim, failing.premises, profile, device_name, cli_prefix)
    searched = out.searched
    counts: dict[str, int] = {}
    for r in searched:
        counts[r.decision] = counts.get(r.decision, 0) + 1
    regime = None
    if claim.regime is not None:
        regime = {"size": claim.regime.size, "practical": sympy.sstr(claim.regime.practical),
                  "theory": sympy.sstr(claim.regime.theory), "note": claim.regime.note,
                  "explicit": None if claim.regime.explicit is None else sympy.sstr(claim.regime.explicit),
                  "explicit_note": claim.regime.explicit_note}
    size_key = claim.regime.size if claim.regime else None
    thresholds = [
        {"premises": {k: json_scalar(v) for k, v in r.premises.items() if k != size_key},
         "threshold": r.threshold, "practical_min": r.practical_min, "theory_size": r.theory_size,
         "explicit_size": r.explicit_size, "sizes": r.sizes}
        for r in out.records if r.sizes
    ]
    rep = out.replication
    evidence = {
        "decisions": counts,
        "failed_seeds_total": sum(r.failed_seeds for r in out.records),
        "nonfinite_seeds_total": sum(r.nonfinite_seeds for r in out.records),
        "worst_example": None if shown is None else {
            "premises": _premises_json(shown.premises), "detail": shown.detail, "interval": shown.interval,
        },
        "errors": (out.errors + out.shrink_errors)[:3],
        "definition_error": out.definition_error,
        "replication": None if rep is None else {"decision": rep.decision, "failed_seeds": rep.failed_seeds,
                                                 "seeds": rep.seeds_run, "interval": rep.interval},
        "replication_error": out.replication_error,
        "replication_tries": out.replication_tries,
    }
    search = {
        "planned": out.planned,
        "run": len(searched),
        "phases": {p: out.phases.get(p, 0) for p in PHASES},
        "drawn": out.drawn,
        "rejected": dict(out.rejected),
        "stopped": out.stopped,
        "box": out.box,
        "timed_out": out.timed_out,
        "shrink_cut": out.shrink_cut,
        "batches": sum(r.batches for r in out.records),
        "profile": {"max_examples": profile.max_examples, "target_examples": profile.target_examples,
                    "examples_scale": claim.examples_scale, "corners": profile.corners,
                    "shrink_examples": profile.shrink_examples, "max_batches": profile.max_batches,
                    "timeout_s": profile.timeout_s},
    }
    return ClaimResult(
        tightness=_tightness(claim, out),
        id=claim.id, title=claim.title, paper=claim.paper, kind=claim.kind.value, expect=claim.expect,
        role=claim.role, verdict=verdict, reason=reason, statement=sympy.sstr(claim.statement),
        statement_latex=sympy.latex(claim.statement), statement_mathml=mathml(claim.statement),
        given=claim.given, premises=premises_text(claim, profile),
        citation={"paper": claim.citation.paper, "where": claim.citation.where, "arxiv": claim.citation.arxiv,
                  "source": claim.citation.source, "note": claim.citation.note},
        recalled=list(claim.recalled), tolerance=claim.tolerance.describe(), delta=claim.delta,
        confidence=profile.confidence if claim.delta is not None else None,
        control_of=claim.control_of, broken_premise=claim.broken_premise,
        examples=len(searched), seeds_per_example=S, seeds_total=sum(r.seeds_run for r in out.records),
        elapsed_s=round(elapsed, 3), worst_slack=worst_slack(out),
        ratios=[r.worst_ratio for r in out.records if math.isfinite(r.worst_ratio)],
        counterexample=counterexample, reproduce=reproduce, evidence=evidence, search=search,
        thresholds=thresholds, regime=regime, figures=(shown.figures if shown is not None else []),
        spec_hash=spec_hash, source_file=claim.source_file,
        example_rows=example_log.rows(claim.id, out.records, out.replications),
    )


def _tightness(claim: Claim, out: SearchOutcome) -> dict[str, Any]:
    """The claim's tightness figure over every example that held (1 = tight, smaller = looser)."""
    import numpy as np
    import sympy as sp

    stmt = claim.statement.args[1] if isinstance(claim.statement, sp.Implies) else claim.statement
    atoms = stmt.args if isinstance(stmt, sp.And) else (stmt,)
    info: dict[str, Any] = {"inequality": any(not isinstance(a, sp.Equality) for a in atoms), "declared": False}
    if claim.tightness is None:
        return info
    values = np.array([v for r in out.records if r.decision == "pass" for v in r.tightness], dtype=np.float64)
    per_example = [float(np.median(r.tightness)) for r in out.records if r.decision == "pass" and r.tightness]
    info.update({"declared": True, "meaning": claim.tightness.meaning, "expr": sp.sstr(claim.tightness.expr),
                 "reduce": claim.tightness.reduce, "seeds": int(values.size), "examples": len(per_example)})
    if values.size:
        info.update({"median": float(np.median(values)), "tightest": float(values.max()),
                     "loosest": float(values.min()), "per_example_median": per_example})
    return info


def unfinished_result(claim: Claim, *, profile: Profile, reason: str, spec_hash: str = "",
                      device_name: str = "cpu") -> ClaimResult:
    """An ``inconclusive`` result for a claim whose run never finished (e.g. its worker process died)."""
    from dataclasses import replace

    out = SearchOutcome(records=[], failing=None, worst=None, planned=0, errors=[reason], stopped="process died")
    res = _result(claim, out, profile, claim_seeds(claim, profile), device_name, spec_hash, "lemmata", 0.0)
    return replace(res, verdict="inconclusive", reason=reason)


def check_premises(claim: Claim, premises: Any, profile: Profile) -> dict[str, Any]:
    """Check replay premises against the claim's premise strategy: every key, the right types, in range.

    Raises :class:`UsageError` naming the premise and the fix.
    """
    if not isinstance(premises, Mapping):
        raise UsageError("premises must be a JSON object, e.g. '{\"n\": 4, \"seed\": 0}'")
    strategy = claim.premises(profile)
    box = box_of(strategy)
    extra_ok = {claim.regime.size} if claim.regime is not None else set()
    # The keys and types to check: a box names every premise; another strategy (a flatmap, a composite whose
    # keys vary) only shows the keys of one draw, so there only the types of the keys it shares are checked,
    # and a missing premise is reported when run() looks it up (see replay).
    if box is not None:
        reference: dict[str, Any] = {k: ax.smallest for k, ax in box.axes.items()}
        missing = [k for k in reference if k not in premises]
        if missing:
            raise UsageError(f"premises lack {', '.join(repr(k) for k in missing)}; claim {claim.id} draws "
                             f"{', '.join(reference)} (copy them from the counterexample's reproduce command)")
        unknown = [k for k in premises if k not in reference and k not in extra_ok]
        if unknown:
            raise UsageError(f"premise {unknown[0]!r} is not one claim {claim.id} draws; it draws {', '.join(reference)}")
    else:
        from hypothesis import HealthCheck, Phase, find, settings

        try:
            reference = find(strategy, lambda _: True, settings=settings(
                database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)))
        except Exception:  # a strategy Hypothesis cannot draw from outside a search: check the seed only
            reference = {}
        if not isinstance(reference, dict):
            reference = {}
    for k, v in premises.items():
        ref = reference.get(k, 0 if k in extra_ok or k == "seed" else None)
        if ref is None:
            continue
        if isinstance(ref, bool):
            ok = isinstance(v, bool)
            want = "true or false"
        elif isinstance(ref, int):
            ok = isinstance(v, int) and not isinstance(v, bool)
            want = "an integer"
        elif isinstance(ref, float):
            ok = isinstance(v, (int, float)) and not isinstance(v, bool)
            want = "a number"
        else:
            ok = type(v) is type(ref)
            want = f"a {type(ref).__name__}"
        if not ok:
            raise UsageError(f"premise {k}={v!r} must be {want}")
    if box is not None:
        for k, ax in box.axes.items():
            v = premises[k]
            if ax.kind == "choice" and not any(v == c for c in ax.choices):
                raise UsageError(f"premise {k}={v!r} is not one of {list(ax.choices)}")
            if ax.kind != "choice" and not ax.low <= v <= ax.high:
                raise UsageError(f"premise {k}={v!r} lies outside [{ax.low}, {ax.high}] under the {profile.name} "
                                 "profile (use the profile of the reproduce command)")
    return {k: (float(v) if isinstance(reference.get(k), float) and isinstance(v, int) else v)
            for k, v in premises.items()}


def replay(claim: Claim, premises: Mapping[str, Any], *, profile: Profile, device: Any, dtype: Any) -> ExampleRecord:
    """Run exactly one example (the reproduce command of a counterexample)."""
    from hypothesis.errors import UnsatisfiedAssumption

    premises = check_premises(claim, premises, profile)
    seeds_for(premises, 1)  # a bad seed premise is a usage error before anything runs
    try:
        rec = Trial(claim, profile, device, dtype).example(premises)
    except UnsatisfiedAssumption:
        raise UsageError(f"claim {claim.id} rejects these premises (its run calls assume()); "
                         "replay premises taken from a counterexample") from None
    except KeyError as err:  # run() looked up a premise that was not given
        if err.args and isinstance(err.args[0], str) and err.args[0] not in premises:
            raise UsageError(f"premises lack {err.args[0]!r}, which claim {claim.id} uses; copy the premises from "
                             "the counterexample's reproduce command") from None
        raise
    rec.phase = "replay"
    return rec

