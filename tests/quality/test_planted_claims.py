"""Quality tier, part 1: planted FALSE claims must come back refuted, shrunk, and reproducible.

Each planted claim is written as a new theorem file, the way the README tells a user to add one,
and goes through the same path as a user's: ``lemmata --theorems DIR verify``, results.json, and
the reproduce command, which must fail again (exit 1).

Each is a false variant of a du2019 item, false on every example its premises allow (not a claim that
happens to fail on one seed): the ``catches`` mark names the paper claims among them.
"""

from __future__ import annotations

import json
import shlex
import textwrap
from pathlib import Path

import pytest

from lemmata.verify.cli import main
from lemmata.verify.results import load as load_results

pytestmark = pytest.mark.quality

HEADER = '''\
from __future__ import annotations

import math

import sympy as sp
from hypothesis import strategies as st

from lemmata.theorems import du2019 as du
from lemmata.verify import Citation, Claim, Kind, Tolerance

CIT = Citation(paper="planted false claim (quality tier)", where="not a theorem", source="derived")
n, m, k, eta, lambda0, lambda_max, res, res0, dist, held, cert = sp.symbols(
    "n m k eta lambda0 lambda_max residual_sq residual_sq_0 max_dist rate_held_before_k flip_certificate")
mean_res0, ynorm = sp.symbols("mean_residual_sq_0 y_norm_sq")


def gd_premises(profile):
    return du.sphere_data(max_n=6, min_d=4, max_d=6, max_coherence=0.5, eta_frac=st.floats(0.25, 1.0),
                          m=st.integers(64, 256))
'''

PLANTED = {
    # the rate with 2·η·λ_max instead of η·λ₀/2: far too fast
    "too_fast_rate": '''
CLAIMS = [Claim(id="planted.too_fast_rate", title="planted: rate (1 - 2 eta lambda_max)^k", citation=CIT,
    kind=Kind.EXACT, statement=sp.Le(res, (1 - 2 * eta * lambda_max) ** k * res0), premises=gd_premises,
    run=du.run_gd_rate, tolerance=Tolerance(rtol=1e-9, reason="float64 round-off"), seeds=8)]
''',
    # Cor 4.1's distance bound divided by 1000: on these premises every seed moves at least 1.8% of R′ (measured
    # max_dist/R′ ≥ 0.018 over n ≤ 6, m = 64…256, η·λ_max = 0.25…1), 18 times the planted bound
    "tight_distance": '''
CLAIMS = [Claim(id="planted.tight_distance", title="planted: distance bound R'/1000", citation=CIT,
    kind=Kind.EXACT,
    statement=sp.Implies(sp.Ge(held, 1), sp.Le(dist, 4 * sp.sqrt(n) * sp.sqrt(res0) / (sp.sqrt(m) * lambda0) / 1000)),
    premises=gd_premises, run=du.run_gd_rate, tolerance=Tolerance(rtol=1e-9, reason="float64 round-off"), seeds=8)]
''',
    # the init residual identity with n instead of n/2
    "init_residual_n": '''
CLAIMS = [Claim(id="planted.init_residual_n", title="planted: E||y - u(0)||^2 = ||y||^2 + n", citation=CIT,
    kind=Kind.EXACT, statement=sp.Eq(mean_res0, ynorm + n), premises=du.init_residual.premises,
    run=du.run_init_residual, tolerance=du.init_residual.tolerance, seeds=512)]
''',
    # Lemma 3.2 with λ₀/400 in place of λ₀/4 at widths where the certificate concentrates: probabilistic,
    # must be refuted by the Clopper–Pearson rule and replicate on fresh seeds
    "ball_hundredfold": '''
CLAIMS = [Claim(id="planted.ball_hundredfold", title="planted: certificate <= lambda0/400", citation=CIT,
    kind=Kind.PROBABILISTIC, delta=0.1, statement=sp.Le(cert, lambda0 / 400),
    premises=lambda p: du.sphere_data(max_n=12, max_d=8, max_coherence=0.9, m=st.integers(256, 1024)),
    run=du.run_ball_certificate, tolerance=Tolerance(rtol=1e-12, reason="float64 round-off"), seeds=256)]
''',
}


def _verify(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> tuple[dict, str]:
    folder = tmp_path / "theorems"
    folder.mkdir()
    (folder / "planted.py").write_text(HEADER + textwrap.dedent(PLANTED[name]), encoding="utf-8")
    out = tmp_path / "R"
    code = main(["--theorems", str(folder), "verify", "planted", "--out", str(out)])
    capsys.readouterr()
    assert code == 1, f"a refuted claim must make `verify` exit 1, got {code}"
    doc = load_results(out)
    (res,) = doc["claims"]
    return res, str(folder)


@pytest.mark.catches("du2019.gd_linear_rate", "du2019.gd_distance_bound", "du2019.gram_stability_ball")
@pytest.mark.parametrize("name", list(PLANTED))
def test_planted_false_claim_is_refuted_and_reproduces(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res, _ = _verify(tmp_path, name, capsys)
    assert res["verdict"] == "refuted", res["reason"]
    ex = res["counterexample"]
    assert ex is not None and ex["failed_seeds"] >= 1
    assert any(a["violated"] for a in ex["detail"]["atoms"]), "the counterexample must show the violated relation"
    # the reproduce command fails again
    argv = shlex.split(res["reproduce"])
    assert argv[0] == "lemmata"
    assert main(argv[1:]) == 1
    capsys.readouterr()


def test_counterexample_is_shrunk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The too-fast rate fails everywhere, so the counterexample must have every premise at its minimum."""
    res, _ = _verify(tmp_path, "too_fast_rate", capsys)
    p = res["counterexample"]["premises"]
    assert p["n"] == 2 and p["d"] == 4 and p["m"] == 64 and p["coherence"] == 0.0 and p["seed"] == 0, p
    # the first corner (every premise at its smallest) already fails, and the box shrinker's simplest float in
    # [0.25, 1] is the bound nearest 0 (Hypothesis's own shrinker would have preferred the integer 1.0)
    assert p["eta_frac"] == 0.25, p


def test_probabilistic_refutation_carries_interval(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res, _ = _verify(tmp_path, "ball_hundredfold", capsys)
    lo, hi = res["counterexample"]["interval"]
    assert lo > 0.1, f"refuted only when the Clopper–Pearson lower bound exceeds δ: {lo}"
