"""Poggio, Banburski, Liao, "Theoretical issues in deep networks", PNAS 117(48) 2020 (seed 003; formulas in
shared/CLAIMS.md, section poggio2020). Implementation: :mod:`impl.homogeneous` (exponential/logistic loss,
bias-free ReLU networks, GD, the KKT residual).

Setting: L = Σ_n ℓ(y_n f(W; x_n)) with ℓ(q) = e^{−q} (or log(1 + e^{−q})), f a ReLU network without biases,
positively homogeneous of degree 1 in each layer (degree K in θ); W_k = ρ_k V_k, ‖V_k‖ = 1, ρ = Π_k ρ_k.

**Attribution (issue 15).** This file holds only what the PNAS paper itself states. The results it builds on
live under their own paper ids, with their own citations: Du, Hu & Lee 2018 (balancedness) in
``theorems/duhulee2018.py``, Lyu & Li 2020 (the smoothed margin) in ``theorems/lyuli2020.py``, Soudry et al.
2018 (the linear max-margin direction) in ``theorems/soudry2018.py``, Yin et al. 2019 (BCGD) in
``theorems/yin2019.py``. The shared helpers (premises, data, GD with the loss-based step) stay here and are
imported from there.

Items, by role:

* ``normalized_dynamics`` (claim): the paper's gradient flow of ρ_k and V_k written in terms of f(V), against
  the chain rule; exact under the flow, checked at random θ. ``normalized_dynamics_bias_control`` breaks
  homogeneity.
* ``constrained_flow`` (claim, issue 17): the paper's V̇_k equals ρ_k^{−2} times the flow of the unit-norm-constrained
  problem min L(ρ_1V_1, …) s.t. ‖V_k‖ = 1, computed by autograd on the spheres and projected by (I − V_kV_kᵀ);
  ``constrained_flow_bias_control`` breaks homogeneity.
* ``critical_points_kkt`` (claim, issue 17): for the linear network and the exponential loss, the critical point
  V̇ = 0 on the sphere of radius ρ (computed exactly) has, at ρ·γ = 256, a KKT residual below 0.05 (level ours);
  ``critical_points_small_rho_control`` stops at ρ·γ ≤ 1. ``critical_points_kkt_monotone`` (finding, ours): the
  residual decreases at every rung of ρ·γ = 1, 2, …, 256; refuted (the dev profile found a rise from ρ·γ = 1 to 2,
  kept as an explicit example).
* ``kkt_residual_shrinks`` (finding, ours): the KKT residual of the min-norm problem shrinks by a factor ¾
  over the horizon. The paper's claim is that it tends to 0; the factor ¾ was chosen by us from 80 measured
  seeds, and the engine's search refutes it (a seed whose residual only fell to 0.93 of its first value): the
  refutation is a result, kept visible (tests/claims/known.py).

Removed, and why (issue 15: every claim must be able to fail):

* ``gd_drift_one_step``: its direction half, ⟨V_k, ΔV_k⟩ = −½‖ΔV_k‖², holds for *any* update of a unit
  vector, so it was O(η²) whatever the dynamics; its balancedness half is the exact identity
  Δ(ρ_k² − ρ_1²) = η²(‖g_k‖² − ‖g_1‖²), whose slope in η is 2 identically (checked directly by
  ``duhulee2018.balancedness_gd_step``).
* ``norm_growth_log`` and its control: the clock of the loss-based GD is t = Σ η₀/(L·max(1, log 1/L)^{2−2/K}),
  a function of L, so log t ≈ log(1/L) and "ρ grows like log t" reduced to ρ·γ(V) ≈ log(1/L), true by the
  definition of the margin. A clock that is not a function of L (the step count of this GD, or a constant
  step) gives a claim that can fail, but not one ci can decide: over the ci horizon (log 1/L ≤ 100, 800 steps)
  the per-step growth of log(1/L) at K = 2 still slowed by a factor 0.56–0.98 between the tail's mean and its
  last quarter (29 seeds; K = 1: 0.92–1.0), i.e. the Θ((log t)^{1/K}) regime of Lyu & Li is not reached, and a
  Θ(·) statement has no constant to test before it is.

* ``weight_norm_dynamics`` (claim, issue 17): gradient flow in the weight-normalized parametrization W_k = g_k v_k/‖v_k‖
  (autograd on (g, v)) gives ġ_k = ρ̇_k and u̇_k = (ρ_k²/‖v_k‖²)V̇_k with the paper's ρ̇_k, V̇_k, ‖v_k‖ conserved;
  ``weight_norm_bias_control`` breaks homogeneity. Batch normalization's "approximately" is not encodable (COVERAGE).

NOTE (issue 17): still not encoded: V̇ = 0 ⇔ KKT for deep networks (critical points on products of spheres are not
located); min norm ⇒ stability ⇒ generalization and the compositional approximation rates are not encodable (see
COVERAGE).
NOTE (issue 17): Lyu & Li's norm and loss rates need a clock independent of L and horizons beyond ci (see
above); to be encoded with dev/thorough horizons.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.impl import homogeneous as hm
from lemmata.verify import (Citation, Claim, Covered, Figure, Instance, Kind, Profile, Tightness, Tolerance, control,
                    per_seed, shared)

PAPER = "Poggio, Banburski, Liao (2020), Theoretical issues in deep networks, PNAS 117(48)"
ARXIV = "1908.09375"  # the CBMM/arXiv version of the PNAS paper


def cite(where: str, source: str = "paper", note: str = "", paper: str = PAPER, arxiv: str | None = ARXIV) -> Citation:
    return Citation(paper=paper, where=where, arxiv=arxiv, source=source, note=note)  # type: ignore[arg-type]


LOG_L0 = {"exp": 0.0, "logistic": math.log(math.log(2.0))}  # log ℓ(0): the threshold "L < ℓ(0)" in log form


# ---------------------------------------------------------------------------------------------
# premises and data
# ---------------------------------------------------------------------------------------------

def net_premises(
    p: Profile, *, min_K: int = 1, max_K: int = 3, max_scale: float = 3.0, **extra: st.SearchStrategy[Any],
) -> st.SearchStrategy[dict[str, Any]]:
    """Depth K, hidden width m, input dimension d, n examples, the data family and its margin, the loss,
    the initialisation scale, a seed, plus ``extra``."""
    return st.fixed_dictionaries({
        "K": st.integers(min_K, max_K), "m": st.integers(2, p.pick(8, 16, 32)),
        "d": st.integers(2, p.pick(5, 8, 16)), "n": st.integers(2, p.pick(12, 24, 64)),
        "data": st.sampled_from(["planted", "teacher"]), "support": st.integers(2, 5),
        "margin": st.floats(0.25, 0.6), "loss": st.sampled_from(["exp", "logistic"]),
        "scale": st.floats(0.2, max_scale), "seed": st.integers(0, 2**20), **extra,
    })


def _data(inst: Instance) -> tuple[torch.Tensor, torch.Tensor]:
    """X (n, d), y (n,): planted-SVM data (margin γ, gap 0.25), or teacher labels on the most confident fraction
    1 − γ of inputs (the premise ``margin`` doubles as the teacher's rejection rate)."""
    p = inst.premises
    g = inst.generator(0)
    if p["data"] == "planted":
        X, y, _, _ = hm.planted_svm_data(p["n"], p["d"], margin=p["margin"], support=min(p["support"], p["n"], p["d"]),
                                         gap=0.25, generator=g, dtype=inst.dtype)
    else:
        X, y = hm.teacher_data(p["n"], p["d"], width=4, keep=1.0 - p["margin"], generator=g, dtype=inst.dtype)
    return X.to(inst.device), y.to(inst.device)


def _dims(p: dict[str, Any]) -> tuple[int, ...]:
    return (p["d"], *([p["m"]] * (p["K"] - 1)), 1)


def _init(inst: Instance, dims: tuple[int, ...] | None = None) -> hm.Params:
    p = inst.premises
    return hm.init_params(dims or _dims(p), inst.seeds, scale=p["scale"], dtype=inst.dtype, device=inst.device)


def _biases(inst: Instance, Ws: hm.Params) -> hm.Params | None:
    """Fixed, untrained hidden biases of size bias_scale (only for the controls that break homogeneity)."""
    b = inst.premises.get("bias_scale")
    if not b:
        return None
    g = inst.generator(2)
    return tuple((b * torch.randn(W.shape[0], W.shape[1], generator=g, dtype=inst.dtype)).to(inst.device)
                 for W in Ws[:-1])


def _layer_norms(T: hm.Params) -> torch.Tensor:
    """‖T_k‖ (Frobenius, per seed) of each layer's tensor in ``T``: (S, K)."""
    return torch.stack([t.flatten(1).norm(dim=1) for t in T], 1)


def _flat(params: hm.Params) -> tuple[hm.Params, int, int]:
    """(S, R, …) records → (S·R, …) so every batched function applies to all records at once."""
    S, R = params[0].shape[:2]
    return tuple(q.reshape(S * R, *q.shape[2:]) for q in params), S, R


def _slope(x: torch.Tensor, y: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Least-squares slope of y against x along the last axis (per row), over ``mask`` when given."""
    w = torch.ones_like(y) if mask is None else mask.to(y.dtype)
    x = x.expand_as(y)
    n = w.sum(-1, keepdim=True).clamp_min(1.0)
    xm, ym = (w * x).sum(-1, keepdim=True) / n, (w * y).sum(-1, keepdim=True) / n
    return (w * (x - xm) * (y - ym)).sum(-1) / (w * (x - xm) ** 2).sum(-1).clamp_min(1e-300)


# ---------------------------------------------------------------------------------------------
# the normalized dynamics: exact under the flow (identities at every θ)
# ---------------------------------------------------------------------------------------------

def run_normalized_dynamics(inst: Instance) -> dict[str, Any]:
    """At random θ: ⟨V_k, V̇_k⟩ with the paper's V̇_k, and the paper's V̇_k, ρ̇_k against the chain rule."""
    X, y = _data(inst)
    Ws = _init(inst)
    biases = _biases(inst, Ws)
    nd = hm.normalized_dynamics(Ws, X, y, loss=inst.premises["loss"], biases=biases)
    # the scale of every term: ‖Ẇ_k‖/ρ_k (V̇_k is its projection, and can cancel to ~0 legitimately)
    wdot = _layer_norms(hm.grads(Ws, X, y, loss=inst.premises["loss"], biases=biases))
    rho_k = hm.layer_norms(Ws)
    scale = wdot / rho_k + _layer_norms(nd["vdot_paper"]) + 1e-300
    diff = _layer_norms(tuple(a - b for a, b in zip(nd["vdot_paper"], nd["vdot_chain"])))
    rp, rc = nd["rhodot_paper"], nd["rhodot_chain"]
    return {"v_inner": per_seed(nd["v_inner"] / scale, "layer"), "vdot_error": per_seed(diff / scale, "layer"),
            "rhodot_error": per_seed((rp - rc).abs() / (wdot + rp.abs() + 1e-300), "layer")}


v_inner, vdot_err, rhodot_err = sp.symbols("v_inner vdot_error rhodot_error")
ROUNDOFF_TOL = Tolerance(atol=1e-10, reason="float64 round-off: relative errors of sums of ≤ n·m² products of O(1) "
                                            "terms (measured ≤ 1e-14); 1e-10 leaves 10⁴×")


def _field_identity(*, id: str, title: str, citation: Citation, statement: sp.Basic,
                    run: Callable[[Instance], dict[str, Any]], recalled: tuple[str, ...], symbols: dict[str, str],
                    given: str) -> Claim:
    """An exact identity between two vector fields of the normalized flow, checked at random θ drawn by net_premises
    (16 seeds), up to float64 round-off (ROUNDOFF_TOL). What varies: the identity (statement, run, symbols) and its
    words (title, citation, recalled, given)."""
    return Claim(id=id, title=title, citation=citation, kind=Kind.EXACT, statement=statement,
                 premises=lambda p: net_premises(p), run=run, tolerance=ROUNDOFF_TOL, recalled=recalled, seeds=16,
                 symbols=symbols, given=given)


BIAS_BROKEN = "no biases (here fixed hidden biases of size 0.1–1: f is no longer homogeneous)"


def _bias_control(parent: Claim, *, name: str, title: str) -> Claim:
    """``parent``'s identity with fixed hidden biases (bias_premises): f is no longer homogeneous, so it must fail.
    What varies: the parent, the control's name and title."""
    return control(parent, name=name, premises=bias_premises, broken=BIAS_BROKEN, title=title)

normalized_dynamics = _field_identity(
    id="poggio2020.normalized_dynamics",
    title="Normalized dynamics: ⟨V_k, V̇_k⟩ = 0, and V̇_k = (ρ/ρ_k²)Σ_n e^{−ρq_n(V)}y_n(∂f(V;x_n)/∂V_k − V_k f(V;x_n)), "
          "ρ̇_k = (ρ/ρ_k)Σ_n e^{−ρq_n(V)}q_n(V) are the flow of W_k/‖W_k‖ and ‖W_k‖",
    citation=cite("the gradient flow of the normalized weights V_k: ρ̇_k and V̇_k in terms of f(V) (section on the "
                  "dynamics of the exponential loss; equation numbers recalled)", "paper",
                  "the paper's equations; they follow from the chain rule for V_k = W_k/ρ_k plus homogeneity: "
                  "∂f(W)/∂W_k = (ρ/ρ_k)∂f(V)/∂V_k and ⟨V_k, ∂f(V)/∂V_k⟩ = f(V) (Euler). A formula with a wrong "
                  "factor, or a network that is not homogeneous (the control), fails"),
    statement=sp.And(sp.Eq(v_inner, 0), sp.Eq(vdot_err, 0), sp.Eq(rhodot_err, 0)),
    run=run_normalized_dynamics,
    recalled=("the equation numbers of the normalized dynamics in the PNAS paper",),
    symbols={"v_inner": "⟨V_k, V̇_k⟩ with the paper's V̇_k, relative to ‖Ẇ_k‖/ρ_k + ‖V̇_k‖", "vdot_error":
             "‖V̇_k(paper) − V̇_k(chain rule)‖, same scale", "rhodot_error": "|ρ̇_k(paper) − ρ̇_k(chain rule)| "
             "relative to ‖Ẇ_k‖ + |ρ̇_k|"},
    given="any θ: the identities hold at every point of the flow, so they are checked at random points; "
          "s_n = σ(−ρq_n) for the logistic loss",
)

bias_premises = lambda p: net_premises(p, min_K=2, bias_scale=st.floats(0.1, 1.0))  # noqa: E731

normalized_dynamics_bias_control = _bias_control(
    normalized_dynamics,
    name="normalized_dynamics_bias_control",
    title="Control: with biases the paper's normalized dynamics no longer match the flow",
)


# ---------------------------------------------------------------------------------------------
# the normalized flow is the flow of the unit-norm-constrained problem (issue 17)
# ---------------------------------------------------------------------------------------------

def run_constrained_flow(inst: Instance) -> dict[str, Any]:
    """At random θ: the paper's V̇_k (written in f(V)) against ρ_k^{−2} times the constrained problem's flow, the
    latter by autograd of L(ρ_1V_1, …, ρ_KV_K) on the spheres, projected by (I − V_kV_kᵀ)."""
    X, y = _data(inst)
    Ws = _init(inst)
    biases = _biases(inst, Ws)
    loss = inst.premises["loss"]
    nd = hm.normalized_dynamics(Ws, X, y, loss=loss, biases=biases)
    cf = hm.constrained_flow(Ws, X, y, loss=loss, biases=biases)
    rho_k = hm.layer_norms(Ws)
    time_change = rho_k ** -2  # dt_constrained = dt/ρ_k² per layer
    # the scale: the unprojected constrained gradient after the time change, plus the paper's V̇_k
    scale = _layer_norms(cf["grad"]) * time_change + _layer_norms(nd["vdot_paper"]) + 1e-300
    diff = _layer_norms(tuple(a - b * c.reshape(-1, 1, 1) for a, b, c in zip(nd["vdot_paper"], cf["vdot"],
                                                                       time_change.unbind(1))))
    return {"constrained_error": per_seed(diff / scale, "layer")}


constrained_err = sp.Symbol("constrained_error")

constrained_flow = _field_identity(
    id="poggio2020.constrained_flow",
    title="The normalized dynamics are the flow of min L(ρV) s.t. ‖V_k‖ = 1: V̇_k = ρ_k^{−2}(I − V_kV_kᵀ)(−∇_{V_k}"
          "L(ρ_1V_1, …, ρ_KV_K)), the time change dt/ρ_k²",
    citation=cite("abstract and the section on the dynamics of normalized weights (equation numbers recalled): 'the "
                  "dynamics of normalized weights turn out to be equivalent to those of the constrained problem of "
                  "minimizing the loss subject to a unit norm constraint'", "paper",
                  "the constrained flow in Lagrange-multiplier form V̇_k = −∇_{V_k}ℒ + ν_kV_k, ν_k chosen to keep "
                  "‖V_k‖ = 1; the per-layer time change ρ_k^{−2} is derived (chain rule), the paper's form of it is "
                  "recalled"),
    statement=sp.Eq(constrained_err, 0),
    run=run_constrained_flow,
    recalled=("the equation numbers and the paper's way of writing the time change",),
    symbols={"constrained_error": "‖V̇_k(paper, in f(V)) − ρ_k^{−2}·V̇_k(constrained, autograd + projection)‖ relative "
                                  "to ρ_k^{−2}‖∇_{V_k}ℒ‖ + ‖V̇_k(paper)‖, per layer"},
    given="any θ: both sides are vector fields, compared at random points; the constrained side is computed by "
          "autograd through the forward pass on the spheres (no hand-written gradient, no homogeneity), the paper's "
          "side by impl.homogeneous.normalized_dynamics (homogeneity used)",
)

constrained_flow_bias_control = _bias_control(
    constrained_flow,
    name="constrained_flow_bias_control",
    title="Control: with biases the paper's V̇_k is no longer the constrained problem's flow",
)


# ---------------------------------------------------------------------------------------------
# weight normalization implements the normalized dynamics (issue 17)
# ---------------------------------------------------------------------------------------------

WN_VNORM = (0.3, 3.0)  # ‖v_k‖ drawn log-uniformly in this range, so the time change ρ_k²/‖v_k‖² is never 1 by accident


def run_weight_norm(inst: Instance) -> dict[str, Any]:
    """At random θ: gradient flow in the weight-normalized parametrization W_k = g_k v_k/‖v_k‖ (autograd on (g, v))
    against the paper's normalized dynamics of the same W (ρ̇_k, V̇_k written in f(V))."""
    X, y = _data(inst)
    Ws = _init(inst)
    biases = _biases(inst, Ws)
    loss = inst.premises["loss"]
    rho_k = hm.layer_norms(Ws)  # (S, K)
    g = inst.generator(3)
    lo, hi = math.log(WN_VNORM[0]), math.log(WN_VNORM[1])
    c = torch.exp(lo + (hi - lo) * torch.rand(rho_k.shape, generator=g, dtype=inst.dtype)).to(inst.device)
    vs = tuple(W * (ck / r).reshape(-1, 1, 1) for W, ck, r in zip(Ws, c.unbind(1), rho_k.unbind(1)))  # ‖v_k‖ = c_k
    wn = hm.weight_norm_flow(rho_k, vs, X, y, loss=loss, biases=biases)
    nd = hm.normalized_dynamics(Ws, X, y, loss=loss, biases=biases)
    time_change = rho_k ** 2 / wn["v_norms"] ** 2  # (S, K): u̇_k = (ρ_k²/‖v_k‖²)·V̇_k
    scaled = tuple(b * tc.reshape(-1, 1, 1) for b, tc in zip(nd["vdot_paper"], time_change.unbind(1)))
    scale = _layer_norms(wn["udot"]) + _layer_norms(scaled) + 1e-300
    diff = _layer_norms(tuple(a - b for a, b in zip(wn["udot"], scaled)))
    gdot, rp = wn["gdot"], nd["rhodot_paper"]
    v_inner = torch.stack([(v * vd).flatten(1).sum(1) for v, vd in zip(vs, wn["vdot"])], 1)
    return {"wn_direction_error": per_seed(diff / scale, "layer"),
            "wn_norm_error": per_seed((gdot - rp).abs() / (gdot.abs() + rp.abs() + 1e-300), "layer"),
            "wn_v_inner": per_seed(v_inner.abs() / (wn["v_norms"] * _layer_norms(wn["vdot"]) + 1e-300), "layer"),
            "time_change": per_seed(time_change, "layer")}


wn_dir_err, wn_norm_err, wn_v_inner = sp.symbols("wn_direction_error wn_norm_error wn_v_inner")

weight_norm_dynamics = _field_identity(
    id="poggio2020.weight_norm_dynamics",
    title="Weight normalization implements the normalized dynamics: gradient flow on (g_k, v_k) with W_k = g_k v_k/‖v_k‖ "
          "gives ġ_k = ρ̇_k and u̇_k = (ρ_k²/‖v_k‖²)·V̇_k (u_k = v_k/‖v_k‖, ρ̇_k and V̇_k the paper's normalized dynamics), "
          "with ‖v_k‖ conserved",
    citation=cite("the section on weight and batch normalization ('weight normalization … implements the normalized "
                  "dynamics'; equation numbers recalled); also Banburski et al. 2019, Theory III, arXiv 1903.04991",
                  "recalled",
                  "the time change ρ_k²/‖v_k‖² and the conservation of ‖v_k‖ are derived (chain rule: ∇_{v_k}L = "
                  "(g_k/‖v_k‖)(I − u_ku_kᵀ)∇_{W_k}L); with ‖v_k(0)‖ = 1 the WN flow of u_k is the unit-norm-constrained "
                  "flow itself. The paper's exact form of the statement (layer-wise g_k, which time change) was not "
                  "re-read: recalled"),
    statement=sp.And(sp.Eq(wn_dir_err, 0), sp.Eq(wn_norm_err, 0), sp.Eq(wn_v_inner, 0)),
    run=run_weight_norm,
    recalled=("that the PNAS paper states the WN equivalence in this layer-wise form, and its equation numbers",),
    symbols={"wn_direction_error": "‖u̇_k(WN, autograd on (g, v)) − (ρ_k²/‖v_k‖²)·V̇_k(paper, in f(V))‖ relative to the "
                                   "sum of their norms, per layer",
             "wn_norm_error": "|ġ_k(WN, autograd) − ρ̇_k(paper)| relative to |ġ_k| + |ρ̇_k|",
             "wn_v_inner": "|⟨v_k, v̇_k⟩|/(‖v_k‖‖v̇_k‖): 0 when ‖v_k‖ is conserved",
             "time_change": "ρ_k²/‖v_k‖²"},
    given="any θ: vector fields compared at random points (equal fields give equal trajectories after the time change); "
          "g_k = ρ_k = ‖W_k‖, v_k = c_k·V_k with ‖v_k‖ = c_k drawn log-uniformly in [0.3, 3] per layer and seed; the WN "
          "side by autograd through the forward pass (impl.homogeneous.weight_norm_flow), the paper's side by "
          "impl.homogeneous.normalized_dynamics (homogeneity used)",
)

weight_norm_bias_control = _bias_control(
    weight_norm_dynamics,
    name="weight_norm_bias_control",
    title="Control: with biases the WN flow no longer matches the paper's normalized dynamics (written in f(V))",
)


# ---------------------------------------------------------------------------------------------
# critical points V̇ = 0 of the normalized flow are KKT points of the max-margin problem as ρ → ∞ (issue 17)
# ---------------------------------------------------------------------------------------------

CRIT_LADDER = (1.0, 256.0)  # ρ·γ from 1 to 256, doubling (γ the SVM margin)
CRIT_LEVEL = 0.05
CRIT_STATIONARY = 1e-8


def critical_premises(p: Profile, ladder: tuple[float, ...] = CRIT_LADDER) -> st.SearchStrategy[dict[str, Any]]:
    """Planted-SVM data (known support, dual weights in a ratio ≤ 3, off-support margins ≥ (1 + gap)γ)."""
    return st.fixed_dictionaries({
        "n": st.integers(2, p.pick(16, 32, 64)), "d": st.integers(2, p.pick(8, 16, 32)),
        "support": st.integers(2, 6), "margin": st.floats(0.05, 0.6), "gap": st.floats(0.05, 0.5),
        "rho_gamma_min": st.just(ladder[0]), "rho_gamma_max": st.just(ladder[1]), "seed": st.integers(0, 2**20),
    })


def run_critical_points(inst: Instance) -> dict[str, Any]:
    """The critical point of the normalized flow on the sphere of radius ρ (linear model, exponential loss) for a
    ladder of ρ: its V̇ (the paper's formula, in units of L/ρ) and its KKT residual."""
    p = inst.premises
    X, y, _, _ = hm.planted_svm_data(p["n"], p["d"], margin=p["margin"], support=min(p["support"], p["n"], p["d"]),
                                     gap=p["gap"], generator=inst.generator(0), dtype=inst.dtype)
    w_hat, _ = hm.svm(X, y)
    gamma = float(1.0 / w_hat.norm())
    rungs = int(round(math.log2(p["rho_gamma_max"] / p["rho_gamma_min"]))) + 1
    c = p["rho_gamma_min"] * 2.0 ** torch.arange(rungs, dtype=inst.dtype)
    w = hm.sphere_minimizer_linear(X, y, c / gamma)  # (R, d)
    V = w / w.norm(dim=-1, keepdim=True)
    # the paper's V̇ for K = 1: (1/ρ)Σ_n e^{−ρq_n(V)} y_n(x_n − V q_n(V)), divided by L/ρ (softmax weights: no underflow)
    q = (y.unsqueeze(0) * (V @ X.T))  # q_n(V), (R, n)
    s = torch.softmax(-c.unsqueeze(-1) / gamma * q, dim=-1)
    vdot = s @ (y.unsqueeze(1) * X) - V * (s * q).sum(-1, keepdim=True)
    kkt = hm.kkt_residual((w.unsqueeze(1),), X, y)  # (R,), NNLS (scipy)
    return {"vdot_rel": per_seed(vdot.norm(dim=-1).unsqueeze(0), "rung"),
            "kkt": per_seed(kkt.unsqueeze(0), "rung"),
            "kkt_drop": per_seed((kkt[1:] - kkt[:-1]).unsqueeze(0), "step"),
            "kkt_last": per_seed(kkt[-1:]), "rho_gamma": shared(c, "rung")}


vdot_rel, kkt_r, kkt_drop, kkt_last = sp.symbols("vdot_rel kkt kkt_drop kkt_last")

critical_points_kkt = Claim(
    id="poggio2020.critical_points_kkt",
    title="Critical points V̇ = 0 of the normalized flow satisfy the max-margin KKT conditions as ρ → ∞: the critical "
          "point on the sphere of radius ρ has V̇ = 0 and, at ρ·γ = 256, a KKT residual below 0.05",
    citation=cite("abstract ('the critical points correspond to minimum norm infima of the loss') and the section on "
                  "critical points of the normalized dynamics (V̇ = 0 ⇔ KKT of min ‖W‖ s.t. y_n f(W; x_n) ≥ 1 as ρ → ∞; "
                  "equation numbers recalled)", "paper",
                  "the linear network (K = 1) with the exponential loss, where the critical point on each sphere is "
                  "unique and computable exactly; the ladder and the level 0.05 at ρ·γ = 256 are ours"),
    kind=Kind.EXACT,
    statement=sp.And(sp.Le(vdot_rel, CRIT_STATIONARY), sp.Le(kkt_last, CRIT_LEVEL)),
    premises=lambda p: critical_premises(p),
    run=run_critical_points,
    tolerance=Tolerance(atol=1e-9, reason="NNLS and the Newton/bisection solve to ≈ 1e-11 (relative); the level 0.05 "
                                          "at ρ·γ = 256 and the stationarity level 1e-8 are ours, declared before "
                                          "measuring: the complementary-slackness part of the residual is expected to "
                                          "fall like C/(ργ) with C ≈ log of the ratio of the dual weights (≤ log 3 "
                                          "here), so 0.05 = 12.8/256 allows C up to 12.8"),
    recalled=("the paper's equation numbers; its statement is asymptotic, the ladder and level are ours",),
    seeds=1,
    symbols={"vdot_rel": "‖V̇‖·ρ/L at the computed critical point (the paper's V̇ for K = 1; 0 at V̇ = 0)",
             "kkt": "KKT residual of min ½‖w‖² s.t. y_n x_nᵀw ≥ 1 at w/q_min (NNLS, relative to ‖w̃‖)",
             "kkt_drop": "residual at the next rung minus at this one (≤ 0: decreasing)",
             "kkt_last": "residual at the largest ρ·γ", "rho_gamma": "ρ·γ, γ the hard-margin SVM margin"},
    given="the linear model f(w; x) = wᵀx (K = 1), exponential loss, planted-SVM data; the critical point at radius ρ "
          "is argmin_{‖w‖ = ρ} L(w) (impl.homogeneous.sphere_minimizer_linear: the regularization path of log L, "
          "Newton and bisection); V̇ and the residual are computed separately from it (softmax weights; SciPy NNLS)",
    tightness=Tightness(kkt_last / CRIT_LEVEL, "the residual at the largest ρ·γ over the declared level 0.05 (1: at the "
                                               "level)"),
    figures=(Figure("KKT residual of the critical point against ρ·γ", x="rho_gamma", ys=("kkt",), xlabel="ρ·γ",
                    ylabel="KKT residual", logy=True),),
)

# A finding, ours: that the residual decreases at every rung of the ladder. It was first part of critical_points_kkt;
# the dev profile refuted it (below), and since the paper states only the limit, the monotone part was split off as
# our finding rather than dropped, with the counterexample kept as an explicit example so ci sees it too.
critical_points_kkt_monotone = Claim(
    id="poggio2020.critical_points_kkt_monotone",
    title="Finding (ours): the KKT residual of the critical point on the sphere of radius ρ decreases at every rung "
          "of ρ·γ = 1, 2, 4, …, 256",
    citation=cite("our strengthening of the critical-points statement (the paper states the limit ρ → ∞ only)",
                  "derived", "the ladder is ours"),
    kind=Kind.EXACT,
    statement=sp.Le(kkt_drop, 0),
    premises=lambda p: critical_premises(p),
    run=run_critical_points,
    tolerance=critical_points_kkt.tolerance,
    role="finding",
    seeds=1,
    # found by the dev profile on 2026-12-07: residuals 0.130, 0.229, 0.057, 2.5e-3, 4.8e-6, … at ρ·γ = 1, 2, 4, 8, 16
    # (the first step rises), then down to round-off at 256
    examples=({"n": 16, "d": 2, "support": 2, "margin": 0.05, "gap": 0.05, "rho_gamma_min": 1.0,
               "rho_gamma_max": 256.0, "seed": 0},),
    symbols=critical_points_kkt.symbols,
    given=critical_points_kkt.given,
    figures=critical_points_kkt.figures,
)

critical_points_small_rho = control(
    critical_points_kkt,
    name="critical_points_small_rho_control",
    premises=lambda p: critical_premises(p, ladder=(0.125, 1.0)),
    broken="ρ → ∞ (here the critical points at ρ·γ ≤ 1 only)",
    title="Control: at bounded ρ (ρ·γ ≤ 1) the critical points are not near-KKT (residual above 0.05)",
)


# ---------------------------------------------------------------------------------------------
# networks over long horizons: the KKT residual (our finding), with ρ and the margins plotted
# ---------------------------------------------------------------------------------------------

NGD_ETA = 0.5  # η₀ of the loss-based schedule; stable for K ≤ 3 on these data (measured: loss decreased at every step)


def _loss_gd(inst: Instance, *, steps: int, every: int, cap: float) -> tuple[torch.Tensor, torch.Tensor, hm.Params, torch.Tensor, torch.Tensor]:
    X, y = _data(inst)
    Ws = _init(inst)
    tr = hm.gd_trajectory(Ws, X, y, eta=NGD_ETA, steps=steps, record=list(range(0, steps + 1, every)),
                          loss=inst.premises["loss"], schedule="loss", max_log_inv_loss=cap)
    return X, y, tr.params, tr.log_loss, tr.time


TAIL_FRACTION = 0.125  # the tail starts once log(1/L) ≥ Λ/8
KKT_FACTOR = 0.75  # ours, chosen from 80 measured seeds: the residual at the end must be ≤ ¾ of its first value
KINK_TOL = 1e-3  # a pre-activation within 1e-3·‖w_j‖‖h_n‖ of 0 counts as on its kink (Clarke subgradients)


def run_network_growth(inst: Instance) -> dict[str, Any]:
    """GD with the loss-based step to log(1/L) = Λ: the KKT residual when L first fell below 1 and at the end;
    ρ = Πρ_k and the margins against log t for the figures."""
    cap = inst.profile.pick(100.0, 200.0, 400.0)
    steps = inst.profile.pick(800, 1600, 3200)
    X, y, params, logL, time = _loss_gd(inst, steps=steps, every=steps // 40, cap=cap)
    flat, S, R = _flat(params)
    K = inst.premises["K"]
    rho = hm.layer_norms(flat).reshape(S, R, K).prod(-1)
    log_t = torch.log(time.clamp_min(1e-300))
    fresh = torch.cat([torch.ones_like(time[:, :1], dtype=torch.bool), time[:, 1:] > time[:, :-1]], 1)
    tail = (-logL >= TAIL_FRACTION * cap) & fresh & (log_t > 1.0)
    separated = tail.sum(1) >= 3
    below = logL < 0
    first = torch.where(below.any(1), below.to(torch.int64).argmax(1), torch.full_like(below[:, 0], R - 1, dtype=torch.int64))
    idx = torch.arange(S, device=first.device)
    # the KKT residual at the first record with L < 1 and at the last record (one NNLS per seed each)
    pick = lambda i: tuple(p[idx, i] for p in params)  # noqa: E731
    kkt_first = hm.kkt_residual(pick(first), X, y, kink_tol=KINK_TOL)
    kkt_end = hm.kkt_residual(pick(torch.full_like(first, R - 1)), X, y, kink_tol=KINK_TOL)
    nan = torch.tensor(math.nan, dtype=rho.dtype, device=rho.device)
    shown = (logL < LOG_L0[inst.premises["loss"]]) & (log_t > 0)  # the figures: the separated phase, t > 1
    smoothed = hm.smoothed_margin(flat, X, y, loss=inst.premises["loss"]).reshape(S, R)
    min_margin = hm.normalized_min_margin(flat, X, y).reshape(S, R)
    return {"separated": per_seed(separated.to(inst.dtype)), "kkt_first": per_seed(kkt_first),
            "kkt_end": per_seed(kkt_end),
            # the share of the ¾ allowance used, where the tail was reached (the tightness figure)
            "kkt_share": per_seed(torch.where(separated, kkt_end / (KKT_FACTOR * kkt_first), nan)),
            "log_t": per_seed(torch.where(log_t > 0, log_t, nan), "record"),
            "rho": per_seed(rho, "record"),
            "smoothed": per_seed(torch.where(shown, smoothed, nan), "record"),
            "min_margin": per_seed(torch.where(shown, min_margin, nan), "record")}


separated, kkt_first, kkt_end, kkt_share = sp.symbols("separated kkt_first kkt_end kkt_share")

growth_premises = lambda p: net_premises(p, max_K=2, max_scale=1.5)  # noqa: E731

# A finding, not the paper's claim: the paper says the residual tends to 0 (critical points of the normalized
# flow are minimum-norm KKT points as ρ → ∞); a fixed-horizon factor cannot encode that. The factor ¾ is ours,
# chosen after measuring 80 seeds (ratios ≤ 0.53), and the engine's search refutes it: a result, kept.
kkt_residual_shrinks = Claim(
    id="poggio2020.kkt_residual_shrinks",
    title="Finding (ours): the KKT residual of min ½‖θ‖² s.t. y_n f(θ; x_n) ≥ 1 (at θ/q_min^{1/K}) falls to at most ¾ "
          "of its value at L = 1 by log(1/L) = Λ (the factor ¾ is ours; the paper's claim is that it tends to 0)",
    citation=cite("implicit regularization: critical points of the normalized flow are minimum-norm (KKT) solutions; "
                  "here only our fixed-horizon proxy", "derived",
                  "the (ε, δ)-approximate KKT residual of Lyu & Li 2020 (Sec. 4; recalled), λ ≥ 0 chosen by NNLS; "
                  "the factor ¾ and the horizon Λ are ours"),
    kind=Kind.TREND,
    statement=sp.Implies(sp.Ge(separated, 1), sp.Le(kkt_end, KKT_FACTOR * kkt_first)),
    premises=growth_premises,
    run=run_network_growth,
    tolerance=Tolerance(atol=1e-9, reason="NNLS to ≈ 1e-12; the factor ¾ is ours, chosen after measuring ratios "
                                          "kkt_end/kkt_first ≤ 0.53 over 80 separated seeds with K ≤ 2, Λ = 100: "
                                          "a measured setting, reported as such (the search found 0.93)"),
    recalled=("Lyu & Li's definition of an (ε, δ)-approximate KKT point",),
    tightness=Tightness(kkt_share, "kkt_end/(¾·kkt_first): the share of the ¾ allowance used (1 = at the factor)"),
    role="finding",
    seeds=8,
    examples_scale=0.5,
    # the counterexample the search found on 2026-12-07 (residual 0.161 against ¾·0.174 = 0.131, 1 of 8 seeds): kept as
    # an explicit example so the failure is never lost when the search's draws change (a Hypothesis fix changed them)
    examples=({"K": 2, "m": 3, "d": 4, "n": 5, "data": "teacher", "support": 2, "margin": 0.25, "loss": "exp",
               "scale": 0.5, "seed": 4467},),
    symbols={"kkt_first": "KKT residual when L first fell below 1", "kkt_end": "KKT residual at log(1/L) = Λ",
             "separated": "1 when the run reached the tail log(1/L) ≥ Λ/8 (≥ 3 records)",
             "kkt_share": "kkt_end/(¾·kkt_first) where the tail was reached", "rho": "ρ = Π_k ‖W_k‖",
             "smoothed": "smoothed margin γ̃", "min_margin": "min_n q_n/‖θ‖^K"},
    given="K ≤ 2; GD with the loss-based step η₀/(L·max(1, log 1/L)^{2−2/K}), η₀ = 0.5, to log(1/L) = Λ (100 in ci); "
          "residual = min_{λ≥0}(‖θ̃ − Σλ_c h_c‖² + (Σλ_c(q_n(θ̃) − 1))²)^{1/2}/‖θ̃‖, θ̃ = θ/q_min^{1/K}, h_c "
          "the gradients ∇q_n(θ̃) plus, for pre-activations within 1e-3 (relative) of a ReLU kink, the other one-sided "
          "gradient (Clarke subgradients; the limit directions sit on kinks: with one-sided gradients only, 10% of "
          "seeds stalled at residual ≈ 0.4)",
    figures=(Figure("ρ = Π_k ρ_k against log t", x="log_t", ys=("rho",), xlabel="log t", ylabel="ρ"),
             Figure("smoothed margin γ̃ and normalized min margin against log t (network)", x="log_t",
                    ys=("smoothed", "min_margin"), xlabel="log t", ylabel="margin")),
)


CLAIMS = [
    normalized_dynamics,
    normalized_dynamics_bias_control,
    constrained_flow,
    constrained_flow_bias_control,
    weight_norm_dynamics,
    weight_norm_bias_control,
    critical_points_kkt,
    critical_points_small_rho,
    critical_points_kkt_monotone,
    kkt_residual_shrinks,
]


# ---------------------------------------------------------------------------------------------
# coverage map (issue 16): the PNAS paper's own results and how the suite covers them. The results it reviews
# from other papers are mapped in their own modules: balancedness (duhulee2018), the smoothed margin and the
# rates of ρ and L (lyuli2020), the linear max-margin direction (soudry2018), BCGD (yin2019). The abstract
# (shared/seeds/003) confirms the statements marked source="paper"; no theorem number of the PNAS paper was
# confirmed by search, so none is given.
# ---------------------------------------------------------------------------------------------

COVERAGE = [
    Covered(
        where="Approximation: shallow networks (theorem number not confirmed)",
        statement="shallow networks need N = O(ε^{−n/m}) units to approximate every function of n variables with "
                  "smoothness m to accuracy ε, and this is the best possible (the curse of dimensionality)",
        status="not encodable",
        why="a worst-case degree of approximation over a whole smoothness class, with unspecified constants, and a "
            "lower bound over every network of size N: training finitely many networks on finitely many targets "
            "gives upper bounds on dist(f, V_N) for those targets only, and no constant to compare them with. The "
            "abstract states the exponential cost; the rate ε^{−n/m} is recalled",
        source="recalled",
    ),
    Covered(
        where="Approximation: deep compositional (convolutional-type) networks (theorem number not confirmed)",
        statement="for compositional functions (a hierarchy, e.g. a binary tree, of constituent functions of 2 "
                  "variables with smoothness m), deep networks with the same architecture need N = O((n − 1)ε^{−2/m}) "
                  "units: they avoid the curse of dimensionality, even without weight sharing",
        status="not encodable",
        why="an approximation rate with no computable constant, over a function class and over all networks of a "
            "size: no finite computation settles it, and the separation from shallow networks is a statement about "
            "the exponent as ε → 0. The abstract states that such deep networks avoid the curse of dimensionality; "
            "the rate (n − 1)ε^{−2/m} is recalled",
        source="recalled",
    ),
    Covered(
        where="Dynamics: the gradient flow of ρ_k and V_k under the exponential loss (equation numbers recalled)",
        statement="with W_k = ρ_k V_k, ‖V_k‖ = 1: ρ̇_k = (ρ/ρ_k)Σ_n e^{−ρq_n(V)}q_n(V) and V̇_k = (ρ/ρ_k²)Σ_n "
                  "e^{−ρq_n(V)}y_n(∂f(V;x_n)/∂V_k − V_k f(V;x_n)), so ⟨V_k, V̇_k⟩ = 0",
        status="encoded",
        claims=("poggio2020.normalized_dynamics", "poggio2020.normalized_dynamics_bias_control"),
        why="identities at random θ (exact under the flow), against the chain rule; the control breaks homogeneity "
            "with fixed biases",
    ),
    Covered(
        where="Dynamics: the normalized flow is the flow of the unit-norm-constrained problem",
        statement="the dynamics of the normalized weights V_k are equivalent to those of minimizing the loss subject "
                  "to ‖V_k‖ = 1 (a Lagrange-multiplier flow), up to a change of time",
        status="encoded",
        claims=("poggio2020.constrained_flow", "poggio2020.constrained_flow_bias_control"),
        why="the two vector fields compared at random θ: the paper's V̇_k (in f(V)) against ρ_k^{−2} times the "
            "constrained flow −(I − V_kV_kᵀ)∇_{V_k}L(ρ_1V_1, …) by autograd on the spheres (the time change dt/ρ_k² "
            "derived); equal vector fields give equal trajectories after the time change, so trajectories are not "
            "integrated separately. The control adds biases (not homogeneous)",
    ),
    Covered(
        where="Dynamics: unconstrained gradient descent has the same critical points as the constrained problem",
        statement="the dynamics of typical (unnormalized) gradient descent have the same critical points as the "
                  "unit-norm-constrained problem: implicit regularization under exponential-type losses",
        status="encoded",
        claims=("poggio2020.constrained_flow",),
        why="the direction flow of unnormalized gradient flow is the constrained flow up to the positive factors "
            "ρ_k^{−2} (constrained_flow, as vector fields at every θ), so their zeros coincide; critical points located "
            "explicitly only for K = 1 (critical_points_kkt)",
    ),
    Covered(
        where="Critical points: minimum-norm (KKT) solutions as ρ → ∞",
        statement="V̇ = 0 corresponds to the KKT conditions of min ‖W‖ s.t. y_n f(W; x_n) ≥ 1 as ρ → ∞: the critical "
                  "points are minimum-norm infima of the loss, the KKT residual going to 0",
        status="encoded",
        claims=("poggio2020.critical_points_kkt", "poggio2020.critical_points_small_rho_control",
                "poggio2020.critical_points_kkt_monotone", "poggio2020.kkt_residual_shrinks"),
        why="for the linear network (K = 1, exponential loss), where the critical point on each sphere ‖w‖ = ρ is "
            "unique and computed exactly: V̇ = 0 there (the paper's formula), and its KKT residual at ρ·γ = 256 is below "
            "a declared 0.05; the control stops at ρ·γ ≤ 1. That the residual decreases at every rung of ρ·γ = 1 … 256 "
            "is our finding critical_points_kkt_monotone, refuted (a rise from ρ·γ = 1 to 2 on one dataset): the "
            "decrease is not monotone, the limit is. Deep networks (K ≥ 2): "
            "critical points on products of spheres are not located: projected descent with line search on "
            "log L(ρ^{1/2}V_1, ρ^{1/2}V_2) (K = 2, m = 4, d = 3, n = 8, 3000 steps per rung, tried for issue 17) did not "
            "reach V̇ = 0 — the projected gradient grew with ρ (minimizers on ReLU kinks: Clarke-stationary, not "
            "stationary) and 1 of 4 seeds stopped at a non-separating critical point — so a smooth V̇ = 0 cannot be "
            "required there; only the finding kkt_residual_shrinks (ours, along GD, refuted at our factor ¾) measures "
            "the residual for K ≥ 2",
    ),
    Covered(
        where="Dynamics: ρ grows like log t once the data are separated",
        statement="under the exponential loss, after separation the norm ρ = Π_k ρ_k grows like log t while V "
                  "converges",
        status="not encodable",
        why="not this paper's result, and a Θ(·) with no constant: the PNAS paper reviews it from Soudry et al. 2018 "
            "(linear) and Lyu & Li 2020 (homogeneous nets, ‖θ‖ = Θ((log t)^{1/K}), so ρ = Θ(log t)), and the attribution "
            "rule keeps it under their ids. The linear case is encoded there as a falsifiable trend with a control: "
            "soudry2018.gd_residual_bounded (w(t) − ŵ log t drifts by ≤ ¼‖ŵ‖ per unit of log t, so ‖w(t)‖/log t → ‖ŵ‖) "
            "with soudry2018.gd_nonseparable_control (non-separable data: drift ≈ 1). For K ≥ 2 a rate needs a clock "
            "independent of L (with the loss-based clock log t ≈ log(1/L) and 'ρ ~ log t' is ρ·γ(V) ≈ log 1/L, true by "
            "definition), and with the step count as clock the growth of log(1/L) still slowed by 0.56–0.98 at K = 2 "
            "over the ci horizon (issue 15), so an exponent fit would decide the horizon, not the claim; that is Lyu & "
            "Li's 'rates' row (lyuli2020 COVERAGE, not yet). That the PNAS paper states it is recalled",
        source="recalled",
    ),
    Covered(
        where="Weight normalization implements the normalized dynamics",
        statement="weight normalization W_k = g_k v_k/‖v_k‖ implements the normalized dynamics: its gradient flow moves "
                  "g_k as ρ_k and v_k/‖v_k‖ as V_k, up to a change of time",
        status="encoded",
        claims=("poggio2020.weight_norm_dynamics", "poggio2020.weight_norm_bias_control"),
        why="vector fields at random θ: gradient flow on (g, v) by autograd against the paper's ρ̇_k and V̇_k (in f(V)); "
            "ġ_k = ρ̇_k, u̇_k = (ρ_k²/‖v_k‖²)V̇_k (time change derived), ‖v_k‖ conserved; ‖v_k‖ drawn in [0.3, 3] so the "
            "time change is exercised. The control adds biases. The paper's exact wording (layer-wise g_k) is recalled",
        source="recalled",
    ),
    Covered(
        where="Batch normalization implements the normalized dynamics approximately",
        statement="batch normalization (approximately) implements the normalized dynamics, which explains why it helps",
        status="not encodable",
        why="batch normalization divides each pre-activation by its standard deviation over the batch (after "
            "subtracting the batch mean): the result depends on the batch and is invariant to rescaling a unit's "
            "incoming weights only through data statistics, so its flow equals the normalized flow only when the "
            "batch covariance of each layer's input is isotropic and centred. The paper says 'approximately' without "
            "stating the error or the regime, so there is no identity to check and no bound to test; a measured gap "
            "would be our finding, not the paper's claim",
        source="recalled",
    ),
    Covered(
        where="Generalization: minimum norm ⇒ stability ⇒ expected error",
        statement="for overparameterized models, selecting the minimum-norm solution optimizes leave-one-out "
                  "cross-validation (CVloo) stability and thereby the expected error, so gradient descent in deep "
                  "networks minimizes the expected error",
        status="not encodable",
        why="the chain's last step is a statement about the expected error over the data distribution, and the "
            "stability result it rests on is another paper's (cited as 'recently shown' in the abstract), stated as an "
            "optimality among all interpolants in the limit of many samples: no finite computation settles "
            "'optimizes stability and thereby the expected error'. A finite proxy (CVloo stability of the min-norm "
            "interpolant against other interpolants on one dataset) would test that other paper's lemma, not this "
            "paper's claim, and 'deep networks minimize the expected error' also needs the K ≥ 2 critical points, "
            "which are not located",
    ),
]
