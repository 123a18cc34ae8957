"""``lemmata verify --scheduler``: claims on a real dask.distributed cluster (scheduler and two worker
processes on loopback) give the local verdicts; a worker killed mid-claim costs only that claim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lemmata.verify.cli import main
from lemmata.verify.results import load as load_results

pytestmark = pytest.mark.unit

distributed = pytest.importorskip("distributed")

PAPER = (Path(__file__).parent / "test_pool.py").read_text(encoding="utf-8").split("PAPER = '''", 1)[1].split("'''", 1)[0]


def _local_cluster():
    import dask

    # a task whose worker dies is retried once on another worker, then reported (KilledWorker)
    dask.config.set({"distributed.scheduler.allowed-failures": 1})
    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                    silence_logs=50)


@pytest.fixture
def cluster():
    with _local_cluster() as lc:
        yield lc


@pytest.fixture
def killing_cluster(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("POOLTEST_KILL", "1")  # set before the workers start: they read the theorem file with it
    with _local_cluster() as lc:
        yield lc


def _verify(tmp_path: Path, name: str, *extra: str) -> tuple[int, dict]:
    folder = tmp_path / "th"
    folder.mkdir(exist_ok=True)
    (folder / "pooltest.py").write_text(PAPER, encoding="utf-8")
    out = tmp_path / name
    code = main(["--theorems", str(folder), "verify", "pooltest", "--out", str(out), *extra])
    return code, load_results(out)


def test_dask_verdicts_equal_local_ones(cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code_local, local = _verify(tmp_path, "local", "--workers", "1")
    code_dask, remote = _verify(tmp_path, "dask", "--scheduler", cluster.scheduler_address)
    assert code_local == code_dask == 1
    assert [(c["id"], c["verdict"]) for c in remote["claims"]] == [(c["id"], c["verdict"]) for c in local["claims"]]
    assert remote["provenance"]["scheduler"] == cluster.scheduler_address
    workers = {c["worker"]["dask_worker"] for c in remote["claims"]}
    assert workers <= set(cluster.scheduler_info["workers"])
    capsys.readouterr()


def test_a_worker_killed_mid_claim_is_retried_then_reported(killing_cluster, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    cluster = killing_cluster
    code, res = _verify(tmp_path, "killed", "--scheduler", cluster.scheduler_address)
    by_id = {c["id"]: c for c in res["claims"]}
    assert code == 1
    assert by_id["pooltest.killed"]["verdict"] == "inconclusive" and "died" in by_id["pooltest.killed"]["reason"]
    assert by_id["pooltest.holds"]["verdict"] == by_id["pooltest.holds_again"]["verdict"] == "verified"
    assert by_id["pooltest.fails"]["verdict"] == "refuted"
    capsys.readouterr()


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LEMMATA_DASK_TIMEOUT", "2s")  # the connection timeout (20 s by default)
    folder = tmp_path / "th"
    folder.mkdir()
    (folder / "pooltest.py").write_text(PAPER, encoding="utf-8")
    assert main(["--theorems", str(folder), "verify", "pooltest", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(tmp_path / "R")]) == 2
    assert "cannot reach a Dask scheduler" in capsys.readouterr().err
