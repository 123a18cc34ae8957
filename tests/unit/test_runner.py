"""Unit tests for verify.runner: verdicts, shrinking, probabilistic and asymptotic decisions, controls.

Every claim here is a toy written to a theorem file under ``tmp_path`` and run under the ``ci``
profile on the CPU; each run takes well under a second.
"""

from __future__ import annotations

import json
import math
import shlex
from dataclasses import replace

import pytest
import torch

from lemmata.verify.cli import main
from lemmata.verify.errors import UsageError
from lemmata.verify.profiles import PROFILES
from lemmata.verify.registry import load_claims
from lemmata.verify.runner import claim_seeds, replay, seeds_for
from lemmata.verify.stats import clopper_pearson, look_confidence, seeds_needed
from lemmata.verify.results import to_record

pytestmark = pytest.mark.unit


def _writable(res) -> None:
    """What results.json and examples.jsonl get from ``res`` is strict JSON (non-finite numbers as null + flag)."""
    flat = res.to_json()
    rows = flat.pop("example_rows")
    json.dumps(to_record(flat), allow_nan=False)
    json.dumps(rows, allow_nan=False)

COMMON = '''
n, x, u, m, size = sp.symbols("n x u m size")

def ints(lo=1, hi=50):
    def premises(profile):
        return st.fixed_dictionaries({"n": st.integers(lo, hi), "seed": st.integers(0, 2**16)})
    return premises

def seed_only(profile):
    return st.fixed_dictionaries({"seed": st.integers(0, 1000)})

def run_n(inst):
    return {"n": per_seed(torch.full((inst.S,), float(inst.premises["n"]), dtype=inst.dtype))}

def uniform(inst):
    """One U(0, 1) draw per initialization seed."""
    vals = [torch.rand((), generator=torch.Generator().manual_seed(s), dtype=inst.dtype) for s in inst.seeds]
    return {"u": per_seed(torch.stack(vals))}

def claim(name, **kw):
    base = dict(id=f"toy.{name}", title=f"toy {name}", citation=CIT, kind=Kind.EXACT,
                statement=sp.Le(n, 10), premises=ints(), run=run_n, tolerance=EXACT)
    base.update(kw)
    return Claim(**base)
'''


@pytest.fixture
def toy(write_theorem):
    """``toy(claims_src)`` writes ``toy.py`` and returns (folder, {id: claim})."""

    def make(claims_src: str):
        d = write_theorem("toy", COMMON + "\n" + claims_src)
        return d, load_claims([d], include_builtin=False)

    return make


@pytest.fixture
def toy_result(toy, run_ci):
    """``toy_result(claims_src)`` writes ``toy.py`` with ``claims_src``, which declares exactly one claim, and returns
    that claim's ci result. What varies: the module text (its run, premises and statement)."""

    def run(claims_src: str):
        _, claims = toy(claims_src)
        (only,) = claims.values()
        return run_ci(only)

    return run


def reproduce_exit(cmd: str) -> int:
    argv = shlex.split(cmd)
    assert argv[0] == "lemmata"
    return main(argv[1:])


# --- exact claims -----------------------------------------------------------------------------

def test_true_exact_claim_is_verified(toy, run_ci) -> None:
    _, claims = toy('CLAIMS = [claim("true", statement=sp.Le(n, 50))]')
    res = run_ci(claims["toy.true"])
    assert res.verdict == "verified", res.reason
    search = res.search
    assert search["stopped"] == "every planned example ran"
    assert search["phases"]["corners"] == 2 and search["phases"]["generate"] <= PROFILES["ci"].max_examples
    assert res.examples == sum(search["phases"].values()) <= search["planned"]
    assert res.seeds_per_example == PROFILES["ci"].seeds
    assert res.seeds_total == res.examples * res.seeds_per_example
    assert res.counterexample is None and res.reproduce is None
    assert res.evidence["decisions"] == {"pass": res.examples}
    assert res.evidence["errors"] == []
    # slack: n <= 50 holds with excess (n - 50)/50 <= 0, so worst slack lies in [0, 1)
    assert res.worst_slack is not None and 0.0 <= res.worst_slack < 1.0
    assert all(0 < r <= 1 for r in res.ratios) and len(res.ratios) == res.examples
    _writable(res)


def test_a_spent_shrink_budget_keeps_the_smallest_failure_so_far(toy, run_ci) -> None:
    # with no shrink budget the first failing example is the counterexample, still refuted, and the reason says so
    _, claims = toy('CLAIMS = [claim("small")]')
    res = run_ci(claims["toy.small"], profile=replace(PROFILES["ci"], shrink_examples=0))
    assert res.verdict == "refuted", res.reason
    n = res.counterexample["premises"]["n"]
    assert n > 10 and res.counterexample["failed_seeds"] > 0
    assert "budget of 0 shrink examples" in res.reason and res.search["shrink_cut"]
    # the default ci budget shrinks this cheap claim all the way (next test), without that note
    full = run_ci(claims["toy.small"])
    assert full.counterexample["premises"]["n"] == 11 and "shrink examples" not in full.reason


def test_false_claim_is_refuted_and_shrunk_to_the_boundary(toy, run_ci, capsys) -> None:
    d, claims = toy('CLAIMS = [claim("small")]')
    res = run_ci(claims["toy.small"], cli_prefix=f"lemmata --theorems {d}")
    assert res.verdict == "refuted"
    ce = res.counterexample
    assert ce["premises"]["n"] == 11
    assert ce["premises"]["seed"] == 0
    assert ce["failed_seeds"] == res.seeds_per_example == ce["seeds"]
    atom = ce["detail"]["atoms"][0]
    assert atom["lhs"] == 11.0 and atom["rhs"] == 10.0 and atom["violated"] is True
    assert "11" in res.reason
    assert res.reproduce.startswith(f"lemmata --theorems {d} replay toy.small --premises ")
    assert "--profile ci" in res.reproduce and "--device cpu" in res.reproduce
    # the reproduce command fails again
    assert reproduce_exit(res.reproduce) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out
    # and the neighbouring example holds
    assert main(["--theorems", str(d), "replay", "toy.small", "--premises", '{"n": 10, "seed": 0}']) == 0


def test_explicit_examples_are_tried_first(toy, run_ci) -> None:
    _, claims = toy('CLAIMS = [claim("explicit", premises=ints(1, 10), examples=({"n": 13, "seed": 5},))]')
    res = run_ci(claims["toy.explicit"])
    assert res.verdict == "refuted"
    assert res.counterexample["premises"] == {"n": 13, "seed": 5}


def test_vacuous_implication_is_inconclusive(toy, run_ci) -> None:
    _, claims = toy('CLAIMS = [claim("vac", statement=sp.Implies(sp.Ge(n, 100), sp.Le(n, 10)))]')
    res = run_ci(claims["toy.vac"])
    assert res.verdict == "inconclusive"
    assert "never met" in res.reason
    assert res.evidence["decisions"] == {"vacuous": res.examples}


def test_claim_seeds_and_examples_scale(toy, run_ci) -> None:
    _, claims = toy('CLAIMS = [claim("few", statement=sp.Le(n, 50), seeds=3, examples_scale=0.25)]')
    res = run_ci(claims["toy.few"])
    assert res.verdict == "verified"
    assert res.seeds_per_example == 3
    assert res.search["drawn"] == round(PROFILES["ci"].max_examples * 0.25)  # Hypothesis's first draw is the
    assert res.search["phases"]["generate"] == res.search["drawn"] - 1    # smallest corner, already run
    assert res.search["planned"] == 2 + round(PROFILES["ci"].max_examples * 0.25) + round(PROFILES["ci"].target_examples * 0.25)


def test_the_hard_timeout_is_inconclusive_and_says_how_many_examples_ran(toy, run_ci) -> None:
    _, claims = toy('CLAIMS = [claim("budget", statement=sp.Le(n, 50))]')
    res = run_ci(claims["toy.budget"], profile=replace(PROFILES["ci"], timeout_s=0.0))
    assert res.verdict == "inconclusive"
    assert f"ran 0 of {res.search['planned']} planned examples before the hard timeout" in res.reason
    assert res.search["timed_out"] and res.search["stopped"].startswith("hard timeout")


def test_progress_receives_one_event_per_example(toy, run_ci) -> None:
    _, claims = toy('CLAIMS = [claim("prog", statement=sp.Le(n, 50))]')
    events: list[dict] = []
    res = run_ci(claims["toy.prog"], progress=events.append)
    assert [e["examples"] for e in events] == list(range(1, res.examples + 1))
    assert all(e["claim"] == "toy.prog" and e["event"] == "example" for e in events)


def test_seeds_for_is_deterministic_and_distinct() -> None:
    a = seeds_for({"seed": 3}, 64)
    assert a == seeds_for({"seed": 3}, 64) and len(set(a)) == 64
    assert not set(a) & set(seeds_for({"seed": 4}, 64))


# --- probabilistic claims ---------------------------------------------------------------------

def test_probabilistic_seed_count_is_raised_for_small_delta(toy) -> None:
    _, claims = toy('CLAIMS = [claim("p", kind=Kind.PROBABILISTIC, delta=0.01, statement=sp.Le(u, 0.5), run=uniform)]')
    ci = PROFILES["ci"]
    S = claim_seeds(claims["toy.p"], ci)
    look = look_confidence(ci.confidence, ci.max_batches)
    assert S == max(ci.seeds, seeds_needed(0.01, look))
    assert clopper_pearson(0, S, look)[1] <= 0.01  # one clean batch can pass on its own


def test_probabilistic_half_failures_is_refuted_with_an_interval(toy, run_ci) -> None:
    _, claims = toy('CLAIMS = [claim("half", kind=Kind.PROBABILISTIC, delta=0.1, statement=sp.Le(u, 0.5), '
                    'premises=seed_only, run=uniform)]')
    res = run_ci(claims["toy.half"])
    assert res.verdict == "refuted"
    ce = res.counterexample
    S, n = res.seeds_per_example, ce["seeds"] * ce["batches"]
    assert S == PROFILES["ci"].seeds and ce["batches"] == 1  # half the seeds fail: one look decides
    k = ce["failed_seeds"]
    assert 0.2 * n < k < 0.8 * n
    lo, hi = ce["interval"]
    assert (lo, hi) == pytest.approx(clopper_pearson(k, n, look_confidence(0.95, PROFILES["ci"].max_batches)))
    assert 0.1 < lo < k / n < hi
    assert res.evidence["replication"]["decision"] == "fail"  # and it replicated on fresh seeds
    assert res.confidence == 0.95 and res.delta == 0.1
    assert len(ce["failing_seeds"]) == min(8, k)


def test_probabilistic_never_failing_is_verified(toy, run_ci) -> None:
    _, claims = toy('CLAIMS = [claim("never", kind=Kind.PROBABILISTIC, delta=0.1, statement=sp.Le(u, 1), '
                    'premises=seed_only, run=uniform)]')
    res = run_ci(claims["toy.never"])
    assert res.verdict == "verified", res.reason
    assert "Clopper" in res.reason and "0.1" in res.reason
    assert res.evidence["failed_seeds_total"] == 0
    assert res.evidence["worst_example"]["interval"][1] <= 0.1


def test_probabilistic_few_failures_are_tolerated(toy_result) -> None:
    # exactly 1 of S seeds fails: CP upper bound for 1/72 is about 0.075 <= delta = 0.2
    res = toy_result(
        'def one_fails(inst):\n'
        '    v = torch.zeros(inst.S, dtype=inst.dtype); v[0] = 1.0\n'
        '    return {"u": per_seed(v)}\n'
        'CLAIMS = [claim("few", kind=Kind.PROBABILISTIC, delta=0.2, statement=sp.Le(u, 0.5), '
        'premises=seed_only, run=one_fails)]'
    )
    assert res.verdict == "verified", res.reason
    assert res.evidence["failed_seeds_total"] == res.examples
    # the worst slack of a passing example is read over its seeds that held (u = 0 against 0.5: gap −1),
    # not over the one failure δ allows (u = 1: gap +0.5)
    assert res.worst_slack == pytest.approx(1.0)


def test_probabilistic_undecided_is_inconclusive(toy_result) -> None:
    # 6 of every 64 seeds fail, batch after batch: after 4 batches the CP interval straddles delta = 0.1
    res = toy_result(
        'def some_fail(inst):\n'
        '    return {"u": per_seed(torch.arange(inst.S, dtype=inst.dtype) / inst.S)}\n'
        'CLAIMS = [claim("straddle", kind=Kind.PROBABILISTIC, delta=0.1, statement=sp.Le(u, 0.9), '
        'premises=seed_only, run=some_fail)]'
    )
    assert res.seeds_per_example == 64
    assert res.verdict == "inconclusive"
    assert "δ=0.1" in res.reason and "within 4 batches" in res.reason
    assert res.evidence["decisions"] == {"undecided": res.examples}
    assert res.search["batches"] == 4 * res.examples  # every example used the profile's whole cap


def test_probabilistic_nan_seeds_are_not_silently_verified(toy_result) -> None:
    res = toy_result(
        'def half_nan(inst):\n'
        '    v = torch.zeros(inst.S, dtype=inst.dtype); v[::2] = math.nan\n'
        '    return {"u": per_seed(v)}\n'
        'CLAIMS = [claim("halfnan", kind=Kind.PROBABILISTIC, delta=0.1, statement=sp.Le(u, 0.5), '
        'premises=seed_only, run=half_nan)]'
    )
    assert res.evidence["nonfinite_seeds_total"] > 0
    assert res.verdict != "verified" or "NaN" in res.reason


# --- controls ---------------------------------------------------------------------------------

CONTROLS = '''
parent = claim("pos", statement=sp.Ge(n, 1))
CLAIMS = [
    parent,
    control(parent, name="pos_breaks", premises=ints(-5, 5), broken="n >= 1"),
    control(parent, name="pos_holds", premises=ints(1, 50), broken="nothing really"),
    claim("manual_breaks", statement=sp.Le(n, 10), expect="breaks", broken_premise="n <= 10"),
    claim("manual_holds", statement=sp.Le(n, 50), expect="breaks", broken_premise="n <= 10"),
]
'''


def test_control_is_verified_when_the_conclusion_fails(toy, run_ci) -> None:
    d, claims = toy(CONTROLS)
    res = run_ci(claims["toy.pos_breaks"], cli_prefix=f"lemmata --theorems {d}")
    assert res.verdict == "verified", res.reason
    assert res.expect == "breaks" and res.control_of == "toy.pos" and res.broken_premise == "n >= 1"
    assert res.counterexample["premises"]["n"] == 0  # shrunk towards zero: the first n that breaks n >= 1
    assert "as expected" in res.reason
    assert reproduce_exit(res.reproduce) == 1


def test_control_is_refuted_when_the_conclusion_never_fails(toy, run_ci) -> None:
    _, claims = toy(CONTROLS)
    res = run_ci(claims["toy.pos_holds"])
    assert res.verdict == "refuted"
    assert "nothing really" in res.reason and "not needed" in res.reason
    assert res.counterexample is None


def test_expect_breaks_without_control_helper(toy, run_ci) -> None:
    _, claims = toy(CONTROLS)
    assert run_ci(claims["toy.manual_breaks"]).verdict == "verified"
    assert run_ci(claims["toy.manual_holds"]).verdict == "refuted"


# --- errors and numerics ----------------------------------------------------------------------

def test_run_that_raises_is_inconclusive_with_the_error(toy_result) -> None:
    res = toy_result(
        'def boom(inst):\n'
        '    raise ValueError("the solver blew up at n=%d" % inst.premises["n"])\n'
        'CLAIMS = [claim("boom", run=boom)]'
    )
    assert res.verdict == "inconclusive"
    assert "ValueError" in res.reason and "the solver blew up" in res.reason
    assert "\n" not in res.reason
    assert res.evidence["errors"] and "Traceback" in res.evidence["errors"][0]
    assert res.examples == 0


def test_nan_run_is_inconclusive_mentioning_nan(toy_result) -> None:
    res = toy_result(
        'def nan_run(inst):\n'
        '    return {"n": per_seed(torch.full((inst.S,), math.nan, dtype=inst.dtype))}\n'
        'CLAIMS = [claim("nan", run=nan_run)]'
    )
    assert res.verdict == "inconclusive"
    assert "NaN" in res.reason
    assert res.evidence["nonfinite_seeds_total"] == res.examples * res.seeds_per_example
    assert res.worst_slack is None
    _writable(res)


def test_partially_nan_exact_run_is_inconclusive(toy_result) -> None:
    res = toy_result(
        'def some_nan(inst):\n'
        '    v = torch.zeros(inst.S, dtype=inst.dtype); v[3] = math.nan\n'
        '    return {"n": per_seed(v)}\n'
        'CLAIMS = [claim("somenan", run=some_nan)]'
    )
    assert res.verdict == "inconclusive" and "NaN" in res.reason


def test_divergence_to_inf_is_a_counterexample(toy_result) -> None:
    res = toy_result(
        'def diverge(inst):\n'
        '    v = torch.zeros(inst.S, dtype=inst.dtype)\n'
        '    if inst.premises["n"] > 30:\n'
        '        v[1] = math.inf\n'
        '    return {"n": per_seed(v)}\n'
        'CLAIMS = [claim("inf", run=diverge)]'
    )
    assert res.verdict == "refuted"
    assert res.counterexample["premises"]["n"] == 31
    assert res.counterexample["failed_seeds"] == 1
    assert res.counterexample["detail"]["atoms"][0]["lhs"] == math.inf
    _writable(res)


def test_non_scalar_premise_is_inconclusive_about_json_scalars(toy_result) -> None:
    res = toy_result(
        'def listy(profile):\n'
        '    return st.fixed_dictionaries({"n": st.just([1, 2]), "seed": st.just(0)})\n'
        'CLAIMS = [claim("listy", premises=listy)]'
    )
    assert res.verdict == "invalid"
    assert "JSON scalars" in res.reason and "'n'" in res.reason


def test_missing_symbol_at_run_time_is_reported_naming_the_symbol(toy_result) -> None:
    res = toy_result(
        'def wrong_name(inst):\n'
        '    return {"nn": per_seed(torch.zeros(inst.S, dtype=inst.dtype))}\n'
        'CLAIMS = [claim("missing", run=wrong_name)]'
    )
    assert res.verdict == "invalid"
    assert "'n'" in res.reason and "toy.missing" in res.reason


def test_replay_checks_its_premises(toy) -> None:
    _, claims = toy('CLAIMS = [claim("small")]')
    with pytest.raises(UsageError):
        replay(claims["toy.small"], [("n", 3)], profile=PROFILES["ci"], device=torch.device("cpu"),  # type: ignore[arg-type]
               dtype=torch.float64)
    rec = replay(claims["toy.small"], {"n": 12, "seed": 1}, profile=PROFILES["ci"], device=torch.device("cpu"),
                 dtype=torch.float64)
    assert rec.decision == "fail" and rec.failed_seeds == rec.seeds == 64


# --- asymptotic claims ------------------------------------------------------------------------

ASYM = '''
def run_m(inst):
    return {"m": per_seed(torch.full((inst.S,), float(inst.premises["m"]), dtype=inst.dtype))}

def ladder(premises, profile):
    return [1, 2, 4, 8, 16, 32]

def asym(name, practical, theory=sp.Integer(16), **kw):
    base = dict(kind=Kind.ASYMPTOTIC, statement=sp.Ge(m, 4), premises=seed_only, run=run_m,
                regime=Regime(size="m", ladder=ladder, practical=practical, theory=theory, note="toy regime"))
    base.update(kw)
    return claim(name, **base)
'''


def test_asymptotic_threshold_and_regime_verified(toy, run_ci) -> None:
    _, claims = toy(ASYM + 'CLAIMS = [asym("from8", sp.Integer(8))]')
    res = run_ci(claims["toy.from8"])
    assert res.verdict == "verified", res.reason
    assert res.thresholds and len(res.thresholds) == res.examples
    for t in res.thresholds:
        assert t["threshold"] == 4
        assert t["practical_min"] == 8.0
        assert t["theory_size"] == 16.0
        assert [s["size"] for s in t["sizes"]] == [1, 2, 4, 8, 16, 32]
        assert [s["held"] for s in t["sizes"]] == [False, False, True, True, True, True]
        assert "m" not in t["premises"]
    assert res.regime == {"size": "m", "practical": "8", "theory": "16", "note": "toy regime", "explicit": None,
                          "explicit_note": ""}


def test_asymptotic_refuted_inside_the_declared_regime(toy, run_ci) -> None:
    d, claims = toy(ASYM + 'CLAIMS = [asym("from2", sp.Integer(2))]')
    res = run_ci(claims["toy.from2"], cli_prefix=f"lemmata --theorems {d}")
    assert res.verdict == "refuted"
    ce = res.counterexample
    assert ce["premises"]["m"] == 2  # the first size of the regime that did not hold
    assert [s["held"] for s in ce["sizes"]] == [False, False, True, True, True, True]
    assert res.thresholds[-1]["threshold"] == 4
    assert reproduce_exit(res.reproduce) == 1


def test_asymptotic_practical_regime_may_use_premises(toy, run_ci) -> None:
    _, claims = toy(ASYM + 'k = sp.Symbol("k")\n'
                    'def kprem(profile):\n'
                    '    return st.fixed_dictionaries({"k": st.integers(2, 5), "seed": st.just(0)})\n'
                    'CLAIMS = [asym("byk", 2 * k, theory=k**2, premises=kprem)]')
    res = run_ci(claims["toy.byk"])
    # practical = 2k >= 4 for every k drawn, so the claim holds inside the regime
    assert res.verdict == "verified", res.reason
    for t in res.thresholds:
        assert t["practical_min"] == 2 * t["premises"]["k"]
        assert t["theory_size"] == t["premises"]["k"] ** 2


def test_asymptotic_regime_beyond_the_ladder_is_inconclusive(toy, run_ci) -> None:
    _, claims = toy(ASYM + 'CLAIMS = [asym("far", sp.Integer(64))]')
    res = run_ci(claims["toy.far"])
    assert res.verdict == "inconclusive"
    assert "practical regime" in res.reason


def test_asymptotic_claim_decides_each_size_against_delta(toy, run_ci) -> None:
    # one failing seed in 64 per size: the CP upper bound (about 0.085) is below delta = 0.1; without delta, refuted
    _, claims = toy(ASYM + 'def one_bad(inst):\n'
                    '    v = torch.full((inst.S,), float(inst.premises["m"]), dtype=inst.dtype); v[0] = 0.0\n'
                    '    return {"m": per_seed(v)}\n'
                    'CLAIMS = [asym("tol", sp.Integer(8), delta=0.1, run=one_bad), '
                    'asym("strict", sp.Integer(8), run=one_bad)]')
    assert run_ci(claims["toy.tol"]).verdict == "verified"
    assert run_ci(claims["toy.strict"]).verdict == "refuted"


def test_asymptotic_result_is_json_even_when_the_theory_scale_overflows(toy, run_ci) -> None:
    _, claims = toy(ASYM + 'CLAIMS = [asym("huge", sp.Integer(8), theory=sp.exp(sp.Integer(1000)))]')
    res = run_ci(claims["toy.huge"])
    assert res.verdict == "verified"
    _writable(res)


# --- reproduce commands -----------------------------------------------------------------------

def test_reproduce_command_survives_quotes_in_string_premises(toy, run_ci) -> None:
    d, claims = toy(
        'def tagged(profile):\n'
        '    return st.fixed_dictionaries({"n": st.integers(1, 50), "tag": st.just("it\'s"), "seed": st.just(0)})\n'
        'CLAIMS = [claim("quoted", premises=tagged)]'
    )
    res = run_ci(claims["toy.quoted"], cli_prefix=f"lemmata --theorems {d}")
    assert res.verdict == "refuted" and res.counterexample["premises"]["tag"] == "it's"
    assert reproduce_exit(res.reproduce) == 1


@pytest.mark.parametrize("run_src", [
    'def bad_run(inst):\n    return {"n": per_seed(torch.full((inst.S,), math.nan, dtype=inst.dtype))}\n',
    'def bad_run(inst):\n    return {"n": per_seed(torch.arange(inst.S, dtype=inst.dtype) / inst.S)}\n',
], ids=["nan", "undecided"])
def test_control_without_evidence_is_inconclusive(toy, run_ci, run_src: str) -> None:
    _, claims = toy(run_src + 'CLAIMS = [claim("ctl", kind=Kind.PROBABILISTIC, delta=0.1, statement=sp.Le(n, 0.9), '
                    'premises=seed_only, run=bad_run, expect="breaks", broken_premise="p")]')
    res = run_ci(claims["toy.ctl"])
    assert res.verdict == "inconclusive", res.reason


def test_claim_against_an_infinite_bound_is_not_verified(toy_result) -> None:
    res = toy_result(
        'y = sp.Symbol("y")\n'
        'def with_bound(inst):\n'
        '    return {"n": per_seed(torch.full((inst.S,), float(inst.premises["n"]), dtype=inst.dtype)), "y": math.inf}\n'
        'CLAIMS = [claim("infbound", statement=sp.Ge(n, y), run=with_bound)]'
    )
    assert res.verdict != "verified", res.reason


def test_run_may_reject_premises_with_assume(write_theorem, run_ci) -> None:
    """A run that calls hypothesis.assume() for rare bad draws gets other draws, not an error."""
    folder = write_theorem("rejects", '''
from hypothesis import assume
x, y = sp.symbols("x y")
def run(inst):
    assume(inst.premises["n"] % 2 == 0)
    return {"x": per_seed(torch.full((inst.S,), float(inst.premises["n"]), dtype=torch.float64)), "y": 100.0}
CLAIMS = [Claim(id="rejects.even", title="even n <= 100", citation=CIT, kind=Kind.EXACT, statement=sp.Le(x, y),
    premises=lambda p: st.fixed_dictionaries({"n": st.integers(0, 50), "seed": st.just(0)}), run=run,
    tolerance=EXACT)]
''')
    from lemmata.verify.registry import load_claims

    res = run_ci(load_claims([folder], include_builtin=False)["rejects.even"])
    assert res.verdict == "verified", res.reason
    assert res.examples >= 1 and not res.evidence["errors"]


# --- tightness --------------------------------------------------------------------------------

def test_tightness_is_measured_over_the_whole_run_on_the_seeds_that_held(toy_result) -> None:
    res = toy_result(
        'from lemmata.verify import Tightness\n'
        'k = sp.Symbol("k")\n'
        'def curve(inst):\n'
        '    steps = torch.arange(1, 6, dtype=inst.dtype)\n'
        '    loss = steps.expand(inst.S, 5) * inst.premises["n"] / 100.0\n'
        '    return {"x": per_seed(loss, "k"), "b": shared(steps, "k")}\n'
        'x, b = sp.symbols("x b")\n'
        'CLAIMS = [claim("tight", statement=sp.Le(x, b), run=curve, premises=ints(1, 50),\n'
        '                tightness=Tightness(expr=x / b, meaning="loss over its bound", reduce="last"))]'
    )
    assert res.verdict == "verified", res.reason
    t = res.tightness
    assert t["declared"] and t["inequality"] and t["meaning"] == "loss over its bound"
    assert t["tightest"] == pytest.approx(0.5) and t["loosest"] == pytest.approx(0.01)  # n/100 at n = 50 and n = 1
    assert 0.01 <= t["median"] <= 0.5 and t["seeds"] == res.examples * res.seeds_per_example


def test_an_undeclared_tightness_is_reported_as_such(toy, run_ci) -> None:
    _, claims = toy('CLAIMS = [claim("plain", statement=sp.Le(n, 50))]')
    res = run_ci(claims["toy.plain"])
    assert res.tightness == {"inequality": True, "declared": False}


def test_the_hard_timeout_also_stops_hypothesis_generation(toy, run_ci) -> None:
    """Premises that are not a box (a flatmap) have no corners: the timeout must end Hypothesis's own phase."""
    _, claims = toy(
        'import time\n'
        'def slow(inst):\n'
        '    time.sleep(0.2)\n'
        '    return {"n": 1.0}\n'
        'def flat(profile):\n'
        '    return st.integers(0, 100).flatmap(lambda k: st.fixed_dictionaries({"n": st.just(k), "seed": st.just(0)}))\n'
        'CLAIMS = [claim("slowgen", run=slow, premises=flat)]'
    )
    res = run_ci(claims["toy.slowgen"], profile=replace(PROFILES["ci"], timeout_s=0.7))
    assert res.verdict == "inconclusive" and "before the hard timeout" in res.reason
    assert 1 <= res.search["phases"]["generate"] < PROFILES["ci"].max_examples and not res.search["box"]
