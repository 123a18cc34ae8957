"""``lemmata verify --resume DIR``: re-run only what is missing, changed or crashed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lemmata.verify.cli import main
from lemmata.verify.results import load as load_results, save as results_save

pytestmark = pytest.mark.unit

PAPER = '''
import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.verify import Citation, Claim, Kind, Tolerance, per_seed

x, bound = sp.symbols("x bound")


def run(inst):
    return {"x": per_seed(torch.full((inst.S,), float(inst.premises["n"]))), "bound": 8.0}


CLAIMS = [Claim(id=f"resumetest.c{i}", title=f"c{i}", citation=Citation(paper="resume test", where="none"),
                kind=Kind.EXACT, statement=sp.Le(x, bound),
                premises=lambda p: st.fixed_dictionaries({"n": st.integers(1, 8)}), run=run,
                tolerance=Tolerance(reason="exact"), seeds=2) for i in range(3)]
'''


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    th = tmp_path / "th"
    th.mkdir()
    (th / "resumetest.py").write_text(PAPER, encoding="utf-8")
    return th


def _verify(th: Path, *extra: str) -> int:
    return main(["--theorems", str(th), "verify", "resumetest", "--workers", "1", *extra])


def _results(out: Path) -> dict[str, dict]:
    return {c["id"]: c for c in load_results(out)["claims"]}


def test_resume_runs_only_the_missing_claim(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "R"
    assert _verify(folder, "--out", str(out)) == 0
    doc = load_results(out)
    before = {c["id"]: c for c in doc["claims"]}
    doc["claims"] = [c for c in doc["claims"] if c["id"] != "resumetest.c1"]  # as if interrupted before c1
    results_save(out, doc["provenance"], doc["claims"], doc.get("coverage"))
    capsys.readouterr()
    assert _verify(folder, "--resume", str(out)) == 0
    err = capsys.readouterr().err
    assert "2 results kept, 1 claims to run (0 changed or crashed, 1 missing)" in err
    assert "resumetest.c1" in err and "resumetest.c0:" not in err  # only c1 ran
    after = _results(out)
    assert list(after) == ["resumetest.c0", "resumetest.c1", "resumetest.c2"]  # claim order restored
    assert after["resumetest.c0"] == before["resumetest.c0"]  # kept as it was


def test_resume_reruns_a_changed_theorem_file_and_a_crashed_claim(folder: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "R"
    assert _verify(folder, "--out", str(out)) == 0
    doc = load_results(out)
    doc["claims"][2]["crashed"] = True
    results_save(out, doc["provenance"], doc["claims"], doc.get("coverage"))
    capsys.readouterr()
    assert _verify(folder, "--resume", str(out)) == 0
    assert "2 results kept, 1 claims to run (1 changed or crashed, 0 missing)" in capsys.readouterr().err
    (folder / "resumetest.py").write_text(PAPER + "\n# edited\n", encoding="utf-8")
    assert _verify(folder, "--resume", str(out)) == 0
    assert "0 results kept, 3 claims to run (3 changed or crashed, 0 missing)" in capsys.readouterr().err


def test_resume_nothing_left_to_run(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "R"
    assert _verify(folder, "--out", str(out)) == 0
    capsys.readouterr()
    assert _verify(folder, "--resume", str(out)) == 0
    assert "3 results kept, 0 claims to run" in capsys.readouterr().err
    assert len(_results(out)) == 3


@pytest.mark.parametrize(("extra", "needle"), [
    (["--profile", "dev"], "--profile ci"),
    (["--out", "elsewhere"], "drop --out"),
])
def test_resume_refuses_mismatched_options(folder: Path, tmp_path: Path, extra: list[str], needle: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "R"
    assert _verify(folder, "--out", str(out)) == 0
    capsys.readouterr()
    assert _verify(folder, "--resume", str(out), *extra) == 2
    assert needle in capsys.readouterr().err


def test_resume_without_results_is_a_usage_error(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _verify(folder, "--resume", str(tmp_path / "empty")) == 2
    assert "there is no results.json to resume" in capsys.readouterr().err


def test_resume_drops_stale_results_of_unselected_and_unregistered_claims(folder: Path, tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "R"
    assert _verify(folder, "--out", str(out)) == 0
    doc = load_results(out)
    ghost = dict(doc["claims"][0], id="resumetest.gone", verdict="refuted")  # a claim deleted since
    doc["claims"].append(ghost)
    results_save(out, doc["provenance"], doc["claims"], doc.get("coverage"))
    (folder / "resumetest.py").write_text(PAPER.replace("8.0", "5.0"), encoding="utf-8")  # every claim now fails
    capsys.readouterr()
    code = main(["--theorems", str(folder), "verify", "resumetest.c0", "--workers", "1", "--resume", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "0 results kept, 1 claims to run" in err and "3 stale results" in err
    assert list(_results(out)) == ["resumetest.c0"]  # c1, c2 (changed file) and the ghost are gone
    assert _results(out)["resumetest.c0"]["verdict"] == "refuted"
    assert "run" in _results(out)["resumetest.c0"]
