"""Unit tests for verify.box: reading a premise strategy's bounds, corners, moves and bisection."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from lemmata.verify.box import Axis, box_of

pytestmark = pytest.mark.unit


def premises():
    return st.fixed_dictionaries({"n": st.integers(2, 8), "eta": st.floats(0.0, 0.5, allow_nan=False),
                                  "M": st.sampled_from([16, 64, 256]), "dup": st.booleans(), "on": st.just(True),
                                  "seed": st.integers(0, 2**20)})


def test_a_fixed_dict_of_bounded_scalars_is_a_box() -> None:
    """Guards the introspection of Hypothesis's strategy objects against a Hypothesis upgrade."""
    box = box_of(premises())
    assert box is not None
    assert box.axes["n"] == Axis("int", 2, 8)
    assert box.axes["eta"] == Axis("float", 0.0, 0.5)
    assert box.axes["M"].choices == (16, 64, 256) and box.axes["dup"].choices == (False, True)
    assert box.axes["on"].choices == (True,)


@pytest.mark.parametrize("strategy", [
    st.integers(1, 3).flatmap(lambda n: st.fixed_dictionaries({"n": st.just(n)})),
    st.fixed_dictionaries({"n": st.integers(1, 5).filter(lambda v: v % 2 == 0)}),
    st.fixed_dictionaries({"n": st.integers(1, 5).filter(lambda v: v > 2)}).filter(lambda d: d["n"] != 4),
    st.fixed_dictionaries({"n": st.sampled_from([1, 2]).map(lambda v: 2 * v)}),
    st.fixed_dictionaries({"n": st.integers(min_value=1)}),
    st.fixed_dictionaries({"x": st.floats(0, 1)}, optional={"k": st.just(1)}),
    st.fixed_dictionaries({"x": st.floats(min_value=0.0)}),
])
def test_anything_else_has_no_box(strategy) -> None:
    assert box_of(strategy) is None


def test_corners_hold_the_seed_and_cover_the_extremes() -> None:
    box = box_of(premises())
    low, high = box.corners("min-max")
    assert low == {"n": 2, "eta": 0.0, "M": 16, "dup": False, "on": True, "seed": 0}
    assert high == {"n": 8, "eta": 0.5, "M": 256, "dup": True, "on": True, "seed": 0}
    each = box.corners("each")
    assert each[:2] == [low, high] and {"n": 8, "eta": 0.0, "M": 16, "dup": False, "on": True, "seed": 0} in each
    assert len(each) == 2 + 4  # n, eta, M, dup alone at their largest; "on" cannot move; the seed is held
    assert all(box.contains(c) for c in each)
    with pytest.raises(ValueError):
        box.corners("everything")


def test_targets_and_moves_stay_in_the_box() -> None:
    box = box_of(premises())
    assert box.targets() == ["n", "eta", "M", "dup"]
    p = box.corners("min-max")[0]
    up = box.move(p, "n", +1, 0.5)
    assert up["n"] == 5 and box.contains(up)
    assert box.move(up, "n", -1, 1.0)["n"] == 2
    assert box.move(p, "M", +1, 0.5)["M"] == 64 and box.move(p, "eta", +1, 1.0)["eta"] == 0.5


def _bisect(axis: Axis, start, fails) -> object:
    """Run the bisection toward the simplest value with a failure predicate; return the last failing value."""
    best = start
    gen = axis.toward_simplest(start)
    try:
        value = next(gen)
        while True:
            ok = fails(value)
            if ok:
                best = value
            value = gen.send(ok)
    except StopIteration:
        return best


def test_bisection_finds_the_boundary_toward_the_simplest_value() -> None:
    assert _bisect(Axis("int", 0, 1000), 900, lambda v: v > 500) == 501
    assert _bisect(Axis("int", -5, 5), -5, lambda v: v < 1) == 0  # 0 is the simplest value in range
    assert _bisect(Axis("int", -9, -3), -9, lambda v: v <= -6) == -6  # the bound nearest 0
    x = _bisect(Axis("float", 0.0, 1.0), 1.0, lambda v: v >= 0.3)
    assert 0.3 <= x < 0.3 + 1e-3
    assert _bisect(Axis("choice", choices=(1, 2, 4, 8, 16)), 16, lambda v: v >= 4) == 4


def test_a_filter_hypothesis_turns_into_bounds_is_still_a_box() -> None:
    box = box_of(st.fixed_dictionaries({"n": st.integers(1, 5).filter(lambda v: v > 2)}))
    assert box is not None and box.axes["n"] == Axis("int", 3, 5)
