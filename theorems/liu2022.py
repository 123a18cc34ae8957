"""Liu, Zhu, Belkin, "Loss landscapes and optimization in over-parameterized non-linear systems and neural
networks", Applied and Computational Harmonic Analysis 2022, arXiv 2003.00307 (seed 000, listed under the
related papers; shared/CLAIMS.md, "Related claims in seed 000"). Implementation: :mod:`impl.pl_star`,
reusing :mod:`impl.two_layer`, :mod:`impl.linear_resnet` and :mod:`impl.implicit`.

What the abstract says [paper]: over-parameterized systems satisfy PL*, a variant of the
Polyak–Łojasiewicz condition, on most of the parameter space; PL* is tied to the condition number of the
tangent kernel; wide neural networks satisfy PL*, which explains (S)GD's convergence to a global minimum.

What is derived here: for any model F with the square loss L = ½‖F − y‖² and K = JJᵀ the tangent kernel,
∇L = Jᵀ(F − y), so ‖∇L‖² = (F − y)ᵀK(F − y) ≥ λ_min(K)‖F − y‖² = 2λ_min(K)·L, exactly. It is checked on
three models of impl/ by comparing each model's own hand-written gradients (two-layer backward, linear
ResNet backprop, implicit differentiation) with a separately computed tangent kernel, and the hand-written
gradient with autograd through the model's forward pass (for the implicit net: through unrolled Picard steps),
so a bug in either (a dropped factor, a wrong weighting, a wrong sign) breaks an equality that otherwise holds to
round-off, and a bug the gradient and the kernel share is still seen by the autograd reference. These three are
implementation checks (issue 15): an identity of the square loss, not a statement of the paper.

What is recalled, not re-read in the paper: the normalisation ½‖∇L‖² ≥ μL of "μ-PL*", that λ_min(K) ≥ μ
in a ball B(w₀, R) around init with R ∝ ‖F(w₀) − y‖/μ gives GD convergence L(w_t) ≤ (1 − ημ)^t L(w₀) for
η ≤ 1/β, and that the wide-net argument goes through a Hessian norm O(1/√m) (hence K(w) ≈ K(w₀) in the
ball). The asymptotic claims below use the observable form of this: along the GD path itself
λ_min(K(w_t)) ≥ μ/2 with μ = λ_min(K(w₀)), and then the loss falls at least as (1 − ημ/2)^t; the ½ is ours
(the same margin Du et al. 2019 use for their H(t)), and the practical width regime is ours, reported with
the empirical threshold. μ = λ_min(K(w₀)) is the network's own constant because the recalled theorem is stated
that way (PL* in a ball around w₀ with μ from the tangent kernel at w₀, the kernel kept well conditioned there by a
Hessian norm O(1/√m)): it is not the constant of a limiting object. The width enters through the theorem's own
premise, that the kernel stays conditioned around w₀, which ``kernel_stays_conditioned`` evaluates at every step
and which fails below the regime (its control at m ≤ 4).

Issue 17 also adds ``essential_nonconvexity`` (a negative loss-Hessian eigenvalue at distance 10⁻¹…10⁻³ from an exact
interpolating minimizer; ``nonconvexity_linear_control``: a model linear in its parameters), ``pl_eps_rate`` (PL*_ε on under-parameterized least squares with the derived μ_ε = σ²_min(1 −
L*/ε): the rate while L ≥ ε and reaching ε within the horizon; ``pl_eps_large_step_control``), and ``hessian_norm_decay`` (the log–log slope of the output's Hessian norm against m at θ₀ and at
a point at fixed distance R, ≤ −¼; Hessian norms by power iteration on double-backward Hessian-vector products) with
``hessian_output_tanh_control`` (a non-linear output layer: no decay).

Issue 17 adds ``pl_star_over_ball`` (PL* at random and adversarial points of the ball B(w₀, R), not only on the
GD path; refuted in our declared regime, a result kept in tests/claims/known.py) and ``sgd_expected_rate`` (the
mean loss of mini-batch SGD over 64 batch sequences against (1 − μη*)^t L(w₀), the rate derived by the paper's
argument) with its large-step control.

The section and theorem numbers could not be confirmed (the public copies the search tool reaches give the
abstract and introduction); they are marked recalled.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Callable, Mapping

import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.impl import implicit as ig
from lemmata.impl import linear_resnet as lr
from lemmata.impl import pl_star as ps
from lemmata.impl import two_layer as tl
from lemmata.verify.trend import least_squares_slope
from lemmata.verify import (Citation, Claim, Covered, Figure, Instance, Kind, Profile, Regime, Tightness, Tolerance,
                    control, per_seed, shared)

PAPER = ("Liu, Zhu, Belkin (2022), Loss landscapes and optimization in over-parameterized non-linear systems "
         "and neural networks, ACHA")
ARXIV = "2003.00307"
DELTA = 0.1  # failure probability allowed per ladder size in the asymptotic claims (⌊δS⌋ seeds)
EPS = 2.0**-52


def cite(where: str, source: str = "paper", note: str = "") -> Citation:
    return Citation(paper=PAPER, where=where, arxiv=ARXIV, source=source, note=note)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# the identity ‖∇L‖² = (F − y)ᵀK(F − y) ≥ 2λ_min(K)·L, on three models
# ---------------------------------------------------------------------------------------------

grad_sq, quad, pl_bound, grad_gap = sp.symbols("grad_sq quad_form pl_bound grad_gap_sq")
IDENTITY = sp.And(sp.Eq(grad_sq, quad), sp.Ge(quad, pl_bound), sp.Eq(grad_gap, 0))

IDENTITY_SYMBOLS = {
    "grad_sq": "‖∇L‖², the squared norm of the model's own hand-written gradient over the trained parameters",
    "quad_form": "(F − y)ᵀK(F − y), K = JJᵀ the tangent kernel computed separately",
    "pl_bound": "2λ_min(K)·L = λ_min(K)‖F − y‖²",
    "grad_gap_sq": "‖∇L − ∇L_autograd‖², the hand-written gradient against autograd through the model's forward "
                   "pass (the independent reference)",
    "roundoff": "64·N·ε·tr(K)·‖F − y‖², N the number of outputs: the round-off scale of the three numbers",
}

ROUNDOFF_C = 64.0
IDENTITY_TOL = Tolerance(
    stderr="roundoff", z=1.0,
    reason="a measured round-off scale, not a standard error: the three numbers are sums over N outputs of "
           "terms bounded by tr(K)‖F − y‖² = ‖J‖_F²‖F − y‖² (eigvalsh is backward stable to ≈ Nε‖K‖₂), so the "
           "allowance is 64·N·ε·tr(K)·‖F − y‖²; the largest error measured over 450 random instances of the "
           "three models was 4.6·N·ε·tr(K)‖F − y‖² (implicit net, two linear solves), a 14× margin. Absolute, "
           "because eᵀKe cancels when F − y lies near K's null space. The squared gradient gap has the same units "
           "(‖∇L‖² ≤ tr(K)‖F − y‖²) and is second order in the error, so it allows a relative gradient error of "
           "about √(64Nε) ≈ 1e-7·√N: a bug moves it by O(1), round-off (and the implicit net's 1e-12 solve) by "
           "less than 1e-20",
)


IDENTITY_RECALLED = ("the section number of the paper where PL* is related to the tangent kernel",)


def identity_check(*, name: str, title: str, note: str,
                   premises: Callable[[Profile], st.SearchStrategy[dict[str, Any]]],
                   run: Callable[[Instance], dict[str, Any]], symbols: dict[str, str], given: str, seeds: int,
                   recalled: tuple[str, ...] = ()) -> Claim:
    """An implementation check (role ``check``) of the identity ‖∇L‖² = (F − y)ᵀK(F − y) ≥ 2λ_min(K)·L on one model:
    EXACT, the statement IDENTITY with IDENTITY_TOL, cited to Sec. 4 (derived) with the section number recalled.

    What varies by model: the id ``name``, title, the citation's ``note`` (how K is formed for this model), premises,
    run, the symbols added to IDENTITY_SYMBOLS, ``given``, seeds, and what more is recalled (after
    IDENTITY_RECALLED)."""
    return Claim(
        id=f"liu2022.{name}",
        title=title,
        citation=cite("Sec. 4 (PL* and the tangent kernel; the identity derived)", "derived", note),
        kind=Kind.EXACT,
        statement=IDENTITY,
        premises=premises,
        run=run,
        tolerance=IDENTITY_TOL,
        symbols={**IDENTITY_SYMBOLS, **symbols},
        given=given,
        recalled=IDENTITY_RECALLED + recalled,
        seeds=seeds,
        role="check",
    )


def _identity_values(g2: torch.Tensor, K: torch.Tensor, e: torch.Tensor, gap: torch.Tensor,
                     valid: torch.Tensor | None = None) -> dict[str, Any]:
    """grad_sq, quad_form, pl_bound, grad_gap_sq and the round-off scale, each per seed, from ‖∇L‖², K (S, N, N),
    e (S, N) and ‖∇L − ∇L_autograd‖² (S,).

    Seeds where ``valid`` (S,) is False get NaN in all five (reported as non-finite).
    """
    e_sq = (e * e).sum(-1)
    N = K.shape[-1]
    out = {
        "grad_sq": g2,
        "quad_form": torch.einsum("si,sij,sj->s", e, K, e),
        "pl_bound": ps.lambda_min(K) * e_sq,  # 2λ_min(K)·L with L = ½‖e‖²
        "grad_gap_sq": gap,
        "roundoff": ROUNDOFF_C * N * EPS * torch.diagonal(K, dim1=-2, dim2=-1).sum(-1) * e_sq,
    }
    if valid is not None:
        out = {k: torch.where(valid, v, torch.full_like(v, math.nan)) for k, v in out.items()}
    return {k: per_seed(v) for k, v in out.items()}


def _autograd_gap(loss: Any, hand: dict[str, torch.Tensor], leaves: dict[str, torch.Tensor]) -> torch.Tensor:
    """‖∇L_hand − ∇L_autograd‖² per seed (S,): ``loss`` (S,) was computed from the ``leaves`` (requires_grad), and
    ``hand`` holds the hand-written gradient of the same leaves by name. Seeds are independent, so the gradient of
    Σ_s L_s gives each seed's own gradient."""
    auto = torch.autograd.grad(loss.sum(), tuple(leaves.values()))
    return sum(((hand[name] - g.detach()) ** 2).flatten(1).sum(-1) for name, g in zip(leaves, auto))


def two_layer_identity_premises(p: Profile) -> st.SearchStrategy[dict[str, Any]]:
    """n unit inputs (coherence pushes them together), width, which layers train, how far a is off ±1."""
    return st.fixed_dictionaries({
        "n": st.integers(1, p.pick(8, 16, 64)), "d": st.integers(1, p.pick(8, 16, 64)),
        "m": st.integers(1, p.pick(64, 256, 1024)), "coherence": st.floats(0.0, 0.99),
        "train_a": st.booleans(), "a_jitter": st.floats(0.0, 1.0), "label_scale": st.floats(0.0, 3.0),
        "seed": st.integers(0, 2**20),
    })


def run_two_layer_identity(inst: Instance) -> dict[str, Any]:
    """Two-layer ReLU net at a random point: init W, a = ±1·(1 + a_jitter·N(0, 1)) so a_r² ≠ 1 is exercised."""
    p = inst.premises
    g = inst.generator(0)
    X = tl.sphere_inputs(p["n"], p["d"], generator=g, coherence=p["coherence"], dtype=inst.dtype, device=inst.device)
    y = tl.bounded_labels(p["n"], generator=g, scale=p["label_scale"], dtype=inst.dtype, device=inst.device)
    W, a = tl.init_weights(p["m"], p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    jitter = torch.randn(inst.S, p["m"], generator=inst.generator(1), dtype=inst.dtype).to(inst.device)
    a = a * (1.0 + p["a_jitter"] * jitter)
    K = ps.two_layer_tangent_kernel(W, a, X, train_a=p["train_a"])
    hand = {"W": tl.grad_w(W, a, X, y)}
    if p["train_a"]:
        hand["a"] = tl.grad_a(W, a, X, y)
    g2 = sum((g * g).flatten(1).sum(-1) for g in hand.values())
    # the reference: autograd through the model's forward pass (tl.loss), never through grad_w/grad_a
    leaves = {"W": W.clone().requires_grad_(True), "a": a.clone().requires_grad_(p["train_a"])}
    trained = {name: leaves[name] for name in hand}
    gap = _autograd_gap(tl.loss(leaves["W"], leaves["a"], X, y), hand, trained)
    return _identity_values(g2, K, tl.predict(W, a, X) - y, gap)


identity_two_layer = identity_check(
    name="identity_two_layer",
    title="‖∇L‖² = (F − y)ᵀK(F − y) ≥ 2λ_min(K)·L for the two-layer ReLU net (W, or W and a, trained), ∇L against "
          "autograd",
    note="∇L = Jᵀ(F − y) ⇒ ‖∇L‖² = (F − y)ᵀJJᵀ(F − y) ≥ λ_min(JJᵀ)‖F − y‖²; section number recalled",
    premises=two_layer_identity_premises,
    run=run_two_layer_identity,
    symbols={"a_jitter": "a_r = ±1·(1 + a_jitter·g_r): the output weights moved off ±1"},
    given="square loss; gradients from two_layer.grad_w/grad_a, kernel from pl_star.two_layer_tangent_kernel "
          "(K_W carries the weights a_r², so it equals Du et al.'s H(W) only while a_r = ±1), the reference "
          "gradient by autograd through two_layer.loss",
    seeds=16,
)


def linear_resnet_identity_premises(p: Profile) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "L": st.integers(1, p.pick(4, 8, 16)), "m": st.integers(1, p.pick(6, 12, 32)),
        "d": st.integers(1, p.pick(6, 12, 32)), "k": st.integers(1, p.pick(4, 8, 16)),
        "n": st.integers(1, p.pick(6, 12, 32)), "w_scale": st.floats(0.0, 1.0), "seed": st.integers(0, 2**20),
    })


def run_linear_resnet_identity(inst: Instance) -> dict[str, Any]:
    """Deep linear ResNet at random hidden weights W_l ~ w_scale·N(0, 1/m) (W = 0 is Zou et al.'s init)."""
    p = inst.premises
    L, m, d, k, n = p["L"], p["m"], p["d"], p["k"], p["n"]
    A, B = lr.gaussian_transforms(d, m, k, inst.seeds, dtype=inst.dtype, device=inst.device)
    g = inst.generator(0)
    X = torch.randn(d, n, generator=g, dtype=inst.dtype).to(inst.device)
    Y = torch.randn(k, n, generator=g, dtype=inst.dtype).to(inst.device)
    W = (p["w_scale"] / math.sqrt(m)) * torch.randn(inst.S, L, m, m, generator=inst.generator(1), dtype=inst.dtype)
    W = W.to(inst.device)
    G = lr.grads(W, A, B, X, Y)
    K = ps.linear_resnet_tangent_kernel(W, A, B, X)
    E = (lr.forward(W, A, B, X) - Y).reshape(inst.S, k * n)
    Wg = W.clone().requires_grad_(True)  # the reference: autograd through lr.loss, never through lr.grads
    gap = _autograd_gap(lr.loss(Wg, A, B, X, Y), {"W": G}, {"W": Wg})
    return _identity_values((G * G).sum((-3, -2, -1)), K, E, gap)


identity_linear_resnet = identity_check(
    name="identity_linear_resnet",
    title="‖∇L‖² = (F − y)ᵀK(F − y) ≥ 2λ_min(K)·L for the deep linear ResNet (all hidden layers trained), ∇L "
          "against autograd",
    note="K = Σ_l (M_l M_lᵀ) ⊗ (H_{l−1}ᵀH_{l−1}) with M_l = B P_{>l}, H_{l−1} = P_{<l}AX (derived)",
    premises=linear_resnet_identity_premises,
    run=run_linear_resnet_identity,
    symbols={"w_scale": "hidden weights W_l ~ w_scale·N(0, 1/m)"},
    given="square loss over all k·n outputs; gradient from linear_resnet.grads (backprop), kernel from "
          "pl_star.linear_resnet_tangent_kernel (a Kronecker sum, no backprop), the reference gradient by autograd "
          "through linear_resnet.loss",
    seeds=16,
)

TRAIN_SETS = (("A", "u"), ("A",), ("u",), ("W",), ("A", "u", "W"))


def implicit_identity_premises(p: Profile) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "N": st.integers(1, p.pick(6, 12, 32)), "d": st.integers(2, p.pick(8, 16, 32)),
        "m": st.integers(2, p.pick(24, 64, 128)), "gamma": st.floats(0.02, 0.4),
        "coherence": st.floats(0.0, 0.5), "train": st.integers(0, len(TRAIN_SETS) - 1),
        "seed": st.integers(0, 2**20),
    })


def run_implicit_identity(inst: Instance) -> dict[str, Any]:
    """Implicit ReLU net (Gao & Gao 2022 model) at init: implicit_grads against gram_ntk, one equilibrium."""
    p = inst.premises
    g = inst.generator(0)
    X = tl.sphere_inputs(p["N"], p["d"], generator=g, coherence=p["coherence"], dtype=inst.dtype, device=inst.device)
    y = tl.bounded_labels(p["N"], generator=g, dtype=inst.dtype, device=inst.device)
    params = ig.init_params(p["m"], p["d"], inst.seeds, gamma=p["gamma"], dtype=inst.dtype, device=inst.device)
    train = TRAIN_SETS[p["train"]]
    fp = ig.solve_equilibrium(params, X)
    grads = ig.implicit_grads(params, X, y, fp=fp, wrt=train)
    K = ig.gram_ntk(params, X, fp=fp, train=train)
    e = ig.predict(params, X, fp=fp)[0] - y
    hand = grads.as_dict()
    g2 = sum((v * v).flatten(1).sum(-1) for v in hand.values())
    # the reference: autograd through ℓ unrolled Picard steps, ‖B‖₂^ℓ ≤ 1e-16 (no adjoint, no activation pattern);
    # a failed solve's ‖B‖₂ estimate may be ≥ 1, and that seed is NaN below anyway
    rho = min(float(fp.norm_B.max()), 0.999)
    ell = int(math.ceil(math.log(1e-16) / math.log(rho))) + 10
    leaves = {name: getattr(params, name).clone().requires_grad_(name in train) for name in ("A", "W", "u")}
    unrolled = ig.unrolled_loss(ig.ImplicitParams(A=leaves["A"], W=leaves["W"], u=leaves["u"], gamma=params.gamma),
                                X, y, iterations=ell)
    gap = _autograd_gap(unrolled, hand, {name: leaves[name] for name in hand})
    # a seed whose forward or adjoint solve failed has no trustworthy gradient: NaN, reported as non-finite
    return _identity_values(g2, K, e, gap, valid=grads.valid)


identity_implicit = identity_check(
    name="identity_implicit",
    title="‖∇L‖² = (F − y)ᵀK(F − y) ≥ 2λ_min(K)·L for the implicit ReLU network (any trained subset of A, u, W), ∇L "
          "against autograd through unrolled Picard steps",
    note="the implicit network is a model F(w) like any other: its NTK is JJᵀ of the implicit Jacobian",
    premises=implicit_identity_premises,
    run=run_implicit_identity,
    symbols={"train": f"index into {TRAIN_SETS}, the trained matrices",
             "gamma": "B = (γ/√m)A; γ ≤ 0.4 keeps ‖B‖₂ < 1 (well-posed) w.h.p."},
    given="square loss; gradients from implicit.implicit_grads (adjoint with R = u·e_i), kernel from "
          "implicit.gram_ntk (adjoint with R = u), both at the same equilibrium solve; the reference gradient by "
          "autograd through unrolled Picard steps (implicit.unrolled_loss), which shares no adjoint with either",
    recalled=("the implicit network's scalings (CLAIMS.md, gao2022)",),
    seeds=8,
)


# ---------------------------------------------------------------------------------------------
# wide two-layer nets: λ_min(K) stays ≥ μ/2 along the GD path, and the loss falls as (1 − ημ/2)^t
# ---------------------------------------------------------------------------------------------

t_sym, eta, mu, lam0, n_sym = sp.symbols("t eta mu lambda0 n")
kernel_ratio, mu_rel, ratio_held, mu_held = sp.symbols("kernel_ratio mu_rel kernel_ratio_held mu_held")
loss_t, loss_0 = sp.symbols("loss loss_0")

MU_FLOOR = 1e-6  # μ/λ_max(K(w₀)) below this: the PL* premise λ_min(K(w₀)) > 0 fails at init (κ > 10⁶)
HORIZON = 8.0  # run t ≤ HORIZON/(ημ) steps: the envelope (1 − ημ/2)^t falls to ≈ e^{−4}
MAX_STEPS = 2000
ETA_FRAC = 0.5  # η = ETA_FRAC/λ_max(K(w₀)) per seed (≤ 1/β near init for the loss' local smoothness)

PATH_SYMBOLS = {
    "t": "GD step", "eta": "step size η = 0.5/λ_max(K(w₀)) (per seed)", "mu": "μ = λ_min(K(w₀)) (per seed)",
    "lambda0": "λ_min(K^∞), the infinite-width kernel H^∞ + G^∞ of the data", "n": "number of samples",
    "m": "width", "d": "input dimension",
    "kernel_ratio": "λ_min(K(w_t))/μ along the GD path", "mu_rel": "μ/λ_max(K(w₀)), the inverse condition number at init",
    "loss": "L(w_t) = ½‖F(w_t) − y‖²", "loss_0": "L(w₀)", "half": "the line ½",
    "t_below_half": "first step with λ_min(K(w_t)) < μ/2 (steps + 1 if never)",
    "kernel_ratio_held": "kernel_ratio on seeds where PL* holds at init (NaN on vacuous seeds)",
    "mu_held": "μ on seeds where PL* holds at init (NaN on vacuous seeds)",
}


def path_premises(p: Profile, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    # ci keeps n ≤ 4, d ≥ 4 and the inputs spread out (λ₀ ≳ 0.2), so (n/λ₀)² falls inside the ladder and a
    # run is ≈ 100 steps; deeper profiles reach coherent data and larger n
    return st.fixed_dictionaries({
        "n": st.integers(2, p.pick(4, 8, 16)), "d": st.integers(p.pick(4, 3, 2), p.pick(8, 16, 32)),
        "coherence": st.floats(0.0, p.pick(0.2, 0.5, 0.7)), "seed": st.integers(0, 2**20), **extra,
    })


def _path_data(inst: Instance) -> tuple[torch.Tensor, torch.Tensor, float]:
    """The data of :func:`path_premises` (n unit inputs of the given coherence, bounded labels, from data stream 0) and
    λ₀ = λ_min(H^∞ + G^∞), the infinite-width kernel of both layers."""
    p = inst.premises
    g = inst.generator(0)
    X = tl.sphere_inputs(p["n"], p["d"], generator=g, coherence=p["coherence"], dtype=inst.dtype, device=inst.device)
    y = tl.bounded_labels(p["n"], generator=g, dtype=inst.dtype, device=inst.device)
    return X, y, float(ps.lambda_min(ps.two_layer_kernel_infinity(X, train_a=True)))


def run_path(inst: Instance) -> dict[str, Any]:
    """GD on both layers from init, recording λ_min(K(w_t)) and the loss at every step."""
    p = inst.premises
    X, y, lambda0 = _path_data(inst)
    W, a = tl.init_weights(p["m"], p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    ev = torch.linalg.eigvalsh(ps.two_layer_tangent_kernel(W, a, X, train_a=True))
    mu_, lmax = ev[:, 0], ev[:, -1]
    ok = mu_ > MU_FLOOR * lmax  # also False where K(w₀) = 0 (every unit dead on every input)
    eta_frac = float(p.get("eta_frac", ETA_FRAC))  # η·λ_max(K(w₀)); only the ball's step-size control changes it
    step = torch.where(lmax > 0, eta_frac / lmax.clamp_min(torch.finfo(lmax.dtype).tiny), torch.zeros_like(lmax))
    kappa = torch.where(ok, lmax / mu_.clamp_min(torch.finfo(mu_.dtype).tiny), torch.full_like(mu_, math.inf))
    # steps from the median seed's condition number: HORIZON/(ημ) = HORIZON·κ/ETA_FRAC
    steps = int(min(MAX_STEPS, max(1, math.ceil(HORIZON * float(kappa.median().clamp(max=1e9)) / ETA_FRAC))))
    path = ps.two_layer_gd_kernel_path(W, a, X, y, eta=step, steps=steps, train_a=True)
    safe_mu = torch.where(ok, mu_, torch.ones_like(mu_)).unsqueeze(-1)
    ratio = path.lambda_min / safe_mu
    below = ratio < 0.5
    first = torch.where(below.any(-1), below.to(torch.int8).argmax(-1), torch.full_like(mu_, steps + 1, dtype=torch.int64))
    # K(w₀) = 0 (every unit dead on every input, common at m = 2) has no conditioning: PL* fails at init, so
    # μ/λ_max reads 0 (the seed is vacuous, as the premise intends), not 0/0 = NaN (which would be non-finite)
    mu_rel = torch.where(lmax > 0, mu_ / lmax, torch.zeros_like(mu_))
    # t = 0 is an identity for both conclusions (ratio 1, L(w₀) ≤ L(w₀)): the arrays start at t = 1
    return {
        "kernel_ratio": per_seed(ratio[:, 1:], "t"), "mu_rel": per_seed(mu_rel), "mu": per_seed(mu_),
        "eta": per_seed(step), "t": shared(path.time[1:], "t"), "loss": per_seed(path.loss[:, 1:], "t"),
        "loss_0": per_seed(path.loss[:, 0]), "half": shared(torch.full((steps,), 0.5, dtype=inst.dtype), "t"),
        "lambda0": lambda0, "n": p["n"], "t_below_half": per_seed(first.to(inst.dtype)),
        # for the tightness figures only: NaN on seeds where PL* fails at init (vacuous seeds), which leaves them out
        "kernel_ratio_held": per_seed(torch.where(ok.unsqueeze(-1), ratio, math.nan)[:, 1:], "t"),
        "mu_held": per_seed(torch.where(ok, mu_, math.nan)),
        # the ball of the local PL* theorem: ‖θ_t − θ₀‖ against R = 2√(2βL(w₀))/μ_ball, with μ_ball = μ/2 (the PL*
        # constant on the path, kernel_stays_conditioned's conclusion) and β = max_t λ_max(K(w_t)) (a lower estimate
        # of the loss's smoothness on the ball: it makes R smaller than the theorem's, the claim stronger)
        "dist": per_seed(path.dist[:, 1:], "t"),
        "radius": per_seed(torch.where(ok, 2 * torch.sqrt(2 * path.lambda_max.amax(-1) * path.loss[:, 0]) / (mu_ / 2),
                                       math.inf)),
    }


def _ladder(sizes: tuple[list[int], list[int], list[int]]):
    def ladder(premises: Mapping[str, Any], profile: Profile) -> list[int]:
        return list(profile.pick(*sizes))
    return ladder


PATH_LADDERS = ([4, 16, 64, 256, 1024], [4, 16, 64, 256, 1024, 4096], [16, 64, 256, 1024, 4096, 16384])
# ours: K(w₀) concentrates around K^∞ at ‖K(w₀) − K^∞‖ ~ n/√m (law of large numbers entrywise), which must be
# small against λ₀ before "λ_min stays ≥ μ/2" can be asked for; measured (S = 32, n ≤ 8, d ≤ 8): the ratio held
# for every seed from m = 64 on wherever (n/λ₀)² was between 63 and 2112, and n = 8, coherence 0.5 (λ₀ ≈ 0.04)
# still failed 7 of 32 seeds at m = 1024 < (n/λ₀)² ≈ 40000, so a regime linear in n/λ₀ would be wrong
PATH_PRACTICAL = sp.Max(64, n_sym**2 / lam0**2)
PATH_THEORY = n_sym**2 / lam0**4
PATH_REGIME_NOTE = ("ours: m ≥ max(64, (n/λ₀)²), λ₀ = λ_min(H^∞ + G^∞); η = 0.5/λ_max(K(w₀)), t ≤ 8/(ημ) steps "
                    "(≤ 2000). The theory column is an order we derived from the recalled argument (‖Hessian of F‖ "
                    "= O(1/√m) over a ball of radius O(√n/λ₀)), hidden constants set to 1")
PATH_REGIME = Regime(size="m", ladder=_ladder(PATH_LADDERS), practical=PATH_PRACTICAL, theory=PATH_THEORY,
                     note=PATH_REGIME_NOTE)


def wide_net_claim(*, name: str, title: str, citation: Citation, conclusion: sp.Basic, tolerance: Tolerance,
                   recalled: tuple[str, ...], symbols: Mapping[str, str], given: str, tightness: Tightness,
                   figures: tuple[Figure, ...] = (), run: Callable[[Instance], dict[str, Any]] = run_path,
                   regime: Regime = PATH_REGIME) -> Claim:
    """A claim about wide two-layer nets (both layers trained) on :func:`path_premises`, decided on the width ladder:
    ASYMPTOTIC, "μ/λ_max(K(w₀)) > MU_FLOOR (PL* at init) ⇒ ``conclusion``", δ = DELTA, 16 seeds, examples_scale ½.

    What varies: the id ``name``, title, citation, the conclusion, its tolerance, what is recalled, symbols, ``given``,
    tightness, figures, and for the ball's search the run (default: the GD path, :func:`run_path`) and the regime's
    note (default PATH_REGIME)."""
    return Claim(
        id=f"liu2022.{name}",
        title=title,
        citation=citation,
        kind=Kind.ASYMPTOTIC,
        statement=sp.Implies(sp.Gt(mu_rel, MU_FLOOR), conclusion),
        premises=lambda p: path_premises(p),
        run=run,
        tolerance=tolerance,
        delta=DELTA,
        regime=regime,
        recalled=recalled,
        symbols=symbols,
        given=given,
        tightness=tightness,
        figures=figures,
        examples_scale=0.5,
        seeds=16,
    )


kernel_stays_conditioned = wide_net_claim(
    name="kernel_stays_conditioned",
    title="Wide two-layer nets: λ_min(K(w_t)) ≥ μ/2, μ = λ_min(K(w₀)), at every step of the GD path (PL* along "
          "the path)",
    citation=cite("abstract ('wide neural networks satisfy the PL* condition'); Sec. 4–5 (section numbers recalled)",
                  "paper", "the abstract states PL* for wide nets; the ½ margin and the path form are ours"),
    conclusion=sp.Ge(kernel_ratio, sp.Rational(1, 2)),
    tolerance=Tolerance(rtol=1e-9, reason="float64 eigvalsh of an n×n kernel: backward error ≈ nε‖K‖₂ ≪ 1e-9·μ/2"),
    recalled=("the Hessian-norm O(1/√m) argument for wide nets and the ball radius (only the theory column uses "
              "them)",),
    symbols=PATH_SYMBOLS,
    given="both layers trained by full-batch GD; seeds with μ/λ_max(K(w₀)) ≤ 1e-6 (PL* fails at init) are vacuous",
    tightness=Tightness(expr=sp.Rational(1, 2) / ratio_held,
                        meaning="½ over the least λ_min(K(w_t))/μ on the path: 1 when the kernel lost half its "
                                "least eigenvalue", reduce="max"),
    figures=(Figure("λ_min(K(w_t))/μ along the GD path against ½ (worst seed)", x="t",
                    ys=("kernel_ratio", "half"), xlabel="GD step t", ylabel="λ_min(K(w_t))/λ_min(K(w₀))",
                    styles=("line", "dashed")),),
)

gd_linear_rate = wide_net_claim(
    name="gd_linear_rate",
    title="Wide two-layer nets: GD converges linearly, L(w_t) ≤ (1 − ημ/2)^t L(w₀) with μ = λ_min(K(w₀))",
    citation=cite("Theorem on local PL* ⇒ GD convergence (number recalled): L(w_t) ≤ (1 − ημ)^t L(w₀) with μ the "
                  "PL* constant in the ball", "recalled",
                  "with λ_min(K) ≥ μ/2 on the path, the recalled rate reads (1 − ημ/2)^t"),
    conclusion=sp.Le(loss_t, (1 - eta * mu / 2) ** t_sym * loss_0),
    tolerance=Tolerance(rtol=1e-9, reason="float64 round-off accumulated over ≤ 2000 GD steps"),
    recalled=("the rate (1 − ημ)^t of the paper's convergence theorem and its step-size condition η ≤ 1/β",
              "the theorem's number"),
    symbols=PATH_SYMBOLS,
    given="both layers trained by full-batch GD, η = 0.5/λ_max(K(w₀))",
    tightness=Tightness(expr=t_sym * sp.log(1 - eta * mu_held / 2) / sp.log(loss_t / loss_0),
                        meaning="the envelope's decay exponent over the measured one at the last step",
                        reduce="last"),
    figures=(Figure("L(w_t) against the envelope (1 − ημ/2)^t L(w₀) (worst seed)", x="t",
                    ys=("lhs", "rhs"), xlabel="GD step t", ylabel="loss", logy=True, styles=("line", "dashed")),),
)


dist_sym, radius = sp.symbols("dist radius")

gd_stays_in_ball = wide_net_claim(
    name="gd_stays_in_ball",
    title="Local PL* theorem: GD with η ≤ 1/β stays in the ball B(w₀, R), R = 2√(2βL(w₀))/μ, where a global "
          "minimizer lies (wide two-layer nets, both layers trained)",
    citation=cite("the local PL* convergence theorem (number recalled): μ-PL* on B(w₀, R) with R = 2√(2βL(w₀))/μ "
                  "⇒ a solution exists in the ball and GD converges to it inside the ball", "recalled",
                  "R from Σ_t η‖∇L(w_t)‖ ≤ Σ_t η√(2βL(w_t)) with L(w_t) ≤ (1 − ημ)^t L(w₀)"),
    conclusion=sp.Le(dist_sym, radius),
    tolerance=Tolerance(rtol=1e-9, reason="float64 round-off of a distance accumulated over ≤ 2000 GD steps"),
    recalled=("the theorem's number and its radius R = 2√(2βL(w₀))/μ",
              "β = max_t λ_max(K(w_t)) on the path stands for the loss's smoothness on the ball (a lower estimate: "
              "the ball checked is no larger than the theorem's)"),
    symbols={**PATH_SYMBOLS, "dist": "‖θ_t − θ₀‖, all trained parameters", "radius": "R = 2√(2βL(w₀))/(μ/2), β = "
             "max_t λ_max(K(w_t)), μ/2 the PL* constant on the path"},
    given="both layers trained by full-batch GD, η = 0.5/λ_max(K(w₀)); PL* on the ball read as λ_min(K) ≥ μ/2 "
          "(kernel_stays_conditioned); seeds with μ/λ_max(K(w₀)) ≤ 1e-6 are vacuous",
    tightness=Tightness(expr=dist_sym / radius, meaning="‖θ_t − θ₀‖ over R, worst step (1 = the path reaches the "
                                                        "ball's boundary)"),
    figures=(Figure("‖θ_t − θ₀‖ against the ball's radius R (worst seed)", x="t", ys=("lhs", "rhs"),
                    xlabel="GD step t", ylabel="distance from init", logy=True, styles=("line", "dashed")),),
)

gd_ball_large_step = control(
    gd_stays_in_ball,
    name="gd_ball_large_step_control",
    kind=Kind.EXACT,
    premises=lambda p: path_premises(p, m=st.integers(64, 256), eta_frac=st.floats(3.0, 6.0)),
    broken="η ≤ 1/β (here η = 3–6/λ_max(K(w₀)), past the stability limit 2/λ_max)",
    title="Control of the ball: with η past 2/λ_max(K(w₀)) GD leaves B(w₀, R)",
)


def small_width_premises(p: Profile) -> st.SearchStrategy[dict[str, Any]]:
    # m(d + 1) ≥ 2·5 = 10 parameters for n ≤ 4 samples, so K(w₀) can be (and mostly is) full rank: PL* holds at
    # init, and seeds where it does not are vacuous (the Implies condition), so a break is a collapse on the path
    return path_premises(p, m=st.integers(2, 4))


def small_width_control(parent: Claim, *, name: str, title: str, broken: str = "m large (here m ≤ 4 hidden units)"
                        ) -> Claim:
    """The width control of a path claim: the parent's conclusion, decided as EXACT, at widths m ≤ 4
    (:func:`small_width_premises`). What varies: the parent, the control's id ``name``, title and ``broken``."""
    return control(parent, name=name, kind=Kind.EXACT, premises=small_width_premises, broken=broken, title=title)


kernel_small_width = small_width_control(
    kernel_stays_conditioned,
    name="kernel_small_width_control",
    broken="m large (here m ≤ 4 hidden units): K(w₀) is well conditioned (PL* at init) but not in a ball",
    title="Control: at width m ≤ 4 the tangent kernel's λ_min collapses below μ/2 along the GD path",
)

gd_rate_small_width = small_width_control(
    gd_linear_rate,
    name="gd_rate_small_width_control",
    title="Control: at width m ≤ 4 the rate (1 − ημ/2)^t with μ = λ_min(K(w₀)) fails on the GD path",
)


# ---------------------------------------------------------------------------------------------
# issue 17: PL* uniformly over the ball B(w₀, R) (not only on the GD path), and SGD under PL*
# ---------------------------------------------------------------------------------------------

BALL_MU_FRAC = 0.5  # μ = ½λ_min(K(w₀)): the paper's μ = λ_min(K(w₀)) minus a Hessian term, that term taken ≤ ½ (ours)
BALL_RANDOM = 16  # random points per seed (radii R/16, 2R/16, …, R)
BALL_ADVERSARIAL = 4  # of them, the ones (largest radii) that then descend on the PL* ratio


def run_ball_pl(inst: Instance) -> dict[str, Any]:
    """PL* at points spread over B(w₀, R), R = 2√(2βL(w₀))/μ with μ = ½λ_min(K(w₀)) and β = λ_max(K(w₀)): random
    directions at radii up to R, plus a projected descent on ‖∇L‖²/(2L) inside the ball from the outermost ones."""
    p = inst.premises
    X, y, lambda0 = _path_data(inst)
    W0, a0 = tl.init_weights(p["m"], p["d"], inst.seeds, dtype=inst.dtype, device=inst.device)
    ev = torch.linalg.eigvalsh(ps.two_layer_tangent_kernel(W0, a0, X, train_a=True))
    mu0, beta = ev[:, 0], ev[:, -1]
    ok = mu0 > MU_FLOOR * beta
    mu_ball = BALL_MU_FRAC * mu0
    L0 = tl.loss(W0, a0, X, y)
    radius = torch.where(ok, 2 * torch.sqrt(2 * beta * L0) / mu_ball.clamp_min(torch.finfo(mu0.dtype).tiny),
                         torch.zeros_like(mu0))
    W, a = ps.ball_points(W0, a0, radius, count=BALL_RANDOM, generator=inst.generator(1))
    Wa, aa = ps.pl_ratio_descent(W[:, -BALL_ADVERSARIAL:], a[:, -BALL_ADVERSARIAL:], W0, a0, X, y, radius,
                                 steps=inst.profile.pick(8, 16, 32))
    g2, L = ps.pl_ratio(torch.cat([W, Wa], 1), torch.cat([a, aa], 1), X, y)
    ratio = g2 / (2 * mu_ball.unsqueeze(1) * L).clamp_min(1e-300)  # ½‖∇L‖²/(μL) ≥ 1 is PL*
    worst = ratio.min(1).values
    mu_rel = torch.where(beta > 0, mu0 / beta, torch.zeros_like(mu0))
    return {"pl_ratio": per_seed(worst), "mu_rel": per_seed(mu_rel), "lambda0": lambda0, "n": p["n"],
            "radius": per_seed(radius), "pl_ratio_random": per_seed(ratio[:, :BALL_RANDOM].min(1).values),
            "pl_ratio_adversarial": per_seed(ratio[:, BALL_RANDOM:].min(1).values)}


pl_ratio_sym = sp.Symbol("pl_ratio")

pl_star_over_ball = wide_net_claim(
    name="pl_star_over_ball",
    title="Wide two-layer nets: PL* holds uniformly over B(w₀, R), ½‖∇L(w)‖² ≥ μL(w) with μ = ½λ_min(K(w₀)), "
          "R = 2√(2βL(w₀))/μ, at random and adversarial points of the ball",
    citation=cite("the wide-network PL* theorem (number recalled): μ-PL* in B(w₀, R) with μ = λ_min(K(w₀)) minus a term "
                  "in the Hessian norm of the network, O(1/√m), over the ball", "recalled",
                  "the Hessian term taken ≤ ½λ_min(K(w₀)) (ours); β = λ_max(K(w₀)), the Gauss–Newton part of the "
                  "loss's Hessian at init, a lower estimate of its smoothness on the ball (the ball checked is no "
                  "larger than the theorem's)"),
    conclusion=sp.Ge(pl_ratio_sym, 1),
    run=run_ball_pl,
    tolerance=Tolerance(rtol=1e-9, reason="float64 round-off of ‖∇L‖² and L (sums of ≤ m·n products of O(1) terms)"),
    regime=replace(PATH_REGIME, note=PATH_REGIME_NOTE + "; the ball's points are not GD iterates: 16 random directions "
                   "at radii R/16 … R per seed, and projected descent (8 steps of R/8 in ci) on log(‖∇L‖²/2L) from "
                   "the 4 outermost"),
    recalled=("the theorem's number, its μ (λ_min(K(w₀)) minus a Hessian-norm term) and its radius R = 2√(2βL(w₀))/μ",),
    symbols={"pl_ratio": "min over the ball's sampled and adversarial points of ½‖∇L(w)‖²/(μL(w)), μ = ½λ_min(K(w₀))",
             "mu_rel": PATH_SYMBOLS["mu_rel"], "lambda0": PATH_SYMBOLS["lambda0"], "n": "number of samples",
             "radius": "R = 2√(2βL(w₀))/μ, β = λ_max(K(w₀))", "pl_ratio_random": "the minimum over the random points",
             "pl_ratio_adversarial": "the minimum over the adversarial points"},
    given="both layers are the parameters (W, a); the ball is in the joint Euclidean norm; seeds with "
          "μ/λ_max(K(w₀)) ≤ 1e-6 (PL* fails at init) are vacuous. A search, not a certificate: the points tried are "
          "the evidence",
    tightness=Tightness(expr=1 / pl_ratio_sym, meaning="μ over the least ½‖∇L‖²/L found in the ball (1: PL* with "
                                                       "constant μ is tight there)", reduce="max"),
)


SGD_MARGIN = 2.0  # the smoothness constants on the ball taken as twice their values at init (ours)
SGD_HORIZON = 4.0  # run t ≤ 4/(μη*) steps: the bound falls to ≈ e^{−4}
SGD_MAX_STEPS = 1000


def sgd_premises(p: Profile, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    widths = p.pick([256, 512], [256, 512, 1024, 2048], [256, 1024, 4096])
    return path_premises(p, m=st.sampled_from(widths), batch=st.integers(1, 4), **extra)


def run_sgd(inst: Instance) -> dict[str, Any]:
    """S independent SGD runs from one initialization (the premise seed), differing only in their mini-batches;
    the mean loss per step against (1 − μη*)^t L(w₀), with its standard error."""
    p = inst.premises
    X, y, lambda0 = _path_data(inst)
    n, s = p["n"], min(p["batch"], p["n"])
    W1, a1 = tl.init_weights(p["m"], p["d"], [inst.base], dtype=inst.dtype, device=inst.device)
    K0 = ps.two_layer_tangent_kernel(W1, a1, X, train_a=True)[0]
    ev = torch.linalg.eigvalsh(K0)
    mu = BALL_MU_FRAC * float(ev[0])  # the ball's PL* constant (pl_star_over_ball)
    lam = SGD_MARGIN * float(ev[-1])  # smoothness of L
    beta = SGD_MARGIN * float(torch.diagonal(K0).max())  # ‖∇ℓ_i‖² = 2ℓ_i K_ii ≤ 2βℓ_i
    eta_star = mu * s / (lam * (mu * (s - 1) + beta * n)) if mu > 0 else 0.0
    eta_ = float(p.get("eta_over_lmax", 0.0)) / float(ev[-1]) if p.get("eta_over_lmax") else eta_star
    steps = int(min(SGD_MAX_STEPS, max(1, math.ceil(SGD_HORIZON / max(mu * eta_star, 1e-12)))))
    S = inst.S
    W0, a0 = W1.expand(S, -1, -1).clone(), a1.expand(S, -1).clone()
    counts = ps.sgd_batch_counts(n, s, steps, inst.seed_generators(1))
    L = ps.two_layer_sgd_losses(W0, a0, X, y, eta=eta_, counts=counts)
    mean = L.mean(0)
    se = L.std(0) / math.sqrt(S)
    t = torch.arange(steps + 1, dtype=inst.dtype)
    bound = (1 - mu * eta_star) ** t * float(L[0, 0])
    return {"mean_loss": shared(mean[1:], "t"), "loss_se": shared(se[1:], "t"), "bound": shared(bound[1:], "t"),
            "mu_rel": float(ev[0] / ev[-1]) if float(ev[-1]) > 0 else 0.0, "t": shared(t[1:], "t"),
            "eta_star": eta_star, "eta": eta_, "lambda0": lambda0, "mu": mu, "loss_0": float(L[0, 0])}


mean_loss, sgd_bound, eta_star_sym = sp.symbols("mean_loss bound eta_star")

sgd_expected_rate = Claim(
    id="liu2022.sgd_expected_rate",
    title="SGD under PL*: E[L(w_t)] ≤ (1 − μη*)^t L(w₀) with η* = μs/(λ(μ(s − 1) + βn)), mini-batch size s (wide "
          "two-layer nets, both layers trained)",
    citation=cite("the SGD convergence theorem under PL* (number recalled): with each ℓ_i β-smooth and μ-PL* in a "
                  "ball, SGD with a small enough step converges exponentially in expectation", "derived",
                  "the rate and η* derived here by the paper's argument (descent lemma with L λ-smooth, E‖g‖² = "
                  "(n/s)Σ‖∇ℓ_i‖² + (1 − 1/s)‖∇L‖², ‖∇ℓ_i‖² ≤ 2βℓ_i, PL*); the paper's own constants are recalled, not "
                  "read. μ = ½λ_min(K(w₀)), λ = 2λ_max(K(w₀)), β = 2max_i K_ii(w₀): the margins are ours"),
    kind=Kind.EXACT,
    statement=sp.Implies(sp.Gt(mu_rel, MU_FLOOR), sp.Le(mean_loss, sgd_bound)),
    premises=lambda p: sgd_premises(p),
    run=run_sgd,
    tolerance=Tolerance(stderr="loss_se", z=4.0, reason="Monte Carlo mean over S = 64 mini-batch sequences: 4 "
                                                        "standard errors per step (a false alarm at one step has "
                                                        "probability ≈ 3e-5 under the CLT)"),
    recalled=("the SGD theorem's number, step size and rate (the form used is derived from the paper's argument)",),
    symbols={"mean_loss": "mean over S mini-batch sequences of L(w_t) (one shared initialization)",
             "loss_se": "its standard error", "bound": "(1 − μη*)^t L(w₀)", "t": "SGD step",
             "mu_rel": PATH_SYMBOLS["mu_rel"], "eta_star": "η* = μs/(λ(μ(s − 1) + βn))", "eta": "the step used",
             "batch": "mini-batch size s (drawn with replacement)", "lambda0": PATH_SYMBOLS["lambda0"],
             "mu": "μ = ½λ_min(K(w₀))", "loss_0": "L(w₀)"},
    given="in expectation over the mini-batches at one initialization (seeds differ only in their batches); g_t = "
          "(n/s)Σ_{j∈B_t}∇ℓ_{i_j}, unbiased for ∇L = Σ_i∇ℓ_i; m ∈ {256, 512} in ci (up to 4096 deeper); t ≤ 4/(μη*) "
          "(≤ 1000) steps",
    figures=(Figure("mean SGD loss against (1 − μη*)^t L(w₀)", x="t", ys=("lhs", "rhs"), xlabel="SGD step t",
                    ylabel="loss", logy=True, styles=("line", "dashed")),),
    tightness=Tightness(expr=t_sym * sp.log(1 - mu * eta_star_sym) / sp.log(mean_loss / loss_0),
                        meaning="the bound's decay exponent over the measured mean loss's, at the last step (1: the "
                                "mean loss falls exactly at the rate μη*)", reduce="last"),
    examples_scale=0.5,
    seeds=64,
)

sgd_large_step = control(
    sgd_expected_rate,
    name="sgd_large_step_control",
    premises=lambda p: sgd_premises(p, eta_over_lmax=st.floats(3.0, 6.0)),
    broken="η ≤ η* (here η = 3–6/λ_max(K(w₀)), past GD's stability limit 2/λ_max)",
    title="Control: SGD with a step past 2/λ_max(K(w₀)) does not follow (1 − μη*)^t",
)


# ---------------------------------------------------------------------------------------------
# the Hessian of a wide network's output is Õ(1/√m) in a ball of fixed radius (issue 17)
# ---------------------------------------------------------------------------------------------

HESS_SLOPE_MAX = -0.25  # declared before measuring: −½ plus ¼ for Õ's log factor (1/ln m = 0.24 at m = 64, the ci ladder's centre)
HESS_ITERS = 30


def _hess_widths(p: Profile) -> tuple[int, ...]:
    return p.pick((16, 64, 256), (16, 64, 256, 512), (16, 64, 256, 512, 1024))  # dev at m = 1024: 2.7 GB, 43 s/example


def hessian_premises(p: Profile) -> st.SearchStrategy[dict[str, Any]]:
    """Input dimension d, the ball's radius R (fixed, independent of m), a seed."""
    return st.fixed_dictionaries({"d": st.integers(2, 8), "radius": st.floats(0.25, 2.0),
                                  "seed": st.integers(0, 2**20)})


def run_hessian_norm(inst: Instance, *, output_tanh: bool = False) -> dict[str, Any]:
    """Per width m: ‖∂²f/∂θ²‖₂ at θ₀ and at a random point on the sphere of radius R around θ₀, for two unit
    inputs, by power iteration on Hessian-vector products; the max over points and inputs per seed, averaged
    in log over the seeds; the log–log slope against m."""
    p = inst.premises
    d, R = p["d"], p["radius"]
    gx = inst.generator(0)
    widths = _hess_widths(inst.profile)
    S = inst.S
    P, NX = 2, 2  # points (θ₀, one on the sphere of radius R) and inputs per seed
    xs = torch.randn((NX, d), generator=gx, dtype=inst.dtype)
    xs = xs / xs.norm(dim=1, keepdim=True)
    log_h = []
    for m in widths:
        parts = [ps.deep_tanh_init(1, d, m, generator=torch.Generator().manual_seed(int(sd) * 7919 + m),
                                   dtype=inst.dtype) for sd in inst.seeds]
        theta0 = [torch.cat([q[i] for q in parts]) for i in range(3)]  # (S, …) each
        gd = inst.generator(1 + m % 1000)
        dirs = [torch.randn(t.shape, generator=gd, dtype=inst.dtype) for t in theta0]
        nrm = torch.sqrt(sum((t * t).flatten(1).sum(1) for t in dirs))
        ball = [t + R * u / nrm.reshape(-1, *([1] * (u.dim() - 1))) for t, u in zip(theta0, dirs)]
        # copies ordered (point, input, seed)
        params = [torch.cat([torch.cat([a, b]) for _ in range(NX)]) for a, b in zip(theta0, ball)]
        x = xs.repeat_interleave(P * S, dim=0)  # (NX·P·S, d)
        params = [q.to(inst.device) for q in params]
        h = ps.hessian_spectral_norm(lambda a, b, c: ps.deep_tanh_output(a, b, c, x.to(inst.device),
                                                                         output_tanh=output_tanh),
                                     params, iters=HESS_ITERS, generator=inst.generator(2))
        h = h.reshape(NX * P, S).amax(0)  # (S,): the max over points and inputs
        log_h.append(torch.log(h.clamp_min(1e-300)))
    L = torch.stack(log_h, 1)  # (S, W)
    lw = torch.log(torch.tensor(widths, dtype=torch.float64))
    mean_log = L.mean(0).cpu().to(torch.float64)
    return {"hess_slope": least_squares_slope(lw, mean_log),
            "hess_norm": shared(torch.exp(mean_log), "width"),
            "hess_sqrt_m": shared(torch.exp(mean_log) * torch.sqrt(torch.exp(lw)), "width"),
            "widths": shared(torch.exp(lw), "width")}


hess_slope = sp.Symbol("hess_slope")

hessian_norm_decay = Claim(
    id="liu2022.hessian_norm_decay",
    title="The Hessian of a wide network's output is Õ(1/√m) in a ball of fixed radius around init: the log–log slope "
          "of ‖∂²f/∂θ²‖₂ (max over θ₀ and a point at distance R, two inputs) against m is at most −¼",
    citation=cite("the Hessian-norm bound for wide networks (section on wide neural networks; imported from Liu, Zhu, "
                  "Belkin 2020, 'On the linearity of large non-linear models', Thm 3.2; numbers recalled)", "recalled",
                  "Õ(1/√m) read as a log–log slope ≤ −½ + ¼ over m = 16 … 256 (ci; to 512 in dev, 1024 in thorough) (the ¼ allows one log factor); the "
                  "network (two tanh hidden layers, NTK parametrization, linear output) is ours within the theorem's "
                  "class (smooth activations, linear last layer)"),
    kind=Kind.TREND,
    statement=sp.Le(hess_slope, HESS_SLOPE_MAX),
    premises=hessian_premises,
    run=run_hessian_norm,
    tolerance=Tolerance(atol=0.0, reason="none beyond the declared slope −¼ (= −½ plus ¼ for the Õ's log factor, "
                                         "declared before measuring); power iteration (30 Hessian-vector products) "
                                         "estimates ‖H‖ from below, its error a few percent at every width, which "
                                         "moves the slope by ≪ 0.05"),
    recalled=("the theorem's statement and number (Liu, Zhu, Belkin 2020, Thm 3.2) and that the 2022 paper restates it",),
    seeds=8,
    examples_scale=0.25,
    symbols={"hess_slope": "log–log slope of exp(mean over seeds of log max ‖∂²f/∂θ²‖₂) against m",
             "hess_norm": "geometric mean over seeds of the max Hessian norm", "hess_sqrt_m": "that times √m",
             "widths": "m"},
    given="f = vᵀtanh(W2 tanh(W1x/√d)/√m)/√m, all entries N(0, 1) at θ₀, unit inputs; the points: θ₀ and θ₀ + R·u, u "
          "uniform on the unit sphere of parameter space (R the premise, fixed in m); ‖H‖ by power iteration "
          "(impl.pl_star.hessian_spectral_norm, checked against the exact Hessian in the unit tests). Sampled points, "
          "not a certified supremum over the ball",
    figures=(Figure("‖∂²f/∂θ²‖ against m", x="widths", ys=("hess_norm",), xlabel="m", ylabel="‖H‖₂", logx=True,
                    logy=True, styles=("points",)),
             Figure("√m·‖∂²f/∂θ²‖ against m (flat: the 1/√m rate)", x="widths", ys=("hess_sqrt_m",), xlabel="m",
                    ylabel="√m‖H‖₂", logx=True, styles=("points",))),
    tightness=Tightness(HESS_SLOPE_MAX / hess_slope, "the declared slope −¼ over the measured log–log slope of the "
                        "Hessian norm against m (1: it decays exactly as slowly as the claim allows; ½: at the Õ(1/√m) "
                        "of the theorem; smaller: faster)", reduce="min"),
)

hessian_output_tanh_control = control(
    hessian_norm_decay,
    name="hessian_output_tanh_control",
    premises=hessian_premises,
    run=lambda inst: run_hessian_norm(inst, output_tanh=True),
    broken="a linear output layer (here tanh(f): its Hessian gains σ''(f)∇f∇fᵀ, whose norm ≈ |σ''(f)|·K(x, x) stays "
           "Θ(1) in m)",
    title="Control: with a non-linear output layer the Hessian does not decay with m",
)


# ---------------------------------------------------------------------------------------------
# PL*_ε: GD reaches loss ε at an exponential rate where PL* holds for L ≥ ε (issue 17)
# ---------------------------------------------------------------------------------------------


def pl_eps_premises(p: Profile, *, eta_frac: st.SearchStrategy[float] | None = None,
                    init: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """An under-parameterized linear system (n > 2p, noisy labels: L* > 0): its size, conditioning κ of X, label
    noise, ε/L*, η·β and the initial direction ('slow': along X's smallest singular direction)."""
    return st.fixed_dictionaries({
        "n": st.integers(8, p.pick(32, 64, 128)), "p": st.integers(1, 6), "kappa": st.floats(1.0, 5.0),
        "noise": st.floats(0.1, 1.0), "eps_ratio": st.floats(1.25, 4.0),
        "eta_frac": eta_frac if eta_frac is not None else st.floats(0.25, 1.0),
        "init": init if init is not None else st.sampled_from(["gauss", "slow"]), "seed": st.integers(0, 2**20),
    })


PL_EPS_MAX_STEPS = 20000  # a cap that the premises' box never reaches (T ≤ log(10⁴)/(¼·⅕/25) ≈ 4600 steps)


def run_pl_eps(inst: Instance) -> dict[str, Any]:
    """GD on ½‖Xw − y‖² (n > p, L* > 0) from S starting points with L₀ ≈ 25–100·L*: the loss against (1 − ημ_ε)^t L₀
    while every earlier loss was ≥ ε, and the least loss within T_ε = ⌈ln(L₀/ε)/(−ln(1 − ημ_ε))⌉ steps against ε."""
    q = inst.premises
    n = q["n"]
    pdim = max(1, min(q["p"], n // 2))
    g = inst.generator(0)
    U, _ = torch.linalg.qr(torch.randn((n, pdim), generator=g, dtype=inst.dtype))
    V, _ = torch.linalg.qr(torch.randn((pdim, pdim), generator=g, dtype=inst.dtype))
    sv = torch.linspace(q["kappa"], 1.0, pdim, dtype=inst.dtype)  # σ_max = κ … σ_min = 1
    X = (U * sv) @ V.T
    y = X @ torch.randn(pdim, generator=g, dtype=inst.dtype) + q["noise"] * torch.randn(n, generator=g, dtype=inst.dtype)
    w_star = torch.linalg.lstsq(X, y.unsqueeze(-1)).solution.squeeze(-1)
    L_star_direct = 0.5 * ((X @ w_star - y) ** 2).sum()
    eps = q["eps_ratio"] * float(L_star_direct)
    mu, L_star, beta = ps.least_squares_pl_eps(X, y, eps)
    eta = q["eta_frac"] / float(beta)
    # starting points: w* + c·u with ‖X c u‖² = 2·(25…100)·L* (per seed), u Gaussian or along the slow direction
    gs = inst.seed_generators(1)
    u = torch.stack([torch.randn(pdim, generator=gi, dtype=inst.dtype) for gi in gs])  # (S, p)
    if q["init"] == "slow":
        u = V[:, -1].unsqueeze(0) + 0.05 * u
    scale = torch.tensor([25.0 + 75.0 * torch.rand((), generator=gi, dtype=inst.dtype).item() for gi in gs],
                         dtype=inst.dtype)
    Xu = u @ X.T
    c = torch.sqrt(2.0 * scale * L_star_direct / (Xu * Xu).sum(-1))
    w0 = w_star + c.unsqueeze(1) * u
    L0 = 0.5 * ((w0 @ X.T - y) ** 2).sum(-1)
    rate = 1.0 - eta * float(mu)
    T = math.ceil(math.log(float(L0.max()) / eps) / -math.log(rate)) if 0.0 < rate < 1.0 else PL_EPS_MAX_STEPS
    T = min(T, PL_EPS_MAX_STEPS)
    losses = ps.least_squares_gd(X.to(inst.device), y.to(inst.device), w0.to(inst.device), eta=eta, steps=T).cpu()
    t = torch.arange(T + 1, dtype=inst.dtype)
    bound = (rate ** t).unsqueeze(0) * L0.unsqueeze(1)  # (S, T + 1)
    above = losses >= eps
    # the rate applies at step t while every loss before t was ≥ ε (PL*_ε's premise along the path)
    active = torch.cat([torch.ones_like(above[:, :1]), torch.cumprod(above[:, :-1].to(torch.int64), 1).bool()], 1)
    T_seed = torch.ceil(torch.log(L0 / eps) / -math.log(rate)) if 0.0 < rate < 1.0 else torch.full_like(L0, T)
    within = t.unsqueeze(0) <= T_seed.unsqueeze(1)
    least = torch.where(within, losses, torch.full_like(losses, math.inf)).amin(1)
    # steps outside the premise (an earlier loss already below ε) are recorded as 0: nothing is claimed there
    return {"rate_ratio": per_seed(torch.where(active, losses / bound, torch.zeros_like(losses)), "step"),
            "reach_ratio": per_seed(least / eps),
            "mu_eps": shared(mu), "L_star": shared(L_star), "eps": shared(torch.tensor(eps, dtype=inst.dtype)),
            "horizon": per_seed(T_seed)}


rate_ratio, reach_ratio = sp.symbols("rate_ratio reach_ratio")

pl_eps_rate = Claim(
    id="liu2022.pl_eps_rate",
    title="PL*_ε: where ½‖∇L‖² ≥ μL holds whenever L ≥ ε, GD with η ≤ 1/β has L(w_t) ≤ (1 − ημ)^t L(w₀) while L ≥ ε, "
          "and reaches L ≤ ε within ⌈ln(L₀/ε)/(−ln(1 − ημ))⌉ steps (an under-parameterized linear system, L* > 0)",
    citation=cite("the PL*_ε relaxation for almost over-parameterized systems (abstract: 'we propose a relaxation of "
                  "PL*'; its definition and theorem recalled, numbers not confirmed)", "recalled",
                  "μ_ε = σ²_min(X)(1 − L*/ε) is derived for least squares (impl.pl_star.least_squares_pl_eps), "
                  "independently of the run; the rate form (1 − ημ)^t with η ≤ 1/β is recalled (it is the descent "
                  "lemma's, as in the PL* theorem)"),
    kind=Kind.EXACT,
    statement=sp.And(sp.Le(rate_ratio, 1), sp.Le(reach_ratio, 1)),
    premises=lambda p: pl_eps_premises(p),
    run=run_pl_eps,
    tolerance=Tolerance(rtol=1e-9, reason="float64 round-off in ≤ 5000 GD steps on a ≤ 128 × 6 system (relative "
                                          "error ≲ 1e-12 per step, accumulated ≲ 1e-9); μ_ε and T are not fitted"),
    recalled=("the definition of PL*_ε and its theorem's form (rate (1 − ημ)^t while L ≥ ε, η ≤ 1/β)",),
    seeds=8,
    examples_scale=0.5,
    symbols={"rate_ratio": "L(w_t)/((1 − ημ_ε)^t L(w₀)) at the steps t whose earlier losses were all ≥ ε (0 elsewhere)",
             "reach_ratio": "min_{t ≤ T_ε} L(w_t)/ε, T_ε = ⌈ln(L₀/ε)/(−ln(1 − ημ_ε))⌉",
             "mu_eps": "μ_ε = σ²_min(X)(1 − L*/ε)", "L_star": "L* = min L > 0", "eps": "ε = eps_ratio·L*",
             "horizon": "T_ε per seed"},
    given="X = U diag(κ … 1) Vᵀ (n × p, n > 2p, U, V random orthonormal), y = Xw + noise·g, L = ½‖Xw − y‖² "
          "(L* > 0: not interpolating), η = eta_frac/σ²_max(X); the 'slow' start lies along X's smallest singular "
          "direction, where the bound is tightest",
    tightness=Tightness(reach_ratio, "the least loss within T_ε over ε (1: reached just at the horizon)"),
)

pl_eps_large_step_control = control(
    pl_eps_rate,
    name="pl_eps_large_step_control",
    premises=lambda p: pl_eps_premises(p, eta_frac=st.floats(2.5, 3.0), init=st.just("gauss")),
    broken="η ≤ 1/β (here η = 2.5–3/β: GD diverges along X's top singular direction)",
    title="Control: with η > 2/β GD does not follow the PL*_ε rate",
)


# ---------------------------------------------------------------------------------------------
# essential non-convexity: not convex in any neighbourhood of a global minimizer (issue 17)
# ---------------------------------------------------------------------------------------------

NONCONVEX_RADII = (1e-1, 1e-2, 1e-3)  # distances from the minimizer at which a witness is sought (ours)
NONCONVEX_REL = 1e-9  # λ_min must be below −1e-9·λ_max: round-off in a ≤ 80 × 80 autograd Hessian is ≈ 1e-15·λ_max


def nonconvex_premises(p: Profile, *, train_W: st.SearchStrategy[bool] | None = None,
                       radii: tuple[float, float] = (NONCONVEX_RADII[0], NONCONVEX_RADII[-1])
                       ) -> st.SearchStrategy[dict[str, Any]]:
    """Sizes, whether the hidden layer is trained, the ladder of radii from ``radius_max`` down to ``radius_min`` by
    factors of 10 (0 for the minimizer itself), a seed."""
    return st.fixed_dictionaries({
        "n": st.integers(2, 6), "d": st.integers(2, 5), "m": st.integers(2, p.pick(12, 16, 24)),
        "train_W": train_W if train_W is not None else st.just(True), "radius_max": st.just(radii[0]),
        "radius_min": st.just(radii[1]),
        "seed": st.integers(0, 2**20),
    })


def run_nonconvex(inst: Instance) -> dict[str, Any]:
    """An exact global minimizer w* = (W, a*) of ½‖F − y‖² (a* = √m Φ⁺y, L(w*) = 0 to round-off), then at a random
    point at each distance s from it the extreme eigenvalues of the exact loss Hessian."""
    q = inst.premises
    n, d = q["n"], q["d"]
    m = max(q["m"], n)
    g = inst.generator(0)
    X = torch.randn((n, d), generator=g, dtype=inst.dtype)
    X = X / X.norm(dim=1, keepdim=True)
    y = torch.randn(n, generator=g, dtype=inst.dtype)
    gens = inst.seed_generators(1)
    W = torch.stack([torch.randn((m, d), generator=gi, dtype=inst.dtype) for gi in gens])
    a = ps.tanh_interpolator(W, X, y)
    resid = (ps.tanh_two_layer_output(W, a, X) - y).abs().amax(1)
    rmax, rmin = q["radius_max"], q["radius_min"]
    radii = [rmax * 10.0 ** -k for k in range(int(round(math.log10(rmax / rmin))) + 1)] if rmax > 0 else [0.0]
    ratios = []
    for k, r in enumerate(radii):
        gk = inst.seed_generators(2 + k)
        uW = torch.stack([torch.randn((m, d), generator=gi, dtype=inst.dtype) for gi in gk])
        ua = torch.stack([torch.randn(m, generator=gi, dtype=inst.dtype) for gi in gk])
        if not q["train_W"]:
            uW = torch.zeros_like(uW)
        nrm = torch.sqrt((uW ** 2).sum((1, 2)) + (ua ** 2).sum(1)).clamp_min(1e-300)
        ev = ps.loss_hessian_eigenvalues(W + r * uW / nrm.reshape(-1, 1, 1), a + r * ua / nrm.unsqueeze(1), X, y,
                                         train_W=q["train_W"])
        ratios.append(ev[:, 0] / ev[:, -1].abs().clamp_min(1e-300))
    return {"min_eig_ratio": per_seed(torch.stack(ratios, 1), "radius"), "interp_residual": per_seed(resid),
            "radius": shared(torch.tensor(radii, dtype=inst.dtype), "radius")}


min_eig_ratio = sp.Symbol("min_eig_ratio")

essential_nonconvexity = Claim(
    id="liu2022.essential_nonconvexity",
    title="Essential non-convexity: the loss of an over-parameterized non-linear model is not convex in any "
          "neighbourhood of a global minimizer — at distance 10⁻¹, 10⁻², 10⁻³ from one, the loss Hessian has a "
          "negative eigenvalue",
    citation=cite("abstract ('such systems are generally not convex, even locally') and the section on essential "
                  "non-convexity (proposition number not confirmed)", "paper",
                  "∇²L = JᵀJ + Σ(F_i − y_i)∇²F_i: off the solution manifold the residual term is indefinite on the null "
                  "space of J (derived); the radii and the model (two-layer tanh, both layers trained) are ours"),
    kind=Kind.EXACT,
    statement=sp.Lt(min_eig_ratio, 0),
    premises=lambda p: nonconvex_premises(p),
    run=run_nonconvex,
    tolerance=Tolerance(atol=NONCONVEX_REL, reason="λ_min/λ_max must be below −1e-9: the eigenvalues of an exact "
                                                   "autograd Hessian of ≤ 100 parameters carry round-off ≈ 1e-15·λ_max, "
                                                   "so a PSD Hessian cannot pass by round-off"),
    recalled=("the proposition's number and exact wording",),
    seeds=8,
    examples_scale=0.5,
    symbols={"min_eig_ratio": "λ_min(∇²L)/λ_max(∇²L) at a random point at distance s from the minimizer (per s)",
             "interp_residual": "max_i |F_i(w*) − y_i| at the minimizer (≈ 1e-15)", "radius": "s"},
    given="f(x) = aᵀtanh(Wx)/√m, n ≤ 6 unit inputs, Gaussian targets, m ≥ n; w* = (W, √m Φ⁺y) with W Gaussian "
          "interpolates exactly, so L(w*) = 0 is the global minimum; the Hessian by torch.func (exact, vmapped over "
          "seeds), its eigenvalues by eigvalsh; one random direction per radius and seed (a witness, not a search)",
)

nonconvexity_linear_control = control(
    essential_nonconvexity,
    name="nonconvexity_linear_control",
    premises=lambda p: nonconvex_premises(p, train_W=st.just(False)),
    broken="a non-linear model (here only a is trained: F is linear in the parameters, L convex, ∇²L = JᵀJ ⪰ 0)",
    title="Control: a model linear in its parameters (random features, output layer only) has a convex loss",
)


CLAIMS = [
    identity_two_layer,
    identity_linear_resnet,
    identity_implicit,
    kernel_stays_conditioned,
    gd_linear_rate,
    gd_stays_in_ball,
    gd_ball_large_step,
    kernel_small_width,
    gd_rate_small_width,
    pl_star_over_ball,
    sgd_expected_rate,
    sgd_large_step,
    hessian_norm_decay,
    hessian_output_tanh_control,
    pl_eps_rate,
    pl_eps_large_step_control,
    essential_nonconvexity,
    nonconvexity_linear_control,
]


# ---------------------------------------------------------------------------------------------
# coverage map (issue 16, item 4): the paper's results and how the items above cover them
# ---------------------------------------------------------------------------------------------

# No theorem, proposition or section number could be confirmed: the public copies the search tool reaches
# (arxiv-vanity and scribd copies of arXiv 2003.00307v2, sciencestack.ai, paperswithcode) give the abstract and the
# start of the introduction only. Statements the abstract makes are source="paper"; the rest are recalled.
COVERAGE = [
    Covered(
        where="abstract; essential non-convexity (section and proposition number not confirmed)",
        statement="the loss of an over-parameterized non-linear system is generally not convex, even locally around "
                  "its global minima (the solution set is a curved manifold)",
        status="encoded",
        claims=("liu2022.essential_nonconvexity", "liu2022.nonconvexity_linear_control"),
        why="a finite witness per ball: at an exact interpolating minimizer of a two-layer tanh net (both layers "
            "trained, m ≥ n, a = √mΦ⁺y), a random point at distance 10⁻¹, 10⁻², 10⁻³ has λ_min(∇²L) < −1e-9·λ_max "
            "(exact Hessian by double backward); the control trains the output layer only (F linear, L convex). "
            "'Every ball' is read as the ladder of three radii",
        source="paper",
    ),
    Covered(
        where="PL* from the tangent kernel (uniform conditioning ⇒ PL*; number not confirmed)",
        statement="if λ_min(K(w)) ≥ μ on a set, the square loss is μ-PL* there: ½‖∇L(w)‖² ≥ μL(w)",
        status="encoded",
        claims=("liu2022.identity_two_layer", "liu2022.identity_linear_resnet", "liu2022.identity_implicit"),
        why="encoded only by implementation checks: the identity ‖∇L‖² = (F − y)ᵀK(F − y) ≥ 2λ_min(K)L behind it, "
            "at single points of three models (hand-written gradients against a separate kernel and autograd), "
            "not as a statement over a set",
        source="recalled",
    ),
    Covered(
        where="abstract: wide neural networks satisfy PL* (theorem number not confirmed)",
        statement="for a wide enough network the tangent kernel stays well conditioned in a ball around "
                  "initialization (Hessian norm O(1/√m)), so PL* holds in that ball",
        status="encoded",
        claims=("liu2022.pl_star_over_ball", "liu2022.kernel_stays_conditioned", "liu2022.kernel_small_width_control"),
        why="over the ball: pl_star_over_ball checks ½‖∇L(w)‖² ≥ μL(w), μ = ½λ_min(K(w₀)) (the Hessian term taken ≤ "
            "half, ours), at random points at radii up to R = 2√(2βL(w₀))/μ and at points found by projected descent on "
            "‖∇L‖²/(2L) inside the ball; refuted in our regime m ≥ max(64, (n/λ₀)²) (held from m = 1024 on the "
            "counterexample's data): a result, tests/claims/known.py. Along the GD path: kernel_stays_conditioned "
            "(λ_min(K(w_t)) ≥ μ/2)",
        source="paper",
    ),
    Covered(
        where="Hessian norm of wide networks (theorem number not confirmed)",
        statement="the spectral norm of the Hessian of the network output is Õ(1/√m) in a ball of fixed radius "
                  "around initialization",
        status="encoded",
        claims=("liu2022.hessian_norm_decay", "liu2022.hessian_output_tanh_control"),
        why="a trend: ‖∂²f/∂θ²‖₂ (power iteration on Hessian-vector products, checked against the exact Hessian) at "
            "θ₀ and at a random point at distance R (fixed in m) for two inputs, the max per seed, log-averaged over 8 "
            "seeds, log–log slope against m = 16, 64, 256 at most −¼ (−½ plus one log factor); the control puts tanh "
            "on the output (slope ≈ 0). Sampled points, not a certified supremum over the ball. In the paper the "
            "bound is imported from Liu, Zhu, Belkin 2020 (recalled)",
        source="recalled",
    ),
    Covered(
        where="abstract: local PL* ⇒ existence of a solution and GD convergence (theorem number not confirmed)",
        statement="μ-PL* in B(w₀, R) with R = 2√(2βL(w₀))/μ ⇒ a global minimizer exists in the ball and GD stays in "
                  "it, converging as L(w_t) ≤ (1 − ημ)^t L(w₀)",
        status="encoded",
        claims=("liu2022.gd_linear_rate", "liu2022.gd_rate_small_width_control", "liu2022.gd_stays_in_ball",
                "liu2022.gd_ball_large_step_control"),
        why="encoded: the exponential rate, as (1 − ημ/2)^t with μ = λ_min(K(w₀)) along the path of wide two-layer "
            "nets, and the ball: ‖θ_t − θ₀‖ ≤ R = 2√(2βL(w₀))/(μ/2) at every step (β = max_t λ_max(K(w_t)), a lower "
            "estimate of the smoothness, so the ball checked is no larger than the theorem's), where GD converges "
            "to a minimizer (the rate), with a step-size control; PL* uniformly over the ball is pl_star_over_ball's "
            "(refuted in our regime); the radius' form and the rate's constant are recalled",
        source="paper",
    ),
    Covered(
        where="abstract: SGD under PL* (theorem number not confirmed)",
        statement="under PL* (and interpolation), SGD with a small enough step converges exponentially in "
                  "expectation",
        status="encoded",
        claims=("liu2022.sgd_expected_rate", "liu2022.sgd_large_step_control"),
        why="E[L(w_t)] ≤ (1 − μη*)^t L(w₀), η* = μs/(λ(μ(s − 1) + βn)), derived by the paper's argument (the "
            "theorem's own constants recalled), checked as a Monte Carlo mean over 64 mini-batch sequences from one "
            "initialization of a wide two-layer net (4 standard errors); μ, λ, β from K(w₀) with margins of ours. "
            "The control takes η = 3–6/λ_max(K(w₀)). The theorem's 'with probability 1 − δ the iterates stay in the "
            "ball' is not checked separately",
        source="paper",
    ),
    Covered(
        where="conditioning preserved under transformations and compositions (section numbers not confirmed)",
        statement="uniform conditioning (hence PL*) survives well-conditioned transformations of the output and "
                  "composition of models, which extends PL* to deep, convolutional and residual networks",
        status="not yet",
        why="no item measures the conditioning of a composed or transformed model against its parts; the statement "
            "is recalled (a summary page, sciencestack.ai, lists these techniques)",
        source="recalled",
    ),
    Covered(
        where="abstract: the PL*_ε relaxation for almost over-parameterized systems (theorem number not confirmed)",
        statement="if PL* holds wherever L ≥ ε (PL*_ε), GD reaches loss ε at an exponential rate",
        status="encoded",
        claims=("liu2022.pl_eps_rate", "liu2022.pl_eps_large_step_control"),
        why="on under-parameterized least squares (n > 2p, noisy labels, L* > 0), where PL*_ε holds with the derived "
            "μ_ε = σ²_min(X)(1 − L*/ε) computed independently of the run: L(w_t) ≤ (1 − ημ_ε)^t L(w₀) at every step "
            "whose earlier losses were ≥ ε, and L ≤ ε within ⌈ln(L₀/ε)/(−ln(1 − ημ_ε))⌉ steps (η ≤ 1/β, slow and "
            "random starts); the control takes η = 2.5–3/β. Not run on an almost over-parameterized network (μ_ε "
            "there is not computable). The definition of PL*_ε and the theorem's rate are recalled (the abstract "
            "confirms only that the relaxation is proposed)",
        source="recalled",
    ),
]
