"""Named verification profiles: how hard the search tries and how large the instances get.

The profiles mirror Hypothesis's named settings profiles. ``ci`` is sized for a 2-core CPU
and a few minutes for every claim; ``dev`` is for a workstation; ``thorough`` is for a GPU and
many examples at larger sizes. A claim reads its sizes through :meth:`Profile.pick`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from verify.errors import UsageError

T = TypeVar("T")


@dataclass(frozen=True)
class Profile:
    """How much effort one verification run spends.

    Attributes:
        name: ``ci``, ``dev`` or ``thorough``.
        level: 0, 1, 2, the index :meth:`pick` uses.
        max_examples: Hypothesis examples per claim (a claim may scale it).
        seeds: S, the initialization seeds run as one batch per example.
        budget_s: wall-clock budget per claim for generating new examples; once spent, the
            search stops trying new examples (shrinking a found failure goes on, see shrink_budget_s).
        shrink_budget_s: wall-clock budget for shrinking a failure, counted from the first failing
            example; once spent, the smallest failing example found so far is the counterexample (the
            reason says so). Cheap claims shrink fully well within it; it bounds expensive trend claims.
        derandomize: fixed search sequence (reproducible CI runs).
        database: keep Hypothesis's example database under ``.lemmata/hypothesis`` so a
            counterexample found once is replayed first next time.
        confidence: the confidence level of Clopper–Pearson bounds.
        default_device: the device used when ``--device`` is not given.
    """

    name: str
    level: int
    max_examples: int
    seeds: int
    budget_s: float
    derandomize: bool
    database: bool
    confidence: float = 0.95
    default_device: str = "cpu"
    shrink_budget_s: float = 600.0

    def pick(self, ci: T, dev: T, thorough: T) -> T:
        """Return the value for this profile's level: ``pick(ci=8, dev=16, thorough=64)``."""
        return (ci, dev, thorough)[self.level]


PROFILES: dict[str, Profile] = {
    "ci": Profile("ci", 0, max_examples=12, seeds=64, budget_s=20.0, derandomize=True, database=False,
                  shrink_budget_s=15.0),
    "dev": Profile("dev", 1, max_examples=40, seeds=128, budget_s=90.0, derandomize=False, database=True,
                   shrink_budget_s=120.0),
    "thorough": Profile(
        "thorough", 2, max_examples=200, seeds=256, budget_s=900.0, derandomize=False, database=True,
        default_device="auto",
    ),
}


def get_profile(name: str) -> Profile:
    """Look a profile up by name; raise :class:`UsageError` naming the choices otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise UsageError(f"unknown profile={name!r}; choose one of {', '.join(PROFILES)}") from None
