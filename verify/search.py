"""The search for a counterexample: phases, budgets counted in examples, shrinking.

One claim's search runs these phases, each with a budget fixed by the profile (never by the clock):

1. **explicit**: the claim's own adversarial ``examples``;
2. **corners**: the premise box's corners (:mod:`verify.box`), before any random draw;
3. **generate**: Hypothesis's derandomized (``ci``) or random generation, ``max_examples`` of them
   (Hypothesis's own targeting included);
4. **target**: a hill-climb from the example closest to failing, one premise at a time toward its bounds;
5. **shrink**: a failure is shrunk: by Hypothesis when it found it, by bisecting each premise toward its
   simplest value (:mod:`verify.box`) when an explicit, corner or target example found it. An exception while shrinking
   rejects that candidate; the smallest failure found so far stays the counterexample.

A failure found in one phase ends the search (after shrinking). Every planned example runs; the only
clock is a hard per-claim timeout, which ends the search as ``timed out`` (a verdict of inconclusive
unless a failure was already found). A failure of a claim decided against δ is then replicated on fresh
seed batches (:meth:`verify.trial.Trial.replicate`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from lemmata.verify.box import Box, box_of
from lemmata.verify.claim import Claim
from lemmata.verify.errors import ClaimDefinitionError
from lemmata.verify.profiles import Profile
from lemmata.verify.trial import ExampleRecord, Trial, json_scalar

Progress = Callable[[dict[str, Any]], None]
PHASES = ("explicit", "corners", "generate", "target", "shrink")


class _Failed(AssertionError):
    """Raised inside the Hypothesis test so that the failing example is shrunk."""

    def __init__(self, record: ExampleRecord):
        super().__init__(f"conclusion failed at {record.premises}")
        self.record = record


class _Stop(BaseException):
    """Ends the search without shrinking: a run error, a claim-definition error, or the timeout."""


class _HardTimeout(BaseException):
    """Raised inside a running example when the claim's hard timeout passes (see :func:`_deadline`)."""


@contextlib.contextmanager
def _deadline(at: float) -> Iterator[None]:
    """Stop the block at monotonic time ``at`` by raising :class:`_HardTimeout` from a SIGALRM timer, so that one
    long example cannot carry a claim past its hard timeout (the timeout is also checked between examples). Only in
    the main thread of a Unix process: elsewhere (a Dask worker's thread) the check between examples is all there is.
    A signal handler runs between Python bytecodes: a single long tensor operation finishes first."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    remaining = at - time.monotonic()
    if remaining <= 0:
        raise _HardTimeout

    def fire(signum: int, frame: Any) -> None:
        raise _HardTimeout

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, remaining)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class SearchOutcome:
    """What the search found, for :func:`verify.decide.decide`."""

    records: list[ExampleRecord]  # every distinct example run, in order (shrink candidates included)
    failing: ExampleRecord | None
    worst: ExampleRecord | None  # the highest score among the examples that decided something
    planned: int  # examples the profile planned: explicit + corners + generate + target
    drawn: int = 0  # examples Hypothesis drew in the generate phase (a draw may repeat an example already run)
    rejected: dict[str, int] = field(default_factory=dict)  # examples the claim's assume() rejected, per phase
    phases: dict[str, int] = field(default_factory=lambda: {p: 0 for p in PHASES})
    stopped: str = ""
    errors: list[str] = field(default_factory=list)  # run errors that ended the search
    shrink_errors: list[str] = field(default_factory=list)  # candidates rejected because they raised
    definition_error: str | None = None
    timed_out: bool = False
    cut_by_timeout: dict[str, Any] | None = None  # the premises of the example the hard timeout stopped mid-run
    shrink_cut: bool = False
    note: str = ""
    box: bool = False
    replication: ExampleRecord | None = None  # the last replication run (the one the decision reads)
    replications: list[ExampleRecord] = field(default_factory=list)  # every replication run, in order
    replication_error: str | None = None
    replication_tries: int = 0

    @property
    def searched(self) -> list[ExampleRecord]:
        """The examples of the search proper (not shrink candidates)."""
        return [r for r in self.records if r.phase != "shrink"]


def _without_local_constants() -> Callable[[], None]:
    """Stop Hypothesis from mixing "local constants" into its draws for the duration of one search.

    Hypothesis (≥ 6.131) draws, with a small probability, literals collected from every *local* module loaded in
    the process so far (``hypothesis.internal.conjecture.providers._get_local_constants``). The pool grows as the
    process imports more of our modules or writes test files, so the same derandomized claim drew different examples
    in a fresh ``lemmata verify`` process and late in a pytest session (poggio2020.kkt_residual_shrinks: refuted in
    one, verified in the other). A verdict must not depend on what ran before it: the pool is emptied (and the cache
    of permitted constants cleared) while our search runs, and restored after. Hypothesis's global constants stay.
    Returns the function that restores the previous state; a no-op where this Hypothesis has no such pool.
    """
    try:
        from hypothesis.internal.conjecture import providers
        constants_cls, cache, original = providers.Constants, providers.CONSTANTS_CACHE, providers._get_local_constants
    except (ImportError, AttributeError):  # an older Hypothesis: no local constants to remove
        return lambda: None
    empty = constants_cls()
    cache.cache.clear()
    providers._get_local_constants = lambda: empty

    def restore() -> None:
        providers._get_local_constants = original
        cache.cache.clear()

    return restore


def _key(premises: Mapping[str, Any]) -> str:
    return json.dumps(premises, sort_keys=True, default=repr)


class Search:
    """Runs the phases of one claim's search; see the module docstring."""

    def __init__(self, claim: Claim, trial: Trial, profile: Profile, progress: Progress | None = None):
        self.claim = claim
        self.trial = trial
        self.profile = profile
        self.progress = progress
        self.t0 = time.monotonic()
        self.outcomes: dict[str, ExampleRecord] = {}
        scale = claim.examples_scale
        self.n_generate = max(1, round(profile.max_examples * scale))
        self.n_target = max(0, round(profile.target_examples * scale))
        strategy = claim.premises(profile)
        self.strategy = strategy
        self.box: Box | None = box_of(strategy)
        self.explicit = [dict(e) for e in claim.examples]
        self.corners = self.box.corners(profile.corners) if self.box is not None else []
        self.out = SearchOutcome(records=[], failing=None, worst=None,
                                 planned=len(self.explicit) + len(self.corners) + self.n_generate
                                 + (self.n_target if self.box is not None else 0),
                                 box=self.box is not None)
        self.shrinking = False
        self.shrink_runs = 0

    # -- running one example -----------------------------------------------------------------------
    def _timed_out(self) -> bool:
        return time.monotonic() - self.t0 > self.profile.timeout_s

    def run(self, premises: Mapping[str, Any], phase: str) -> ExampleRecord:
        """Run one example (or return its earlier outcome). Raises _Stop for errors and the timeout."""
        for k, v in premises.items():
            try:
                json_scalar(v)
            except TypeError as err:
                self.out.definition_error = (f"premise {k!r} drew a {err}; premises must draw JSON scalars "
                                             "(build tensors inside run from a seed)")
                raise _Stop() from None
        key = _key(premises)
        if key in self.outcomes:
            return self.outcomes[key]
        if self._timed_out():
            self.out.timed_out = True
            raise _Stop()
        try:
            with _deadline(self.t0 + self.profile.timeout_s):
                rec = self.trial.example(premises)
        except _HardTimeout:
            self.out.timed_out = True
            self.out.cut_by_timeout = dict(premises)
            raise _Stop() from None
        except ClaimDefinitionError as err:
            self.out.definition_error = str(err)
            raise _Stop() from None
        except Exception as err:
            if _is_rejection(err):
                self.out.rejected[phase] = self.out.rejected.get(phase, 0) + 1
                raise
            message = f"{type(err).__name__}: {err}\n{traceback.format_exc(limit=6)}"
            if self.shrinking:
                self.out.shrink_errors.append(message)
                raise _Rejected() from None
            self.out.errors.append(message)
            raise _Stop() from None
        rec.phase = phase
        self.outcomes[key] = rec
        self.out.records.append(rec)
        self.out.phases[phase] += 1
        if phase == "shrink":
            self.shrink_runs += 1
        elif rec.decision not in ("vacuous", "out_of_regime") and (
                self.out.worst is None or rec.score > self.out.worst.score):
            self.out.worst = rec
        if self.progress is not None:
            worst = self.out.worst
            self.progress({"event": "example", "claim": self.claim.id, "phase": phase,
                           "examples": len(self.out.records), "planned": self.out.planned,
                           "worst_excess": worst.worst_excess if worst else None,
                           "worst_gap": worst.worst_gap if worst else None,
                           "elapsed": time.monotonic() - self.t0})
        return rec

    # -- phases --------------------------------------------------------------------------------------
    def search(self) -> SearchOutcome:
        try:
            failing = self._listed(self.explicit, "explicit") or self._listed(self.corners, "corners")
            if failing is None:
                failing = self._generate()
            if failing is None and self.out.failing is None and self.box is not None:
                failing = self._target()
            if failing is not None:
                self.out.failing = self._shrink_in_box(failing)
        except _Stop:
            pass
        if self.out.failing is not None and self.out.timed_out:
            self.out.note = "shrinking stopped at the hard timeout: the counterexample is the smallest failure found by then"
        self.out.stopped = self._stopped()
        return self.out

    def _stopped(self) -> str:
        o = self.out
        if o.definition_error:
            return "claim definition error"
        if o.errors:
            return "run error"
        if o.timed_out and o.failing is None:
            return f"hard timeout ({self.profile.timeout_s:g} s) after {len(o.searched)} of {o.planned} examples"
        if o.failing is not None:
            return "failure found" + (" and shrunk" if o.phases["shrink"] else "")
        return "every planned example ran"

    def _listed(self, examples: list[dict[str, Any]], phase: str) -> ExampleRecord | None:
        for premises in examples:
            try:
                rec = self.run(premises, phase)
            except _Rejected:
                continue
            except Exception as err:
                if _is_rejection(err):
                    continue
                raise
            if rec.decision == "fail":
                return rec
        return None

    def _target(self) -> ExampleRecord | None:
        """Hill-climb from the highest-scoring example, one premise at a time toward either bound."""
        assert self.box is not None
        start = self.out.worst
        if start is None or not self.box.contains(start.premises) or self.n_target == 0:
            return None
        best, step, budget = start, 0.5, self.n_target
        while budget > 0 and step >= 1 / 64:
            improved = False
            for key in self.box.targets():
                for direction in (+1, -1):
                    cand = self.box.move(best.premises, key, direction, step)
                    if _key(cand) in self.outcomes:
                        continue
                    try:
                        rec = self.run(cand, "target")
                    except _Rejected:
                        continue
                    except Exception as err:
                        if _is_rejection(err):
                            continue
                        raise
                    budget -= 1
                    if rec.decision == "fail":
                        return rec
                    if rec.score > best.score:
                        best, improved = rec, True
                        break
                    if budget == 0:
                        return None
                if improved:
                    break
            if not improved:
                step /= 2
        return None

    def _shrink_in_box(self, failing: ExampleRecord) -> ExampleRecord:
        """Bisect each premise toward its simplest value while the example still fails."""
        if self.box is None or failing.phase in ("generate", "shrink") or not self.box.contains(failing.premises):
            return failing
        self.shrinking = True
        best = failing
        try:
            changed = True
            while changed:
                changed = False
                for key, axis in self.box.axes.items():
                    gen = axis.toward_simplest(best.premises[key])
                    try:
                        value = next(gen)
                        while True:
                            if self.shrink_runs >= self.profile.shrink_examples:
                                self.out.shrink_cut = True
                                return best
                            cand = {**best.premises, key: value}
                            try:
                                rec = self.run(cand, "shrink")
                                failed = rec.decision == "fail"
                            except _Rejected:
                                failed = False
                            except Exception as err:
                                if not _is_rejection(err):
                                    raise
                                failed = False
                            if failed:
                                best, changed = rec, True
                            value = gen.send(failed)
                    except StopIteration:
                        pass
        except _Stop:
            if self.out.definition_error:
                raise
        finally:
            self.shrinking = False
        return best

    def _generate(self) -> ExampleRecord | None:
        """Hypothesis's phase: random (or derandomized) draws, shrunk by Hypothesis on a failure."""
        from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings, target
        from hypothesis.database import DirectoryBasedExampleDatabase
        from hypothesis.errors import Flaky, Unsatisfiable

        found: dict[str, ExampleRecord] = {}

        def body(premises: dict[str, Any]) -> None:
            if not isinstance(premises, dict):
                self.out.definition_error = f"premises must draw a dict, got {type(premises).__name__}"
                raise _Stop()
            key = _key(premises)
            if "first" in found and key not in self.outcomes:
                # shrinking a failure: new candidates cost examples of the shrink budget
                if self.shrink_runs >= self.profile.shrink_examples or self._timed_out():
                    self.out.shrink_cut = self.shrink_runs >= self.profile.shrink_examples
                    self.out.timed_out = self.out.timed_out or self._timed_out()
                    reject()
                self.shrinking = True
                try:
                    rec = self.run(premises, "shrink")
                except _Rejected:
                    reject()
                finally:
                    self.shrinking = False
            else:
                self.out.drawn += 1
                rec = self.run(premises, "generate")
            target(max(-1e300, min(1e300, rec.score)), label="score")
            if rec.decision == "fail":  # one raise site: Hypothesis tells failures apart by where they are raised
                found.setdefault("first", rec)
                raise _Failed(rec)

        db = None
        if self.profile.database:
            # one database for every process of a run (claims are keyed by id): a counterexample found by one
            # worker is replayed first by every worker next time; on a cluster point this at a shared folder
            db = DirectoryBasedExampleDatabase(os.environ.get("LEMMATA_HYPOTHESIS_DB", ".lemmata/hypothesis"))
        test = settings(
            max_examples=self.n_generate, deadline=None, derandomize=self.profile.derandomize, database=db,
            suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=False,
            verbosity=Verbosity.quiet,
            phases=[Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        )(given(premises=self.strategy)(body))
        test.hypothesis.inner_test._hypothesis_internal_add_digest = self.claim.id.encode()  # one db key per claim
        # Hypothesis stops shrinking after 300 s of wall-clock time, which would make the counterexample depend on
        # the machine's load; our shrink budget counts examples and the hard timeout bounds the time instead.
        from hypothesis.internal.conjecture import engine as hypothesis_engine

        saved = hypothesis_engine.MAX_SHRINKING_SECONDS
        hypothesis_engine.MAX_SHRINKING_SECONDS = 10**9
        restore_constants = _without_local_constants()
        try:
            test()
        except _Failed as exc:
            return exc.record
        except Flaky as exc:  # the shrunk example did not fail again on replay
            fails = [r for r in self.out.records if r.decision == "fail"]
            self.out.note = (f"Hypothesis reported the failure as flaky ({type(exc).__name__}); "
                             "the smallest failing example run is shown")
            return min(fails, key=lambda r: _key(r.premises)) if fails else None
        except Unsatisfiable:
            if not self.out.records:
                self.out.errors.append("Hypothesis could not satisfy the premises (every example was rejected by "
                                       "assume())")
        finally:
            hypothesis_engine.MAX_SHRINKING_SECONDS = saved
            restore_constants()
        if "first" in found:  # Hypothesis ended without re-raising (it should not): keep the failure
            return found["first"]
        return None

    # -- replication ---------------------------------------------------------------------------------
    def replicate(self, attempts: int = 3) -> None:
        """Run the failure again on fresh seed batches (claims decided against δ).

        Shrinking walks toward the edge of the failure region, where the failure rate approaches δ and a
        replication is a coin flip. So when the smallest failure does not replicate, the failure the search found
        first (before shrinking, deeper in the region) is tried, then one met half-way down, up to ``attempts`` in
        all; the first one that replicates is the counterexample. A replication that raises ends the attempts (the verdict is then
        inconclusive, with the error).
        """
        failing = self.out.failing
        if failing is None or not self.trial._binomial():
            return
        fails = [r for r in self.out.records if r.decision == "fail" and r is not failing]  # in the order found
        # the smallest, then the failure the search found first (deepest in the region), then one half-way down
        chain = [failing] + fails[:1] + ([fails[len(fails) // 2]] if len(fails) > 2 else [])
        for rec in chain[:attempts]:
            try:
                rep = self.trial.replicate(rec.premises)
            except Exception as err:  # e.g. out of memory: the refutation then has no replication to stand on
                self.out.replication_error = f"{type(err).__name__}: {err}"
                return
            self.out.replication = rep
            self.out.replications.append(rep)
            self.out.replication_tries += 1
            if rep.decision == "fail":
                self.out.failing = rec
                return


class _Rejected(Exception):
    """A shrink candidate whose run raised: Hypothesis (or the bisection) moves on to the next candidate."""


def _is_rejection(err: BaseException) -> bool:
    """Whether ``err`` is Hypothesis's ``assume()`` rejecting the premises."""
    from hypothesis.errors import UnsatisfiedAssumption

    return isinstance(err, UnsatisfiedAssumption)
