"""The premise box: the bounds of a premise strategy, when it has them, for corners, targeting and shrinking.

Most claims draw their premises as ``st.fixed_dictionaries`` of bounded scalars (``integers(a, b)``,
``floats(a, b)``, ``sampled_from([...])``, ``booleans()``, ``just(v)``). Such a strategy is a box,
and the search uses its bounds three ways (:mod:`verify.search`):

* **corners**: every premise at its smallest, then every premise at its largest (the largest sizes,
  the largest step, the most coherent inputs), and in deeper profiles each premise alone at its
  largest, tried before any random draw;
* **targeting**: a hill-climb from the example closest to failing, one premise at a time toward either
  bound;
* **shrinking** a failure found at a corner or by the hill-climb: each premise in turn bisected toward
  its simplest value (as Hypothesis shrinks: 0 when in range, else the bound nearest 0, the first of
  a ``sampled_from``) while the example still fails.

The bounds are read from Hypothesis's strategy objects (``start``/``end`` of integers, ``min_value``/
``max_value`` of floats, ``elements`` of ``sampled_from``). A strategy that is not such a box (``flatmap``,
``composite``, ``filter``, a ``map``) has no box: its search is Hypothesis's random phase alone, and the
results say that no corners were tried.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

SEED_KEY = "seed"  # the data seed is a nuisance premise: held at its smallest value in corners, never targeted


@dataclass(frozen=True)
class Axis:
    """One premise's range: ``kind`` is "int", "float" or "choice" (``choices`` in shrink order)."""

    kind: str
    low: Any = None
    high: Any = None
    choices: tuple[Any, ...] = ()

    @property
    def smallest(self) -> Any:
        return self.choices[0] if self.kind == "choice" else self.low

    @property
    def simplest(self) -> Any:
        """The value a shrinker moves toward (as Hypothesis does): the first choice, else 0 when in range,
        else the bound nearest 0."""
        if self.kind == "choice":
            return self.choices[0]
        if self.low <= 0 <= self.high:
            return type(self.low)(0)
        return self.low if abs(self.low) <= abs(self.high) else self.high

    @property
    def largest(self) -> Any:
        return self.choices[-1] if self.kind == "choice" else self.high

    @property
    def movable(self) -> bool:
        return (len(self.choices) > 1) if self.kind == "choice" else self.low != self.high

    def position(self, value: Any) -> float:
        """Where ``value`` lies in the range, 0 (smallest) to 1 (largest)."""
        if self.kind == "choice":
            i = self._index(value)
            return i / max(1, len(self.choices) - 1)
        span = float(self.high) - float(self.low)
        return 0.0 if span == 0 else (float(value) - float(self.low)) / span

    def at(self, t: float) -> Any:
        """The value at position ``t`` in [0, 1] (rounded down for integers and choices)."""
        t = min(1.0, max(0.0, t))
        if self.kind == "choice":
            return self.choices[int(math.floor(t * (len(self.choices) - 1) + 1e-9))]
        if self.kind == "int":
            return int(self.low + math.floor(t * (self.high - self.low) + 1e-9))
        return float(self.low + t * (self.high - self.low))

    def _index(self, value: Any) -> int:
        for i, c in enumerate(self.choices):
            if c == value and type(c) is type(value):
                return i
        return self.choices.index(value)

    def toward_simplest(self, value: Any, steps: int = 12) -> Iterator[Any]:
        """Candidates between the simplest value and ``value``, simplest first, for a bisection.

        The caller sends back whether each candidate still failed (``gen.send(failed)``)."""
        if self.kind == "choice":
            lo, hi = 0, self._index(value)
            if hi == 0:
                return
            failed = yield self.choices[0]
            if failed:
                return
            while hi - lo > 1:
                mid = (lo + hi) // 2
                failed = yield self.choices[mid]
                lo, hi = (lo, mid) if failed else (mid, hi)
            return
        # bisect on the distance from the simplest value (on either side of it)
        goal = self.simplest
        sign = 1 if value >= goal else -1
        lo, hi = 0, abs(value - goal)
        if hi == 0:
            return
        failed = yield goal
        if failed:
            return
        for _ in range(64 if self.kind == "int" else steps):
            if self.kind == "int":
                if hi - lo <= 1:
                    return
                mid = (lo + hi) // 2
            else:
                mid = lo + (hi - lo) / 2
                if mid in (lo, hi):
                    return
            failed = yield goal + sign * mid
            lo, hi = (lo, mid) if failed else (mid, hi)


@dataclass(frozen=True)
class Box:
    """A premise strategy that is a product of bounded ranges, in the strategy's key order."""

    axes: Mapping[str, Axis]

    def contains(self, premises: Mapping[str, Any]) -> bool:
        if set(premises) != set(self.axes):
            return False
        for k, ax in self.axes.items():
            v = premises[k]
            if ax.kind == "choice":
                if not any(v == c and type(v) is type(c) for c in ax.choices):
                    return False
            elif not (ax.low <= v <= ax.high):
                return False
        return True

    def corners(self, mode: str) -> list[dict[str, Any]]:
        """Corner examples: ``min-max`` (all smallest, all largest) or ``each`` (also each premise alone at
        its largest); the data seed stays at its smallest value. Duplicates are dropped."""
        low = {k: (ax.simplest if k == SEED_KEY else ax.smallest) for k, ax in self.axes.items()}
        high = {k: (ax.simplest if k == SEED_KEY else ax.largest) for k, ax in self.axes.items()}
        out = [low, high]
        if mode == "each":
            for k, ax in self.axes.items():
                if k != SEED_KEY and ax.movable:
                    out.append({**low, k: ax.largest})
        elif mode != "min-max":
            raise ValueError(f"corners={mode!r}: use 'min-max' or 'each'")
        seen, unique = set(), []
        for c in out:
            key = tuple(sorted((k, repr(v)) for k, v in c.items()))
            if key not in seen:
                seen.add(key)
                unique.append(c)
        return unique

    def targets(self) -> list[str]:
        """The premises a hill-climb may move (every movable one but the data seed)."""
        return [k for k, ax in self.axes.items() if k != SEED_KEY and ax.movable]

    def move(self, premises: Mapping[str, Any], key: str, direction: int, step: float) -> dict[str, Any]:
        """``premises`` with ``key`` moved a fraction ``step`` of the way to its upper (+1) or lower (−1) bound."""
        ax = self.axes[key]
        t = ax.position(premises[key])
        goal = 1.0 if direction > 0 else 0.0
        new = ax.at(t + step * (goal - t)) if ax.kind != "choice" else _step_choice(ax, premises[key], direction, step)
        return {**premises, key: new}


def _step_choice(ax: Axis, value: Any, direction: int, step: float) -> Any:
    i = ax._index(value)
    n = len(ax.choices) - 1
    goal = n if direction > 0 else 0
    j = i + int(math.copysign(max(1, round(step * abs(goal - i))), goal - i)) if goal != i else i
    return ax.choices[min(n, max(0, j))]


def _unwrap(strategy: Any) -> Any:
    seen = 0
    while hasattr(strategy, "wrapped_strategy") and seen < 8:
        strategy = strategy.wrapped_strategy
        seen += 1
    return strategy


def _axis(strategy: Any) -> Axis | None:
    s = _unwrap(strategy)
    name = type(s).__name__
    if name == "IntegersStrategy" and s.start is not None and s.end is not None:
        return Axis("int", int(s.start), int(s.end))
    if name == "FloatStrategy":
        lo, hi = getattr(s, "min_value", None), getattr(s, "max_value", None)
        if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
            return None
        return Axis("float", float(lo), float(hi))
    if name == "JustStrategy" or name == "SampledFromStrategy":
        if getattr(s, "_transformations", ()):  # sampled_from(...).map/.filter
            return None
        elements = tuple(getattr(s, "elements", ()))
        if not elements:
            return None
        return Axis("choice", choices=elements)
    if name == "BooleansStrategy":
        return Axis("choice", choices=(False, True))
    return None


def box_of(strategy: Any) -> Box | None:
    """The :class:`Box` of a premise strategy, or None when it is not a fixed dict of bounded scalars."""
    try:
        s = _unwrap(strategy)
        if type(s).__name__ != "FixedDictStrategy" or getattr(s, "optional", None):
            return None
        axes: dict[str, Axis] = {}
        for key, sub in s.mapping.items():
            ax = _axis(sub)
            if ax is None or not isinstance(key, str):
                return None
            axes[key] = ax
        return Box(axes) if axes else None
    except Exception:  # introspection of Hypothesis's objects: anything unexpected means "no box"
        return None


__all__: Sequence[str] = ["Axis", "Box", "box_of"]
