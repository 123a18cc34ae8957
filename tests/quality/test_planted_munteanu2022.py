"""Quality tier for munteanu2022: planted bugs in impl.coupled must make a munteanu2022 item fail, and planted
false claims must come back refuted (the exact one with a small shrunk counterexample that replays).

The derived exact identities (checks) carry the teeth: the zero output catches any sign or pairing bug, the Gram
identity any bug in which first-layer vectors are paired. The paper's claim, the linear rate from the coupled init,
is caught by a GD step missing its m^{-1/2}. The threshold-width comparisons are our findings; a false variant (the
naive reading "coupled init needs 4× fewer neurons") must come back refuted."""

from __future__ import annotations

import json
import math
import shlex
from pathlib import Path

import pytest
import torch

from lemmata.impl import coupled as cp
from lemmata.impl import two_layer as tl
from lemmata.verify.cli import main

from _planted import verify_planted  # tests/quality/_planted.py

pytestmark = pytest.mark.quality

_real_pair_signs = cp.pair_signs


def signs_not_opposite(a_base, *, output_signs="opposite"):
    """The coupling's second-layer signs equal instead of opposite."""
    return _real_pair_signs(a_base, output_signs="same")


def pairs_not_interleaved(m, d, seeds, *, output_signs="opposite", dtype=torch.float64, device="cpu"):
    """W = [W_base; W_base] (rows r and r + m/2 equal) while the signs pair rows 2r and 2r + 1."""
    W_base, a_base = cp.base_weights(m, d, seeds, dtype=dtype, device=device)
    return W_base.repeat(1, 2, 1), _real_pair_signs(a_base, output_signs=output_signs)


def partner_drawn_afresh(m, d, seeds, *, output_signs="opposite", dtype=torch.float64, device="cpu"):
    """The second neuron of each pair gets its own Gaussian draw instead of a copy of the first."""
    W, a = tl.init_weights(m, d, seeds, dtype=dtype, device=device)
    return W, _real_pair_signs(a[:, 0::2], output_signs=output_signs)


_real_fast = tl.gd_trajectory_fast
_real_base_weights = cp.base_weights


def folded_base_weights(m, d, seeds, **kw):
    """|w| instead of w for the base draws: every coordinate positive, so the activation patterns are not those of
    N(0, I). The coupled net and its base net share the draws, so gram_equals_base cannot see it; the closed form
    H^∞ (coupled_gram_expectation) does."""
    W, a = _real_base_weights(m, d, seeds, **kw)
    return W.abs(), a


def test_a_bug_in_the_shared_base_draws_passes_the_pairing_identity(monkeypatch: pytest.MonkeyPatch,
                                                                    verdict_of) -> None:
    """Why coupled_gram_expectation exists: gram_equals_base compares two computations from the same base draws."""
    monkeypatch.setattr(cp, "base_weights", folded_base_weights)
    assert verdict_of("munteanu2022.gram_equals_base").startswith("verified")


def step_without_sqrt_m(W0, a0, X, y, *, eta, steps, **kw):
    """gd_trajectory_fast with its fused coefficient η·a_r/√m missing the 1/√m: steps √m times too long."""
    return _real_fast(W0, a0, X, y, eta=eta * math.sqrt(W0.shape[1]), steps=steps, **kw)


@pytest.mark.catches("munteanu2022.coupled_gd_rate")
def test_planted_step_bug_breaks_the_coupled_rate(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(tl, "gd_trajectory_fast", step_without_sqrt_m)
    verdict = verdict_of("munteanu2022.coupled_gd_rate")
    assert verdict.startswith("refuted"), verdict


@pytest.mark.parametrize(("attr", "bug", "claim_id"), [
    ("pair_signs", signs_not_opposite, "munteanu2022.zero_output_at_init"),
    ("coupled_init", pairs_not_interleaved, "munteanu2022.zero_output_at_init"),
    ("coupled_init", partner_drawn_afresh, "munteanu2022.gram_equals_base"),
    ("coupled_init", partner_drawn_afresh, "munteanu2022.zero_output_at_init"),
    ("base_weights", folded_base_weights, "munteanu2022.coupled_gram_expectation"),
], ids=["signs_not_opposite", "pairs_not_interleaved", "partner_drawn_afresh_gram", "partner_drawn_afresh_output",
        "folded_base_weights"])
def test_planted_bug_is_caught(attr: str, bug, claim_id: str, monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(cp, attr, bug)
    verdict = verdict_of(claim_id)
    assert verdict.startswith("refuted"), f"{bug.__name__} was not caught by {claim_id}: {verdict}"


FALSE_CLAIMS = '''
import sympy as sp
from hypothesis import strategies as st

from lemmata.impl import coupled as cp
from lemmata.impl import two_layer as tl
from lemmata.theorems import munteanu2022 as mu
from lemmata.verify import Citation, Claim, Kind, Tolerance, per_seed


def run_gram_vs_full(inst):
    p = inst.premises
    m = 2 * p["pairs"]
    X = mu._inputs(inst)
    W, _ = cp.coupled_init(m, p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    W_full, _ = tl.init_weights(m, p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    return {"H_coupled": per_seed(tl.gram_w(W, X), "i", "j"), "H_full": per_seed(tl.gram_w(W_full, X), "i", "j")}


H_c, H_f, ratio = sp.symbols("H_coupled H_full log2_ratio")
CLAIMS = [
    Claim(id="plantedmunteanu.gram_equals_full", title="planted: coupled H(0) equals the independent m-net's",
          citation=Citation(paper="planted false claim", where="none", source="derived"), kind=Kind.EXACT,
          statement=sp.Eq(H_c, H_f), premises=mu._init_premises, run=run_gram_vs_full,
          tolerance=Tolerance(rtol=1e-12, atol=1e-14, reason="as the true claim's"), seeds=8),
    Claim(id="plantedmunteanu.coupled_four_times_smaller",
          title="planted: coupled init needs at least 4x fewer neurons than independent init",
          citation=Citation(paper="planted false claim", where="none", source="derived"), kind=Kind.TREND,
          statement=sp.Le(ratio, -2), run=mu.run_width_thresholds,
          premises=lambda p: st.fixed_dictionaries({"d": st.just(8), "eta_frac": st.just(0.75),
                                                    "label_scale": st.just(1.0), "seed": st.just(1)}),
          tolerance=Tolerance(reason="none, as the findings'"), seeds=10),
]
'''


@pytest.fixture
def planted_results(tmp_path: Path) -> tuple[Path, list[dict]]:
    return tmp_path, verify_planted(tmp_path, stem="plantedmunteanu", source=FALSE_CLAIMS)


def test_planted_false_claims_are_refuted(planted_results, capsys: pytest.CaptureFixture[str]) -> None:
    _, claims = planted_results
    by_id = {c["id"]: c for c in claims}
    gram = by_id["plantedmunteanu.gram_equals_full"]
    assert gram["verdict"] == "refuted", gram["reason"]
    premises = gram["counterexample"]["premises"]
    assert premises["pairs"] <= 2 and premises["n"] <= 2 and premises["d"] <= 2, premises  # shrunk small
    assert main(shlex.split(gram["reproduce"])[1:]) == 1
    trend = by_id["plantedmunteanu.coupled_four_times_smaller"]
    assert trend["verdict"] == "refuted", trend["reason"]
    capsys.readouterr()
