"""The claim model: a theorem's claim as declared data.

A :class:`Claim` is not a subclass with behaviour; it is a record the engine interprets:

* ``statement`` is a sympy Boolean over *measured symbols*: a relational (``Le``, ``Ge``,
  ``Lt``, ``Gt``, ``Eq``), an ``And`` of them, or ``Implies(A, B)`` (B must hold wherever the
  measured condition A holds). The same expression is rendered in reports and lambdified for the
  check, so what is shown is what is checked.
* ``premises(profile)`` returns a Hypothesis strategy of a ``dict`` of JSON scalars (sizes, step
  sizes, conditioning knobs, a ``seed``). Tensors are built inside ``run`` from those scalars.
* ``run(instance)`` runs the implementation and returns a mapping from symbol name to value.
  Arrays state their axes (:mod:`verify.axes`): ``per_seed(x, "t")`` has the seed axis first (length
  S, or 1 to broadcast), ``shared(x, "t")`` is one value for every seed; further axes are named
  (time steps, widths, matrix entries) and align by name. Python numbers are constants.
* ``random_data``: the claim's probability is over the data as well as the initialization; the
  engine then gives fresh data streams per batch and per seed (:class:`Instance`).
* ``nonfinite``: what a NaN (or a non-finite side that would pass) means: ``"inconclusive"`` (the
  default: the example decides nothing) or ``"fails"`` (the claim says the quantity stays finite,
  so a blow-up is a violation).
* ``tightness``: for an inequality, how much of the bound the run used (:class:`Tightness`), over the
  whole run rather than at the closest step; the report's "How tight is each theorem?" table.
* ``role``: what the item is. ``claim``: a statement its cited paper makes (theorem, lemma or section
  number in the citation); ``check``: an identity, closed form or code agreement that validates our
  implementation; ``control``: breaks exactly one named premise of a claim (made by :func:`control`);
  ``finding``: our own measurement (a threshold, a slope, a comparison). Only claims count as the paper's.
* ``tolerance`` gives the slack the check allows and, always, the reason for it.

Tolerance semantics (one rule, printed with every verdict): for ``lhs ≤ rhs`` the claim passes
when ``lhs ≤ rhs + allowance``; for ``lhs = rhs`` when ``|lhs − rhs| ≤ allowance``; a *strict*
inequality ``lhs < rhs`` must hold by more than the allowance, ``lhs < rhs − allowance``, so that
numerical noise can never make "λ₀ > 0" pass on a singular matrix. The allowance is
``atol + rtol·|rhs| + z·stderr`` where ``stderr`` names a measured standard error (Monte Carlo).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence

import sympy

if TYPE_CHECKING:
    import torch
    from hypothesis.strategies import SearchStrategy

    from lemmata.verify.profiles import Profile


class Kind(str, Enum):
    """How a claim is decided (CLAIMS.md, "Three kinds of claim")."""

    EXACT = "exact"  # one violation is a counterexample
    PROBABILISTIC = "probabilistic"  # failure rate over S seeds against δ (Clopper–Pearson)
    ASYMPTOTIC = "asymptotic"  # a declared practical regime; the empirical threshold is reported
    TREND = "trend"  # a fitted slope or ordering across sizes; decided like an exact claim


Source = Literal["paper", "derived", "recalled"]
Role = Literal["claim", "check", "control", "finding"]
#: what an item is (issue 15): only ``claim`` items count as a paper's
ROLES: tuple[str, ...] = ("claim", "check", "control", "finding")


@dataclass(frozen=True)
class Citation:
    """Where a claim comes from, down to the theorem or lemma number.

    ``source`` is CLAIMS.md's tag: ``paper`` (read in the paper), ``derived`` (follows from the
    definitions; sharp), ``recalled`` (remembered, not re-read: the report says so).
    """

    paper: str
    where: str
    arxiv: str | None = None
    source: Source = "paper"
    note: str = ""

    def short(self) -> str:
        ax = f", arXiv {self.arxiv}" if self.arxiv else ""
        return f"{self.paper}, {self.where}{ax}"


@dataclass(frozen=True)
class Tolerance:
    """The slack a check allows, with its reason (both are printed with the verdict)."""

    reason: str
    rtol: float = 0.0
    atol: float = 0.0
    stderr: str | None = None
    z: float = 0.0

    def describe(self) -> str:
        parts = []
        if self.atol:
            parts.append(f"atol={self.atol:g}")
        if self.rtol:
            parts.append(f"rtol={self.rtol:g}")
        if self.stderr:
            parts.append(f"{self.z:g}·{self.stderr}")
        return (" + ".join(parts) or "exact (0)") + f" — {self.reason}"


@dataclass(frozen=True)
class Regime:
    """The declared practical regime of an asymptotic claim.

    Attributes:
        size: the premise swept, e.g. ``"m"``.
        ladder: sizes to run for one example, ``ladder(premises, profile) -> [m1 < m2 < ...]``.
        practical: sympy expression (premise and measured symbols) for the smallest size of
            the declared practical regime: the conclusion is required to hold from there on.
            These constants are ours, not the paper's, and reports say so.
        theory: the theorem's scaling with its hidden constants set to 1, for comparison.
        note: what the practical regime is and why it was chosen.
        explicit: optional sympy expression for the size at which the paper's *proof* closes, with
            its constants (derived from the proof where the paper hides them: say so in
            ``explicit_note``). Evaluated per example and reported beside the empirical threshold:
            explicit / threshold says how many times larger than needed the proof's size is.
        explicit_note: where ``explicit``'s constants come from.
    """

    size: str
    ladder: Callable[[Mapping[str, Any], "Profile"], Sequence[int]]
    practical: sympy.Expr
    theory: sympy.Expr
    note: str
    explicit: sympy.Expr | None = None
    explicit_note: str = ""


CoverageStatus = Literal["encoded", "not encodable", "not yet"]
COVERAGE_STATUSES: tuple[str, ...] = ("encoded", "not encodable", "not yet")


@dataclass(frozen=True)
class Covered:
    """One result of a paper (a theorem, lemma, corollary or a section's claim) and how the suite covers it.

    A theorem module lists its paper's results in ``COVERAGE`` (issue 16): ``encoded`` names the items that
    encode it; ``not encodable`` says why no finite computation settles it (an existence statement, an
    approximation rate with no computable constant); ``not yet`` says what is missing. The report shows the
    map at the top of each paper's section.
    """

    where: str
    statement: str
    status: CoverageStatus
    claims: tuple[str, ...] = ()
    why: str = ""
    source: Source = "paper"


@dataclass(frozen=True)
class Tightness:
    """How much of a true bound the run used, one number per seed over the whole run (issue 15).

    ``expr`` is a sympy expression over measured symbols, evaluated elementwise like a side of the statement
    and reduced over every axis but the seed axis with ``reduce``. Write it so that 1 means tight and smaller
    means looser: observed/bound for a distance or a concentration bound, the bound's decay exponent over the
    measured one for a rate (``log(bound_K/bound_0)/log(loss_K/loss_0)`` at the last step), the empirical
    threshold over the theorem's explicit width. ``meaning`` says which, in words, for the report.
    """

    expr: sympy.Expr
    meaning: str
    reduce: Literal["max", "min", "last"] = "max"


@dataclass(frozen=True)
class Figure:
    """A plot the report draws from one recorded example (the worst one found).

    ``x`` and each of ``ys`` name measured symbols, or ``"lhs"``/``"rhs"`` of the statement's
    first relational. The seed with the worst slack is plotted.
    """

    title: str
    x: str
    ys: tuple[str, ...]
    xlabel: str = ""
    ylabel: str = ""
    logx: bool = False
    logy: bool = False
    styles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instance:
    """What ``run`` receives: the drawn premises and everything needed to build tensors.

    ``batch`` numbers the seed batch (0, 1, … as a sequential test adds batches; replications use
    batches of their own); ``seeds`` are that batch's S initialization seeds, disjoint across batches.
    ``random_data`` is the claim's flag: its probability is over the data too, so the data stream of
    :meth:`generator` changes with the batch and :meth:`seed_generators` gives one stream per seed.
    """

    premises: Mapping[str, Any]
    seeds: tuple[int, ...]
    device: "torch.device"
    dtype: "torch.dtype"
    profile: "Profile"
    batch: int = 0
    random_data: bool = False

    def generator(self, stream: int = 0) -> "torch.Generator":
        """A CPU generator for data, seeded from the premise ``seed`` and a stream number in [0, 1024).

        For a claim with ``random_data`` the stream is fresh for every batch; otherwise it is the same
        for every batch (the data are fixed by the premises; only the initialization is random). Data
        streams never coincide with an initialization seed of the same example (:mod:`verify.streams`).
        """
        import torch

        from lemmata.verify.streams import data_seed

        batch = self.batch if self.random_data else 0
        return torch.Generator().manual_seed(data_seed(self.base, batch, stream))

    def seed_generators(self, stream: int = 0) -> list["torch.Generator"]:
        """One CPU generator per seed of this batch for stream ``stream`` in [0, 1024): a seed's own randomness
        beyond its initialization (its data when ``random_data``, its minibatch order), disjoint from every
        other stream of the example."""
        import torch

        from lemmata.verify.streams import own_seed

        return [torch.Generator().manual_seed(own_seed(self.base, self.batch, i, stream)) for i in range(self.S)]

    @property
    def base(self) -> int:
        """The premise ``seed`` (0 when the claim draws none)."""
        return int(self.premises.get("seed", 0))

    @property
    def S(self) -> int:
        return len(self.seeds)


@dataclass(frozen=True)
class Claim:
    """One claim of one paper, as data. See the module docstring for the field contracts."""

    id: str
    title: str
    citation: Citation
    kind: Kind
    statement: sympy.Basic
    premises: Callable[["Profile"], "SearchStrategy[dict[str, Any]]"]
    run: Callable[[Instance], Mapping[str, Any]]
    tolerance: Tolerance
    symbols: Mapping[str, str] = field(default_factory=dict)
    given: str = ""
    delta: float | None = None
    regime: Regime | None = None
    expect: Literal["holds", "breaks"] = "holds"
    control_of: str | None = None
    broken_premise: str | None = None
    recalled: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    tightness: Tightness | None = None
    examples: tuple[Mapping[str, Any], ...] = ()
    examples_scale: float = 1.0
    seeds: int | None = None
    random_data: bool = False
    nonfinite: Literal["inconclusive", "fails"] = "inconclusive"
    role: Role = "claim"
    source_file: str = ""

    @property
    def paper(self) -> str:
        return self.id.split(".", 1)[0]


_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def control(
    parent: Claim,
    *,
    name: str,
    premises: Callable[["Profile"], "SearchStrategy[dict[str, Any]]"],
    broken: str,
    title: str | None = None,
    kind: Kind | None = None,
    examples: tuple[Mapping[str, Any], ...] = (),
    run: Callable[[Instance], Mapping[str, Any]] | None = None,
) -> Claim:
    """A negative control: ``parent``'s conclusion checked on premises that break one premise.

    The control is *verified* when the conclusion then fails (the premise matters; the
    counterexample is the evidence) and *refuted* when it still holds everywhere the search
    looked (the premise is not needed in practice).
    """
    return replace(
        parent,
        id=f"{parent.paper}.{name}",
        title=title or f"control for {parent.id}: {broken}",
        kind=kind or parent.kind,
        premises=premises,
        run=run or parent.run,
        expect="breaks",
        role="control",
        control_of=parent.id,
        broken_premise=broken,
        regime=None if (kind or parent.kind) is not Kind.ASYMPTOTIC else parent.regime,
        examples=examples,
        figures=parent.figures,
        tightness=None,  # a control expects its conclusion to break: how loose the parent's bound is says nothing here
    )
