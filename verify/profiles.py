"""Named verification profiles: how hard the search tries and how large the instances get.

The profiles mirror Hypothesis's named settings profiles. ``ci`` is sized for a 2-core CPU
and a few minutes for every claim; ``dev`` is for a workstation; ``thorough`` is for a GPU and
many examples at larger sizes. A claim reads its sizes through :meth:`Profile.pick`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

from lemmata.verify.errors import UsageError

T = TypeVar("T")


@dataclass(frozen=True)
class Profile:
    """How much effort one verification run spends, counted in examples (never in seconds).

    Every claim runs the same examples under the same derandomized profile on any machine at any
    load; wall-clock time only enters as a hard per-claim timeout, and hitting it makes the verdict
    ``inconclusive`` ("ran N of M examples"), never ``verified``.

    Attributes:
        name: ``ci``, ``dev`` or ``thorough``.
        level: 0, 1, 2, the index :meth:`pick` uses.
        max_examples: examples of the random phase (Hypothesis's generation; a claim may scale it with
            ``examples_scale``, and the results say so).
        target_examples: examples of the target phase: a hill-climb from the example closest to failing,
            moving one premise at a time toward its bounds (scaled like ``max_examples``).
        corners: the corner examples tried before any random draw: ``"min-max"`` (every premise at its
            smallest, then every premise at its largest) or ``"each"`` (also each premise alone at its
            largest, the others at their smallest).
        shrink_examples: examples spent shrinking a failure; past it the smallest failure found so far is
            the counterexample (the reason says so).
        seeds: S, the initialization seeds run as one batch per example.
        max_batches: the cap of the sequential test: a probabilistic example (and each width of an
            asymptotic claim's regime) adds fresh disjoint batches of S seeds until the Clopper–Pearson
            interval separates from δ or this many batches ran.
        timeout_s: hard wall-clock limit per claim; hitting it gives ``inconclusive``.
        derandomize: fixed search sequence (reproducible CI runs).
        database: keep Hypothesis's example database under ``.lemmata/hypothesis`` so a
            counterexample found once is replayed first next time.
        confidence: the confidence of every Clopper–Pearson decision (split over the looks, see
            :mod:`verify.stats`).
        default_device: the device used when ``--device`` is not given.
    """

    name: str
    level: int
    max_examples: int
    seeds: int
    derandomize: bool
    database: bool
    target_examples: int = 4
    corners: str = "min-max"
    shrink_examples: int = 48
    max_batches: int = 4
    timeout_s: float = 900.0
    confidence: float = 0.95
    default_device: str = "cpu"

    def with_timeout(self, timeout_s: float | None) -> Profile:
        """This profile with its per-claim hard timeout replaced (``None`` keeps it). Only the wall-clock
        limit changes: the examples planned, seeds and batches stay the profile's, so a claim either runs
        all of them or comes back ``inconclusive`` with "ran N of M examples"."""
        return self if timeout_s is None else replace(self, timeout_s=float(timeout_s))

    def pick(self, ci: T, dev: T, thorough: T) -> T:
        """Return the value for this profile's level: ``pick(ci=8, dev=16, thorough=64)``."""
        return (ci, dev, thorough)[self.level]


PROFILES: dict[str, Profile] = {
    "ci": Profile("ci", 0, max_examples=12, seeds=64, derandomize=True, database=False,
                  target_examples=4, corners="min-max", shrink_examples=48, max_batches=4, timeout_s=900.0),
    "dev": Profile("dev", 1, max_examples=40, seeds=128, derandomize=False, database=True,
                   target_examples=12, corners="each", shrink_examples=200, max_batches=8, timeout_s=3600.0),
    "thorough": Profile(
        "thorough", 2, max_examples=200, seeds=256, derandomize=False, database=True,
        target_examples=40, corners="each", shrink_examples=500, max_batches=16, timeout_s=4 * 3600.0,
        default_device="auto",
    ),
}


def parse_timeout(text: str | None) -> float | None:
    """``--timeout SECONDS`` → a positive number of seconds (``None`` when not given), or :class:`UsageError`."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"--timeout={text!r}: expected a number of seconds, e.g. --timeout 600") from None
    if not value > 0 or value == float("inf"):
        raise UsageError(f"--timeout={text}: expected a positive, finite number of seconds")
    return value


def get_profile(name: str) -> Profile:
    """Look a profile up by name; raise :class:`UsageError` naming the choices otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise UsageError(f"unknown profile={name!r}; choose one of {', '.join(PROFILES)}") from None
