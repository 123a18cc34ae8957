"""Du, Zhai, Póczos, Singh, "Gradient Descent Provably Optimizes Over-parameterized Neural Networks",
ICLR 2019, arXiv 1810.02054 (seed 000; formulas in shared/CLAIMS.md, section du2019).

Model: f(W, a, x) = m^{-1/2} Σ_r a_r relu(w_rᵀx); W (m×d) trained, a ∈ {±1}^m fixed (both trained in
Thm 3.3); L = ½ Σ_i (f(x_i) − y_i)²; ‖x_i‖ = 1. H^∞ is the infinite-width Gram matrix, λ₀ its
least eigenvalue. The implementation is :mod:`impl.two_layer`.

Premises draw scalars only: n, d, a coherence knob (0 gives random inputs on the sphere; values
toward 1 push all inputs toward one direction, so λ₀ shrinks: the adversarial direction), label
scale, widths, step-size fractions and a seed. Inputs are unit vectors by construction.

Practical regimes (asymptotic claims) are *ours*, declared below and labelled in the report: the
paper's widths (m = Ω(n⁶/(λ₀⁴δ³))) hide constants and are astronomically large at any n worth
running, so the report shows the empirical threshold width beside that scaling.

Roles (issue 15). *Claims* are statements the paper makes (Thm 3.1, Lemmas 3.1–3.3, Thms 3.2, 3.3, 4.1,
Cor 4.1, Section 5's trends); the explicit constants we derived from a proof say so in the citation.
*Checks* validate our implementation: the H^∞ closed form against Monte Carlo, E‖y − u(0)‖² in closed form,
the kernel identities of a GD step, of the flow's energy and of both-layer training, each against an
independent autograd reference (two of our own routes could share a bug), and the antipodal-pairs
characterization of λ₀ > 0, which is our derivation, not the paper's. *Controls* break one premise of a
claim. *Findings* are our measurements: the fitted distance exponent of Section 5 against the −½ of
Cor 4.1, and the settings that fixed our practical regimes (reported, not hidden).

Issue 16 added the proofs' mechanism: the trajectory invariant λ_min(H) ≥ λ₀/2 along GD and the flow (in a declared
regime m ≥ 4n²/λ₀²), Lemma 3.2's second conclusion certified over the ball, the proof of Thm 3.2's explicit width
(constants derived, each event at δ/3) beside gf_linear_rate's empirical threshold, Thm 3.3's own scaling with
log(m/δ) and its output-weight movement, and Section 5's rate against m as a trend.
Issue 16 (h16a) added Lemma 4.1's flip count (C = √(2/π) derived), and with both layers trained the invariant
λ_min(H(t)) ≥ λ₀/2 with G(t) ⪰ 0 (Lemma A.6) and the conditional rate (Lemma A.2).
Issue 16 (last piece): Lemma 3.4 where its premise R′ < R holds (``gf_lemma34``): at n = 1 the premise needs
1e5–1.2e6 units with the proof's constants (an earlier note here said ≥ 10⁷: that was the Markov width of Thm 3.2's
proof, which bounds ‖y − u(0)‖ by 3(‖y‖² + n/2)/δ and splits δ in three; the lemma itself needs only the realized
residual), n = 2 needs ≈ 3e7 (thorough, a GPU; not yet run). At n = 1 the lemma is weak: H(t) is a scalar, the
fraction of active units, λ₀ = ½ for every input, and the invariant would need a quarter of the units to switch off
while only ≈ 0.6% lie within R of the kink, so what the claim tests there is Lemma 3.3's bounds at the lemma's widths
(tightness ≈ 0.49: the decay runs at 2λ_min(H) ≈ 2λ₀ against the bound's λ₀), not Lemma 3.4's bootstrap across
interacting samples, which needs n ≥ 2. The both-layer analogue (Lemma A.6's R_w′ < R_w, R_a′ < R_a) is not
run at its premise's widths.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any, Callable, Mapping

import sympy as sp
import torch
from hypothesis import assume
from hypothesis import strategies as st

from lemmata.impl import two_layer as tl
from lemmata.verify import (Citation, Claim, Covered, Figure, Instance, Kind, Profile, Regime, Tightness, Tolerance, control,
                    per_seed, shared)
from lemmata.verify.claim import Role
from lemmata.verify.trend import least_squares_slope
from lemmata.verify.experiment import Experiment, ExperimentContext

PAPER = "Du, Zhai, Póczos, Singh (2019), Gradient Descent Provably Optimizes Over-parameterized Neural Networks, ICLR"
ARXIV = "1810.02054"
DELTA = 0.1  # the failure probability δ used by every probabilistic claim below


def cite(where: str, source: str = "paper", note: str = "") -> Citation:
    return Citation(paper=PAPER, where=where, arxiv=ARXIV, source=source, note=note)  # type: ignore[arg-type]


# symbols (measured quantities and premises; meanings listed in each claim's ``symbols``)
n, m, d, M = sp.symbols("n m d M")
lambda0, lam_h0, delta, eta = sp.symbols("lambda0 lambda_min_H0 delta eta")
t, k = sp.symbols("t k")
res_t, res_0, dist_t = sp.symbols("residual_sq residual_sq_0 max_dist")
entry_err, op_err, cert = sp.symbols("max_entry_error op_norm_error flip_certificate")
lam_path, rate_held = sp.symbols("lambda_min_H_path rate_held_before_k")
mean_res0, ynorm = sp.symbols("mean_residual_sq_0 y_norm_sq")
velocity, kernel_velocity = sp.symbols("du_dt kernel_du_dt")
dist_slope, flip_slope = sp.symbols("distance_slope flip_slope")

SYMBOLS = {
    "n": "number of samples", "m": "width (hidden units)", "d": "input dimension",
    "lambda0": "λ₀ = λ_min(H^∞)", "lambda_min_H0": "λ_min(H(0)) at initialization", "delta": "failure probability δ",
    "eta": "GD step size η", "t": "flow time", "k": "GD step", "residual_sq": "‖y − u‖² along the run",
    "residual_sq_0": "‖y − u(0)‖²", "max_dist": "max_r ‖w_r − w_r(0)‖",
}


# ---------------------------------------------------------------------------------------------
# premises: plain functions with keyword-only bounds
# ---------------------------------------------------------------------------------------------

def sphere_data(
    *, min_n: int = 2, max_n: int = 8, min_d: int = 2, max_d: int = 8, max_coherence: float = 0.5,
    **extra: st.SearchStrategy[Any],
) -> st.SearchStrategy[dict[str, Any]]:
    """n unit inputs in R^d (coherence pushes them together), labels in [−1, 1], a seed, plus ``extra``."""
    if not (1 <= min_n <= max_n and 1 <= min_d <= max_d and 0.0 <= max_coherence < 1.0):
        raise ValueError(f"bad bounds: min_n={min_n}, max_n={max_n}, min_d={min_d}, max_d={max_d}, "
                         f"max_coherence={max_coherence}")
    return st.fixed_dictionaries({
        "n": st.integers(min_n, max_n),
        "d": st.integers(min_d, max_d),
        "coherence": st.floats(0.0, max_coherence, allow_nan=False),
        "seed": st.integers(0, 2**20),
        **extra,
    })


def _data(inst: Instance) -> dict[str, Any]:
    """Inputs, labels, H^∞ and its extreme eigenvalues for an instance's premises."""
    p = inst.premises
    g = inst.generator(0)
    X = tl.sphere_inputs(p["n"], p["d"], generator=g, coherence=p.get("coherence", 0.0),
                         dtype=inst.dtype, device=inst.device)
    if p.get("duplicate"):
        X = tl.duplicate_row(X, src=0, dst=1, sign=1.0)
    y = tl.bounded_labels(p["n"], generator=g, scale=p.get("label_scale", 1.0), dtype=inst.dtype, device=inst.device)
    H = tl.gram_infinity(X)
    ev = torch.linalg.eigvalsh(H)
    return {"X": X, "y": y, "H": H, "lambda0": float(ev[0]), "lambda_max": float(ev[-1])}


def _init(inst: Instance, width: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(W, a) at initialization for the instance's S seeds: width ``width`` (default: the premise m), input dimension
    the premise d."""
    p = inst.premises
    return tl.init_weights(p["m"] if width is None else width, p["d"], inst.seeds, dtype=inst.dtype,
                           device=inst.device)


def _ball_radius(inst: Instance, D: Mapping[str, Any]) -> float:
    """Lemma 3.2's radius R = cδλ₀/n², c = LEMMA32_C (derived), for the instance's data ``D`` (:func:`_data`)."""
    return LEMMA32_C * DELTA * D["lambda0"] / inst.premises["n"] ** 2


# ---------------------------------------------------------------------------------------------
# an independent reference for the kernel identities: the model written out in plain torch and
# differentiated by autograd (shares no code with impl.two_layer's forward, gradients or Gram matrices)
# ---------------------------------------------------------------------------------------------

def reference_outputs(W: torch.Tensor, a: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """u_i = m^{-1/2} Σ_r a_r relu(w_rᵀx_i), shape (S, n), for W (S, m, d), a (S, m), X (n, d)."""
    return torch.einsum("snm,sm->sn", torch.relu(torch.einsum("nd,smd->snm", X, W)), a) / math.sqrt(W.shape[1])


def autograd_gradients(W: torch.Tensor, a: torch.Tensor, X: torch.Tensor,
                       y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(∂L/∂W, ∂L/∂a) of L = ½Σ_i (u_i − y_i)² per seed, by autograd through :func:`reference_outputs`."""
    W_, a_ = W.detach().clone().requires_grad_(True), a.detach().clone().requires_grad_(True)
    loss = 0.5 * ((reference_outputs(W_, a_, X) - y) ** 2).sum()  # seeds are independent: one sum, S gradients
    gW, ga = torch.autograd.grad(loss, (W_, a_))
    return gW.detach(), ga.detach()


def autograd_jvp(W: torch.Tensor, a: torch.Tensor, X: torch.Tensor, vW: torch.Tensor, va: torch.Tensor) -> torch.Tensor:
    """J·(vW, va), the change of :func:`reference_outputs` along a direction, shape (S, n), by reverse mode twice:
    J·v = ∂/∂z ⟨Jᵀz, v⟩ (the vector-Jacobian product is linear in z, so this is exact)."""
    W_, a_ = W.detach().clone().requires_grad_(True), a.detach().clone().requires_grad_(True)
    u = reference_outputs(W_, a_, X)
    z = torch.zeros_like(u, requires_grad=True)
    gW, ga = torch.autograd.grad(u, (W_, a_), grad_outputs=z, create_graph=True)
    (jv,) = torch.autograd.grad((gW * vW).sum() + (ga * va).sum(), z)
    return jv.detach()


# ---------------------------------------------------------------------------------------------
# Gram matrices at initialization
# ---------------------------------------------------------------------------------------------

def run_closed_form(inst: Instance) -> dict[str, Any]:
    """Monte Carlo estimate of H^∞ pooled over S seeds × M draws, with its standard error per entry."""
    D = _data(inst)
    W, _ = _init(inst, inst.premises["M"])
    est = tl.gram_w(W, D["X"])  # (S, n, n): per seed, (1/M) Σ_r x_iᵀx_j 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0}
    S = est.shape[0]
    # pooled over the seeds: one n×n estimate shared by every seed, compared entry by entry
    return {"H_monte_carlo": shared(est.mean(0), "i", "j"), "H_closed_form": shared(D["H"], "i", "j"),
            "H_stderr": shared(est.std(0) / math.sqrt(S), "i", "j")}


H_mc, H_cf = sp.symbols("H_monte_carlo H_closed_form")

closed_form = Claim(
    id="du2019.gram_closed_form",
    title="H^∞ closed form x_iᵀx_j(π − arccos x_iᵀx_j)/(2π) equals the expectation E_w[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}]",
    citation=cite("Sec. 3, definition of H^∞ (closed form derived)", "derived",
                  "the angle between x_i and x_j is split by a uniformly random hyperplane"),
    kind=Kind.EXACT,
    statement=sp.Eq(H_mc, H_cf),
    premises=lambda p: sphere_data(max_n=p.pick(8, 16, 64), max_d=p.pick(8, 16, 64), max_coherence=0.9,
                                   M=st.sampled_from([1024, 4096, p.pick(16384, 16384, 65536)])),
    run=run_closed_form,
    tolerance=Tolerance(stderr="H_stderr", z=6.0, atol=1e-12,
                        reason="Monte Carlo over S·M draws: 6 standard errors per entry (two-sided p ≈ 2e-9, "
                               "≤ 1e-5 per example after a union bound over ≤ 4096 entries); 1e-12 for round-off"),
    seeds=64,
    symbols={**SYMBOLS, "H_monte_carlo": "Monte Carlo estimate of H^∞ (S seeds × M draws of w)",
             "H_closed_form": "the closed form", "M": "draws of w per seed"},
    given="w ~ N(0, I_d); ‖x_i‖ = 1",
    # a check of impl.two_layer.gram_infinity (the closed form is derived, not stated in the paper), against an
    # independent reference: Monte Carlo through gram_w, which shares no code with the closed form
    role="check",
)


def run_lambda0(inst: Instance) -> dict[str, Any]:
    D = _data(inst)
    return {"lambda0": D["lambda0"]}


_EIG_FLOOR = 1e-11  # eigvalsh backward error ≤ n·ε·‖H‖₂ ≤ 128·2.2e-16·64 ≈ 1.8e-12 for n ≤ 128 (thorough); 5× margin

lambda0_positive = Claim(
    id="du2019.lambda0_positive",
    title="No two inputs parallel ⇒ λ₀ = λ_min(H^∞) > 0",
    citation=cite("Theorem 3.1"),
    kind=Kind.EXACT,
    statement=sp.Gt(lambda0, 0),
    premises=lambda p: sphere_data(max_n=p.pick(16, 32, 128), max_d=p.pick(8, 16, 64), max_coherence=0.95),
    run=run_lambda0,
    tolerance=Tolerance(atol=_EIG_FLOOR, reason="λ₀ must exceed the eigvalsh noise floor n·ε·‖H‖ ≤ 1.8e-12 (n ≤ 128; "
                                                "5× margin) to count as positive"),
    seeds=1,
    symbols=SYMBOLS,
    given="‖x_i‖ = 1 and x_i ∦ x_j for i ≠ j (random inputs, pushed together by the coherence knob)",
    tightness=Tightness(_EIG_FLOOR / lambda0, "the round-off floor 1e-11 over λ₀ (1: λ₀ at the floor; the search "
                                              "pushes the inputs together to shrink λ₀)"),
)

duplicate_input = control(
    lambda0_positive,
    name="lambda0_duplicate_control",
    premises=lambda p: sphere_data(max_n=p.pick(16, 32, 128), max_d=p.pick(8, 16, 64), duplicate=st.just(True)),
    broken="no two inputs parallel (x_1 = x_0 duplicated)",
    title="Control of Thm 3.1: a duplicated input (x_1 = x_0) makes H^∞ singular, λ₀ = 0",
)


# Antipodal inputs. H^∞_ij = E_w[φ(x_i)·φ(x_j)] with the feature φ(x)(w) = x·1{wᵀx ≥ 0}, and φ(x) − φ(−x) = x for
# almost every w. So k antipodal pairs ±v_1, …, ±v_k give Σ_j c_j(φ(v_j) − φ(−v_j)) = Σ_j c_j v_j, which vanishes
# for some c ≠ 0 exactly when the directions v_j are linearly dependent: then H^∞ is singular (λ₀ = 0). Conversely
# (no other parallel inputs, so the hyperplanes wᵀx = 0 differ and each carries its own jump of φ), a combination
# Σ c_i φ(x_i) = 0 needs c = 0 off the pairs and c_{+j} = −c_{−j} on them, hence Σ_j c_j v_j = 0: with independent
# directions λ₀ > 0 [derived]. One pair is always independent. The first encoding tried one pair only and called the
# premise "stronger than needed"; with ±e₁, ±e₂, ±(e₁+e₂)/√2 in d = 2 it is not (issue 15).

def antipodal_inputs(*, pairs: int, others: int, d: int, span: int, coherence: float,
                     generator: torch.Generator, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """Unit inputs (2·pairs + others, d): rows 2j, 2j+1 are v_j, −v_j with the directions v_j drawn in a random
    ``span``-dimensional subspace (linearly independent iff span ≥ pairs), then ``others`` random inputs."""
    basis, _ = torch.linalg.qr(torch.randn(d, span, generator=generator, dtype=dtype))  # (d, span), orthonormal
    v = torch.randn(pairs, span, generator=generator, dtype=dtype) @ basis.T
    v = v / torch.linalg.vector_norm(v, dim=-1, keepdim=True)
    rows = torch.stack([v, -v], dim=1).reshape(2 * pairs, d)
    if others:
        rows = torch.cat([rows, tl.sphere_inputs(others, d, generator=generator, coherence=coherence, dtype=dtype)])
    return rows.to(device)


def antipodal_premises(p: Profile, *, dependent: bool) -> st.SearchStrategy[dict[str, Any]]:
    """Pairs of antipodal inputs, more random inputs, and extra dimensions; n = 2·pairs + others ≤ 16 in ci."""
    return st.fixed_dictionaries({
        "pairs": st.integers(3 if dependent else 1, p.pick(4, 8, 32)),
        "others": st.integers(0, p.pick(8, 16, 64)),
        "d_extra": st.integers(0, p.pick(4, 8, 32)),
        "coherence": st.floats(0.0, 0.5, allow_nan=False),
        "dependent": st.just(dependent),
        "seed": st.integers(0, 2**20),
    })


def run_lambda0_antipodal(inst: Instance) -> dict[str, Any]:
    """λ₀ of antipodal pairs whose directions span pairs (independent) or pairs − 1 (dependent) dimensions."""
    p = inst.premises
    span = p["pairs"] - 1 if p["dependent"] else p["pairs"]
    # d ≥ 2: in d = 1 every further input would be parallel to the pair (the characterization assumes it is not)
    X = antipodal_inputs(pairs=p["pairs"], others=p["others"], d=max(2, span + p["d_extra"]), span=span,
                         coherence=p["coherence"], generator=inst.generator(0), dtype=inst.dtype, device=inst.device)
    return {"lambda0": float(torch.linalg.eigvalsh(tl.gram_infinity(X))[0])}


antipodal_input = Claim(
    id="du2019.lambda0_antipodal",
    title="Antipodal pairs x, −x whose directions are linearly independent keep λ₀ > 0 (one pair always does); "
          "dependent directions do not (the control below): Thm 3.1's 'non-parallel' can be relaxed only that far",
    citation=cite("Theorem 3.1 (the antipodal case derived)", "derived",
                  "φ(x) − φ(−x) = x for the feature φ(x)(w) = x·1{wᵀx ≥ 0} of H^∞: see the comment above"),
    kind=Kind.EXACT,
    statement=sp.Gt(lambda0, 0),
    premises=lambda p: antipodal_premises(p, dependent=False),
    run=run_lambda0_antipodal,
    tolerance=lambda0_positive.tolerance,
    seeds=1,
    symbols={**SYMBOLS, "pairs": "number of antipodal pairs", "others": "further random inputs",
             "d_extra": "d minus the dimension the pair directions span"},
    given="1 to 4 antipodal pairs with directions drawn in general position (independent), plus random inputs",
    # our derivation, not a statement of the paper; it also checks gram_infinity's exact θ = π branch
    role="check",
)

antipodal_dependent = control(
    lambda0_positive,
    name="lambda0_antipodal_dependent_control",
    premises=lambda p: antipodal_premises(p, dependent=True),
    run=run_lambda0_antipodal,
    broken="no two inputs parallel (here k ≥ 3 antipodal pairs x, −x whose k directions lie in a (k − 1)-dimensional "
           "subspace, e.g. ±e₁, ±e₂, ±(e₁ + e₂)/√2 in d = 2)",
    title="Control of Thm 3.1: antipodal pairs with linearly dependent directions make H^∞ singular (λ₀ = 0): "
          "antipodal inputs count as parallel",
)


def run_init_gram(inst: Instance) -> dict[str, Any]:
    """‖H(0) − H^∞‖₂ and λ_min(H(0)) for S initializations at width m."""
    D = _data(inst)
    p = inst.premises
    H0 = tl.init_gram(p["m"], p["d"], inst.seeds, D["X"], dtype=inst.dtype, device=inst.device)  # chunked: dev's m
    diff = torch.linalg.matrix_norm(H0 - D["H"], ord=2)
    return {"op_norm_error": per_seed(diff), "lambda_min_H0": per_seed(tl.lambda_min(H0)), "lambda0": D["lambda0"],
            "n": p["n"], "m": p["m"], "delta": DELTA}


init_gram_concentration = Claim(
    id="du2019.init_gram_concentration",
    title="Lemma 3.1, explicit: w.p. ≥ 1 − δ, ‖H(0) − H^∞‖₂ ≤ n·sqrt(log(2n²/δ)/(2m))",
    citation=cite("Lemma 3.1 (explicit constant derived)", "derived",
                  "Hoeffding per entry, union bound over n² entries, ‖·‖₂ ≤ ‖·‖_F"),
    kind=Kind.PROBABILISTIC,
    statement=sp.Le(op_err, n * sp.sqrt(sp.log(2 * n**2 / delta) / (2 * m))),
    premises=lambda p: sphere_data(max_n=p.pick(12, 32, 128), max_d=p.pick(8, 16, 64), max_coherence=0.9,
                                   m=st.integers(1, p.pick(1024, 4096, 16384))),
    run=run_init_gram,
    tolerance=Tolerance(rtol=1e-10, reason="float64 round-off of an n×n spectral norm"),
    delta=DELTA,
    symbols={**SYMBOLS, "op_norm_error": "‖H(0) − H^∞‖₂"},
    tightness=Tightness(op_err / (n * sp.sqrt(sp.log(2 * n**2 / delta) / (2 * m))),
                        "‖H(0) − H^∞‖₂ over the Hoeffding bound n·sqrt(log(2n²/δ)/(2m))"),
)


def _width_ladder(sizes: Mapping[str, Any]):
    def ladder(premises: Mapping[str, Any], profile: Profile) -> list[int]:
        return list(profile.pick(*sizes["ladders"]))
    return ladder


init_lambda_min = Claim(
    id="du2019.init_lambda_min",
    title="Lemma 3.1: m = Ω(n² log(n/δ)/λ₀²) ⇒ w.p. ≥ 1 − δ, ‖H(0) − H^∞‖₂ ≤ λ₀/4 and λ_min(H(0)) ≥ ¾λ₀",
    citation=cite("Lemma 3.1"),
    kind=Kind.ASYMPTOTIC,
    statement=sp.And(sp.Le(op_err, lambda0 / 4), sp.Ge(lam_h0, sp.Rational(3, 4) * lambda0)),
    # ci: n ≤ 6 and d ≥ 3 keep (4n/λ₀)² within the ladder's 65536 for most draws
    premises=lambda p: sphere_data(max_n=p.pick(6, 16, 64), min_d=p.pick(3, 2, 2), max_d=p.pick(8, 16, 64),
                                   max_coherence=p.pick(0.5, 0.6, 0.6)),
    run=run_init_gram,
    tolerance=Tolerance(rtol=1e-10, reason="float64 round-off of n×n eigenvalues"),
    delta=DELTA,
    regime=Regime(
        size="m",
        ladder=_width_ladder({"ladders": ([16, 64, 256, 1024, 4096, 16384, 65536],
                                          [16, 64, 256, 1024, 4096, 16384, 65536, 262144],
                                          [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576])}),
        practical=16 * n**2 / lambda0**2,
        theory=n**2 * sp.log(n / delta) / lambda0**2,
        note="ours: m ≥ 16n²/λ₀² = (4n/λ₀)², the theorem's scaling with its log(n/δ) replaced by 16: the entries of "
             "H(0) − H^∞ fluctuate together, so ‖H(0) − H^∞‖₂ ≈ n/(2√m) (measured; at m = n²/λ₀² it failed for "
             "40% of seeds); the explicit Hoeffding version (init_gram_concentration) makes "
             "m ≥ 8n²log(2n²/δ)/λ₀² sufficient",
    ),
    symbols=SYMBOLS,
    figures=(),
    tightness=Tightness(op_err / (lambda0 / 4), "‖H(0) − H^∞‖₂ over λ₀/4, at the widths of the practical regime"),
)


def run_lemma31_constant_one(inst: Instance) -> dict[str, Any]:
    """Lemma 3.1's conclusion at m = ⌈n²/λ₀²⌉ (its scaling with the hidden constant 1 and no log): the fraction of
    the S seeds for which ‖H(0) − H^∞‖₂ ≤ λ₀/4 or λ_min(H(0)) ≥ ¾λ₀ fails."""
    D = _data(inst)
    p = inst.premises
    width = math.ceil(p["n"] ** 2 / D["lambda0"] ** 2)
    H0 = tl.init_gram(width, p["d"], inst.seeds, D["X"], dtype=inst.dtype, device=inst.device)
    err = torch.linalg.matrix_norm(H0 - D["H"], ord=2)
    failed = (err > D["lambda0"] / 4) | (tl.lambda_min(H0) < 0.75 * D["lambda0"])
    # one number per example, pooled over the S seeds (a shared constant, not a per-seed value)
    return {"failed_fraction": float(failed.to(inst.dtype).mean()), "delta": DELTA, "m": width}


failed_fraction = sp.Symbol("failed_fraction")

init_lambda_min_constant_one = Claim(
    id="du2019.init_lambda_min_constant_one",
    title="Finding: at m = n²/λ₀² (Lemma 3.1's scaling with constant 1, log omitted) the lemma's conclusion fails for "
          "more than δ of the seeds — why init_lambda_min's practical regime uses 16n²/λ₀²",
    citation=cite("Lemma 3.1 (our measurement at the scaling's constant 1)", "derived",
                  "init_lambda_min's practical constant 16 was chosen after this setting failed (40% of seeds)"),
    kind=Kind.EXACT,
    statement=sp.Gt(failed_fraction, delta),
    premises=init_lambda_min.premises,
    run=run_lemma31_constant_one,
    tolerance=Tolerance(reason="none: a count of seeds against δ"),
    seeds=64,
    symbols={**SYMBOLS, "failed_fraction": "fraction of the S seeds for which Lemma 3.1's conclusion failed at "
                                           "m = ⌈n²/λ₀²⌉"},
    given="the data of init_lambda_min; m = ⌈n²/λ₀²⌉; S = 64 seeds per example",
    role="finding",
)


def run_ball_certificate(inst: Instance) -> dict[str, Any]:
    """Certified sup over the ball ‖w_r − w_r(0)‖ ≤ R of Σ_ij |H_ij(W) − H_ij(0)| (≥ ‖H(W) − H(0)‖₂)."""
    D = _data(inst)
    W, _ = _init(inst)
    return {"flip_certificate": per_seed(tl.flip_certificate(W, D["X"], radius=_ball_radius(inst, D))),
            "lambda0": D["lambda0"]}


LEMMA32_C = math.sqrt(2 * math.pi) / 16  # Du et al. 2019, Lemma 3.2: R = cδλ₀/n², c from the proof (derived)

gram_stability_ball = Claim(
    id="du2019.gram_stability_ball",
    title="Lemma 3.2: w.p. ≥ 1 − δ, every W with ‖w_r − w_r(0)‖ ≤ R = √(2π)δλ₀/(16n²) has ‖H(W) − H(0)‖₂ ≤ λ₀/4",
    citation=cite("Lemma 3.2", "derived",
                  "c = √(2π)/16 derived from the proof: P(|w_r(0)ᵀx_i| < R) ≤ 2R/√(2π), then Markov"),
    kind=Kind.PROBABILISTIC,
    statement=sp.Le(cert, lambda0 / 4),
    premises=lambda p: sphere_data(max_n=p.pick(12, 32, 128), max_d=p.pick(8, 16, 64), max_coherence=0.9,
                                   m=st.integers(1, p.pick(512, 4096, 65536))),
    run=run_ball_certificate,
    tolerance=Tolerance(rtol=1e-12, reason="float64 round-off; the certificate is a sum of counts"),
    delta=DELTA,
    # Markov's inequality is nearly tight here at small m (the certificate is 0 or jumps past λ₀/4 when one
    # pattern becomes flippable), so deciding "rate ≤ δ" needs many seeds; the certificate is cheap.
    seeds=2048,
    symbols={**SYMBOLS, "flip_certificate": "certified bound, valid for every W in the ball at once, on "
                                            "Σ_ij |H_ij(W) − H_ij(0)|: only patterns with |w_r(0)ᵀx_i| ≤ R can flip"},
    given="certified over the whole ball, not only sampled points",
    tightness=Tightness(cert / (lambda0 / 4), "the certified bound on ‖H(W) − H(0)‖ over the ball, over λ₀/4"),
)



def run_ball_lambda(inst: Instance) -> dict[str, Any]:
    """λ_min(H(0)) minus the ball certificate: by Weyl, a lower bound on λ_min(H(W)) valid for every W in the ball."""
    D = _data(inst)
    W, _ = _init(inst)
    certified = tl.lambda_min(tl.gram_w(W, D["X"])) - tl.flip_certificate(W, D["X"], radius=_ball_radius(inst, D))
    return {"lambda_min_ball": per_seed(certified), "lambda0": D["lambda0"], "n": inst.premises["n"], "delta": DELTA}


lam_ball = sp.Symbol("lambda_min_ball")

gram_stability_ball_lambda = Claim(
    id="du2019.gram_stability_ball_lambda",
    title="Lemma 3.2 (second conclusion): w.p. ≥ 1 − δ, every W with ‖w_r − w_r(0)‖ ≤ R = √(2π)δλ₀/(16n²) has "
          "λ_min(H(W)) > λ₀/2 (certified over the whole ball)",
    citation=cite("Lemma 3.2", "derived",
                  "the second conclusion rests on Lemma 3.1 (λ_min(H(0)) ≥ ¾λ₀ at large m) and the first (‖H(W) − H(0)‖₂ "
                  "< λ₀/4); certified here by Weyl: λ_min(H(W)) ≥ λ_min(H(0)) − ‖H(W) − H(0)‖₂ ≥ λ_min(H(0)) − the ball "
                  "certificate"),
    kind=Kind.ASYMPTOTIC,
    statement=sp.Gt(lam_ball, lambda0 / 2),
    premises=init_lambda_min.premises,
    run=run_ball_lambda,
    tolerance=Tolerance(rtol=1e-10, reason="float64 round-off of n×n eigenvalues and of a sum of counts"),
    delta=DELTA,
    # the lemma's width is Lemma 3.1's (its second conclusion needs λ_min(H(0)) ≥ ¾λ₀ first): the same declared regime
    regime=replace(init_lambda_min.regime, note="ours, init_lambda_min's: m ≥ 16n²/λ₀² (the second conclusion needs "
                                                "Lemma 3.1's λ_min(H(0)) ≥ ¾λ₀; the ball adds < λ₀/4 there)"),
    symbols={**SYMBOLS, "lambda_min_ball": "λ_min(H(0)) minus the certified bound on ‖H(W) − H(0)‖₂ over the ball: a "
                                           "lower bound on λ_min(H(W)) for every W in it"},
    given="certified over the whole ball (Weyl's inequality and the flip certificate), not only sampled points",
    tightness=Tightness((lambda0 / 2) / lam_ball, "λ₀/2 over the certified λ_min(H(W)) on the ball (1: the ball's "
                                                 "worst W sits at λ₀/2)"),
)

# Lemma 4.1: Σ_i |S_i^⊥| ≤ CmnR/δ w.p. ≥ 1 − δ. C derived as Lemma 3.2's c: w_r(0)ᵀx_i ~ N(0, 1) for unit x_i, so
# P(|w_r(0)ᵀx_i| ≤ R) ≤ 2R/√(2π) = √(2/π)R (the density is at most 1/√(2π)), E Σ_i |S_i^⊥| ≤ √(2/π)mnR, then Markov.
LEMMA41_C = math.sqrt(2 / math.pi)
flippable, radius_sym = sp.symbols("flippable_patterns R")


def run_flip_count(inst: Instance) -> dict[str, Any]:
    """Σ_i |S_i^⊥| = #{(i, r) : |w_r(0)ᵀx_i| ≤ R} per seed, R = Lemma 3.2's radius cδλ₀/n² (the ball of Section 4);
    the premise ``init_scale`` (1 unless a control breaks it) multiplies w_r(0) ~ N(0, I)."""
    D = _data(inst)
    p = inst.premises
    radius = _ball_radius(inst, D)
    W, _ = _init(inst)
    W = W * p.get("init_scale", 1.0)
    return {"flippable_patterns": per_seed(tl.flippable_patterns(W, D["X"], radius=radius)), "R": radius,
            "m": p["m"], "n": p["n"], "delta": DELTA, "lambda0": D["lambda0"]}


flip_count = Claim(
    id="du2019.flip_count",
    title="Lemma 4.1: w.p. ≥ 1 − δ over the initialization, the patterns that can flip in the ball number "
          "Σ_i |S_i^⊥| ≤ √(2/π)·mnR/δ (R = Lemma 3.2's radius)",
    citation=cite("Lemma 4.1", "recalled",
                  "the inequality is hidden in the copy read (number and 'for some positive constant C' read); "
                  "C = √(2/π) derived from the proof's anti-concentration P(|w_r(0)ᵀx_i| ≤ R) ≤ 2R/√(2π) and Markov"),
    kind=Kind.PROBABILISTIC,
    statement=sp.Le(flippable, LEMMA41_C * m * n * radius_sym / delta),
    premises=gram_stability_ball.premises,
    run=run_flip_count,
    tolerance=Tolerance(reason="exact: an integer count against the bound (its float64 round-off, 1e-16 relative, "
                               "meets an integer only on a tie of probability 0)"),
    delta=DELTA,
    recalled=("Lemma 4.1's inequality Σ_i |S_i^⊥| ≤ CmnR/δ (the formula is hidden in the copy read)",),
    # as gram_stability_ball: Markov is nearly tight where the count is 0 or 1 (small mnR), so deciding "rate ≤ δ"
    # needs many seeds; the count is one comparison per (seed, i, r)
    seeds=2048,
    symbols={**SYMBOLS, "flippable_patterns": "Σ_i |S_i^⊥| = #{(i, r) : |w_r(0)ᵀx_i| ≤ R}: exactly the patterns "
                                              "some W in the ball ‖w_r − w_r(0)‖ ≤ R flips",
             "R": "the ball's radius, Lemma 3.2's R = √(2π)δλ₀/(16n²)"},
    given="S = 2048 initializations per example; R = Lemma 3.2's radius (the ball Section 4 works in)",
    tightness=Tightness(flippable / (LEMMA41_C * m * n * radius_sym / delta),
                        "Σ_i |S_i^⊥| over its bound √(2/π)mnR/δ"),
)

flip_count_concentrated_init = control(
    flip_count,
    name="flip_count_concentrated_init_control",
    kind=Kind.PROBABILISTIC,
    premises=lambda p: sphere_data(max_n=p.pick(12, 32, 128), max_d=p.pick(8, 16, 64), max_coherence=0.5,
                                   m=st.integers(1, p.pick(512, 4096, 65536)), init_scale=st.just(1e-12)),
    broken="w_r(0) ~ N(0, I) (here N(0, 10⁻²⁴I): the anti-concentration P(|w_r(0)ᵀx_i| ≤ R) ≤ √(2/π)R fails; every "
           "|w_r(0)ᵀx_i| is ≲ 10⁻¹¹ < R, so all mn patterns can flip while the bound √(2/π)mnR/δ < mn for R < 0.125)",
    title="Control of Lemma 4.1: with the initialization concentrated at 0 every pattern can flip, far above "
          "√(2/π)mnR/δ",
)


def run_init_residual(inst: Instance) -> dict[str, Any]:
    """Mean of ‖y − u(0)‖² over S initializations, with its standard error."""
    D = _data(inst)
    W, a = _init(inst)
    r = ((tl.predict(W, a, D["X"]) - D["y"]) ** 2).sum(-1)  # (S,)
    S = r.shape[0]
    # the mean over the seeds is one number (a 0-d constant), not a per-seed value
    return {"mean_residual_sq_0": r.mean(), "residual_se": r.std() / math.sqrt(S),
            "y_norm_sq": float((D["y"] ** 2).sum()), "n": inst.premises["n"]}


init_residual = Claim(
    id="du2019.init_residual",
    title="E‖y − u(0)‖² = ‖y‖² + n/2 at any width",
    citation=cite("Sec. 3, proof of Thm 3.2 (E‖y − u(0)‖² before Markov's inequality; the identity derived)", "derived",
                  "E u_i(0) = 0 and E u_i(0)² = E relu(g)² = ½ for g ~ N(0, 1)"),
    kind=Kind.EXACT,
    statement=sp.Eq(mean_res0, ynorm + n / 2),
    premises=lambda p: sphere_data(max_n=p.pick(16, 64, 256), max_d=p.pick(8, 16, 64), max_coherence=0.9,
                                   m=st.integers(1, p.pick(256, 1024, 4096)),
                                   label_scale=st.floats(0.0, 3.0)),
    run=run_init_residual,
    tolerance=Tolerance(stderr="residual_se", z=5.0,
                        reason="Monte Carlo mean over S seeds: 5 standard errors, a false alarm has probability "
                               "≈ 6e-7 per example under the CLT"),
    seeds=512,
    symbols={**SYMBOLS, "mean_residual_sq_0": "mean over seeds of ‖y − u(0)‖²", "y_norm_sq": "‖y‖²"},
    # a property of our initialization (E u_i(0) = 0, E u_i(0)² = ½), checked against its closed form
    role="check",
)


# ---------------------------------------------------------------------------------------------
# gradient flow (Thm 3.2, Lemma 3.3, Thm 3.3) and gradient descent (Thm 4.1, Cor 4.1)
# ---------------------------------------------------------------------------------------------

FLOW_HORIZON = 4.0  # t_end = 4/λ₀: the bound e^{−λ₀t} falls to e^{−4} ≈ 1.8e-2 of the start
FLOW_STEPS_PER_UNIT = 16.0  # RK4 steps per unit of t·λ_max(H^∞); see FLOW_TOL
FLOW_MAX_STEPS = 20000
FLOW_TOL = Tolerance(
    rtol=2e-2,
    reason="RK4 through activation-pattern flips converges at first order: halving h from 8 to 16 steps per unit "
           "of t·λ_max(H^∞) changed the final residual by ≤ 7e-3 relative (measured, n = 8), so the error at 16 "
           "steps is ≈ 7e-3; 2e-2 leaves ≈ 3× margin (the distance bound is far looser than this)",
)


def _flow(inst: Instance, *, train_a: bool, track_lambda: bool, track_kernel: bool = False,
          data: Mapping[str, Any] | None = None,
          init: tuple[torch.Tensor, torch.Tensor] | None = None) -> tuple[Mapping[str, Any], tl.Trajectory]:
    """The RK4 flow of the instance to t = 4/λ₀; ``data`` (:func:`_data`) and ``init`` (:func:`_init`) where the caller
    has them already."""
    D = _data(inst) if data is None else data
    W, a = _init(inst) if init is None else init
    t_end = FLOW_HORIZON / D["lambda0"]
    steps = int(max(50, math.ceil(FLOW_STEPS_PER_UNIT * t_end * D["lambda_max"])))
    # Never silently coarsen the grid below the tolerance's basis: data this ill-conditioned
    # (λ_max/λ₀ large, rare within the premises) is rejected and Hypothesis draws another instance.
    assume(steps <= FLOW_MAX_STEPS)
    tr = tl.flow_trajectory(W, a, D["X"], D["y"], t_end=t_end, steps=steps, train_a=train_a,
                            track_lambda=track_lambda, track_kernel=track_kernel)
    return D, tr


def run_flow_rate(inst: Instance, *, train_a: bool = False) -> dict[str, Any]:
    D, tr = _flow(inst, train_a=train_a, track_lambda=False)
    # t = 0 is an identity (both sides equal ‖y − u(0)‖²), so checking starts at the first grid point
    return {"residual_sq": per_seed(tr.residual_sq[:, 1:], "t"), "residual_sq_0": per_seed(tr.residual_sq[:, 0]),
            "t": shared(tr.time[1:], "t"), "lambda0": D["lambda0"], "lambda_max": D["lambda_max"],
            "n": inst.premises["n"], "delta": DELTA, "y_norm_sq": float((D["y"] ** 2).sum())}


def _flow_premises(p: Profile, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    # ci keeps d ≥ 3 and n ≤ 6: tiny λ₀ (n points on a circle) needs widths and horizons beyond a CPU budget
    return sphere_data(max_n=p.pick(6, 16, 64), min_d=p.pick(3, 3, 2), max_d=p.pick(8, 16, 64),
                       max_coherence=p.pick(0.5, 0.6, 0.8), **extra)


FLOW_LADDERS = ([4, 16, 64, 128], [4, 16, 64, 256, 1024], [16, 64, 256, 1024, 4096])
# tightness of a rate over the whole run: the bound's decay exponent over the measured one at the last grid point
FLOW_RATE_TIGHTNESS = Tightness(-lambda0 * t / sp.log(res_t / res_0),
                                "λ₀t over ln(‖y − u(0)‖²/‖y − u(t)‖²) at the end of the run (bound's exponent / "
                                "measured)",
                                reduce="last")
# Declared practical regime for the rate claims (ours, not the paper's): below 64 units the finite-width
# fluctuation of H(0) (Lemma 3.1: ‖H(0) − H^∞‖₂ ~ n/√m) breaks the rate at every n we can run (the ci search
# found n = 2, m = 16 failing 5 of 32 seeds), above it the width needed grew no faster than n/λ₀. That setting is kept
# as the finding du2019.gf_rate_below_floor.
RATE_PRACTICAL = sp.Max(64, 2 * n / lambda0)
THM_WIDTH = n**6 / (lambda0**4 * delta**3)  # the width scaling of Thms 3.2 and 4.1, hidden constants set to 1


def rate_regime(ladders: tuple[list[int], list[int], list[int]], note: str, *, theory: sp.Expr = THM_WIDTH,
                **explicit: Any) -> Regime:
    """The rate claims' declared regime m ≥ RATE_PRACTICAL (ours) on the profile's ladder of ``ladders``. What varies:
    the ladder, the ``note``, the theory column (default THM_WIDTH) and the proof's ``explicit`` width with its note."""
    return Regime(size="m", ladder=_width_ladder({"ladders": ladders}), practical=RATE_PRACTICAL, theory=theory,
                  note=note, **explicit)


# The width at which the proof of Thm 3.2 closes, with its constants (derived; the paper hides them in Ω(·)). Three
# events, each given δ/3 so that their union fails with probability ≤ δ:
#   Lemma 3.1 (Hoeffding per entry + union bound, init_gram_concentration): m ≥ 8n²·log(2n²/(δ/3))/λ₀²;
#   Markov on E‖y − u(0)‖² = ‖y‖² + n/2 (init_residual): ‖y − u(0)‖² ≤ 3(‖y‖² + n/2)/δ;
#   Lemma 3.4's R′ < R with R′ = 2√n‖y − u(0)‖/(√m λ₀) (Lemma 3.3) and R = c(δ/3)λ₀/n², c = √(2π)/16 (Lemma 3.2):
#   m > 4n⁵‖y − u(0)‖²/(c²(δ/3)²λ₀⁴) ≥ 4n⁵·3(‖y‖² + n/2)·9/(c²δ³λ₀⁴).
y_norm_sq = sp.Symbol("y_norm_sq")
PROOF_WIDTH_FLOW = sp.Max(8 * n**2 * sp.log(6 * n**2 / delta) / lambda0**2,
                          108 * n**5 * (y_norm_sq + n / 2) / (sp.Rational(2, 256) * sp.pi * delta**3 * lambda0**4))
PROOF_WIDTH_NOTE = ("derived from the proof of Thm 3.2, each of three events at δ/3: Lemma 3.1 by Hoeffding and a union "
                    "bound (m ≥ 8n²log(6n²/δ)/λ₀²), Markov on E‖y − u(0)‖² = ‖y‖² + n/2, and Lemma 3.4's R′ < R with "
                    "R′ = 2√n‖y − u(0)‖/(√m λ₀) and Lemma 3.2's R = c(δ/3)λ₀/n², c = √(2π)/16: "
                    "m > 108n⁵(‖y‖² + n/2)/(c²δ³λ₀⁴)")

def small_width_control(parent: Claim, *, name: str, min_n: int, max_n: tuple[int, int, int], broken: str, title: str,
                        min_d: int = 3, **extra: st.SearchStrategy[Any]) -> Claim:
    """A width control: the parent's conclusion, decided as EXACT, at m ≤ 2 hidden units on n ≥ ``min_n`` samples
    (n ≤ ``max_n`` per profile) in d ≤ 3 dimensions with coherence ≤ 0.3, where the network cannot fit the data (its
    kernel has rank ≤ d·m < n). What varies: the parent, the control's id ``name``, the sizes (``min_n``, ``max_n``,
    ``min_d``), premises ``extra`` the parent's run needs (a step size), ``broken`` and the title."""
    return control(
        parent,
        name=name,
        kind=Kind.EXACT,
        premises=lambda p: sphere_data(min_n=min_n, max_n=p.pick(*max_n), min_d=min_d, max_d=3, max_coherence=0.3,
                                       **extra, m=st.integers(1, 2)),
        broken=broken,
        title=title,
    )


FLOW_RATE_FIGURE = Figure("‖y − u(t)‖² against the envelope e^{−λ₀t}‖y − u(0)‖² (largest width)", x="t",
                          ys=("lhs", "rhs"), xlabel="t", ylabel="‖y − u‖²", logy=True, styles=("line", "dashed"))


def flow_rate_claim(*, name: str, title: str, citation: Citation, regime: Regime, symbols: Mapping[str, str],
                    train_a: bool = False, recalled: tuple[str, ...] = ()) -> Claim:
    """A linear rate of gradient flow, ‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖² for wide m w.p. ≥ 1 − δ (Thm 3.2, first layer
    trained; Thm 3.3, ``train_a``: both layers): ASYMPTOTIC on the RK4 flow of :func:`run_flow_rate`, FLOW_TOL, δ =
    DELTA, 32 seeds, half the profile's examples, FLOW_RATE_TIGHTNESS and FLOW_RATE_FIGURE. What varies: the id
    ``name``, title, citation, the regime (the theorem's width), the symbols, which layers train, what is recalled."""
    return Claim(
        id=f"du2019.{name}",
        title=title,
        citation=citation,
        kind=Kind.ASYMPTOTIC,
        statement=sp.Le(res_t, sp.exp(-lambda0 * t) * res_0),
        premises=lambda p: _flow_premises(p),
        run=(lambda inst: run_flow_rate(inst, train_a=True)) if train_a else run_flow_rate,
        tolerance=FLOW_TOL,
        delta=DELTA,
        regime=regime,
        recalled=recalled,
        symbols=symbols,
        figures=(FLOW_RATE_FIGURE,),
        examples_scale=0.5,
        seeds=32,
        tightness=FLOW_RATE_TIGHTNESS,
    )


gf_rate = flow_rate_claim(
    name="gf_linear_rate",
    title="Thm 3.2: m = Ω(n⁶/(λ₀⁴δ³)) ⇒ w.p. ≥ 1 − δ, ‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖² for all t (gradient flow)",
    citation=cite("Theorem 3.2"),
    regime=rate_regime(FLOW_LADDERS, "ours: m ≥ max(64, 2n/λ₀), t ≤ 4/λ₀ on the RK4 grid",
                       explicit=PROOF_WIDTH_FLOW, explicit_note=PROOF_WIDTH_NOTE),
    symbols={**SYMBOLS, "y_norm_sq": "‖y‖²"},
)

gf_rate_small_width = small_width_control(
    gf_rate,
    name="gf_rate_small_width_control",
    min_n=6,
    max_n=(8, 8, 8),
    broken="m large (here m ≤ 2 hidden units for n ≥ 6 samples)",
    title="Control of Thm 3.2: with m ≤ 2 the flow cannot fit n ≥ 6 points and the rate e^{−λ₀t} fails",
)


FLOOR_PANEL = 4  # data sets per example of the below-floor finding, each with S seeds (pooled: ≈ 256 runs)


def run_flow_below_floor(inst: Instance) -> dict[str, Any]:
    """Gradient flow at n = 2, m = 16 (below RATE_PRACTICAL's floor of 64) on FLOOR_PANEL data sets: the fraction of
    all runs that leave the envelope e^{−λ₀t}‖y − u(0)‖² (FLOW_TOL's allowance) somewhere on [0, 4/λ₀]."""
    failed, total = 0, 0
    for j in range(FLOOR_PANEL):
        sub = replace(inst, premises={**inst.premises, "seed": inst.premises["seed"] * FLOOR_PANEL + j})
        out = run_flow_rate(sub)
        res, res0, time_ = out["residual_sq"].data, out["residual_sq_0"].data, out["t"].data
        envelope = torch.exp(-out["lambda0"] * time_) * res0[:, None]
        left = (res > envelope * (1 + FLOW_TOL.rtol)).any(1)
        failed, total = failed + int(left.sum()), total + left.numel()
    return {"failed_fraction": failed / total}


gf_rate_below_floor = Claim(
    id="du2019.gf_rate_below_floor",
    title="Finding: below the rate claims' width floor (m = 16 < 64, n = 2) gradient flow leaves the envelope "
          "e^{−λ₀t}‖y − u(0)‖² for some seeds — the failure that set the floor",
    citation=cite("Theorem 3.2 (our measurement below the practical regime)", "derived",
                  "RATE_PRACTICAL's floor of 64 was set after the ci search found n = 2, m = 16 failing 5 of 32 seeds"),
    kind=Kind.EXACT,
    statement=sp.Gt(failed_fraction, 0),
    premises=lambda p: sphere_data(min_n=2, max_n=2, min_d=3, max_d=8, max_coherence=0.5, m=st.just(16)),
    run=run_flow_below_floor,
    tolerance=Tolerance(reason="none: a count of runs that left the envelope (each run itself with FLOW_TOL's 2e-2)"),
    seeds=64,
    examples_scale=0.25,
    symbols={**SYMBOLS, "failed_fraction": f"fraction of {FLOOR_PANEL} data sets × S seeds whose flow left the "
                                           "envelope (pooled); measured ≈ 2–17% per data set, around δ = 0.1"},
    given=f"n = 2, m = 16, {FLOOR_PANEL} data sets per example × 64 seeds, the flow of gf_linear_rate",
    role="finding",
)


def run_lemma33(inst: Instance) -> dict[str, Any]:
    D, tr = _flow(inst, train_a=False, track_lambda=True)
    assert tr.lambda_min_h is not None
    lam_path = torch.cummin(tr.lambda_min_h, dim=1).values  # min over s ≤ t of λ_min(H(s)) on the grid
    return {"residual_sq": per_seed(tr.residual_sq[:, 1:], "t"), "residual_sq_0": per_seed(tr.residual_sq[:, 0]),
            "t": shared(tr.time[1:], "t"), "max_dist": per_seed(tr.max_dist[:, 1:], "t"),
            "lambda_min_H_path": per_seed(lam_path[:, 1:], "t"), "lambda0": D["lambda0"],
            "n": inst.premises["n"], "m": inst.premises["m"]}


# Lemma 3.3's and Lemma A.2's rate, tight or not only on the seeds where the lemma's condition held to the end
CONDITIONAL_RATE_TIGHTNESS = Tightness(
    sp.Piecewise((FLOW_RATE_TIGHTNESS.expr, sp.Ge(lam_path, lambda0 / 2)), (sp.nan, True)),
    FLOW_RATE_TIGHTNESS.meaning + ", on seeds whose λ_min(H(s)) stayed ≥ λ₀/2 to the end", reduce="last")

gf_lemma33 = Claim(
    id="du2019.gf_lemma33",
    title="Lemma 3.3: if λ_min(H(s)) ≥ λ₀/2 on [0, t], then ‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖² and "
          "‖w_r(t) − w_r(0)‖ ≤ 2√n‖y − u(0)‖/(√m λ₀)",
    citation=cite("Lemma 3.3", note="the factor 2 in R′ derived: ∫₀^∞ √n/√m e^{−λ₀s/2}‖y − u(0)‖ ds"),
    kind=Kind.EXACT,
    statement=sp.Implies(
        sp.Ge(lam_path, lambda0 / 2),
        sp.And(sp.Le(res_t, sp.exp(-lambda0 * t) * res_0),
               sp.Le(dist_t, 2 * sp.sqrt(n) * sp.sqrt(res_0) / (sp.sqrt(m) * lambda0))),
    ),
    premises=lambda p: _flow_premises(p, m=st.integers(2, p.pick(128, 1024, 4096))),
    run=run_lemma33,
    tolerance=FLOW_TOL,
    symbols={**SYMBOLS, "lambda_min_H_path": "min over the solver grid s ≤ t of λ_min(H(s))"},
    given="the condition is checked on the RK4 grid (every step), not between grid points",
    figures=(Figure("‖y − u(t)‖² against e^{−λ₀t}‖y − u(0)‖²", x="t", ys=("lhs", "rhs"), xlabel="t",
                    ylabel="‖y − u‖²", logy=True, styles=("line", "dashed")),),
    examples_scale=0.75,
    seeds=32,
    # the rate's figure, only where the lemma's condition held (R′'s looseness is gd_distance_bound's figure)
    tightness=CONDITIONAL_RATE_TIGHTNESS,
)



# The trajectory invariant the proofs of Thm 3.2 and Thm 4.1 maintain (Lemma 3.4; Section 4's induction with
# Condition 4.1): λ_min(H) ≥ λ₀/2 at every time of the run. Declared practical regime (ours, fixed before any run):
# m ≥ 4n²/λ₀². Reason: the invariant needs ‖H(t) − H^∞‖₂ ≤ λ₀/2; at init that norm is ≈ n/(2√m) (Lemma 3.1's measured
# fluctuation, see init_lambda_min's note), which is λ₀/4 at m = 4n²/λ₀², leaving λ₀/4 for the fluctuation's tail and
# the drift along the run (O(n/(√m λ₀)) by Lemma 3.2/3.3's radii). The theory's width is Thm 3.2's.
INVARIANT_PRACTICAL = 4 * n**2 / lambda0**2
INVARIANT_LADDERS = ([16, 64, 256, 1024], [16, 64, 256, 1024, 4096, 16384],
                     [64, 256, 1024, 4096, 16384, 65536])
INVARIANT_REGIME = Regime(
    size="m", ladder=_width_ladder({"ladders": INVARIANT_LADDERS}), practical=INVARIANT_PRACTICAL,
    theory=THM_WIDTH,
    note="ours, declared before the run: m ≥ 4n²/λ₀², where Lemma 3.1's fluctuation ‖H(0) − H^∞‖₂ ≈ n/(2√m) is λ₀/4, "
         "half the invariant's margin λ₀/2",
)
lam_run = sp.Symbol("lambda_min_H_run")
INVARIANT_TIGHTNESS = Tightness((lambda0 / 2) / lam_run, "λ₀/2 over λ_min(H) at the worst time of the run (1: the "
                                                         "invariant is exactly at its bound)")


def invariant_claim(*, name: str, title: str, citation: Citation,
                    premises: Callable[[Profile], st.SearchStrategy[dict[str, Any]]],
                    run: Callable[[Instance], Mapping[str, Any]], tolerance: Tolerance, symbols: Mapping[str, str],
                    given: str, also: sp.Basic | None = None, regime: Regime = INVARIANT_REGIME,
                    recalled: tuple[str, ...] = (), examples_scale: float = 1.0) -> Claim:
    """The trajectory invariant of the proofs, λ_min(H) ≥ λ₀/2 at every time of a run (and ``also``, where the run
    trains both layers), for m large w.p. ≥ 1 − δ: ASYMPTOTIC on the invariant's declared regime, δ = DELTA, 32 seeds,
    INVARIANT_TIGHTNESS. What varies: the id ``name``, title, citation, premises, the run (flow or GD, one or both
    layers), its tolerance, the symbols added to SYMBOLS, ``given``, the regime's note, what is recalled and the share
    of the profile's examples."""
    invariant = sp.Ge(lam_run, lambda0 / 2)
    return Claim(
        id=f"du2019.{name}",
        title=title,
        citation=citation,
        kind=Kind.ASYMPTOTIC,
        statement=invariant if also is None else sp.And(invariant, also),
        premises=premises,
        run=run,
        tolerance=tolerance,
        delta=DELTA,
        regime=regime,
        recalled=recalled,
        symbols={**SYMBOLS, **symbols},
        given=given,
        examples_scale=examples_scale,
        seeds=32,
        tightness=INVARIANT_TIGHTNESS,
    )


def _invariant_premises(p: Profile, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    # ci: n ≤ 3, d ≥ 4 and coherence ≤ 0.3 keep λ₀ large enough that 4n²/λ₀² is mostly on the ladder (≤ 1024);
    # an example whose regime starts above the ladder is reported out of regime, not decided
    return sphere_data(max_n=p.pick(3, 8, 16), min_d=p.pick(4, 3, 2), max_d=p.pick(8, 16, 32),
                       max_coherence=p.pick(0.3, 0.5, 0.6), **extra)


def _invariant_values(inst: Instance, D: Mapping[str, Any], tr: tl.Trajectory, axis: str) -> dict[str, Any]:
    """λ_min(H) at every recorded time of a run (``axis``: "t" on the flow's grid, "k" for GD steps), λ₀, n and δ."""
    assert tr.lambda_min_h is not None
    return {"lambda_min_H_run": per_seed(tr.lambda_min_h, axis), axis: shared(tr.time, axis), "lambda0": D["lambda0"],
            "n": inst.premises["n"], "delta": DELTA}


def run_flow_invariant(inst: Instance) -> dict[str, Any]:
    """λ_min(H(t)) on the RK4 grid of the gradient flow of gf_linear_rate (t ≤ 4/λ₀), first layer trained."""
    D, tr = _flow(inst, train_a=False, track_lambda=True)
    return _invariant_values(inst, D, tr, "t")


gf_invariant = invariant_claim(
    name="gf_lambda_invariant",
    title="Lemma 3.4 / proof of Thm 3.2: for m large, w.p. ≥ 1 − δ, λ_min(H(t)) ≥ λ₀/2 for all t along the gradient "
          "flow — the invariant behind the linear rate",
    citation=cite("Lemma 3.4 (the invariant in the proof of Theorem 3.2)"),
    premises=lambda p: _invariant_premises(p),
    run=run_flow_invariant,
    tolerance=FLOW_TOL,
    symbols={"lambda_min_H_run": "λ_min(H(t)) at each point of the RK4 grid, t ∈ [0, 4/λ₀]"},
    given="checked on the solver grid (every RK4 step), t ≤ 4/λ₀",
    # the flow costs ≈ 4× the GD run per unit of time (RK4): a quarter of the profile's examples keeps ci's budget;
    # gd_lambda_invariant checks the same invariant along GD with the full count
    examples_scale=0.25,
)

# Lemma 3.4 where its premise R′ < R holds (issue 16). With Lemma 3.2's R = cδλ₀/n² (c = √(2π)/16, derived) and
# Lemma 3.3's R′ = 2√n‖y − u(0)‖/(√m λ₀), R′ < R needs m > 4n⁵‖y − u(0)‖²/(c²δ²λ₀⁴): at n = 1 (λ₀ = ½ for any unit
# input) that is 2.6e5·|y − u(0)|², so ≈ 1e5–1.2e6 units (ci's factor ≤ 1.5: ≤ 6e5); at n = 2 it is already ≈ 3e7 (a GPU size, the thorough
# profile). The width is set per example from the mean E‖y − u(0)‖² = ‖y‖² + n/2 (init_residual) times a drawn
# factor ≥ 1, before any seed is drawn; seeds whose R′ still reaches R are vacuous for the implication.
# Lemma 3.4 holds on the event of Lemma 3.2 (w.p. ≥ 1 − δ over the init: λ_min(H(W)) > λ₀/2 on the whole ball of radius
# R). That event is certified per seed, not assumed: λ_min(H(0)) minus the flip certificate (Weyl; gram_stability_ball
# _lambda's bound) must exceed λ₀/2. On that event the lemma's argument is deterministic, so the claim is EXACT.
lam_ball, r_prime, r_ball = sp.symbols("lambda_min_ball_certified R_prime R")
LEMMA34_MAX_WIDTH = (800_000, 2_000_000, 100_000_000)  # ci, dev (CPU sizes, n = 1) and thorough (GPU, n ≤ 2)


def lemma34_width(*, n_samples: int, y_norm_sq: float, lambda0_value: float, factor: float) -> int:
    """``factor``·4n⁵(‖y‖² + n/2)/(c²δ²λ₀⁴): the width at which R′ < R holds for a residual of mean size (Lemma 3.3's
    R′ with E‖y − u(0)‖² = ‖y‖² + n/2 in place of ‖y − u(0)‖², Lemma 3.2's R with δ = DELTA)."""
    need = 4 * n_samples**5 * (y_norm_sq + n_samples / 2) / (LEMMA32_C**2 * DELTA**2 * lambda0_value**4)
    return int(math.ceil(factor * need))


def _lemma34_premises(p: Profile) -> st.SearchStrategy[dict[str, Any]]:
    # ci: n = 1 and d = 1 (the flow at ≈ 5e5 units costs seconds there; d ≥ 2 is ≈ 5× slower on a CPU); dev adds
    # d ≤ 3; thorough reaches n = 2 (≈ 3e7 units: a GPU run). A width above the profile's cap is out of budget and
    # Hypothesis draws another example (counted in the run's statistics), never a coarser run.
    return sphere_data(min_n=1, max_n=p.pick(1, 1, 2), min_d=1, max_d=p.pick(1, 3, 4), max_coherence=p.pick(0.0, 0.0, 0.2),
                       width_factor=st.floats(1.0, p.pick(1.5, 3.0, 3.0), allow_nan=False),
                       max_m=st.just(p.pick(*LEMMA34_MAX_WIDTH)))


def run_lemma34(inst: Instance) -> dict[str, Any]:
    """The flow of gf_linear_rate (first layer, t ≤ 4/λ₀) at the width where R′ < R: per seed R′, the certified
    λ_min over Lemma 3.2's ball, and along the run λ_min(H(t)), max_r ‖w_r(t) − w_r(0)‖ and ‖y − u(t)‖²."""
    p = inst.premises
    D = _data(inst)
    width = lemma34_width(n_samples=p["n"], y_norm_sq=float((D["y"] ** 2).sum()), lambda0_value=D["lambda0"],
                          factor=p["width_factor"])
    assume(width <= p["max_m"])
    inst = replace(inst, premises={**p, "m": width})
    R = _ball_radius(inst, D)
    W0, a0 = _init(inst)
    flip_cert = tl.flip_certificate(W0, D["X"], radius=R)
    _, tr = _flow(inst, train_a=False, track_lambda=True, data=D, init=(W0, a0))
    assert tr.lambda_min_h is not None
    lam_cert = tr.lambda_min_h[:, 0] - flip_cert  # λ_min(H(0)), the flow's first record, minus the certificate
    r_prime_seed = 2 * math.sqrt(p["n"]) * tr.residual_sq[:, 0].sqrt() / (math.sqrt(width) * D["lambda0"])
    return {"residual_sq": per_seed(tr.residual_sq[:, 1:], "t"), "residual_sq_0": per_seed(tr.residual_sq[:, 0]),
            "t": shared(tr.time[1:], "t"), "max_dist": per_seed(tr.max_dist[:, 1:], "t"),
            "lambda_min_H_run": per_seed(tr.lambda_min_h[:, 1:], "t"), "R_prime": per_seed(r_prime_seed),
            "R": R, "lambda_min_ball_certified": per_seed(lam_cert), "lambda0": D["lambda0"], "n": p["n"],
            "m": width}


gf_lemma34 = Claim(
    id="du2019.gf_lemma34",
    title="Lemma 3.4 where its premise holds: at widths with R′ < R, for all t, λ_min(H(t)) ≥ λ₀/2, "
          "‖w_r(t) − w_r(0)‖ ≤ R′ and ‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖² (gradient flow, first layer)",
    citation=cite("Lemma 3.4 (with Lemma 3.2's radius R and Lemma 3.3's R′)",
                  note="R′ = 2√n‖y − u(0)‖/(√m λ₀) with the factor 2 derived (Lemma 3.3) and R = √(2π)δλ₀/(16n²) "
                       "with c derived (Lemma 3.2): the formulas are hidden in the copy read"),
    kind=Kind.EXACT,
    statement=sp.Implies(
        sp.And(sp.Lt(r_prime, r_ball), sp.Gt(lam_ball, lambda0 / 2)),
        sp.And(sp.Ge(lam_run, lambda0 / 2), sp.Le(dist_t, r_prime), sp.Le(res_t, sp.exp(-lambda0 * t) * res_0)),
    ),
    premises=_lemma34_premises,
    run=run_lemma34,
    tolerance=FLOW_TOL,
    symbols={**SYMBOLS, "R_prime": "R′ = 2√n‖y − u(0)‖/(√m λ₀) per seed (Lemma 3.3)",
             "R": "Lemma 3.2's radius R = √(2π)δλ₀/(16n²), δ = 0.1",
             "lambda_min_ball_certified": "λ_min(H(0)) − the flip certificate at radius R: a lower bound on λ_min(H(W)) "
                                          "for every W in Lemma 3.2's ball (Weyl), so Lemma 3.2's event, certified",
             "lambda_min_H_run": "λ_min(H(t)) on the RK4 grid, t ∈ (0, 4/λ₀]"},
    given="n = 1 in ci and dev (d = 1 in ci: inputs ±1), n ≤ 2 only in thorough (≈ 3e7 units, a GPU run); at n = 1 "
          "H(t) is the active fraction, so the invariant has a wide margin and the run mostly tests Lemma 3.3's bounds; "
          "the width m = ⌈f·4n⁵(‖y‖² + n/2)/(c²δ²λ₀⁴)⌉, f ≥ 1 drawn (where R′ < R holds for a residual of mean size); "
          "each seed's R′ < R and Lemma 3.2's event (certified over the ball) are the condition, checked per seed; "
          "the conclusions on the RK4 grid up to t = 4/λ₀",
    figures=(Figure("max_r ‖w_r(t) − w_r(0)‖ against R′ (and R′ < R)", x="t", ys=("max_dist", "R_prime", "R"), xlabel="t",
                    ylabel="distance from init", styles=("line", "dashed", "dotted")),),
    # the flow at 1e5–1.2e6 units: a quarter of the profile's examples, and few seeds (an exact claim: one violation
    # on a seed that met the condition refutes it)
    examples_scale=0.25,
    seeds=4,
    tightness=Tightness(sp.Piecewise((dist_t / r_prime, sp.Lt(r_prime, r_ball)), (sp.nan, True)),
                        "max_r ‖w_r(t) − w_r(0)‖ over R′ at the worst time, on seeds with R′ < R"),
)


# Both layers trained (Thm 3.3's proof, Lemmas A.2 and A.6; numbering and H(t)'s a_r(t)² weights recalled): du/dt =
# (H(t) + G(t))(y − u) with H(t)_ij = (1/m)x_iᵀx_j Σ_r a_r(t)² 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0} and G(t) ⪰ 0, so
# d‖y − u‖²/dt = −2(y − u)ᵀ(H + G)(y − u) ≤ −2λ_min(H)‖y − u‖², ≤ −λ₀‖y − u‖² while λ_min(H(t)) ≥ λ₀/2.
lam_g_run, rate_t = sp.symbols("lambda_min_G_run residual_rate")


def run_both_layers_kernels(inst: Instance) -> dict[str, Any]:
    """Both layers trained by gradient flow (the RK4 flow of both_layers_rate, t ≤ 4/λ₀): at every grid point
    λ_min(H(t)) (with a_r(t)²), λ_min(G(t)), d‖y − u‖²/dt = −2(y − u)ᵀ(H + G)(y − u), ‖y − u‖² and the running
    min over s ≤ t of λ_min(H(s))."""
    D, tr = _flow(inst, train_a=True, track_lambda=False, track_kernel=True)
    assert tr.lambda_min_h is not None and tr.lambda_min_g is not None and tr.residual_rate is not None
    lam_path = torch.cummin(tr.lambda_min_h, dim=1).values
    return {"lambda_min_H_run": per_seed(tr.lambda_min_h, "t"), "lambda_min_G_run": per_seed(tr.lambda_min_g, "t"),
            "lambda_min_H_path": per_seed(lam_path, "t"), "residual_rate": per_seed(tr.residual_rate, "t"),
            "residual_sq": per_seed(tr.residual_sq, "t"), "residual_sq_0": per_seed(tr.residual_sq[:, 0]),
            "t": shared(tr.time, "t"), "lambda0": D["lambda0"], "n": inst.premises["n"], "m": inst.premises["m"],
            "delta": DELTA}


BOTH_KERNEL_TOL = Tolerance(
    rtol=FLOW_TOL.rtol, atol=1e-12,
    reason=FLOW_TOL.reason + "; atol 1e-12 for λ_min(G) ≥ 0: eigvalsh round-off of an n×n Gram with O(1) entries "
                             "(≈ n·1e-16·‖G‖, n ≤ 16) — a negative eigenvalue of a true G ⪰ 0 is round-off only")

both_layers_invariant = invariant_claim(
    name="both_layers_lambda_invariant",
    title="Lemma A.6 / proof of Thm 3.3: training both layers by gradient flow, for m large, w.p. ≥ 1 − δ, "
          "λ_min(H(t)) ≥ λ₀/2 and G(t) ⪰ 0 for all t",
    citation=cite("Lemma A.6 (the invariant in the proof of Theorem 3.3)", "recalled",
                  "numbered as inferred from the copy read (Lemma A.6 is named there); H(t) carries a_r(t)² (recalled)"),
    also=sp.Ge(lam_g_run, 0),
    premises=lambda p: _invariant_premises(p),
    run=run_both_layers_kernels,
    tolerance=BOTH_KERNEL_TOL,
    regime=replace(INVARIANT_REGIME, note=INVARIANT_REGIME.note + " (gf_lambda_invariant's, a trained too)"),
    recalled=("Lemma A.6's numbering", "the a_r(t)² weights in H(t) when a is trained"),
    symbols={"lambda_min_H_run": "λ_min(H(t)), H(t)_ij = (1/m)x_iᵀx_j Σ_r a_r(t)² 1{·}1{·}, at each point of the RK4 "
                                 "grid, t ∈ [0, 4/λ₀]",
             "lambda_min_G_run": "λ_min(G(t)), G(t)_ij = (1/m)Σ_r relu(w_rᵀx_i)relu(w_rᵀx_j), on the same grid"},
    given="checked on the solver grid (every RK4 step), t ≤ 4/λ₀, W and a both trained",
    # the RK4 flow with both layers and two eigendecompositions per grid point: gf_lambda_invariant's quarter
    examples_scale=0.25,
)

both_layers_invariant_small_width = small_width_control(
    both_layers_invariant,
    name="both_layers_lambda_invariant_small_width_control",
    min_n=7,
    max_n=(8, 16, 32),
    broken="m large (here m ≤ 2 units, d = 3, n ≥ 7: H(t) = (XXᵀ) ∘ (D diag(a²) Dᵀ) has rank ≤ d·m = 6 < n, so "
           "λ_min(H(t)) = 0)",
    title="Control of the both-layer invariant: with m ≤ 2 units H(t) is singular and λ_min(H(t)) ≥ λ₀/2 fails at t = 0",
)

both_layers_lemma_a2 = Claim(
    id="du2019.both_layers_lemma_a2",
    title="Lemma A.2: training both layers, if λ_min(H(s)) ≥ λ₀/2 on [0, t], then d‖y − u‖²/dt ≤ −λ₀‖y − u‖² at t "
          "and ‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖²",
    citation=cite("Lemma A.2", "recalled",
                  "numbered as inferred from the copy read (Lemma A.2 is named there); the statement recalled: "
                  "Lemma 3.3's rate with G ⪰ 0 added, d‖y − u‖²/dt = −2(y − u)ᵀ(H + G)(y − u)"),
    kind=Kind.EXACT,
    statement=sp.Implies(
        sp.Ge(lam_path, lambda0 / 2),
        sp.And(sp.Le(rate_t, -lambda0 * res_t), sp.Le(res_t, sp.exp(-lambda0 * t) * res_0)),
    ),
    premises=lambda p: _flow_premises(p, m=st.integers(2, p.pick(128, 1024, 4096))),
    run=run_both_layers_kernels,
    tolerance=BOTH_KERNEL_TOL,
    recalled=("Lemma A.2's numbering and statement",),
    symbols={**SYMBOLS, "lambda_min_H_path": "min over the solver grid s ≤ t of λ_min(H(s)) (H with a_r(s)²)",
             "residual_rate": "d‖y − u‖²/dt = −2(y − u)ᵀ(H(t) + G(t))(y − u) at the grid point",
             "lambda_min_H_run": "λ_min(H(t)) at the grid point", "lambda_min_G_run": "λ_min(G(t)) at the grid point"},
    given="the condition is checked on the RK4 grid (every step), not between grid points; W and a both trained",
    examples_scale=0.5,
    seeds=32,
    tightness=CONDITIONAL_RATE_TIGHTNESS,
)


def _gd(inst: Instance, *, eta_frac: float, horizon: float = 8.0, train_a: bool = False,
        track_lambda: bool = False) -> tuple[dict[str, Any], tl.Trajectory, float]:
    """GD with η = eta_frac/λ_max(H^∞) for K = horizon/(ηλ₀) steps (the bound falls to ≈ e^{−horizon/2})."""
    D = _data(inst)
    W, a = _init(inst)
    step = eta_frac / D["lambda_max"]
    K = int(min(5000, math.ceil(horizon / (step * D["lambda0"]))))
    tr = tl.gd_trajectory(W, a, D["X"], D["y"], eta=step, steps=K, train_a=train_a, track_lambda=track_lambda)
    return D, tr, step


def run_gd_rate(inst: Instance) -> dict[str, Any]:
    D, tr, step = _gd(inst, eta_frac=inst.premises["eta_frac"])
    held = tr.residual_sq <= (1 - step * D["lambda0"] / 2) ** tr.time * tr.residual_sq[:, :1]
    # rate held at every s < k (Cor 4.1's premise): a shifted cumulative AND
    before = torch.cat([torch.ones_like(held[:, :1]), torch.cummin(held.to(torch.int8), dim=1).values[:, :-1]], 1)
    # k = 0 is an identity for the rate (both sides equal ‖y − u(0)‖²; the distance is 0): start at k = 1
    return {"residual_sq": per_seed(tr.residual_sq[:, 1:], "k"), "residual_sq_0": per_seed(tr.residual_sq[:, 0]),
            "k": shared(tr.time[1:], "k"), "eta": step, "lambda0": D["lambda0"], "lambda_max": D["lambda_max"],
            "n": inst.premises["n"], "m": inst.premises["m"], "delta": DELTA,
            "max_dist": per_seed(tr.max_dist[:, 1:], "k"), "rate_held_before_k": per_seed(before[:, 1:].to(inst.dtype), "k")}


GD_TOL = Tolerance(rtol=1e-9, reason="float64 round-off accumulated over ≤ 5000 GD steps")
GD_LADDERS = ([4, 16, 64, 256], [4, 16, 64, 256, 1024, 4096], [16, 64, 256, 1024, 4096, 16384])
GD_RATE_TIGHTNESS = Tightness(k * sp.log(1 - eta * lambda0 / 2) / sp.log(res_t / res_0),
                              "k·ln(1 − ηλ₀/2) over ln(‖y − u(k)‖²/‖y − u(0)‖²) at the last step (bound's exponent / "
                              "measured)", reduce="last")


def _gd_premises(p: Profile, *, min_eta: float, max_eta: float, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    # ci keeps d ≥ 4, n ≤ 8 and η ≥ λ_max/4: small λ₀ or tiny steps need K ∝ λ_max/(ηλ₀) steps at wide m
    return sphere_data(max_n=p.pick(8, 32, 128), min_d=p.pick(4, 2, 2), max_d=p.pick(8, 16, 64),
                       max_coherence=p.pick(0.5, 0.6, 0.8),
                       eta_frac=st.floats(p.pick(max(min_eta, 0.25), min_eta, min_eta), max_eta), **extra)

gd_rate = Claim(
    id="du2019.gd_linear_rate",
    title="Thm 4.1: m = Ω(n⁶/(λ₀⁴δ³)), η = O(λ₀/n²) ⇒ w.p. ≥ 1 − δ, ‖y − u(k)‖² ≤ (1 − ηλ₀/2)^k ‖y − u(0)‖²",
    citation=cite("Theorem 4.1", "recalled", "the factor ½ in the rate is recalled (CLAIMS.md)"),
    kind=Kind.ASYMPTOTIC,
    statement=sp.Le(res_t, (1 - eta * lambda0 / 2) ** k * res_0),
    premises=lambda p: _gd_premises(p, min_eta=0.05, max_eta=1.0),
    run=run_gd_rate,
    tolerance=GD_TOL,
    delta=DELTA,
    regime=rate_regime(GD_LADDERS, "ours: m ≥ max(64, 2n/λ₀) and η = eta_frac/λ_max(H^∞) ≤ 1/λ_max(H^∞), a larger "
                                   "step than the paper's O(λ₀/n²) (λ₀/n² ≤ 1/(2n) ≤ 1/λ_max): harder, not easier; "
                                   "k ≤ 8/(ηλ₀)"),
    recalled=("the ½ in the rate (1 − ηλ₀/2)",),
    symbols={**SYMBOLS, "eta_frac": "η·λ_max(H^∞)"},
    figures=(Figure("‖y − u(k)‖² against the envelope (1 − ηλ₀/2)^k‖y − u(0)‖² (largest width)", x="k",
                    ys=("lhs", "rhs"), xlabel="k", ylabel="‖y − u‖²", logy=True, styles=("line", "dashed")),),
    examples=({"n": 8, "d": 4, "coherence": 0.5, "seed": 1, "eta_frac": 1.0},),  # adversarial: largest step, coherent
    seeds=32,
    tightness=GD_RATE_TIGHTNESS,
)

gd_rate_large_step = control(
    gd_rate,
    name="gd_rate_large_step_control",
    kind=Kind.EXACT,
    premises=lambda p: _gd_premises(p, min_eta=2.5, max_eta=4.0, m=st.integers(64, 256)),
    broken="η = O(λ₀/n²) (here η ≥ 2.5/λ_max(H^∞), past the stability limit 2/λ_max)",
    title="Control of Thm 4.1: a step size past 2/λ_max breaks the linear rate (GD diverges)",
)

gd_rate_small_width = small_width_control(
    gd_rate,
    name="gd_rate_small_width_control",
    min_n=6,
    max_n=(12, 32, 128),
    min_d=2,
    eta_frac=st.floats(0.5, 1.0),
    broken="m large (here m ≤ 2 hidden units for n ≥ 6 samples)",
    title="Control of Thm 4.1: with m ≤ 2 the network cannot interpolate n ≥ 6 points and the rate fails",
)


gd_distance = Claim(
    id="du2019.gd_distance_bound",
    title="Cor 4.1: if the Thm 4.1 rate held for all s < k, then max_r ‖w_r(k) − w_r(0)‖ ≤ 4√n‖y − u(0)‖/(√m λ₀)",
    citation=cite("Corollary 4.1", "derived",
                  "each step moves w_r by ≤ η√(n/m)‖y − u(s)‖; sum the geometric series of (1 − ηλ₀/2)^{s/2}"),
    kind=Kind.EXACT,
    statement=sp.Implies(sp.Ge(rate_held, 1),
                         sp.Le(dist_t, 4 * sp.sqrt(n) * sp.sqrt(res_0) / (sp.sqrt(m) * lambda0))),
    premises=lambda p: _gd_premises(p, min_eta=0.05, max_eta=2.0, m=st.integers(4, p.pick(512, 4096, 16384))),
    run=run_gd_rate,
    tolerance=GD_TOL,
    symbols={**SYMBOLS, "rate_held_before_k": "1 if ‖y − u(s)‖² ≤ (1 − ηλ₀/2)^s‖y − u(0)‖² for every s < k"},
    figures=(Figure("max_r ‖w_r(k) − w_r(0)‖ against the bound R′", x="k", ys=("lhs", "rhs"), xlabel="k",
                    ylabel="distance from init", logy=True, styles=("line", "dashed")),),
    seeds=32,
    tightness=Tightness(dist_t * sp.sqrt(m) * lambda0 / (4 * sp.sqrt(n) * sp.sqrt(res_0)),
                        "max_r ‖w_r(k) − w_r(0)‖ over R′ = 4√n‖y − u(0)‖/(√m λ₀), worst step"),
)



def run_gd_invariant(inst: Instance) -> dict[str, Any]:
    """λ_min(H(k)) at every GD step k ≤ 8/(ηλ₀), η = eta_frac/λ_max(H^∞), first layer trained (gd_linear_rate's run)."""
    D, tr, _ = _gd(inst, eta_frac=inst.premises["eta_frac"], track_lambda=True)
    return _invariant_values(inst, D, tr, "k")


gd_invariant = invariant_claim(
    name="gd_lambda_invariant",
    title="Sec. 4, proof of Thm 4.1: for m large, w.p. ≥ 1 − δ, λ_min(H(k)) ≥ λ₀/2 at every GD step — the invariant "
          "the induction on Condition 4.1 maintains",
    citation=cite("Section 4, proof of Theorem 4.1 (the induction with Condition 4.1 and Lemma 3.2)"),
    premises=lambda p: _invariant_premises(p, eta_frac=st.floats(0.25, 1.0)),
    run=run_gd_invariant,
    tolerance=Tolerance(rtol=1e-9, reason="float64 round-off of n×n eigenvalues after ≤ 5000 GD steps"),
    symbols={"lambda_min_H_run": "λ_min(H(k)) at each GD step k ≤ 8/(ηλ₀)", "eta_frac": "η·λ_max(H^∞)"},
    given="η = eta_frac/λ_max(H^∞) ≤ 1/λ_max(H^∞) (gd_linear_rate's steps), k ≤ 8/(ηλ₀)",
)

gd_invariant_small_width = small_width_control(
    gd_invariant,
    name="gd_lambda_invariant_small_width_control",
    min_n=7,
    max_n=(10, 16, 32),
    eta_frac=st.floats(0.25, 1.0),
    broken="m large (here m ≤ 2 units, d = 3, n ≥ 7: H(W) = (XXᵀ) ∘ P(W) has rank ≤ d·m = 6 < n, so λ_min(H) = 0)",
    title="Control of the GD invariant: with m ≤ 2 units H(k) is singular and λ_min(H(k)) ≥ λ₀/2 fails at k = 0",
)

def kernel_identity_check(*, name: str, title: str, citation: Citation, conclusion: sp.Basic,
                          run: Callable[[Instance], Mapping[str, Any]], tolerance: Tolerance,
                          symbols: Mapping[str, str], extra: Callable[[Profile], dict[str, st.SearchStrategy[Any]]],
                          where_no_flip: bool = True, seeds: int | None = 32) -> Claim:
    """A kernel identity of our code (a GD step, the flow's energy, the both-layer dynamics) against the kernel form and
    against autograd through :func:`reference_outputs`: an EXACT check on sphere_data (n, d up to the profile's
    16/32/128 and 8/16/64, coherence ≤ 0.9), where no activation pattern flipped if ``where_no_flip``. What varies:
    the id ``name``, title, citation, the ``conclusion`` (the two equations), run, tolerance, symbols, the ``extra``
    premises (for a profile, in the order drawn), whether the flip condition applies, and seeds."""
    return Claim(
        id=f"du2019.{name}",
        title=title,
        citation=citation,
        kind=Kind.EXACT,
        statement=sp.Implies(sp.Ge(no_flip, 1), conclusion) if where_no_flip else conclusion,
        premises=lambda p: sphere_data(max_n=p.pick(16, 32, 128), max_d=p.pick(8, 16, 64), max_coherence=0.9,
                                       **extra(p)),
        run=run,
        tolerance=tolerance,
        symbols=symbols,
        seeds=seeds,
        role="check",
    )


def run_gd_step(inst: Instance) -> dict[str, Any]:
    """One step of ``gd_trajectory``: the change of the predictions against −ηH(0)(u(0) − y)."""
    D = _data(inst)
    W0, a = _init(inst)
    step = inst.premises["eta_frac"] / D["lambda_max"]
    tr = tl.gd_trajectory(W0, a, D["X"], D["y"], eta=step, steps=1)
    u0, u1 = tl.predict(W0, a, D["X"]), tl.predict(tr.W, tr.a, D["X"])
    kernel_step = -step * torch.einsum("sij,sj->si", tl.gram_w(W0, D["X"]), u0 - D["y"])
    flipped = ((tl.preactivations(tr.W, D["X"]) >= 0) != (tl.preactivations(W0, D["X"]) >= 0)).flatten(1).any(1)
    # the independent reference: the same step taken with autograd's gradient of the plain-torch model
    g_ref, _ = autograd_gradients(W0, a, D["X"], D["y"])
    u_ref0 = reference_outputs(W0, a, D["X"])
    autograd_step = reference_outputs(W0 - step * g_ref, a, D["X"]) - u_ref0
    return {"du_step": per_seed(u1 - u0, "i"), "kernel_step": per_seed(kernel_step, "i"),
            "autograd_step": per_seed(autograd_step, "i"), "no_flip": per_seed((~flipped).to(inst.dtype))}


du_step, kernel_step, autograd_step, no_flip = sp.symbols("du_step kernel_step autograd_step no_flip")

gd_step_kernel = kernel_identity_check(
    name="gd_step_kernel",
    title="A GD step that flips no activation pattern moves the predictions by exactly −ηH(k)(u(k) − y), and by "
          "the same step taken with autograd's gradient of the model written out in plain torch",
    citation=cite("Sec. 4, proof of Theorem 4.1 (the decomposition u(k+1) − u(k) = I₁ + I₂; exact when I₂ = 0)",
                  "derived", "with every pattern fixed, u is linear in W along the step"),
    conclusion=sp.And(sp.Eq(du_step, kernel_step), sp.Eq(du_step, autograd_step)),
    extra=lambda p: {"eta_frac": st.floats(0.05, 1.0), "m": st.integers(16, p.pick(1024, 4096, 16384))},
    run=run_gd_step,
    tolerance=Tolerance(rtol=1e-9, atol=1e-12, reason="float64 round-off in sums of m·n terms"),
    symbols={"du_step": "u(1) − u(0) after one step of gd_trajectory", "kernel_step": "−ηH(0)(u(0) − y)",
             "autograd_step": "u(W(0) − η∇L) − u(W(0)) with ∇L by autograd through reference_outputs (independent "
                              "of impl.two_layer's gradients and Gram matrices)",
             "no_flip": "1 when no activation pattern changed during the step"},
    # an identity of our code (gd_trajectory against gram_w), paired with autograd: a bug shared by the hand-written
    # gradient and gram_w (they are the same sums) would pass the first equation but not the second
)


def run_flow_energy(inst: Instance) -> dict[str, Any]:
    """d‖y − u‖²/dt at t = 0 by a one-step finite difference of ``flow_trajectory`` against −2rᵀK r."""
    D = _data(inst)
    p = inst.premises
    W0, a0 = _init(inst)
    h = 1e-6 / D["lambda_max"]
    tr = tl.flow_trajectory(W0, a0, D["X"], D["y"], t_end=h, steps=1, train_a=p["train_a"])
    K = tl.gram_w(W0, D["X"]) + (tl.gram_a(W0, D["X"]) if p["train_a"] else 0.0)
    r = tl.predict(W0, a0, D["X"]) - D["y"]
    # the identity is the derivative where every pattern is fixed; a step across a ReLU kink measures a one-sided
    # mixture (found by the dev search at m = 1: 1.2e-4 relative), so only steps that flip no pattern are checked
    # the independent reference: along the flow d‖y − u‖²/dt = 2·dL/dt = −2‖∇_θ L‖², ∇L by autograd
    g_w, g_a = autograd_gradients(W0, a0, D["X"], D["y"])
    grad_sq = (g_w ** 2).sum((-2, -1)) + ((g_a ** 2).sum(-1) if p["train_a"] else 0.0)
    return {"residual_rate_fd": per_seed((tr.residual_sq[:, 1] - tr.residual_sq[:, 0]) / h),
            "residual_rate": per_seed(-2.0 * torch.einsum("si,sij,sj->s", r, K, r)),
            "residual_rate_autograd": per_seed(-2.0 * grad_sq),
            "no_flip": per_seed((tr.flips[:, 1] == 0).to(inst.dtype))}


rate_fd, rate_exact, rate_autograd = sp.symbols("residual_rate_fd residual_rate residual_rate_autograd")

gf_energy_identity = kernel_identity_check(
    name="gf_energy_identity",
    title="Under gradient flow d‖y − u‖²/dt = −2(y − u)ᵀH(t)(y − u) (H + G when both layers move)",
    citation=cite("Sec. 3, proof of Lemma 3.3 (and Thm 3.3 for both layers)", "derived",
                  "chain rule: du/dt = H(t)(y − u)"),
    conclusion=sp.And(sp.Eq(rate_fd, rate_exact), sp.Eq(rate_fd, rate_autograd)),
    extra=lambda p: {"m": st.integers(1, p.pick(1024, 4096, 16384)), "train_a": st.booleans()},
    run=run_flow_energy,
    tolerance=Tolerance(rtol=1e-4, reason="one RK4 step of h = 1e-6/λ_max(H^∞): the finite difference's truncation "
                                          "is O(h·λ_max) ≈ 1e-6 relative and its round-off ≈ 1e-10; 1e-4 leaves 100×"),
    symbols={"residual_rate_fd": "(‖y − u(h)‖² − ‖y − u(0)‖²)/h from flow_trajectory",
             "residual_rate": "−2(y − u)ᵀK(y − u), K = H (or H + G)",
             "residual_rate_autograd": "−2‖∇_θ L‖² with ∇L by autograd through reference_outputs (θ = W, and a when "
                                       "both layers train)",
             "no_flip": "1 when no activation pattern changed during the step (the derivative is two-sided)"},
    # the chain rule applied to our flow and kernels, paired with autograd (independent of gram_w/gram_a/_grad_w)
)


def run_kernel_identity(inst: Instance) -> dict[str, Any]:
    """du/dt through the gradients against (H + G)(y − u), both layers trained, at initialization."""
    D = _data(inst)
    W, a = _init(inst)
    u = tl.predict(W, a, D["X"])
    v = tl.output_velocity(W, a, D["X"], D["y"], train_a=True)
    K = tl.gram_w(W, D["X"]) + tl.gram_a(W, D["X"])
    kv = torch.einsum("sij,sj->si", K, D["y"] - u)
    # the independent reference: du/dt = J·(−∇L), the Jacobian-vector product of reference_outputs along −∇L, both
    # by autograd
    g_w, g_a = autograd_gradients(W, a, D["X"], D["y"])
    v_ref = autograd_jvp(W, a, D["X"], -g_w, -g_a)
    return {"du_dt": per_seed(v, "i"), "kernel_du_dt": per_seed(kv, "i"), "autograd_du_dt": per_seed(v_ref, "i"),
            "kernel_scale": per_seed(kv.abs().amax(-1))}


autograd_velocity = sp.Symbol("autograd_du_dt")


both_layers_identity = kernel_identity_check(
    name="both_layers_kernel",
    title="Thm 3.3 (dynamics): training W and a, du/dt = (H + G)(y − u) with G_ij = (1/m)Σ_r relu(w_rᵀx_i)relu(w_rᵀx_j)",
    citation=cite("Theorem 3.3 (the dynamics in its proof; an identity by the chain rule)"),
    conclusion=sp.And(sp.Eq(velocity, kernel_velocity), sp.Eq(velocity, autograd_velocity)),
    where_no_flip=False,  # at initialization: no step is taken
    seeds=None,
    extra=lambda p: {"m": st.integers(1, p.pick(1024, 4096, 16384)), "label_scale": st.floats(0.1, 3.0)},
    run=run_kernel_identity,
    tolerance=Tolerance(rtol=1e-9, atol=1e-12,
                        reason="float64 round-off: two routes to the same sums of m·n terms of size O(1)"),
    symbols={"du_dt": "du/dt by the chain rule through the hand-written gradients",
             "kernel_du_dt": "(H(W) + G(W))(y − u)",
             "autograd_du_dt": "J·(−∇L) by autograd of reference_outputs (independent of impl.two_layer)"},
    # an identity (the chain rule) between our gradients and our Gram matrices, paired with autograd
)

# Thm 3.3's own width carries a log(m/δ) (recalled: it comes from bounding max_r ‖w_r(0)‖ over the m units). Its
# scaling with constants 1 solves m = A·log(m/δ), A = n⁶/(λ₀⁴δ³): m = −A·W₋₁(−δ/A) (Lambert W, lower branch).
BOTH_LAYERS_REGIME = rate_regime(
    FLOW_LADDERS,
    "ours: m ≥ max(64, 2n/λ₀) as for Thm 3.2 (over our ladder log(m/δ) changes by < 3×, inside that constant), "
    "t ≤ 4/λ₀; the theory column is Thm 3.3's m = Ω(n⁶log(m/δ)/(λ₀⁴δ³)) with constants 1, solved for m",
    theory=-THM_WIDTH * sp.LambertW(-delta / THM_WIDTH, -1),
)

both_layers_rate = flow_rate_claim(
    name="both_layers_rate",
    title="Thm 3.3: training both layers by gradient flow, ‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖² for wide m",
    citation=cite("Theorem 3.3"),
    train_a=True,
    regime=BOTH_LAYERS_REGIME,
    recalled=("the log(m/δ) factor in Thm 3.3's width",),
    symbols=SYMBOLS,
)


def run_both_layers_distances(inst: Instance) -> dict[str, Any]:
    """Both layers trained by gradient flow: max_r |a_r(t) − a_r(0)|, max_r ‖w_r(t) − w_r(0)‖ and the running maxima
    of max_r ‖w_r(s)‖ and max_r |a_r(s)| (s ≤ t) that enter their bounds, on the RK4 grid."""
    D, tr = _flow(inst, train_a=True, track_lambda=False)
    assert tr.max_a_dist is not None and tr.max_w_norm is not None and tr.max_a_abs is not None
    w_run = torch.cummax(tr.max_w_norm, dim=1).values
    a_run = torch.cummax(tr.max_a_abs, dim=1).values
    return {"a_dist": per_seed(tr.max_a_dist[:, 1:], "t"), "max_dist": per_seed(tr.max_dist[:, 1:], "t"),
            "w_norm_run": per_seed(w_run[:, 1:], "t"), "a_abs_run": per_seed(a_run[:, 1:], "t"),
            "residual_sq_0": per_seed(tr.residual_sq[:, 0]), "t": shared(tr.time[1:], "t"),
            "lambda0": D["lambda0"], "n": inst.premises["n"], "m": inst.premises["m"], "delta": DELTA}


a_dist, w_norm_run, a_abs_run = sp.symbols("a_dist w_norm_run a_abs_run")
R_A = 2 * sp.sqrt(n) * sp.sqrt(res_0) * w_norm_run / (sp.sqrt(m) * lambda0)
R_W = 2 * sp.sqrt(n) * sp.sqrt(res_0) * a_abs_run / (sp.sqrt(m) * lambda0)

both_layers_weights = Claim(
    id="du2019.both_layers_weights_near_init",
    title="Thm 3.3 (Lemmas A.3–A.6): training both layers, the output weights stay near their initialization: "
          "|a_r(t) − a_r(0)| ≤ 2√n‖y − u(0)‖·max‖w_r‖/(√m λ₀) and ‖w_r(t) − w_r(0)‖ ≤ 2√n‖y − u(0)‖·max|a_r|/(√m λ₀)",
    citation=cite("Theorem 3.3 (proof: Lemmas A.3–A.6)", "derived",
                  "the radii derived as Lemma 3.3's: |da_r/dt| ≤ m^{-1/2}‖w_r‖√n‖y − u‖ and ‖dw_r/dt‖ ≤ "
                  "m^{-1/2}|a_r|√n‖y − u‖, integrated against the rate e^{−λ₀s/2}‖y − u(0)‖; the paper's radii "
                  "bound max‖w_r‖ and max|a_r| w.h.p. (the source of log(m/δ)) — recalled, the formulas are hidden in "
                  "the copy read"),
    kind=Kind.ASYMPTOTIC,
    statement=sp.And(sp.Le(a_dist, R_A), sp.Le(dist_t, R_W)),
    premises=lambda p: _flow_premises(p),
    run=run_both_layers_distances,
    tolerance=FLOW_TOL,
    delta=DELTA,
    regime=BOTH_LAYERS_REGIME,
    recalled=("Lemmas A.3–A.6's numbering and the form of their radii",),
    symbols={**SYMBOLS, "a_dist": "max_r |a_r(t) − a_r(0)|", "w_norm_run": "max over s ≤ t and r of ‖w_r(s)‖",
             "a_abs_run": "max over s ≤ t and r of |a_r(s)|"},
    # the same RK4 flow as both_layers_rate (≈ 4× a GD run): a quarter of the profile's examples keeps ci's budget
    examples_scale=0.25,
    seeds=32,
    tightness=Tightness(a_dist / R_A, "max_r |a_r(t) − a_r(0)| over its radius R_a′, worst time of the run"),
    figures=(Figure("max_r |a_r(t) − a_r(0)| against its radius (largest width)", x="t", ys=("lhs", "rhs"),
                    xlabel="t", ylabel="output-weight movement", logy=True, styles=("line", "dashed")),),
)


# ---------------------------------------------------------------------------------------------
# Section 5 trends: distance from init and activation flips shrink with m
# ---------------------------------------------------------------------------------------------

def run_sec5(inst: Instance) -> dict[str, Any]:
    """GD at a ladder of widths (same data, horizon and step); final distance and flip fraction per width."""
    D = _data(inst)
    widths = list(inst.profile.pick([64, 128, 256, 512, 1024], [64, 256, 1024, 4096], [256, 1024, 4096, 16384]))
    step = 0.5 / D["lambda_max"]
    K = int(math.ceil(4.0 / (step * D["lambda0"])))
    dist, flips, rates = [], [], []
    for width in widths:
        W, a = _init(inst, width)
        tr = tl.gd_trajectory(W, a, D["X"], D["y"], eta=step, steps=K)
        dist.append(float(tr.max_dist[:, -1].mean()))
        flips.append(float(tr.flips[:, -1].mean()))
        # the convergence rate per step, −ln(‖y − u(K)‖²/‖y − u(0)‖²)/K, averaged over the seeds
        rates.append(float((-torch.log(tr.residual_sq[:, -1] / tr.residual_sq[:, 0]) / K).mean()))
    lw = torch.log(torch.tensor(widths, dtype=torch.float64))
    # one fit over the seed-averaged curves: the slopes are constants, the curves are shared by every seed
    return {
        # float64 throughout: torch.tensor of Python floats would default to float32
        "distance_slope": least_squares_slope(lw, torch.log(torch.tensor(dist, dtype=torch.float64))),
        "flip_slope": least_squares_slope(lw, torch.log(torch.tensor(flips, dtype=torch.float64))),
        "rate_slope": least_squares_slope(lw, torch.log(torch.tensor(rates, dtype=torch.float64))),
        "mean_rate": shared(torch.tensor(rates, dtype=torch.float64), "width"),
        "widths": shared(torch.tensor(widths, dtype=torch.float64), "width"),
        "mean_max_dist": shared(torch.tensor(dist, dtype=torch.float64), "width"),
        "mean_flip_fraction": shared(torch.tensor(flips, dtype=torch.float64), "width"),
    }


def _sec5_premises(p: Profile) -> st.SearchStrategy[dict[str, Any]]:
    size = p.pick(16, 64, 1000)
    return st.fixed_dictionaries({"n": st.just(size), "d": st.just(size), "coherence": st.just(0.0),
                                  "seed": st.integers(0, 2**20)})


def sec5_trend(*, name: str, title: str, citation: Citation, statement: sp.Basic, tolerance: Tolerance,
               symbols: Mapping[str, str], figure: Figure, tightness: Tightness | None = None,
               role: Role = "claim") -> Claim:
    """A fitted slope of Section 5's GD runs against m (:func:`run_sec5`, one shared data set of n = d = 16 in ci): a
    TREND on 16 seeds, a quarter of the profile's examples. What varies: the id ``name``, title, citation, the
    statement on the slope, its tolerance, symbols, the figure, tightness and role."""
    return Claim(
        id=f"du2019.{name}",
        title=title,
        citation=citation,
        kind=Kind.TREND,
        statement=statement,
        premises=_sec5_premises,
        run=run_sec5,
        tolerance=tolerance,
        seeds=16,
        examples_scale=0.25,
        symbols=symbols,
        figures=(figure,),
        tightness=tightness,
        role=role,
    )


SEC5_DISTANCE_FIGURE = Figure("distance from init against width m", x="widths", ys=("mean_max_dist",), xlabel="m",
                              ylabel="mean max_r ‖w_r(K) − w_r(0)‖", logx=True, logy=True, styles=("points",))

# Section 5 of the paper reports the trends (faster convergence, fewer pattern changes, a smaller distance from
# init as m grows), not an exponent: the claim is the trend. The −½ comes from the theory (Cor 4.1's R′ ∝ m^{−1/2}),
# so the fitted exponent against −½ is our finding, not the paper's Section 5 (issue 15).
sec5_distance = sec5_trend(
    name="sec5_distance_trend",
    title="Sec. 5: the distance from initialization max_r ‖w_r(K) − w_r(0)‖ shrinks as m grows",
    citation=cite("Section 5 (experiments, n = d = 1000 in the paper)"),
    statement=sp.Lt(dist_slope, 0),
    tolerance=Tolerance(atol=0.1, reason="the slope must be clearly negative (below −0.1), not a flat line with noise "
                                         "(the same margin as the flip trend)"),
    symbols={"distance_slope": "log–log slope of mean max_r ‖w_r(K) − w_r(0)‖ against m"},
    figure=SEC5_DISTANCE_FIGURE,
    tightness=Tightness(sp.Rational(-1, 10) / dist_slope, "the declared margin −0.1 over the fitted slope (1: the "
                                                          "trend barely clears the margin)"),
)

sec5_distance_exponent = sec5_trend(
    name="sec5_distance_exponent",
    title="Finding: the fitted exponent of the distance from init against m is Cor 4.1's −½ (R′ ∝ m^{−1/2}), "
          "within ±0.15",
    citation=cite("Corollary 4.1's scaling R′ ∝ m^{−1/2}, measured on Section 5's setup", "derived",
                  "the paper's Section 5 shows the trend, not the exponent: the −½ is the theory's"),
    statement=sp.Eq(dist_slope, sp.Rational(-1, 2)),
    tolerance=Tolerance(atol=0.15, reason="declared before the fit: ±0.15 on the log–log slope keeps −½ apart from its "
                                          "neighbours −¼ and −1 (what a fit over m = 64…1024 can resolve)"),
    symbols={"distance_slope": "log–log slope of mean max_r ‖w_r(K) − w_r(0)‖ against m"},
    figure=SEC5_DISTANCE_FIGURE,
    role="finding",
)

sec5_flips = sec5_trend(
    name="sec5_flip_trend",
    title="Sec. 5: the fraction of activation patterns that flip during training shrinks as m grows",
    citation=cite("Section 5 (experiments)"),
    statement=sp.Lt(flip_slope, 0),
    tolerance=Tolerance(atol=0.1, reason="the slope must be clearly negative (below −0.1), not a flat line with noise"),
    symbols={"flip_slope": "log–log slope of the flipped fraction Σ_iΣ_r 1{pattern changed}/(mn) against m"},
    tightness=Tightness(sp.Rational(-1, 10) / flip_slope, "the declared margin −0.1 over the fitted slope (1: the "
                                                          "trend barely clears the margin)"),
    figure=Figure("fraction of flipped activation patterns against width m", x="widths", ys=("mean_flip_fraction",),
                  xlabel="m", ylabel="flipped fraction", logx=True, logy=True, styles=("points",)),
)

rate_slope = sp.Symbol("rate_slope")

sec5_rate = sec5_trend(
    name="sec5_rate_trend",
    title="Sec. 5: the larger m, the faster GD converges (the per-step rate −ln(‖y − u(K)‖²/‖y − u(0)‖²)/K grows "
          "with m)",
    citation=cite("Section 5 (experiments: the training loss against epochs for several m)"),
    statement=sp.Gt(rate_slope, 0),
    tolerance=Tolerance(reason="none, declared before the fit: the paper states the direction only, and the rate "
                               "tends to its infinite-width limit, so the slope shrinks toward 0 as m grows; "
                               "any positive slope is the trend"),
    symbols={"rate_slope": "log–log slope, against m, of the seed-mean per-step rate −ln(‖y − u(K)‖²/‖y − u(0)‖²)/K "
                           "(same data, step η = 0.5/λ_max(H^∞) and K = 4/(ηλ₀) at every width)"},
    figure=Figure("convergence rate per step against width m", x="widths", ys=("mean_rate",), xlabel="m",
                  ylabel="−ln(‖y − u(K)‖²/‖y − u(0)‖²)/K", logx=True, logy=True, styles=("points",)),
)


# ---------------------------------------------------------------------------------------------
# Section 5 at the paper's size: an experiment (`lemmata experiment du2019.section5`), not a claim
# ---------------------------------------------------------------------------------------------

SECTION5_SIZES = {  # n = d, widths, GD epochs (full-batch: one step per epoch)
    "paper": (1000, (1024, 2048, 4096, 8192, 16384), 100),  # the paper's n, d and epochs; widths to 16384
    "small": (64, (64, 128, 256), 20),  # a smoke-test size for the unit tests
}


def run_section5_experiment(ctx: ExperimentContext) -> dict[str, Any]:
    """Du et al. 2019, Section 5: x uniform on the sphere, y ~ N(0, 1), GD on W for 100 epochs at several m.

    Records per width the loss ½‖y − u(k)‖², the flipped fraction Σ_iΣ_r 1{pattern changed}/(mn) and
    max_r ‖w_r(k) − w_r(0)‖ at every step, and the wall time and achieved GFLOP/s of the run (flop count
    4·n·m·d per step: the two GEMMs X Wᵀ and coefᵀ X). The step size η = 0.5/λ_max(H^∞) is ours (the
    paper's is not recalled); one initialization seed per width.
    """
    n, widths, epochs = SECTION5_SIZES[ctx.size]
    g = torch.Generator().manual_seed(DATA_SEED_SECTION5)
    X = tl.sphere_inputs(n, n, generator=g, dtype=ctx.dtype, device=ctx.device)
    y = torch.randn(n, generator=g, dtype=ctx.dtype).to(ctx.device)
    ev = torch.linalg.eigvalsh(tl.gram_infinity(X))
    lam0, lam_max = float(ev[0]), float(ev[-1])
    step = 0.5 / lam_max
    loss, flips, dist, rows = [], [], [], []
    notes = [f"n = d = {n}, {epochs} full-batch GD epochs, η = 0.5/λ_max(H^∞) = {step:.4g} (ours: the paper's step "
             f"size is not recalled), λ₀ = λ_min(H^∞) = {lam0:.4g}; one initialization seed per width; "
             "x uniform on the sphere and y ~ N(0, 1) as in the paper"]

    def result() -> dict[str, Any]:
        done = widths[:len(rows)]
        k = list(range(epochs + 1))
        figures = [
            {"title": "training loss ½‖y − u(k)‖² against epoch", "xlabel": "epoch k", "ylabel": "loss", "logx": False,
             "logy": True, "series": [{"label": f"m = {m}", "x": k, "y": curve, "style": "line"}
                                      for m, curve in zip(done, loss)]},
            {"title": "fraction of activation patterns flipped since init", "xlabel": "epoch k",
             "ylabel": "flipped fraction", "logx": False, "logy": False,
             "series": [{"label": f"m = {m}", "x": k, "y": curve, "style": "line"} for m, curve in zip(done, flips)]},
            {"title": "max_r ‖w_r(K) − w_r(0)‖ after training, against m", "xlabel": "m", "ylabel": "max distance",
             "logx": True, "logy": True,
             "series": [{"label": "measured", "x": list(done), "y": [d_[-1] for d_ in dist], "style": "points"}]
             + ([{"label": "∝ m^{−1/2} through the first point", "x": list(done),
                  "y": [dist[0][-1] * (done[0] / m) ** 0.5 for m in done], "style": "dashed"}] if done else [])},
        ]
        slope = rate_fit = None
        if len(done) >= 2:
            lx = torch.log(torch.tensor(done, dtype=torch.float64))
            slope = least_squares_slope(lx, torch.log(torch.tensor([d_[-1] for d_ in dist], dtype=torch.float64)))
            rates = torch.tensor([math.log(c[0] / c[-1]) / epochs for c in loss], dtype=torch.float64)
            rate_fit = least_squares_slope(lx, torch.log(rates)) if bool((rates > 0).all()) else -math.inf
        return {"parameters": {"n": n, "d": n, "widths": list(widths), "epochs": epochs, "eta": step, "lambda0": lam0,
                               "lambda_max": lam_max, "device": str(ctx.device), "dtype": str(ctx.dtype)},
                "figures": figures,
                "table": {"columns": ["m", "final loss", "final flipped fraction", "max distance", "time (s)",
                                      "GFLOP/s"], "rows": rows},
                "notes": notes + ([f"fitted log–log slope of the max distance against m: {slope:.3f} "
                                   "(the paper: about m^{−1/2})"] if slope is not None else [])
                         + ([f"Section 5's 'faster convergence with larger m', checked as du2019.sec5_rate_trend "
                             f"checks it: log–log slope of the per-epoch rate −ln(L(K)/L(0))/K against m = "
                             f"{rate_fit:.3g}: {'the trend held (> 0)' if rate_fit > 0 else 'the trend FAILED (≤ 0)'}"]
                            if rate_fit is not None else [])}

    for i, m in enumerate(widths, 1):
        ctx.progress(f"m = {m} ({i}/{len(widths)}): {epochs} GD epochs at n = d = {n}")
        W, a = tl.init_weights(m, n, [i], dtype=ctx.dtype, device=ctx.device)
        if ctx.device.type == "cuda":
            torch.cuda.synchronize(ctx.device)
        t0 = time.perf_counter()
        tr = tl.gd_trajectory_fast(W, a, X, y, eta=step, steps=epochs)  # = gd_trajectory to 1e-10 (unit tests)
        if ctx.device.type == "cuda":
            torch.cuda.synchronize(ctx.device)
        seconds = time.perf_counter() - t0
        loss.append((0.5 * tr.residual_sq[0]).tolist())
        flips.append(tr.flips[0].tolist())
        dist.append(tr.max_dist[0].tolist())
        rows.append([m, loss[-1][-1], flips[-1][-1], dist[-1][-1], round(seconds, 2),
                     round(4.0 * n * m * n * epochs / seconds / 1e9, 1)])
        del W, a, tr
        ctx.partial(result())
    return result()


DATA_SEED_SECTION5 = 5  # the data of the Section 5 experiment (its own run: the claims draw theirs from verify.streams)

EXPERIMENTS = [
    Experiment(
        id="du2019.section5",
        title="Section 5: loss, activation-pattern flips and distance from init against m",
        citation=cite("Section 5 (experiments)"),
        run=run_section5_experiment,
        description="n = d = 1000, x uniform on the sphere, y ~ N(0, 1), 100 GD epochs, m from 1024 to 16384 "
                    "(`--size small` runs n = d = 64 for a smoke test)",
    ),
]


CLAIMS = [
    closed_form,
    lambda0_positive,
    duplicate_input,
    antipodal_input,
    antipodal_dependent,
    init_gram_concentration,
    init_lambda_min,
    init_lambda_min_constant_one,
    gram_stability_ball,
    gram_stability_ball_lambda,
    flip_count,
    flip_count_concentrated_init,
    init_residual,
    gf_rate,
    gf_rate_small_width,
    gf_rate_below_floor,
    gf_lemma33,
    gf_invariant,
    gf_lemma34,
    gd_rate,
    gd_rate_large_step,
    gd_rate_small_width,
    gd_distance,
    gd_invariant,
    gd_invariant_small_width,
    gd_step_kernel,
    gf_energy_identity,
    both_layers_identity,
    both_layers_rate,
    both_layers_weights,
    both_layers_invariant,
    both_layers_invariant_small_width,
    both_layers_lemma_a2,
    sec5_distance,
    sec5_distance_exponent,
    sec5_flips,
    sec5_rate,
]


# ---------------------------------------------------------------------------------------------
# coverage map (issue 16): every numbered result of the paper and how the items above cover it
# ---------------------------------------------------------------------------------------------
#
# Numbers and statements were read in a text copy of the ICLR 2019 (OpenReview) version whose displayed formulas are
# stripped: the numbering (Thms 3.1–3.3, 4.1; Lemmas 3.1–3.4, 4.1, A.1, A.2, A.6; Cor 4.1; Condition 4.1; Eq. (7);
# Section 5's three measurements) is confirmed there; formulas hidden in that copy are marked recalled where they
# matter.

def _ids(*names: str) -> tuple[str, ...]:
    return tuple(f"du2019.{name}" for name in names)


COVERAGE = [
    Covered(
        where="Theorem 3.1",
        statement="If no two inputs are parallel (x_i ∦ x_j for i ≠ j), then λ₀ = λ_min(H^∞) > 0",
        status="encoded",
        claims=_ids("lambda0_positive", "lambda0_duplicate_control", "lambda0_antipodal",
                    "lambda0_antipodal_dependent_control"),
        why="the claim on random unit inputs pushed together by a coherence knob, with a duplicated-input control; the "
            "antipodal-pairs characterization (which antipodal inputs keep λ₀ > 0) is our derivation, a check",
    ),
    Covered(
        where="Lemma A.1",
        statement="In the proof of Thm 3.1: the discontinuity set D_i = {w : wᵀx_i = 0} of the feature φ(x_i) is not "
                  "covered by the other inputs' sets D_j when no two inputs are parallel",
        status="not yet",
        why="a step of Thm 3.1's proof (statement recalled, the formula is hidden in the copy read); a finite check "
            "(a random point of D_i lies off every D_j) is possible but adds little beyond Thm 3.1's own claim",
        source="recalled",
    ),
    Covered(
        where="Lemma 3.1",
        statement="m = Ω(n² log(n/δ)/λ₀²) ⇒ w.p. ≥ 1 − δ, ‖H(0) − H^∞‖₂ ≤ λ₀/4 and λ_min(H(0)) ≥ ¾λ₀",
        status="encoded",
        claims=_ids("init_lambda_min", "init_gram_concentration", "init_lambda_min_constant_one"),
        why="the asymptotic statement in a declared practical regime m ≥ 16n²/λ₀² (ours), and the explicit "
            "Hoeffding + union-bound version the proof gives (constant derived); the finding records that constant 1 "
            "without the log fails",
    ),
    Covered(
        where="Lemma 3.2 (first conclusion)",
        statement="w.p. ≥ 1 − δ over W(0), every W with ‖w_r − w_r(0)‖ ≤ R = cδλ₀/n² for all r has ‖H(W) − H(0)‖₂ < λ₀/4",
        status="encoded",
        claims=_ids("gram_stability_ball"),
        why="certified for every W in the ball at once (only patterns with |w_r(0)ᵀx_i| ≤ R can flip), with the "
            "proof's constant c = √(2π)/16 derived from its anti-concentration and Markov steps",
    ),
    Covered(
        where="Lemma 3.2 (second conclusion)",
        statement="on the same event, every W in the ball has λ_min(H(W)) > λ₀/2",
        status="encoded",
        claims=_ids("gram_stability_ball_lambda"),
        why="certified over the whole ball: λ_min(H(0)) minus the flip certificate (Weyl) against λ₀/2, in Lemma 3.1's "
            "declared practical regime m ≥ 16n²/λ₀² (the second conclusion needs λ_min(H(0)) ≥ ¾λ₀ first)",
    ),
    Covered(
        where="Section 3, Eq. (7)",
        statement="Under gradient flow the predictions obey du/dt = H(t)(y − u(t)), H(t)_ij = (1/m) x_iᵀx_j "
                  "Σ_r 1{w_r(t)ᵀx_i ≥ 0, w_r(t)ᵀx_j ≥ 0}",
        status="encoded",
        claims=_ids("gf_energy_identity"),
        why="encoded only by a check: d‖y − u‖²/dt = −2(y − u)ᵀH(y − u) on our flow, against autograd",
    ),
    Covered(
        where="Lemma 3.3",
        statement="If λ_min(H(s)) ≥ λ₀/2 on [0, t], then ‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖² and "
                  "‖w_r(t) − w_r(0)‖ ≤ R′ for every r",
        status="encoded",
        claims=_ids("gf_lemma33"),
        why="R′ = 2√n‖y − u(0)‖/(√m λ₀), the factor 2 derived by integrating the proof's bound (the formula is hidden "
            "in the copy read); the premise is checked on the RK4 grid",
    ),
    Covered(
        where="Lemma 3.4",
        statement="If R′ < R, then for all t ≥ 0: λ_min(H(t)) ≥ λ₀/2, ‖w_r(t) − w_r(0)‖ ≤ R′ and "
                  "‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖²",
        status="encoded",
        claims=_ids("gf_lemma34", "gf_lambda_invariant", "gf_linear_rate"),
        why="where its premise holds, at n = 1 only on a CPU: gf_lemma34 sets the width from the mean residual so that "
            "R′ < R (≈ 1e5–1.2e6 "
            "units at n = 1 with the proof's constants; n = 2 needs ≈ 3e7, the thorough profile on a GPU, not yet run), "
            "certifies "
            "Lemma 3.2's event per seed (λ_min(H(0)) minus the flip certificate > λ₀/2 over the ball) and checks all "
            "three conclusions on the RK4 grid (t ≤ 4/λ₀), seeds with R′ ≥ R vacuous. At n = 1 H(t) is a scalar (the "
            "active fraction) and the invariant cannot be near its bound at these widths, so the run tests Lemma 3.3's "
            "bounds there (tightness ≈ 0.49), not the bootstrap across samples (n ≥ 2, GPU). At the widths the rate claims "
            "run, far below R′ < R, the invariant is gf_lambda_invariant (a declared regime m ≥ 4n²/λ₀², ours) and "
            "the rate gf_linear_rate",
    ),
    Covered(
        where="Theorem 3.2",
        statement="λ₀ > 0, ‖x_i‖ = 1, |y_i| ≤ C, m = Ω(n⁶/(λ₀⁴δ³)) ⇒ w.p. ≥ 1 − δ, "
                  "‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖² for all t (gradient flow, first layer trained)",
        status="encoded",
        claims=_ids("gf_linear_rate", "gf_rate_small_width_control", "gf_rate_below_floor"),
        why="the Ω(·) width hides its constant, so the rate is checked in a declared practical regime "
            "m ≥ max(64, 2n/λ₀) (ours), with the theory's scaling (constant 1) reported beside the empirical "
            "threshold; the finding records the failures below that floor",
    ),
    Covered(
        where="Theorem 3.2 (proof: the explicit width)",
        statement="the width at which the proof closes: R′ < R with ‖y − u(0)‖ bounded by Markov from "
                  "E‖y − u(0)‖² = O(n)",
        status="encoded",
        claims=_ids("gf_linear_rate"),
        why="the proof's width with its constants (derived: Lemma 3.1 by Hoeffding, Markov on E‖y − u(0)‖², Lemma "
            "3.4's R′ < R with Lemma 3.2's c, each event at δ/3) is computed per instance and shown beside the "
            "empirical threshold of gf_linear_rate; the report's tightness table gives their ratio",
    ),
    Covered(
        where="Theorem 3.2 (proof: the initial residual)",
        statement="E‖y − u(0)‖² = O(n) for bounded labels, so by Markov ‖y − u(0)‖² = O(n/δ) w.p. ≥ 1 − δ",
        status="encoded",
        claims=_ids("init_residual"),
        why="encoded only by a check: the exact E‖y − u(0)‖² = ‖y‖² + n/2 of our initialization (derived)",
    ),
    Covered(
        where="Theorem 3.3",
        statement="Training both layers (W and a) by gradient flow, under Thm 3.2's assumptions and a width "
                  "condition with a log(m/δ) factor, gives the same rate ‖y − u(t)‖² ≤ e^{−λ₀t}‖y − u(0)‖²; "
                  "du/dt = (H(t) + G(t))(y − u) with G ⪰ 0",
        status="encoded",
        claims=_ids("both_layers_rate", "both_layers_weights_near_init", "both_layers_kernel"),
        why="the rate and the output weights' movement in a declared practical regime (ours, Thm 3.2's), with the "
            "theorem's own scaling m = n⁶log(m/δ)/(λ₀⁴δ³) (constants 1, solved by Lambert W) beside the threshold; "
            "the dynamics (H + G) is a check against autograd; the width formula is hidden in the copy read "
            "(log(m/δ) recalled)",
    ),
    Covered(
        where="Lemma A.2",
        statement="Both layers trained: if λ_min(H(s)) ≥ λ₀/2 on [0, t], the loss still decays like e^{−λ₀t} "
                  "(d‖y − u‖²/dt ≤ −2(y − u)ᵀH(y − u) since G ⪰ 0)",
        status="encoded",
        claims=_ids("both_layers_lemma_a2", "both_layers_lambda_invariant"),
        why="the both-layer analogue of gf_lemma33: where min_{s ≤ t} λ_min(H(s)) ≥ λ₀/2 on the RK4 grid (H with "
            "a_r(s)², recalled), d‖y − u‖²/dt = −2(y − u)ᵀ(H + G)(y − u) ≤ −λ₀‖y − u‖² at t and the integrated rate; "
            "G(t) ⪰ 0 along the flow is part of both_layers_lambda_invariant (statement and number recalled)",
        source="recalled",
    ),
    Covered(
        where="Lemmas A.3–A.5",
        statement="Both layers trained: distance bounds ‖w_r(t) − w_r(0)‖ ≤ R_w′ and |a_r(t) − a_r(0)| ≤ R_a′ "
                  "under the conditional rate, and Gram stability over the (w, a) ball",
        status="encoded",
        claims=_ids("both_layers_weights_near_init"),
        why="numbers inferred from the copy read (Lemma A.2 and Lemma A.6 are named there, A.5 is cited), statements "
            "recalled; the distance radii are derived as Lemma 3.3's (|da_r/dt| ≤ m^{-1/2}‖w_r‖√n‖y − u‖, "
            "integrated against the rate) with the realized max‖w_r‖ and max|a_r| where the paper bounds them w.h.p.; "
            "the Gram stability over the (w, a) ball is not encoded",
        source="recalled",
    ),
    Covered(
        where="Lemma A.6",
        statement="If R_w′ < R_w and R_a′ < R_a, then for all t ≥ 0: λ_min(H(t)) ≥ λ₀/2, ‖w_r(t) − w_r(0)‖ ≤ R_w′, "
                  "|a_r(t) − a_r(0)| ≤ R_a′ and the loss decays like e^{−λ₀t}",
        status="encoded",
        claims=_ids("both_layers_lambda_invariant", "both_layers_lambda_invariant_small_width_control",
                    "both_layers_weights_near_init", "both_layers_rate"),
        why="the invariant λ_min(H(t)) ≥ λ₀/2 (and G(t) ⪰ 0) with W and a trained, in gf_lambda_invariant's declared "
            "regime m ≥ 4n²/λ₀² (ours), with a control below it (m ≤ 2: H(t) singular); the distances are "
            "both_layers_weights_near_init, the rate both_layers_rate; the premise R_w′ < R_w, R_a′ < R_a is not "
            "checked where it holds (as for Lemma 3.4: widths beyond a CPU)",
        source="recalled",
    ),
    Covered(
        where="Theorem 4.1",
        statement="Under Thm 3.2's assumptions, m = Ω(n⁶/(λ₀⁴δ³)) and η = O(λ₀/n²) ⇒ w.p. ≥ 1 − δ, "
                  "‖y − u(k)‖² ≤ (1 − ηλ₀/2)^k‖y − u(0)‖² for k = 0, 1, 2, …",
        status="encoded",
        claims=_ids("gd_linear_rate", "gd_rate_large_step_control", "gd_rate_small_width_control"),
        why="in a declared practical regime (ours) with steps up to 1/λ_max(H^∞), larger than the theorem's "
            "O(λ₀/n²); the ½ in the rate is recalled (the formula is hidden in the copy read)",
    ),
    Covered(
        where="Section 4 (proof of Theorem 4.1: u(k+1) − u(k) = I₁ + I₂)",
        statement="The prediction step splits into unflipped patterns (I₁ = −ηH(k)(u(k) − y) minus the H^⊥ part) "
                  "and possibly flipped ones (I₂, a perturbation)",
        status="encoded",
        claims=_ids("gd_step_kernel"),
        why="encoded only by a check: a step that flips no pattern moves u by exactly −ηH(k)(u(k) − y), against "
            "autograd",
    ),
    Covered(
        where="Section 4 (proof of Theorem 4.1: the invariant)",
        statement="Along GD, while Condition 4.1 holds, every w_r(k) stays within R′ < R and λ_min(H(k)) ≥ λ₀/2",
        status="encoded",
        claims=_ids("gd_lambda_invariant", "gd_lambda_invariant_small_width_control"),
        why="λ_min(H(k)) ≥ λ₀/2 at every GD step (steps up to 1/λ_max(H^∞)) in a declared regime m ≥ 4n²/λ₀² (ours), "
            "with a control below it (m ≤ 2 units: H(k) is singular)",
    ),
    Covered(
        where="Lemma 4.1",
        statement="w.p. ≥ 1 − δ over the initialization, the number of patterns that can flip within the ball, "
                  "Σ_i |S_i^⊥|, is at most CmnR/δ for a positive constant C",
        status="encoded",
        claims=_ids("flip_count", "flip_count_concentrated_init_control"),
        why="number and 'for some positive constant C' read; the inequality itself is hidden in the copy read "
            "(recalled). C = √(2/π) derived from the same anti-concentration and Markov steps as Lemma 3.2, R = Lemma "
            "3.2's radius, counted over 2048 initializations per example; the control concentrates w_r(0) at 0",
        source="recalled",
    ),
    Covered(
        where="Corollary 4.1",
        statement="If Condition 4.1 (the rate) held up to step k, then ‖w_r(k+1) − w_r(0)‖ ≤ R′ = "
                  "4√n‖y − u(0)‖/(√m λ₀) for every r",
        status="encoded",
        claims=_ids("gd_distance_bound", "sec5_distance_exponent"),
        why="the bound's constant 4 derived (geometric series; the formula is hidden in the copy read); the finding "
            "measures the m^{−1/2} scaling of the distance on Section 5's setup",
    ),
    Covered(
        where="Section 5 (convergence rate against m)",
        statement="With n = d = 1000, x uniform on the sphere, y ~ N(0, 1) and 100 GD epochs: the larger m, the faster "
                  "the convergence",
        status="encoded",
        claims=_ids("sec5_rate_trend"),
        why="the log–log slope of the per-step rate −ln(‖y − u(K)‖²/‖y − u(0)‖²)/K against m must be > 0 (ci: "
            "n = d = 16, m = 64…1024; dev 64; thorough 1000); the experiment du2019.section5 reports the same slope "
            "at the paper's n = d = 1000",
    ),
    Covered(
        where="Section 5 (activation-pattern changes against m)",
        statement="The larger m, the smaller the fraction of activation patterns that changed since init "
                  "(the paper: 'this aims to verify Lemma 3.2')",
        status="encoded",
        claims=_ids("sec5_flip_trend"),
        why="a fitted log–log slope below −0.1 at small n = d (ci: 16), not at the paper's n = d = 1000 (the "
            "experiment du2019.section5 runs that size, unchecked)",
    ),
    Covered(
        where="Section 5 (distance from initialization against m)",
        statement="The larger m, the smaller max_r ‖w_r(k) − w_r(0)‖ (the paper: 'this aims to verify Lemma 3.3 and "
                  "Corollary 4.1')",
        status="encoded",
        claims=_ids("sec5_distance_trend", "sec5_distance_exponent"),
        why="the trend is the claim; the fitted exponent −½ is our finding (the −½ is Cor 4.1's, not Section 5's)",
    ),
]
