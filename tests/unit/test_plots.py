"""Unit tests for verify.plots: the dependency-free SVG chart writer."""

from __future__ import annotations

import math
import os
import pathlib
import re
import stat
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from lemmata.verify.plots import PALETTE, Series, histogram, line_chart, save_svg

pytestmark = pytest.mark.unit

NS = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & co"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def texts(root: ET.Element, group: str | None = None) -> list[str]:
    scope = root if group is None else root.find(f".//{NS}g[@class='{group}']")
    assert scope is not None
    return ["".join(t.itertext()) for t in scope.iter(f"{NS}text")]


def series_group(root: ET.Element, index: int) -> ET.Element:
    g = root.find(f".//{NS}g[@class='series'][@data-index='{index}']")
    assert g is not None
    return g


def chart(series: list[Series], **kw: object) -> str:
    kw.setdefault("title", "t")
    kw.setdefault("xlabel", "x")
    kw.setdefault("ylabel", "y")
    return line_chart(series, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("logx,logy", [(False, False), (True, False), (False, True), (True, True)])
def test_several_series_parse_on_all_axis_kinds(logx: bool, logy: bool) -> None:
    x = [1, 2, 4, 8, 16, 32]
    svg = chart([Series("a", x, [v ** 2 for v in x]),
                 Series("bound", x, [3 * v ** 2 for v in x], style="dashed"),
                 Series("obs", x, [v ** 1.5 for v in x], style="points"),
                 Series("steps", x, [v for v in x], style="step")],
                logx=logx, logy=logy, hline=10.0, hline_label="threshold")
    root = parse(svg)
    legend = texts(root)
    for label in ("a", "bound", "obs", "steps", "threshold"):
        assert label in legend
    assert len(root.findall(f".//{NS}polyline")) == 3
    assert len(series_group(root, 2).findall(f"{NS}circle")) == len(x)
    assert 'stroke-dasharray' in ET.tostring(series_group(root, 1)).decode()
    colours = {series_group(root, i)[0].get("stroke") or series_group(root, i)[0].get("fill") for i in range(4)}
    assert colours == set(PALETTE[:4])
    assert root.find(f".//{NS}line[@class='hline']") is not None
    assert "no data" not in legend


def test_linear_ticks_are_nice() -> None:
    root = parse(chart([Series("a", [0, 1, 2, 3], [0.0, 0.13, 0.27, 0.93])]))
    ylabels = [float(s) for s in texts(root, "ytick-labels")]
    steps = {round(b - a, 12) for a, b in zip(ylabels, ylabels[1:])}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)
    assert ylabels[0] <= 0.0 and ylabels[-1] >= 0.93
    assert 3 <= len(ylabels) <= 12


def test_log_y_decades_and_monotone_placement() -> None:
    ks = list(range(0, 7))
    ys = [10.0 ** -k for k in ks]
    root = parse(chart([Series("pts", ks, ys, style="points"), Series("line", ks, ys)], logy=True))
    labels = texts(root, "ytick-labels")
    for k in ks:
        assert ("10⁻" + str(k).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")) if k else "10⁰") in labels
    circles = series_group(root, 0).findall(f"{NS}circle")
    cx = [float(c.get("cx", "nan")) for c in circles]
    cy = [float(c.get("cy", "nan")) for c in circles]
    assert cx == sorted(cx) and len(set(cx)) == len(cx)
    # y decreases with k, so the SVG pixel y (downwards) must increase strictly...
    assert all(a < b for a, b in zip(cy, cy[1:]))
    # ...and equally, since the data are evenly spaced decades.
    gaps = [b - a for a, b in zip(cy, cy[1:])]
    assert max(gaps) - min(gaps) < 0.05
    line = series_group(root, 1).find(f"{NS}polyline")
    assert line is not None
    pts = [tuple(map(float, p.split(","))) for p in line.get("points", "").split()]
    # the decades lie on one straight line on the log scale: the line keeps its two ends (see _thin)
    assert pts == [(cx[0], cy[0]), (cx[-1], cy[-1])]


def test_nan_inf_and_nonpositive_on_log_axes_are_dropped() -> None:
    x = [1, 2, 3, 4, 5, 6]
    y = [1.0, float("nan"), -1.0, 0.0, float("inf"), 1e-3]
    root = parse(chart([Series("mixed", x, y), Series("dead", [1, 2], [-1.0, float("nan")]),
                        Series("npy", np.arange(1, 4), np.array([1e-2, np.nan, 1e-4]))],
                       logx=True, logy=True, hline=-1.0))
    legend = texts(root)
    assert "mixed (4 points omitted)" in legend
    assert "dead (no finite points)" in legend
    assert "npy (1 points omitted)" in legend
    assert "y = -1 (not drawable)" in legend
    # 2 isolated drawable points -> two dots, no polyline through the gap
    assert len(series_group(root, 0).findall(f"{NS}circle")) == 2
    assert series_group(root, 0).find(f"{NS}polyline") is None
    assert len(series_group(root, 1)) == 0
    for el in root.iter():
        for attr in ("cx", "cy", "x1", "y1", "points"):
            v = el.get(attr)
            assert v is None or ("nan" not in v.lower() and "inf" not in v.lower())


def test_garbage_values_do_not_crash() -> None:
    svg = chart([Series("g", [1, 2, 3, None, "x"], [1e308, -1e308, 2.0, 1.0, 1.0])])  # type: ignore[list-item]
    parse(svg)


@pytest.mark.parametrize("series", [[], [Series("empty", [], [])],
                                    [Series("neg", [1, 2], [-1.0, -2.0])]])
def test_no_data(series: list[Series]) -> None:
    root = parse(chart(series, logy=True))
    assert "no data" in texts(root)
    if series:
        assert any("(no finite points)" in t for t in texts(root))


@pytest.mark.parametrize("logy", [False, True])
def test_single_point_and_constant_series_render(logy: bool) -> None:
    for s in (Series("one", [3.0], [5.0]), Series("const", [0, 1, 2], [2.5, 2.5, 2.5]),
              Series("zero", [0, 1, 2], [0.0, 0.0, 0.0])):
        root = parse(chart([s], logy=logy))
        if logy and s.label == "zero":
            assert "no data" in texts(root)
            continue
        g = series_group(root, 0)
        assert len(g) >= 1
        assert len(texts(root, "ytick-labels")) >= 2 and len(texts(root, "xtick-labels")) >= 2
        for el in g:
            for v in (el.get("cx"), el.get("cy")):
                assert v is None or math.isfinite(float(v))


def test_text_is_escaped() -> None:
    svg = chart([Series(EVIL, [1, 2], [1, 2])], title=EVIL, xlabel=EVIL, ylabel=EVIL,
                hline=1.5, hline_label=EVIL)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; co" in svg
    root = parse(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert texts(root).count(EVIL) >= 4  # title, xlabel, ylabel, legend x2
    assert series_group(root, 0).get("data-label") == EVIL
    assert root.find(f"{NS}title") is not None and root.find(f"{NS}title").text == EVIL  # type: ignore[union-attr]
    hsvg = histogram([1.0, 2.0], title=EVIL, xlabel=EVIL, vline=1.0, vline_label=EVIL)
    assert "<script>" not in hsvg
    assert texts(parse(hsvg)).count(EVIL) >= 3
    parse(chart([Series("ctl\x00\x1b\ud800", [1], [1])], title="ctl\x01"))  # XML-illegal chars


def test_deterministic() -> None:
    def make() -> tuple[str, str]:
        rng = np.random.default_rng(0)
        x = np.linspace(0.1, 10, 50)
        s = [Series("a", x, np.exp(-x)), Series("b", x, 2 * np.exp(-x), style="dashed")]
        return (chart(s, logy=True, hline=1e-3),
                histogram(rng.lognormal(size=300), title="h", xlabel="ratio", vline=1.0))
    assert make() == make()


def test_coordinates_are_compact() -> None:
    x = np.linspace(0, 1, 7)
    svg = chart([Series("a", x, x / 3)])
    for el in parse(svg).iter():
        for attr in ("cx", "cy", "x", "y", "x1", "y1", "width", "height"):
            v = el.get(attr)
            if v and v[0].isdigit() and "." in v:
                assert len(v.split(".")[1]) <= 2
    assert "-0\"" not in svg


@pytest.mark.parametrize("logx", [False, True])
def test_histogram(logx: bool) -> None:
    rng = np.random.default_rng(1)
    vals = list(rng.lognormal(sigma=0.5, size=200)) + [float("nan"), float("inf"), -1.0]
    root = parse(histogram(vals, title="ratios", xlabel="lhs/rhs", bins=15, vline=1.0,
                           vline_label="ratio = 1", logx=logx))
    bars = root.findall(f".//{NS}g[@class='bars']/{NS}rect")
    assert 1 <= len(bars) <= 15
    # -1.0 is drawable on a linear axis only; NaN and Inf never are
    assert sum(int(b.find(f"{NS}title").text or 0) for b in bars) == (200 if logx else 201)  # type: ignore[union-attr]
    assert root.find(f".//{NS}line[@class='vline']") is not None
    legend = texts(root)
    assert "ratio = 1" in legend
    assert f"203 values ({3 if logx else 2} values omitted)" in legend
    ylabels = texts(root, "ytick-labels")
    assert all(s.isdigit() for s in ylabels)  # integer counts


def test_histogram_degenerate_inputs() -> None:
    for vals in ([], [float("nan")], [2.0], [3.0] * 10, [0.0] * 4):
        root = parse(histogram(vals, title="h", xlabel="v"))
        if not [v for v in vals if math.isfinite(v)]:
            assert "no data" in texts(root)
        else:
            bars = root.findall(f".//{NS}g[@class='bars']/{NS}rect")
            assert len(bars) == 1
            assert float(bars[0].get("width", "0")) > 0
    with pytest.raises(ValueError):
        histogram([1.0], title="h", xlabel="v", bins=0)


def test_series_validation() -> None:
    with pytest.raises(ValueError):
        Series("a", [1, 2], [1])
    with pytest.raises(ValueError):
        Series("a", [1], [1], style="bogus")  # type: ignore[arg-type]


def test_save_svg_atomic(tmp_path: pathlib.Path) -> None:
    svg = chart([Series("a", [1, 2], [3, 4])])
    target = tmp_path / "chart.svg"
    save_svg(svg, target)
    assert target.read_text(encoding="utf-8") == svg
    save_svg(svg.replace("chart", "chart2"), target)  # overwrite in place
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]
    parse(target.read_text(encoding="utf-8"))
    with pytest.raises(FileNotFoundError):
        save_svg(svg, tmp_path / "missing" / "x.svg")
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_save_svg_respects_umask(tmp_path: pathlib.Path) -> None:
    old = os.umask(0o022)
    try:
        save_svg("<svg/>", tmp_path / "a.svg")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.svg").stat().st_mode) == 0o644


@pytest.mark.parametrize("lo,hi,expect", [
    (1e7, 3e7, ["1e7", "1.5e7", "2e7", "2.5e7", "3e7"]),
    (1e-7, 3e-7, ["1e-7", "1.5e-7", "2e-7", "2.5e-7", "3e-7"]),
    (0.1, 0.7, ["0", "0.2", "0.4", "0.6", "0.8"]),
    (-5.0, 5.0, ["-6", "-4", "-2", "0", "2", "4", "6"]),
])
def test_linear_tick_labels(lo: float, hi: float, expect: list[str]) -> None:
    root = parse(chart([Series("a", [0, 1], [lo, hi])]))
    assert texts(root, "ytick-labels") == expect


def test_tick_labels_distinct_for_tiny_relative_ranges() -> None:
    for y in ([1.0, 1.0 + 2e-9], [1.0, 1.0 + 1e-12], [-1e300, 1e300]):
        labels = texts(parse(chart([Series("a", [0, 1], y)])), "ytick-labels")
        assert len(set(labels)) == len(labels) >= 2


def test_log_axis_thins_decades_over_wide_ranges() -> None:
    root = parse(chart([Series("a", [1, 2], [1e-30, 1e30])], logy=True))
    labels = texts(root, "ytick-labels")
    assert 3 <= len(labels) <= 9
    assert "10⁰" in labels


def test_a_long_curve_is_thinned_to_what_the_eye_can_see() -> None:
    """Thinning: every vertex dropped lies within 1 px of the line drawn (see plots._thin)."""
    from lemmata.verify.plots import Series, line_chart

    x = list(range(1, 5001))
    straight = line_chart([Series("loss", x, [math.exp(-t / 800) for t in x])], title="t", xlabel="k", ylabel="loss",
                          logy=True)
    assert len(re.search(r'<polyline points="([^"]+)"', straight).group(1).split()) <= 4  # a line on a log scale
    wavy = line_chart([Series("w", x, [math.sin(t / 300) for t in x])], title="t", xlabel="k", ylabel="y")
    kept = [tuple(map(float, p.split(","))) for p in re.search(r'<polyline points="([^"]+)"', wavy).group(1).split()]
    assert 10 < len(kept) < 500
    # every original vertex is within 1 px (+ the 0.01 px rounding of the coordinates) of the thinned polyline
    for px, py in _sample_vertices(x, [math.sin(t / 300) for t in x], kept):
        assert _distance_to_polyline(px, py, kept) <= 1.0 + 0.02
    again = line_chart([Series("p", [1, 1, 2], [1, 1, 2], "points")], title="t", xlabel="x", ylabel="y")
    group = again[again.index('<g class="series"'):]
    assert group[:group.index("</g>")].count("<circle") == 2  # the repeated point is drawn once


def _sample_vertices(x: list[int], y: list[float], kept: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Pixel positions of every 7th unthinned vertex, from the affine pixel maps fixed by kept vertices."""
    (x0, _), (x1, _) = kept[0], kept[-1]
    i = max(range(len(kept)), key=lambda k: abs(kept[k][1] - kept[0][1]))  # a kept vertex far from the first in y
    xi = round((kept[i][0] - x0) / (x1 - x0) * (len(x) - 1))
    a = (kept[i][1] - kept[0][1]) / (y[xi] - y[0])
    b = kept[0][1] - a * y[0]
    return [(x0 + (x1 - x0) * k / (len(x) - 1), a * y[k] + b) for k in range(0, len(x), 7)]


def _distance_to_polyline(px: float, py: float, poly: list[tuple[float, float]]) -> float:
    best = math.inf
    for (ax, ay), (bx, by) in zip(poly, poly[1:]):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1.0)))
        best = min(best, math.hypot(px - (ax + t * dx), py - (ay + t * dy)))
    return best


def test_thinning_keeps_what_a_chord_would_hide_and_stays_fast() -> None:
    import random

    from lemmata.verify.plots import _thin

    # a vertex beyond the end of a nearly vertical chord is far from the segment, though near its line
    pts = [("0", "150"), ("0.05", "0"), ("0.1", "300"), ("300", "0")]
    assert ("0.05", "0") in _thin(pts)
    rng = random.Random(0)
    for _ in range(200):  # random dense zigzags: every dropped vertex within 1 px of what is drawn
        raw = [(f"{i * rng.uniform(0.05, 3):.2f}", f"{rng.uniform(0, 300):.2f}") for i in range(rng.randint(3, 40))]
        raw.sort(key=lambda p: float(p[0]))
        kept = [tuple(map(float, p)) for p in _thin(raw)]
        for p in raw:
            assert _distance_to_polyline(float(p[0]), float(p[1]), kept) <= 1.0 + 1e-9
    # a diverging oscillation (a refuted rate's figure): at most 4 vertices per half-pixel column (its cost is
    # measured by the bench tier, not asserted here)
    grow = [(f"{72 + 548 * t / 5000:.2f}", f"{200 + 150 * (-1) ** t * min(1.0, 1.0005 ** t / 12):.2f}")
            for t in range(5000)]
    assert len(_thin(grow)) <= 4 * 2 * 550
