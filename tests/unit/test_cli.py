"""Unit tests for verify.cli: exit statuses, one-line errors, and each command on toy theorem files."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from lemmata.verify.cli import main
from lemmata.verify.results import load as load_results

pytestmark = pytest.mark.unit

LEMMATA = Path(sys.executable).parent / "lemmata"

TOY = '''
n = sp.Symbol("n")

def ints(lo, hi):
    def premises(profile):
        return st.fixed_dictionaries({"n": st.integers(lo, hi), "seed": st.integers(0, 100)})
    return premises

def run_n(inst):
    return {"n": per_seed(torch.full((inst.S,), float(inst.premises["n"]), dtype=inst.dtype))}

def boom(inst):
    raise RuntimeError("kaboom")

def claim(name, **kw):
    base = dict(id=f"clitoy.{name}", title=f"toy {name}", citation=CIT, kind=Kind.EXACT,
                statement=sp.Le(n, 10), premises=ints(1, 10), run=run_n, tolerance=EXACT, seeds=4)
    base.update(kw)
    return Claim(**base)

CLAIMS = [
    claim("ok", symbols={"n": "a small integer"}),
    claim("bad", premises=ints(1, 50)),
    claim("crash", run=boom),
]
'''


@pytest.fixture
def tdir(write_theorem) -> Path:
    return write_theorem("clitoy", TOY)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("lemmata: error: ")
    return lines[0]


def usage_exit(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    return one_error_line(err)


# --- usage errors: exit 2 and one line --------------------------------------------------------

def test_verify_unknown_claim(capsys, tmp_path) -> None:
    code, out, err = run(["verify", "nosuchclaim", "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert "'nosuchclaim'" in one_error_line(err)
    assert not (tmp_path / "o").exists()


def test_unknown_option(capsys) -> None:
    assert "--bogus" in usage_exit(["verify", "--bogus"], capsys)


def test_unknown_command_and_missing_command(capsys) -> None:
    usage_exit(["frobnicate"], capsys)
    usage_exit([], capsys)


def test_replay_without_premises_is_a_usage_error(capsys) -> None:
    assert "--premises" in usage_exit(["replay", "x.y"], capsys)


def test_unknown_profile(capsys, tdir) -> None:
    code, _, err = run(["--theorems", str(tdir), "verify", "clitoy.ok", "--profile", "nope"], capsys)
    assert code == 2
    line = one_error_line(err)
    assert "'nope'" in line and "ci" in line


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda(capsys, tdir, tmp_path) -> None:
    code, _, err = run(["--theorems", str(tdir), "verify", "clitoy.ok", "--device", "cuda",
                        "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert "cuda" in one_error_line(err)


@pytest.mark.parametrize("opt", [["--device", "tpu"], ["--dtype", "float16"]])
def test_bad_device_or_dtype(capsys, tdir, tmp_path, opt: list[str]) -> None:
    code, _, err = run(["--theorems", str(tdir), "verify", "clitoy.ok", *opt, "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert opt[1] in one_error_line(err)


def test_out_is_a_file(capsys, tdir, tmp_path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("x")
    code, _, err = run(["--theorems", str(tdir), "verify", "clitoy.ok", "--out", str(f)], capsys)
    assert code == 2
    assert "not a folder" in one_error_line(err)


def test_out_folder_that_cannot_be_written_is_refused_before_any_claim_runs(capsys, tdir, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores the mode bits: nothing to test there
            pytest.skip("running as a user who can write anywhere (root)")
        code, out, err = run(["--theorems", str(tdir), "verify", "clitoy.ok", "--out", str(locked / "R")], capsys)
        assert code == 2 and "is not writable" in one_error_line(err) and "clitoy.ok" not in out
    finally:
        locked.chmod(0o700)


def test_out_below_a_file_is_refused(capsys, tdir, tmp_path) -> None:
    (tmp_path / "f").write_text("x")
    code, out, err = run(["--theorems", str(tdir), "verify", "clitoy.ok", "--out", str(tmp_path / "f" / "R")], capsys)
    assert code == 2 and "not writable" in one_error_line(err) and "clitoy.ok" not in out


def test_missing_theorems_folder(capsys, tmp_path) -> None:
    code, _, err = run(["--theorems", str(tmp_path / "nope"), "list"], capsys)
    assert code == 2
    assert "nope" in one_error_line(err)


def test_malformed_theorem_file_is_one_line_naming_the_file(capsys, write_theorem) -> None:
    d = write_theorem("brokenpaper", 'x = sp.Symbol("x")\nCLAIMS = [Claim(id="brokenpaper.a", title="t", '
                      'citation=CIT, kind=Kind.EXACT, statement=sp.Le(x, 1), premises=None, run=None, '
                      'tolerance=Tolerance(reason=""))]\n')
    code, _, err = run(["--theorems", str(d), "list"], capsys)
    assert code == 2
    line = one_error_line(err)
    assert "brokenpaper.a" in line and str(d / "brokenpaper.py") in line


# --- list and show ----------------------------------------------------------------------------

def test_list_json(capsys, tdir) -> None:
    code, out, _ = run(["--theorems", str(tdir), "list", "clitoy", "--json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert isinstance(rows, list) and [r["id"] for r in rows] == ["clitoy.ok", "clitoy.bad", "clitoy.crash"]
    for r in rows:
        assert {"id", "paper", "citation", "kind", "role"} <= set(r)
        assert r["paper"] == "clitoy" and r["kind"] == "exact" and r["role"] == "claim"
        assert r["citation"] == "Toy paper (tests), Theorem 1"


def test_list_text(capsys, tdir) -> None:
    code, out, _ = run(["--theorems", str(tdir), "list", "clitoy.*"], capsys)
    assert code == 0
    assert "clitoy.ok" in out and "clitoy.crash" in out
    assert out.rstrip().endswith("3 claims")


def test_list_unknown_pattern(capsys, tdir) -> None:
    code, _, err = run(["--theorems", str(tdir), "list", "zzz"], capsys)
    assert code == 2
    one_error_line(err)


def test_show_known_claim(capsys, tdir) -> None:
    code, out, _ = run(["--theorems", str(tdir), "show", "clitoy.ok"], capsys)
    assert code == 0
    assert out.startswith("clitoy.ok: toy ok")
    assert "statement: n ≤ 10" in out
    assert "Theorem 1" in out and "exact" in out
    assert "n: a small integer" in out
    assert str(tdir / "clitoy.py") in out


@pytest.mark.parametrize("name", ["clitoy.nosuch", "clitoy"])
def test_show_needs_exactly_one_claim(capsys, tdir, name: str) -> None:
    code, _, err = run(["--theorems", str(tdir), "show", name], capsys)
    assert code == 2
    one_error_line(err)


# --- verify and replay ------------------------------------------------------------------------

def test_verify_all_verified_exits_0_and_writes_results(capsys, tdir, tmp_path) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run(["--theorems", str(tdir), "verify", "clitoy.ok", "--out", str(out_dir)], capsys)
    assert code == 0, err
    assert (out_dir / "results.json").is_file()
    doc = load_results(out_dir)
    assert [c["verdict"] for c in doc["claims"]] == ["verified"]
    assert "1 verified" in out and f"lemmata report {out_dir}" in out
    assert "✓ clitoy.ok: verified" in err  # one progress line per claim (stderr is not a terminal)
    assert len(err.splitlines()) == 1


def test_verify_any_refuted_exits_1_and_prints_the_reproduce_command(capsys, tdir, tmp_path) -> None:
    code, out, err = run(["--theorems", str(tdir), "verify", "clitoy.ok", "clitoy.bad",
                          "--out", str(tmp_path / "o")], capsys)
    assert code == 1
    assert len([x for x in err.splitlines() if x.startswith("[")]) == 2  # one progress line per claim
    line = next(x for x in out.splitlines() if "reproduce:" in x)
    cmd = line.split("reproduce:", 1)[1].strip()
    assert '"n": 11' in cmd
    assert main(shlex.split(cmd)[1:]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_verify_inconclusive_exits_1(capsys, tdir, tmp_path) -> None:
    code, out, _ = run(["--theorems", str(tdir), "verify", "clitoy.crash", "--out", str(tmp_path / "o")], capsys)
    assert code == 1
    assert "inconclusive" in out and "kaboom" in out


def test_replay_held_exits_0_and_prints_json(capsys, tdir) -> None:
    code, out, _ = run(["--theorems", str(tdir), "replay", "clitoy.ok", "--premises", '{"n": 3, "seed": 2}'], capsys)
    assert code == 0
    body = out[: out.rindex("}") + 1]
    rec = json.loads(body)
    assert rec["claim"] == "clitoy.ok" and rec["decision"] == "pass" and rec["seeds"] == 4
    assert rec["premises"] == {"n": 3, "seed": 2}
    assert "held" in out.splitlines()[-1]


@pytest.mark.parametrize("premises,fragment", [
    ("{n: 3}", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"n": 3}', "premises lack 'seed'"),
    ('{"n": 3, "seed": "a"}', "premise seed='a' must be an integer"),
    ('{"n": 3, "seed": 1.5}', "premise seed=1.5 must be an integer"),
    ('{"n": true, "seed": 1}', "premise n=True must be an integer"),
    ('{"n": 3, "seed": 1, "m": 2}', "premise 'm' is not one claim clitoy.ok draws"),
    ('{"n": 3000, "seed": 1}', "premise n=3000 lies outside"),
])
def test_replay_bad_premises(capsys, tdir, premises: str, fragment: str) -> None:
    code, _, err = run(["--theorems", str(tdir), "replay", "clitoy.ok", "--premises", premises], capsys)
    assert code == 2
    assert fragment in one_error_line(err)


@pytest.mark.parametrize("name", ["clitoy.nosuch", "clitoy"])
def test_replay_needs_one_claim(capsys, tdir, name: str) -> None:
    code, _, err = run(["--theorems", str(tdir), "replay", name, "--premises", "{}"], capsys)
    assert code == 2
    one_error_line(err)


# --- report and new ---------------------------------------------------------------------------

def test_report_errors(capsys, tmp_path) -> None:
    code, _, err = run(["report", str(tmp_path / "nothing")], capsys)
    assert code == 2
    assert "results.json" in one_error_line(err)
    code, _, err = run(["report", str(tmp_path), "--format", "pdf"], capsys)
    assert code == 2
    assert "pdf" in one_error_line(err)


def test_new_writes_a_file_that_verifies_and_is_not_overwritten(capsys, tmp_path) -> None:
    d = tmp_path / "mine"
    code, out, _ = run(["new", "smith2024", "--dir", str(d)], capsys)
    assert code == 0
    path = d / "smith2024.py"
    assert path.is_file() and str(path) in out
    text = path.read_text()
    assert '"smith2024.cauchy_schwarz"' in text and "_template." not in text
    code, out, err = run(["--theorems", str(d), "verify", "smith2024", "--out", str(tmp_path / "o")], capsys)
    assert code == 0, out + err
    assert "smith2024.cauchy_schwarz: verified" in err
    before = path.read_text()
    code, _, err = run(["new", "smith2024", "--dir", str(d)], capsys)
    assert code == 2
    assert "already exists" in one_error_line(err)
    assert path.read_text() == before


@pytest.mark.parametrize("bad", ["Smith2024", "2024smith", "smith-2024", "_x"])
def test_new_rejects_bad_paper_ids(capsys, tmp_path, bad: str) -> None:
    code, _, err = run(["new", bad, "--dir", str(tmp_path)], capsys)
    assert code == 2
    one_error_line(err)
    assert not any(tmp_path.iterdir())


# --- the installed console script -------------------------------------------------------------

@pytest.mark.skipif(not LEMMATA.exists(), reason="the lemmata console script is not installed next to python")
def test_console_script_unknown_claim_exits_2_with_one_line() -> None:
    proc = subprocess.run([str(LEMMATA), "verify", "nosuchclaim"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    one_error_line(proc.stderr)


# --- known defects ----------------------------------------------------------------------------

def test_provenance_command_is_the_command_that_ran(capsys, tdir, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "argv", ["some-host-program"])
    out_dir = tmp_path / "o"
    argv = ["--theorems", str(tdir), "verify", "clitoy.ok", "--out", str(out_dir)]
    assert main(argv) == 0
    capsys.readouterr()
    prov = load_results(out_dir)["provenance"]
    assert prov["command"] == shlex.join(["lemmata", *argv])


def test_reproduce_command_quotes_the_theorems_folder(capsys, write_theorem, tmp_path) -> None:
    d = write_theorem("clitoy", TOY, folder="my theorems")
    out_dir = tmp_path / "o"
    assert main(["--theorems", str(d), "verify", "clitoy.bad", "--out", str(out_dir)]) == 1
    capsys.readouterr()
    cmd = load_results(out_dir)["claims"][0]["reproduce"]
    argv = shlex.split(cmd)
    assert argv[:3] == ["lemmata", "--theorems", str(d)]
    assert main(argv[1:]) == 1


def test_interrupt_keeps_finished_claims_and_exits_130(capsys, write_theorem, tmp_path) -> None:
    d = write_theorem("clitoy", TOY + '''
def interrupt(inst):
    raise KeyboardInterrupt

CLAIMS.append(claim("stop", run=interrupt))
CLAIMS.append(claim("never_reached"))
''')
    out_dir = tmp_path / "o"
    code, _, err = run(["--theorems", str(d), "verify", "clitoy.ok", "clitoy.stop", "clitoy.never_reached",
                        "--out", str(out_dir), "--workers", "1"], capsys)  # in order, so 'ok' finished first
    assert code == 130
    assert "interrupted" in err
    doc = load_results(out_dir)
    assert [c["id"] for c in doc["claims"]] == ["clitoy.ok"]
    assert doc["provenance"]["interrupted"] is True and doc["provenance"]["finished"]
