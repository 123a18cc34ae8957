"""Quality tier for zhouge2023: planted bugs in impl.sparse_regression must make a zhouge2023 claim come back
refuted, and planted false claims must be refuted with a small shrunk counterexample that replays.

The exact multiplicative identities of Hadamard GD (w(T) = αΠ(1 − 2ηg_t), u(T) = αΠ(1 + 2ηg_t),
v(T) = −γηΣg_t) catch the gradient bugs: a dropped factor 2 still converges (to much the same interpolator:
it is GD with half the step), so only a sharp identity (an implementation check) sees it. The paper claim
(the Hadamard-type interpolator beats min-ℓ2 on a sparse truth) is made to fail by a bug it can see (u moving like
w, so β never leaves 0) and by its reversal; ``catches`` names it (tests/quality/test_coverage.py)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from lemmata.impl import sparse_regression as sr
from lemmata.verify.cli import main

from _planted import verify_planted  # tests/quality/_planted.py

pytestmark = pytest.mark.quality

_real_hadamard_grads, _real_linear_grad, _real_residual = sr.hadamard_grads, sr.linear_grad, sr.residual


def dropped_factor_two(w, u, v, A, r, gamma):
    """∇_w L = w⊙g instead of 2w⊙g (and the same for u): the derivative of w² taken as w."""
    gw, gu, gv = _real_hadamard_grads(w, u, v, A, r, gamma)
    return 0.5 * gw, 0.5 * gu, gv


def wrong_sign_u(w, u, v, A, r, gamma):
    """∇_u L = +2u⊙g: the minus sign of −u⊙u lost, so u moves like w and β = w² − u² never leaves 0."""
    gw, gu, gv = _real_hadamard_grads(w, u, v, A, r, gamma)
    return gw, -gu, gv


def wrong_sign_v(w, u, v, A, r, gamma):
    """∇_v L = −γg: the dense part climbs the loss."""
    gw, gu, gv = _real_hadamard_grads(w, u, v, A, r, gamma)
    return gw, gu, -gv


def residual_wrong_sign(A_t, beta, y):
    """r = y − Aβ: GD then ascends, but w, u, v still obey the identities rebuilt from the recorded r_t, and ‖r_T‖ is
    unchanged; only the signed comparison of r_t with A·β̂_t − y sees it."""
    return -_real_residual(A_t, beta, y)


def linear_wrong_sign(beta, A, y):
    """Plain GD ascends: ∇L taken as −Aᵀr/n."""
    return -_real_linear_grad(beta, A, y)


@pytest.mark.parametrize(("attr", "bug", "claim_id"), [
    ("hadamard_grads", dropped_factor_two, "zhouge2023.hadamard_gd_identities"),
    ("hadamard_grads", wrong_sign_u, "zhouge2023.hadamard_gd_identities"),
    ("hadamard_grads", wrong_sign_v, "zhouge2023.hadamard_gd_identities"),
    ("residual", residual_wrong_sign, "zhouge2023.hadamard_gd_identities"),
    ("linear_grad", linear_wrong_sign, "zhouge2023.gd_min_l2_interpolator"),
], ids=["dropped_factor_two", "wrong_sign_u", "wrong_sign_v", "residual_wrong_sign", "linear_wrong_sign"])
def test_planted_bug_is_caught(attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(sr, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"


FALSE_L1 = '''
import sympy as sp
from hypothesis import strategies as st

from lemmata.theorems import zhouge2023 as z
from lemmata.verify import Citation, Claim, Kind, Tolerance

l1_gd, l1_lower = sp.symbols("l1_gd l1_lower")
CLAIMS = [Claim(id="plantedzg.below_l1_min", title="planted: the Hadamard GD interpolator beats the min-l1 lower bound",
    citation=Citation(paper="planted false claim", where="none", source="derived"), kind=Kind.EXACT,
    statement=sp.Lt(l1_gd, l1_lower),
    premises=lambda p: z.problem_premises(p, min_n=2, max_n=12, min_ratio=2, max_ratio=4, min_k=1, max_k=3,
                                          min_noise=0.1, max_noise=1.0, alpha_exp=st.integers(1, 2)),
    run=z.run_near_l1, tolerance=Tolerance(rtol=1e-9, reason="round-off"), seeds=4)]
'''

FALSE_L2 = '''
import sympy as sp

from lemmata.theorems import zhouge2023 as z
from lemmata.verify import Citation, Claim, Kind, Tolerance

ex_gd, ex_l2 = sp.symbols("excess_gd excess_l2")
CLAIMS = [Claim(id="plantedzg2.l2_wins", title="planted: the min-l2 interpolator beats Hadamard GD on a sparse truth",
    citation=Citation(paper="planted false claim", where="none", source="derived"), kind=Kind.EXACT,
    statement=sp.Lt(ex_l2, ex_gd), premises=lambda p: z._test_premises(p),
    run=z.run_test_loss, tolerance=Tolerance(rtol=1e-9, reason="round-off"), seeds=4)]
'''


def _refuted_and_replays(stem: str, source: str, max_n: int, tmp_path: Path) -> None:
    res = verify_planted(tmp_path, stem=stem, source=source)[0]
    assert res["verdict"] == "refuted", res["reason"]
    premises = res["counterexample"]["premises"]
    assert premises["n"] <= max_n and premises["d"] <= 4 * max_n, premises  # shrunk toward the smallest problem
    assert main(shlex.split(res["reproduce"])[1:]) == 1


def test_planted_false_claim_below_min_l1_lower_bound_is_refuted(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # false whatever the data: no interpolator has ℓ1 norm below a certified lower bound on min-ℓ1
    _refuted_and_replays("plantedzg", FALSE_L1, 4, tmp_path)
    capsys.readouterr()


@pytest.mark.catches("zhouge2023.test_loss_below_min_l2")
def test_planted_false_claim_min_l2_beats_hadamard_is_refuted(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # the claim reversed, as an exact statement: on a sparse truth in the claim's regime GD beats min-ℓ2 on ≈ 98 % of
    # problems (the claim's given), so "min-ℓ2 is strictly better on every problem" fails on the first examples
    _refuted_and_replays("plantedzg2", FALSE_L2, 12, tmp_path)
    capsys.readouterr()


@pytest.mark.catches("zhouge2023.test_loss_below_min_l2")
def test_u_moving_like_w_breaks_the_test_loss_claim(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    # with ∇_u L = +2u⊙g, w and u stay equal from w = u = α·1, so β = w⊙w − u⊙u stays 0 (γ = 0) or moves only through
    # γv = O(γ²): the residual stays near ‖y‖ > 2e-2‖y‖ on every problem, whatever the data
    monkeypatch.setattr(sr, "hadamard_grads", wrong_sign_u)
    verdict = verdict_of("zhouge2023.test_loss_below_min_l2")
    assert verdict.startswith("refuted"), verdict


# ---------------------------------------------------------------------------------------------
# issue 17: the interpolators' suboptimality against σ²·s·log(d/s)/n (growth exponent of excess/rate)
# ---------------------------------------------------------------------------------------------

from dataclasses import replace  # noqa: E402

import sympy as sp  # noqa: E402
import torch  # noqa: E402

from lemmata.theorems import zhouge2023 as zg  # noqa: E402
from lemmata.verify.profiles import PROFILES  # noqa: E402
from lemmata.verify.runner import run_claim  # noqa: E402


def _run(claim):
    res = run_claim(claim, profile=PROFILES["ci"], device=torch.device("cpu"), device_name="cpu", dtype=torch.float64)
    return res.verdict, res.reason


def oracle_on_the_support(A, y):
    """A planted 'interpolator' that knows the support: least squares on the s columns where β* ≠ 0 (reads β* from
    the problem the claim built; not an interpolator, and at the optimal order σ²s/n)."""
    return _ORACLE["beta"]


_ORACLE: dict = {}


@pytest.mark.catches("zhouge2023.min_l2_suboptimal")
def test_min_l2_claimed_to_lose_more_than_it_does_is_refuted() -> None:
    # false: "excess/rate grows like n^{1.2}" (the min-ℓ2 excess is flat: ≈ n^{0.8})
    false = replace(zg.min_l2_rate, id="zhouge2023.false_min_l2_growth", statement=sp.Ge(zg.growth_sym, 1.2))
    verdict, reason = _run(false)
    assert verdict == "refuted", reason


@pytest.mark.catches("zhouge2023.min_l2_suboptimal")
def test_an_estimator_at_the_optimal_order_breaks_the_min_l2_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    # planted: min_l2_interpolator replaced by least squares on the true support (an oracle at σ²s/n): its excess
    # falls like the rate, so the growth exponent is ≈ 0 and the suboptimality claim must come back refuted
    real_problem = sr.sparse_problem

    def problem_and_oracle(*args, **kw):
        P = real_problem(*args, **kw)
        S, n, d = P.A.shape
        support = P.beta_star.abs() > 0  # (S, d)
        beta = torch.zeros_like(P.beta_star)
        for s in range(S):
            cols = support[s].nonzero().squeeze(-1)
            beta[s, cols] = torch.linalg.lstsq(P.A[s][:, cols], P.y[s].unsqueeze(-1)).solution.squeeze(-1)
        _ORACLE["beta"] = beta
        return P

    monkeypatch.setattr(sr, "sparse_problem", problem_and_oracle)
    monkeypatch.setattr(sr, "min_l2_interpolator", oracle_on_the_support)
    verdict, reason = _run(replace(zg.min_l2_rate, examples=()))
    assert verdict == "refuted", reason


@pytest.mark.catches("zhouge2023.min_l1_suboptimal")
def test_min_l1_claimed_to_lose_more_than_it_does_is_refuted() -> None:
    false = replace(zg.min_l1_rate, id="zhouge2023.false_min_l1_growth", statement=sp.Ge(zg.growth_sym, 1.2))
    verdict, reason = _run(false)
    assert verdict == "refuted", reason


@pytest.mark.catches("zhouge2023.min_l1_suboptimal")
def test_an_estimator_at_the_optimal_order_breaks_the_min_l1_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    real_problem = sr.sparse_problem

    def problem_and_oracle(*args, **kw):
        P = real_problem(*args, **kw)
        S = P.A.shape[0]
        beta = torch.zeros_like(P.beta_star)
        for s in range(S):
            cols = (P.beta_star[s].abs() > 0).nonzero().squeeze(-1)
            beta[s, cols] = torch.linalg.lstsq(P.A[s][:, cols], P.y[s].unsqueeze(-1)).solution.squeeze(-1)
        _ORACLE["beta"] = beta
        return P

    monkeypatch.setattr(sr, "sparse_problem", problem_and_oracle)
    monkeypatch.setattr(sr, "min_l1_interpolator", oracle_on_the_support)
    verdict, reason = _run(replace(zg.min_l1_rate, examples=()))
    assert verdict == "refuted", reason
