"""Dependency-free SVG charts for lemmata reports.

Two chart kinds, both returning a complete standalone SVG document as a string:

* :func:`line_chart` -- one or more :class:`Series` on linear or log axes, with an
  optional horizontal reference line (a bound, a threshold).
* :func:`histogram` -- the distribution of a batch of values (e.g. lhs/rhs ratios)
  with an optional vertical reference line (e.g. at 1).

Values that cannot be drawn (NaN, +/-Inf, magnitudes above 1e300, non-positive values
on a log axis, anything ``float()`` rejects) are dropped and counted in the legend,
never raised.  Output is deterministic and uses no element ids, so several charts can
be inlined into one HTML page.  The legend is drawn in rows *below* the ``height``
given, so the document grows by about 18 px per legend entry.
"""

from __future__ import annotations

import math
import os
import pathlib
import re
import uuid
from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np

__all__ = ["PALETTE", "Series", "histogram", "line_chart", "save_svg"]

Style = Literal["line", "points", "dashed", "step"]
_STYLES: tuple[str, ...] = ("line", "points", "dashed", "step")
#: Okabe-Ito colour-blind-friendly palette; yellow last (low contrast on white).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00",
                            "#56B4E9", "#CC79A7", "#000000", "#F0E442")
_REF = "#555555"  # reference lines (hline / vline)
_DASH = ' stroke-dasharray="6 4"'
_MAX_ABS = 1e300
_FLAT = 1e-9  # a range narrower than this (relative) is treated as constant and padded
_ROW = 18  # legend row height (px)
_MARGIN = (72, 36, 20, 48)  # left, top, right, bottom (px)
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    """One named data series; ``x`` and ``y`` must have equal length."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    style: Style = "line"

    def __post_init__(self) -> None:
        if self.style not in _STYLES:
            raise ValueError(f"style must be one of {_STYLES}, got {self.style!r}")
        if len(self.x) != len(self.y):
            raise ValueError(f"series {self.label!r}: len(x)={len(self.x)} != len(y)={len(self.y)}")


@dataclass(frozen=True)
class _Axis:
    lo: float  # bounds in transformed space (log10 of data on a log axis)
    hi: float
    major: tuple[tuple[float, str], ...]
    minor: tuple[float, ...] = ()

    def frac(self, t: float) -> float:
        return (t - self.lo) / (self.hi - self.lo)


def _esc(text: object) -> str:
    """XML-escape ``text`` for element content and attributes; drop XML-illegal chars."""
    s = _BAD_XML.sub("\ufffd", str(text))
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _n(v: float) -> str:
    """Compact coordinate: at most two decimals, no trailing zeros, no ``-0``."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _thin(points: list[tuple[str, str]], tolerance: float = 0.5) -> list[tuple[str, str]]:
    """The polyline's vertices that matter to the eye; every dropped vertex lies within 2·``tolerance`` px (1 px)
    of the polyline drawn.

    First, within each half-pixel column of a run of vertices, only the first, lowest, highest and last are kept
    (a dropped one is within half a pixel of the stroke through them); then Ramer–Douglas–Peucker with the distance
    to the *segment* between the kept ends (another half pixel at most). A 5000-step loss curve (a straight line on
    a log scale, say) costs a handful of vertices instead of 5000, and a diverging, oscillating one at most four per
    half-pixel column: the report's HTML inlines every chart."""
    if len(points) <= 2:
        return points
    xy = [(float(x), float(y)) for x, y in points]
    keep_idx: list[int] = []
    start = 0
    while start < len(xy):  # a run of consecutive vertices in one pixel column
        end = start
        col = math.floor(xy[start][0] / (2 * tolerance))
        while end + 1 < len(xy) and math.floor(xy[end + 1][0] / (2 * tolerance)) == col:
            end += 1
        run = range(start, end + 1)
        keep_idx += sorted({start, end, min(run, key=lambda k: xy[k][1]), max(run, key=lambda k: xy[k][1])})
        start = end + 1
    pts = np.asarray([xy[k] for k in keep_idx], dtype=float)
    keep = np.zeros(len(pts), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:  # one vectorised distance pass per split: a growing oscillation splits at every vertex
        i, j = stack.pop()
        if j - i < 2:
            continue
        dist = _segment_distances(pts[i + 1:j], pts[i], pts[j])
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    return [points[keep_idx[k]] for k in range(len(pts)) if keep[k]]


def _segment_distances(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distances from the points p (k, 2) to the segment a–b (to a where the segment has no length)."""
    d = b - a
    den = float(d @ d)
    t = np.zeros(len(p)) if den == 0 else np.clip((p - a) @ d / den, 0.0, 1.0)
    return np.hypot(*(p - (a + t[:, None] * d)).T)


def _tf(v: object, log: bool) -> float | None:
    """Data value -> axis space, or None when the value cannot be drawn."""
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f) or abs(f) > _MAX_ABS or (log and f <= 0.0):
        return None
    return math.log10(f) if log else f


def _nice_step(raw: float) -> float | None:
    try:
        e = math.floor(math.log10(raw))
        f = raw / 10.0 ** e
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    step = (1 if f <= 1 else 2 if f <= 2 else 5 if f <= 5 else 10) * 10.0 ** e
    return step if math.isfinite(step) and step > 0 else None


def _lin_label(v: float, step: float, fixed: bool) -> str:
    """Tick label: fixed-point with the step's decimals, else compact e-notation."""
    if abs(v) < step * 1e-6:
        return "0"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if fixed and decimals <= 12:
        return f"{v:.{decimals}f}"
    digits = max(1, math.floor(math.log10(abs(v))) - math.floor(math.log10(step) + 1e-9) + 1)
    s = f"{v:.{min(digits, 12)}g}"
    return s.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def _linear_axis(lo: float, hi: float, integer: bool = False) -> _Axis:
    """Axis over [lo, hi] with 1/2/5 x 10^k ticks; a degenerate range is padded."""
    if hi - lo <= _FLAT * max(abs(lo), abs(hi)):
        pad = abs(lo) * 0.1 if abs(lo) > 1e-300 else 1.0
        lo, hi = lo - pad, hi + pad
    step = _nice_step((hi - lo) / 5)
    if step is not None and integer:
        step = max(1.0, round(step))
    if step is None:  # pathological range (subnormals): just label the ends
        return _Axis(lo, hi, ((lo, f"{lo:.3g}"), (hi, f"{hi:.3g}")))
    a, b = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    fixed = 1e-4 <= max(abs(a * step), abs(b * step)) < 1e6
    return _Axis(a * step, b * step,
                 tuple((i * step, _lin_label(i * step, step, fixed)) for i in range(a, b + 1)))


def _log_axis(lo: float, hi: float) -> _Axis:
    """Decade axis over log10-space [lo, hi]; labels 10ᵏ, minor ticks at 2..9 x 10ᵏ."""
    a, b = math.floor(lo + 1e-9), math.ceil(hi - 1e-9)
    if a >= b:
        a, b = a - 1, b + 1
    k = max(1, math.ceil((b - a) / 8))
    a, b = math.floor(a / k) * k, math.ceil(b / k) * k
    major = tuple((float(e), "10" + str(e).translate(_SUP)) for e in range(a, b + 1, k))
    minor: tuple[float, ...] = ()
    if k == 1 and b - a <= 6:
        minor = tuple(e + math.log10(m) for e in range(a, b) for m in range(2, 10))
    return _Axis(float(a), float(b), major, minor)


def _axis(vals: Sequence[float], log: bool, integer: bool = False) -> _Axis:
    return _log_axis(min(vals), max(vals)) if log else _linear_axis(min(vals), max(vals), integer)


def _sample(kind: str, colour: str, x: float, y: float) -> str:
    """Legend swatch for a drawing style at (x, y) (left end, vertical centre)."""
    if kind == "points":
        return f'<circle cx="{_n(x + 10)}" cy="{_n(y)}" r="3" fill="{colour}"/>'
    if kind == "bar":
        return f'<rect x="{_n(x + 3)}" y="{_n(y - 5)}" width="14" height="10" fill="{colour}" fill-opacity="0.8"/>'
    dash = _DASH if kind == "dashed" else ""
    return f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 20)}" y2="{_n(y)}" stroke="{colour}" stroke-width="2"{dash}/>'


def _document(width: int, height: int, title: str, body: list[str],
              legend: list[tuple[str, str, str]]) -> str:
    """Wrap ``body`` with header, title and a legend (kind, colour, text) below ``height``."""
    total = height + (_ROW * len(legend) + 6 if legend else 0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total}" '
           f'viewBox="0 0 {width} {total}" font-family="sans-serif" font-size="12" role="img">',
           f"<title>{_esc(title)}</title>",
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{_n(width / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="bold">{_esc(title)}</text>',
           *body]
    for i, (kind, colour, text) in enumerate(legend):
        y = height + 6 + _ROW * i + _ROW / 2
        out.append(f'<g class="legend-entry">{_sample(kind, colour, _MARGIN[0], y)}'
                   f'<text x="{_n(_MARGIN[0] + 28)}" y="{_n(y + 4)}">{_esc(text)}</text></g>')
    out.append("</svg>\n")
    return "\n".join(out)


def _no_data(width: int, height: int) -> list[str]:
    return [f'<text class="no-data" x="{_n(width / 2)}" y="{_n(height / 2)}" text-anchor="middle" '
            f'font-size="16" fill="#777777">no data</text>']


def _box(width: int, height: int) -> tuple[float, float, float, float]:
    left, top, right, bottom = _MARGIN
    if width < left + right + 20 or height < top + bottom + 20:
        raise ValueError(f"chart too small: {width}x{height}")
    return float(left), float(top), float(width - right), float(height - bottom)


def _axes_svg(ax: _Axis, ay: _Axis, box: tuple[float, float, float, float],
              xlabel: str, ylabel: str) -> list[str]:
    """Grid, ticks, tick labels and axis labels (the frame is drawn last, on top)."""
    x0, y0, x1, y1 = box
    # grid and ticks as one path each (M x y v|h length): a third of the bytes of one <line> per stroke, and the
    # report's HTML inlines every chart
    grid = [f"M{_n(px)} {_n(y0)}V{_n(y1)}" for px in (x0 + ax.frac(t) * (x1 - x0) for t, _ in ax.major)]
    grid += [f"M{_n(x0)} {_n(py)}H{_n(x1)}" for py in (y1 - ay.frac(t) * (y1 - y0) for t, _ in ay.major)]
    out = [f'<path class="grid" d="{"".join(grid)}" stroke="#e5e5e5" stroke-width="1" fill="none"/>']
    ticks = []
    for axis, horizontal in ((ax, True), (ay, False)):
        for t, size in [(t, 5) for t, _ in axis.major] + [(t, 3) for t in axis.minor]:
            if horizontal:
                ticks.append(f"M{_n(x0 + axis.frac(t) * (x1 - x0))} {_n(y1)}v{size}")
            else:
                ticks.append(f"M{_n(x0 - size)} {_n(y1 - axis.frac(t) * (y1 - y0))}h{size}")
    out.append(f'<path class="ticks" d="{"".join(ticks)}" stroke="#333333" stroke-width="1" fill="none"/>')
    out.append('<g class="xtick-labels" text-anchor="middle">')
    out += [f'<text x="{_n(x0 + ax.frac(t) * (x1 - x0))}" y="{_n(y1 + 18)}">{_esc(s)}</text>' for t, s in ax.major]
    out.append('</g>\n<g class="ytick-labels" text-anchor="end">')
    out += [f'<text x="{_n(x0 - 8)}" y="{_n(y1 - ay.frac(t) * (y1 - y0) + 4)}">{_esc(s)}</text>' for t, s in ay.major]
    out.append("</g>")
    ly = (y0 + y1) / 2
    out.append(f'<text class="xlabel" x="{_n((x0 + x1) / 2)}" y="{_n(y1 + 38)}" text-anchor="middle">{_esc(xlabel)}</text>')
    out.append(f'<text class="ylabel" x="16" y="{_n(ly)}" text-anchor="middle" '
               f'transform="rotate(-90 16 {_n(ly)})">{_esc(ylabel)}</text>')
    return out


def _frame(box: tuple[float, float, float, float]) -> str:
    x0, y0, x1, y1 = box
    return (f'<rect class="frame" x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" '
            f'height="{_n(y1 - y0)}" fill="none" stroke="#333333"/>')


def _omitted(text: str, n_total: int, n_drawn: int, noun: str = "points") -> str:
    if not n_drawn:
        return f"{text} (no finite {noun})"
    return f"{text} ({n_total - n_drawn} {noun} omitted)" if n_drawn < n_total else text


def line_chart(series: Sequence[Series], *, title: str, xlabel: str, ylabel: str,
               logx: bool = False, logy: bool = False, width: int = 640, height: int = 400,
               hline: float | None = None, hline_label: str | None = None) -> str:
    """Return a standalone SVG document plotting ``series``.

    Each series gets a palette colour by position; ``style`` selects a solid polyline
    ("line"), a dashed one ("dashed", for bounds/envelopes), a post-step staircase
    ("step") or small circles ("points").  Undrawable points split lines into
    separate segments and are counted in the legend.  ``hline`` draws a grey dashed
    horizontal reference line (included in the y range) labelled ``hline_label``.
    With no drawable point at all the chart says "no data".
    """
    box = _box(width, height)
    segs_all: list[list[list[tuple[float, float]]]] = []
    legend: list[tuple[str, str, str]] = []
    xs: list[float] = []
    ys: list[float] = []
    for i, s in enumerate(series):
        segs: list[list[tuple[float, float]]] = [[]]
        for xv, yv in zip(s.x, s.y):
            tx, ty = _tf(xv, logx), _tf(yv, logy)
            if tx is None or ty is None:
                if segs[-1]:
                    segs.append([])
                continue
            segs[-1].append((tx, ty))
            xs.append(tx)
            ys.append(ty)
        segs = [g for g in segs if g]
        segs_all.append(segs)
        drawn = sum(len(g) for g in segs)
        kind = "dashed" if s.style == "dashed" else "points" if s.style == "points" else "line"
        legend.append((kind, PALETTE[i % len(PALETTE)], _omitted(s.label, len(s.x), drawn)))
    th = None if hline is None else _tf(hline, logy)
    if hline is not None:
        text = hline_label if hline_label is not None else f"y = {hline:g}"
        legend.append(("dashed", _REF, text if th is not None else f"{text} (not drawable)"))
    if not xs:
        return _document(width, height, title, _no_data(width, height), legend)
    ax, ay = _axis(xs, logx), _axis(ys + ([th] if th is not None else []), logy)
    x0, y0, x1, y1 = box

    def pt(p: tuple[float, float]) -> tuple[str, str]:
        return _n(x0 + ax.frac(p[0]) * (x1 - x0)), _n(y1 - ay.frac(p[1]) * (y1 - y0))

    body = _axes_svg(ax, ay, box, xlabel, ylabel)
    for i, (s, segs) in enumerate(zip(series, segs_all)):
        c = PALETTE[i % len(PALETTE)]
        body.append(f'<g class="series" data-index="{i}" data-label="{_esc(s.label)}">')
        for g in segs:
            if s.style == "points" or len(g) == 1:
                # one circle per distinct pixel position: a repeated point draws nothing new
                body += [f'<circle cx="{cx}" cy="{cy}" r="{3 if s.style == "points" else 2.5}" fill="{c}"/>'
                         for cx, cy in dict.fromkeys(map(pt, g))]
                continue
            if s.style == "step":
                g = [g[0]] + [q for a, b in zip(g, g[1:]) for q in ((b[0], a[1]), b)]
            coords = " ".join(f"{cx},{cy}" for cx, cy in _thin([pt(q) for q in g]))
            dash = _DASH if s.style == "dashed" else ""
            body.append(f'<polyline points="{coords}" fill="none" stroke="{c}" stroke-width="1.5"'
                        f' stroke-linejoin="round"{dash}/>')
        body.append("</g>")
    if th is not None:
        py = _n(y1 - ay.frac(th) * (y1 - y0))
        body.append(f'<line class="hline" x1="{_n(x0)}" y1="{py}" x2="{_n(x1)}" y2="{py}" '
                    f'stroke="{_REF}" stroke-width="1.5"{_DASH}/>')
    body.append(_frame(box))
    return _document(width, height, title, body, legend)


def histogram(values: Sequence[float], *, title: str, xlabel: str, bins: int = 20,
              vline: float | None = None, vline_label: str | None = None,
              logx: bool = False, width: int = 640, height: int = 400) -> str:
    """Return a standalone SVG histogram of ``values`` with ``bins`` equal-width bins.

    Bins span the drawable data range (together with ``vline``, so the reference
    line is always visible); with ``logx`` the bins are equal-width in log10 space.
    Undrawable values are counted in the legend.  ``vline`` draws a grey dashed
    vertical reference line labelled ``vline_label`` (e.g. a ratio of 1).
    """
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    box = _box(width, height)
    vals = list(values)
    ts = [t for t in (_tf(v, logx) for v in vals) if t is not None]
    legend = [("bar", PALETTE[0], _omitted(f"{len(vals)} values", len(vals), len(ts), "values"))]
    tv = None if vline is None else _tf(vline, logx)
    if vline is not None:
        text = vline_label if vline_label is not None else f"x = {vline:g}"
        legend.append(("dashed", _REF, text if tv is not None else f"{text} (not drawable)"))
    if not ts:
        return _document(width, height, title, _no_data(width, height), legend)
    span = ts + ([tv] if tv is not None else [])
    ax, lo, hi = _axis(span, logx), min(span), max(span)
    if hi - lo <= _FLAT * max(abs(lo), abs(hi)):  # all equal: one bar centred on the value
        w = (ax.hi - ax.lo) / bins
        lo, hi = lo - w / 2, lo - w / 2 + w * bins
    counts = [0] * bins
    for t in ts:
        counts[min(bins - 1, max(0, int((t - lo) / (hi - lo) * bins)))] += 1
    ay = _linear_axis(0.0, float(max(counts)), integer=True)
    x0, y0, x1, y1 = box
    body = _axes_svg(ax, ay, box, xlabel, "count")
    body.append(f'<g class="bars" fill="{PALETTE[0]}" fill-opacity="0.8" stroke="white" stroke-width="0.5">')
    for k, c in enumerate(counts):
        if c:
            a = x0 + ax.frac(lo + (hi - lo) * k / bins) * (x1 - x0)
            b = x0 + ax.frac(lo + (hi - lo) * (k + 1) / bins) * (x1 - x0)
            top = y1 - ay.frac(c) * (y1 - y0)
            body.append(f'<rect x="{_n(a)}" y="{_n(top)}" width="{_n(b - a)}" height="{_n(y1 - top)}">'
                        f"<title>{c}</title></rect>")
    body.append("</g>")
    if tv is not None:
        px = _n(x0 + ax.frac(tv) * (x1 - x0))
        body.append(f'<line class="vline" x1="{px}" y1="{_n(y0)}" x2="{px}" y2="{_n(y1)}" '
                    f'stroke="{_REF}" stroke-width="1.5"{_DASH}/>')
    body.append(_frame(box))
    return _document(width, height, title, body, legend)


def save_svg(svg: str, path: pathlib.Path) -> None:
    """Write ``svg`` to ``path`` (UTF-8) atomically: temp file in the same directory, then os.replace.

    The temp file is created with mode 0o666 filtered by the umask (unlike
    ``tempfile.mkstemp``'s 0o600), so the report file gets ordinary permissions.
    """
    path = pathlib.Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(svg)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
