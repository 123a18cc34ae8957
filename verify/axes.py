"""Named axes for what a claim's ``run`` returns.

A measured array says what its axes are, so that the engine never has to guess from lengths which
axis holds the seeds (a per-time array of length K = S read as one value per seed inverts a verdict):

* ``per_seed(x, "t")``: ``x`` has the seed axis first (length S, or 1 to broadcast over seeds), then
  one axis per name (here K time steps).
* ``shared(x, "t")``: the same value for every seed, one axis per name (no seed axis).
* a Python number or a 0-d tensor: a constant.

A bare tensor or array with one or more axes is a claim-definition error, whatever its shape. Arrays
whose axes share a name must agree in length along it; differently named axes broadcast against each
other (an outer product), so ``per_seed(loss, "k") ≤ shared(bound, "k")`` compares step by step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from lemmata.verify.errors import ClaimDefinitionError

SEED = "seed"


@dataclass(frozen=True)
class Measured:
    """An array and the names of its axes (``"seed"`` first for per-seed values)."""

    data: Any
    axes: tuple[str, ...]

    @property
    def per_seed(self) -> bool:
        return bool(self.axes) and self.axes[0] == SEED


def _check_names(names: Sequence[str], what: str) -> tuple[str, ...]:
    for a in names:
        if not isinstance(a, str) or not a.isidentifier():
            raise ClaimDefinitionError(f"{what}: axis names must be identifiers like 't' or 'width', got {a!r}")
        if a == SEED:
            raise ClaimDefinitionError(f"{what}: 'seed' is implied by per_seed(); name only the further axes")
    if len(set(names)) != len(names):
        raise ClaimDefinitionError(f"{what}: axis names repeat: {list(names)}")
    return tuple(names)


def per_seed(x: Any, *axes: str) -> Measured:
    """``x`` with the seed axis first (length S or 1), then the named ``axes``: ``per_seed(loss, "k")``."""
    return Measured(x, (SEED,) + _check_names(axes, "per_seed"))


def shared(x: Any, *axes: str) -> Measured:
    """``x`` shared by every seed, with the named ``axes``: ``shared(bound, "k")``."""
    return Measured(x, _check_names(axes, "shared"))


def to_numpy(value: Any) -> Any:
    """Torch tensors and sequences to float64 numpy arrays (bool stays bool); Python numbers unchanged."""
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


@dataclass(frozen=True)
class Value:
    """One measured symbol after checking: float64 data and its axis names (``()`` for a constant)."""

    data: np.ndarray
    axes: tuple[str, ...]

    def lengths(self) -> dict[str, int]:
        return dict(zip(self.axes, self.data.shape))

    def scalar(self) -> float | None:
        """The value when it is one number (a constant, or every element equal), else None."""
        if self.data.size == 0:
            return None
        flat = self.data.reshape(-1)
        if self.data.size == 1 or bool(np.all(flat == flat[0])):
            return float(flat[0])
        return None

    def for_seed(self, i: int) -> np.ndarray:
        """This value as seen by seed ``i``: the seed axis removed (the others kept, in order)."""
        if self.axes and self.axes[0] == SEED:
            return self.data[i if self.data.shape[0] > 1 else 0]
        return self.data


def check_values(values: Mapping[str, Any], S: int, *, where: str) -> dict[str, Value]:
    """Check what ``run`` returned and turn every numeric symbol into a :class:`Value`.

    Strings and None are left out (they are labels, not measurements). Raises
    :class:`ClaimDefinitionError` naming the symbol for a bare array, a wrong number of axes, or a
    seed axis whose length is neither S nor 1.
    """
    out: dict[str, Value] = {}
    for name, raw in values.items():
        if raw is None or isinstance(raw, str):
            continue
        if isinstance(raw, Measured):
            data = np.asarray(to_numpy(raw.data), dtype=np.float64)
            if data.ndim != len(raw.axes):
                raise ClaimDefinitionError(
                    f"{where}: run() returned {name!r} with axes {raw.axes} but an array of shape {data.shape} "
                    f"({data.ndim} axes); name one axis per dimension"
                )
            if raw.per_seed and data.shape[0] not in (S, 1):
                raise ClaimDefinitionError(
                    f"{where}: run() returned {name!r} per seed but its first axis has length {data.shape[0]}, "
                    f"not S={S} (or 1); build it from inst.seeds"
                )
            out[name] = Value(data, raw.axes)
            continue
        if isinstance(raw, (bool, int, float, np.integer, np.floating)):
            out[name] = Value(np.asarray(float(raw)), ())
            continue
        data = to_numpy(raw)
        if isinstance(data, np.ndarray):
            if data.ndim == 0:
                out[name] = Value(np.asarray(data, dtype=np.float64), ())
                continue
            raise ClaimDefinitionError(
                f"{where}: run() returned {name!r} as a bare array of shape {data.shape}; say what its axes are: "
                f"per_seed({name}, ...) for one value per seed (seed axis first) or shared({name}, ...) for one "
                "value for every seed, naming the further axes (from lemmata.verify import per_seed, shared)"
            )
        raise ClaimDefinitionError(
            f"{where}: run() returned {name!r} as a {type(raw).__name__}; return numbers, tensors wrapped in "
            "per_seed()/shared(), or strings"
        )
    return out


def layout(values: Sequence[Value], S: int, *, where: str, names: Sequence[str] = ()) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The common axes (seed first, then the others in order of appearance) and their lengths."""
    axes: list[str] = [SEED]
    lengths: dict[str, int] = {SEED: S}
    owner: dict[str, str] = {}
    for i, v in enumerate(values):
        label = names[i] if i < len(names) else f"value {i}"
        for a, n in v.lengths().items():
            if a == SEED:
                continue
            if a not in lengths:
                axes.append(a)
                lengths[a] = n
                owner[a] = label
            elif lengths[a] != n:
                raise ClaimDefinitionError(
                    f"{where}: axis {a!r} has length {lengths[a]} in {owner[a]!r} but {n} in {label!r}; "
                    "values that share an axis name must agree along it"
                )
    return tuple(axes), tuple(lengths[a] for a in axes)


def expand(v: Value, axes: Sequence[str]) -> np.ndarray:
    """``v`` transposed and padded with length-1 axes so that it broadcasts against ``axes``."""
    order = [v.axes.index(a) for a in axes if a in v.axes]
    data = np.transpose(v.data, order) if v.data.ndim else v.data
    shape = []
    for a in axes:
        shape.append(v.data.shape[v.axes.index(a)] if a in v.axes else 1)
    return data.reshape(shape)

