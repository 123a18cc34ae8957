"""Soudry, Hoffer, Nacson, Gunasekar, Srebro, "The implicit bias of gradient descent on separable data", JMLR 19
(2018), arXiv 1710.10345 (cited by seed 003, Poggio et al. 2020; formulas in shared/CLAIMS.md, section poggio2020,
row "linear case"). Implementation: :mod:`impl.homogeneous` (the flow in log time, the hard-margin SVM by NNLS).

A linear predictor f(w; x) = wᵀx on linearly separable data (K = 1 of the homogeneous setting), exponential or
logistic loss. The paper's Theorem 3 (number recalled): for GD with a small enough constant step, w(t) = ŵ log t +
ρ(t) with ρ bounded, ŵ the hard-margin SVM, so w/‖w‖ → ŵ/‖ŵ‖; the direction gap closes like O(1/log t)
(recalled). Here the gradient flow is integrated accurately (Dormand–Prince 5(4) in log time, to t = e^{80}), so
the statements are checked on the flow, which the paper also treats.

Data are built, not filtered: unit inputs with a planted hard-margin SVM (margin γ, a gap between the support
vectors and the rest); ŵ and the duals α are recomputed independently by NNLS.

Items, by role:

* ``linear_svm_direction`` (claim): the angle to ŵ closes like 1/log t (fitted slope ≤ −1); tightness: the
  bound's exponent over the measured one.
* ``linear_svm_limit`` (claim): ‖w‖ ~ ‖ŵ‖ log t, t·L → ‖ŵ‖², t·e^{−q_n} → α_n (derived from Theorem 3's form).
* ``dual_limit_horizon`` (finding): the regime λ·log t ≥ 10 under which both claims are checked was declared
  after a failure (λ = 0.0095: the duals were still 8% off at log t = 80); the finding reports, per example, the
  horizon from which the duals were within 1e-2, against 10/λ. Measured in ci: from log t = 20 (the first rung)
  in 7 of 8 examples; the example outside the regime (λ = 0.099, 10/λ = 101) failed at 20 and held from 40
  (λ·log t ≈ 4), so the declared regime is conservative at these sizes.

* ``gd_descent_step_condition`` (claim, issue 17): GD itself with the logistic loss under the theorem's step condition
  η < 2β⁻¹σ_max⁻²(X) (β = ¼) lowers the loss at every step; ``gd_large_step_control`` breaks the condition.

* ``gd_residual_bounded`` (claim, issue 17): GD itself (logistic, η < 2β⁻¹σ_max⁻²(X)) to 10⁵ steps: w(t) = ŵ log t + ρ(t)
  with ρ bounded, read on a finite run as "ρ drifts by at most ¼‖ŵ‖ per unit log t between 10³ and 10⁵" (a residual
  growing like c·ŵ log t drifts by c); the direction error × log t is shown along the run (the 1/log t rate is
  the bounded residual's consequence). ``gd_nonseparable_control`` breaks separability (drift ≈ 1),
  ``gd_residual_large_step_control`` the step condition (8–20×: w is thrown far out and freezes, drift ≈ 1).
* ``degenerate_loglog_rate`` (claim, issue 17): on degenerate data (a support vector with dual 0, built by
  impl.homogeneous.degenerate_svm_data) the flow's component along that vector's own axis grows like log log t
  (slope 1 against log log t), so the direction closes like log log t/log t; ``degenerate_off_margin_control``
  moves the example off the margin; ``direction_degenerate_control`` runs the 1/log t claim on degenerate data.
* ``gd_degenerate_loglog_rate`` (claim, issue 17): the same under GD itself (logistic, η < 2β⁻¹σ_max⁻²(X), 10⁶ steps
  in ci, 8 starts batched). At log t ≤ 14 the flow's statistic (slope of the component against log log t) is biased
  by K/(A log t) (measured 1.1–1.7), so the GD claim decides on the K-free form of the law: e^{b·e_dᵀw(t)} is affine
  in log t (its slope against log t over [T^{3/4}, T] over that over [T^{1/2}, T^{3/4}] is 1 within the flow's 0.2),
  in the declared regime κ·log(ηT) ≥ 10; ``gd_degenerate_off_margin_control`` moves the example off the margin
  (ratio ≈ 0.18). Verified under ci; refuted under dev at n = 14 with a small step (ratio 1.21 at T = 10⁶, 1.11 at
  10⁷: a finite-horizon effect the declared regime does not cover, kept as measured).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.impl import homogeneous as hm
from lemmata.theorems.poggio2020 import _flat, _slope
from lemmata.verify import (Citation, Claim, Covered, Figure, Instance, Kind, Profile, Regime, Tightness, Tolerance, control,
                    per_seed, shared)

PAPER = ("Soudry, Hoffer, Nacson, Gunasekar, Srebro (2018), The implicit bias of gradient descent on separable data, "
         "JMLR 19")
ARXIV = "1710.10345"


def cite(where: str, source: str = "paper", note: str = "") -> Citation:
    return Citation(paper=PAPER, where=where, arxiv=ARXIV, source=source, note=note)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# the linear flow in log time (shared with theorems/lyuli2020.py)
# ---------------------------------------------------------------------------------------------

def linear_premises(p: Profile, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Planted-SVM data: n, d, support-vector count, margin γ (≥ 0.25 keeps the log-time flow non-stiff), gap."""
    return st.fixed_dictionaries({
        "n": st.integers(2, p.pick(10, 24, 64)), "d": st.integers(2, p.pick(5, 8, 16)),
        "support": st.integers(2, 5), "margin": st.floats(0.25, 0.7), "gap": st.floats(0.25, 1.0),
        "loss": st.sampled_from(["exp", "logistic"]), "scale": st.floats(0.0, 2.0),
        "seed": st.integers(0, 2**20), **extra,
    })


LOG_T_END = 80.0  # log t at the end of the linear flow: the solver's cost grows only linearly in log t
LOG_T_STEP = 0.5
SETTLED = 10.0  # ours, set after a failure (λ = 0.0095): the regime λ·log t ≥ 10 (see dual_limit_horizon)


def run_linear_flow(inst: Instance) -> dict[str, Any]:
    """Gradient flow of a linear predictor from w(0) ~ N(0, scale²/d), recorded every 0.5 in log t.

    A helper, not a claim's run: it returns bare tensors, (S, R) per seed and record or (1, R) for the grid,
    and the runs built on it say which axes they return."""
    p = inst.premises
    if p["margin"] * (1 + p["gap"]) >= 1:  # outside what unit-norm inputs allow: shrink the gap, keep the margin
        p = {**p, "gap": 0.99 / p["margin"] - 1}
    if p.get("degenerate", False):  # one more support vector, along a new axis e_d, with dual variable 0
        X, y, _, _ = hm.degenerate_svm_data(p["n"], max(p["d"], 3), margin=p["margin"],
                                            support=min(p["support"], p["n"], max(p["d"], 3) - 1), gap=p["gap"],
                                            offset=float(p.get("offset", 0.0)), generator=inst.generator(0),
                                            dtype=inst.dtype)
    else:
        X, y, _, _ = hm.planted_svm_data(p["n"], p["d"], margin=p["margin"],
                                         support=min(p["support"], p["n"], p["d"]), gap=p["gap"],
                                         generator=inst.generator(0), dtype=inst.dtype)
    X, y = X.to(inst.device), y.to(inst.device)
    w_hat, alpha = hm.svm(X, y)  # recomputed independently of the planted answer
    Ws = hm.init_params((X.shape[1], 1), inst.seeds, scale=p["scale"], dtype=inst.dtype, device=inst.device)
    R = int(LOG_T_END / LOG_T_STEP)
    log_t = torch.arange(1, R + 1, dtype=torch.float64) * LOG_T_STEP
    tr = hm.flow_trajectory(Ws, X, y, times=torch.expm1(log_t).tolist(), loss=p["loss"], rtol=1e-9, atol=1e-12)
    flat, S, R = _flat(tr.params)
    W = tr.params[0][:, :, 0, :]  # (S, R, d)
    wn = W.norm(dim=-1)
    wh = w_hat / w_hat.norm()
    chord = (W / wn.unsqueeze(-1) - wh).norm(dim=-1)
    angle = 2 * torch.asin((chord / 2).clamp(max=1.0))  # exact for small angles (no arccos cancellation)
    q = hm.margins(flat, X, y).reshape(S, R, -1)
    slope_n = torch.exp(-q) if p["loss"] == "exp" else torch.sigmoid(-q)
    t = torch.expm1(log_t).to(inst.device)
    L = hm.loss(flat, X, y, loss=p["loss"]).reshape(S, R)
    # the slowest transient of w(t) − ŵ log t decays like e^{−λ log t}, λ the least nonzero eigenvalue of
    # Σ_n α_n x_n x_nᵀ (the flow linearised around ŵ log t + w̃, in log time)
    ev = torch.linalg.eigvalsh((alpha.unsqueeze(1) * X).T @ X)
    lam = float(ev[ev > 1e-10 * ev[-1]].min())
    return {"settled": float(lam * LOG_T_END >= SETTLED), "transient_rate": lam, "t": t.reshape(1, -1),
            "log_t": log_t.reshape(1, -1), "angle": angle, "w_norm": wn, "X": X, "y": y, "flat": flat,
            "svm_line": (w_hat.norm() * log_t).reshape(1, -1), "L": L, "W": W, "w_hat": w_hat, "alpha": alpha,
            "slope_n": slope_n, "smoothed": hm.smoothed_margin(flat, X, y, loss=p["loss"]).reshape(S, R),
            "min_margin": hm.normalized_min_margin(flat, X, y).reshape(S, R), "complete": tr.complete}



# ---------------------------------------------------------------------------------------------
# the direction and the limit
# ---------------------------------------------------------------------------------------------

def run_linear_direction(inst: Instance) -> dict[str, Any]:
    """The angle to the SVM direction and its log–log slope against log t over the second half of the run."""
    r = run_linear_flow(inst)
    R = r["angle"].shape[1]
    ang = r["angle"]
    # fit on the second half of the run, where the angle is still resolved above float64 round-off
    tail = (torch.arange(R, device=ang.device) >= R // 2) & (ang > ANGLE_FLOOR)
    resolved = tail.sum(1) >= 3
    slope = _slope(torch.log(r["log_t"]), torch.log(ang.clamp_min(1e-300)), tail)
    ok = resolved & (r["settled"] > 0)
    nan = torch.tensor(math.nan, dtype=slope.dtype, device=slope.device)
    return {"angle_slope": per_seed(slope), "resolved": per_seed(ok.to(inst.dtype)),
            "transient_rate": r["transient_rate"],
            # the bound's exponent (−1) over the measured one, where the slope is checked (the tightness figure)
            "exponent_ratio": per_seed(torch.where(ok, -1.0 / slope, nan)),
            "angle_end": per_seed(ang[:, -1]), "angle": per_seed(ang, "record"), "t": shared(r["t"][0], "record")}


ANGLE_FLOOR = 1e-7  # below this the angle is solver noise (rtol 1e-9 leaves ≈ 1e-10) or round-off
angle_slope, angle_end, resolved, exponent_ratio = sp.symbols("angle_slope angle_end resolved exponent_ratio")

linear_svm_direction = Claim(
    id="soudry2018.linear_svm_direction",
    title="On separable data the direction of the gradient flow w(t)/‖w(t)‖ converges to the hard-margin SVM "
          "ŵ/‖ŵ‖, with the gap O(1/log t) (fitted log–log slope ≤ −1)",
    citation=cite("Theorem 3 (direction) and its rate (numbers recalled)", "recalled",
                  "direction [paper], rate O(1/log t) [recalled]; here for the gradient flow, which Soudry et al. also treat"),
    kind=Kind.TREND,
    statement=sp.Implies(sp.Ge(resolved, 1), sp.Le(angle_slope, -1)),
    premises=linear_premises,
    run=run_linear_direction,
    tolerance=Tolerance(atol=0.2, reason="the gap is ‖w̃⊥‖/(‖ŵ‖ log t) + O(1/log² t) plus a transient of w(t) − ŵ log t "
                                          "that decays like e^{−λ log t}; over log t ∈ [40, 80] these bend the fitted "
                                          "slope by ≲ 0.05 (measured −1.007…−0.969); 1/√log t would give −0.5"),
    recalled=("the rate O(1/log t) of the direction gap (CLAIMS.md: [recalled])",),
    tightness=Tightness(exponent_ratio, "the bound's decay exponent of the angle in log t (−1) over the measured one "
                                        "(1 = the angle closes exactly like 1/log t; 0.5 = like 1/log² t)"),
    seeds=8,
    examples_scale=0.5,
    symbols={"angle_slope": "slope of log ∠(w(t), ŵ) against log log t for log t ∈ [40, 80]",
             "angle_end": "∠(w, ŵ) at t = e^{80}", "angle": "∠(w(t), ŵ) (radians)",
             "resolved": "1 when λ·80 ≥ 10 (the declared regime, λ = transient_rate) and ≥ 3 records of the second "
             "half have an angle above 1e-7 (else the direction already equals ŵ to round-off, faster than any rate)",
             "transient_rate": "λ: least nonzero eigenvalue of Σ_n α_n x_n x_nᵀ"},
    given="gradient flow integrated by Dormand–Prince 5(4) in log time (rtol 1e-9); ŵ from an independent NNLS "
          "solution of the SVM",
    figures=(Figure("angle between w(t) and the SVM direction against t", x="t", ys=("angle",), xlabel="t",
                    ylabel="∠(w(t), ŵ) (rad)", logx=True, logy=True),),
)


def run_linear_limit(inst: Instance) -> dict[str, Any]:
    """At log t = 80: d‖w‖/d log t against ‖ŵ‖, t·L against ‖ŵ‖², t·(−ℓ′(q_n)) against the SVM duals α_n."""
    r = run_linear_flow(inst)
    wh2 = float(r["w_hat"].norm() ** 2)
    lt = r["log_t"][0]
    rate = (r["w_norm"][:, -1] - r["w_norm"][:, -2]) / (lt[-1] - lt[-2])
    t_end = float(r["t"][0, -1])
    return {"settled": r["settled"], "transient_rate": r["transient_rate"],
            "norm_rate": per_seed(rate / math.sqrt(wh2)), "loss_rate": per_seed(t_end * r["L"][:, -1] / wh2),
            # one dual per training example, per seed against the one SVM solution of the data
            "dual_limit": per_seed(t_end * r["slope_n"][:, -1] / wh2, "example"),
            "svm_dual": shared(r["alpha"] / wh2, "example"),
            "w_norm": per_seed(r["w_norm"], "record"), "svm_line": shared(r["svm_line"][0], "record"),
            "log_t": shared(r["log_t"][0], "record")}


norm_rate, loss_rate, dual_limit, svm_dual, settled = sp.symbols("norm_rate loss_rate dual_limit svm_dual settled")

linear_svm_limit = Claim(
    id="soudry2018.linear_svm_limit",
    title="Gradient flow: w(t) = ŵ log t + O(1), so ‖w(t)‖ ~ ‖ŵ‖ log t, t·L(t) → ‖ŵ‖² and t·e^{−q_n(t)} → α_n "
          "(the SVM's dual variables)",
    citation=cite("Theorem 3 (w(t) = ŵ log t + ρ(t) with ρ bounded; numbers recalled)", "derived",
                  "with w = ŵ log t + w̃ + o(1): ẇ = Σ_n e^{−q_n} y_n x_n → ŵ/t forces t e^{−q_n} → α_n (KKT of the "
                  "SVM), and Σ_n α_n = ‖ŵ‖²; the logistic loss has the same tail"),
    kind=Kind.EXACT,
    statement=sp.Implies(sp.Ge(settled, 1), sp.And(sp.Eq(norm_rate, 1), sp.Eq(loss_rate, 1), sp.Eq(dual_limit, svm_dual))),
    premises=linear_premises,
    run=run_linear_limit,
    tolerance=Tolerance(atol=1e-2, reason="at log t = 80 the non-support terms are ≤ e^{−80·gap} ≤ e^{−20} relative "
                                          "(gap ≥ 0.25), ‖w̃⊥‖²/(2‖ŵ‖² log² t) ≲ 1e-4, the transient of w(t) − ŵ log t "
                                          "is ≤ e^{−10} in the declared regime (measured ≤ 1.2e-4); integrator rtol 1e-9"),
    recalled=("that the residual w(t) − ŵ log t converges (the O(1) term) — Soudry et al. Thm 3 as recalled",),
    seeds=8,
    examples_scale=0.5,
    symbols={"norm_rate": "(d‖w‖/d log t)/‖ŵ‖ at log t = 80", "loss_rate": "t·L(t)/‖ŵ‖² at log t = 80",
             "dual_limit": "t·(−ℓ′(q_n(t)))/‖ŵ‖² per example", "svm_dual": "α_n/‖ŵ‖² from the SVM solver",
             "settled": "1 in the declared regime λ·log t ≥ 10 (λ = transient_rate; ill-conditioned support vectors "
             "converge like e^{−λ log t}: at λ = 0.0095 the duals were still 8% off at log t = 80)",
             "transient_rate": "λ: least nonzero eigenvalue of Σ_n α_n x_n x_nᵀ",
             "w_norm": "‖w(t)‖", "svm_line": "‖ŵ‖ log t"},
    given="gradient flow by Dormand–Prince 5(4) in log time (rtol 1e-9) to t = e^{80}; ŵ, α by NNLS (Lawson–Hanson LDP)",
    figures=(Figure("‖w(t)‖ against ‖ŵ‖ log t", x="log_t", ys=("w_norm", "svm_line"), xlabel="log t",
                    ylabel="norm", styles=("line", "dashed")),),
)


# ---------------------------------------------------------------------------------------------
# the declared regime λ·log t ≥ 10, reported as a finding
# ---------------------------------------------------------------------------------------------

_HORIZON_CACHE: dict[Any, Any] = {}  # one entry: the flow shared by the rungs of one example's ladder


def _horizon_ladder(premises: Mapping[str, Any], profile: Profile) -> list[int]:
    return [20, 40, 60, 80]


def run_dual_limit_horizon(inst: Instance) -> dict[str, Any]:
    """t·(−ℓ′(q_n(t)))/‖ŵ‖² against α_n/‖ŵ‖² at log t = ``horizon`` (one flow per example, read at each rung)."""
    p = {k: v for k, v in inst.premises.items() if k != "horizon"}
    key = (tuple(sorted(p.items())), inst.seeds, inst.profile.name, str(inst.dtype))
    if key not in _HORIZON_CACHE:
        _HORIZON_CACHE.clear()
        _HORIZON_CACHE[key] = run_linear_flow(inst)
    r = _HORIZON_CACHE[key]
    h = int(inst.premises["horizon"])
    i = int(round(h / LOG_T_STEP)) - 1  # the record at log t = h
    wh2 = float(r["w_hat"].norm() ** 2)
    t_h = float(r["t"][0, i])
    return {"dual_limit": per_seed(t_h * r["slope_n"][:, i] / wh2, "example"),
            "svm_dual": shared(r["alpha"] / wh2, "example"), "transient_rate": r["transient_rate"]}


transient_rate = sp.Symbol("transient_rate")

dual_limit_horizon = Claim(
    id="soudry2018.dual_limit_horizon",
    title="Finding (ours): the horizon log t from which t·e^{−q_n(t)} is within 1e-2 of the SVM dual α_n (relative to "
          "‖ŵ‖²), against the declared regime log t ≥ 10/λ",
    citation=cite("Theorem 3's form w(t) = ŵ log t + ρ(t) (number recalled); the regime is ours", "derived",
                  "the slowest transient of w(t) − ŵ log t decays like e^{−λ log t}, λ the least nonzero eigenvalue of "
                  "Σ_n α_n x_n x_nᵀ (the flow linearised around ŵ log t + w̃, in log time)"),
    kind=Kind.ASYMPTOTIC,
    statement=sp.Eq(dual_limit, svm_dual),
    premises=linear_premises,
    run=run_dual_limit_horizon,
    tolerance=Tolerance(atol=1e-2, reason="as for linear_svm_limit: the non-support terms are ≤ e^{−gap·log t} and the "
                                          "transient ≤ e^{−λ log t}; the finding reports where 1e-2 is reached"),
    regime=Regime(
        size="horizon", ladder=_horizon_ladder, practical=SETTLED / transient_rate, theory=1 / transient_rate,
        note="ours: linear_svm_limit and linear_svm_direction are checked only where λ·80 ≥ 10 (the transient has "
             "decayed by e^{−10}), a regime set after a failure (λ = 0.0095: the duals were 8% off at log t = 80). "
             "Here every example runs to log t = 80 and is read at log t = 20, 40, 60, 80; 'practical' is 10/λ, "
             "'theory' is 1/λ (one e-fold); the empirical threshold is the horizon from which the duals held"),
    role="finding",
    seeds=4,
    examples_scale=0.5,
    # the ci premise range rarely leaves the regime (2 of 3000 draws have λ·80 < 10); this one does (λ = 0.099)
    examples=({"n": 6, "d": 5, "support": 5, "margin": 0.6919919734245854, "gap": 0.6624405934606742, "loss": "exp",
               "scale": 1.8271874591714512, "seed": 25862},),
    symbols={"dual_limit": "t·(−ℓ′(q_n(t)))/‖ŵ‖² per example at log t = horizon", "svm_dual": "α_n/‖ŵ‖²",
             "horizon": "log t at which the duals are read", "transient_rate": "λ: least nonzero eigenvalue of "
             "Σ_n α_n x_n x_nᵀ"},
    given="gradient flow by Dormand–Prince 5(4) in log time (rtol 1e-9) to t = e^{80}",
)


# ---------------------------------------------------------------------------------------------
# GD itself (issue 17): the theorem's step-size condition η < 2β⁻¹σ_max⁻²(X)
# ---------------------------------------------------------------------------------------------

LOGISTIC_BETA = 0.25  # the logistic loss ℓ(u) = log(1 + e^{−u}) has ℓ'' ≤ ¼: β-smooth with β = ¼
GD_STEPS = (2000, 5000, 20000)  # ci, dev, thorough


def run_linear_gd(inst: Instance) -> dict[str, Any]:
    """GD on a linear predictor with the logistic loss L = Σ_n ℓ(y_n wᵀx_n), constant step η = eta_frac·2/(βσ²_max(X)),
    from w(0) ~ N(0, scale²/d): L at every step."""
    p = inst.premises
    if p["margin"] * (1 + p["gap"]) >= 1:  # as run_linear_flow: unit-norm inputs cannot carry this gap
        p = {**p, "gap": 0.99 / p["margin"] - 1}
    X, y, _, _ = hm.planted_svm_data(p["n"], p["d"], margin=p["margin"], support=min(p["support"], p["n"], p["d"]),
                                     gap=p["gap"], generator=inst.generator(0), dtype=inst.dtype)
    X, y = X.to(inst.device), y.to(inst.device)
    sigma_max = float(torch.linalg.matrix_norm(X, ord=2))
    eta = p["eta_frac"] * 2.0 / (LOGISTIC_BETA * sigma_max**2)
    steps = inst.profile.pick(*GD_STEPS)
    Ws = hm.init_params((p["d"], 1), inst.seeds, scale=p["scale"], dtype=inst.dtype, device=inst.device)
    tr = hm.gd_trajectory(Ws, X, y, eta=eta, steps=steps, loss="logistic", schedule="constant")
    L = torch.exp(tr.log_loss)  # (S, steps + 1)
    return {"loss_next": per_seed(L[:, 1:], "step"), "loss_now": per_seed(L[:, :-1], "step"),
            "loss_ratio_end": per_seed(L[:, -1] / L[:, 0]), "t": shared(tr.steps[1:].to(inst.dtype), "step"),
            "loss_curve": per_seed(L[:, 1:], "step")}


loss_next, loss_now = sp.symbols("loss_next loss_now")

gd_descent_step_condition = Claim(
    id="soudry2018.gd_descent_step_condition",
    title="GD on separable data with the logistic loss and η < 2β⁻¹σ_max⁻²(X) (β = ¼): the loss decreases at every "
          "step (the premise of the paper's GD theorem, under which L → 0 and w/‖w‖ → ŵ/‖ŵ‖)",
    citation=cite("Theorem 3 and its first lemma (numbers recalled): a β-smooth decreasing loss, η < 2β⁻¹σ_max⁻²(X) "
                  "⇒ L(w(t)) decreases to 0", "recalled",
                  "the step condition is the smoothness of L = Σ_n ℓ(y_n wᵀx_n): ∇²L ⪯ βXᵀX"),
    kind=Kind.EXACT,
    statement=sp.Le(loss_next, loss_now),
    premises=lambda p: linear_premises(p, eta_frac=st.floats(0.05, 0.99)).map(lambda d: {**d, "loss": "logistic"}),
    run=run_linear_gd,
    tolerance=Tolerance(rtol=1e-12, reason="float64 round-off of a sum of n softplus terms (relative ≈ 1e-16·n); late "
                                           "in the run a step lowers L by ≳ 1e-10 relative"),
    recalled=("the theorem's and the lemma's numbers", "β = ¼ for the logistic loss (ℓ'' ≤ ¼) as the paper's β"),
    symbols={"loss_next": "L(w(t + 1))", "loss_now": "L(w(t))", "eta_frac": "η·βσ²_max(X)/2 (< 1: the premise)",
             "loss_curve": "L(w(t))", "t": "GD step", "loss_ratio_end": "L(w(T))/L(w(0))"},
    given="planted hard-margin data (unit inputs), logistic loss only (the exponential loss is not globally smooth); "
          "T = 2000 steps in ci",
    seeds=8,
    tightness=Tightness(loss_next / loss_now, "the largest L(w(t+1))/L(w(t)) over the run (1 = a step that did not "
                                             "lower the loss)", reduce="max"),
    figures=(Figure("logistic loss along GD", x="t", ys=("loss_curve",), xlabel="GD step", ylabel="L", logx=True,
                    logy=True),),
)

gd_large_step_control = control(
    gd_descent_step_condition,
    name="gd_large_step_control",
    premises=lambda p: linear_premises(p, eta_frac=st.floats(8.0, 20.0)).map(lambda d: {**d, "loss": "logistic"}),
    broken="η < 2β⁻¹σ_max⁻²(X) (here 8–20 times that step)",
    title="Control: with η 8–20 times the smoothness limit, GD on the logistic loss raises the loss at some step",
)

# ---------------------------------------------------------------------------------------------
# degenerate data (issue 17): a support vector with dual variable 0 slows the direction to log log t/log t
# ---------------------------------------------------------------------------------------------

def degenerate_premises(p: Profile, *, offset: float = 0.0) -> st.SearchStrategy[dict[str, Any]]:
    """linear_premises with d ≥ 3 and one extra example along a new axis e_d: on the margin (offset 0, a support
    vector with dual 0: degenerate) or off it (offset > 0: the non-degenerate contrast); margin·(1 + offset) < 1."""
    return linear_premises(p).map(lambda d: {**d, "d": max(d["d"], 3), "degenerate": True, "offset": offset,
                                             "margin": min(d["margin"], 0.99 / (1 + offset))})


def run_degenerate(inst: Instance) -> dict[str, Any]:
    """The flow on degenerate data: the component of w(t) along the degenerate support vector's own axis e_d, times
    b = (1 − γ²)^{1/2}, against log log t (fitted slope over log t ∈ [40, 80]); the angle to ŵ beside it."""
    r = run_linear_flow(inst)
    gam = float(inst.premises["margin"])
    b = math.sqrt(1 - (gam * (1 + float(inst.premises.get("offset", 0.0)))) ** 2)
    wd = b * r["W"][..., -1]  # (S, R): b·e_dᵀw(t)
    lt = r["log_t"][0]
    tail = lt >= LOG_T_END / 2
    x = torch.log(lt[tail])
    yv = wd[:, tail]
    slope = ((x - x.mean()) * (yv - yv.mean(1, keepdim=True))).sum(1) / ((x - x.mean()) ** 2).sum()
    lt_dev = lt.to(r["angle"].device)
    return {"settled": r["settled"], "transient_rate": r["transient_rate"], "deg_slope": per_seed(slope),
            "deg_component": per_seed(wd, "record"), "loglog_t": shared(torch.log(lt_dev), "record"),
            "angle_log_t": per_seed(r["angle"] * lt_dev, "record"),
            "angle_end": per_seed(r["angle"][:, -1]), "log_t": shared(lt_dev, "record")}


deg_slope = sp.Symbol("deg_slope")
DEGENERATE_SYMBOLS = {
    "deg_slope": "least-squares slope of b·e_dᵀw(t) against log log t over log t ∈ [40, 80] (b = (1 − a²)^{1/2}, "
                 "a the extra example's margin along u)",
    "deg_component": "b·e_dᵀw(t): the component along the degenerate support vector's own axis",
    "loglog_t": "log log t", "angle_log_t": "∠(w(t), ŵ) · log t (grows like log log t on degenerate data)",
    "angle_end": "∠(w, ŵ) at t = e^{80}", "log_t": "log t",
    "settled": "1 in the declared regime λ·log t ≥ 10 (as for linear_svm_limit)",
    "transient_rate": "λ: least nonzero eigenvalue of Σ_n α_n x_n x_nᵀ",
}

degenerate_loglog_rate = Claim(
    id="soudry2018.degenerate_loglog_rate",
    title="Degenerate data (a support vector with dual variable 0): the gradient flow's component along it grows like "
          "log log t/b, so the direction error is Θ(log log t/log t), not O(1/log t): fitted slope of b·e_dᵀw(t) "
          "against log log t is 1",
    citation=cite("the rates theorem for degenerate data (number recalled): ‖w(t)/‖w(t)‖ − ŵ/‖ŵ‖‖ = O(log log t/log t) "
                  "when some support vector has α_n = 0", "derived",
                  "along e_d only x_deg pushes: d(e_dᵀw)/dt = b·e^{−q_deg}, q_deg = γuᵀw + b·e_dᵀw with γuᵀw = log t + "
                  "O(1), so e^{b·e_dᵀw} = A log t + K + o(1): b·e_dᵀw = log log t + O(1) (derived here; the rate "
                  "itself is recalled)"),
    kind=Kind.EXACT,
    statement=sp.Implies(sp.Ge(settled, 1), sp.Eq(deg_slope, 1)),
    premises=degenerate_premises,
    run=run_degenerate,
    tolerance=Tolerance(atol=0.2, reason="the slope of log(A log t + K) against log log t is A log t/(A log t + K): "
                                         "K/(A log t) and ρ's transient (≤ e^{−10} in the regime) move it; measured "
                                         "0.99…1.09 on 6 datasets × 4 starts while choosing (flow to log t = 80); a "
                                         "bounded residual (the 1/log t case) gives 0"),
    recalled=("the number of the theorem with the degenerate rate, and that it is stated as O(log log t/log t)",),
    seeds=4,
    examples_scale=0.5,
    symbols=DEGENERATE_SYMBOLS,
    given="planted hard-margin data in d − 1 dimensions plus one example γu + (1 − γ²)^{1/2}e_d on the margin (its dual "
          "is 0 in every dual solution: impl.homogeneous.degenerate_svm_data, checked by NNLS in the unit tests); "
          "gradient flow by Dormand–Prince 5(4) in log time (rtol 1e-9) to t = e^{80}",
    figures=(Figure("b·e_dᵀw(t) against log log t (slope 1 on degenerate data)", x="loglog_t", ys=("deg_component",),
                    xlabel="log log t", ylabel="b·e_dᵀw"),
             Figure("angle × log t against log log t (bounded for O(1/log t); grows here)", x="loglog_t",
                    ys=("angle_log_t",), xlabel="log log t", ylabel="∠(w, ŵ)·log t")),
)

degenerate_off_margin_control = control(
    degenerate_loglog_rate,
    name="degenerate_off_margin_control",
    premises=lambda p: degenerate_premises(p, offset=0.5),
    broken="degenerate data (here the extra example sits at 1.5× the margin: not a support vector)",
    title="Control: with the extra example off the margin its push decays like t^{−1.5} and b·e_dᵀw(t) converges "
          "(slope ≈ 0 against log log t)",
)

direction_degenerate_control = control(
    linear_svm_direction,
    name="direction_degenerate_control",
    premises=degenerate_premises,
    broken="non-degenerate data (every support vector with α_n > 0); here one support vector has α_n = 0",
    title="Control: on degenerate data the angle's fitted log–log slope against log t is −1 + 1/(log log t + c), "
          "above the 1/log t claim's −0.8 (measured −0.66…−0.87 while choosing)",
)


# ---------------------------------------------------------------------------------------------
# GD itself (issue 17): w(t) = ŵ log t + ρ(t) with ρ bounded, hence the direction's O(1/log t) rate
# ---------------------------------------------------------------------------------------------

RESIDUAL_FROM = 1000  # t₁: the drift of ρ is read between t₁ and T
RESIDUAL_T = (100_000, 1_000_000, 10_000_000)  # T per profile (ci: ≈ 1 s per example, linear_gd)
DRIFT_EPS = 0.25  # ours: the declared bound on the residual's drift per unit log t, in units of ‖ŵ‖ (see the tolerance)


def _gd_residual_data(inst: Instance) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Planted separable data (as run_linear_gd) and ŵ by NNLS; with ``nonseparable`` the first example is appended
    again with the opposite label (no w classifies both: separability is broken, ŵ stays the original data's)."""
    p = inst.premises
    if p["margin"] * (1 + p["gap"]) >= 1:
        p = {**p, "gap": 0.99 / p["margin"] - 1}
    X, y, _, _ = hm.planted_svm_data(p["n"], p["d"], margin=p["margin"], support=min(p["support"], p["n"], p["d"]),
                                     gap=p["gap"], generator=inst.generator(0), dtype=inst.dtype)
    X, y = X.to(inst.device), y.to(inst.device)
    w_hat, _ = hm.svm(X, y)
    if p.get("nonseparable", False):
        X, y = torch.cat([X, X[:1]]), torch.cat([y, -y[:1]])
    return X, y, w_hat


def run_gd_residual(inst: Instance) -> dict[str, Any]:
    """GD (logistic loss, η = eta_frac·2/(βσ²_max(X))) from w(0) ~ N(0, scale²/d) to T steps (impl.homogeneous.linear_gd),
    recorded on a log grid; ρ(t) = w(t) − ŵ log t, its drift between t₁ = 10³ and T per unit log t relative to ‖ŵ‖, and
    the direction error ‖w/‖w‖ − ŵ/‖ŵ‖‖ times log t."""
    p = inst.premises
    X, y, w_hat = _gd_residual_data(inst)
    sigma_max = float(torch.linalg.matrix_norm(X, ord=2))
    eta = p["eta_frac"] * 2.0 / (LOGISTIC_BETA * sigma_max**2)
    T = inst.profile.pick(*RESIDUAL_T)
    grid = sorted({int(round(10 ** (k / 4))) for k in range(4, int(4 * math.log10(T)) + 1)} | {RESIDUAL_FROM, T})
    d = p["d"]
    w0 = hm.init_params((d, 1), inst.seeds, scale=p["scale"], dtype=inst.dtype, device=inst.device)[0][:, 0, :]
    W = hm.linear_gd(w0, X, y, eta=eta, record=grid, loss="logistic")  # (S, R, d)
    log_t = torch.log(torch.tensor(grid, dtype=inst.dtype, device=inst.device))
    rho = W - w_hat * log_t[None, :, None]
    i1, iT = grid.index(RESIDUAL_FROM), len(grid) - 1
    drift = (rho[:, iT] - rho[:, i1]).norm(dim=-1) / (w_hat.norm() * (log_t[iT] - log_t[i1]))
    err = (W / W.norm(dim=-1, keepdim=True) - w_hat / w_hat.norm()).norm(dim=-1)
    return {"rho_drift": per_seed(drift), "rho_norm_end": per_seed(rho[:, iT].norm(dim=-1) / w_hat.norm()),
            "err_log_t_end": per_seed(err[:, iT] * log_t[iT]), "err_end": per_seed(err[:, iT]),
            "err_log_t": per_seed(err * log_t, "t"), "rho_norm": per_seed(rho.norm(dim=-1) / w_hat.norm(), "t"),
            "t": shared(torch.tensor(grid, dtype=inst.dtype, device=inst.device), "t"), "eta_frac": p["eta_frac"]}


rho_drift = sp.Symbol("rho_drift")
GD_RESIDUAL_SYMBOLS = {
    "rho_drift": "‖ρ(T) − ρ(t₁)‖/(‖ŵ‖ log(T/t₁)), ρ(t) = w(t) − ŵ log t, t₁ = 10³, T = 10⁵ (ci)",
    "rho_norm_end": "‖ρ(T)‖/‖ŵ‖", "err_end": "‖w(T)/‖w(T)‖ − ŵ/‖ŵ‖‖",
    "err_log_t_end": "‖w(T)/‖w(T)‖ − ŵ/‖ŵ‖‖ · log T (bounded by the theorem's form: → ‖P⊥w̃‖/‖ŵ‖)",
    "err_log_t": "direction error × log t", "rho_norm": "‖ρ(t)‖/‖ŵ‖", "t": "GD step",
    "eta_frac": "η·βσ²_max(X)/2 (< 1: the premise)",
}

gd_residual_bounded = Claim(
    id="soudry2018.gd_residual_bounded",
    title="GD under the step condition η < 2β⁻¹σ_max⁻²(X): w(t) = ŵ log t + ρ(t) with ρ bounded (so the direction "
          "error is O(1/log t)): between t = 10³ and 10⁵ the residual drifts by at most ¼‖ŵ‖ per unit of log t",
    citation=cite("Theorem 3 (number recalled): for GD with η < 2β⁻¹σ_max⁻²(X), w(t) = ŵ log t + ρ(t) with ρ(t) "
                  "bounded; the O(1/log t) direction rate follows (rates theorem, number recalled)", "recalled",
                  "‖w/‖w‖ − ŵ/‖ŵ‖‖ ≤ 2‖ρ(t)‖/‖w(t)‖ and ‖w(t)‖ ≥ ‖ŵ‖ log t − ‖ρ(t)‖, so a bounded residual is the "
                  "1/log t rate; a finite run reads 'bounded' as 'not growing with log t'"),
    kind=Kind.EXACT,
    statement=sp.Le(rho_drift, DRIFT_EPS),
    premises=lambda p: linear_premises(p, eta_frac=st.floats(0.05, 0.99)).map(lambda d: {**d, "loss": "logistic"}),
    run=run_gd_residual,
    tolerance=Tolerance(reason=f"none beyond the declared bound {DRIFT_EPS}: a residual that grows like c·ŵ log t (GD "
                               "converging to another direction, or to a finite point: c = 1) drifts by c; a "
                               "bounded one drifts by (its transient)/log(T/t₁) → 0. ¼ was declared after measuring "
                               "the drift on 11 planted datasets × 2 steps (8 starts each, scale 2, η·βσ²/2 ∈ {0.05, 0.99}): "
                               "at most 0.12, at the smallest step"),
    recalled=("Theorem 3's number and its step condition (as in gd_descent_step_condition)",
              "the rates theorem's O(1/log t) for the direction"),
    symbols=GD_RESIDUAL_SYMBOLS,
    given="planted hard-margin data (unit inputs), logistic loss (β = ¼), T = 10⁵ GD steps in ci (10⁶ dev, 10⁷ "
          "thorough) by impl.homogeneous.linear_gd; ŵ from NNLS, independent of the run",
    seeds=8,
    examples_scale=0.5,
    tightness=Tightness(rho_drift / DRIFT_EPS, "the residual's drift over the declared ¼ (1 = at the bound)",
                        reduce="last"),
    figures=(Figure("direction error × log t along GD (bounded: the O(1/log t) rate)", x="t", ys=("err_log_t",),
                    xlabel="GD step", ylabel="‖w/‖w‖ − ŵ/‖ŵ‖‖ · log t", logx=True),
             Figure("‖ρ(t)‖/‖ŵ‖, ρ = w(t) − ŵ log t", x="t", ys=("rho_norm",), xlabel="GD step",
                    ylabel="‖ρ‖/‖ŵ‖", logx=True)),
)

gd_nonseparable_control = control(
    gd_residual_bounded,
    name="gd_nonseparable_control",
    premises=lambda p: linear_premises(p, eta_frac=st.floats(0.05, 0.99)).map(
        lambda d: {**d, "loss": "logistic", "nonseparable": True}),
    broken="linearly separable data (here the first example is repeated with the opposite label, so no w separates)",
    title="Control: on non-separable data GD converges to a finite point, so ρ(t) = w(t) − ŵ log t grows like "
          "−ŵ log t (drift ≈ 1 > ¼)",
)

gd_residual_large_step_control = control(
    gd_residual_bounded,
    name="gd_residual_large_step_control",
    premises=lambda p: linear_premises(p, eta_frac=st.floats(8.0, 20.0)).map(lambda d: {**d, "loss": "logistic"}),
    broken="η < 2β⁻¹σ_max⁻²(X) (here 8–20 times that step)",
    title="Control: with η 8–20 times the step condition the first steps throw w far out (a huge norm, where the "
          "gradient is e^{−huge}), so between 10³ and 10⁵ steps w barely moves and ρ = w − ŵ log t drifts by ≈ 1 "
          "(measured 0.87–1.0 while choosing)",
)

# ---------------------------------------------------------------------------------------------
# GD itself on degenerate data (issue 17): the log log t growth of the degenerate component under GD
# ---------------------------------------------------------------------------------------------

DEG_GD_T = (1_000_000, 1_000_000, 10_000_000)  # T per profile (ci: ≈ 3 s per example, linear_gd, 8 starts)
GROWTH_RATIO_ATOL = 0.2  # the flow claim's number, on another statistic: the band it admits is in the tolerance's reason


def gd_degenerate_premises(p: Profile, *, offset: float = 0.0) -> st.SearchStrategy[dict[str, Any]]:
    """degenerate_premises with a GD step η = eta_frac·2β⁻¹σ_max⁻²(X), eta_frac ∈ [0.05, 0.99] (inside the theorem's
    condition), the logistic loss, and margin ∈ [0.25, 0.5], gap ∈ [0.8, 1.0]: where a run of 10⁶ steps reaches
    the declared regime κ·log(ηT) ≥ 10 (κ = min(λ, the non-support gap); see run_gd_degenerate)."""
    return st.fixed_dictionaries({  # a box of scalars (no .map), so the corners and the targeted search run
        "n": st.integers(2, p.pick(10, 24, 64)), "d": st.integers(3, p.pick(5, 8, 16)),
        "support": st.integers(2, 5), "margin": st.floats(0.25, min(0.5, 0.99 / (1 + offset))),
        "gap": st.floats(0.8, 1.0), "scale": st.floats(0.0, 2.0), "eta_frac": st.floats(0.05, 0.99),
        "seed": st.integers(0, 2**20), "loss": st.just("logistic"), "degenerate": st.just(True),
        "offset": st.just(offset),
    })


def run_gd_degenerate(inst: Instance) -> dict[str, Any]:
    """GD (logistic loss, η = eta_frac·2/(βσ²_max(X))) on degenerate data (impl.homogeneous.degenerate_svm_data) from
    w(0) ~ N(0, scale²/d) to T steps (impl.homogeneous.linear_gd), recorded on a log grid. z(t) = b·e_dᵀw(t), the
    component along the degenerate support vector's own axis (b = (1 − a²)^{1/2}, a the extra example's margin along
    u). The log log t law z = log(A log t + K) + o(1) says e^{z} is affine in log t; the growth ratio compares the
    slope of e^{z} against log t over [T^{3/4}, T] with that over [T^{1/2}, T^{3/4}] (1 for the law, whatever K; ≈ 0
    for a bounded z). Beside it, the flow claim's statistic: the slope of z against log log t over [T^{1/2}, T]."""
    p = inst.premises
    if p["margin"] * (1 + p["gap"]) >= 1:  # as run_linear_flow: unit-norm inputs cannot carry this gap
        p = {**p, "gap": 0.99 / p["margin"] - 1}
    d = max(int(p["d"]), 3)
    offset = float(p.get("offset", 0.0))
    X, y, _, _ = hm.degenerate_svm_data(p["n"], d, margin=p["margin"], support=min(p["support"], p["n"], d - 1),
                                        gap=p["gap"], offset=offset, generator=inst.generator(0), dtype=inst.dtype)
    X, y = X.to(inst.device), y.to(inst.device)
    w_hat, alpha = hm.svm(X, y)  # recomputed independently of the planted answer
    ev = torch.linalg.eigvalsh((alpha.unsqueeze(1) * X).T @ X)
    lam = float(ev[ev > 1e-10 * ev[-1]].min())
    # the planted examples' normalized margins y_n ŵᵀx_n (the extra example left out: its decay is what is measured)
    q_hat = (y[:-1].unsqueeze(1) * X[:-1]) @ w_hat
    off = q_hat > 1 + 1e-6
    gap_eff = float((q_hat[off] - 1).min()) if bool(off.any()) else math.inf
    kappa = min(lam, gap_eff)  # ρ's slowest transient in log time: e^{−λ log t} (support) or t^{−gap} (non-support)
    sigma_max = float(torch.linalg.matrix_norm(X, ord=2))
    eta = p["eta_frac"] * 2.0 / (LOGISTIC_BETA * sigma_max**2)
    T = inst.profile.pick(*DEG_GD_T)
    t1, t2 = int(round(math.sqrt(T))), int(round(T ** 0.75))
    # records from t = 10 (log log t = 0.83) on a log grid, 4 a decade, with the three points of the growth ratio
    grid = sorted({int(round(10 ** (k / 4))) for k in range(4, int(4 * math.log10(T)) + 1)} | {t1, t2, T})
    w0 = hm.init_params((d, 1), inst.seeds, scale=p["scale"], dtype=inst.dtype, device=inst.device)[0][:, 0, :]
    W = hm.linear_gd(w0, X, y, eta=eta, record=grid, loss="logistic")  # (S, R, d)
    a = float(p["margin"]) * (1 + offset)
    z = math.sqrt(1 - a * a) * W[..., -1]  # (S, R): b·e_dᵀw(t)
    log_t = torch.log(torch.tensor(grid, dtype=inst.dtype, device=inst.device))
    i1, i2, i3 = grid.index(t1), grid.index(t2), grid.index(T)
    # (e^{z3} − e^{z2})/(s3 − s2) over (e^{z2} − e^{z1})/(s2 − s1), s = log t, written with expm1 (no overflow of
    # e^{z}, no cancellation); z not growing over the first half (z2 ≤ z1) reads as 0, the bounded case's value
    d12, d23 = z[:, i2] - z[:, i1], z[:, i3] - z[:, i2]
    ratio = torch.exp(d12) * torch.expm1(d23) / torch.expm1(d12.clamp_min(1e-300))
    ratio = torch.where(d12 > 0, ratio * (log_t[i2] - log_t[i1]) / (log_t[i3] - log_t[i2]), torch.zeros_like(ratio))
    tail = log_t >= log_t[i1]
    x = torch.log(log_t[tail])
    yv = z[:, tail]
    slope = ((x - x.mean()) * (yv - yv.mean(1, keepdim=True))).sum(1) / ((x - x.mean()) ** 2).sum()
    return {"settled": float(kappa * math.log(eta * T) >= SETTLED), "transient_rate": kappa, "eta_frac": p["eta_frac"],
            "growth_ratio": per_seed(ratio), "deg_slope": per_seed(slope),
            "deg_component": per_seed(z, "t"), "exp_deg_component": per_seed(torch.exp(z), "t"),
            "log_t": shared(log_t, "t"), "loglog_t": shared(torch.log(log_t), "t"),
            "t": shared(torch.tensor(grid, dtype=inst.dtype, device=inst.device), "t")}


growth_ratio = sp.Symbol("growth_ratio")
GD_DEGENERATE_SYMBOLS = {
    "growth_ratio": "slope of e^{b·e_dᵀw(t)} against log t over [T^{3/4}, T] over its slope over [T^{1/2}, T^{3/4}] "
                    "(T = 10⁶ in ci; 0 where b·e_dᵀw did not grow over the first half)",
    "deg_slope": "least-squares slope of b·e_dᵀw(t) against log log t over t ∈ [T^{1/2}, T] (the flow claim's "
                 "statistic, shown, not decided: its K/(A log t) bias is ≈ 0.1–0.7 at log t ≤ 14)",
    "deg_component": "b·e_dᵀw(t): the component along the degenerate support vector's own axis",
    "exp_deg_component": "e^{b·e_dᵀw(t)} (affine in log t under the log log t law)",
    "log_t": "log t (t the GD step)", "loglog_t": "log log t", "t": "GD step",
    "settled": "1 in the declared regime κ·log(ηT) ≥ 10 (the flow claim's λ·log t ≥ 10 at its horizon, in GD's flow "
               "time ηT; κ = transient_rate)",
    "transient_rate": "κ = min(λ, gap): λ the least nonzero eigenvalue of Σ_n α_n x_n x_nᵀ, gap = min over the "
                      "planted non-support examples of y_n ŵᵀx_n − 1",
    "eta_frac": "η·βσ²_max(X)/2 (< 1: the premise)",
}

gd_degenerate_loglog_rate = Claim(
    id="soudry2018.gd_degenerate_loglog_rate",
    title="GD under the step condition η < 2β⁻¹σ_max⁻²(X) on degenerate data (a support vector with dual variable 0): "
          "the component along it grows like log log t (e^{b·e_dᵀw(t)} affine in log t: its slope against log t over "
          "[T^{3/4}, T] equals that over [T^{1/2}, T^{3/4}]), so the direction error is Θ(log log t/log t)",
    citation=cite("the GD theorem's degenerate case (Theorem 4 of the JMLR version and its appendix, as recalled; no "
                  "number confirmed by search): "
                  "for GD with η < 2β⁻¹σ_max⁻²(X), when some support vectors have α_n = 0, ρ(t) = O(log log t) and "
                  "‖w(t)/‖w(t)‖ − ŵ/‖ŵ‖‖ = O(log log t/log t)", "derived",
                  "along e_d only x_deg pushes: e_dᵀw(t+1) = e_dᵀw(t) + ηb·σ(−q_deg(t)), q_deg = γuᵀw + z with γuᵀw(t) = "
                  "log t + c + o(1) (GD's w = ŵ log t + ρ), so e^{z(t+1)} − e^{z(t)} = ηb²e^{−c}/t·(1 + o(1)): e^{z} = "
                  "A log t + K + o(1), z = log log t + O(1) (derived here as for the flow; the rate itself is recalled)"),
    kind=Kind.EXACT,
    statement=sp.Implies(sp.Ge(settled, 1), sp.Eq(growth_ratio, 1)),
    premises=gd_degenerate_premises,
    run=run_gd_degenerate,
    tolerance=Tolerance(atol=GROWTH_RATIO_ATOL,
                        reason="0.2, the flow claim's number on a different statistic: on this ratio it admits z = "
                               "c·log log t for c ≈ 0.4–1.55 (ratio (1 − 0.75^c)/(0.75^c − 0.5^c) at T = 10⁶) and a bounded "
                               "z converging like t^{−g} only for g ≲ 0.07, where the flow's ±0.2 on the slope admitted "
                               "c = 0.8–1.2; the ratio is 1 under e^{z} = A log t + K for any K. What "
                               "moves it: ρ's exponential transients (e^{−κ log(η√T)} at the window's start: ≤ e^{−5} in the declared "
                               "regime only when η ≥ 1, times an amplitude that grows with the non-support examples; "
                               "see the dev refutation in the coverage map), the "
                               "logistic tail's O(1/t), GD's O(η/t) discretization, and an O(1/log t) drift of A (x_deg's "
                               "push along u, ∝ 1/(A log t), lowers the other duals by a factor 1 − O(γ²/(A log t))), "
                               "which bends e^{z} upward by O(log log t): together ≲ 0.07 (measured 1.006…1.046 on "
                               "12 draws × 8 starts while choosing, T = 10⁶; at most 1.065 in ci). A bounded z gives "
                               "≈ 0 (the example off the margin: e^{−offset·log(T^{1/4})} ≈ 0.18), z = 2 log log t "
                               "≈ 1.4, z ∝ log t e^{c·log(T^{1/4})}. The flow's own statistic (slope 1 of z against "
                               "log log t) is shown but not decided: at log t ≤ 14 its bias K/(A log t) measured "
                               "+0.1…+0.7 (slopes 1.1–1.7 on 8 draws while choosing)"),
    recalled=("the theorem's number, that its degenerate case covers GD with the step condition, and that the rate is "
              "stated as O(log log t/log t) (ρ(t) = O(log log t))",
              "β = ¼ for the logistic loss as the paper's β"),
    seeds=8,
    examples_scale=0.35,  # 2 corners + 4 drawn + 1 targeted, ≈ 2.7 s each (10⁶ steps, 8 starts): ≈ 19 s in ci
    symbols=GD_DEGENERATE_SYMBOLS,
    given="planted hard-margin data in d − 1 dimensions plus one example γu + (1 − γ²)^{1/2}e_d on the margin (dual 0: "
          "impl.homogeneous.degenerate_svm_data); logistic loss (β = ¼); T = 10⁶ GD steps in ci (impl.homogeneous."
          "linear_gd, 8 starts batched); ŵ, α by NNLS, independent of the run",
    figures=(Figure("e^{b·e_dᵀw(t)} against log t along GD (a straight line: the log log t law)", x="log_t",
                    ys=("exp_deg_component",), xlabel="log t", ylabel="e^{b·e_dᵀw}"),
             Figure("b·e_dᵀw(t) against log log t along GD", x="loglog_t", ys=("deg_component",), xlabel="log log t",
                    ylabel="b·e_dᵀw")),
)

gd_degenerate_off_margin_control = control(
    gd_degenerate_loglog_rate,
    name="gd_degenerate_off_margin_control",
    premises=lambda p: gd_degenerate_premises(p, offset=0.5),
    broken="degenerate data (here the extra example sits at 1.5× the margin: not a support vector)",
    title="Control: under GD with the extra example off the margin its push decays like t^{−1.5}, b·e_dᵀw(t) converges "
          "and the growth ratio of e^{b·e_dᵀw} is ≈ e^{−0.5·log(T^{1/4})} ≈ 0.18, not 1 (measured 0.178–0.189 on 6 "
          "draws while choosing)",
)

CLAIMS = [
    linear_svm_direction,
    linear_svm_limit,
    dual_limit_horizon,
    gd_descent_step_condition,
    gd_large_step_control,
    gd_residual_bounded,
    gd_nonseparable_control,
    gd_residual_large_step_control,
    degenerate_loglog_rate,
    degenerate_off_margin_control,
    direction_degenerate_control,
    gd_degenerate_loglog_rate,
    gd_degenerate_off_margin_control,
]


# ---------------------------------------------------------------------------------------------
# coverage map (issue 16). The JMLR abstract confirms the statements marked "paper"; no theorem or lemma number
# was confirmed by search: "Theorem 3" is recalled (as in the citations above), the others are named by content.
# ---------------------------------------------------------------------------------------------

COVERAGE = [
    Covered(
        where="Theorem 3 (number recalled): w(t) = ŵ log t + ρ(t), ρ bounded",
        statement="on linearly separable data, for a smooth decreasing loss with a tight exponential tail (logistic, "
                  "exponential), GD with η < 2β⁻¹σ_max⁻²(X) from any start gives w(t) = ŵ log t + ρ(t) with ρ(t) "
                  "bounded, ŵ the hard-margin SVM, so w(t)/‖w(t)‖ → ŵ/‖ŵ‖",
        status="encoded",
        claims=("soudry2018.linear_svm_direction", "soudry2018.linear_svm_limit"),
        why="for the gradient flow only (Dormand–Prince in log time to t = e^{80}), exponential and logistic losses; "
            "the direction is the paper's statement, ‖w‖ ~ ‖ŵ‖ log t and t·L → ‖ŵ‖² are derived from its form. GD "
            "with the step-size condition is not encoded (see the next entry)",
        source="recalled",
    ),
    Covered(
        where="Theorem 3 for gradient descent: the step-size condition (number recalled)",
        statement="the same conclusion for GD with a constant step η < 2β⁻¹σ_max⁻²(X) (β the loss's smoothness, "
                  "σ_max(X) the data's largest singular value)",
        status="encoded",
        claims=("soudry2018.gd_residual_bounded", "soudry2018.gd_nonseparable_control",
                "soudry2018.gd_residual_large_step_control", "soudry2018.gd_descent_step_condition"),
        why="GD itself (logistic loss, β = ¼, η = eta_frac·2β⁻¹σ_max⁻², eta_frac ∈ [0.05, 0.99]) to 10⁵ steps in ci "
            "(impl.homogeneous.linear_gd): ρ(t) = w(t) − ŵ log t drifts by ≤ ¼‖ŵ‖ per unit log t over [10³, 10⁵] "
            "(the finite-horizon reading of 'ρ bounded'; ¼ declared after measuring ≤ 0.12), with the direction "
            "error × log t plotted; the controls break separability and the step condition (8–20×). The 1/log t "
            "slope itself is fitted only on the "
            "flow (linear_svm_direction): at log t ≤ 11.5 the O(1/log² t) terms and ρ's transients move a fitted "
            "slope by ±0.3 (measured −0.37…−1.29 on 8 datasets), so a fitted rate would not separate 1/log t from "
            "1/√log t there. The condition's form is recalled",
        source="recalled",
    ),
    Covered(
        where="GD convergence of the loss (lemma number not confirmed)",
        statement="under the same step condition, L(w(t)) → 0, ‖w(t)‖ → ∞ and y_n w(t)ᵀx_n → ∞ for every n",
        status="encoded",
        claims=("soudry2018.gd_descent_step_condition", "soudry2018.gd_large_step_control"),
        why="GD with the logistic loss (β = ¼) at η = eta_frac·2β⁻¹σ_max⁻²(X), eta_frac < 1: the loss decreases at "
            "every one of 2000 steps (ci), with a control at 8–20× the step; L → 0 itself is a limit (the flow's "
            "linear_svm_limit checks t·L → ‖ŵ‖²)",
        source="recalled",
    ),
    Covered(
        where="convergence of the residual ρ(t) (number not confirmed)",
        statement="for almost every dataset ρ(t) converges to a finite w̃ determined by the support vectors "
                  "(α_n e^{−x_nᵀw̃} relations), so w(t) − ŵ log t → w̃",
        status="encoded",
        claims=("soudry2018.linear_svm_limit", "soudry2018.dual_limit_horizon"),
        why="checked through its consequence t·e^{−q_n(t)} → α_n (the SVM duals; derived), in the declared regime "
            "λ·log t ≥ 10 (ours); dual_limit_horizon is a finding reporting the horizon from which it held, not ρ(t) "
            "itself",
        source="recalled",
    ),
    Covered(
        where="rates of convergence (section and number not confirmed)",
        statement="the direction converges only logarithmically: ‖w(t)/‖w(t)‖ − ŵ/‖ŵ‖‖ = O(1/log t), the margin gap "
                  "O(1/log t), while L(t) = O(1/t)",
        status="encoded",
        claims=("soudry2018.linear_svm_direction", "soudry2018.linear_svm_limit", "soudry2018.gd_residual_bounded"),
        why="the abstract states the logarithmic slowness; the O(1/log t) rate (recalled) is checked as a fitted "
            "log–log slope ≤ −1 (within 0.2) of the angle against log t on the flow, and L = O(1/t) through t·L → "
            "‖ŵ‖²; under GD through the bounded residual it follows from (gd_residual_bounded, with err·log t "
            "plotted); the margin gap is not checked separately",
        source="recalled",
    ),
    Covered(
        where="degenerate data (Theorem 4 of the JMLR version and its appendix, as recalled; number not confirmed)",
        statement="when some support vectors have zero dual variables (a degenerate dataset), the direction "
                  "converges at the slower rate O(log log t / log t), for GD with η < 2β⁻¹σ_max⁻²(X) (and the flow)",
        status="encoded",
        claims=("soudry2018.degenerate_loglog_rate", "soudry2018.degenerate_off_margin_control",
                "soudry2018.direction_degenerate_control", "soudry2018.gd_degenerate_loglog_rate",
                "soudry2018.gd_degenerate_off_margin_control"),
        why="degenerate data are built (impl.homogeneous.degenerate_svm_data: one more example on the margin along a "
            "new axis e_d, whose dual is 0 in every dual solution, NNLS-checked). Flow (degenerate_loglog_rate): to "
            "log t = 80 the component b·e_dᵀw(t) grows like log log t (fitted slope 1 within 0.2, derived from the "
            "flow; the rate's statement is recalled), so the angle is Θ(log log t/log t); controls: the example off "
            "the margin (slope ≈ 0), and the 1/log t claim run on degenerate data (its fitted slope −0.78 > −0.8: "
            "refuted there, as the theorem's non-degeneracy premise says). GD (gd_degenerate_loglog_rate): logistic "
            "loss, η = eta_frac·2β⁻¹σ_max⁻²(X), eta_frac ∈ [0.05, 0.99], 10⁶ steps in ci; the law is decided in its "
            "K-free form e^{b·e_dᵀw} = A log t + K (the slope of e^{b·e_dᵀw} against log t is the same over "
            "[T^{3/4}, T] as over [T^{1/2}, T^{3/4}], within 0.2), in the declared regime κ·log(ηT) ≥ 10 (κ = "
            "min(λ, gap); margin ≤ 0.5 and gap ≥ 0.8 in its premises, so that 10⁶ steps reach it); the flow's slope "
            "against log log t is shown beside it, biased at log t ≤ 14 (1.1–1.7); control: the example off the "
            "margin (ratio ≈ 0.18). Under dev (n ≤ 24) the GD claim is refuted at n = 14, margin 0.5, eta_frac 0.125: ratio "
            "1.21 at T = 10⁶, 1.11 at 10⁷ on the same data — our finite horizon, not the paper: the window starts at "
            "log(η√T) = 4.4 in flow time, before the transients of 12 non-support examples and the O(1/log t) drift of "
            "A have settled (kept, tests/claims/known.py). A step far above the condition is not used as a control: on non-degenerate data "
            "(gd_residual_large_step_control) it throws w far out, where it freezes for the run, so the ratio would "
            "fail through the finite horizon, as from a far start, not through the premise",
        source="recalled",
    ),
    Covered(
        where="multi-class cross-entropy",
        statement="the result generalizes to multi-class problems with the cross-entropy loss (the limit is the "
                  "multi-class hard-margin SVM)",
        status="not yet",
        why="only binary labels are implemented; missing: a multi-class flow and a multi-class SVM solver",
    ),
    Covered(
        where="training one weight layer of a deep network",
        statement="in a restricted setting, training a single weight layer of a deep network also converges to the "
                  "max-margin direction (of its input features)",
        status="not yet",
        why="not implemented: it reduces to the linear case on fixed features when only the last layer trains, which "
            "the linear claims cover only implicitly; the paper's restricted setting is not recalled in detail",
    ),
    Covered(
        where="experiments: the validation loss",
        statement="the direction keeps improving (and the validation error falls) long after the training error is "
                  "zero, even while the validation loss increases",
        status="not yet",
        why="no held-out data in the linear claims; missing a finding on synthetic data with a test split (the "
            "validation loss grows like the norm on misclassified test points)",
    ),
]
