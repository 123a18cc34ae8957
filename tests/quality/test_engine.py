"""Quality tier for the engine itself (issue 14): toy claims whose right verdict is known.

Each test plants one way a verdict could lie — a slow run, a crash while shrinking, a crash in the
replication, a NaN condition, an infinite bound, a missing seed axis, a failure only at a premise's
extreme, a failure rate at δ — and checks that the engine gives the right verdict: refuted with a
counterexample, or inconclusive (or invalid) with the reason, never verified.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.verify import Citation, Claim, Kind, Tolerance, per_seed, shared
from lemmata.verify.profiles import PROFILES

pytestmark = pytest.mark.quality

CIT = Citation(paper="toy claim (engine quality tier)", where="none", source="derived")
EXACT = Tolerance(reason="exact arithmetic on small numbers")
x, y, c = sp.symbols("x y c")


def toy(name: str, run, premises, *, statement=None, **kw) -> Claim:
    return Claim(id=f"toy.{name}", title=name, citation=CIT, kind=kw.pop("kind", Kind.EXACT),
                 statement=statement if statement is not None else sp.Le(x, y), premises=premises, run=run,
                 tolerance=EXACT, **kw)


def n_premises(hi: int = 1000):
    return lambda profile: st.fixed_dictionaries({"n": st.integers(0, hi), "seed": st.integers(0, 2**10)})


def false_above_500(delay: float):
    def run(inst):
        time.sleep(delay)
        return {"x": float(inst.premises["n"]), "y": 500.0}
    return run


def test_a_slow_run_gets_the_same_verdict_counts_and_counterexample(run_ci) -> None:
    """Budgets count examples: a run that takes longer changes nothing but the time."""
    fast = run_ci(toy("fast", false_above_500(0.0), n_premises()))
    slow = run_ci(toy("slow", false_above_500(0.03), n_premises()))
    assert fast.verdict == slow.verdict == "refuted"
    assert fast.counterexample["premises"] == slow.counterexample["premises"] == {"n": 501, "seed": 0}
    assert fast.search["phases"] == slow.search["phases"] and fast.examples == slow.examples
    assert slow.elapsed_s > fast.elapsed_s


def test_a_crash_while_shrinking_keeps_the_counterexample(run_ci) -> None:
    """Fails for n ≥ 600, raises for 300 ≤ n ≤ 500: the shrinker walks into the crash and rejects it."""
    def run(inst):
        n = inst.premises["n"]
        if 300 <= n <= 500:
            raise RuntimeError(f"solver diverged at n={n}")
        return {"x": float(n), "y": 599.5}

    res = run_ci(toy("crashy", run, n_premises()))
    assert res.verdict == "refuted", res.reason
    assert res.counterexample["premises"]["n"] == 600
    assert "shrink candidates raised and were rejected" in res.reason
    assert any("solver diverged" in e for e in res.evidence["errors"])


def test_a_replication_that_raises_gives_inconclusive_not_refuted(run_ci) -> None:
    def run(inst):
        if inst.batch >= 128:  # replication batches
            raise MemoryError("out of memory in the replication")
        return {"x": per_seed(torch.ones(inst.S)), "y": 0.5}  # every seed fails

    res = run_ci(toy("norep", run, lambda p: st.fixed_dictionaries({"seed": st.integers(0, 9)}),
                     kind=Kind.PROBABILISTIC, delta=0.1))
    assert res.verdict == "inconclusive", res.reason
    assert "could not be replicated" in res.reason and "MemoryError" in res.reason
    assert res.counterexample is not None  # the failure is kept as evidence


def test_nan_conditions_never_hide_a_violation(run_ci) -> None:
    """Implies(c ≥ 0, x ≤ y) where c is NaN on every seed in half the examples: not verified."""
    def run(inst):
        n = inst.premises["n"]
        cond = math.nan if n % 2 else 1.0
        return {"c": per_seed(torch.full((inst.S,), cond)), "x": 0.0, "y": 1.0}

    res = run_ci(toy("nancond", run, n_premises(40), statement=sp.Implies(sp.Ge(c, 0), sp.Le(x, y))))
    assert res.verdict == "inconclusive", res.reason
    assert "NaN" in res.reason


def test_an_infinite_bound_is_not_verified(run_ci) -> None:
    res = run_ci(toy("infbound", lambda inst: {"x": 1.0, "y": math.inf}, n_premises(10)))
    assert res.verdict == "inconclusive" and "non-finite" in res.reason


def test_a_missing_seed_axis_is_a_definition_error_whatever_the_lengths(run_ci) -> None:
    """A per-step array of length K = S returned bare once read as one value per seed and inverted a verdict."""
    S = PROFILES["ci"].seeds

    def bare(inst):
        return {"x": torch.linspace(0, 1, S), "y": torch.linspace(0.5, 1.5, S)}  # (K,) with K = S

    def named(inst):
        return {"x": shared(torch.linspace(0, 1, S), "k"), "y": shared(torch.linspace(0.5, 1.5, S), "k")}

    res = run_ci(toy("bare", bare, n_premises(10)))
    assert res.verdict == "invalid" and "bare array of shape" in res.reason
    assert run_ci(toy("named", named, n_premises(10))).verdict == "verified"


def test_a_failure_only_at_a_premise_extreme_is_found_by_the_corners(run_ci) -> None:
    """False only for n ≥ 999 and x ≥ 0.99 in [0, 1000] × [0, 1]: random draws rarely get there."""
    def run(inst):
        p = inst.premises
        bad = p["n"] >= 999 and p["x"] >= 0.99
        return {"x": 1.0 if bad else 0.0, "y": 0.5}

    premises = lambda profile: st.fixed_dictionaries({  # noqa: E731
        "n": st.integers(0, 1000), "x": st.floats(0.0, 1.0), "seed": st.integers(0, 2**10)})
    res = run_ci(toy("corner", run, premises))
    assert res.verdict == "refuted", res.reason
    assert res.counterexample["phase"] == "shrink" and res.search["phases"]["corners"] == 2
    assert res.counterexample["premises"]["n"] == 999 and 0.99 <= res.counterexample["premises"]["x"] < 0.995


def rate_at_delta(inst):
    """Each seed fails with probability 0.1 (= δ), independently."""
    u = torch.stack([torch.rand((), generator=torch.Generator().manual_seed(s), dtype=torch.float64)
                     for s in inst.seeds])
    return {"x": per_seed((u < 0.1).double()), "y": 0.5}


def test_a_failure_rate_at_delta_is_inconclusive(run_ci, monkeypatch) -> None:
    claim = toy("atdelta", rate_at_delta, lambda p: st.fixed_dictionaries({"seed": st.integers(0, 2**10)}),
                kind=Kind.PROBABILISTIC, delta=0.1)
    res = run_ci(claim)
    assert res.verdict == "inconclusive", res.reason
    assert "could not be separated from δ=0.1" in res.reason
    # the interval has teeth: decided by the raw failure fraction, each example passes or fails on a coin flip
    import lemmata.verify.stats as stats

    monkeypatch.setattr(stats, "clopper_pearson", lambda k, n, confidence=0.95: (k / n, k / n))
    assert "could not be separated" not in run_ci(claim).reason


def test_a_width_whose_failure_rate_sits_at_delta_does_not_hold(run_ci) -> None:
    """Asymptotic claims use the same rule at each width of the regime: no point estimate with 0 failures allowed."""
    from lemmata.verify import Regime

    def run(inst):
        out = rate_at_delta(inst)
        out["m"] = float(inst.premises["m"])
        return out

    claim = toy("asymdelta", run, lambda p: st.fixed_dictionaries({"seed": st.integers(0, 2**10)}),
                kind=Kind.ASYMPTOTIC, delta=0.1, seeds=16,
                regime=Regime(size="m", ladder=lambda prem, prof: [4, 8], practical=sp.Integer(4),
                              theory=sp.Integer(4), note="toy"))
    res = run_ci(claim)
    assert res.verdict == "inconclusive", res.reason


def test_the_same_profile_gives_the_same_numbers(run_ci) -> None:
    def run(inst):
        g = torch.Generator().manual_seed(inst.seeds[0])
        return {"x": per_seed(torch.rand(inst.S, generator=g, dtype=torch.float64)), "y": float(inst.premises["n"])}

    a = run_ci(toy("det", run, n_premises(5)))
    b = run_ci(toy("det", run, n_premises(5)))
    assert a.verdict == b.verdict and a.examples == b.examples and a.search == b.search
    assert a.worst_slack == b.worst_slack and a.counterexample == b.counterexample


def test_draws_do_not_depend_on_the_modules_loaded_before(run_ci, tmp_path: Path, monkeypatch) -> None:
    """Hypothesis mixes literals of every loaded local module into its draws; a module imported between two runs
    (here one full of integers inside the premise range) must not change which examples a derandomized claim draws."""
    seen: list[int] = []

    def run(inst):
        seen.append(inst.premises["n"])
        return {"x": 0.0, "y": 1.0}

    claim = toy("draws", run, n_premises(100000))
    profile = replace(PROFILES["ci"], max_examples=300)
    run_ci(claim, profile=profile)
    before, seen[:] = list(seen), []
    (tmp_path / "lots_of_constants.py").write_text(
        "CONSTANTS = [" + ", ".join(str(7919 * k % 100000) for k in range(1, 400)) + "]\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib
    importlib.import_module("lots_of_constants")
    run_ci(claim, profile=profile)
    assert seen == before


# --- --resume notices a change in impl/ ---------------------------------------------------------

@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's packages, so that a test can edit impl/ without touching the checkout."""
    root = Path(__file__).resolve().parents[2]
    dst = tmp_path / "proj"
    for pkg in ("verify", "impl", "theorems"):
        shutil.copytree(root / pkg, dst / "lemmata" / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    # a regular package on PYTHONPATH, so that the copy (not the checkout's editable install) is imported
    (dst / "lemmata" / "__init__.py").write_text("")
    return dst


def _lemmata(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([sys.executable, "-m", "lemmata.verify.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_resume_reruns_a_claim_whose_impl_module_changed(project_copy: Path) -> None:
    out = project_copy / "R"
    first = _lemmata(project_copy, "verify", "du2019.lambda0_positive", "daskalakis2019.mwu_jensen_identity",
                     "--out", str(out), "--workers", "1")
    assert first.returncode == 0, first.stderr[-2000:]
    kept = _lemmata(project_copy, "verify", "du2019.lambda0_positive", "daskalakis2019.mwu_jensen_identity",
                    "--resume", str(out), "--workers", "1")
    assert "2 results kept, 0 claims to run" in kept.stderr, kept.stderr
    with open(project_copy / "lemmata" / "impl" / "two_layer.py", "a", encoding="utf-8") as fh:
        fh.write("\n# an edit in impl/ that du2019 imports\n")
    again = _lemmata(project_copy, "verify", "du2019.lambda0_positive", "daskalakis2019.mwu_jensen_identity",
                     "--resume", str(out), "--workers", "1")
    assert "1 results kept, 1 claims to run (1 changed or crashed" in again.stderr, again.stderr
