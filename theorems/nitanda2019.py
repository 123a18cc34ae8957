"""Nitanda, Chinot, Suzuki, "Gradient Descent can Learn Less Over-parameterized Two-layer Neural Networks on
Classification Problems", arXiv 1905.09870 (2019) (seed 000, listed under the related papers; shared/CLAIMS.md,
"Related claims in seed 000"). Implementation: :mod:`impl.logistic` (initialization from
:mod:`impl.two_layer`).

What the abstract says [paper]: for classification with the logistic loss, a separability assumption in the
*neural tangent model* is more reasonable than positivity of the NTK Gram matrix; a refined convergence
analysis of GD for two-layer nets with *smooth activations*; convergence and generalization bounds with "much
better dependence on the network width" than related (squared-loss, λ_min(NTK)-based) studies, so that *less
over-parameterized* nets are covered.

What is recalled, not re-read [recalled]: the first layer is trained and the second fixed at ±1; the
separability premise reads "some v with ‖v‖ ≤ 1 has y⟨∂_θσ(θᵀx), v(θ)⟩ ≥ ρ under the initial distribution"
(we use the L²(N(0, I)) norm of v; the paper's norm may be a sup-norm, which is stronger); the required width is
polynomial in 1/ρ with logarithmic, not polynomial, dependence on n (the exponent 2 used for the theory column
and the trend bound below is recalled, not read); the iteration count scales like 1/(ηρ²).

What is derived here [derived]: with σ = erf the infinite-width tangent kernel has a closed form (impl.logistic),
so data labelled by a unit-norm teacher v in the tangent feature space have a *known* margin ρ = min_i y_i⟨φ(x_i),
v⟩ (a certificate that the paper's premise holds with that ρ); and one GD step ΔW = −η∇L has the exact
first-order identity D_{ΔW}L(W) = ⟨∇L, ΔW⟩ = −‖ΔW‖²/η, checked with autograd through the loss *definition*
against the hand-written gradient's step, together with the step itself entrywise against −η·∇L_autograd (a
gradient that drops whole components, which keeps the one-scalar identity, fails that). Both are implementation
checks, as is the closed form of the erf tangent kernel against Monte Carlo (issue 15: an identity or closed form
of ours, not a statement of the paper).

Roles (issue 15). The paper claim is ``gd_zero_error`` (the main convergence theorem, in a declared regime); its
control flips labels. The two width trends are our findings: the bound 2 on the margin exponent is the recalled
width bound taken as the shape of the threshold (a sufficient-width theorem does not fix that shape), and the
bound 1 on the exponent in n is ours (parameter counting). ``horizon_at_large_n`` reports the setting that capped n.

What the measurement found (ours; R = 3, 16 teacher centers, n ≤ 16, d ≤ 8, ρ ∈ [0.1, 0.3], 2026-11-25): with
the horizon T = (1 + ln n)/(ηρ²) GD on the logistic loss reaches zero training error with a monotonically
decreasing loss from about m = 2–16 neurons on, at every margin tried: the threshold was nearly flat in 1/ρ (fitted
exponent 0…0.6, far below the recalled 2), because the 1/ρ² horizon also gives small nets the time to fit, and it is
orders of magnitude below the squared-loss scale n⁶/λ₀⁴ of Du et al. (2019) for the same data. A step size 150×
larger than ours still gave a monotone loss (erf saturates), so the step-size control was dropped. With the
seed and data streams of issue 14 (2026-12-07) other draws of the same premises gave steeper thresholds: exponent
1.7 at {n: 16, d: 8, η: 2, seed 0} and up to 2.6 (against the claim's bound 2 + resolution ≈ 2.98) at
{n: 12, d: 8, η: 2, seed 0} — the flat exponent was a property of the earlier draws, not of the setting.

The control keeps the claim's horizon T (from the teacher's declared ρ) and widths but flips a random quarter of
the labels (d = 3, n ∈ [20, 32], gap ∈ [0.2, 0.3]): the labels stay separable in the tangent space (K∞ of
distinct inputs is positive definite), so failure is not forced, but the data's best margin ρ* falls far below ρ.
Measured with this module's run (32 random draws, 32 seeds, 2026-11-25, ours): the weak-duality certificate
lg.margin_upper_bound (reported as ``margin_upper_bound``) gave ρ* ≤ 0.03–0.20 against ρ = 0.21–0.31 (ρ*/ρ ≤ 0.73),
and in every draw more than ⌊δS⌋ = 3 of the 32 seeds failed at m = 64, 128 and 1024. At d = 4 the
certificate sometimes reached ρ (the flip did not break the premise) and GD at m = 1024 then fitted within T, so
d = 4 is left out. Not hopeless either: given the horizon (1 + ln n)/(ηρ̄²) of the certified bound ρ̄ (≥ 170
steps), GD at m = 1024 fitted one of six such draws; in the others one or two points were still misclassified
after four times that. Before the flip the same data have ρ* ≤ 0.49–0.70, 2–3× the declared ρ: the declared
margin (and so T) is conservative for the claim itself.

The threshold width against n (``width_against_n``; ours, 80 random draws of gap ∈ [0.1, 0.3], η ∈ [1, 4], d = 8,
16 seeds, n = 8, 16, 32, 64 nested with the margin ρ of the whole draw held fixed, 2026-11-25): the fitted exponent
ranged −1.8…0.7 (median −1.0) against the claimed bound 1 (+ 0.4 ladder resolution); thresholds 1–32 at n = 8 and
mostly 1 (a single neuron) at n = 64, while the squared-loss scale n⁶/λ₀⁴ of the same data is 10⁵–10¹³. The bound
1 is from the theory, not the data: the recalled width is polylogarithmic in n (≈ 0 on a short ladder), and
exponent 1 is what parameter counting asks for arbitrary labels (m·d ≳ n); the theorem bounds a *sufficient* width
from above and says nothing of the threshold's shape below it, so the claim tests our reading that the threshold
does not grow like the memorization count. The data do not contradict the recalled log-n dependence; the threshold
mostly *falls* with n, which the theory does not predict. Our reading (not checked): the teacher labels are nearly
linearly separable (K∞ at R = 3 is an odd increasing function of xᵀz, so g is close to linear and one erf neuron
fits 64 points), and with few points a misclassified point whose pre-activations |w_rᵀx| ≫ 1 are saturated for
every neuron gets almost no gradient, while many points pull the neurons' directions together. Two limits, found by
the scan: (1) with n = 8, 16, 32 (a factor 4 of n) the 3-point fit is too noisy — one draw in 24 gave thresholds
1, 16, 16 and exponent 2.0 > 1.5 — so the ladders span a factor 8; (2) at n = 128, in 2 of 30 draws no width up to
512 reached zero error within T = (1 + ln n)/(ηρ²) (4–10 of 16 seeds kept one or two misclassified points at every
width; with 4T every width ≥ 64 fitted): the horizon's ln n, not the width, fails there, so the ladders stop at 64.
That is a finding against our horizon T (ours, with the recalled 1/(ηρ²)): worst-case analyses of GD on separable
logistic problems give a loss ~ 1/(ηρ²k), i.e. about n/(ηρ²) steps to force zero error (recalled, not checked
here); gd_zero_error draws n ≤ 16, 32, 64 (ci, dev, thorough). The cap was set after that failure, so the failing
setting stays in the suite as the finding ``horizon_at_large_n`` (n = 128 at the regime's smallest width 64). On
the data streams of issue 14 (2026-12-07, m = 64, 16 seeds, T steps) 0 of 30 random draws at d = 8 and 1 of 30 at
d ∈ [3, 8] left any seed with a misclassified point or a rising loss (that one a single seed), but the search's
corner d = 3, gap 0.1, η = 1 (ρ ≈ 0.11, T = 497) fails: 47 of 49 seeds keep one misclassified point at width 64
after T steps and 33 of 49 after 4T, while at width 256 all 49 fit within T. There the width binds, not the
horizon: the regime's constant 64, chosen at n ≤ 16, does not carry over to n = 128 at d = 3.

Inputs have norm R = 3 (``RADIUS``): equivalently unit inputs with the activation erf(3z), still smooth with
bounded σ', σ''. At R = 1 the erf tangent kernel is nearly linear (K∞ ≈ (4/(3π))xᵀx'), so teacher labels are
close to linearly separable and a single neuron fits them: no width question is left to ask.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.impl import logistic as lg
from lemmata.impl import two_layer as tl
from lemmata.verify import (Citation, Claim, Covered, Figure, Instance, Kind, Profile, Regime, Tightness, Tolerance,
                    control, per_seed, shared)
from lemmata.verify.trend import first_of_two_holding, least_squares_slope, slope_resolution

PAPER = ("Nitanda, Chinot, Suzuki (2019), Gradient Descent can Learn Less Over-parameterized Two-layer Neural "
         "Networks on Classification Problems")
ARXIV = "1905.09870"
DELTA = 0.1  # share of seeds allowed to fail at a width that "holds" (the theorem holds w.h.p.)
RADIUS = 3.0  # input norm (see the module docstring)
CENTERS = 16  # teacher centers z_j: v = Σ_j β_j φ(z_j)


def cite(where: str, source: str = "paper", note: str = "") -> Citation:
    return Citation(paper=PAPER, where=where, arxiv=ARXIV, source=source, note=note)  # type: ignore[arg-type]


FLIP_STREAM = 512  # the generator stream that picks which labels to flip (apart from the data's streams 0–3)


def _data(inst: Instance, *, n: int | None = None, gap: float | None = None, stream: int = 0) -> dict[str, Any]:
    """Teacher data (X, y, ρ) for the instance's premises (or the given n, gap); with the premise ``flip`` > 0 a
    uniformly random ⌈flip·n⌉ of the labels are flipped (ρ stays the teacher's margin before the flip)."""
    p = inst.premises
    X, y, rho = lg.teacher_data(n or p["n"], p["d"], gap=gap if gap is not None else p["gap"],
                                generator=inst.generator(stream), centers=CENTERS, radius=RADIUS,
                                dtype=inst.dtype, device=inst.device)
    if p.get("flip"):
        k = math.ceil(p["flip"] * y.shape[0])
        idx = torch.randperm(y.shape[0], generator=inst.generator(FLIP_STREAM + stream))[:k].to(y.device)
        y = y.clone()
        y[idx] = -y[idx]
    return {"X": X, "y": y, "rho": rho}


def teacher_premises(p: Profile, *, min_n: int = 2, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """n, d, the teacher gap (a lower bound on ρ), a step size and a seed, plus ``extra``."""
    return st.fixed_dictionaries({
        "n": st.integers(min_n, p.pick(16, 32, 64)),
        "d": st.integers(3, p.pick(8, 16, 32)),
        "gap": st.floats(0.1, 0.3),
        "eta": st.floats(1.0, 4.0),
        "seed": st.integers(0, 2**20),
        **extra,
    })


SYMBOLS = {"n": "number of samples", "d": "input dimension", "m": "width", "eta": "GD step size η",
           "gap": "teacher gap: only points with |g(x)| ≥ gap are kept, so ρ ≥ gap",
           "rho": "margin ρ = min_i y_i⟨φ(x_i), v⟩ of the unit-norm teacher v (tangent feature space)"}


# ---------------------------------------------------------------------------------------------
# derived exact identities: the tangent kernel's closed form and one GD step
# ---------------------------------------------------------------------------------------------

def run_ntk_closed_form(inst: Instance) -> dict[str, Any]:
    """Monte Carlo estimate of K∞ (the tangent Gram at init, pooled over S seeds × M neurons) and its stderr."""
    p = inst.premises
    D = _data(inst)
    W, _ = tl.init_weights(p["M"], p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    est = lg.tangent_gram(W, D["X"])  # (S, n, n): per seed (1/M) Σ_r σ'(w_rᵀx_i)σ'(w_rᵀx_j) x_iᵀx_j
    # one estimate pooled over the seeds: shared, compared entry by entry (i, j) with the closed form
    return {"K_monte_carlo": shared(est.mean(0), "i", "j"), "K_closed_form": shared(lg.erf_ntk(D["X"]), "i", "j"),
            "K_stderr": shared(est.std(0) / math.sqrt(est.shape[0]), "i", "j")}


K_mc, K_cf = sp.symbols("K_monte_carlo K_closed_form")

ntk_closed_form = Claim(
    id="nitanda2019.ntk_closed_form",
    title="The erf tangent kernel E_w[σ'(wᵀx)σ'(wᵀx')]xᵀx' equals (4/π)xᵀx'/√((1+2‖x‖²)(1+2‖x'‖²) − 4(xᵀx')²)",
    citation=cite("the neural tangent model (closed form for σ = erf derived)", "derived",
                  "σ'(z) = (2/√π)e^{−z²} and E e^{−u²−v²} = det(I + 2Σ)^{−1/2} for (u, v) ~ N(0, Σ)"),
    kind=Kind.EXACT,
    statement=sp.Eq(K_mc, K_cf),
    premises=lambda p: teacher_premises(p, M=st.sampled_from([256, 1024, p.pick(4096, 8192, 16384)])),
    run=run_ntk_closed_form,
    tolerance=Tolerance(stderr="K_stderr", z=7.5, atol=1e-12,
                        reason="Monte Carlo: the stderr is that of a mean of S = 32 per-seed means, so the "
                               "tail is Student t₃₁: P(|t₃₁| > 7.5) ≈ 1.9e-8 per entry; a union bound over the "
                               "ci run's 6 examples × ≤ 256 entries gives a false alarm ≤ 3e-5 (dev: 20 × 1024 "
                               "entries, ≤ 4e-4); 1e-12 for round-off"),
    seeds=32,
    symbols={**SYMBOLS, "K_monte_carlo": "(1/SM) Σ over S seeds × M neurons of σ'(w_rᵀx_i)σ'(w_rᵀx_j)x_iᵀx_j",
             "K_closed_form": "the closed form", "M": "neurons per seed"},
    given=f"w ~ N(0, I_d); inputs of norm R = {RADIUS:g} (the closed form holds for any norms)",
    examples_scale=0.5,
    role="check",
)


def run_gd_step(inst: Instance) -> dict[str, Any]:
    """One step of ``lg.gd_trajectory``: the loss's autograd derivative along ΔW against −‖ΔW‖²/η.

    One scalar per seed, ⟨g_auto, g_hand⟩ = ‖g_hand‖² (ΔW = −η g_hand): it fails for a wrong sign or factor or a
    wrong ℓ'/σ', but a g_hand that drops whole components (a neuron's row) still satisfies it, so the step is also
    compared with −η·g_auto entrywise (``step_gap_sq``).
    """
    p = inst.premises
    D = _data(inst)
    W0, a = tl.init_weights(p["m"], p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    tr = lg.gd_trajectory(W0, a, D["X"], D["y"], eta=p["eta"], steps=1)
    dW = tr.W - W0
    # the definition: d/dt L(W0 + t·ΔW) at t = 0 = ⟨autograd ∇L(W0), ΔW⟩, autograd through the loss's forward
    # pass (no hand-written gradient; torch.func.jvp would do too but warns about torch.jit under pytest)
    Wg = W0.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(lg.loss(Wg, a, D["X"], D["y"]).sum(), Wg)
    deriv = (g * dW).sum((-2, -1))
    # entrywise: ‖ΔW + η∇L_autograd‖²/η, in the units of the identity's sides; second order in the error, so
    # round-off leaves it ≈ 1e-32·‖ΔW‖²/η, and a gradient that drops a neuron's row moves it by that row's share
    gap = ((dW + p["eta"] * g) ** 2).sum((-2, -1)) / p["eta"]
    return {"directional_derivative": per_seed(deriv),
            "minus_step_sq_over_eta": per_seed(-(dW * dW).sum((-2, -1)) / p["eta"]),
            "step_gap_sq": per_seed(gap)}


dir_deriv, step_sq, step_gap = sp.symbols("directional_derivative minus_step_sq_over_eta step_gap_sq")

gd_step_identity = Claim(
    id="nitanda2019.gd_step_identity",
    title="One GD step on the logistic loss, ΔW = W(1) − W(0): the loss's directional derivative along ΔW "
          "equals −‖ΔW‖²/η exactly (ΔW = −η∇L)",
    citation=cite("gradient descent on the logistic loss (the one-step identity derived)", "derived",
                  "D_{ΔW}L = ⟨∇L, ΔW⟩ and ΔW = −η∇L give −‖ΔW‖²/η; the left side by autograd (reverse mode) through "
                  "L = (1/n)Σ log(1 + e^{−y f}), the right side from the hand-written gradient's step"),
    kind=Kind.EXACT,
    statement=sp.And(sp.Eq(dir_deriv, step_sq), sp.Eq(step_gap, 0)),
    premises=lambda p: teacher_premises(p, m=st.integers(1, p.pick(256, 1024, 4096)),
                                        flip=st.sampled_from([0.0, 0.25])),
    run=run_gd_step,
    tolerance=Tolerance(rtol=1e-13, atol=1e-15,
                        reason="float64 round-off: both sides are same-sign sums of m·d terms (pairwise "
                               "summation, ≲ log₂(md)·ε ≈ 2e-15 relative); measured: beyond the atol, the "
                               "largest relative error over 300 instances × 16 seeds (n ≤ 32, d ≤ 16, m ≤ 4096, "
                               "labels flipped or not) was 1.4e-16, so rtol 1e-13 leaves ~700×; atol for steps "
                               "so small that W(1) − W(0) loses its relative digits (measured: relative error "
                               "1.4e-9 at |−‖ΔW‖²/η| ≈ 2e-16, an absolute 2e-25). The entrywise gap's right "
                               "side is 0, so only the atol applies there: the gap is second order in the "
                               "error, ≈ 1e-32·‖ΔW‖²/η from round-off"),
    seeds=16,
    symbols={**SYMBOLS, "directional_derivative": "d/dt L(W(0) + tΔW) at t = 0 (autograd through the loss's forward pass)",
             "minus_step_sq_over_eta": "−‖W(1) − W(0)‖²/η from lg.gd_trajectory",
             "flip": "fraction of labels flipped at random (the identity holds for any labels)",
             "step_gap_sq": "‖ΔW + η∇L_autograd‖²/η: the step against autograd, entrywise"},
    given="any labels, widths and step sizes (an identity, not a convergence statement)",
    role="check",
)


# ---------------------------------------------------------------------------------------------
# asymptotic: zero training error and a decreasing logistic loss from a width on
# ---------------------------------------------------------------------------------------------

def horizon(n: int, eta: float, rho: float) -> int:
    """T = ⌈(1 + ln n)/(ηρ²)⌉ (ours: the 1/(ηρ²) of the recalled iteration count, times 1 + ln n so that the
    loss can fall below log(2)/n, where zero training error is forced)."""
    return int(math.ceil((1.0 + math.log(n)) / (eta * rho * rho)))


def zero_error_from(train_error: torch.Tensor) -> torch.Tensor:
    """Per seed, the first step k from which the training error stays 0 up to the last step (K + 1 if it is not
    0 at the last step); train_error (S, K + 1)."""
    K1 = train_error.shape[1]
    last_bad = torch.where(train_error > 0, torch.arange(K1, device=train_error.device), -1).amax(-1)
    return last_bad + 1


def run_zero_error(inst: Instance) -> dict[str, Any]:
    """GD at width m for T(n, η, ρ) steps: final training error and the largest one-step loss increase."""
    p = inst.premises
    D = _data(inst)
    W0, a = tl.init_weights(p["m"], p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    T = horizon(p["n"], p["eta"], D["rho"])
    tr = lg.gd_trajectory(W0, a, D["X"], D["y"], eta=p["eta"], steps=T)
    rise = (tr.loss[:, 1:] - tr.loss[:, :-1]) / tr.loss[:, :-1]  # relative one-step change of L
    return {"final_train_error": per_seed(tr.train_error[:, -1]), "max_loss_rise": per_seed(rise.amax(-1)),
            "rho": D["rho"], "n": p["n"], "delta": DELTA, "horizon_T": float(T),
            "zero_error_step": per_seed(zero_error_from(tr.train_error).to(inst.dtype)),
            "k": shared(torch.arange(T + 1.0, dtype=inst.dtype), "k"), "loss_curve": per_seed(tr.loss, "k"),
            "error_curve": per_seed(tr.train_error, "k")}


err_T, rise, zero_step, horizon_T = sp.symbols("final_train_error max_loss_rise zero_error_step horizon_T")
rho, n_sym, delta = sp.symbols("rho n delta")
WIDTH_LADDERS = ([4, 16, 64, 128], [4, 16, 64, 256, 1024], [4, 16, 64, 256, 1024, 4096])
ZERO_ERROR_SYMBOLS = {**SYMBOLS, "flip": "fraction of labels flipped at random (control only)",
                      "margin_upper_bound": "certified upper bound on the best tangent-space margin ρ* of the "
                                            "(flipped) data, by weak duality (lg.margin_upper_bound)",
                      "final_train_error": "fraction of training points with y_i f(x_i) ≤ 0 after T steps",
                      "max_loss_rise": "max over k < T of (L(k+1) − L(k))/L(k)", "loss_curve": "L(W(k))",
                      "error_curve": "training error at step k", "k": "GD step",
                      "horizon_T": "T = ⌈(1 + ln n)/(ηρ²)⌉ steps",
                      "zero_error_step": "first step from which the training error stays 0"}

zero_error = Claim(
    id="nitanda2019.gd_zero_error",
    title="NTK-separable data with margin ρ: from a width on, GD on the logistic loss reaches zero training error "
          "within T = (1 + ln n)/(ηρ²) steps and the loss decreases at every step",
    citation=cite("main convergence theorem (logistic loss, smooth activation, NTK separability)", "recalled",
                  "the abstract gives the setting and 'less over-parameterized'; the width's 1/ρ exponent, the "
                  "1/(ηρ²) iteration count and the step-size condition are recalled"),
    kind=Kind.ASYMPTOTIC,
    statement=sp.And(sp.Le(err_T, 0), sp.Le(rise, 0)),
    premises=lambda p: teacher_premises(p),
    run=run_zero_error,
    tolerance=Tolerance(atol=1e-12, reason="the training error is a count (exact); a relative loss rise below "
                                           "1e-12 is float64 round-off of a mean of n softplus terms, not a rise"),
    delta=DELTA,
    regime=Regime(size="m", ladder=lambda prem, prof: list(prof.pick(*WIDTH_LADDERS)), practical=sp.Integer(64),
                  theory=rho**-2,
                  note="ours: m ≥ 64 at every margin ρ ∈ [0.1, 0.3] (the measured threshold was 8–16); the theory "
                       "column ρ^{−2} is the recalled exponent with constants and logs set to 1; η ∈ [1, 4]"),
    recalled=("the exponent 2 of the width's dependence on 1/ρ (theory column)",
              "the iteration count ∝ 1/(ηρ²) behind the horizon T",
              "the L² norm for v in the separability premise (the paper may use a sup-norm)"),
    symbols=ZERO_ERROR_SYMBOLS,
    figures=(Figure("logistic loss L(W(k)) along GD (largest width)", x="k", ys=("loss_curve",), xlabel="k",
                    ylabel="L", logy=True, styles=("line",)),
             Figure("training error along GD (largest width)", x="k", ys=("error_curve",), xlabel="k",
                    ylabel="fraction misclassified", styles=("line",))),
    examples=({"n": 16, "d": 8, "gap": 0.1, "eta": 1.0, "seed": 1},),  # smallest margin, longest horizon
    examples_scale=0.25,
    seeds=32,
    tightness=Tightness(expr=zero_step / horizon_T,
                        meaning="the share of the horizon T = (1 + ln n)/(ηρ²) used before the training error "
                                "stayed 0", reduce="max"),
)

def run_zero_error_duplicates(inst: Instance) -> dict[str, Any]:
    """:func:`run_zero_error` on teacher data whose last ``duplicates`` points are copies of the first ones (same
    labels, so the margin ρ is unchanged): the tangent-kernel Gram matrix K∞(X, X) then has λ_min = 0 exactly, and
    every analysis through λ_min(Gram) > 0 (Du et al. 2019's λ₀) says nothing."""
    p = inst.premises
    D = _data(inst)
    k = int(p["duplicates"])
    X, y = D["X"].clone(), D["y"].clone()
    X[-k:], y[-k:] = X[:k], y[:k]
    gram = lg.erf_ntk(X)
    ev = torch.linalg.eigvalsh(gram)
    W0, a = tl.init_weights(p["m"], p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    T = horizon(p["n"], p["eta"], D["rho"])
    tr = lg.gd_trajectory(W0, a, X, y, eta=p["eta"], steps=T)
    rise_ = (tr.loss[:, 1:] - tr.loss[:, :-1]) / tr.loss[:, :-1]
    return {"final_train_error": per_seed(tr.train_error[:, -1]), "max_loss_rise": per_seed(rise_.amax(-1)),
            "gram_lambda_min_rel": float(ev[0] / ev[-1]), "rho": D["rho"], "n": p["n"], "delta": DELTA,
            "horizon_T": float(T), "zero_error_step": per_seed(zero_error_from(tr.train_error).to(inst.dtype))}


gram_rel = sp.Symbol("gram_lambda_min_rel")
GRAM_SINGULAR = 1e-12  # λ_min/λ_max of the Gram below this: singular to float64 resolution (duplicates give ≈ 1e-17)

zero_error_singular_gram = Claim(
    id="nitanda2019.gd_zero_error_singular_gram",
    title="NTK separability needs no λ_min(Gram) > 0: with duplicated inputs (the tangent-kernel Gram singular) GD on "
          "the logistic loss still reaches zero training error within T = (1 + ln n)/(ηρ²) steps, the loss "
          "decreasing at every step",
    citation=cite("main convergence theorem (its premise is the margin ρ of NTK separability, not the Gram's least "
                  "eigenvalue)", "recalled",
                  "the contrast with λ₀-based analyses (Du et al. 2019) is the paper's motivation as recalled; the "
                  "duplicated-inputs instance is ours"),
    kind=Kind.ASYMPTOTIC,
    statement=sp.Implies(sp.Le(gram_rel, GRAM_SINGULAR), sp.And(sp.Le(err_T, 0), sp.Le(rise, 0))),
    premises=lambda p: teacher_premises(p, min_n=4, duplicates=st.integers(1, 2)),
    run=run_zero_error_duplicates,
    tolerance=zero_error.tolerance,
    delta=DELTA,
    regime=zero_error.regime,
    recalled=zero_error.recalled,
    symbols={**ZERO_ERROR_SYMBOLS, "duplicates": "number of inputs repeated (copies of the first ones, same labels)",
             "gram_lambda_min_rel": "λ_min/λ_max of the tangent-kernel Gram K∞(X, X) (0 with duplicates)"},
    given="the Gram's singularity is checked per example (λ_min/λ_max ≤ 1e-12), not assumed; same horizon, widths and "
          "steps as gd_zero_error",
    examples_scale=1.0,  # a run costs milliseconds at these sizes: the profile's full count
    seeds=32,
    tightness=zero_error.tightness,
)


def run_flipped_labels(inst: Instance) -> dict[str, Any]:
    """:func:`run_zero_error` on labels with a random fraction flipped, plus a certified upper bound on the
    flipped data's best tangent-space margin (to show how far below the declared ρ it is)."""
    out = run_zero_error(inst)
    D = _data(inst)
    out["margin_upper_bound"] = lg.margin_upper_bound(D["X"].cpu(), D["y"].cpu())
    return out


flipped_labels_control = control(
    zero_error,
    name="gd_zero_error_flipped_labels_control",
    premises=lambda p: st.fixed_dictionaries({
        "n": st.integers(20, p.pick(32, 48, 64)), "d": st.just(3), "gap": st.floats(0.2, 0.3),
        "eta": st.floats(1.0, 4.0), "seed": st.integers(0, 2**20), "flip": st.just(0.25)}),
    run=run_flipped_labels,
    broken="separability with the declared margin ρ (a random quarter of the labels flipped: still separable, "
           "but the best margin ρ* — see margin_upper_bound — is far below the ρ that sets the horizon T)",
    title="Control: with a quarter of the labels flipped, GD at the claim's widths does not reach zero training "
          "error within the horizon T = (1 + ln n)/(ηρ²) of the declared margin ρ",
)


# ---------------------------------------------------------------------------------------------
# trend: the threshold width against 1/ρ, beside the squared-loss scale
# ---------------------------------------------------------------------------------------------

TREND_GAPS = (0.3, 0.2, 0.14, 0.1)


def threshold_width(X: torch.Tensor, y: torch.Tensor, rho: float, *, eta: float, seeds: tuple[int, ...],
                    widths: list[int]) -> float:
    """Smallest ladder width from which GD reaches zero training error in T(n, η, ρ) steps with a loss that never
    rises, for all but ⌊δS⌋ of the S seeds; the first of two consecutive holding widths (inf if none)."""
    n, d = X.shape
    T = horizon(n, eta, rho)
    allowed = math.floor(DELTA * len(seeds))

    def holds(m: int) -> bool:
        W0, a = tl.init_weights(m, d, seeds, dtype=X.dtype, device=X.device)
        tr = lg.gd_trajectory(W0, a, X, y, eta=eta, steps=T)
        rise = ((tr.loss[:, 1:] - tr.loss[:, :-1]) / tr.loss[:, :-1]).amax(-1)
        bad = (tr.train_error[:, -1] > 0) | (rise > 1e-12) | tr.diverged
        return int(bad.sum()) <= allowed

    return first_of_two_holding(widths, holds)


def run_width_trend(inst: Instance) -> dict[str, Any]:
    """Threshold width at each margin of the ladder (fresh teacher data per margin, same n, d, η, seeds)."""
    p = inst.premises
    widths = [2 ** j for j in range(1, inst.profile.pick(10, 12, 13))]  # 2 … 512 (ci)
    rhos, ths, sq = [], [], []
    for j, gap in enumerate(TREND_GAPS):
        D = _data(inst, gap=gap, stream=j)
        rhos.append(D["rho"])
        ths.append(threshold_width(D["X"], D["y"], D["rho"], eta=p["eta"], seeds=inst.seeds, widths=widths))
        lam0 = float(torch.linalg.eigvalsh(lg.erf_ntk(D["X"]))[0])
        sq.append(p["n"] ** 6 / lam0 ** 4 if lam0 > 0 else math.inf)  # Du et al. 2019's m = Ω(n⁶/λ₀⁴), constants 1
    inv = torch.tensor([1.0 / r for r in rhos], dtype=torch.float64)
    th = torch.tensor(ths, dtype=torch.float64)
    known = bool(torch.isfinite(th).all())
    # one slope and one threshold per margin for all the seeds together (each width pools them)
    return {
        "margin_slope": least_squares_slope(torch.log(inv), torch.log(th)) if known else math.nan,
        "slope_resolution": slope_resolution(torch.log(inv)),
        "max_threshold": float(th.max()), "ladder_top": float(widths[-1]),
        "inv_margin": shared(inv, "margin"), "threshold_width": shared(th, "margin"),
        "recalled_rho_minus_2": shared(th[0] * (inv / inv[0]) ** 2, "margin"),
        "squared_loss_scale": shared(torch.tensor(sq, dtype=torch.float64), "margin"),
    }


slope_sym, slope_res, max_th, ladder_top = sp.symbols("margin_slope slope_resolution max_threshold ladder_top")


def _threshold_finding(*, id: str, title: str, citation: Citation, slope: sp.Symbol, bound: int,
                       premises: Callable[[Profile], st.SearchStrategy[dict[str, Any]]],
                       run: Callable[[Instance], dict[str, Any]], tolerance_reason: str, recalled: tuple[str, ...],
                       symbols: dict[str, str], given: str, figure: Figure, example: dict[str, Any],
                       tightness: Tightness) -> Claim:
    """A finding on the threshold width for zero training error (threshold_width) along a ladder of one quantity:
    its fitted log–log slope is ≤ ``bound`` + the ladder's resolution, and every threshold is found on the width
    ladder. What varies: the quantity (the margin or n): its slope symbol and bound, premises, run, the words
    (citation, tolerance reason, recalled, symbols beside SYMBOLS, given), the figure, the example and the tightness."""
    return Claim(id=id, title=title, citation=citation, kind=Kind.TREND,
                 statement=sp.And(sp.Le(slope, bound + slope_res), sp.Le(max_th, ladder_top)), premises=premises,
                 run=run, tolerance=Tolerance(atol=1e-9, reason=tolerance_reason), recalled=recalled, seeds=16,
                 examples_scale=0.17, symbols={**SYMBOLS, **symbols}, given=given, figures=(figure,),
                 examples=(example,), tightness=tightness, role="finding")


# A finding (issue 15): the shape of the threshold against 1/ρ is our measurement. The theorem bounds a sufficient
# width by poly(1/ρ) (exponent 2 recalled); it does not say the threshold grows like that, so the bound 2 is the
# recalled worst case taken as a shape, and the fitted exponent is reported against it.
width_against_margin = _threshold_finding(
    id="nitanda2019.width_against_margin",
    title="The threshold width for zero training error grows no faster than ρ^{−2} as the margin ρ shrinks "
          "(fitted log–log exponent ≤ 2 up to the ladder's resolution) and is found on the "
          "ladder (≤ 512); the figure shows it beside the squared-loss scale n⁶/λ₀⁴ (plotted, not checked)",
    citation=cite("abstract: 'much better dependence on the network width'; width polynomial in 1/ρ", "recalled",
                  "the exponent 2 is recalled; the n⁶/λ₀⁴ squared-loss scale is Du et al. 2019, Thm 4.1 "
                  "(theorems/du2019.py), evaluated with λ₀ = λ_min(K∞) of the same data, constants 1"),
    slope=slope_sym,
    bound=2,
    premises=lambda p: st.fixed_dictionaries({"n": st.integers(8, p.pick(16, 32, 64)), "d": st.just(8),
                                              "eta": st.floats(1.0, 4.0), "seed": st.integers(0, 2**20)}),
    run=run_width_trend,
    tolerance_reason="the ladder's factor-2 resolution is in the statement (slope_resolution: the worst upward error "
                     "of the least-squares slope, log 2 · Σ_{x_j > x̄}(x_j − x̄)/S_xx, ≈ 0.75 at the nominal margins, "
                     "≤ 1.08 over 40 drawn margin sets); atol for round-off of the fit",
    recalled=("the exponent 2 of the paper's width in 1/ρ",),
    symbols={"margin_slope": "least-squares slope of log(threshold width) against log(1/ρ)",
             "slope_resolution": "largest upward slope error from resolving each threshold to a factor 2 "
                                 "(least-squares leverage of the margins above the mean of log(1/ρ))",
             "max_threshold": "largest threshold width over the margins", "ladder_top": "largest width tried",
             "inv_margin": "1/ρ", "threshold_width": "smallest width from which GD held (powers of 2)",
             "recalled_rho_minus_2": "∝ ρ^{−2} through the first threshold",
             "squared_loss_scale": "n⁶/λ₀⁴, λ₀ = λ_min(K∞(X)) (Du et al. 2019's width, constants 1)"},
    given="d = 8, inputs of norm 3, teacher with 16 centers; fresh teacher data at each of ρ ≈ 0.3, 0.2, 0.14, 0.1; "
          "horizon T = (1 + ln n)/(ηρ²) at each margin",
    figure=Figure("threshold width against 1/ρ, beside ρ^{−2} and the squared-loss scale n⁶/λ₀⁴", x="inv_margin",
                  ys=("threshold_width", "recalled_rho_minus_2", "squared_loss_scale"), xlabel="1/ρ",
                  ylabel="width m", logx=True, logy=True, styles=("points", "dashed", "dashed")),
    example={"n": 16, "d": 8, "eta": 2.0, "seed": 0},
    tightness=Tightness(expr=slope_sym / 2, meaning="fitted exponent of the threshold against 1/ρ over the recalled "
                                                    "exponent 2", reduce="max"),
)


# ---------------------------------------------------------------------------------------------
# trend: the threshold width against the number of samples n at a fixed margin
# ---------------------------------------------------------------------------------------------

SAMPLE_LADDERS = ((8, 16, 32, 64), (8, 12, 16, 24, 32, 48, 64), (8, 12, 16, 24, 32, 48, 64))


def run_width_against_n(inst: Instance) -> dict[str, Any]:
    """Threshold width at each n of the profile's sample ladder, at one fixed margin.

    One teacher and one draw of n_max points (n_max the ladder's top); the data at n are the first n of them
    (nested sets, same teacher), so every set satisfies the separability premise with the same ρ = the margin of
    the whole draw (a prefix's own margin can only be larger): the margin is held fixed exactly, and the horizon
    T = (1 + ln n)/(ηρ²) changes with n only through ln n. The width ladder starts at 1 (a threshold of 1 is
    exact, not censored).
    """
    p = inst.premises
    ns = inst.profile.pick(*SAMPLE_LADDERS)
    widths = [2 ** j for j in range(inst.profile.pick(10, 12, 13))]  # 1 … 512 (ci)
    D = _data(inst, n=ns[-1])
    ths, sq = [], []
    for n in ns:
        X, y = D["X"][:n], D["y"][:n]
        ths.append(threshold_width(X, y, D["rho"], eta=p["eta"], seeds=inst.seeds, widths=widths))
        lam0 = float(torch.linalg.eigvalsh(lg.erf_ntk(X))[0])
        sq.append(n ** 6 / lam0 ** 4 if lam0 > 0 else math.inf)  # Du et al. 2019's m = Ω(n⁶/λ₀⁴), constants 1
    nn = torch.tensor([float(n) for n in ns], dtype=torch.float64)
    th = torch.tensor(ths, dtype=torch.float64)
    known = bool(torch.isfinite(th).all())
    # one slope and one threshold per n for all the seeds together (each width pools them)
    return {
        "sample_slope": least_squares_slope(torch.log(nn), torch.log(th)) if known else math.nan,
        "slope_resolution": slope_resolution(torch.log(nn)),
        "max_threshold": float(th.max()), "ladder_top": float(widths[-1]), "rho": D["rho"],
        "n_samples": shared(nn, "n"), "threshold_width": shared(th, "n"),
        "linear_in_n": shared(th[0] * nn / nn[0], "n"),
        "squared_loss_scale": shared(torch.tensor(sq, dtype=torch.float64), "n"),
    }


sample_slope = sp.Symbol("sample_slope")

# A finding (issue 15): the bound 1 is ours (parameter counting), not the paper's (its width is polylogarithmic in n,
# recalled). The exponents measured on 2026-11-25 (−1.8…0.7) were on the data streams before issue 14; the report
# gives this run's.
width_against_n = _threshold_finding(
    id="nitanda2019.width_against_n",
    title="At a fixed margin ρ the threshold width for zero training error grows slower than linearly in the number "
          "of samples n ≤ 64 (fitted log–log exponent ≤ 1 up to the ladder's resolution) and is found on the ladder "
          "(≤ 512); the figure shows it beside the squared-loss scale n⁶/λ₀⁴ (plotted, not checked)",
    citation=cite("abstract: 'much better dependence on the network width'; width polylogarithmic in n", "recalled",
                  "the log n (not poly n) dependence is recalled; the bound 1 is ours (parameter counting: arbitrary "
                  "labels need m·d ≳ n, exponent 1; see the module docstring); the "
                  "n⁶/λ₀⁴ squared-loss scale is Du et al. 2019, Thms 3.2 and 4.1 (theorems/du2019.py), evaluated "
                  "with λ₀ = λ_min(K∞) of the same data, constants 1"),
    slope=sample_slope,
    bound=1,
    premises=lambda p: st.fixed_dictionaries({"d": st.just(8), "gap": st.floats(0.1, 0.3),
                                              "eta": st.floats(1.0, 4.0), "seed": st.integers(0, 2**20)}),
    run=run_width_against_n,
    tolerance_reason="the ladder's factor-2 resolution is in the statement (slope_resolution, as for "
                     "width_against_margin: log 2 · Σ_{x_j > x̄}(x_j − x̄)/S_xx with x_j = log n_j; exactly 0.4 for "
                     "n = 8, 16, 32, 64, 0.43 for the dev ladder 8 … 64); atol for round-off of the fit",
    recalled=("the logarithmic (not polynomial) dependence of the paper's width on n",),
    symbols={"sample_slope": "least-squares slope of log(threshold width) against log n",
             "slope_resolution": "largest upward slope error from resolving each threshold to a factor 2 "
                                 "(least-squares leverage of the n above the mean of log n)",
             "max_threshold": "largest threshold width over the n", "ladder_top": "largest width tried",
             "n_samples": "n (nested: the first n points of one draw)",
             "threshold_width": "smallest width from which GD held (powers of 2, from 1)",
             "linear_in_n": "∝ n through the first threshold (the exponent-1 bound)",
             "squared_loss_scale": "n⁶/λ₀⁴, λ₀ = λ_min(K∞(X_n)) (Du et al. 2019's width, constants 1)"},
    given="d = 8, inputs of norm 3, teacher with 16 centers; the first n of one draw of n_max points for n on the "
          "profile's ladder (8, 16, 32, 64 in ci), all with the draw's margin ρ ≥ gap; horizon T = (1 + ln n)/(ηρ²); "
          "n ≤ 64 (at n = 128 the horizon, not the width, bound on 2 of 30 draws before issue 14: see "
          "horizon_at_large_n)",
    figure=Figure("threshold width against n (fixed ρ), beside ∝ n and n⁶/λ₀⁴",
                  x="n_samples", ys=("threshold_width", "linear_in_n", "squared_loss_scale"), xlabel="n",
                  ylabel="width m", logx=True, logy=True, styles=("points", "dashed", "dashed")),
    example={"d": 8, "gap": 0.1, "eta": 1.0, "seed": 0},  # smallest margin and step: the longest horizon
    tightness=Tightness(expr=sample_slope, meaning="fitted exponent of the threshold against n over our bound 1 "
                                                   "(parameter counting)", reduce="max"),
)


# ---------------------------------------------------------------------------------------------
# finding: the setting that capped n (issue 15: a regime set after a failure keeps the failing setting)
# ---------------------------------------------------------------------------------------------

LARGE_N = 128

horizon_at_large_n = Claim(
    id="nitanda2019.horizon_at_large_n",
    title=f"Finding (ours): at n = {LARGE_N}, past the n ≤ 16/32/64 (ci/dev/thorough) of gd_zero_error, GD at the "
          "regime's smallest width 64 reaches zero training error with a falling loss within T = (1 + ln n)/(ηρ²) "
          "for all but δ of the seeds",
    citation=cite("main convergence theorem (logistic loss, smooth activation, NTK separability)", "recalled",
                  "the setting is the paper's; the horizon T, the width 64 and n = 128 are ours"),
    kind=Kind.PROBABILISTIC,
    statement=zero_error.statement,
    premises=lambda p: teacher_premises(p, n=st.just(LARGE_N), m=st.just(64)),
    run=run_zero_error,
    tolerance=zero_error.tolerance,
    delta=DELTA,
    recalled=zero_error.recalled,
    symbols=ZERO_ERROR_SYMBOLS,
    given="n was capped at 16 (ci) after 2 of 30 draws at n = 128 left 4–10 of 16 seeds with one or two "
          "misclassified points after T steps at every width up to 512 (2026-11-25, before the data streams of "
          "issue 14; with 4T every width ≥ 64 fitted); this item measures that setting again on every run (on "
          "2026-12-07 the corner d = 3, gap 0.1, η = 1 failed at width 64 even with 4T and held at 256: see the "
          "module docstring)",
    figures=zero_error.figures,
    examples_scale=0.25,
    seeds=32,
    tightness=zero_error.tightness,
    role="finding",
)


CLAIMS = [ntk_closed_form, gd_step_identity, zero_error, zero_error_singular_gram, flipped_labels_control, width_against_margin,
          width_against_n, horizon_at_large_n]


# ---------------------------------------------------------------------------------------------
# coverage map (issue 16, item 4): the paper's results and how the items above cover them
# ---------------------------------------------------------------------------------------------

# No theorem, proposition or corollary number could be confirmed: the public copies the search tool reaches
# (latex-in-arxiv.com's copy of the abstract's LaTeX, paperswithcode, emergentmind, tomesphere) give the abstract
# only. Statements the abstract makes are source="paper"; their form and constants are recalled.
COVERAGE = [
    Covered(
        where="abstract: main convergence theorem (number not confirmed)",
        statement="logistic loss, smooth activation, first layer trained, data separable in the neural tangent model "
                  "with margin ρ: GD reaches small training loss and error within O(1/(ηρ²)) iterations at a width "
                  "polynomial in 1/ρ and logarithmic in n",
        status="encoded",
        claims=("nitanda2019.gd_zero_error", "nitanda2019.gd_zero_error_flipped_labels_control",
                "nitanda2019.horizon_at_large_n", "nitanda2019.ntk_closed_form", "nitanda2019.gd_step_identity"),
        why="gd_zero_error: zero training error within our horizon T = (1 + ln n)/(ηρ²) and a loss that never rises "
            "(the monotone loss is our addition), in our regime m ≥ 64, with ρ certified by an erf teacher in the "
            "closed-form tangent space (L² norm for v; the paper's norm may be a sup-norm); the iteration count, "
            "width exponent and step-size condition are recalled. horizon_at_large_n is a finding (n = 128 past the "
            "cap); ntk_closed_form and gd_step_identity are implementation checks behind the certificate and the GD "
            "step",
        source="paper",
    ),
    Covered(
        where="abstract: the width requirement of the main theorem (number not confirmed)",
        statement="the width needed has much better dependence than squared-loss, λ_min(NTK)-based bounds: "
                  "polynomial in 1/ρ, logarithmic in n",
        status="encoded",
        claims=("nitanda2019.width_against_margin", "nitanda2019.width_against_n"),
        why="encoded only by findings: the measured threshold width against 1/ρ (fitted exponent against the "
            "recalled 2) and against n (against our parameter-counting bound 1), beside n⁶/λ₀⁴; a sufficient-width "
            "theorem does not fix the threshold's shape, and the exponents are recalled",
        source="paper",
    ),
    Covered(
        where="abstract: separability in the neural tangent model against NTK positivity (proposition number "
              "not confirmed)",
        statement="NTK separability is weaker than positivity of the NTK Gram matrix: λ_min(K∞) > 0 gives a margin, "
                  "but data can be separable with margin ρ bounded away from 0 while λ_min(K∞) → 0",
        status="encoded",
        claims=("nitanda2019.gd_zero_error_singular_gram",),
        why="teacher data with duplicated inputs (same labels): the Gram K∞(X, X) is singular (λ_min/λ_max ≈ 1e-17, "
            "checked per example) while the certified margin ρ is unchanged, and GD reaches zero training error at "
            "gd_zero_error's widths and horizon; the quantitative link between λ_min and ρ is recalled, not encoded",
        source="paper",
    ),
    Covered(
        where="abstract: generalization bound (theorem number not confirmed)",
        statement="under the separability assumption on the data distribution, the expected classification error "
                  "of the GD iterate is bounded by a term decaying with n, at the same mild width",
        status="not encodable",
        why="the statement could not be read: searched for issue 17 (pages, docs corpora: arXiv 1905.09870, its "
            "abstract pages, OpenReview/NeurIPS copies), only the abstract is stored, which says a generalization "
            "bound exists with a mild width but gives neither its form nor its constants. A bound of the usual "
            "form (expected 0-1 error ≤ C·(complexity term)/(ρ²√n)-type + √(log(1/δ)/n), recalled from this line of "
            "work, with universal constants C unstated) cannot be refuted by finite samples: any measured test error "
            "≤ 1 is absorbed by a large enough C, and fixing C ourselves would test our bound, not the paper's. "
            "What a finite computation can check — held-out error on fresh draws from the teacher distribution "
            "(known tangent margin ρ) with a Clopper–Pearson bound against a stated ε(n, δ) — needs that ε with "
            "its constants from the theorem; to be encoded once the theorem text is read",
        source="recalled",
    ),
]
