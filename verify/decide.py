"""The verdict: a pure function from a claim's search evidence to (verdict, reason).

The rules, in the order they apply:

1. a claim-definition error (a missing symbol, an undeclared axis, a bad ladder) → ``invalid``: the
   claim, not the theorem, has to be fixed;
2. a failing example → ``refuted`` (a control: ``verified``, the broken premise mattered). For a claim
   decided against δ the failure must also have replicated on fresh seed batches; a replication that
   did not fail, or that raised, gives ``inconclusive`` with the reason;
3. a run error outside shrinking → ``inconclusive`` (the error is the reason);
4. the hard timeout → ``inconclusive``, "ran N of M examples";
5. examples with NaN or a non-finite side, or whose failure rate could not be separated from δ within the
   profile's cap on batches → ``inconclusive``;
6. nothing decided (every example vacuous, no asymptotic example inside its regime) → ``inconclusive``;
7. a control whose conclusion held everywhere → ``refuted`` (the premise was not needed there);
8. otherwise ``verified``, with what that means for the claim's kind.
"""

from __future__ import annotations

import math

from lemmata.verify.claim import Claim, Kind
from lemmata.verify.profiles import Profile
from lemmata.verify.search import SearchOutcome
from lemmata.verify.stats import look_confidence

VERDICTS = ("verified", "refuted", "inconclusive", "invalid", "skipped")


def decide(claim: Claim, out: SearchOutcome, profile: Profile, S: int) -> tuple[str, str]:
    """(verdict, reason) for one claim's search; see the module docstring for the rules."""
    breaks = claim.expect == "breaks"
    searched = out.searched
    n = len(searched)
    counts: dict[str, int] = {}
    for r in searched:
        counts[r.decision] = counts.get(r.decision, 0) + 1
    binomial = claim.delta is not None and claim.kind in (Kind.PROBABILISTIC, Kind.ASYMPTOTIC)

    if out.definition_error:
        return "invalid", f"the claim's definition is wrong: {out.definition_error.splitlines()[0]}"
    if out.failing is not None:
        at = out.failing.premises
        if binomial:
            if out.replication_error:
                return "inconclusive", (f"the failure at {at} could not be replicated: the replication on fresh seeds "
                                        f"raised {out.replication_error.splitlines()[0]}")
            rep = out.replication
            if rep is None:
                return "inconclusive", f"the failure at {at} was not replicated"
            if rep.decision != "fail":
                tried = f"nor did {out.replication_tries - 1} larger failures met while shrinking; " if \
                    out.replication_tries > 1 else ""
                return "inconclusive", (
                    f"the failure at {at} did not replicate on fresh seed batches ({tried}last try: {rep.failed_seeds} "
                    f"of {rep.seeds_run} seeds failed, decision {rep.decision}): a chance failure among many examples "
                    "cannot be told from a real one")
        where = f"the shrunk example {at}"
        if binomial and out.replication_tries > 1:
            where = (f"{at}, the smallest failure that replicated on fresh seeds (smaller failures met while "
                     f"shrinking did not: {out.replication_tries - 1} tried)")
        if breaks:
            return "verified", f"breaking the premise broke the conclusion, as expected, at {where}"
        return "refuted", f"the conclusion failed at {where}"
    if out.errors:
        return "inconclusive", "the run raised an error: " + out.errors[0].splitlines()[0]
    if out.timed_out:
        cut = "" if out.cut_by_timeout is None else f" (it stopped the example running then, {out.cut_by_timeout})"
        return "inconclusive", (f"ran {n} of {out.planned} planned examples before the hard timeout of "
                                f"{profile.timeout_s:g} s{cut}; a verdict needs every planned example")
    if n == 0:
        return "inconclusive", "no example ran"
    if counts.get("nonfinite"):
        return "inconclusive", (f"{counts['nonfinite']} of {n} examples produced NaN or a non-finite side of a relation "
                                "where the claim is checked")
    if counts.get("undecided"):
        return "inconclusive", (
            f"in {counts['undecided']} of {n} examples the failure rate could not be separated from δ={claim.delta} "
            f"within {profile.max_batches} batches of S={S} seeds (confidence {profile.confidence} over all looks)")
    if counts.get("vacuous", 0) + counts.get("out_of_regime", 0) == n:
        if claim.kind is Kind.ASYMPTOTIC and counts.get("out_of_regime"):
            return "inconclusive", "no example's size ladder reached the declared practical regime"
        return "inconclusive", "the condition of the implication was never met in any example"
    if breaks:
        return "refuted", (f"the conclusion still held in all {n} examples although the premise "
                           f"'{claim.broken_premise}' was broken: the premise was not needed there")
    return "verified", _verified_reason(claim, out, profile, S, counts)


def _verified_reason(claim: Claim, out: SearchOutcome, profile: Profile, S: int, counts: dict[str, int]) -> str:
    searched = out.searched
    n = len(searched)
    seeds = sum(r.seeds_run for r in searched)
    if claim.kind is Kind.PROBABILISTIC:
        failed = sum(r.failed_seeds for r in searched)
        return (f"in each of {n} examples the failure rate's Clopper–Pearson upper bound was ≤ δ={claim.delta} "
                f"(batches of S={S} seeds, at most {profile.max_batches} per example, each look at confidence "
                f"{look_confidence(profile.confidence, profile.max_batches):.4g}; {failed} of {seeds} seeds failed in all)")
    if claim.kind is Kind.ASYMPTOTIC:
        rule = (f"its failure rate's Clopper–Pearson upper bound was ≤ δ={claim.delta}" if claim.delta is not None
                else "every seed held")
        vac = counts.get("out_of_regime", 0)
        cond = counts.get("vacuous", 0)
        return (f"at every size of the declared practical regime in {counts.get('pass', 0)} examples {rule}"
                + (f" ({vac} examples did not reach the regime)" if vac else "")
                + (f" ({cond} examples vacuous inside the regime: no seed met the claim's condition there)"
                   if cond else ""))
    vac = counts.get("vacuous", 0)
    return f"no violation in {n} examples × {S} seeds" + (f" ({vac} vacuous)" if vac else "")


def worst_slack(out: SearchOutcome) -> float | None:
    """The smallest relative gap over the examples that decided something (held seeds of a passing one)."""
    gaps = [r.worst_gap_held if r.decision == "pass" else r.worst_gap for r in out.records
            if r.decision not in ("out_of_regime", "vacuous")]
    finite = [g for g in gaps if math.isfinite(g)]
    return -max(finite) + 0.0 if finite else None  # + 0.0: no "−0" for an exact tie
