"""``lemmata verify --workers N``: claims in a spawned process pool give the serial verdicts, and a
worker that dies costs only its own claim."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lemmata.verify.cli import main
from lemmata.verify.errors import UsageError
from lemmata.verify.pool import parse_workers
from lemmata.verify.results import load as load_results

pytestmark = pytest.mark.unit

PAPER = '''
import os
import signal

import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.verify import Citation, Claim, Kind, Tolerance, per_seed

x, bound = sp.symbols("x bound")
CITE = Citation(paper="pool test", where="none", source="derived")


def premises(p):
    return st.fixed_dictionaries({"n": st.integers(1, 8), "seed": st.integers(0, 100)})


def run_true(inst):
    return {"x": per_seed(torch.full((inst.S,), float(inst.premises["n"]))), "bound": 8.0}


def run_false(inst):
    return {"x": per_seed(torch.full((inst.S,), float(inst.premises["n"]))), "bound": 3.0}


def run_slow(inst):
    import time

    if os.environ.get("POOLTEST_PIDDIR"):  # say which process runs it, for the SIGTERM test
        open(os.path.join(os.environ["POOLTEST_PIDDIR"], str(os.getpid())), "w").close()
    time.sleep(1.0)  # 18 examples take 18 s, far beyond the --timeout the test gives, so the claim cannot run all its examples
    return run_true(inst)


def run_stuck(inst):
    import time

    time.sleep(120)  # one example far longer than the --timeout: the timer must stop it mid-run
    return run_true(inst)


def run_killed(inst):
    os.kill(os.getpid(), signal.SIGKILL)  # the worker dies mid-claim (as if out of memory)


def claim(name, run):
    return Claim(id=f"pooltest.{name}", title=name, citation=CITE, kind=Kind.EXACT, statement=sp.Le(x, bound),
                 premises=premises, run=run, tolerance=Tolerance(reason="exact"), seeds=2)


CLAIMS = [claim("holds", run_true), claim("fails", run_false), claim("holds_again", run_true)]
if os.environ.get("POOLTEST_KILL"):
    CLAIMS.insert(1, claim("killed", run_killed))
if os.environ.get("POOLTEST_SLOW"):
    CLAIMS.append(claim("slow", run_slow))
if os.environ.get("POOLTEST_STUCK"):
    CLAIMS.append(claim("stuck", run_stuck))
if os.environ.get("POOLTEST_PARENT_ONLY"):
    import multiprocessing

    if multiprocessing.parent_process() is None:  # registered in the parent, unknown to the workers
        CLAIMS.append(claim("parent_only", run_true))
'''


def _verify(tmp_path: Path, workers: str, name: str, *extra: str) -> tuple[int, dict]:
    folder = tmp_path / "th"
    folder.mkdir(exist_ok=True)
    (folder / "pooltest.py").write_text(PAPER, encoding="utf-8")
    out = tmp_path / name
    code = main(["--theorems", str(folder), "verify", "pooltest", "--workers", workers, "--out", str(out), *extra])
    return code, load_results(out)


def test_parallel_verdicts_equal_serial(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code1, serial = _verify(tmp_path, "1", "serial")
    code2, parallel = _verify(tmp_path, "2", "parallel")
    assert code1 == code2 == 1
    verdicts = [(c["id"], c["verdict"]) for c in serial["claims"]]
    assert verdicts == [("pooltest.holds", "verified"), ("pooltest.fails", "refuted"),
                        ("pooltest.holds_again", "verified")]
    assert [(c["id"], c["verdict"]) for c in parallel["claims"]] == verdicts  # same verdicts, same order
    assert [c["counterexample"]["premises"] for c in parallel["claims"] if c["counterexample"]] == \
           [c["counterexample"]["premises"] for c in serial["claims"] if c["counterexample"]]
    assert parallel["provenance"]["workers"] == 2
    assert all(c["worker"]["pid"] > 0 for c in parallel["claims"])
    capsys.readouterr()


def test_a_killed_worker_costs_only_its_claim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POOLTEST_KILL", "1")  # inherited by the spawned workers
    code, res = _verify(tmp_path, "2", "killed")
    assert code == 1
    by_id = {c["id"]: c for c in res["claims"]}
    assert set(by_id) == {"pooltest.holds", "pooltest.killed", "pooltest.fails", "pooltest.holds_again"}
    assert by_id["pooltest.killed"]["verdict"] == "inconclusive"
    assert "died" in by_id["pooltest.killed"]["reason"]
    assert by_id["pooltest.holds"]["verdict"] == by_id["pooltest.holds_again"]["verdict"] == "verified"
    assert by_id["pooltest.fails"]["verdict"] == "refuted"
    capsys.readouterr()


@pytest.mark.parametrize("text", ["0", "-2", "two"])
def test_bad_worker_counts_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--workers"):
        parse_workers(text, n_claims=3, device="cpu")


def test_bad_workers_on_the_command_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "du2019.gram_closed_form", "--workers", "0", "--out", "/nonexistent/never"]) == 2
    assert "--workers" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["1", "2"])
def test_timeout_replaces_the_profiles_limit_and_never_verifies(
        tmp_path: Path, workers: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POOLTEST_SLOW", "1")  # inherited by the spawned workers
    code, res = _verify(tmp_path, workers, f"slow{workers}", "--timeout", "5")
    by_id = {c["id"]: c for c in res["claims"]}
    slow = by_id["pooltest.slow"]
    assert code == 1 and slow["verdict"] == "inconclusive"
    assert "hard timeout of 5 s" in slow["reason"] and re.search(r"ran [1-6] of 18 planned", slow["reason"]) and slow["search"]["timed_out"]
    assert slow["search"]["profile"]["timeout_s"] == 5.0 == by_id["pooltest.holds"]["search"]["profile"]["timeout_s"]
    assert by_id["pooltest.holds"]["verdict"] == "verified"  # fast claims still run every example
    capsys.readouterr()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_timeout_stops_an_example_mid_run(tmp_path: Path, workers: str, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import time

    monkeypatch.setenv("POOLTEST_STUCK", "1")
    t0 = time.monotonic()
    code, res = _verify(tmp_path, workers, f"stuck{workers}", "--timeout", "3")
    assert time.monotonic() - t0 < 100  # not the 120 s the example would take
    stuck = {c["id"]: c for c in res["claims"]}["pooltest.stuck"]
    assert code == 1 and stuck["verdict"] == "inconclusive" and stuck["search"]["timed_out"]
    assert "ran 0 of" in stuck["reason"] and "stopped the example running then" in stuck["reason"]
    capsys.readouterr()


def test_sigterm_saves_the_finished_claims_and_leaves_no_worker_running(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    folder, out, pids = tmp_path / "th", tmp_path / "out", tmp_path / "pids"
    folder.mkdir()
    pids.mkdir()
    (folder / "pooltest.py").write_text(PAPER, encoding="utf-8")
    env = {**os.environ, "POOLTEST_SLOW": "1", "POOLTEST_PIDDIR": str(pids)}
    proc = subprocess.Popen([sys.executable, "-m", "lemmata.verify.cli", "--theorems", str(folder), "verify",
                             "pooltest", "--workers", "2", "--out", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(pids.iterdir()) and time.monotonic() < deadline:  # a worker is inside the slow claim
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    doc = load_results(out)
    assert doc["provenance"]["interrupted"] is True
    worker_pids = [int(p.name) for p in pids.iterdir()]
    assert worker_pids
    time.sleep(1.0)
    for pid in worker_pids:  # terminated with the run, not orphaned
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.parametrize("text", ["0", "-1", "soon", "inf"])
def test_bad_timeouts_on_the_command_line_exit_2(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "du2019.gram_closed_form", "--timeout", text, "--out", "/nonexistent/never"]) == 2
    err = capsys.readouterr().err
    assert "--timeout" in err and len(err.strip().splitlines()) == 1


def test_auto_is_one_per_core_and_one_on_a_gpu() -> None:
    assert parse_workers("auto", n_claims=1, device="cpu") == 1
    assert parse_workers("auto", n_claims=100, device="cpu") >= 1
    assert parse_workers("auto", n_claims=100, device="cuda") == 1


def test_a_claim_a_worker_cannot_run_is_inconclusive_and_the_run_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POOLTEST_PARENT_ONLY", "1")
    code, res = _verify(tmp_path, "2", "parent_only")
    assert code == 1
    by_id = {c["id"]: c for c in res["claims"]}
    assert by_id["pooltest.parent_only"]["verdict"] == "inconclusive"
    assert "not registered in the worker" in by_id["pooltest.parent_only"]["reason"]
    assert by_id["pooltest.holds"]["verdict"] == "verified" and by_id["pooltest.fails"]["verdict"] == "refuted"
    assert res["provenance"]["finished"]
    capsys.readouterr()
