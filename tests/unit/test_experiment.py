"""``lemmata experiment``: a paper's experiment at a fixed size, its JSON, and its section of the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verify.cli import main
from verify.errors import ClaimDefinitionError
from verify.registry import load_experiments

pytestmark = pytest.mark.unit


def test_list_names_the_section5_experiment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment"]) == 0
    assert "du2019.section5" in capsys.readouterr().out


def test_small_section5_writes_json_figures_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "du2019.section5", "--size", "small", "--device", "cpu", "--out", str(tmp_path),
                 "--report"]) == 0
    doc = json.loads((tmp_path / "experiments" / "du2019.section5.json").read_text())
    assert doc["complete"] is True
    assert doc["parameters"]["n"] == 64 and doc["parameters"]["widths"] == [64, 128, 256]
    assert [row[0] for row in doc["table"]["rows"]] == [64, 128, 256]
    loss, flips, dist = doc["figures"]
    assert len(loss["series"]) == 3 and all(len(s["y"]) == 21 for s in loss["series"])  # epochs 0..20
    assert all(s["y"][-1] < s["y"][0] for s in loss["series"])  # GD trained
    assert all(s["y"][0] == 0 for s in flips["series"])  # nothing has flipped at init
    measured = dist["series"][0]["y"]
    assert measured[0] > measured[-1]  # wider nets move less (the paper's Section 5 trend)
    report = (tmp_path / "report.md").read_text()
    assert "du2019.section5" in report and "experiment-du2019-section5-fig2.svg" in report
    assert (tmp_path / "plots" / "experiment-du2019-section5-fig0.svg").is_file()
    assert "<svg" in (tmp_path / "report.html").read_text()
    capsys.readouterr()


@pytest.mark.parametrize(("argv", "needle"), [
    (["experiment", "du2019.nope"], "no experiment"),
    (["experiment", "du2019.section5", "--size", "huge"], "--size"),
])
def test_bad_input_exits_2_with_one_line(argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_a_malformed_experiment_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "mypaper.py").write_text(
        "from verify.experiment import Experiment\nfrom verify import Citation\nCLAIMS = []\n"
        "EXPERIMENTS = [Experiment(id='otherpaper.x', title='t', citation=Citation(paper='p', where='w'), "
        "run=lambda ctx: {})]\n", encoding="utf-8")
    with pytest.raises(ClaimDefinitionError, match="mypaper.py"):
        load_experiments([tmp_path])
