"""The files a run leaves for a user to analyse (issue 18, item 4): results.json against its shipped JSON Schema,
examples.jsonl (one row per example, one JSON type per key, pandas-ready), --junit-xml for CI systems."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from lemmata.verify import results
from lemmata.verify.cli import main
from lemmata.verify.example_log import EXAMPLES_NAME, ROW_FIELDS

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]

# One verified claim, one refuted (with a counterexample), one whose bound is infinite (a non-finite outcome).
TOY = '''
import sympy as sp
import torch
from hypothesis import strategies as st
from lemmata.verify import Citation, Claim, Kind, Tolerance, per_seed

n, b = sp.symbols("n b")
CIT = Citation(paper="Toy", where="Lemma 1", source="derived")

def ints(lo, hi):
    return lambda profile: st.fixed_dictionaries({"n": st.integers(lo, hi), "seed": st.integers(0, 9)})

def run(inst):
    n_ = float(inst.premises["n"])
    return {"n": per_seed(torch.full((inst.S,), n_, dtype=inst.dtype)),
            "b": per_seed(torch.full((inst.S,), math_inf if n_ > 5 else 10.0, dtype=inst.dtype))}

math_inf = float("inf")
CLAIMS = [
    Claim(id="filetoy.ok", title="ok", citation=CIT, kind=Kind.EXACT, statement=sp.Le(n, 10), premises=ints(1, 10),
          run=run, tolerance=Tolerance(reason="exact"), seeds=4),
    Claim(id="filetoy.bad", title="bad", citation=CIT, kind=Kind.EXACT, statement=sp.Le(n, 10), premises=ints(1, 40),
          run=run, tolerance=Tolerance(reason="exact"), seeds=4),
    Claim(id="filetoy.blowup", title="blowup", citation=CIT, kind=Kind.EXACT, statement=sp.Le(n, b),
          premises=ints(1, 9), run=run, tolerance=Tolerance(reason="exact"), seeds=4),
]
'''


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("files")
    (root / "th").mkdir()
    (root / "th" / "filetoy.py").write_text(TOY, encoding="utf-8")
    out = root / "out"
    code = main(["--theorems", str(root / "th"), "verify", "filetoy", "--out", str(out), "--workers", "1",
                 "--junit-xml", str(out / "junit.xml")])
    assert code == 1  # one refuted, one inconclusive (non-finite)
    return out


def _rows(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / EXAMPLES_NAME).read_text(encoding="utf-8").splitlines()]


def test_results_json_validates_against_the_shipped_schema(run_dir: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = results.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["schema_version"] == results.SCHEMA_VERSION == schema["properties"]["schema_version"]["const"]


def test_the_schema_lists_what_the_code_writes() -> None:
    from typing import get_args

    from lemmata.verify.claim import Claim, CoverageStatus, Kind, Source

    schema = results.schema()
    record = schema["$defs"]["claim_record"]
    spec, outcome = record["properties"]["spec"], record["properties"]["outcome"]
    assert tuple(spec["required"]) == results.SPEC_FIELDS and tuple(outcome["required"]) == results.OUTCOME_FIELDS
    assert set(record["properties"]) == {"id", "spec", "outcome", "nonfinite", *results.RECORD_FIELDS}
    assert tuple(outcome["properties"]["verdict"]["enum"]) == results.VERDICTS
    assert set(spec["properties"]["kind"]["enum"]) == {k.value for k in Kind}
    assert set(spec["properties"]["citation"]["properties"]["source"]["enum"]) == set(get_args(Source))
    cov = schema["properties"]["coverage"]["additionalProperties"]["items"]["properties"]
    assert set(cov["status"]["enum"]) == set(get_args(CoverageStatus))
    assert tuple(schema["$defs"]["example_row"]["required"]) == ROW_FIELDS
    assert set(spec["properties"]["expect"]["enum"]) == {"holds", "breaks"} == {
        Claim.__dataclass_fields__["expect"].default, "breaks"}
    from lemmata.verify.claim import _ID

    assert record["properties"]["id"]["pattern"] == _ID.pattern


def test_a_nonfinite_example_is_reported_and_its_numbers_are_null_with_a_flag(run_dir: Path) -> None:
    blow = next(c for c in results.load(run_dir)["claims"] if c["id"] == "filetoy.blowup")
    assert blow["verdict"] == "inconclusive" and blow["evidence"]["decisions"]["nonfinite"] > 0
    rows = [r for r in _rows(run_dir) if r["claim"] == "filetoy.blowup" and r["decision"] == "nonfinite"]
    assert rows and all(r["premises"]["n"] > 5 for r in rows)
    for r in rows:
        assert r["nonfinite"], r
        for pointer, text in r["nonfinite"].items():
            assert r[pointer.lstrip("/")] is None and text in ("inf", "-inf", "nan")


def test_every_example_has_a_row_with_one_json_type_per_key(run_dir: Path) -> None:
    rows = _rows(run_dir)
    flat = {c["id"]: c for c in results.load(run_dir)["claims"]}
    for cid, c in flat.items():
        mine = [r for r in rows if r["claim"] == cid]
        # every example of the search is a row (shrink candidates and the replication too)
        assert len([r for r in mine if r["phase"] not in ("shrink", "replication")]) == c["examples"], cid
        assert [r["example"] for r in mine] == list(range(len(mine)))
    types: dict[str, set[str]] = {}
    for r in rows:
        assert tuple(r) == ROW_FIELDS
        for k, v in r.items():
            if v is not None:
                types.setdefault(k, set()).add("number" if isinstance(v, (int, float)) and not isinstance(v, bool)
                                               else type(v).__name__)
    assert all(len(t) == 1 for t in types.values()), types
    assert any(r["decision"] == "fail" for r in rows) and any(r["nonfinite"] for r in rows)
    jsonschema = pytest.importorskip("jsonschema")
    schema = results.schema()
    row_schema = {**schema["$defs"]["example_row"], "$defs": schema["$defs"]}
    for r in rows:
        jsonschema.validate(r, row_schema)


def test_the_readme_pandas_recipe_gives_one_dtype_per_column(run_dir: Path) -> None:
    pd = pytest.importorskip("pandas")
    # the README's three lines
    examples = pd.read_json(run_dir / "examples.jsonl", lines=True)
    claims = pd.json_normalize(json.loads((run_dir / "results.json").read_text())["claims"])
    assert len(examples) == len(_rows(run_dir)) and len(claims) == 3
    for frame in (examples, claims):
        for col in frame.columns:
            kinds = {type(v).__name__ for v in frame[col] if v is not None and not (isinstance(v, float) and math.isnan(v))}
            kinds = {"number" if k in ("int", "float", "int64", "float64") else k for k in kinds}
            assert len(kinds) <= 1, (col, kinds)
    assert str(examples["worst_excess"].dtype) == "float64" and str(examples["failed_seeds"].dtype) == "int64"


def test_resume_drops_the_rows_of_claims_it_runs_again(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "R"
    shutil.copytree(run_dir, out)
    before = _rows(out)
    doc = results.load(out)
    doc["claims"] = [c for c in doc["claims"] if c["id"] != "filetoy.ok"]  # as if interrupted before it finished
    results.save(out, doc["provenance"], doc["claims"], doc.get("coverage"))
    with open(out / EXAMPLES_NAME, "a", encoding="utf-8") as fh:
        fh.write('{"claim": "filetoy.ok", "exam')  # the half-written tail of a killed run
    th = run_dir.parent / "th"
    assert main(["--theorems", str(th), "verify", "filetoy", "--resume", str(out), "--workers", "1"]) == 1
    after = _rows(out)
    assert sorted(json.dumps(r, sort_keys=True) for r in after) == sorted(json.dumps(r, sort_keys=True) for r in before)


def test_junit_xml_has_one_case_per_item_and_the_counterexample(run_dir: Path) -> None:
    root = ET.parse(run_dir / "junit.xml").getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"filetoy.ok", "filetoy.bad", "filetoy.blowup"}
    assert cases["filetoy.ok"].find("failure") is None and cases["filetoy.ok"].find("error") is None
    failure = cases["filetoy.bad"].find("failure")
    assert failure is not None and "counterexample:" in failure.text and "lemmata" in failure.text
    assert "replay filetoy.bad" in failure.text
    assert cases["filetoy.blowup"].find("error").get("type") == "inconclusive"
    suite = root.find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("errors") == "1"


def test_junit_xml_into_a_folder_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "du2019.lambda0_positive", "--out", str(tmp_path / "R"), "--junit-xml", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--junit-xml" in err and "is a folder" in err


def test_the_wheel_installs_only_the_lemmata_namespace_with_its_schema(tmp_path: Path) -> None:
    """`pip install .` puts lemmata/ (and its dist-info) into site-packages, nothing generic, and the schema with it."""
    src = tmp_path / "src"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    for f in files:
        if (ROOT / f).is_file():
            (src / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, src / f)
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "whl")], capture_output=True, text=True, timeout=300)
    if build.returncode != 0 and "No module named" in build.stderr:
        pytest.skip(f"cannot build a wheel here: {build.stderr.strip().splitlines()[-1]}")
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (tmp_path / "whl").glob("lemmata-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"lemmata", wheel.name.split("-py3")[0] + ".dist-info"}
    assert "lemmata/verify/results.schema.json" in names
    assert not any(n.startswith("lemmata/__init__") for n in names)  # an implicit namespace


def test_resume_refuses_a_record_with_a_field_it_does_not_know(run_dir: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "R"
    shutil.copytree(run_dir, out)
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    doc["claims"][0]["outcome"]["extra_from_a_newer_lemmata"] = 1
    (out / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    th = run_dir.parent / "th"
    assert main(["--theorems", str(th), "verify", "filetoy", "--resume", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outcome.extra_from_a_newer_lemmata" in err and "Traceback" not in err


def test_a_run_that_dies_before_its_first_claim_leaves_no_stale_results(run_dir: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """results.json and examples.jsonl start in step: an earlier run's results are not kept beside an emptied log."""
    out = tmp_path / "R"
    shutil.copytree(run_dir, out)
    import lemmata.verify.runner as runner

    def boom(*args, **kwargs):
        raise RuntimeError("the machine fell over")

    monkeypatch.setattr(runner, "run_claim", boom)
    with pytest.raises(RuntimeError):
        main(["--theorems", str(run_dir.parent / "th"), "verify", "filetoy", "--out", str(out), "--workers", "1"])
    assert results.load(out)["claims"] == [] and (out / EXAMPLES_NAME).read_text() == ""


def test_junit_xml_survives_control_characters_and_a_nan_time(tmp_path: Path) -> None:
    from lemmata.verify import junit

    r = {"id": "p.c", "paper": "p", "role": "claim", "kind": "exact", "verdict": "refuted", "elapsed_s": math.nan,
         "reason": "boom \x1b[31mred\x1b[0m \x00", "counterexample": {"premises": {"n": 1}}, "reproduce": "lemmata x"}
    root = ET.parse(junit.write(tmp_path / "j.xml", [r])).getroot()
    case = root.find("testsuite/testcase")
    assert case.get("time") == "0.000" and "boom" in case.find("failure").text


def test_replay_prints_strict_json(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A non-finite number is null with a flag, as in the files (jq and JavaScript reject Infinity)."""
    code = main(["--theorems", str(run_dir.parent / "th"), "replay", "filetoy.blowup", "--premises",
                 '{"n": 7, "seed": 1}'])
    out = capsys.readouterr().out
    text = out[: out.rindex("}") + 1]
    doc = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert code == 0 and doc["nonfinite"] and "Infinity" not in text
