"""Unit tests for verify.results (results.json) and verify.report (Markdown, HTML, SVG plots)."""

from __future__ import annotations

import json
import math
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sympy as sp

from lemmata.verify import results
from lemmata.verify.cli import main
from lemmata.verify.errors import ResultsFileError
from lemmata.verify.report import code, md, write_report
from lemmata.verify.results import load as load_results

pytestmark = pytest.mark.unit

EVIL = "<script>alert(1)</script>"

# A self-contained theorem file: a verified claim with a figure, a refuted one, an asymptotic one,
# and a control of the first. Strings that reach the report carry EVIL.
TOY = f'''
import sympy as sp
import torch
from hypothesis import strategies as st
from lemmata.verify import Citation, Claim, Covered, Figure, Kind, Regime, Tightness, Tolerance, control, per_seed, shared

EVIL = {EVIL!r}
n, m = sp.symbols("n m")
CIT = Citation(paper="Toy paper " + EVIL, where="Theorem 1", source="derived", note="note " + EVIL)

def ints(lo, hi):
    def premises(profile):
        return st.fixed_dictionaries({{"n": st.integers(lo, hi), "seed": st.integers(0, 100)}})
    return premises

def run_n(inst):
    return {{"n": per_seed(torch.full((inst.S,), float(inst.premises["n"]), dtype=inst.dtype)),
            "t": shared(torch.arange(1, 6, dtype=inst.dtype), "t"),
            "curve": shared(torch.arange(1, 6, dtype=inst.dtype) ** 2, "t")}}

def run_m(inst):
    return {{"m": per_seed(torch.full((inst.S,), float(inst.premises["m"]), dtype=inst.dtype))}}

ok = Claim(id="reptoy.ok", title=EVIL, citation=CIT, kind=Kind.EXACT, statement=sp.Le(n, 10),
           premises=ints(1, 10), run=run_n, tolerance=Tolerance(reason="reason " + EVIL), seeds=4,
           given="given " + EVIL, symbols={{"curve": "curve " + EVIL}},
           figures=(Figure(title="figure " + EVIL, x="t", ys=("curve",), logy=True),),
           tightness=Tightness(expr=n / 10, meaning="n over its bound " + EVIL))
CLAIMS = [
    ok,
    Claim(id="reptoy.bad", title="bad", citation=CIT, kind=Kind.EXACT, statement=sp.Le(n, 10),
          premises=ints(1, 50), run=run_n, tolerance=Tolerance(reason="exact"), seeds=4),
    Claim(id="reptoy.asym", title="asym", citation=CIT, kind=Kind.ASYMPTOTIC, statement=sp.Ge(m, 4),
          premises=lambda p: st.fixed_dictionaries({{"seed": st.integers(0, 9)}}), run=run_m,
          tolerance=Tolerance(reason="exact"), seeds=4,
          regime=Regime(size="m", ladder=lambda p, prof: [1, 2, 4, 8, 16], practical=sp.Integer(8),
                        theory=sp.Integer(16), note="toy regime", explicit=sp.Integer(1024),
                        explicit_note="a toy proof " + EVIL)),
    control(ok, name="ok_ctl", premises=ints(11, 20), broken="n <= 10 " + EVIL),
]
COVERAGE = [
    Covered(where="Theorem 1", statement="n stays small " + EVIL, status="encoded", claims=("reptoy.ok",)),
    Covered(where="Theorem 2", statement="an existence statement", status="not encodable",
            why="it asserts that some width exists, with no constant " + EVIL),
]
'''

IDS = ["reptoy.ok", "reptoy.bad", "reptoy.asym", "reptoy.ok_ctl"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Verify the toy claims once and compile the report; return the output folder."""
    root = tmp_path_factory.mktemp("report")
    (root / "th").mkdir()
    (root / "th" / "reptoy.py").write_text(TOY, encoding="utf-8")
    out = root / "out"
    assert main(["--theorems", str(root / "th"), "verify", "reptoy", "--out", str(out)]) == 1
    assert main(["report", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def doc(run_dir: Path) -> dict:
    return load_results(run_dir)


# --- results.json -----------------------------------------------------------------------------

def test_results_schema_and_provenance(doc: dict) -> None:
    assert doc["schema_version"] == 3 == results.SCHEMA_VERSION
    prov = doc["provenance"]
    for key in ("git_commit", "packages", "device", "dtype", "profile", "started", "finished", "command",
                "python", "device_name"):
        assert key in prov, key
    assert prov["device"] == "cpu" and prov["dtype"] == "float64" and prov["profile"] == "ci"
    assert prov["finished"] is not None
    assert {"torch", "hypothesis", "numpy", "sympy"} <= set(prov["packages"])
    assert prov["packages"]["torch"]


def test_results_per_claim_fields(doc: dict) -> None:
    claims = {c["id"]: c for c in doc["claims"]}
    assert list(claims) == IDS
    for c in claims.values():
        for key in ("id", "kind", "verdict", "examples", "seeds_per_example", "evidence", "counterexample",
                    "reproduce"):
            assert key in c, (c["id"], key)
        assert c["verdict"] in results.VERDICTS
        assert c["seeds_per_example"] == 4
    assert claims["reptoy.ok"]["verdict"] == "verified"
    assert claims["reptoy.ok"]["counterexample"] is None and claims["reptoy.ok"]["reproduce"] is None
    bad = claims["reptoy.bad"]
    assert bad["verdict"] == "refuted"
    assert bad["counterexample"]["premises"] == {"n": 11, "seed": 0}
    assert "replay reptoy.bad" in bad["reproduce"]
    assert claims["reptoy.asym"]["verdict"] == "verified"
    assert claims["reptoy.asym"]["thresholds"][0]["threshold"] == 4
    assert claims["reptoy.ok_ctl"]["verdict"] == "verified"
    assert claims["reptoy.ok"]["figures"] and claims["reptoy.ok"]["figures"][0]["x"] == [1, 2, 3, 4, 5]


def test_results_load_round_trip(run_dir: Path, doc: dict) -> None:
    assert results.load(run_dir) == doc
    assert results.load(str(run_dir)) == doc  # a str path is fine too


def test_save_with_a_cache_writes_what_json_dumps_writes(run_dir: Path, tmp_path: Path) -> None:
    # the run saves after every claim and keeps each finished record's text; the file must not change for it
    loaded = results.load(run_dir)
    prov, claims, cov = loaded["provenance"], loaded["claims"], loaded.get("coverage")
    plain = json.dumps({"schema_version": results.SCHEMA_VERSION, "provenance": results.encode_nonfinite(prov)[0],
                        "claims": [results.to_record(c) for c in claims],
                        **({"coverage": cov} if cov else {})}, indent=1, ensure_ascii=False) + "\n"
    cache: dict = {}
    for k in range(len(claims) + 1):  # as the run does: one more claim each time
        results.save(tmp_path, prov, claims[:k], cov, cache=cache)
    assert (tmp_path / results.RESULTS_NAME).read_text(encoding="utf-8") == plain
    assert set(cache) == {c["id"] for c in claims}
    changed = [dict(claims[0], verdict="inconclusive"), *claims[1:]]  # a new dict for one id is encoded afresh
    results.save(tmp_path, prov, changed, cov, cache=cache)
    assert results.load(tmp_path)["claims"][0]["verdict"] == "inconclusive"
    results.save(tmp_path, prov, [], cov, cache=cache)
    assert results.load(tmp_path)["claims"] == []


def test_no_temporary_files_are_left(run_dir: Path) -> None:
    assert not [p.name for p in run_dir.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


# --- write_atomic -----------------------------------------------------------------------------

def test_write_atomic_writes_and_replaces(tmp_path: Path) -> None:
    p = tmp_path / "sub" / "f.json"
    results.write_atomic(p, "one")
    results.write_atomic(p, "two ✓")
    assert p.read_text(encoding="utf-8") == "two ✓"
    assert [x.name for x in p.parent.iterdir()] == ["f.json"]


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_write_atomic_failure_keeps_the_old_file(tmp_path: Path, monkeypatch, where: str) -> None:
    p = tmp_path / "results.json"
    results.write_atomic(p, '{"old": true}')

    def boom(*a, **k):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, where, boom)
    with pytest.raises(OSError, match="disk on fire"):
        results.write_atomic(p, '{"new": true, "padding": "' + "x" * 10000 + '"}')
    monkeypatch.undo()
    assert p.read_text() == '{"old": true}'
    assert [x.name for x in tmp_path.iterdir()] == ["results.json"]


def test_write_atomic_interrupt_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    p = tmp_path / "results.json"
    results.write_atomic(p, "old")

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        results.write_atomic(p, "new")
    monkeypatch.undo()
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["results.json"]


def test_save_rejects_an_undeclared_key(tmp_path: Path) -> None:
    """Every key of a record is declared (results.SPEC_FIELDS, OUTCOME_FIELDS, RECORD_FIELDS) and in the schema."""
    with pytest.raises(ValueError, match="not fields of a results.json record"):
        results.save(tmp_path, {}, [{"id": "p.c", "x": 1.0}])
    assert not (tmp_path / "results.json").exists()


def test_nonfinite_numbers_are_null_with_a_flag_and_come_back(doc: dict, run_dir: Path, tmp_path: Path) -> None:
    """JSON has no inf/nan: they are written as null, named by JSON pointer in the record's 'nonfinite', and
    results.load puts them back, so a reader sees the numbers and pandas sees one type per field."""
    flat = dict(doc["claims"][0], worst_slack=-math.inf, ratios=[1.0, math.nan, math.inf])
    results.save(tmp_path, doc["provenance"], [flat])
    raw = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["claims"][0]
    assert raw["outcome"]["worst_slack"] is None and raw["outcome"]["ratios"] == [1.0, None, None]
    assert raw["nonfinite"] == {"/outcome/worst_slack": "-inf", "/outcome/ratios/1": "nan", "/outcome/ratios/2": "inf"}
    back = results.load(tmp_path)["claims"][0]
    assert back["worst_slack"] == -math.inf and back["ratios"][0] == 1.0 and math.isnan(back["ratios"][1])
    assert back["ratios"][2] == math.inf


def test_encode_nonfinite_escapes_pointer_keys() -> None:
    value, flags = results.encode_nonfinite({"a/b": {"~c": math.inf}, "ok": [1.0]})
    assert value == {"a/b": {"~c": None}, "ok": [1.0]} and flags == {"/a~1b/~0c": "inf"}
    assert results.decode_nonfinite(value, flags) == {"a/b": {"~c": math.inf}, "ok": [1.0]}
    with pytest.raises(ResultsFileError, match="does not point at a null"):
        results.decode_nonfinite({"x": 1}, {"/y/z": "inf"})
    with pytest.raises(ResultsFileError, match="does not point at a null"):
        results.decode_nonfinite({"x": 1.0}, {"/x": "inf"})  # a flag names a null, never a number
    with pytest.raises(ValueError, match="not a string"):
        results.encode_nonfinite({"x": {True: math.inf}})  # JSON would write the key as "true"
    with pytest.raises(ResultsFileError, match="expected a JSON pointer"):
        results.decode_nonfinite({"x": None}, {"/x": "Infinity"})


# --- load errors ------------------------------------------------------------------------------

def test_load_missing(tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError, match="does not exist"):
        results.load(tmp_path / "nowhere")
    with pytest.raises(ResultsFileError, match="does not exist"):
        results.load(tmp_path)


@pytest.mark.parametrize("text,fragment", [
    ("{not json", "not valid JSON"),
    ("", "not valid JSON"),
    ('{"schema_version": 1, "provenance": {}, "claims": []}', "schema_version=1"),
    ('{"provenance": {}, "claims": []}', "schema_version=None"),
    ("[1, 2, 3]", "schema_version=None"),
    ('{"schema_version": 2, "provenance": {}, "claims": []}', "schema_version=2"),
    ('{"schema_version": 3, "claims": []}', "provenance"),
    ('{"schema_version": 3, "provenance": {}}', "claims"),
    ('{"schema_version": 3, "provenance": {}, "claims": [{"id": "p.c"}]}', "claim p.c lacks the object 'spec'"),
    ('{"schema_version": 3, "provenance": {}, "claims": [{"id": "p.c", "spec": {}, "outcome": {}, "nonfinite": {}}]}',
     "claim p.c lacks the field spec.title"),
    ('{"schema_version": 3, "provenance": {}, "claims": [7]}', "claims[0] is not an object"),
    ('{"schema_version": 3, "provenance": {}, "claims": [{"id": "p.c", "spec": {}, "outcome": {}, "nonfinite": []}]}',
     "'nonfinite' must be an object"),
])
def test_load_bad_files(tmp_path: Path, text: str, fragment: str) -> None:
    (tmp_path / "results.json").write_text(text, encoding="utf-8")
    with pytest.raises(ResultsFileError) as info:
        results.load(tmp_path)
    assert fragment in str(info.value)
    assert str(tmp_path / "results.json") in str(info.value)


def test_load_non_utf8_file(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_bytes(b'{"schema_version": 1, "x": "\xff\xfe"}')
    with pytest.raises(ResultsFileError):
        results.load(tmp_path)


# --- the report -------------------------------------------------------------------------------

def test_report_files_are_written(run_dir: Path) -> None:
    assert (run_dir / "report.md").is_file()
    assert (run_dir / "report.html").is_file()
    svgs = sorted(p.name for p in (run_dir / "plots").glob("*.svg"))
    assert "reptoy-ok-fig0.svg" in svgs
    assert "reptoy-asym-threshold.svg" in svgs
    assert "reptoy-ok-tightness.svg" in svgs
    for name in svgs:
        root = ET.parse(run_dir / "plots" / name).getroot()
        assert root.tag.endswith("svg")


def test_markdown_links_every_plot_and_lists_every_claim(run_dir: Path) -> None:
    text = (run_dir / "report.md").read_text(encoding="utf-8")
    for stem in re.findall(r"\]\(plots/([^)]+)\.svg\)", text):
        assert (run_dir / "plots" / f"{stem}.svg").is_file()
    assert "(plots/reptoy-ok-fig0.svg)" in text
    for cid in IDS:
        assert f"### {md(cid)}" in text
    assert "**Verdict:** **refuted**" in text and "**Verdict:** **verified**" in text
    assert "Reproduce: `lemmata --theorems" in text
    assert "Premise necessity" in text  # the control table under its parent
    assert "| premises | empirical threshold m |" in text


def test_html_is_self_contained(run_dir: Path) -> None:
    text = (run_dir / "report.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<svg") == len(list((run_dir / "plots").glob("*.svg")))
    assert not re.search(r"<(link|img|iframe|object|embed)\b", text, re.I)
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?(https?:)?//", text, re.I)
    for cid in IDS:
        assert f'id="{cid.replace(".", "-")}"' in text


def test_untrusted_strings_are_escaped_everywhere(run_dir: Path) -> None:
    md_text = (run_dir / "report.md").read_text(encoding="utf-8")
    html_text = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "<script" not in md_text.lower()
    assert "<script" not in html_text.lower()
    for svg in (run_dir / "plots").glob("*.svg"):
        assert "<script" not in svg.read_text(encoding="utf-8").lower()


def test_report_md_only(run_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "results.json").write_bytes((run_dir / "results.json").read_bytes())
    written = write_report(tmp_path, formats=["md"])
    assert written == [tmp_path / "report.md"]
    assert not (tmp_path / "report.html").exists()


def test_report_of_an_empty_run(tmp_path: Path) -> None:
    results.save(tmp_path, {"profile": "ci"}, [])
    written = write_report(tmp_path)
    assert {p.name for p in written} == {"report.md", "report.html"}
    assert "0 of 0 paper claims verified" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_report_on_missing_results_raises(tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError):
        write_report(tmp_path)


def test_markdown_helpers() -> None:
    assert md("a_b*c [x](y) <b>&") == r"a\_b\*c \[x\](y) &lt;b&gt;&amp;"
    assert md("two\nlines") == "two lines"
    assert code("x <= y") == "`x <= y`"
    assert code("a`b") == "`` a`b ``"


# --- MathML -----------------------------------------------------------------------------------

@pytest.mark.parametrize("stmt", [sp.Lt(sp.Symbol("x"), 1),
                                  sp.Implies(sp.Ge(sp.Symbol("c"), 0), sp.And(sp.Le(sp.Symbol("x"), 1),
                                                                               sp.Lt(sp.Symbol("y"), 2)))],
                         ids=["Lt", "Implies_And_Lt"])
def test_statement_mathml_is_well_formed(stmt) -> None:
    from lemmata.verify.present import mathml

    ml = mathml(stmt)
    assert ml.startswith("<math")
    ET.fromstring(ml)


def test_statement_mathml_escapes_symbol_names() -> None:
    from lemmata.verify.present import mathml

    ml = mathml(sp.Le(sp.Symbol(EVIL), 1))
    assert "<script" not in ml


def test_the_required_claim_fields_are_the_fields_of_a_claim_result() -> None:
    from dataclasses import fields

    from lemmata.verify.runner import ClaimResult

    # every field but the per-example rows, which go to examples.jsonl
    assert set(results.CLAIM_FIELDS) == {f.name for f in fields(ClaimResult)} - {"example_rows"}
    assert len(set(results.CLAIM_FIELDS)) == len(results.CLAIM_FIELDS)


def test_report_on_a_results_file_missing_a_field_is_one_line_exit_2(tmp_path: Path, capsys) -> None:
    from lemmata.verify.cli import main

    doc = {"schema_version": results.SCHEMA_VERSION, "provenance": {},
           "claims": [{"id": "p.c", "spec": {"title": "t"}, "outcome": {}, "nonfinite": {}}]}
    (tmp_path / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "claim p.c lacks the field spec.paper" in err and "Traceback" not in err


def test_the_report_opens_with_the_role_counts_and_the_tightness_table(run_dir: Path) -> None:
    md_text = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "paper claims verified" in md_text and "| paper | paper claims | implementation checks |" in md_text
    assert "### How tight is each theorem?" in md_text
    row = next(line for line in md_text.splitlines() if line.startswith("| reptoy.ok"))
    assert "n over its bound" in row and "tight" in row  # n ≤ 10 against 10: n = 10 uses all of the bound
    assert "no tightness figure declared" in md_text  # the refuted one declares none
    html_text = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "How tight is each theorem?" in html_text and "<script>alert" not in html_text


def test_the_coverage_map_is_in_the_results_and_at_the_top_of_the_papers_section(run_dir: Path, doc: dict) -> None:
    assert [e["status"] for e in doc["coverage"]["reptoy"]] == ["encoded", "not encodable"]
    md_text = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "1 encoded · 1 not encodable" in md_text
    section = md_text[md_text.index("## reptoy"):]
    assert section.index("**Coverage map**") < section.index("### reptoy.ok")
    assert "it asserts that some width exists" in section
    assert "<script>alert" not in (run_dir / "report.html").read_text(encoding="utf-8")


def test_the_proofs_explicit_width_sits_beside_the_empirical_threshold(run_dir: Path, doc: dict) -> None:
    """Issue 16: a regime's explicit width (the proof's, with its constants) is recorded per example, shown in the
    threshold table and in the summary, and its ratio to the empirical threshold is a row of the tightness table."""
    asym = next(c for c in doc["claims"] if c["id"] == "reptoy.asym")
    assert asym["regime"]["explicit"] == "1024" and "toy proof" in asym["regime"]["explicit_note"]
    assert {t["explicit_size"] for t in asym["thresholds"]} == {1024}
    md_text = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "proof's explicit width |" in md_text and "The proof's explicit width: `m >= 1024`" in md_text
    assert "proof's width ≈ 10^2.4× that" in md_text  # 1024 / 4
    row = next(line for line in md_text.splitlines()
               if line.startswith("| reptoy.asym") and "explicit width" in line)
    assert "0.00390625" in row or "0.0039" in row, row
    html_text = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "<th>proof&#x27;s explicit width</th>" in html_text or "<th>proof's explicit width</th>" in html_text
    assert "<script>alert" not in html_text


def test_a_vacuous_ladder_size_is_not_drawn_as_a_failure() -> None:
    """A size where no seed met the claim's condition is ∅, not ✗ (issue 16: zou2020's conditioned rate)."""
    from lemmata.verify.report import ladder_text
    t = {"sizes": [{"size": 4, "held": False, "status": "failed"}, {"size": 8, "held": False, "status": "vacuous"},
                   {"size": 16, "held": True, "status": "held"}, {"size": 32, "held": False, "status": "undecided"}]}
    assert ladder_text(t) == "4✗, 8∅, 16✓, 32?"
    assert ladder_text({"sizes": [{"size": 2, "held": True}]}) == "2✓"  # records without a status (older files)


def test_markdown_cells_keep_one_row_and_bold_opens() -> None:
    from lemmata.verify import report_view as V
    from lemmata.verify.report import render_html, render_markdown

    rep = V.Report(title="t", blocks=[
        V.Table(("a", "b"), ((V.line(V.Code('{"s": "a|b"}')), V.line("x\ry\r\nz ~1e-15")),), name="t"),
        V.Para(V.line("finished 12:00", V.Strong(" — interrupted"), ".")),
        V.Para(V.line("statement ", V.Math('<math><mi onclick="x">n</mi></math>', "n <= 1"), 3)),
    ])
    text = render_markdown(rep)
    rows = [ln for ln in text.splitlines() if ln.startswith("|")]
    assert len(rows) == 3 and rows[2].count(" | ") == 1  # the pipe in the code span and \r do not split the row
    assert r"a\|b" in rows[2] and r"\~1e-15" in rows[2]
    assert "finished 12:00 **— interrupted**." in text
    page = render_html(rep)
    assert "onclick" not in page and "<code>n &lt;= 1</code>" in page  # MathML with an attribute is not trusted


def test_anchor_slugs_are_one_to_one_on_item_ids() -> None:
    # '.' and '_' used to map to the same '-', so a.b_c and a_b.c shared one anchor (and one plot file name)
    from lemmata.verify.report_view import slug

    assert slug("a.b_c") != slug("a_b.c")
    assert slug("du2019.gf_linear_rate") == "du2019-gf_linear_rate"


def test_a_sign_condition_says_why_it_has_no_tightness_figure() -> None:
    from lemmata.verify.report_view import tightness_rows

    base = {"role": "claim", "tightness": {"inequality": True, "declared": False}}
    sign, bound = tightness_rows([{**base, "id": "p.trend", "statement": "rate_slope > 0"},
                                  {**base, "id": "p.bound", "statement": "x <= y"}])
    assert sign[-1] == "a sign condition (rate_slope > 0): no bound to be tight against"
    assert bound[1] == "no tightness figure declared" and bound[-1] == "—"
