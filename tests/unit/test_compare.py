"""`lemmata diff A B`: flipped verdicts, moved slack, added and removed claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lemmata.verify.cli import main
from lemmata.verify.compare import compare
from lemmata.verify.results import CLAIM_FIELDS, SCHEMA_VERSION, to_record

pytestmark = pytest.mark.unit


def _write(folder: Path, claims: list[dict]) -> Path:
    folder.mkdir()
    doc = {"schema_version": SCHEMA_VERSION, "provenance": {"profile": "ci"}, "claims": [to_record(c) for c in claims]}
    (folder / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def _claim(cid: str, verdict: str, slack: float | None, spec: str = "h1", examples: int = 12) -> dict:
    rec: dict = {k: None for k in CLAIM_FIELDS}
    rec.update({"id": cid, "verdict": verdict, "worst_slack": slack, "reason": f"{verdict} because", "spec_hash": spec,
                "examples": examples, "seeds_total": examples * 8, "search": {"phases": {"generate": examples}}})
    return rec


def test_compare_finds_flips_moves_additions_and_removals(tmp_path: Path) -> None:
    a = _write(tmp_path / "A", [_claim("p.same", "verified", 0.5), _claim("p.flip", "verified", 0.1),
                                _claim("p.move", "verified", 0.3), _claim("p.gone", "verified", 0.2)])
    b = _write(tmp_path / "B", [_claim("p.same", "verified", 0.5), _claim("p.flip", "refuted", -0.2, spec="h2"),
                                _claim("p.move", "verified", 0.05), _claim("p.new", "verified", 0.9)])
    d = compare(a, b)
    assert [r["id"] for r in d["flipped"]] == ["p.flip"] and d["flipped"][0]["spec_changed"] is True
    assert [r["id"] for r in d["moved"]] == ["p.move"]
    assert [r["id"] for r in d["unchanged"]] == ["p.same"]
    assert d["added"] == ["p.new"] and d["removed"] == ["p.gone"]


def test_compare_reports_changed_example_counts(tmp_path: Path) -> None:
    a = _write(tmp_path / "A", [_claim("p.same", "verified", 0.5), _claim("p.fewer", "verified", 0.5)])
    b = _write(tmp_path / "B", [_claim("p.same", "verified", 0.5), _claim("p.fewer", "verified", 0.5, examples=3)])
    d = compare(a, b)
    assert [r["id"] for r in d["counts"]] == ["p.fewer"] and d["counts"][0]["examples_b"] == 3


def test_diff_command_prints_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path / "A", [_claim("p.flip", "verified", 0.1)])
    b = _write(tmp_path / "B", [_claim("p.flip", "refuted", -0.2)])
    out = tmp_path / "diff.md"
    assert main(["diff", str(a), str(b), "--out", str(out)]) == 1  # a flipped verdict exits 1 …
    text = capsys.readouterr().out
    assert "1 verdicts flipped" in text and "**refuted**" in text
    assert out.read_text(encoding="utf-8") == text
    assert main(["diff", str(a), str(b), "--exit-zero"]) == 0  # … unless asked for a report only
    assert main(["diff", str(a), str(a)]) == 0


def test_diff_of_a_missing_run_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path / "A", [])
    assert main(["diff", str(a), str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err
