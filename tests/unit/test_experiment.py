"""``lemmata experiment``: a paper's experiment at a fixed size, its JSON, and its section of the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lemmata.verify.cli import main
from lemmata.verify.errors import ClaimDefinitionError
from lemmata.verify.registry import load_experiments

pytestmark = pytest.mark.unit


def test_list_names_the_section5_experiment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment"]) == 0
    assert "du2019.section5" in capsys.readouterr().out


def test_small_section5_writes_json_figures_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "du2019.section5", "--size", "small", "--device", "cpu", "--out", str(tmp_path),
                 "--report"]) == 0
    doc = json.loads((tmp_path / "experiments" / "du2019.section5.small.json").read_text())
    assert doc["complete"] is True and doc["size"] == "small"
    assert not (tmp_path / "experiments" / "du2019.section5.json").exists()  # never in the paper-size file
    assert not (tmp_path / "experiments" / "du2019.section5.small.partial.json").exists()
    assert doc["parameters"]["n"] == 64 and doc["parameters"]["widths"] == [64, 128, 256]
    assert [row[0] for row in doc["table"]["rows"]] == [64, 128, 256]
    loss, flips, dist = doc["figures"]
    assert len(loss["series"]) == 3 and all(len(s["y"]) == 21 for s in loss["series"])  # epochs 0..20
    assert all(s["y"][-1] < s["y"][0] for s in loss["series"])  # GD trained
    assert all(s["y"][0] == 0 for s in flips["series"])  # nothing has flipped at init
    measured = dist["series"][0]["y"]
    assert measured[0] > measured[-1]  # wider nets move less (the paper's Section 5 trend)
    report = (tmp_path / "report.md").read_text()
    assert "du2019.section5 (reduced size 'small')" in report and "not the paper's" in report
    assert "experiment-du2019-section5-small-fig2.svg" in report
    assert (tmp_path / "plots" / "experiment-du2019-section5-small-fig0.svg").is_file()
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
        "from lemmata.verify.experiment import Experiment\nfrom lemmata.verify import Citation\nCLAIMS = []\n"
        "EXPERIMENTS = [Experiment(id='otherpaper.x', title='t', citation=Citation(paper='p', where='w'), "
        "run=lambda ctx: {})]\n", encoding="utf-8")
    with pytest.raises(ClaimDefinitionError, match="mypaper.py"):
        load_experiments([tmp_path])


def _exp(run):
    from lemmata.verify import Citation
    from lemmata.verify.experiment import Experiment

    return Experiment(id="toyexp.x", title="toy", citation=Citation(paper="p", where="w"), run=run)


def test_a_failing_experiment_keeps_its_finished_parts_and_exits_1(tmp_path: Path) -> None:
    from lemmata.verify.errors import ExperimentError
    from lemmata.verify.experiment import load_results, run_experiment

    def run(ctx):
        ctx.partial({"figures": [{"title": "t", "series": [{"label": "a", "x": [1, 2], "y": [1.0, float("inf")]}]}]})
        raise RuntimeError("out of memory")

    with pytest.raises(ExperimentError, match="out of memory") as info:
        run_experiment(_exp(run), out_dir=tmp_path, device="cpu", dtype=None, size="paper", prov={},
                       progress=lambda m: None)
    assert info.value.exit_code == 1
    (doc,) = load_results(tmp_path)
    assert doc["complete"] is False and "out of memory" in doc["error"]
    assert doc["figures"][0]["series"][0]["y"] == [1.0, float("inf")]  # kept, not a crash
    raw = json.loads(next((tmp_path / "experiments").glob("*.json")).read_text())
    assert raw["figures"][0]["series"][0]["y"] == [1.0, None]  # written as null with its flag, as in results.json
    assert raw["nonfinite"] == {"/figures/0/series/0/y/1": "inf"}
    from lemmata.verify.report import write_report

    write_report(tmp_path)
    assert "failed" in (tmp_path / "report.md").read_text()


def test_a_complete_result_is_never_replaced_by_a_partial_one(tmp_path: Path) -> None:
    from lemmata.verify.experiment import load_results, run_experiment

    ok = {"figures": [], "notes": ["complete"]}
    run_experiment(_exp(lambda ctx: ok), out_dir=tmp_path, device="cpu", dtype=None, size="paper", prov={},
                   progress=lambda m: None)

    def interrupted(ctx):
        ctx.partial({"figures": [], "notes": ["partial"]})
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(_exp(interrupted), out_dir=tmp_path, device="cpu", dtype=None, size="paper", prov={},
                       progress=lambda m: None)
    (doc,) = load_results(tmp_path)
    assert doc["complete"] is True and doc["notes"] == ["complete"]
