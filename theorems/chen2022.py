"""Chen, Vanden-Eijnden, Bruna, "On Feature Learning in Neural Networks with Global Convergence Guarantees",
ICLR 2022, arXiv 2204.10782 (seed 002, a related paper of zou2020; shared/CLAIMS.md, last section).

What is encoded, and from where:

* [paper, abstract] "for wide shallow NNs under the mean-field scaling and with a general class of activation
  functions, ... when the input dimension is no less than the size of the training set, the training loss
  converges to zero at a linear rate under GF".
* [paper, abstract] "a model of wide multi-layer NNs whose second-to-last layer is trained via GF, for which we also
  prove a linear-rate convergence of the training loss to zero, but regardless of the input dimension".
* [recalled / not read] the paper's activation class, which layers it trains and its rate constant. Only the abstract
  could be read (arXiv listing, paperswithcode, researchtrend.ai, emergentmind copies of it; searched 2026-12-07: no
  copy of the full text or TeX in the stored corpora). Decision (issue 17): ReLU is NOT taken to be in the class. The
  abstract says only "a general class of activation functions"; we recall the analysis as one of smooth activations
  (σ' bounded and Lipschitz, so that the gradient-flow ODE is well posed), which ReLU (σ' jumps at 0) is not. The
  paper's claims are therefore encoded with tanh (impl.mean_field): ``smooth_flow_linear_rate`` (d ≥ n) and
  ``multilayer_linear_rate`` (d < n, a fixed random layer before the trained one). The ReLU items (impl.two_layer,
  Du et al. 2019's net, first layer trained, a ∈ {±1} fixed) stay as our derivations and findings outside that
  premise: ``flow_linear_rate`` is now a finding.
* [derived] the mechanism that makes d ≥ n enough, at ANY width and ANY weights (no closeness to init, so the
  weights may move: feature learning): the first-layer Gram matrix is a Hadamard product
  H(W) = (XXᵀ) ∘ P(W), P_ij = (1/m) Σ_r 1{w_rᵀx_i ≥ 0}1{w_rᵀx_j ≥ 0} ⪰ 0, so by Schur's bound for Hadamard
  products of PSD matrices λ_min(H(W)) ≥ λ_min(XXᵀ)·min_i P_ii(W). Generic inputs with d ≥ n are linearly
  independent (λ_min(XXᵀ) > 0); with d < n, λ_min(XXᵀ) = 0 and the bound says nothing. Under gradient flow
  d‖y − u‖²/dt = −2(y − u)ᵀH(y − u), so the loss falls at a linear rate as long as every input keeps a share of
  active neurons.

The flow claims run the paper's mean-field scaling, f = (1/m) Σ_r a_r relu(w_rᵀx) (the impl's m^{-1/2} net with
a_r = ±m^{-1/2}), and report time in mean-field units τ = t/m, in which each neuron moves O(1) (not O(m^{-1/2}) as in
the NTK scaling): du/dτ = −H(W)(u − y) with the H(W) above, so ‖y − u(τ)‖² ≤ exp(−2λ_X ∫₀^τ min_i P_ii)‖y − u(0)‖²
with the active shares *measured* along the path (``flow_schur_envelope``, exact, any width), and the abstract's
"linear rate" is that the least share seen so far, c(τ), stays > 0 (``flow_linear_rate``, w.h.p. at width 32).

Measured before encoding (ours, 2026-11-25): at m = 16 (n = 4…8, d = n…2n, 16 seeds) 1–3 of 16 seeds lost an input's
last active neuron (min_i P_ii → 0: that residual freezes). The d < n control (d = 2 at m = 32) has λ_X = 0, so no rate
is guaranteed; its recorded loss curves end at L/L(0) = 0.03…0.8 on some data sets (some still falling slowly, some
flat) while other d < n data sets are still fitted (d·m ≥ n parameters): d ≥ n is what makes fitting *guaranteed*.
History: the flow claim first assumed a share ≥ 1/4 (refuted by the ci search), then ≥ 1/8 (a constant read off that
failure); both were replaced by the measured share so that no constant is chosen from the data.

Roles (issue 15; re-roled in issue 17). ``flow_linear_rate`` was the paper's claim (the abstract's linear rate under
GF for d ≥ n, in our encoding); with ReLU outside the activation class as we read it, it is a finding of ours. The
Schur bound ``kernel_bound_d_ge_n`` and the integrated envelope ``flow_schur_envelope`` are our derivations, true
for any correct implementation: they are *checks* (of gram_w's Hadamard structure and of the flow).
The width 32 of ``flow_linear_rate`` was chosen after m = 16 failed for 1–3 of 16 seeds; that setting is kept as the
finding ``flow_rate_half_width`` (re-measured 2026-12-07: 2 of 208 runs at n = 2, 4, about 1%, well below δ).
The former control ``kernel_bound_d_lt_n_control`` was removed: with d < n, XXᵀ has rank d < n, so λ_min(XXᵀ) = 0
for any implementation (its own title said so) — it broke linear algebra, not a premise of the paper's theorem, whose
conclusion (the loss rate) it never measured.

Issue 17 (done here): the activation class (above); the multi-layer result, encoded as the random-feature reading
``multilayer_linear_rate`` with the d < n control ``multilayer_raw_inputs_control``, which measures the paper's
conclusion (the loss against the declared linear rate), not the Schur bound. Still open: the paper's rate constant
(``KAPPA`` is declared by us) and the scalings of its three-layer model.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import sympy as sp
import torch
from hypothesis import assume
from hypothesis import strategies as st

from lemmata.impl import mean_field as mf
from lemmata.impl import two_layer as tl
from lemmata.theorems import du2019 as du
from lemmata.verify import (Citation, Claim, Covered, Figure, Instance, Kind, Profile, Tightness, Tolerance, control,
                    per_seed, shared)

PAPER = ("Chen, Vanden-Eijnden, Bruna (2022), On Feature Learning in Neural Networks with Global Convergence "
         "Guarantees, ICLR")
ARXIV = "2204.10782"


def cite(where: str, source: str = "paper", note: str = "") -> Citation:
    return Citation(paper=PAPER, where=where, arxiv=ARXIV, source=source, note=note)  # type: ignore[arg-type]


def _kernel_premises(p: Profile) -> st.SearchStrategy[dict[str, Any]]:
    """n samples; d ≥ n (the paper's premise); any width m; a weight scale; a seed."""
    max_n = p.pick(12, 32, 96)

    def with_d(n: int) -> st.SearchStrategy[dict[str, Any]]:
        d = st.integers(n, n + p.pick(12, 32, 96))
        return st.fixed_dictionaries({
            "n": st.just(n), "d": d,
            "m": st.integers(1, p.pick(64, 512, 4096)),
            "weight_scale": st.floats(0.01, 100.0),
            "coherence": st.floats(0.0, 0.9),
            "seed": st.integers(0, 2**20),
        })

    return st.integers(1, max_n).flatmap(with_d)


def run_kernel_bound(inst: Instance) -> dict[str, Any]:
    """λ_min(H(W)), λ_min(XXᵀ) and min_i P_ii(W) at Gaussian weights W of any scale (any point a run can reach)."""
    p = inst.premises
    X = tl.sphere_inputs(p["n"], p["d"], generator=inst.generator(0), coherence=p["coherence"],
                         dtype=inst.dtype, device=inst.device)
    W, _ = tl.init_weights(p["m"], p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    W = p["weight_scale"] * W
    H = tl.gram_w(W, X)  # (S, n, n)
    active_share = (tl.preactivations(W, X) >= 0).to(inst.dtype).mean(-1)  # (S, n): P_ii = share of active neurons
    lam_x = float(torch.linalg.eigvalsh(X @ X.T)[0])
    return {"lambda_min_H": per_seed(tl.lambda_min(H)), "lambda_X": lam_x,
            "min_active_share": per_seed(active_share.amin(-1))}


lam_H, lam_X, p_min = sp.symbols("lambda_min_H lambda_X min_active_share")

KERNEL_SYMBOLS = {
    "lambda_min_H": "λ_min(H(W)), H(W)_ij = (1/m) x_iᵀx_j Σ_r 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0}",
    "lambda_X": "λ_min(XXᵀ), the least eigenvalue of the input Gram matrix",
    "min_active_share": "min_i P_ii(W) = min_i (1/m)#{r : w_rᵀx_i ≥ 0}",
    "weight_scale": "W = scale·N(0, I): the bound holds at any weights, not only near a Gaussian init",
    "coherence": "pulls the unit inputs together (shrinks λ_min(XXᵀ))",
}

kernel_bound = Claim(
    id="chen2022.kernel_bound_d_ge_n",
    title="d ≥ n: the inputs are linearly independent (λ_min(XXᵀ) > 0) and at ANY weights "
          "λ_min(H(W)) ≥ λ_min(XXᵀ)·min_i P_ii(W) (Schur), so gradient flow's loss rate never needs W near init",
    citation=cite("abstract: 'input dimension no less than the size of the training set' ⇒ linear rate under GF",
                  "derived",
                  "the Schur/Hadamard bound λ_min(A∘B) ≥ λ_min(A)·min_i B_ii (A, B ⪰ 0) applied to "
                  "H = (XXᵀ)∘P is our derivation of why d ≥ n suffices; the paper's own argument was not read"),
    kind=Kind.EXACT,
    statement=sp.And(sp.Gt(lam_X, 0), sp.Ge(lam_H, lam_X * p_min)),
    premises=lambda p: _kernel_premises(p),
    run=run_kernel_bound,
    tolerance=Tolerance(atol=1e-10,
                        reason="float64 symmetric eigenvalues of n×n matrices with entries ≤ 1 are accurate to "
                               "≈ n·ε ≤ 1e-13 (n ≤ 96); 1e-10 leaves margin, and the strict λ_min(XXᵀ) > 0 must "
                               "clear it (a rank-deficient XXᵀ gives ≈ 1e-16)"),
    symbols=KERNEL_SYMBOLS,
    given="inputs on the unit sphere drawn from a continuous law (linearly independent with probability 1 when "
          "d ≥ n); coherence ≤ 0.9 keeps λ_min(XXᵀ) well above round-off",
    recalled=("the paper's activation class and trained layers (here: ReLU, first layer trained, as du2019)",),
    seeds=8,
    # our derivation (Schur's bound), true for any correct gram_w: a check of its Hadamard structure, not a paper claim
    role="check",
)


# ---------------------------------------------------------------------------------------------
# gradient flow in the mean-field scaling: a linear rate when d ≥ n, with the rate measured, not assumed
# ---------------------------------------------------------------------------------------------
#
# Along the flow d‖r‖²/dτ = −2rᵀH(W(τ))r ≤ −2λ_X·p(τ)‖r‖² (the Schur bound above, p(τ) = min_i P_ii(W(τ))), so
#     ‖r(τ)‖² ≤ exp(−2λ_X ∫₀^τ p(s) ds)·‖r(0)‖²  ≤  exp(−2λ_X·c(τ)·τ)·‖r(0)‖²,  c(τ) = min_{s ≤ τ} p(s).
# Both rates are *measured* along the run: no constant for the share is assumed. The first is checked exactly at
# any width (``flow_schur_envelope``); the paper's "linear rate" is that c(τ) stays > 0 over the run, which at a
# finite ReLU width holds only with high probability (an input can lose its last active neuron and its residual
# then freezes: measured at m = 16 for 1–3 of 16 seeds), so ``flow_linear_rate`` is probabilistic at m = 32.
# History: a first encoding assumed c ≥ 1/4 (rate λ_X/2) and was refuted by the ci search (n = 2, d = 4: 10 of 64
# seeds ended at 0.01…0.08·L(0)); a second assumed c ≥ 1/8, a constant read off that failure. Both were replaced by
# the measured c(τ) so that no constant is chosen from the data.

WIDTH = 32  # modest and fixed (ours): m = 16 let 1–3 of 16 seeds lose an input's last active neuron (measured)
EPS = 1e-2  # the run length: τ_H = ln(1/ε)/λ_X, where the initial share P_ii ≈ 1/2 would bring the loss to ε·L(0)
LAMBDA_FLOOR = 0.4  # data with λ_min(XXᵀ) below this are redrawn: τ_H ≤ 11.5 keeps ci cheap
STEPS_PER_UNIT = 64.0  # RK4 steps per unit of τ·λ_max(XXᵀ); see FLOW_TOL
MAX_STEPS = 6000
NARROW_WIDTH = 2  # the narrow-width control's m (ours): one fixed width keeps its shrinking short
HALF_WIDTH = 16  # the width rejected for flow_linear_rate (1–3 of 16 seeds failed), kept as a finding
DELTA = 0.1
FLOW_TOL = Tolerance(
    rtol=1e-2, atol=1e-10,
    reason="RK4 through activation-pattern flips converges at first order, and mean-field neurons move O(1) (more "
           "flips than du2019's NTK flow, whose 16 steps per unit erred by up to 12% here, measured): at 64 steps per "
           "unit of τ·λ_max(XXᵀ) the loss differed from a 4× finer grid by ≤ 3.2e-3 relative over 16 data sets × 16 "
           "seeds (n = 2…5, d = n…2n+2, m = 32, to τ_H; measured 2026-11-25), so 1e-2 leaves ≈ 3× margin; atol 1e-10: "
           "the strict rate > 0 must clear round-off (a rank-deficient XXᵀ has |λ_min| ≈ 1e-16)")


def _flow_premises(p: Profile, *, any_width: bool = False, narrow: bool = False,
                   width: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """d ≥ n; width WIDTH (or ``width``), any width (the exact envelope) or NARROW_WIDTH (the control)."""
    max_n = p.pick(5, 8, 16)
    width = (st.integers(2, p.pick(48, 96, 256)) if any_width
             else st.just(NARROW_WIDTH) if narrow else st.just(width or WIDTH))
    return st.integers(2, max_n).flatmap(lambda n: st.fixed_dictionaries({
        "n": st.just(n), "d": st.integers(n, 2 * n + 2), "m": width, "seed": st.integers(0, 2**20)}))


def _mean_field_flow(inst: Instance, tau_end: float) -> tuple[tl.Trajectory, torch.Tensor]:
    """Mean-field flow of the width-m net to mean-field time tau_end; (trajectory, τ grid (K+1,))."""
    D = du._data(inst)
    m = inst.premises["m"]
    W, a = tl.init_weights(m, inst.premises["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    lam_max = float(torch.linalg.eigvalsh(D["X"] @ D["X"].T)[-1])
    # FLOW_TOL's grid: 64 RK4 steps per unit of τ·λ_max(XXᵀ) (λ_max(H(W)) ≤ λ_max(XXᵀ) in τ units)
    steps = int(max(50, math.ceil(STEPS_PER_UNIT * tau_end * lam_max)))
    assume(steps <= MAX_STEPS)
    # f = (1/m) Σ_r a_r relu(w_rᵀx): the impl's m^{-1/2} net with output weights a_r/√m, flowed for t = τ·m
    tr = tl.flow_trajectory(W, a / math.sqrt(m), D["X"], D["y"], t_end=tau_end * m, steps=steps)
    return tr, tr.time / m


def _flow_record(tr: tl.Trajectory, tau: torch.Tensor, lam_x: float) -> dict[str, Any]:
    res = tr.residual_sq  # (S, K+1)
    share = tr.min_active_share  # (S, K+1): p(τ_k) on the RK4 grid
    assert share is not None
    running_min = torch.cummin(share, dim=1).values  # c(τ_k)
    h = tau[1:] - tau[:-1]
    # ∫₀^τ p, with each grid interval charged at the smaller of its two end values (p is piecewise constant)
    integral = torch.cat([torch.zeros_like(share[:, :1]),
                          torch.cumsum(torch.minimum(share[:, 1:], share[:, :-1]) * h, dim=1)], dim=1)
    t = tau[1:]  # (K,), shared by every seed
    return {
        "residual_sq": per_seed(res[:, 1:], "t"), "residual_sq_0": per_seed(res[:, 0]), "tau": shared(t, "t"),
        "lambda_X": lam_x,
        "share_integral": per_seed(integral[:, 1:], "t"), "share_running_min": per_seed(running_min[:, 1:], "t"),
        # the guaranteed linear rate over the whole run, 2λ_X·c(τ_H) (λ_X clamped: round-off can make it −1e-16)
        "rate": per_seed(2.0 * max(lam_x, 0.0) * running_min[:, -1]),
        # for the figures and the record (And/Le reorder their sides; these name the curves)
        "envelope_integral": per_seed(torch.exp(-2.0 * lam_x * integral[:, 1:]) * res[:, :1], "t"),
        "envelope_running_min": per_seed(torch.exp(-2.0 * lam_x * running_min[:, 1:] * t) * res[:, :1], "t"),
        "share": per_seed(share[:, 1:], "t"),
        "loss_ratio_end": per_seed(res[:, -1] / res[:, 0]),
        "min_share_init": per_seed(share[:, 0]),
    }


def run_flow_rate(inst: Instance) -> dict[str, Any]:
    """d ≥ n: flow to τ_H = ln(1/ε)/λ_X and record the measured shares and the rates they guarantee."""
    D = du._data(inst)
    lam_x = float(torch.linalg.eigvalsh(D["X"] @ D["X"].T)[0])
    assume(lam_x >= LAMBDA_FLOOR)
    tr, tau = _mean_field_flow(inst, math.log(1.0 / EPS) / lam_x)
    return _flow_record(tr, tau, lam_x)


res_t, res_0, tau_s, rate_s = sp.symbols("residual_sq residual_sq_0 tau rate")
share_int, share_min = sp.symbols("share_integral share_running_min")

FLOW_SYMBOLS = {
    "residual_sq": "‖y − u(τ)‖² along the flow", "residual_sq_0": "‖y − u(0)‖²",
    "tau": "mean-field time τ = t/m", "lambda_X": "λ_min(XXᵀ)",
    "share_integral": "∫₀^τ min_i P_ii(W(s)) ds on the RK4 grid (each interval at its smaller end value)",
    "share_running_min": "c(τ) = min_{s ≤ τ} min_i P_ii(W(s)) on the RK4 grid",
    "rate": "2λ_X·c(τ_H): the linear rate the measured shares guarantee over the whole run",
    "envelope_integral": "exp(−2λ_X ∫₀^τ p)‖y − u(0)‖² (plotted)",
    "envelope_running_min": "exp(−2λ_X c(τ) τ)‖y − u(0)‖² (plotted)",
    "share": "min_i P_ii(W(τ)) (recorded)", "loss_ratio_end": "L(τ_H)/L(0) (recorded)",
    "min_share_init": "min_i P_ii(W(0)) (recorded)",
}
FLOW_GIVEN = ("inputs uniform on the sphere with λ_min(XXᵀ) ≥ 0.4 (redrawn otherwise), labels uniform in [−1, 1], "
              "a_r = ±1 fixed, W(0) ~ N(0, I) trained by RK4 gradient flow (FLOW_TOL's grid) to "
              "τ_H = ln(1/ε)/λ_X, ε = 1e-2; the active shares are read on the RK4 grid, not between grid points")
MEAN_FIELD_RECALLED = "the mean-field scaling (1/m)Σ a_r σ(w_rᵀx) with O(1) weights (the abstract names the scaling only)"

flow_envelope = Claim(
    id="chen2022.flow_schur_envelope",
    title="d ≥ n, any width: along gradient flow ‖y − u(τ)‖² ≤ exp(−2λ_min(XXᵀ)∫₀^τ min_i P_ii)·‖y − u(0)‖², "
          "the Schur bound integrated along the path with the active shares as measured",
    citation=cite("abstract: d ≥ n ⇒ linear rate under GF", "derived",
                  "d‖r‖²/dτ = −2rᵀH(W)r ≤ −2λ_min(XXᵀ)·min_i P_ii(W)‖r‖² (kernel_bound_d_ge_n) integrated in τ"),
    kind=Kind.EXACT,
    statement=sp.Le(res_t, sp.exp(-2 * lam_X * share_int) * res_0),
    premises=lambda p: _flow_premises(p, any_width=True),
    run=run_flow_rate,
    tolerance=FLOW_TOL,
    symbols=FLOW_SYMBOLS,
    given=FLOW_GIVEN,
    recalled=(MEAN_FIELD_RECALLED,),
    figures=(Figure("loss against mean-field time τ, with the envelope exp(−2λ_X∫₀^τ p)‖y − u(0)‖²",
                    x="tau", ys=("residual_sq", "envelope_integral"), xlabel="τ = t/m", ylabel="‖y − u‖²",
                    logy=True, styles=("line", "dashed")),),
    examples_scale=0.25,
    seeds=8,
    # our derivation (the Schur bound integrated along the path), exact for any correct flow: a check of the flow
    role="check",
)

flow_rate = Claim(
    id="chen2022.flow_linear_rate",
    title="d ≥ n, mean-field scaling, width 32: w.h.p. every input keeps an active neuron along the run, so the "
          "linear rate the Schur bound guarantees, 2λ_min(XXᵀ)·c(τ_H), stays > 0 (with λ_min(XXᵀ) ≥ 0.4 this is what "
          "is at stake); the loss stays under e^{−2λ_min(XXᵀ)c(τ)τ}‖y − u(0)‖² (a corollary of flow_schur_envelope, "
          "re-checked here)",
    citation=cite("abstract: d ≥ n ⇒ 'the training loss converges to zero at a linear rate under GF'", "derived",
                  "a finding of ours outside the paper's premise (issue 17): ReLU is not in the activation class as we "
                  "read it (smooth activations; the paper's claim is smooth_flow_linear_rate, tanh). The rate "
                  "2λ_min(XXᵀ)·c(τ), c the least active share seen so far, is our derivation (Schur bound), not the "
                  "paper's constant; width 32 and ReLU are ours"),
    kind=Kind.PROBABILISTIC,
    statement=sp.And(sp.Gt(rate_s, 0), sp.Le(res_t, sp.exp(-2 * lam_X * share_min * tau_s) * res_0)),
    premises=lambda p: _flow_premises(p),
    run=run_flow_rate,
    tolerance=FLOW_TOL,
    delta=DELTA,
    symbols=FLOW_SYMBOLS,
    given=FLOW_GIVEN + "; m = 32",
    recalled=(MEAN_FIELD_RECALLED,),
    figures=(Figure("loss against mean-field time τ, with the envelope exp(−2λ_X c(τ) τ)‖y − u(0)‖²",
                    x="tau", ys=("residual_sq", "envelope_running_min"), xlabel="τ = t/m", ylabel="‖y − u‖²",
                    logy=True, styles=("line", "dashed")),
             Figure("the least active share min_i P_ii(W(τ)) and its running minimum c(τ)", x="tau",
                    ys=("share", "share_running_min"), xlabel="τ = t/m", ylabel="share of active neurons",
                    styles=("line", "dashed"))),
    examples_scale=0.5,
    seeds=16,
    # a rate: the guaranteed decay exponent 2λ_X·c(τ)·τ over the measured ln(L(0)/L(τ)) at the end of the run
    tightness=Tightness(-2 * lam_X * share_min * tau_s / sp.log(res_t / res_0),
                        "2λ_X·c(τ)·τ over ln(‖y − u(0)‖²/‖y − u(τ)‖²) at τ_H (bound's exponent / measured)",
                        reduce="last"),
    # issue 17: ReLU lies outside the paper's (smooth) activation class as we read it: our measurement, not its claim
    role="finding",
)

flow_rate_half_width = replace(
    flow_rate,
    id="chen2022.flow_rate_half_width",
    title="Finding: at width 16 (half the declared 32) the same statement, w.h.p. over the initialization — the "
          "setting whose failures (1–3 of 16 seeds) set the width 32",
    citation=cite("abstract: d ≥ n ⇒ linear rate under GF (our measurement below the declared width)", "derived",
                  "WIDTH = 32 was chosen after m = 16 let 1–3 of 16 seeds lose an input's last active neuron"),
    premises=lambda p: _flow_premises(p, width=HALF_WIDTH),
    given=FLOW_GIVEN + f"; m = {HALF_WIDTH}",
    tightness=None,
    examples_scale=0.25,
    role="finding",
)

flow_rate_narrow_control = replace(control(
    flow_rate,
    name="flow_narrow_width_control",
    premises=lambda p: _flow_premises(p, narrow=True),
    broken="a wide network (here m = 2 neurons with d ≥ n): an input whose few neurons all switch off has a frozen "
           "residual, so the guaranteed rate drops to 0 for more than δ of the seeds",
    title="Control: d ≥ n but width 2: inputs lose their last active neuron (at init or along the flow) for more "
          "than δ of the seeds, and the linear rate the shares guarantee is gone",
), examples_scale=0.25)



# ---------------------------------------------------------------------------------------------
# a smooth activation (tanh): the d ≥ n rate, and the multi-layer net with its second-to-last layer trained
# ---------------------------------------------------------------------------------------------
#
# impl.mean_field: f = (1/m) Σ_r c_r σ(w_rᵀφ(x)), c_r = ±1 fixed, W trained by gradient flow in mean-field time τ;
# du/dτ = −[(FFᵀ) ∘ Q(W)](u − y), F = (φ(x_i))_i, Q_ij = (1/m) Σ_r σ'(w_rᵀf_i)σ'(w_rᵀf_j). Shallow: φ(x) = x, the
# paper's d ≥ n premise makes λ_min(XXᵀ) > 0. Multi-layer (the abstract's "second-to-last layer trained via GF"):
# φ(x) = D^{-1/2} tanh(s(Zx + b)) is a fixed random layer of width D ≥ n, whose Gram FFᵀ is positive definite for
# distinct inputs whatever d, so the same argument runs at d < n. The rate declared here (ours, the paper's constant
# is not read): the slope share Q_ii starts at E[σ'(g)²] (g ~ N(0, 1), the Gaussian init with unit inputs) and the
# declared rate keeps half of it, κ = ½E[σ'(g)²] = 0.2322 for tanh, against the least eigenvalue floor of the data:
#     ‖y − u(τ)‖² ≤ exp(−2κ·λ_floor·τ)·‖y − u(0)‖²   for τ ≤ τ_H = ln(1/ε)/(2κλ_floor),
# with the data redrawn when λ_min(FFᵀ) < λ_floor. The constants (κ, floor, ε) are the premise's, not measured from
# the run, so the control (the same statement with the trained layer on raw inputs at d < n) measures the paper's
# conclusion, the loss, and not a vanishing eigenvalue.
#
# Measured before encoding (ours, 2026-12-07, 16 seeds each): with labels uniform in [−1, 1] the declared rate failed
# for 10–11 of 16 seeds on some data sets, shallow (λ_X ≥ 0.4) and multi-layer alike: the net's outputs are bounded by
# max|c_r|·sup|tanh| = 1, labels near ±1 are reached only by saturating neurons (σ' → 0), and the slope share
# collapses (the trained layer moved by up to 11). Labels in [−½, ½] keep the targets inside the range: no violation on
# 18 data sets. That setting is kept below as the finding ``multilayer_rate_full_labels``; the claims use [−½, ½].
# RK4 on the smooth field: 4 steps per unit of τ·λ_max(FFᵀ) against 16 differed by ≤ 5.7e-6 relative at τ_H on the
# same 18 data sets (residuals above 1e-12), see SMOOTH_TOL.

SMOOTH = "tanh"
KAPPA = 0.5 * mf.slope_moment(SMOOTH)  # ½E[sech⁴(g)] = 0.2322: the declared share of the initial slope (ours)
SMOOTH_EPS = 1e-2  # τ_H: the declared envelope reaches ε·L(0)
SMOOTH_LABELS = 0.5  # labels uniform in [−½, ½]: inside the range |f| ≤ 1 of the net (see the note above)
SHALLOW_FLOOR = LAMBDA_FLOOR  # 0.4, as the ReLU items: λ_min(XXᵀ) ≥ 0.4 (redrawn otherwise), τ_H = 24.8
ML_FLOOR = 0.05  # λ_min(FFᵀ) ≥ 0.05 for the random features (redrawn otherwise), τ_H = 198
FEATURE_SCALE = 3.0  # the random layer's pre-activations s(Zx + b), s = 3 (ours: s = 1 gives λ_min(FFᵀ) ≈ 0.01)
SMOOTH_WIDTH = 32  # m, the trained layer's width (ours)
SMOOTH_STEPS_PER_UNIT = 4.0  # RK4 steps per unit of τ·λ_max(FFᵀ) (λ_max(H) ≤ λ_max(FFᵀ) since σ' ≤ 1)
SMOOTH_MAX_STEPS = 4000
SMOOTH_TOL = Tolerance(
    rtol=1e-4, atol=1e-12,
    reason="RK4 on a C^∞ field: at 4 steps per unit of τ·λ_max(FFᵀ) the loss differed from a 4× finer grid by ≤ 5.7e-6 "
           "relative on 18 data sets × 16 seeds (shallow d ≥ n and random features, n = 3…6, to τ_H; measured "
           "2026-12-07), so 1e-4 leaves ≈ 17× margin; atol 1e-12: residuals below it are round-off (the envelope at "
           "τ_H is ε·‖y − u(0)‖² ≥ 1e-4)")


def _smooth_premises(p: Profile, *, multilayer: bool, raw_inputs: bool = False,
                     labels: float = SMOOTH_LABELS) -> st.SearchStrategy[dict[str, Any]]:
    """Shallow: d ∈ [n, 2n+2]. Multi-layer: d ∈ [2, n−1] (d < n) and a random layer of width D ≥ n (``raw_inputs``:
    the control, no random layer). Width SMOOTH_WIDTH; labels uniform in [−labels, labels]."""
    max_n = p.pick(5, 8, 12)
    D = p.pick(32, 64, 128)

    def with_n(n: int) -> st.SearchStrategy[dict[str, Any]]:
        d = st.integers(2, n - 1) if multilayer else st.integers(n, 2 * n + 2)
        return st.fixed_dictionaries({
            "n": st.just(n), "d": d, "D": st.just(0 if (raw_inputs or not multilayer) else max(D, n)),
            "m": st.just(SMOOTH_WIDTH), "label_scale": st.just(labels),
            "lambda_floor": st.just(ML_FLOOR if multilayer else SHALLOW_FLOOR), "seed": st.integers(0, 2**20)})

    return st.integers(3, max_n).flatmap(with_n)


def run_smooth_flow(inst: Instance) -> dict[str, Any]:
    """Data, the (random-feature) inputs of the trained layer, and the mean-field flow to τ_H, for all seeds."""
    p = inst.premises
    g = inst.generator(0)
    X = tl.sphere_inputs(p["n"], p["d"], generator=g, dtype=inst.dtype, device=inst.device)
    y = tl.bounded_labels(p["n"], generator=g, scale=p["label_scale"], dtype=inst.dtype, device=inst.device)
    if p["D"]:
        Z, b = mf.feature_weights(p["D"], p["d"], generator=g, dtype=inst.dtype, device=inst.device)
        F = mf.random_features(X, FEATURE_SCALE * Z, FEATURE_SCALE * b, SMOOTH)
    else:
        F = X
    ev = torch.linalg.eigvalsh(F @ F.T)
    lam_f, floor = float(ev[0]), p["lambda_floor"]
    if p["D"] or p["d"] >= p["n"]:  # the premise: the trained layer's inputs are conditioned (not for the control)
        assume(lam_f >= floor)
    rate = 2.0 * KAPPA * floor
    tau_end = math.log(1.0 / SMOOTH_EPS) / rate
    steps = int(max(50, math.ceil(SMOOTH_STEPS_PER_UNIT * tau_end * float(ev[-1]))))
    assume(steps <= SMOOTH_MAX_STEPS)
    W, c = tl.init_weights(p["m"], F.shape[1], inst.seeds, dtype=inst.dtype, device=inst.device)
    tr = mf.mean_field_flow(W, c, F, y, SMOOTH, tau_end=tau_end, steps=steps)
    res, t = tr.residual_sq, tr.tau[1:]
    return {
        "residual_sq": per_seed(res[:, 1:], "t"), "residual_sq_0": per_seed(res[:, 0]), "tau": shared(t, "t"),
        "rate_declared": rate, "lambda_F": lam_f,
        "envelope_declared": per_seed(torch.exp(-rate * t) * res[:, :1], "t"),
        "min_slope": per_seed(tr.min_slope[:, 1:], "t"), "max_move": per_seed(tr.max_move[:, 1:], "t"),
        "loss_ratio_end": per_seed(res[:, -1] / res[:, 0]),
    }


rate_decl = sp.Symbol("rate_declared")
SMOOTH_SYMBOLS = {
    "residual_sq": "‖y − u(τ)‖² along the flow", "residual_sq_0": "‖y − u(0)‖²", "tau": "mean-field time τ",
    "rate_declared": "2κ·λ_floor, κ = ½E[tanh'(g)²] = 0.2322 (declared), λ_floor the premise's floor on λ_min(FFᵀ)",
    "lambda_F": "λ_min(FFᵀ) of the trained layer's inputs (recorded; ≥ λ_floor by the premise)",
    "envelope_declared": "exp(−2κλ_floor τ)‖y − u(0)‖² (plotted)",
    "min_slope": "min_i (1/m)Σ_r tanh'(w_rᵀf_i)² (recorded)",
    "max_move": "max_r ‖w_r(τ) − w_r(0)‖: how far the trained layer moved (recorded; feature learning)",
    "loss_ratio_end": "L(τ_H)/L(0) (recorded)",
}
SMOOTH_GIVEN = ("tanh activation; inputs uniform on the sphere, labels uniform in [−½, ½], c_r = ±1 fixed, "
                "W(0) ~ N(0, I), RK4 gradient flow in mean-field time (SMOOTH_TOL's grid) to "
                "τ_H = ln(1/ε)/(2κλ_floor), "
                "ε = 1e-2, m = 32")
ML_GIVEN = (SMOOTH_GIVEN + "; d ∈ [2, n−1]; the earlier layer φ(x) = D^{-1/2}tanh(3(Zx + b)), Z, b ~ N(0, 1) fixed, "
            "D = 32 (ci) / 64 / 128 ≥ n; data with λ_min(FFᵀ) < 0.05 redrawn")
SMOOTH_RECALLED = (MEAN_FIELD_RECALLED,
                   "the activation class: smooth activations with bounded, Lipschitz σ' (tanh taken as a member); the "
                   "paper's assumption was not readable",
                   "the rate constant: κ = ½E[σ'(g)²] is declared by us, not the paper's")
SMOOTH_FIGURES = (Figure("loss against mean-field time τ, with the declared envelope exp(−2κλ_floor τ)‖y − u(0)‖²",
                         x="tau", ys=("residual_sq", "envelope_declared"), xlabel="τ", ylabel="‖y − u‖²", logy=True,
                         styles=("line", "dashed")),
                  Figure("how far the trained layer moves (feature learning) and its least slope share", x="tau",
                         ys=("max_move", "min_slope"), xlabel="τ", ylabel="max_r ‖w_r − w_r(0)‖ ; min_i Q_ii",
                         styles=("line", "dashed")))

smooth_flow_rate = Claim(
    id="chen2022.smooth_flow_linear_rate",
    title="d ≥ n, tanh, mean-field scaling, first layer trained: w.h.p. the loss falls at least at the declared linear "
          "rate, ‖y − u(τ)‖² ≤ exp(−2κλ_floor τ)‖y − u(0)‖² up to τ_H, κ = ½E[tanh'(g)²], λ_min(XXᵀ) ≥ λ_floor = 0.4",
    citation=cite("abstract: shallow NNs, mean-field scaling, 'a general class of activation functions', d ≥ n ⇒ "
                  "'the training loss converges to zero at a linear rate under GF'", "paper",
                  "the rate 2κλ_floor with κ = ½E[σ'(g)²] is declared by us (the paper's constant is not read); tanh "
                  "is taken as a member of the smooth class"),
    kind=Kind.PROBABILISTIC,
    statement=sp.Le(res_t, sp.exp(-rate_decl * tau_s) * res_0),
    premises=lambda p: _smooth_premises(p, multilayer=False),
    run=run_smooth_flow,
    tolerance=SMOOTH_TOL,
    delta=DELTA,
    symbols=SMOOTH_SYMBOLS,
    given=SMOOTH_GIVEN + "; d ∈ [n, 2n+2], λ_min(XXᵀ) ≥ 0.4 (redrawn otherwise)",
    recalled=SMOOTH_RECALLED,
    figures=SMOOTH_FIGURES,
    examples_scale=0.5,
    seeds=16,
    tightness=Tightness(-rate_decl * tau_s / sp.log(res_t / res_0),
                        "2κλ_floor·τ over ln(‖y − u(0)‖²/‖y − u(τ)‖²) at τ_H (declared exponent / measured)",
                        reduce="last"),
)

multilayer_rate = replace(
    smooth_flow_rate,
    id="chen2022.multilayer_linear_rate",
    title="d < n, multi-layer: a fixed random layer of width D ≥ n, the second-to-last layer trained by gradient flow "
          "in the mean-field scaling (tanh): w.h.p. ‖y − u(τ)‖² ≤ exp(−2κλ_floor τ)‖y − u(0)‖² up to τ_H "
          "(λ_min(FFᵀ) ≥ λ_floor = 0.05), a linear rate whatever the input dimension",
    citation=cite("abstract: 'a model of wide multi-layer NNs whose second-to-last layer is trained via GF, for which "
                  "we also prove a linear-rate convergence of the training loss to zero, but regardless of the input "
                  "dimension'", "paper",
                  "our reading: the earlier layers random and fixed (a random-feature map of width D), the last layer "
                  "fixed; the rate 2κλ_floor (κ = ½E[σ'(g)²], λ_floor on the random features' Gram) is declared by us; "
                  "the scalings of the paper's three-layer model, its widths and its constant are not read"),
    premises=lambda p: _smooth_premises(p, multilayer=True),
    given=ML_GIVEN,
    tightness=Tightness(-rate_decl * tau_s / sp.log(res_t / res_0),
                        "2κλ_floor·τ over ln(‖y − u(0)‖²/‖y − u(τ)‖²) at τ_H (declared exponent / measured)",
                        reduce="last"),
)

multilayer_raw_inputs_control = replace(control(
    multilayer_rate,
    name="multilayer_raw_inputs_control",
    premises=lambda p: _smooth_premises(p, multilayer=True, raw_inputs=True),
    broken="the random earlier layer of width D ≥ n: the trained layer sees the raw inputs x ∈ R^d with d < n (the "
           "single-layer setting below the paper's d ≥ n), so XXᵀ has rank d < n and no rate is guaranteed",
    title="Control: d < n with the first layer trained on the raw inputs (no random layer before it): the loss falls "
          "behind the declared linear rate for more than δ of the seeds",
), examples_scale=0.5, given=SMOOTH_GIVEN + "; d ∈ [2, n−1]; no random layer: the trained layer sees x itself")

multilayer_rate_full_labels = replace(
    multilayer_rate,
    id="chen2022.multilayer_rate_full_labels",
    title="Finding: the multi-layer statement with labels uniform in [−1, 1] (the full range |f| ≤ 1 of the net), the "
          "setting whose failures (10–11 of 16 seeds on some data sets, measured before encoding) set the labels to "
          "[−½, ½]",
    citation=cite("abstract: multi-layer NNs, linear rate regardless of d (our measurement at the edge of the net's "
                  "range)", "derived",
                  "labels near ±1 need saturated tanh neurons (|f| ≤ 1), and the slope share then collapses"),
    premises=lambda p: _smooth_premises(p, multilayer=True, labels=1.0),
    given=ML_GIVEN.replace("labels uniform in [−½, ½]", "labels uniform in [−1, 1]"),
    tightness=None,
    examples_scale=0.25,
    # the ci and dev searches did not meet a failing data set (measured 2026-12-07); this one, found by scanning
    # premise seeds 0…14 at n = 5, d = 4, D = 64 after encoding, breaks the declared rate for 7 of seeds 0…15
    # (premise seed 1 for 4 of 16): kept as an explicit example, as the record of the failure this finding names
    examples=({"n": 5, "d": 4, "D": 64, "m": SMOOTH_WIDTH, "label_scale": 1.0, "lambda_floor": ML_FLOOR, "seed": 14},),
    role="finding",
)


CLAIMS = [kernel_bound, flow_envelope, flow_rate, flow_rate_half_width, flow_rate_narrow_control,
          smooth_flow_rate, multilayer_rate, multilayer_raw_inputs_control, multilayer_rate_full_labels]


# ---------------------------------------------------------------------------------------------
# coverage map (issues 16, 17): the paper's results and how the items above cover them
# ---------------------------------------------------------------------------------------------
#
# Only the abstract was available (arXiv 2204.10782 v1 and the ICLR 2022 version's abstract); no theorem number could be
# confirmed, so entries are named by what they state. A public review of the paper mentions an "Experiment 3" on three
# scalings of the partially-trained three-layer model.

COVERAGE = [
    Covered(
        where="abstract: shallow NNs, mean-field scaling, d ≥ n (theorem number not confirmed)",
        statement="For wide shallow NNs under the mean-field scaling, with a general class of activation functions, "
                  "when the input dimension is no less than the size of the training set the training loss converges "
                  "to zero at a linear rate under gradient flow",
        status="encoded",
        claims=("chen2022.smooth_flow_linear_rate", "chen2022.flow_linear_rate", "chen2022.flow_narrow_width_control",
                "chen2022.flow_rate_half_width", "chen2022.flow_schur_envelope", "chen2022.kernel_bound_d_ge_n"),
        why="the paper's claim is smooth_flow_linear_rate: tanh (in the class as we read it), first layer trained, "
            "c_r = ±1 fixed, width 32, labels in [−½, ½], and the linear rate declared by us as 2κλ_floor with "
            "κ = ½E[σ'(g)²] (the paper's constant is not read). The ReLU items are outside the premise (next entry): "
            "flow_linear_rate and flow_rate_half_width are findings, the Schur bound and its integrated envelope are "
            "our derivations (checks) of the mechanism, which is the same for any activation",
    ),
    Covered(
        where="the activation class of the shallow-NN theorem (assumption number not confirmed)",
        statement="The 'general class of activation functions' the d ≥ n theorem covers; in particular whether ReLU "
                  "is in it",
        status="encoded",
        claims=("chen2022.smooth_flow_linear_rate", "chen2022.multilayer_linear_rate", "chen2022.flow_linear_rate"),
        why="decided (issue 17): ReLU is NOT taken to be in the class. Only the abstract could be read (arXiv listing "
            "2204.10782 and its copies on paperswithcode, researchtrend.ai, emergentmind; no full text or TeX in the "
            "stored corpora, searched 2026-12-07); it says 'a general class of activation functions'. We recall the "
            "analysis as one of smooth activations (σ' bounded and Lipschitz, for a well-posed gradient flow), which "
            "excludes ReLU (σ' jumps at 0); that recollection is unconfirmed. The claims therefore run tanh "
            "(smooth_flow_linear_rate, multilayer_linear_rate); the ReLU flow_linear_rate is re-roled as a finding of "
            "ours outside the premise (its citation note says so)",
        source="recalled",
    ),
    Covered(
        where="abstract: multi-layer NNs, second-to-last layer trained (theorem number not confirmed)",
        statement="For a model of wide multi-layer NNs whose earlier layers are random and untrained and whose "
                  "second-to-last layer is trained by gradient flow, the training loss converges to zero at a linear "
                  "rate regardless of the input dimension",
        status="encoded",
        claims=("chen2022.multilayer_linear_rate", "chen2022.multilayer_raw_inputs_control",
                "chen2022.multilayer_rate_full_labels"),
        why="our reading: a fixed random layer φ(x) = D^{-1/2}tanh(3(Zx + b)) of width D ≥ n (32 under ci), then the "
            "trained layer W (m = 32) in the mean-field scaling, then the fixed last layer c = ±1; d < n throughout. "
            "The rate 2κλ_floor (λ_min of the random features' Gram ≥ 0.05, κ = ½E[σ'(g)²]) is declared by us. The "
            "control trains the layer on the raw inputs at d < n and falls behind that rate. Labels in [−1, 1] (the "
            "net's whole range) are kept as a finding: before encoding they broke the declared rate for 10–11 of 16 "
            "seeds on some data sets (kept, with an explicit failing example: refuted). Not read: the paper's scalings "
            "of its three-layer model, its widths, its constant",
    ),
    Covered(
        where="experiments (section and experiment numbers not confirmed)",
        statement="Unlike in the NTK regime, the multi-layer model exhibits feature learning and can achieve better "
                  "generalization than its NTK counterpart (abstract)",
        status="not yet",
        why="an empirical comparison on the paper's tasks: encodable only as a measurement on a declared task (how far "
            "the trained layer moves relative to its init under both scalings, test error of each), not as a "
            "universal statement; the paper's setups are not read. The multi-layer items record max_r ‖w_r − w_r(0)‖ "
            "(the trained layer moves O(1) in mean-field time: feature learning) but compare no NTK counterpart",
    ),
]
