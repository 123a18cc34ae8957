"""Lyu & Li, "Gradient descent maximizes the margin of homogeneous neural networks", ICLR 2020, arXiv 1906.05890
(cited by seed 003, Poggio et al. 2020; formulas in shared/CLAIMS.md, section poggio2020, row "smoothed margin").
Implementation: :mod:`impl.homogeneous`; premises, data and the loss-based GD are shared with
:mod:`theorems.poggio2020`, the linear flow with :mod:`theorems.soudry2018`.

A network f(θ; x) positively homogeneous of degree K in θ (here bias-free ReLU networks), exponential or logistic
loss L = Σ_n ℓ(q_n), q_n = y_n f(θ; x_n). The smoothed margin is γ̃ = g(log 1/L)/‖θ‖^K, with g(x) = x for the
exponential loss and g(x) = −log(exp(e^{−x}) − 1) for the logistic one. The paper's Theorem 4.1 (number recalled):
under gradient flow, once L(t₀) < ℓ(0), γ̃ is non-decreasing for t ≥ t₀. Under the flow,
dγ̃/dt = A(1 − B/A) with A > 0, so the statement is B/A ≤ 1 at every state with L < ℓ(0) (an inequality about
the gradient at the state: Cauchy–Schwarz plus Euler's identity ⟨θ, ∇q_n⟩ = K q_n).

Items, by role:

* ``smoothed_margin_rate`` (claim): B/A ≤ 1 at the states of a GD run (K ≤ 3), checked exactly from the
  gradient; ``smoothed_margin_loss_control`` breaks L < ℓ(0).
* ``smoothed_margin_flow`` (claim): along the accurately integrated linear flow (K = 1), γ̃ never decreases.

Tightness for both: the largest B/A over the checked states (1 = γ̃ momentarily stationary, the bound is met).

* ``smoothed_margin_gd`` (claim, issue 17): γ̃ non-decreasing along GD itself, at every step of a loss-based GD run
  with our declared η₀ = ½; ``smoothed_margin_gd_large_step_control`` breaks "small steps" (η₀ = 20–50). Refuted at
  η₀ = ½ on a few seeds (tests/claims/known.py): our step, not the paper's condition, which is not evaluated.

NOTE (issue 17): the paper's other results are not encoded: convergence to an (ε, δ)-approximate KKT point and of the
normalized margin to a KKT value (poggio2020.kkt_residual_shrinks is only our fixed-horizon proxy), and the rates
L = Θ(1/(t(log t)^{2−2/K})), ‖θ‖ = Θ((log t)^{1/K}) (poggio2020.norm_growth_log was removed: its clock made it
true by construction; see the poggio2020 module docstring).
"""

from __future__ import annotations

import math
from typing import Any

import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.impl import homogeneous as hm
from lemmata.theorems.poggio2020 import LOG_L0, NGD_ETA, _data, _flat, _init, _loss_gd, net_premises
from lemmata.theorems.soudry2018 import linear_premises, run_linear_flow
from lemmata.verify import Citation, Claim, Covered, Figure, Instance, Kind, Tightness, Tolerance, control, per_seed, shared

PAPER = "Lyu & Li (2020), Gradient descent maximizes the margin of homogeneous neural networks, ICLR"
ARXIV = "1906.05890"


def cite(where: str, source: str = "paper", note: str = "") -> Citation:
    return Citation(paper=PAPER, where=where, arxiv=ARXIV, source=source, note=note)  # type: ignore[arg-type]


def _where_checked(ratio: torch.Tensor, checked: torch.Tensor) -> torch.Tensor:
    """B/A where the state is checked, NaN elsewhere (the tightness figure reads only checked states)."""
    return torch.where(checked, ratio, torch.full_like(ratio, math.nan))


RATIO_TIGHTNESS = Tightness(sp.Symbol("rate_ratio_checked"),
                            "the largest B/A over the checked states (dγ̃/dt = A(1 − B/A); 1 = γ̃ momentarily "
                            "stationary, i.e. the bound met)")


# ---------------------------------------------------------------------------------------------
# the smoothed margin at the states of a network's GD run
# ---------------------------------------------------------------------------------------------

def run_smoothed_margin_rate(inst: Instance) -> dict[str, Any]:
    """States along a loss-based GD run: B/A of dγ̃/dt = A(1 − B/A), and whether L < ℓ(0) there."""
    steps = inst.profile.pick(300, 600, 1500)
    X, y, params, logL, _ = _loss_gd(inst, steps=steps, every=10, cap=inst.profile.pick(60.0, 100.0, 200.0))
    flat, S, R = _flat(params)
    ratio = hm.smoothed_margin_ratio(flat, X, y, loss=inst.premises["loss"]).reshape(S, R)
    checked = logL < LOG_L0[inst.premises["loss"]]
    # A network that died in an early large step (every ReLU off: f = 0, L = n·ℓ(0), ∇L = 0) has B/A = 0/0. Those
    # states have L ≥ ℓ(0) and are not checked, but a NaN anywhere makes the example non-finite: they get B/A = 0
    # (γ̃ does not move). A NaN at a checked state is kept.
    ratio = torch.where(torch.isnan(ratio) & ~checked, torch.zeros_like(ratio), ratio)
    return {"rate_ratio": per_seed(ratio, "record"), "checked": per_seed(checked.to(inst.dtype), "record"),
            "rate_ratio_checked": per_seed(_where_checked(ratio, checked), "record")}


rate_ratio, checked = sp.symbols("rate_ratio checked")

smoothed_margin_rate = Claim(
    id="lyuli2020.smoothed_margin_rate",
    title="Once L < ℓ(0), the smoothed margin γ̃ = g(log 1/L)/‖θ‖^K is non-decreasing under the flow "
          "(dγ̃/dt = A(1 − B/A) with B/A ≤ 1), at the states of a GD run",
    citation=cite("Theorem 4.1 and its proof (numbers recalled): γ̃ non-decreasing for t ≥ t₀ once L(t₀) < ℓ(0)",
                  "paper", "abstract [paper]: 'if the training loss decreases below a certain threshold, then we can "
                  "define a smoothed version of the normalized margin which increases over time'; "
                  "dγ̃/dt ≥ 0 ⇔ ‖∇L‖²‖θ‖² ≥ K·L·g(log 1/L)/g′(log 1/L)·⟨θ, −∇L⟩ (Cauchy–Schwarz and Euler)"),
    kind=Kind.EXACT,
    statement=sp.Implies(sp.Ge(checked, 1), sp.Le(rate_ratio, 1)),
    premises=lambda p: net_premises(p, max_scale=1.5),
    run=run_smoothed_margin_rate,
    tolerance=Tolerance(rtol=1e-9, reason="float64 round-off in ‖∇log L‖², ⟨θ, ∇log L⟩ and log L (relative ≲ 1e-13); "
                                          "B/A approaches 1 from below late in training, so the slack is kept tight"),
    recalled=("the theorem numbering in Lyu & Li 2020", "g(x) = −log(exp(e^{−x}) − 1) for the logistic loss"),
    tightness=RATIO_TIGHTNESS,
    seeds=8,
    examples_scale=0.75,
    symbols={"rate_ratio": "B/A: dγ̃/dt ≥ 0 iff ≤ 1 (exact, from the gradient at the state)",
             "checked": "1 where L < ℓ(0) at the state (the theorem's premise)",
             "rate_ratio_checked": "B/A at the checked states (NaN elsewhere)"},
    given="states of a GD run with the loss-based step (explicit Euler for the flow), recorded every 10 steps",
)


def run_smoothed_margin_high_loss(inst: Instance) -> dict[str, Any]:
    """Random states (some with the output's sign flipped) where L ≥ ℓ(0): the same ratio, every state checked."""
    X, y = _data(inst)
    Ws = _init(inst)
    if inst.premises["flip"]:
        Ws = (*Ws[:-1], -Ws[-1])
    loss = inst.premises["loss"]
    ratio = hm.smoothed_margin_ratio(Ws, X, y, loss=loss)
    high = hm.log_loss(Ws, X, y, loss=loss) >= LOG_L0[loss]
    # the premise is dropped: states with L ≥ ℓ(0) are checked (states with L < ℓ(0) are left out)
    return {"rate_ratio": per_seed(ratio), "checked": per_seed(high.to(inst.dtype)),
            "rate_ratio_checked": per_seed(_where_checked(ratio, high))}


smoothed_margin_loss_control = control(
    smoothed_margin_rate,
    name="smoothed_margin_loss_control",
    premises=lambda p: net_premises(p, flip=st.booleans()),
    run=run_smoothed_margin_high_loss,
    broken="L < ℓ(0) (here states with L ≥ ℓ(0), e.g. mostly misclassified)",
    title="Control: where L ≥ ℓ(0) the smoothed margin can decrease along the flow (B/A > 1)",
)


# ---------------------------------------------------------------------------------------------
# the smoothed margin along the accurately integrated linear flow (K = 1)
# ---------------------------------------------------------------------------------------------

def run_smoothed_margin_flow(inst: Instance) -> dict[str, Any]:
    """Consecutive records of the linear flow: γ̃(t_{i+1}) − γ̃(t_i), checked where L(t_i) < ℓ(0); and B/A at
    the records."""
    r = run_linear_flow(inst)
    sm = r["smoothed"]
    below = torch.log(r["L"]) < LOG_L0[inst.premises["loss"]]
    S, R = sm.shape
    ratio = hm.smoothed_margin_ratio(r["flat"], r["X"], r["y"], loss=inst.premises["loss"]).reshape(S, R)
    nan = torch.tensor(math.nan, dtype=sm.dtype, device=sm.device)
    # "step" i is the interval from record i to i + 1 (R − 1 of them), checked where L < ℓ(0) at its start
    return {"margin_increment": per_seed(sm[:, 1:] - sm[:, :-1], "step"),
            "checked": per_seed(below[:, :-1].to(inst.dtype), "step"),
            "raw_increment": per_seed(r["min_margin"][:, 1:] - r["min_margin"][:, :-1], "step"),
            "rate_ratio_checked": per_seed(_where_checked(ratio, below), "record"),
            # for the figure: only where L < ℓ(0), where γ̃ means a margin
            "smoothed": per_seed(torch.where(below, sm, nan), "record"),
            "min_margin": per_seed(torch.where(below, r["min_margin"], nan), "record"),
            "log_t": shared(r["log_t"][0], "record")}


increment = sp.Symbol("margin_increment")

smoothed_margin_flow = Claim(
    id="lyuli2020.smoothed_margin_flow",
    title="Along the flow (linear model, K = 1): once L < ℓ(0), γ̃(t) = g(log 1/L)/‖w‖ never decreases",
    citation=cite("Theorem 4.1 (number recalled), K = 1", "paper"),
    kind=Kind.EXACT,
    statement=sp.Implies(sp.Ge(checked, 1), sp.Ge(increment, 0)),
    premises=linear_premises,
    run=run_smoothed_margin_flow,
    tolerance=Tolerance(atol=1e-7, reason="solver error: rtol 1e-9 per step over ≤ 10³ steps moves γ̃ by ≲ 1e-7 "
                                          "(measured increments ≥ 1e-4 where checked)"),
    recalled=("the theorem numbering in Lyu & Li 2020",),
    tightness=RATIO_TIGHTNESS,
    seeds=8,
    examples_scale=0.5,
    symbols={"margin_increment": "γ̃(t_{i+1}) − γ̃(t_i) on the log-time grid (Δ log t = 0.5)",
             "checked": "1 where L(t_i) < ℓ(0)", "smoothed": "smoothed margin γ̃", "min_margin": "min_n q_n/‖w‖",
             "rate_ratio_checked": "B/A at the records with L < ℓ(0) (NaN elsewhere)"},
    given="the raw normalized margin min_n q_n/‖w‖ need not be monotone (it is plotted beside γ̃)",
    figures=(Figure("smoothed margin γ̃ and normalized min margin against log t (linear)", x="log_t",
                    ys=("smoothed", "min_margin"), xlabel="log t", ylabel="margin"),),
)


# ---------------------------------------------------------------------------------------------
# the smoothed margin along GD itself (issue 17): γ̃(θ_{t+1}) ≥ γ̃(θ_t) at every step, not a flow inequality
# ---------------------------------------------------------------------------------------------

def run_smoothed_margin_gd(inst: Instance) -> dict[str, Any]:
    """GD with the loss-based step η_t = η₀/(L·max(1, log 1/L)^{2−2/K}) recorded at every step: γ̃ before and after
    each step, checked where L < ℓ(0) before it."""
    X, y = _data(inst)
    steps = inst.profile.pick(300, 600, 1500)
    loss = inst.premises["loss"]
    tr = hm.gd_trajectory(_init(inst), X, y, eta=float(inst.premises.get("eta0", NGD_ETA)), steps=steps,
                          record=list(range(steps + 1)), loss=loss, schedule="loss",
                          max_log_inv_loss=inst.profile.pick(60.0, 100.0, 200.0))
    flat, S, R = _flat(tr.params)
    sm = hm.smoothed_margin(flat, X, y, loss=loss).reshape(S, R)
    below = tr.log_loss < LOG_L0[loss]
    # a diverged seed's records are frozen (equal γ̃), not NaN; γ̃ is NaN only where g is undefined (L ≥ ℓ(0), logistic)
    nan = torch.tensor(math.nan, dtype=sm.dtype, device=sm.device)
    sm_checked = torch.where(below, sm, nan)
    return {"margin_before": per_seed(torch.where(below[:, :-1], sm[:, :-1], torch.zeros_like(sm[:, :-1])), "step"),
            "margin_after": per_seed(torch.where(below[:, :-1], sm[:, 1:], torch.zeros_like(sm[:, 1:])), "step"),
            "checked": per_seed(below[:, :-1].to(inst.dtype), "step"),
            "smoothed": per_seed(sm_checked, "record"), "t_step": shared(tr.steps.to(inst.dtype), "record")}


margin_before, margin_after = sp.symbols("margin_before margin_after")

smoothed_margin_gd = Claim(
    id="lyuli2020.smoothed_margin_gd",
    title="Along gradient descent (loss-based step, η₀ = ½): once L < ℓ(0), γ̃(θ_{t+1}) ≥ γ̃(θ_t) at every step",
    citation=cite("the gradient-descent version of Theorem 4.1 (appendix; number and step-size condition recalled)",
                  "recalled", "the paper proves γ̃ non-decreasing along GD for steps small against the local "
                  "smoothness; the loss-based step η₀/(L·max(1, log 1/L)^{2−2/K}) with η₀ = ½ is ours, declared "
                  "(poggio2020's NGD_ETA, the same runs)"),
    kind=Kind.EXACT,
    statement=sp.Implies(sp.Ge(checked, 1), sp.Ge(margin_after, margin_before)),
    premises=lambda p: net_premises(p, max_scale=1.5),
    run=run_smoothed_margin_gd,
    tolerance=Tolerance(rtol=1e-12, reason="float64 round-off of log L (≈ 1e-16·n relative) and of ‖θ‖^K in γ̃: "
                                           "≲ 1e-14 relative; steps late in the run change γ̃ by ≳ 1e-9"),
    recalled=("the theorem's number and its step-size condition (the paper's GD analysis)",),
    seeds=8,
    examples_scale=0.75,
    symbols={"margin_before": "γ̃(θ_t) (0 where unchecked)", "margin_after": "γ̃(θ_{t+1}) (0 where unchecked)",
             "checked": "1 where L(θ_t) < ℓ(0)", "smoothed": "γ̃ where L < ℓ(0)", "t_step": "GD step"},
    given="every step of a loss-based GD run (K ≤ 3, bias-free ReLU nets, exponential or logistic loss)",
    tightness=Tightness(margin_before / margin_after, "the largest γ̃(θ_t)/γ̃(θ_{t+1}) over the checked steps (1 = a "
                                                      "step left γ̃ unchanged)", reduce="max"),
    figures=(Figure("smoothed margin γ̃ along GD (where L < ℓ(0))", x="t_step", ys=("smoothed",), xlabel="GD step",
                    ylabel="γ̃"),),
)

smoothed_margin_gd_large_step = control(
    smoothed_margin_gd,
    name="smoothed_margin_gd_large_step_control",
    premises=lambda p: net_premises(p, max_scale=1.5, eta0=st.floats(20.0, 50.0)),
    broken="a step small against the local smoothness (here η₀ = 20–50 in the loss-based step)",
    title="Control: with loss-based steps 40–100× larger, γ̃ decreases at some GD step",
)


CLAIMS = [
    smoothed_margin_rate,
    smoothed_margin_loss_control,
    smoothed_margin_flow,
    smoothed_margin_gd,
    smoothed_margin_gd_large_step,
]


# ---------------------------------------------------------------------------------------------
# coverage map (issue 16). The abstract (ICLR version, arXiv listing) confirms the statements; no theorem number
# was confirmed by search: "Theorem 4.1" is recalled, the others are named by content.
# ---------------------------------------------------------------------------------------------

COVERAGE = [
    Covered(
        where="Theorem 4.1 (number recalled): the smoothed margin is non-decreasing under gradient flow",
        statement="for a K-homogeneous model with exponential or logistic loss, once L(t₀) < ℓ(0) the smoothed "
                  "margin γ̃ = g(log 1/L)/‖θ‖^K is non-decreasing for t ≥ t₀",
        status="encoded",
        claims=("lyuli2020.smoothed_margin_rate", "lyuli2020.smoothed_margin_loss_control",
                "lyuli2020.smoothed_margin_flow"),
        why="smoothed_margin_rate checks dγ̃/dt ≥ 0 (B/A ≤ 1) exactly from the gradient at the states of a GD run "
            "(a pointwise statement about the flow, K ≤ 3); smoothed_margin_flow checks γ̃ along an accurately "
            "integrated flow for K = 1 only; the control drops L < ℓ(0)",
    ),
    Covered(
        where="gradient descent: the smoothed margin is non-decreasing along GD (number not confirmed)",
        statement="for gradient descent with a step size small enough relative to the loss (a loss-dependent "
                  "schedule), once L < ℓ(0) a smoothed margin is non-decreasing along the iterates",
        status="encoded",
        claims=("lyuli2020.smoothed_margin_gd", "lyuli2020.smoothed_margin_gd_large_step_control"),
        why="γ̃(θ_{k+1}) ≥ γ̃(θ_k) at every GD step with our declared loss-based step η₀ = ½ (the paper's step-size "
            "condition is recalled only as loss-dependent and is not evaluated), with a control at η₀ = 20–50. "
            "Refuted at η₀ = ½ on a few seeds just after L < ℓ(0) (tests/claims/known.py): our step, not the paper's "
            "condition",
        source="recalled",
    ),
    Covered(
        where="rates under gradient flow (number not confirmed)",
        statement="once L < ℓ(0): L(t) = Θ(1/(t(log t)^{2−2/K})) and ‖θ(t)‖ = Θ((log t)^{1/K})",
        status="not yet",
        why="Θ(·) with hidden constants: only a trend in a declared regime can be checked, and it needs a clock "
            "independent of L (the loss-based clock made poggio2020.norm_growth_log true by construction) and "
            "horizons beyond ci, where the growth of log(1/L) was still slowing (see the poggio2020 docstring)",
        source="recalled",
    ),
    Covered(
        where="convergence to a KKT point of the margin problem (number not confirmed)",
        statement="every limit point of θ/‖θ‖ is along a KKT point of min ½‖θ‖² s.t. y_n f(θ; x_n) ≥ 1, and the "
                  "normalized margin and γ̃ converge to the same limit, the objective value at that KKT point; the "
                  "iterates are (ε, δ)-approximate KKT points with ε, δ → 0",
        status="not yet",
        why="a limit statement; checkable as a trend of the (ε, δ)-KKT residual against time in a declared regime. "
            "poggio2020.kkt_residual_shrinks (a finding of ours, refuted at its ¾ factor) computes the residual but "
            "belongs to poggio2020 and is not that statement; the agreement of the normalized and smoothed margins "
            "at the end of the run is not checked. The abstract states the KKT limit; the (ε, δ) form is recalled",
    ),
    Covered(
        where="extension to a family of losses (cross-entropy, multi-class; number not confirmed)",
        statement="the results extend from the exponential loss to the logistic and cross-entropy losses and a large "
                  "family of exponential-type losses",
        status="encoded",
        claims=("lyuli2020.smoothed_margin_rate", "lyuli2020.smoothed_margin_flow"),
        why="only the exponential and logistic losses are encoded (their g as recalled); the multi-class "
            "cross-entropy and the general family are not",
    ),
    Covered(
        where="experiments on MNIST and CIFAR-10",
        statement="after the data are fitted the normalized margin keeps increasing, slowly with a constant learning "
                  "rate and faster with a loss-based schedule; training longer improves robustness",
        status="not yet",
        why="no real-data experiment: the suite uses the loss-based schedule on small synthetic data (plots only); "
            "missing a finding comparing margin growth under constant and loss-based steps, and any robustness "
            "measurement",
    ),
]
