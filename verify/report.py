"""Compile ``DIR/report.md`` and a self-contained ``DIR/report.html`` from ``DIR/results.json`` alone.

The report answers, per claim: does it hold, where does it start to hold (asymptotic claims:
the empirical threshold beside the theorem's scaling), how loose is the bound (the distribution
of lhs/rhs over every example), which premise matters (the controls of each claim), and how to
reproduce a failure. Plots are SVG: files under ``DIR/plots/`` linked from the Markdown, inlined
in the HTML (no network needed to view it). Every string taken from results is escaped.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from typing import Any, Iterable

from lemmata.verify import results as results_mod
from lemmata.verify.plots import Series, histogram, line_chart, save_svg

def md(text: Any) -> str:
    """Escape text for Markdown: markup characters and raw HTML never pass through."""
    s = str(text).replace("&", "&amp;")
    s = s.replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_{}\[\]#|])", r"\\\1", s).replace("\n", " ")


def code(text: Any) -> str:
    """Inline code span (backticks inside are widened)."""
    s = str(text).replace("\n", " ")
    fence = "``" if "`" in s else "`"
    return f"{fence} {s} {fence}" if fence == "``" else f"`{s}`"


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return f"{v:.4g}"
    return str(v)


def _slug(cid: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", cid.lower()).strip("-")


ROLE_LABELS = (("claim", "paper claims"), ("check", "implementation checks"), ("control", "controls"),
               ("finding", "findings"))


COVERAGE_HEAD = ["result", "statement", "status", "items / why"]


def coverage_summary(entries: list[dict[str, Any]]) -> str:
    """'5 encoded · 1 not encodable · 2 not yet' for a paper's coverage map ('—' without one)."""
    if not entries:
        return "—"
    counts: dict[str, int] = {}
    for e in entries:
        counts[e["status"]] = counts.get(e["status"], 0) + 1
    return " · ".join(f"{counts[k]} {k}" for k in ("encoded", "not encodable", "not yet") if counts.get(k))


def coverage_rows(entries: list[dict[str, Any]]) -> list[list[str]]:
    """One row per result of the paper: where, what it states, how it is covered."""
    rows = []
    for e in entries:
        where = e["where"] + (" (recalled)" if e.get("source") == "recalled" else "")
        detail = ", ".join(e.get("claims") or ()) if e["status"] == "encoded" else e.get("why", "")
        if e["status"] == "encoded" and e.get("why"):
            detail += f" — {e['why']}"
        rows.append([where, e["statement"], e["status"], detail])
    return rows


def role_counts(claims: list[dict[str, Any]], coverage: dict[str, list[dict[str, Any]]] | None = None
                ) -> tuple[str, list[list[str]]]:
    """The headline (paper claims verified first) and one row per paper: verdicts counted per role, and the
    totals of the paper's coverage map.

    One view for both formats: :func:`render_markdown` and :func:`render_html` only lay it out."""
    def tally(items: list[dict[str, Any]]) -> str:
        if not items:
            return "—"
        counts: dict[str, int] = {}
        for c in items:
            counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
        return ", ".join(f"{v} {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))

    rows = []
    for paper, group in _by_paper(claims).items():
        by_role = {role: [c for c in group if c.get("role", "claim") == role] for role, _ in ROLE_LABELS}
        rows.append([paper] + [tally(by_role[role]) for role, _ in ROLE_LABELS]
                    + [coverage_summary((coverage or {}).get(paper, []))])
    role_of = {role: [c for c in claims if c.get("role", "claim") == role] for role, _ in ROLE_LABELS}
    verified = sum(c["verdict"] == "verified" for c in role_of["claim"])
    headline = (f"{verified} of {len(role_of['claim'])} paper claims verified; "
                + "; ".join(f"{label}: {tally(role_of[role])}" for role, label in ROLE_LABELS[1:]) + ".")
    return headline, rows


def tightness_rows(claims: list[dict[str, Any]]) -> list[list[str]]:
    """'How tight is each theorem?': one row per inequality claim (1 = tight; 0.01 = the bound is 100× loose)."""
    rows = []
    for c in claims:
        t = c.get("tightness") or {}
        role = c.get("role", "claim")
        if not t.get("inequality") or role not in ("claim", "finding") or (role == "finding" and not t.get("declared")):
            continue  # every paper claim that is an inequality; a finding only where it declares a figure
        if not t.get("declared"):
            rows.append([c["id"], "no tightness figure declared", "—", "—", "—", "—"])
            continue
        med = t.get("median")
        if med is None:
            reading = "no example held"
        elif med >= 0.5:
            reading = "tight: within 2× of the bound at the median"
        else:
            reading = f"loose: the median run used 1/{1 / med:.3g} of it" if med > 0 else "loose: none of it used"
        rows.append([c["id"], t.get("meaning", ""), _fmt(med), _fmt(t.get("tightest")), _fmt(t.get("loosest")), reading])
    for c in claims:
        ratios = sorted(width_tightness(c))
        if not ratios:
            continue
        med = ratios[len(ratios) // 2]
        rows.append([c["id"], "empirical threshold over the proof's explicit width (1 = the proof asks for no more "
                     "than needed)", _fmt(med), _fmt(ratios[-1]), _fmt(ratios[0]),
                     f"the proof's width is {1 / med:.3g}× the empirical threshold at the median "
                     f"(10^{math.log10(1 / med):.1f})" if med > 0 else "—"])
    return rows


LADDER_MARKS = {"held": "✓", "failed": "✗", "vacuous": "∅", "undecided": "?", "nonfinite": "NaN",
                "out_of_regime": "·"}
LADDER_LEGEND = ("✓ held, ✗ failed, ∅ vacuous (no seed met the claim's condition at that size), ? undecided "
                 "(the sequential test did not separate from δ), NaN non-finite")


def ladder_text(t: dict[str, Any]) -> str:
    """One threshold record's ladder: each size with its status mark (a vacuous size is not a failure)."""
    return ", ".join(f"{s['size']}{LADDER_MARKS.get(s.get('status', 'held' if s.get('held') else 'failed'), '?')}"
                     for s in t.get("sizes", []))


def width_tightness(c: dict[str, Any]) -> list[float]:
    """Per example of an asymptotic claim whose regime gives the proof's explicit width: threshold / explicit."""
    out = []
    for t in c.get("thresholds") or []:
        th, ex = t.get("threshold"), t.get("explicit_size")
        if isinstance(th, (int, float)) and isinstance(ex, (int, float)) and ex > 0 and math.isfinite(ex):
            out.append(th / ex)
    return out


TIGHTNESS_HEAD = ["claim", "tightness figure (1 = tight)", "median", "tightest", "loosest", "reading"]


def search_summary(c: dict[str, Any]) -> str:
    """How many examples each phase of the search ran, and why it stopped (one line)."""
    s = c.get("search") or {}
    ph = s.get("phases") or {}
    parts = [f"{ph[p]} {label}" for p, label in (("explicit", "explicit"), ("corners", "corners"),
                                                  ("generate", "generated"), ("target", "targeted"),
                                                  ("shrink", "shrink candidates")) if ph.get(p)]
    drawn = s.get("drawn")
    if drawn and drawn != ph.get("generate"):
        parts.append(f"{drawn} drawn by Hypothesis (repeats of earlier examples are not run twice)")
    for phase, k in (s.get("rejected") or {}).items():
        parts.append(f"{k} {phase} examples rejected by the claim's assume()")
    if not s.get("box", True):
        parts.append("no corners or targeting: the premises are not a box of bounded scalars")
    return (", ".join(parts) or "no example ran") + f" of {s.get('planned', '?')} planned; " + \
        f"{s.get('batches', 0)} seed batches; stopped: {s.get('stopped', '?')}"


def _threshold_summary(c: dict[str, Any]) -> str:
    th = [t for t in c.get("thresholds", []) if t.get("threshold") is not None]
    if not th:
        return "—" if c["kind"] != "asymptotic" else "none held"
    vals = sorted(t["threshold"] for t in th)
    size = (c.get("regime") or {}).get("size", "size")
    text = f"{size} ≥ {vals[-1]:g}" if vals[0] == vals[-1] else f"{size} ≥ {vals[0]:g}…{vals[-1]:g}"
    ratios = sorted(width_tightness(c))
    if ratios and ratios[len(ratios) // 2] > 0:
        text += f" (proof's width ≈ 10^{math.log10(1 / ratios[len(ratios) // 2]):.1f}× that)"
    return text


def _plots_for(c: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(file stem, title, svg) for one claim."""
    out: list[tuple[str, str, str]] = []
    slug = _slug(c["id"])
    for i, fig in enumerate(c.get("figures", [])):
        xs = [float(v) for v in fig["x"]]  # 'inf'/'nan' strings from results.json become floats; plots drop them
        series = [Series(s["label"], xs, [float(y) for y in s["y"]], style=s.get("style", "line"))
                  for s in fig["series"]]
        svg = line_chart(series, title=fig["title"], xlabel=fig.get("xlabel", ""), ylabel=fig.get("ylabel", ""),
                         logx=fig.get("logx", False), logy=fig.get("logy", False))
        out.append((f"{slug}-fig{i}", fig["title"], svg))
    th = [t for t in c.get("thresholds", []) if isinstance(t.get("theory_size"), (int, float))
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


def _exp_key(x: dict[str, Any]) -> str:
    return f"{x['id']}@{x.get('size', 'paper')}"


def _num(v: Any) -> float:
    """A plotted value; None (a non-finite value in the JSON) and junk become NaN, which plots drop."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _experiment_header(x: dict[str, Any]) -> tuple[str, str]:
    prov = x.get("provenance", {})
    if x.get("complete"):
        state = "complete"
    elif x.get("error"):
        state = f"**failed** ({x['error']}; the finished parts are shown)"
    else:
        state = "**incomplete** (interrupted or still running: the finished parts are shown)"
    size = x.get("size", "paper")
    where = "the paper's size" if size == "paper" else f"the reduced size '{size}', not the paper's"
    return state, (f"{prov.get('device_name', prov.get('device'))} at {where}, dtype {prov.get('dtype')}, "
                   f"{x.get('elapsed_s')} s, commit {str(prov.get('git_commit'))[:12]}")


def _experiments_md(experiments: list[dict[str, Any]], plots: dict[str, list[tuple[str, str, str]]]) -> list[str]:
    L = ["## Experiments", ""]
    for x in experiments:
        state, where = _experiment_header(x)
        cit = x.get("citation", {})
        tag = "" if x.get("size", "paper") == "paper" else f" (reduced size '{x['size']}')"
        L += [f"### {md(x['id'])}{md(tag)}: {md(x.get('title', ''))}", "",
              f"{md(cit.get('paper', ''))}, {md(cit.get('where', ''))}. Run {state} on {md(where)}.", ""]
        if x.get("description"):
            L += [md(x["description"]), ""]
        for note in x.get("notes", []):
            L.append(f"- {md(note)}")
        table = x.get("table") or {}
        if table.get("rows"):
            L += ["", "| " + " | ".join(md(c) for c in table["columns"]) + " |",
                  "|" + "---|" * len(table["columns"])]
            L += ["| " + " | ".join(md(_fmt(v)) for v in row) + " |" for row in table["rows"]]
        L.append("")
        for stem, title, _ in plots.get(_exp_key(x), []):
            L += [f"![{md(title)}](plots/{stem}.svg)", ""]
    return L


def _experiments_html(experiments: list[dict[str, Any]], plots: dict[str, list[tuple[str, str, str]]]) -> list[str]:
    e = html.escape
    H = ["<h2>Experiments</h2>"]
    for x in experiments:
        state, where = _experiment_header(x)
        cit = x.get("citation", {})
        tag = "" if x.get("size", "paper") == "paper" else f" (reduced size '{x['size']}')"
        H.append(f'<section class="claim" id="experiment-{_slug(_exp_key(x))}"><h3>{e(x["id"] + tag)}: '
                 f'{e(x.get("title", ""))}</h3>')
        H.append(f"<p>{e(cit.get('paper', ''))}, {e(cit.get('where', ''))}. Run {e(state.replace('**', ''))} on "
                 f"{e(where)}.</p>")
        if x.get("description"):
            H.append(f"<p>{e(x['description'])}</p>")
        if x.get("notes"):
            H.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in x["notes"]) + "</ul>")
        table = x.get("table") or {}
        if table.get("rows"):
            H += _html_table([str(c) for c in table["columns"]], [[e(_fmt(v)) for v in row] for row in table["rows"]])
        for _, title, svg in plots.get(_exp_key(x), []):
            H.append(f"<figure>{svg[svg.find('<svg'):]}<figcaption>{e(title)}</figcaption></figure>")
        H.append("</section>")
    return H


def _claim_lines_md(c: dict[str, Any], plots: list[tuple[str, str, str]], controls: list[dict[str, Any]]) -> list[str]:
    L: list[str] = []
    L.append(f"### {md(c['id'])}: {md(c['title'])}")
    L.append("")
    L.append(f"**Verdict: {c['verdict']}** — {md(c['reason'])}")
    L.append("")
    cit = c["citation"]
    ax = f", arXiv {md(cit['arxiv'])}" if cit.get("arxiv") else ""
    L.append(f"- Citation: {md(cit['paper'])}, {md(cit['where'])}{ax} [{md(cit['source'])}]"
             + (f" — {md(cit['note'])}" if cit.get("note") else ""))
    if c.get("recalled"):
        L.append(f"- **Constant as recalled** (not re-read in the paper): {md('; '.join(c['recalled']))}")
    L.append(f"- Kind: {c['kind']}" + (f", δ = {c['delta']}" if c.get("delta") is not None else "")
             + (f", Clopper–Pearson confidence {c['confidence']}" if c.get("confidence") else ""))
    if c.get("expect") == "breaks":
        L.append(f"- Negative control of {md(c['control_of'])}: breaks the premise *{md(c['broken_premise'])}*; "
                 "verified means the conclusion then failed")
    if c.get("given"):
        L.append(f"- Given: {md(c['given'])}")
    if c.get("premises"):
        L.append(f"- Premises as drawn: {code(c['premises'])}")
    L.append(f"- Statement: {code(c['statement'])}")
    L.append(f"- Tolerance: {md(c['tolerance'])}")
    L.append(f"- Examples: {c['examples']} × {c['seeds_per_example']} seeds ({c['seeds_total']} runs), "
             f"{c['elapsed_s']:.1f} s; worst slack {_fmt(c.get('worst_slack'))}")
    L.append(f"- Search: {md(search_summary(c))}")
    if c.get("regime"):
        r = c["regime"]
        L.append(f"- Declared practical regime (ours, not the paper's constant): {code(r['size'] + ' >= ' + r['practical'])}"
                 f"; theorem's scaling {code(r['theory'])}. {md(r['note'])}")
        if r.get("explicit"):
            L.append(f"- The proof's explicit width: {code(r['size'] + ' >= ' + r['explicit'])}. {md(r.get('explicit_note', ''))}")
    ev = c.get("evidence", {})
    if ev.get("errors"):
        L.append(f"- Error: {code(ev['errors'][0].splitlines()[0])}")
    L.append("")
    ex = c.get("counterexample")
    if ex:
        head = "Counterexample (shrunk)" if c.get("expect") != "breaks" else "The break (shrunk example)"
        L.append(f"**{head}:** premises {code(ex['premises'])}; {ex['failed_seeds']} of {ex['seeds']} seeds failed"
                 + (f", failure-rate interval {tuple(round(v, 4) for v in ex['interval'])}" if ex.get("interval") else ""))
        L.append("")
        L.extend(_atoms_table(ex.get("detail", {})))
        L.append(f"Reproduce: {code(c['reproduce'])}")
        L.append("")
    elif ev.get("worst_example"):
        L.append(f"Closest approach to the bound: premises {code(ev['worst_example']['premises'])}")
        L.append("")
        L.extend(_atoms_table(ev["worst_example"].get("detail", {})))
    th = c.get("thresholds") or []
    if th:
        size = (c.get("regime") or {}).get("size", "size")
        explicit = any(t.get("explicit_size") is not None for t in th)
        L.append(f"| premises | empirical threshold {size} | declared practical {size} | theorem's scaling | "
                 + ("proof's explicit width | " if explicit else "") + "ladder (held?) |")
        L.append("|---|---|---|---|" + ("---|" if explicit else "") + "---|")
        for t in th[:20]:
            ladder = ladder_text(t)
            L.append(f"| {code(t['premises'])} | {_fmt(t['threshold'])} | {_fmt(t['practical_min'])} | "
                     f"{_fmt(t['theory_size'])} | " + (f"{_fmt(t.get('explicit_size'))} | " if explicit else "")
                     + f"{ladder} |")
        L.append("")
        L.append(f"Ladder: {LADDER_LEGEND}.")
        L.append("")
    for stem, title, _ in plots:
        L.append(f"![{md(title)}](plots/{stem}.svg)")
        L.append("")
    if controls:
        L.append("Premise necessity (negative controls):")
        L.append("")
        L.append("| premise broken | control | conclusion then | evidence |")
        L.append("|---|---|---|---|")
        for k in controls:
            broke = {"verified": "failed (premise matters)", "refuted": "still held (premise not needed here)"}.get(
                k["verdict"], k["verdict"])
            evid = code(k["counterexample"]["premises"]) if k.get("counterexample") else md(k["reason"])
            L.append(f"| {md(k['broken_premise'])} | [{md(k['id'])}](#{_slug(k['id'])}) | {broke} | {evid} |")
        L.append("")
    return L


def _atoms_table(detail: dict[str, Any]) -> list[str]:
    atoms = detail.get("atoms") or []
    if not atoms:
        return []
    L = [f"| relation (seed {detail.get('seed', '?')}) | index | lhs | rhs | allowance | violated |",
         "|---|---|---|---|---|---|"]
    for a in atoms:
        L.append(f"| {code(a['relation'])} | {a['index']} | {_fmt(a['lhs'])} | {_fmt(a['rhs'])} | "
                 f"{_fmt(a['allowance'])} | {'yes' if a['violated'] else ('non-finite' if a['nonfinite'] else 'no')} |")
    L.append("")
    return L


def _by_paper(claims: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        out.setdefault(c["paper"], []).append(c)
    return out


def render_markdown(doc: dict[str, Any], plots: dict[str, list[tuple[str, str, str]]]) -> str:
    prov = doc["provenance"]
    claims = doc["claims"]
    L = ["# lemmata verification report", ""]
    L.append(f"Profile **{md(prov.get('profile'))}** on {md(prov.get('device_name'))}, dtype {md(prov.get('dtype'))}; "
             f"commit {code(str(prov.get('git_commit'))[:12])}{' (uncommitted changes)' if prov.get('git_dirty') else ''}; "
             f"started {md(prov.get('started'))}, finished {md(prov.get('finished'))}"
             + (" — **interrupted**: only finished claims are listed" if prov.get("interrupted") else "") + ".")
    pk = prov.get("packages", {})
    L.append("Packages: " + ", ".join(f"{md(k)} {md(v)}" for k, v in pk.items()) + ".")
    L.append("")
    if doc.get("experiments_only"):
        return "\n".join(L) + "\n"
    L.append("A verdict is *verified* when no violation was found in every example the profile plans (corners, random "
             "draws, a targeted hill-climb; counted in examples, never in seconds): every seed for exact claims; for "
             "probabilistic claims, and at each width of an asymptotic claim's declared practical regime, a sequential "
             "Clopper–Pearson test that adds seed batches until the failure rate's interval lies at or below δ (single "
             "seeds may fail; the reason counts them). *Refuted* comes with a shrunk counterexample, replicated on fresh "
             "seeds where δ decides, and a command that reproduces it; *inconclusive* when numerics (NaN, a non-finite "
             "bound), the hard timeout, the statistics or the regime prevented a decision (the reason is given); "
             "*invalid* when the claim's own definition is wrong (the reason names the fix); *skipped* with its "
             "reason. A negative control is verified when breaking its premise broke the conclusion.")
    L.append("")
    coverage = doc.get("coverage") or {}
    headline, rows = role_counts(claims, coverage)
    L.append(f"**{md(headline)}**")
    L.append("")
    L.append("| paper | " + " | ".join(label for _, label in ROLE_LABELS) + " | coverage of the paper's results |")
    L.append("|---" * (2 + len(ROLE_LABELS)) + "|")
    for row in rows:
        L.append("| " + " | ".join(md(x) for x in row) + " |")
    L.append("")
    tight = tightness_rows(claims)
    if tight:
        L.append("### How tight is each theorem?")
        L.append("")
        L.append("| " + " | ".join(TIGHTNESS_HEAD) + " |")
        L.append("|---" * len(TIGHTNESS_HEAD) + "|")
        for row in tight:
            L.append("| " + " | ".join(md(x) for x in row) + " |")
        L.append("")
    L.append("| claim | paper | theorem | kind | verdict | examples × seeds | worst slack | empirical threshold |")
    L.append("|---|---|---|---|---|---|---|---|")
    for c in claims:
        kind = c["kind"] + ("" if c.get("role", "claim") == "claim" else f" ({c.get('role')})")
        L.append(f"| [{md(c['id'])}](#{_slug(c['id'])}) | {md(c['paper'])} | {md(c['citation']['where'])} | {kind} | "
                 f"**{c['verdict']}** | {c['examples']} × {c['seeds_per_example']} | {_fmt(c.get('worst_slack'))} | "
                 f"{_threshold_summary(c)} |")
    L.append("")
    controls: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        if c.get("control_of"):
            controls.setdefault(c["control_of"], []).append(c)
    for paper, group in _by_paper(claims).items():
        L.append(f"## {md(paper)}")
        L.append("")
        L.append(f"{md(group[0]['citation']['paper'])}")
        L.append("")
        cov = coverage_rows(coverage.get(paper, []))
        if cov:
            L.append(f"**Coverage map** ({md(coverage_summary(coverage.get(paper, [])))}):")
            L.append("")
            L.append("| " + " | ".join(COVERAGE_HEAD) + " |")
            L.append("|---" * len(COVERAGE_HEAD) + "|")
            for row in cov:
                L.append("| " + " | ".join(md(x) for x in row) + " |")
            L.append("")
        for c in group:
            L.append(f'<a id="{_slug(c["id"])}"></a>')
            L.append("")
            L.extend(_claim_lines_md(c, plots.get(c["id"], []), controls.get(c["id"], [])))
    return "\n".join(L) + "\n"


_CSS = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;font-size:.9rem}
.verified{color:#08660b;font-weight:600}.refuted{color:#b00020;font-weight:600}.inconclusive{color:#8a5a00;font-weight:600}.invalid{color:#6a1b9a;font-weight:600}
.skipped{color:#555}code{background:#f4f4f4;padding:0 .2rem}figure{margin:1rem 0}figcaption{font-size:.85rem;color:#555}
.recalled{background:#fff4d6;padding:.1rem .3rem}section.claim{border-top:1px solid #ddd;padding-top:.5rem}"""


def render_html(doc: dict[str, Any], plots: dict[str, list[tuple[str, str, str]]]) -> str:
    e = html.escape
    prov = doc["provenance"]
    claims = doc["claims"]
    H = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         "<title>lemmata verification report</title>", f"<style>{_CSS}</style></head><body>",
         "<h1>lemmata verification report</h1>",
         f"<p>Profile <b>{e(str(prov.get('profile')))}</b> on {e(str(prov.get('device_name')))}, dtype "
         f"{e(str(prov.get('dtype')))}; commit <code>{e(str(prov.get('git_commit'))[:12])}</code>; "
         f"started {e(str(prov.get('started')))}, finished {e(str(prov.get('finished')))}"
         + (" — <b>interrupted</b>" if prov.get("interrupted") else "") + "</p>"]
    if doc.get("experiments_only"):
        return "\n".join(H + ["</body></html>"]) + "\n"
    coverage = doc.get("coverage") or {}
    headline, rows = role_counts(claims, coverage)
    H.append(f'<p class="headline"><b>{e(headline)}</b></p>')
    H.append("<table><tr><th>paper</th>" + "".join(f"<th>{e(label)}</th>" for _, label in ROLE_LABELS)
             + "<th>coverage of the paper's results</th></tr>")
    for row in rows:
        H.append("<tr>" + "".join(f"<td>{e(x)}</td>" for x in row) + "</tr>")
    H.append("</table>")
    tight = tightness_rows(claims)
    if tight:
        H.append("<h2>How tight is each theorem?</h2><table><tr>" + "".join(f"<th>{e(h)}</th>" for h in TIGHTNESS_HEAD)
                 + "</tr>")
        for row in tight:
            H.append("<tr>" + "".join(f"<td>{e(x)}</td>" for x in row) + "</tr>")
        H.append("</table>")
    H.append("<table><tr><th>claim</th><th>paper</th><th>theorem</th><th>kind</th><th>verdict</th><th>examples × seeds</th>"
             "<th>worst slack</th><th>empirical threshold</th></tr>")
    for c in claims:
        kind = c["kind"] + ("" if c.get("role", "claim") == "claim" else f" ({c.get('role')})")
        H.append(f'<tr><td><a href="#{_slug(c["id"])}">{e(c["id"])}</a></td><td>{e(c["paper"])}</td>'
                 f'<td>{e(c["citation"]["where"])}</td>'
                 f'<td>{e(kind)}</td><td class="{e(c["verdict"])}">{e(c["verdict"])}</td>'
                 f"<td>{c['examples']} × {c['seeds_per_example']}</td><td>{e(_fmt(c.get('worst_slack')))}</td>"
                 f"<td>{e(_threshold_summary(c))}</td></tr>")
    H.append("</table>")
    controls: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        if c.get("control_of"):
            controls.setdefault(c["control_of"], []).append(c)
    for paper, group in _by_paper(claims).items():
        H.append(f"<h2>{e(paper)}</h2><p>{e(group[0]['citation']['paper'])}</p>")
        cov = coverage_rows(coverage.get(paper, []))
        if cov:
            H.append(f"<p><b>Coverage map</b> ({e(coverage_summary(coverage.get(paper, [])))}):</p><table><tr>"
                     + "".join(f"<th>{e(h)}</th>" for h in COVERAGE_HEAD) + "</tr>")
            for row in cov:
                H.append("<tr>" + "".join(f"<td>{e(x)}</td>" for x in row) + "</tr>")
            H.append("</table>")
        for c in group:
            cit = c["citation"]
            H.append(f'<section class="claim" id="{_slug(c["id"])}"><h3>{e(c["id"])}: {e(c["title"])}</h3>')
            H.append(f'<p>Verdict: <span class="{e(c["verdict"])}">{e(c["verdict"])}</span> — {e(c["reason"])}</p>')
            H.append("<ul>")
            H.append(f"<li>Citation: {e(cit['paper'])}, {e(cit['where'])}"
                     + (f", arXiv {e(str(cit['arxiv']))}" if cit.get("arxiv") else "") + f" [{e(cit['source'])}]</li>")
            if c.get("recalled"):
                H.append(f'<li><span class="recalled">Constant as recalled</span> (not re-read in the paper): '
                         f"{e('; '.join(c['recalled']))}</li>")
            mathml = c.get("statement_mathml")
            H.append(f"<li>Statement: {mathml if mathml else '<code>' + e(c['statement']) + '</code>'}"
                     f" <code>{e(c['statement'])}</code></li>")
            if c.get("given"):
                H.append(f"<li>Given: {e(c['given'])}</li>")
            if c.get("premises"):
                H.append(f"<li>Premises as drawn: <code>{e(c['premises'])}</code></li>")
            H.append(f"<li>Tolerance: {e(c['tolerance'])}</li>")
            H.append(f"<li>Examples: {c['examples']} × {c['seeds_per_example']} seeds; worst slack "
                     f"{e(_fmt(c.get('worst_slack')))}</li>")
            H.append(f"<li>Search: {e(search_summary(c))}</li>")
            if c.get("counterexample"):
                H.append(f"<li>Counterexample: <code>{e(str(c['counterexample']['premises']))}</code>; reproduce: "
                         f"<code>{e(c['reproduce'])}</code></li>")
            if c.get("regime"):
                r = c["regime"]
                H.append(f"<li>Declared practical regime (ours, not the paper's constant): <code>{e(r['size'])} ≥ "
                         f"{e(r['practical'])}</code>; theorem's scaling <code>{e(r['theory'])}</code>. {e(r['note'])}</li>")
                if r.get("explicit"):
                    H.append(f"<li>The proof's explicit width: <code>{e(r['size'])} ≥ {e(r['explicit'])}</code>. "
                             f"{e(r.get('explicit_note', ''))}</li>")
            H.append("</ul>")
            H.extend(_html_details(c, controls.get(c["id"], [])))
            for _, title, svg in plots.get(c["id"], []):
                body = svg[svg.find("<svg"):]
                H.append(f"<figure>{body}<figcaption>{e(title)}</figcaption></figure>")
            H.append("</section>")
    H.append("</body></html>")
    return "\n".join(H) + "\n"


def _html_table(head: list[str], rows: list[list[str]]) -> list[str]:
    """An HTML table; cells are given already escaped."""
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows]
    return out + ["</table>"]


def _html_details(c: dict[str, Any], controls: list[dict[str, Any]]) -> list[str]:
    """The evidence tables of one claim: worst element per relation, threshold ladder, premise necessity."""
    e = html.escape
    H: list[str] = []
    ex = c.get("counterexample")
    detail = (ex or {}).get("detail") or ((c.get("evidence") or {}).get("worst_example") or {}).get("detail") or {}
    if detail.get("atoms"):
        H.append("<p>" + ("Counterexample" if ex else "Closest approach to the bound") + f", seed {e(str(detail.get('seed')))}:</p>")
        H += _html_table(["relation", "index", "lhs", "rhs", "allowance", "violated"], [
            [f"<code>{e(a['relation'])}</code>", e(str(a["index"])), e(_fmt(a["lhs"])), e(_fmt(a["rhs"])),
             e(_fmt(a["allowance"])), "yes" if a["violated"] else ("non-finite" if a["nonfinite"] else "no")]
            for a in detail["atoms"]])
    th = c.get("thresholds") or []
    if th:
        explicit = any(t.get("explicit_size") is not None for t in th)
        H += _html_table(["premises", "empirical threshold", "declared practical", "theorem's scaling"]
                         + (["proof's explicit width"] if explicit else []) + ["ladder (held?)"], [
            [f"<code>{e(str(t['premises']))}</code>", e(_fmt(t["threshold"])), e(_fmt(t["practical_min"])),
             e(_fmt(t["theory_size"]))] + ([e(_fmt(t.get("explicit_size")))] if explicit else [])
            + [e(ladder_text(t))]
            for t in th[:20]])
        H.append(f"<p>Ladder: {e(LADDER_LEGEND)}.</p>")
    if controls:
        H.append("<p>Premise necessity (negative controls):</p>")
        H += _html_table(["premise broken", "control", "conclusion then", "evidence"], [
            [e(k["broken_premise"] or ""), f'<a href="#{_slug(k["id"])}">{e(k["id"])}</a>',
             {"verified": "failed (premise matters)", "refuted": "still held (premise not needed here)"}.get(
                 k["verdict"], e(k["verdict"])),
             f"<code>{e(str(k['counterexample']['premises']))}</code>" if k.get("counterexample") else e(k["reason"])]
            for k in controls])
    return H


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
    exp_plots = {_exp_key(x): _experiment_plots(x) for x in experiments}
    written: list[Path] = []
    plot_dir = out_dir / "plots"
    plot_dir.mkdir(parents=True, exist_ok=True)
    for items in [*plots.values(), *exp_plots.values()]:
        for stem, _, svg in items:
            save_svg(svg, plot_dir / f"{stem}.svg")
    formats = list(formats)
    if "md" in formats:
        p = out_dir / "report.md"
        text = render_markdown(doc, plots)
        if experiments:
            text += "\n".join(_experiments_md(experiments, exp_plots)) + "\n"
        results_mod.write_atomic(p, text)
        written.append(p)
    if "html" in formats:
        p = out_dir / "report.html"
        page = render_html(doc, plots)
        if experiments:
            page = page.replace("</body></html>\n", "\n".join(_experiments_html(experiments, exp_plots))
                                + "\n</body></html>\n")
        results_mod.write_atomic(p, page)
        written.append(p)
    return written
