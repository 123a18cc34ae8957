"""The pytest plugin (entry point ``pytest11: lemmata``): a user's theorem folder becomes test items."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

FALSE_CLAIM = '''
import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.verify import Citation, Claim, Kind, Tolerance, per_seed

x, bound = sp.symbols("x bound")


def run(inst):
    n = inst.premises["n"]
    return {"x": per_seed(torch.full((inst.S,), float(n) ** 2, dtype=inst.dtype)), "bound": 10.0 * n}


CLAIMS = [
    Claim(id="smith2024.square_below_linear", title="n² ≤ 10 n", citation=Citation(paper="Smith (2024)",
          where="Lemma 1", source="paper"), kind=Kind.EXACT, statement=sp.Le(x, bound),
          premises=lambda p: st.fixed_dictionaries({"n": st.integers(1, 100), "seed": st.integers(0, 99)}),
          run=run, tolerance=Tolerance(reason="exact integers")),
    Claim(id="smith2024.square_below_cube", title="n² ≤ n³", citation=Citation(paper="Smith (2024)",
          where="Lemma 2", source="paper"), kind=Kind.EXACT, statement=sp.Le(x, bound),
          premises=lambda p: st.fixed_dictionaries({"n": st.integers(1, 9), "seed": st.integers(0, 99)}),
          run=run, tolerance=Tolerance(reason="exact integers")),
]
'''


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_a_false_claim_in_a_users_folder_fails_with_its_counterexample_and_replay_command(tmp_path: Path) -> None:
    (tmp_path / "theorems").mkdir()
    (tmp_path / "theorems" / "smith2024.py").write_text(textwrap.dedent(FALSE_CLAIM), encoding="utf-8")
    out = _pytest(tmp_path, "--lemmata-theorems", "theorems")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "1 failed, 1 passed" in out.stdout
    assert "theorems/smith2024.py::smith2024.square_below_linear" in out.stdout
    assert 'counterexample: {"n": 11, "seed": 0}' in out.stdout and "lhs 121.0, rhs 110.0" in out.stdout
    assert "reproduce: lemmata --theorems theorems replay smith2024.square_below_linear" in out.stdout


def test_the_folder_can_come_from_the_ini_file_and_a_missing_one_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "theorems").mkdir()
    (tmp_path / "theorems" / "smith2024.py").write_text(textwrap.dedent(FALSE_CLAIM), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\nlemmata_theorems = theorems\n", encoding="utf-8")
    assert _pytest(tmp_path).returncode == 1
    missing = _pytest(tmp_path, "--lemmata-theorems", "nosuch")
    assert missing.returncode == 4 and "--lemmata-theorems nosuch: no such folder" in missing.stderr
