"""Compile ``DIR/report.md`` and a self-contained ``DIR/report.html`` from ``DIR/results.json`` alone.

What the report says is built once, as blocks, by :mod:`verify.report_view`; this module draws the plots and
lays the same blocks out twice, as Markdown and as HTML, so the formats cannot drift. Plots are SVG: files under
``DIR/plots/`` linked from the Markdown, inlined in the HTML (no network needed to view it; math is MathML).
Every string taken from results is escaped.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from typing import Any, Iterable

from lemmata.verify import results as results_mod
from lemmata.verify import report_view as V
from lemmata.verify.plots import Series, histogram, line_chart, save_svg
from lemmata.verify.report_view import ladder_text  # noqa: F401  (re-exported: the report's legend helpers)

_slug = V.slug


def _one_line(text: Any) -> str:
    # \r alone ends a Markdown line too (and so a table row)
    return str(text).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def md(text: Any) -> str:
    """Escape text for Markdown: markup characters and raw HTML never pass through."""
    s = _one_line(text).replace("&", "&amp;")
    s = s.replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_{}\[\]#|~])", r"\\\1", s)


def code(text: Any, *, in_table: bool = False) -> str:
    """Inline code span (backticks inside are widened). In a table cell a pipe must be written \\| even inside
    a code span (GitHub-flavoured Markdown splits the cell first), and renders as |."""
    s = _one_line(text)
    if in_table:
        s = s.replace("|", "\\|")
    fence = "``" if "`" in s else "`"
    return f"{fence} {s} {fence}" if fence == "``" else f"`{s}`"


# -- plots --------------------------------------------------------------------------------------

def _plots_for(c: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(file stem, title, svg) for one claim."""
    out: list[tuple[str, str, str]] = []
    slug = V.slug(c["id"])
    for i, fig in enumerate(c.get("figures", [])):
        xs = [_num(v) for v in fig["x"]]  # non-finite values come back from results.load as floats; plots drop them
        series = [Series(s["label"], xs, [_num(y) for y in s["y"]], style=s.get("style", "line"))
                  for s in fig["series"]]
        svg = line_chart(series, title=fig["title"], xlabel=fig.get("xlabel", ""), ylabel=fig.get("ylabel", ""),
                         logx=fig.get("logx", False), logy=fig.get("logy", False))
        out.append((f"{slug}-fig{i}", fig["title"], svg))
    th = [t for t in V.unique_thresholds(c) if isinstance(t.get("theory_size"), (int, float))
          and isinstance(t.get("practical_min"), (int, float))]
    if th:
        size = (c.get("regime") or {}).get("size", "size")
        held = [t for t in th if t.get("threshold") is not None]
        series = [
            Series("empirical threshold", [t["theory_size"] for t in held], [t["threshold"] for t in held], "points"),
            Series("declared practical regime", [t["theory_size"] for t in th], [t["practical_min"] for t in th],
                   "points"),
        ]
        xs = sorted(t["theory_size"] for t in th)
        series.append(Series("theorem's scaling (constants = 1)", xs, xs, "dashed"))
        ex = [t for t in th if isinstance(t.get("explicit_size"), (int, float))]
        if ex:
            series.append(Series("the proof's explicit width", [t["theory_size"] for t in ex],
                                 [t["explicit_size"] for t in ex], "points"))
        svg = line_chart(series, title=f"{c['id']}: smallest {size} that held vs the theorem's scaling",
                         xlabel=f"theorem's scaling: {(c.get('regime') or {}).get('theory', '')}",
                         ylabel=f"{size}", logx=True, logy=True)
        out.append((f"{slug}-threshold", "empirical threshold against the theorem's scaling", svg))
    ratios = [r for r in c.get("ratios", []) if isinstance(r, (int, float)) and math.isfinite(r)]
    if len(ratios) >= 3:
        svg = histogram(ratios, title=f"{c['id']}: tightness (worst lhs/rhs per example)", xlabel="lhs / rhs",
                        vline=1.0, vline_label="bound (ratio 1)")
        out.append((f"{slug}-tightness", "tightness: lhs/rhs over all examples", svg))
    return out


def _experiment_plots(x: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(file stem, title, svg) for one experiment's figures."""
    out: list[tuple[str, str, str]] = []
    for i, fig in enumerate(x.get("figures", [])):
        series = [Series(str(s["label"]), [_num(v) for v in s["x"]], [_num(v) for v in s["y"]],
                         style=s.get("style", "line")) for s in fig.get("series", [])]
        if not series:
            continue
        svg = line_chart(series, title=str(fig["title"]), xlabel=str(fig.get("xlabel", "")),
                         ylabel=str(fig.get("ylabel", "")), logx=bool(fig.get("logx")), logy=bool(fig.get("logy")))
        size = "" if x.get("size", "paper") == "paper" else f"-{_slug(str(x['size']))}"
        out.append((f"experiment-{_slug(x['id'])}{size}-fig{i}", str(fig["title"]), svg))
    return out


def _num(v: Any) -> float:
    """A plotted value; None (a non-finite value in the JSON) and junk become NaN, which plots drop."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan




def width_plot(claims: list[dict[str, Any]]) -> tuple[str, str, str] | None:
    """Cross-paper: every asymptotic item's empirical thresholds against its theorem's scaling (constants 1)."""
    rows = [w for w in V.width_rows(claims) if w["points"]]
    if not rows:
        return None
    series = [Series(w["id"], [p[0] for p in w["points"]], [p[1] for p in w["points"]], "points") for w in rows]
    xs = sorted(p[0] for w in rows for p in w["points"])
    series.append(Series("threshold = theorem's scaling", [xs[0], xs[-1]], [xs[0], xs[-1]], "dashed"))
    svg = line_chart(series, title="Empirical threshold against the theorem's width, every asymptotic item",
                     xlabel="theorem's scaling with constants 1", ylabel="smallest size that held", logx=True, logy=True)
    return "widths-across-papers", "empirical threshold widths against each theory's width (log–log)", svg


# -- Markdown -----------------------------------------------------------------------------------

def _md_span(x: V.Span, in_table: bool) -> str:
    if isinstance(x, V.Code):
        return code(x.s, in_table=in_table)
    if isinstance(x, V.Strong):  # spaces go outside the markers, or the bold does not open
        core = x.s.strip()
        lead, trail = x.s[: len(x.s) - len(x.s.lstrip())], x.s[len(x.s.rstrip()):]
        return f"{md(lead)}**{md(core)}**{md(trail)}" if core else md(x.s)
    if isinstance(x, V.Verdict):
        return f"**{md(x.s)}**"
    if isinstance(x, V.Link):
        return f"[{md(x.s)}]({x.href})"
    if isinstance(x, V.Math):
        return code(x.text, in_table=in_table)
    return md(x.s)


def _md_line(spans: V.Line, in_table: bool = False) -> str:
    return "".join(_md_span(x, in_table) for x in spans)


def _md_block(b: V.Block) -> list[str]:
    if isinstance(b, V.Heading):
        return ([f'<a id="{b.anchor}"></a>', ""] if b.anchor else []) + ["#" * b.level + " " + _md_line(b.text), ""]
    if isinstance(b, V.Para):
        return [_md_line(b.text), ""]
    if isinstance(b, V.Bullets):
        return [f"- {_md_line(item)}" for item in b.items] + [""]
    if isinstance(b, V.Table):
        out = ["| " + " | ".join(md(h) for h in b.head) + " |", "|---" * len(b.head) + "|"]
        out += ["| " + " | ".join(_md_line(cell, in_table=True) for cell in row) + " |" for row in b.rows]
        return out + [""]
    if isinstance(b, V.Figure):
        return [f"![{md(b.title)}](plots/{b.stem}.svg)", ""]
    if isinstance(b, V.Section):
        out = [f'<a id="{b.anchor}"></a>', ""]
        for inner in b.blocks:
            out += _md_block(inner)
        return out
    raise TypeError(type(b).__name__)


def render_markdown(rep: V.Report) -> str:
    lines: list[str] = []
    for b in rep.blocks:
        lines += _md_block(b)
    return "\n".join(lines).rstrip("\n") + "\n"


# -- HTML ---------------------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;font-size:.9rem}
.verified{color:#08660b;font-weight:600}.refuted{color:#b00020;font-weight:600}.inconclusive{color:#8a5a00;font-weight:600}.invalid{color:#6a1b9a;font-weight:600}
.skipped{color:#555}code{background:#f4f4f4;padding:0 .2rem}figure{margin:1rem 0}figcaption{font-size:.85rem;color:#555}
tr.nested td:first-child{padding-left:1.5rem}tr.nested{color:#444;font-size:.95em}p.headline{font-size:1.15rem}
section.claim{border-top:1px solid #ddd;padding-top:.5rem}"""


def _html_span(x: V.Span) -> str:
    e = html.escape
    if isinstance(x, V.Code):
        return f"<code>{e(x.s)}</code>"
    if isinstance(x, V.Strong):
        return f"<b>{e(x.s)}</b>"
    if isinstance(x, V.Verdict):
        return f'<span class="{e(x.s)}">{e(x.s)}</span>'
    if isinstance(x, V.Link):
        return f'<a href="{e(x.href)}">{e(x.s)}</a>'
    if isinstance(x, V.Math):  # checked again here: only presentation MathML without attributes of its own
        ml = V.safe_mathml(x.mathml)
        return (ml + " " if ml else "") + f"<code>{e(x.text)}</code>"
    return e(x.s)


def _html_line(spans: V.Line) -> str:
    return "".join(_html_span(x) for x in spans)


def _html_block(b: V.Block) -> list[str]:
    e = html.escape
    if isinstance(b, V.Heading):
        anchor = f' id="{e(b.anchor)}"' if b.anchor else ""
        return [f"<h{b.level}{anchor}>{_html_line(b.text)}</h{b.level}>"]
    if isinstance(b, V.Para):
        cls = f' class="{e(b.role)}"' if b.role else ""
        return [f"<p{cls}>{_html_line(b.text)}</p>"]
    if isinstance(b, V.Bullets):
        return ["<ul>"] + [f"<li>{_html_line(item)}</li>" for item in b.items] + ["</ul>"]
    if isinstance(b, V.Table):
        cls = f' class="{e(b.name)}"' if b.name else ""
        out = [f"<table{cls}><tr>" + "".join(f"<th>{e(h)}</th>" for h in b.head) + "</tr>"]
        for i, row in enumerate(b.rows):
            nested = ' class="nested"' if i < len(b.nested) and b.nested[i] else ""
            out.append(f"<tr{nested}>" + "".join(f"<td>{_html_line(cell)}</td>" for cell in row) + "</tr>")
        return out + ["</table>"]
    if isinstance(b, V.Figure):
        return [f'<figure id="fig-{e(b.stem)}">{b.svg[b.svg.find("<svg"):]}<figcaption>{e(b.title)}</figcaption></figure>']
    if isinstance(b, V.Section):
        out = [f'<section class="{e(b.name)}" id="{e(b.anchor)}">']
        for inner in b.blocks:
            out += _html_block(inner)
        return out + ["</section>"]
    raise TypeError(type(b).__name__)


def render_html(rep: V.Report) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(rep.title)}</title>", f"<style>{_CSS}</style></head><body>"]
    for b in rep.blocks:
        out += _html_block(b)
    return "\n".join(out + ["</body></html>"]) + "\n"


# -- files --------------------------------------------------------------------------------------

def write_report(out_dir: Path, *, formats: Iterable[str] = ("md", "html")) -> list[Path]:
    """Read ``out_dir/results.json`` (and any ``out_dir/experiments/*.json``) and write the report files.

    A folder with experiment results but no ``results.json`` gets a report of the experiments alone.
    """
    from lemmata.verify.experiment import load_results

    out_dir = Path(out_dir)
    experiments = load_results(out_dir)
    if experiments and not (out_dir / results_mod.RESULTS_NAME).is_file():
        doc = {"provenance": {**experiments[0].get("provenance", {}), "profile": "— (experiments only)"}, "claims": [],
               "experiments_only": True}
    else:
        doc = results_mod.load(out_dir)
    plots = {c["id"]: _plots_for(c) for c in doc["claims"]}
    exp_plots = {V.experiment_key(x): _experiment_plots(x) for x in experiments}
    widths = width_plot(doc["claims"])
    rep = V.build(doc, plots, experiments, exp_plots, widths)
    written: list[Path] = []
    plot_dir = out_dir / "plots"
    plot_dir.mkdir(parents=True, exist_ok=True)
    for items in [*plots.values(), *exp_plots.values(), *([[widths]] if widths else [])]:
        for stem, _, svg in items:
            save_svg(svg, plot_dir / f"{stem}.svg")
    formats = list(formats)
    if "md" in formats:
        p = out_dir / "report.md"
        results_mod.write_atomic(p, render_markdown(rep))
        written.append(p)
    if "html" in formats:
        p = out_dir / "report.html"
        results_mod.write_atomic(p, render_html(rep))
        written.append(p)
    return written
