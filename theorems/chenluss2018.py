"""Chen, Luss, "Stochastic Gradient Descent with Biased but Consistent Gradient Estimators", arXiv 1807.11880
(2018) (seed 000, listed under the related papers; shared/CLAIMS.md, "Related claims in seed 000").
Implementation: :mod:`impl.consistent_sgd`.

What the abstract says [paper]: when training examples are interconnected (graphs), an unbiased gradient
estimator may cost as much as the full gradient; a *consistent* estimator (biased for a finite sample size N,
converging to the gradient as N grows; Chen, Ma, Xiao's FastGCN) is an economic alternative, and "consistent
estimators result in the same convergence behavior as do unbiased ones", for strongly convex, convex and
nonconvex objectives.

What is recalled, not re-read: only the abstract could be consulted (the stored ar5iv page of the paper
gives its abstract; the companion code, directory ``sgd_paper`` of the authors' FastGCN-matlab repository, is
not in the index). Recalled: consistency as a uniform tail bound P(‖g_N(w) − h(w)‖ ≥ ε‖∇f(w)‖) ≤ l(N, ε), h the
unbiased estimator on the same minibatch and l decreasing to 0 in N; that the strongly convex theorem needs
the sample size to grow with the horizon (l(N, ε) ≤ δ/T, a union bound over the T steps); its step sizes and
constants. Nothing below uses those constants. Note: a tail bound *relative* to ‖∇f(w)‖ cannot hold at w*
(∇f = 0) for an estimator whose sampling error does not vanish there, ours included; so the theorem's
premises are not what is checked. What is checked is the abstract's conclusion on a problem where the
estimator is consistent in the ordinary sense (E g_N → ∇f and Cov(â) → 0 as N → D, uniformly on bounded w).

The setting (ours, :mod:`impl.consistent_sgd`): ridge-regularised logistic regression on one-layer graph
aggregates a_i = Σ_k P_ik x_{nbr(i,k)} (λ-strongly convex), the unbiased estimator (a uniform node minibatch,
exact aggregates: D feature reads per node), and the consistent one (Horvitz–Thompson aggregates from N of the
D neighbours drawn without replacement: E â_i = a_i, â_i = a_i at N = D, but the gradient is nonlinear in â_i,
so the estimator is biased for N < D with a bias of order 1/N).

What the theorem really needs, and how it is encoded. With a *fixed* N the consistent estimator is an unbiased
estimator of ∇f_N, the gradient of the sampled objective f_N(w) = (1/n) Σ_i E_S ℓ(y_i â_{i,S}ᵀw) + (λ/2)‖w‖²
[derived], so fixed-N SGD converges at the unbiased rate, but to w*_N ≠ w*: an error floor ‖w*_N − w*‖²
(computed exactly, Newton on the enumerated subsets: ``fixed_sample_size_floor``). To converge to w* the sample
size must grow. We use N_t = ⌈√(t + 1)/2⌉ [ours, derived]: with γ_t = 2/(μ(t + t0)) unbiased SGD has
E‖w_t − w*‖² ≈ C/(t + t0), and a bias b_t displaces the iterate by O(‖b_t‖/μ), so a bias O(1/N_t) costs
O(1/(μ²N_t²)) = O(1/t): the same exponent. The claims compare the fitted exponents of E‖w_t − w*‖² (the mean of
S independent runs) against t + t0 for the two estimators run on the same node minibatches (common random
numbers), with D ≥ 2N_T so that every step of the consistent run is biased. The consistent estimator also has
an extra, decaying variance K/N_t ∝ t^{-1/2}; it adds a term ∝ t^{-3/2} to E‖w_t − w*‖², which can steepen
the fitted exponent at a finite horizon (by up to ½, and up to 1 as N_t approaches D/2, where the
finite-population correction makes it decay faster; derived): the claim is −1 ≤ gap ≤ 0, gap = consistent −
unbiased exponent. The consistent run is never slower in exponent; its constant is larger (reported). Control: the same comparison with the sample size held at N = 1 or 2 (the premise "N
grows" broken) plateaus at the floor.

The exact checks [derived] are the teeth: the node-minibatch estimator's per-node gradients, averaged over
every node, agree with the hand-written full gradient (a code-agreement check: the average is ∇f by construction,
the premise of unbiasedness); the Horvitz–Thompson aggregate's mean and covariance over an exact enumeration
of the N-subsets equal a_i and D²(1 − N/D)Σ_i/N; and the consistent estimator's exact bias (enumerated) is
below a second-order bound (|ℓ'''| ≤ 1/(6√3)) that is O(1/N) and exactly 0 at N = D.

w* is computed by damped Newton on the full objective to ‖∇f(w*)‖ ≤ 1e-13·max(1, ‖∇f(0)‖) (the worst of 300
random instances: 9.8e-14 relative); every SGD claim reports w*, ‖w*‖ and the residual ‖∇f(w*)‖.

What the measurement found (ours; ci sizes T = 2048, S = 64, D = 46…62, scans of 27, 24 and 22 random premises,
2026-11-25/26): the unbiased exponent is −0.93 … −1.17; the consistent run is never slower in exponent (gap ≤ +0.07)
and, where neighbour sampling is much noisier than node sampling, steeper within the horizon (gap down to −0.48)
with a larger constant (E‖w_T − w*‖² up to ≈ 6× the unbiased one): its extra variance is still decaying. With
N held at 1 or 2 (a third scan, 22 premises, 44 fixed-N runs, 2026-11-26) the gap is +0.175 … +0.98 wherever the
floor ‖w*_N − w*‖² is at least the unbiased error at T (41 of 44), and −0.004 … +0.09 where the floor is 0.3% …
37% of it (3 of 44): the claim's allowance (+0.1 on gap ≤ 0; growing-N gaps reach +0.07) refutes every plateau of
the first kind and cannot see the second at this horizon.

Roles (issue 15; only ``claim`` items count as the paper's):

* the paper claim: consistent SGD (growing sample size) converges at the unbiased rate (the abstract's "same
  convergence behavior", strongly convex case), with a control that holds the sample size fixed;
* checks of our implementation: the per-node gradients averaged over all nodes against the autograd gradient of
  the objective written here (unbiasedness holds by construction: this checks the code, not the paper); the
  Horvitz–Thompson moments and the exact bias against closed forms; unbiased SGD's classical 1/t rate (Bottou et al.,
  not this paper) and fixed-N SGD's 1/t rate to w*_N (derived), both against their theory exponents;
* a finding: the measured gaps, re-measured. The claim's allowance (+0.1 on gap ≤ 0) was set 0.03 above the largest
  gap of the scans above, i.e. after seeing them; it is kept, and ``consistent_gap_range`` measures the gap again every
  run and reports whether it stays inside the scanned range [−0.48, +0.07].

Issue 17 (end of this module): an estimator that satisfies the premise (impl.consistent_premise: a multiplicative,
biased but consistent correction g_N = h + (Φ_N − I)∇f, with N the smallest for which l(N, ε) ≤ δ/T), and with it the
convex theorem (unregularized logistic regression: E f(w̄_t) − f*) and the nonconvex theorem (Cauchy-loss regression:
min_t E‖∇f(w_t)‖²), each as "exponent ≤ −½ and no worse than unbiased SGD's", and the strongly convex theorem
(ridge-regularised logistic regression: E‖w_t − w*‖², exponent ≤ −1), with controls that add a fixed, non-relative
error.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.impl import consistent_sgd as cs
from lemmata.verify import (Citation, Claim, Covered, Figure, Instance, Kind, Profile, Tightness, Tolerance, control, per_seed,
                    shared)

PAPER = "Chen, Luss (2018), Stochastic Gradient Descent with Biased but Consistent Gradient Estimators"
ARXIV = "1807.11880"
EPS = float(torch.finfo(torch.float64).eps)
ROUNDOFF_C = 64.0

RECALLED_DEFINITION = ("consistency as the uniform tail bound P(‖g_N − h‖ ≥ ε‖∇f‖) ≤ l(N, ε), h the unbiased "
                       "estimator on the same minibatch, l ↓ 0 in N (the paper's definition; not re-read)",)
RECALLED_THEOREM = RECALLED_DEFINITION + (
    "the strongly convex theorem: the sample size must grow with the horizon (l(N, ε) ≤ δ/T); its step sizes "
    "and constants are not used — the schedules γ_t = 2/(μ(t + t0)) and N_t = ⌈√(t + 1)/2⌉ are ours",)


def cite(where: str, source: str = "paper", note: str = "") -> Citation:
    return Citation(paper=PAPER, where=where, arxiv=ARXIV, source=source, note=note)  # type: ignore[arg-type]


def _data(inst: Instance) -> cs.GraphData:
    p = inst.premises
    return cs.graph_data(p["n"], p["d"], p["D"], lam=p["lam"], generator=inst.generator(0),
                         communities=p["communities"], feature_noise=p["feature_noise"],
                         weight_spread=p["weight_spread"], dtype=inst.dtype, device=inst.device)


def _random_w(inst: Instance, d: int) -> torch.Tensor:
    """S weight vectors w = w_scale·g/√d, g ~ N(0, I_d): the points where gradients are compared."""
    g = torch.randn(inst.S, d, generator=inst.generator(1), dtype=inst.dtype)
    return (inst.premises["w_scale"] / math.sqrt(d) * g).to(inst.device)


def small_graph_premises(p: Profile, *, min_D: int = 1, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict]:
    """Small graphs for the enumeration checks (C(D, N) subsets per node); heavy weights and far points allowed."""
    return st.fixed_dictionaries({
        "n": st.integers(1, p.pick(8, 16, 32)), "d": st.integers(1, p.pick(4, 6, 8)),
        "D": st.integers(min_D, p.pick(8, 10, 12)), "communities": st.integers(1, 4),
        "feature_noise": st.floats(0.0, 2.0), "weight_spread": st.floats(0.0, 2.0),
        "lam": st.floats(1e-3, 1.0), "w_scale": st.floats(0.0, 6.0), "seed": st.integers(0, 2**20), **extra,
    })


# ---------------------------------------------------------------------------------------------
# exact: code agreement of the per-node gradient with the full gradient (the premise of unbiasedness)
# ---------------------------------------------------------------------------------------------

def reference_objective(w: torch.Tensor, data: cs.GraphData) -> torch.Tensor:
    """f(w) = (1/n) Σ_i log(1 + exp(−y_i a_iᵀw)) + (λ/2)‖w‖² per row of w (S, d), written here from the graph's raw
    arrays (a_i = Σ_k P_ik x_{nbr(i,k)}), independently of :mod:`impl.consistent_sgd`: its autograd gradient is the
    reference for the implementation's hand-written gradients."""
    A = (data.P.unsqueeze(-1) * data.X[data.nbr]).sum(1)  # (n, d)
    margins = data.y * (w @ A.T)  # (S, n)
    # log(1 + e^{−u}) as logaddexp(0, −u), exact for every u: torch's softplus returns its argument past a threshold
    # of 20, which moves the gradient by up to e^{−20} ≈ 2e-9 (seen: a margin of −25 at λ = 1e-3, ‖w‖ ≈ 6)
    return torch.logaddexp(torch.zeros_like(margins), -margins).mean(-1) + 0.5 * data.lam * (w * w).sum(-1)


def run_unbiased_mean(inst: Instance) -> dict[str, Any]:
    """The node-minibatch estimator (exact aggregates) at every node, averaged, and the hand-written ∇f(w), each against
    the autograd gradient of :func:`reference_objective`.

    The average over every node is ∇f(w) by construction, so this checks that the per-node gradient code
    (``unbiased_estimator`` → ``node_gradients``) and ``full_gradient`` compute ∇f, not unbiasedness itself."""
    data = _data(inst)
    w = _random_w(inst, data.d)
    S, n = inst.S, data.n
    nodes = torch.arange(n, device=inst.device).repeat(S).reshape(S * n, 1)  # row s·n + i: node i at w_s
    g = cs.unbiased_estimator(w.repeat_interleave(n, 0), data, nodes).reshape(S, n, data.d)
    A = cs.aggregates(data)
    full = cs.full_gradient(w, A, data.y, data.lam)
    w_ref = w.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(reference_objective(w_ref, data).sum(), w_ref)  # rows are independent
    scale = A.norm(dim=-1).amax() + data.lam * w.norm(dim=-1)  # (S,): a bound on every term's size
    return {"estimator_mean": per_seed(g.mean(1), "coordinate"), "full_gradient": per_seed(full, "coordinate"),
            "autograd_gradient": per_seed(auto, "coordinate"), "roundoff": per_seed(ROUNDOFF_C * n * EPS * scale),
            "coordinate": shared(torch.arange(data.d, dtype=inst.dtype), "coordinate")}


est_mean, full_grad, auto_grad = sp.symbols("estimator_mean full_gradient autograd_gradient")

unbiased_estimator_mean = Claim(
    id="chenluss2018.unbiased_estimator_mean",
    title="Code agreement: the per-node gradients of the node-minibatch estimator (exact aggregates), averaged over "
          "every node, and the hand-written full gradient both equal ∇f(w) by autograd — the premise of the "
          "estimator's unbiasedness",
    citation=cite("Sec. 1–2 (the unbiased estimator of the sample-average objective; section recalled)", "derived",
                  "each node is drawn with probability 1/n, so E g = (1/n) Σ_i ∇f_i(w), which is ∇f(w) by the "
                  "definition of f: unbiasedness holds by construction, and what this checks is that the per-node "
                  "gradient code (unbiased_estimator → node_gradients) and full_gradient compute ∇f (against autograd "
                  "through an objective written in the theorem module)"),
    role="check",  # unbiasedness holds by construction (each node drawn w.p. 1/n): a check of our code, not a claim
    kind=Kind.EXACT,
    statement=sp.And(sp.Eq(est_mean, auto_grad), sp.Eq(full_grad, auto_grad)),
    premises=lambda p: small_graph_premises(p, n=st.integers(1, p.pick(16, 32, 64))),
    run=run_unbiased_mean,
    tolerance=Tolerance(stderr="roundoff", z=1.0, reason="float64 round-off: a mean of n terms each bounded by "
                                                         "max‖a_i‖ + λ‖w‖, summed in two orders; allowance "
                                                         "64·n·ε·(max‖a_i‖ + λ‖w‖)"),
    symbols={"estimator_mean": "(1/n) Σ_i g({i}; w): the estimator averaged over every node (impl "
                               "unbiased_estimator)", "full_gradient": "∇f(w), hand-written full gradient",
             "autograd_gradient": "∇f(w) by autograd through the objective written in the theorem module",
             "roundoff": "64·n·ε·(max_i‖a_i‖ + λ‖w‖)"},
    given="w = w_scale·N(0, I_d/d), 8 points per example; ridge-regularised logistic loss on graph aggregates",
    seeds=8,
    figures=(Figure("mean of the unbiased estimator over all nodes against ∇f(w), by coordinate (worst seed)",
                    x="coordinate", ys=("estimator_mean", "autograd_gradient"), xlabel="coordinate of w",
                    ylabel="gradient", styles=("points", "points")),),
)


# ---------------------------------------------------------------------------------------------
# exact: the Horvitz–Thompson aggregate is unbiased, with the finite-population covariance
# ---------------------------------------------------------------------------------------------

def reference_moments(data: cs.GraphData, N: int) -> tuple[torch.Tensor, torch.Tensor]:
    """a_i and D²(1 − N/D)Σ_i/N, (n, d) and (n, d, d), written here from the graph's raw arrays (the terms
    V_ik = P_ik x_{nbr(i,k)}, Σ_i their (D − 1)-normalised covariance), independently of :mod:`impl.consistent_sgd`."""
    V = data.P.unsqueeze(-1) * data.X[data.nbr]  # (n, D, d)
    D = V.shape[1]
    Vc = V - V.mean(1, keepdim=True)
    Sigma = Vc.transpose(1, 2) @ Vc / max(D - 1, 1)  # D = 1: Vc = 0, the covariance is 0 whatever the divisor
    return V.sum(1), D * D * (1.0 - N / D) / N * Sigma


def run_aggregate_moments(inst: Instance) -> dict[str, Any]:
    """For every N = 1..D: the mean and covariance of â_i over all N-subsets (the implementation's sampler, enumerated)
    against a_i and the closed form of :func:`reference_moments` (means and covariance entries concatenated into one
    vector per side)."""
    data = _data(inst)
    measured, formula, scales = [], [], []
    for N in range(1, data.D + 1):
        A_sub = cs.subset_aggregates(data, N)  # (n, C, d)
        mean = A_sub.mean(1)
        dev = A_sub - mean.unsqueeze(1)
        cov = dev.transpose(1, 2) @ dev / A_sub.shape[1]
        measured += [mean.reshape(-1), cov.reshape(-1)]
        a, cov_formula = reference_moments(data, N)
        formula += [a.reshape(-1), cov_formula.reshape(-1)]
        scales.append(A_sub.abs().amax())
    big = float(torch.stack(scales).amax())
    C = max(math.comb(data.D, N) for N in range(1, data.D + 1))
    return {"subset_moments": shared(torch.cat(measured), "entry"),
            "formula_moments": shared(torch.cat(formula), "entry"),
            "roundoff": ROUNDOFF_C * C * EPS * max(big, big * big)}


sub_moments, formula_moments = sp.symbols("subset_moments formula_moments")

aggregate_moments = Claim(
    id="chenluss2018.aggregate_moments",
    title="The sampled aggregate â_i = (D/N) Σ_{k∈S} P_ik x_k (N of D neighbours without replacement) has mean "
          "a_i and covariance D²(1 − N/D)Σ_i/N, exactly",
    citation=cite("the consistent estimator's construction (FastGCN-type sampling; Sec. 2 recalled)", "derived",
                  "Horvitz–Thompson: every neighbour is included with probability N/D; the covariance is the "
                  "finite-population formula of simple random sampling, 0 at N = D"),
    kind=Kind.EXACT,
    statement=sp.Eq(sub_moments, formula_moments),
    premises=lambda p: small_graph_premises(p),
    run=run_aggregate_moments,
    tolerance=Tolerance(stderr="roundoff", z=1.0, reason="float64 round-off in means and second moments over at "
                                                         "most C = max_N C(D, N) subsets of values bounded by B = "
                                                         "max|â|: allowance 64·C·ε·max(B, B²)"),
    symbols={"subset_moments": "for N = 1..D: the mean and the covariance entries of â_i over all C(D, N) "
                               "subsets, every node (concatenated)",
             "formula_moments": "the same entries of a_i and D²(1 − N/D)Σ_i/N, Σ_i the (D − 1)-normalised "
                                "covariance of the P_ik x_k (computed in the theorem module from the raw arrays)",
             "roundoff": "64·C·ε·max(B, B²)"},
    seeds=1,
    role="check",  # an exact enumeration against the closed-form moments: a check of our sampler, not a paper claim
)


# ---------------------------------------------------------------------------------------------
# exact: the consistent estimator's bias, below an O(1/N) bound that is 0 at N = D
# ---------------------------------------------------------------------------------------------

def run_bias(inst: Instance) -> dict[str, Any]:
    """For every N = 1..D: ‖E g_N(w) − ∇f(w)‖ by enumeration (nodes × N-subsets) and the derived bound; ∇f(w) by
    autograd through :func:`reference_objective`, so that at N = D (bias exactly 0) the enumeration is compared with a
    gradient computed independently of the implementation."""
    data = _data(inst)
    w = _random_w(inst, data.d)
    A = cs.aggregates(data)
    w_ref = w.clone().requires_grad_(True)
    (full,) = torch.autograd.grad(reference_objective(w_ref, data).sum(), w_ref)  # rows are independent
    Ns = list(range(1, data.D + 1))
    bias = torch.stack([(cs.expected_consistent_gradient(w, data, N) - full).norm(dim=-1) for N in Ns], -1)
    bound = torch.stack([cs.bias_bound(w, data, N) for N in Ns], -1)
    # ‖â‖ ≤ D·max_k‖V_ik‖ for every N, attained by the N = 1 aggregates
    big = max(float(cs.subset_aggregates(data, 1).norm(dim=-1).amax()), float(A.norm(dim=-1).amax()))
    scale = big + data.lam * w.norm(dim=-1)
    return {"bias": per_seed(bias, "N"), "bias_bound": per_seed(bound, "N"),
            "sample_size": shared(torch.tensor(Ns, dtype=inst.dtype), "N"),
            "relative_bias": per_seed(bias / full.norm(dim=-1, keepdim=True).clamp_min(1e-300), "N"),
            "roundoff": per_seed(ROUNDOFF_C * EPS * scale)}


bias_sym, bound_sym = sp.symbols("bias bias_bound")

consistent_bias_vanishes = Claim(
    id="chenluss2018.consistent_bias_vanishes",
    title="The sampled-neighbour estimator is biased but consistent: its exact bias is below an O(1/N) bound that "
          "is exactly 0 at N = D (all neighbours)",
    citation=cite("Sec. 2 (consistent gradient estimators; definition recalled)", "derived",
                  "bias = y E[(ℓ'(yâᵀw) − ℓ'(yaᵀw))(a + δ)], bounded by (1/(12√3))·wᵀCw·‖a‖ + ¼√(wᵀCw·tr C), "
                  "C = Cov(â), averaged over nodes. At N = D both sides are 0 by construction (the one subset is "
                  "all neighbours, â = a with weight D/N = 1, and C = 0 exactly), so the N = D point checks only "
                  "that a summation in another order stays within round-off; the content is N < D"),
    kind=Kind.EXACT,
    statement=sp.Le(bias_sym, bound_sym),
    premises=lambda p: small_graph_premises(p, min_D=4),  # D ≥ 4: a curve in N (D ≤ 3 is in aggregate_moments)
    run=run_bias,
    tolerance=Tolerance(stderr="roundoff", z=1.0, reason="float64 round-off of two gradients with terms bounded "
                                                         "by max‖â‖ + λ‖w‖ (the bound is exactly 0 at N = D, so "
                                                         "this is the whole allowance there): 64·ε·(max‖â‖ + λ‖w‖)"),
    recalled=RECALLED_DEFINITION,
    symbols={"bias": "‖E g_N(w) − ∇f(w)‖, exact (enumeration of nodes and N-subsets; ∇f by autograd through the "
                     "objective written in the theorem module)",
             "bias_bound": "(1/n) Σ_i [(1/(12√3))·wᵀC_iw·‖a_i‖ + ¼√(wᵀC_iw·tr C_i)], C_i = Cov(â_i)",
             "sample_size": "N", "relative_bias": "‖bias‖/‖∇f(w)‖",
             "roundoff": "64·ε·(max‖â‖ + λ‖w‖)"},
    given="w = w_scale·N(0, I_d/d), 8 points per example; N = 1..D, all of them",
    seeds=8,
    role="check",  # our derived bound on our estimator's exact (enumerated) bias: validates the estimator, not a claim
    figures=(Figure("exact bias of the consistent estimator against its O(1/N) bound (worst seed; both 0 at N = D, "
                    "off the log scale)", x="sample_size",
                    ys=("bias", "bias_bound"), xlabel="sample size N (of D neighbours)", ylabel="‖E g_N − ∇f‖",
                    logy=True, styles=("points", "dashed")),),
)


# ---------------------------------------------------------------------------------------------
# TREND: SGD rates, unbiased against consistent
# ---------------------------------------------------------------------------------------------

STEPS = (2048, 8192, 32768)  # horizon T per profile (ci, dev, thorough)
WINDOW = 32  # the exponent is fitted on t ≥ T/WINDOW
RECORDS = 48  # log-spaced recorded steps in [1, T]
SAMPLE_C = 0.5  # N_t = ⌈SAMPLE_C·√(t + 1)⌉
STEP_C = 2.0  # γ_t = STEP_C/(μ(t + t0)), t0 = ⌈STEP_C·L/μ⌉


def sample_schedule(T: int) -> list[int]:
    """N_t = ⌈√(t + 1)/2⌉ for t = 0..T−1 (N_T−1 ≈ √T/2: 23 at T = 2048)."""
    return [math.ceil(SAMPLE_C * math.sqrt(t + 1)) for t in range(T)]


def _fit_exponent(tau: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
    """Least-squares slope of log e against log τ (1-D tensors), as a 0-d tensor (a constant).

    NaN when any e is ≤ 0 or non-finite (log 0 = −inf, log of a negative is NaN): set explicitly, so that the engine
    reports a non-finite outcome instead of a slope computed from −inf − (−inf)."""
    ok = bool(torch.isfinite(e).all()) and bool((e > 0).all())
    lx, ly = torch.log(tau), torch.log(e.clamp_min(torch.finfo(e.dtype).tiny))
    xc = lx - lx.mean()
    slope = (xc * (ly - ly.mean())).sum() / (xc * xc).sum()
    return slope if ok else torch.full_like(slope, math.nan)


def sgd_premises(p: Profile, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    T = p.pick(*STEPS)
    N_last = sample_schedule(T)[-1]
    # D ≥ 2·N_T: every step of the consistent run samples at most half the neighbours (biased at every step).
    # λ ≥ 0.1 keeps t0 = ⌈2L/λ⌉ ≲ 40 (measured) below T/32 = 64, where the fit starts; the fit is against t + t0,
    # and with c = 2 the start's share of E‖w_t − w*‖² falls like ((t0)/(t + t0))⁴.
    return st.fixed_dictionaries({
        "n": st.integers(2, p.pick(32, 64, 128)), "d": st.integers(1, p.pick(6, 8, 16)),
        "D": st.integers(2 * N_last, 2 * N_last + p.pick(16, 32, 64)), "communities": st.integers(2, 6),
        # feature_noise ≥ 0.1: with noise 0 and uniform weights every P_ik x_k of a node is the same, â = a for
        # every N and the two estimators coincide (a vacuous comparison)
        "feature_noise": st.floats(0.1, 1.0), "weight_spread": st.floats(0.0, 1.0),
        "lam": st.floats(0.1, 0.5), "batch": st.integers(1, 4), "seed": st.integers(0, 2**20), **extra,
    })


def _sgd_setup(inst: Instance) -> tuple[cs.GraphData, torch.Tensor, float, float, int, list[int], torch.Tensor]:
    """The instance, w* (Newton) and its residual, t0, the horizon T, the recorded steps and w₀ = 0 (S copies)."""
    data = _data(inst)
    w_star, residual = cs.newton_minimizer(cs.aggregates(data), data.y, data.lam)
    t0 = float(max(1, math.ceil(STEP_C * data.smoothness() / data.lam)))  # γ_0 = c/(μ t0) ≤ 1/L
    T = inst.profile.pick(*STEPS)
    record = sorted({int(round(x)) for x in torch.logspace(0, math.log10(T), RECORDS, dtype=torch.float64).tolist()})
    w0 = torch.zeros(inst.S, data.d, dtype=inst.dtype, device=inst.device)
    return data, w_star, residual, t0, T, record, w0


def _generators(inst: Instance) -> tuple[torch.Generator, torch.Generator]:
    # one stream for the node minibatches (shared by both runs: common random numbers), one for neighbour draws.
    # Separate streams of the first seed (a CPU generator keeps 32 bits of its seed: the former seeds[0] + 2**50
    # gave the neighbour draws the very numbers of the minibatches)
    return inst.seed_generators(1)[0], inst.seed_generators(2)[0]


def _run(data, w0, w_ref, *, estimator, T, mu, t0, batch, record, gens, sizes=None) -> cs.SGDTrace:
    return cs.sgd(data, w0, estimator=estimator, steps=T, mu=mu, t0=t0, batch=batch, w_ref=w_ref, record=record,
                  node_generator=gens[0], neighbour_generator=gens[1], sample_sizes=sizes, c=STEP_C)


def _trend_values(t: torch.Tensor, t0: float, T: int, unb: torch.Tensor, con: torch.Tensor) -> dict[str, Any]:
    win = t >= T / WINDOW
    tau = t + t0
    e_u, e_c = unb.mean(0), con.mean(0)  # E‖w_t − w*‖² estimated by the mean of the S runs
    exp_u, exp_c = _fit_exponent(tau[win], e_u[win]), _fit_exponent(tau[win], e_c[win])
    return {"unbiased_exponent": exp_u, "consistent_exponent": exp_c, "exponent_gap": exp_c - exp_u,
            "final_error_ratio": float(e_c[-1] / e_u[-1]),
            "t": shared(t, "t"), "unbiased_sq_dist": shared(e_u, "t"), "consistent_sq_dist": shared(e_c, "t"),
            "one_over_t": shared(e_u[-1] * (T + t0) / tau, "t")}


def run_sgd_pair(inst: Instance) -> dict[str, Any]:
    """Unbiased and consistent (N_t = ⌈√(t + 1)/2⌉) SGD from w = 0 on the same node minibatches, S runs each."""
    data, w_star, residual, t0, T, record, w0 = _sgd_setup(inst)
    p = inst.premises
    sizes = sample_schedule(T)
    kw = dict(T=T, mu=data.lam, t0=t0, batch=p["batch"], record=record)
    unb = _run(data, w0, w_star, estimator="unbiased", gens=_generators(inst), **kw)
    con = _run(data, w0, w_star, estimator="consistent", gens=_generators(inst), sizes=sizes, **kw)
    return {**_trend_values(unb.t, t0, T, unb.sq_dist, con.sq_dist), "t0": t0, "w_star_norm": float(w_star.norm()),
            "w_star": shared(w_star, "coordinate"), "newton_residual": residual, "final_sample_size": sizes[-1],
            "final_sample_fraction": sizes[-1] / data.D}


def run_sgd_unbiased(inst: Instance) -> dict[str, Any]:
    """Unbiased SGD from w = 0, S runs: E‖w_t − w*‖² and its fitted exponent."""
    data, w_star, residual, t0, T, record, w0 = _sgd_setup(inst)
    kw = dict(T=T, mu=data.lam, t0=t0, batch=inst.premises["batch"], record=record)
    unb = _run(data, w0, w_star, estimator="unbiased", gens=_generators(inst), **kw)
    t = unb.t
    win = t >= T / WINDOW
    e_u = unb.sq_dist.mean(0)
    return {"unbiased_exponent": _fit_exponent(t[win] + t0, e_u[win]), "t": shared(t, "t"),
            "unbiased_sq_dist": shared(e_u, "t"), "one_over_t": shared(e_u[-1] * (T + t0) / (t + t0), "t"),
            "t0": t0, "w_star_norm": float(w_star.norm()), "w_star": shared(w_star, "coordinate"),
            "newton_residual": residual}


def run_sgd_fixed(inst: Instance) -> dict[str, Any]:
    """As :func:`run_sgd_pair` with the consistent run's sample size held at ``fixed_N``; adds the floor
    ‖w*_N − w*‖² (w*_N: Newton on the enumerated sampled objective f_N)."""
    data, w_star, residual, t0, T, record, w0 = _sgd_setup(inst)
    p = inst.premises
    N = p["fixed_N"]
    kw = dict(T=T, mu=data.lam, t0=t0, batch=p["batch"], record=record)
    unb = _run(data, w0, w_star, estimator="unbiased", gens=_generators(inst), **kw)
    con = _run(data, w0, w_star, estimator="consistent", gens=_generators(inst), sizes=[N] * T, **kw)
    w_N, residual_N = cs.sampled_objective_minimizer(data, N)
    floor = float(((w_N - w_star) ** 2).sum())
    return {**_trend_values(unb.t, t0, T, unb.sq_dist, con.sq_dist), "t0": t0, "w_star_norm": float(w_star.norm()),
            "newton_residual": residual, "final_sample_size": N, "final_sample_fraction": N / data.D,
            "floor": shared(torch.full((len(record),), floor, dtype=inst.dtype), "t"), "floor_value": floor,
            "newton_residual_N": residual_N}


unb_exp, con_exp, gap = sp.symbols("unbiased_exponent consistent_exponent exponent_gap")

TREND_SYMBOLS = {
    "unbiased_exponent": "fitted slope of log E‖w_t − w*‖² against log(t + t0), t ∈ [T/32, T], unbiased estimator",
    "consistent_exponent": "the same for the consistent estimator (N_t neighbours of D)",
    "exponent_gap": "consistent_exponent − unbiased_exponent",
    "t": "SGD step t", "t0": "schedule offset ⌈2L/μ⌉ (γ_t = 2/(μ(t + t0)), μ = λ; γ_0 ≤ 1/L)",
    "unbiased_sq_dist": "E‖w_t − w*‖², unbiased estimator (mean of S runs)",
    "consistent_sq_dist": "E‖w_t − w*‖², consistent estimator (mean of S runs, same node minibatches)",
    "one_over_t": "C/(t + t0) through the unbiased curve at T", "w_star_norm": "‖w*‖ (Newton on the full objective)",
    "w_star": "w*, the minimizer of f (damped Newton, ‖∇f(w*)‖ ≤ 1e-13·max(1, ‖∇f(0)‖))",
    "newton_residual": "‖∇f(w*)‖ after Newton", "final_sample_size": "N at the last step",
    "final_sample_fraction": "N_T/D (≤ ½: biased at every step)", "batch": "node minibatch size b",
}
TREND_FIGURE = Figure("E‖w_t − w*‖²: unbiased against consistent SGD, with C/(t + t0)", x="t",
                      ys=("unbiased_sq_dist", "consistent_sq_dist", "one_over_t"), xlabel="SGD step t",
                      ylabel="E‖w_t − w*‖²", logx=True, logy=True, styles=("line", "line", "dashed"))
EXPONENT_TOL_REASON = ("E‖w_t − w*‖² is a mean of S = 64 runs (ci), so the log-log fit over t ∈ [T/32, T] scatters: "
                       "measured {measured} over 51 random premises (two scans, T = 2048, d = 1 the noisiest); "
                       "±{tol} still excludes {excludes}")

CONSISTENT_GAP_TOL_REASON = (
    "E‖w_t − w*‖² is a mean of S = 64 runs (ci), so the fitted gap scatters: with N_t growing it was −0.48 … +0.07 "
    "over 73 random premises (scans of 27, 24 and 22, T = 2048; the steep ones where the neighbour-sampling "
    "variance dominates the node-sampling variance: the consistent run is then faster in exponent, with a larger "
    "constant), so +0.1 leaves 0.03 above the largest measured. What it excludes, measured on the last 22 premises "
    "with N held at 1 and at 2 (44 fixed-N runs): the plateau's gap grows with its floor relative to the unbiased "
    "error at T, E_u(T) = E‖w_T − w*‖² (unbiased), and is +0.175 … +0.98 wherever ‖w*_N − w*‖² ≥ E_u(T) "
    "(floor/E_u(T) = 1.08 … 674; 41 of the 44 runs): every such plateau is refuted. Not excluded: a floor below "
    "the SGD error at T (the other 3 runs: floor/E_u(T) = 0.003, 0.013 and 0.37, gaps −0.004, −0.001 and +0.09, "
    "all within the allowance): at this horizon a floor under the noise barely bends the curve, and the claim is "
    "about the rate observed up to T. (The earlier allowance 0.15 was tightened: a plateau with gap +0.13 would "
    "have passed it.)")

unbiased_sgd_rate = Claim(
    id="chenluss2018.unbiased_sgd_rate",
    title="Unbiased SGD with γ_t = 2/(μ(t + t0)) on the λ-strongly convex graph objective: E‖w_t − w*‖² ∝ (t + t0)^{-1} "
          "(fitted exponent −1)",
    citation=cite("the unbiased baseline the paper compares with (classical O(1/t) rate of SGD for strongly convex f)",
                  "recalled", "the paper's own statement of the unbiased rate is not re-read; the 1/t rate with the "
                              "1/(μt) schedule is classical (e.g. Bottou, Curtis, Nocedal 2018, Thm 4.7)"),
    kind=Kind.TREND,
    statement=sp.Eq(unb_exp, -1),
    premises=sgd_premises,
    run=run_sgd_unbiased,
    tolerance=Tolerance(atol=0.2, reason=EXPONENT_TOL_REASON.format(measured="−1.17 … −0.93", tol=0.2,
                                                                    excludes="t^{-1/2} and t^{-2}")),
    recalled=("the classical O(1/t) rate of SGD with a 1/(μt) step for strongly convex f (constants not used)",),
    symbols=TREND_SYMBOLS,
    given="w₀ = 0; S runs; node minibatches of b uniform nodes with replacement",
    # the classical rate of another source (Bottou et al.), the baseline the paper compares with: a check that our SGD
    # loop and step schedule reproduce the textbook exponent, not a claim of Chen & Luss
    role="check",
    figures=(Figure("E‖w_t − w*‖² of unbiased SGD with C/(t + t0)", x="t", ys=("unbiased_sq_dist", "one_over_t"),
                    xlabel="SGD step t", ylabel="E‖w_t − w*‖²", logx=True, logy=True, styles=("line", "dashed")),),
    examples_scale=0.5,
)

consistent_same_rate = Claim(
    id="chenluss2018.consistent_same_rate",
    title="SGD with the biased but consistent estimator (sample size N_t = ⌈√(t + 1)/2⌉ growing with t) converges at "
          "the rate of unbiased SGD: its fitted exponent is no worse (gap ≤ 0), and steeper by at most 1 (its "
          "extra, decaying sampling variance)",
    citation=cite("abstract ('consistent estimators result in the same convergence behavior as do unbiased ones'; "
                  "the strongly convex case)", "derived",
                  "the conclusion (same convergence behaviour) is the abstract's; this statement of it is ours: the "
                  "growing schedule N_t ∝ √t is ours: it makes the O(1/N) bias cost O(1/t) (derived); the "
                  "paper's theorem (recalled) instead takes N large enough for the horizon. The lower side is "
                  "derived: the neighbour-sampling variance K(1/N_t − 1/D) (finite-population correction) adds a "
                  "term to E‖w_t − w*‖² whose local exponent is −1 − ½/(1 − N_t/D) ∈ [−2, −1.5] for N_t ≤ D/2; it "
                  "vanishes against the common 1/t term as t → ∞, but at a finite horizon, where it dominates (node "
                  "gradients alike, neighbours unlike), it steepens the fitted slope by up to 1"),
    kind=Kind.TREND,
    statement=sp.And(sp.Le(gap, 0), sp.Ge(gap, -1)),
    premises=sgd_premises,
    run=run_sgd_pair,
    tolerance=Tolerance(atol=0.1, reason=CONSISTENT_GAP_TOL_REASON),
    recalled=RECALLED_THEOREM,
    symbols={**TREND_SYMBOLS, "final_error_ratio": "E‖w_T − w*‖², consistent over unbiased (the constants)"},
    given="both runs from w₀ = 0 on the same node minibatches (common random numbers); D ≥ 2N_T",
    tightness=Tightness(expr=unb_exp / con_exp, reduce="max",
                        meaning="the unbiased run's fitted exponent (the bound: 'no worse than unbiased') over the "
                                "consistent run's: 1 = the same rate, smaller = the consistent run decays faster in "
                                "exponent within the horizon"),
    figures=(TREND_FIGURE,),
    # the steepest gap of the premise scan (−0.48): node aggregates alike (2 communities, uniform weights), noisy
    # neighbour features
    examples=({"n": 17, "d": 2, "D": 47, "communities": 2, "feature_noise": 0.95, "weight_spread": 0.0,
               "lam": 0.28, "batch": 2, "seed": 868189},),
    examples_scale=0.5,
)

fixed_sample_size_control = control(
    consistent_same_rate,
    name="fixed_sample_size_control",
    premises=lambda p: sgd_premises(p, fixed_N=st.integers(1, 2)),
    broken="the sample size grows with t (here it stays at N = 1 or 2): the bias does not vanish",
    title="Control: with the sample size held at N = 1 or 2 the consistent estimator's bias stays, SGD plateaus at "
          "‖w*_N − w*‖² and the exponents no longer agree",
    run=run_sgd_fixed,
)

to_N_exp = sp.Symbol("to_optimum_N_exponent")


def run_sgd_floor(inst: Instance) -> dict[str, Any]:
    """Fixed-N consistent SGD measured against w*_N and against w*: E‖w_t − w*_N‖² (and its fitted exponent),
    E‖w_t − w*‖², and the floor ‖w*_N − w*‖²."""
    data, w_star, residual, t0, T, record, w0 = _sgd_setup(inst)
    p = inst.premises
    N = p["fixed_N"]
    w_N, residual_N = cs.sampled_objective_minimizer(data, N)
    kw = dict(T=T, mu=data.lam, t0=t0, batch=p["batch"], record=record)
    con = _run(data, w0, torch.stack([w_N, w_star]), estimator="consistent", gens=_generators(inst), sizes=[N] * T,
               **kw)
    t = con.t
    win = t >= T / WINDOW
    e_N, e_star = con.sq_dist.mean(0)  # (K,) each
    floor = float(((w_N - w_star) ** 2).sum())
    return {"to_optimum_N_exponent": _fit_exponent(t[win] + t0, e_N[win]), "t": shared(t, "t"),
            "sq_dist_to_optimum_N": shared(e_N, "t"), "sq_dist_to_optimum": shared(e_star, "t"),
            "floor": shared(torch.full((len(record),), floor, dtype=inst.dtype), "t"), "floor_value": floor, "t0": t0,
            "w_star_norm": float(w_star.norm()), "newton_residual": residual, "w_star_N_norm": float(w_N.norm()),
            "newton_residual_N": residual_N, "fixed_N": N}


fixed_sample_size_floor = Claim(
    id="chenluss2018.fixed_sample_size_floor",
    title="With a fixed sample size N the consistent estimator is unbiased for ∇f_N: SGD converges to w*_N at (at "
          "least) the 1/t rate (fitted exponent of E‖w_t − w*_N‖² ≤ −1); the floor ‖w*_N − w*‖² is recorded, not "
          "checked",
    citation=cite("what the strongly convex theorem needs (the sample size must grow; recalled)", "derived",
                  "E_S g_N(w) = ∇f_N(w), f_N(w) = (1/n) Σ_i E_S ℓ(y_i â_{i,S}ᵀw) + (λ/2)‖w‖², λ-strongly convex"),
    kind=Kind.TREND,
    statement=sp.Le(to_N_exp, -1),
    premises=lambda p: sgd_premises(p, fixed_N=st.integers(1, 2)),
    run=run_sgd_floor,
    tolerance=Tolerance(atol=0.2, reason=EXPONENT_TOL_REASON.format(
        measured="−1.30 … −1.01 (one-sided: at N = 1 the early steps, sized for f's curvature, overshoot on the "
                 "sampled curvature, and the transient steepens the window's slope; SGD's guarantee is an upper "
                 "bound)", tol=0.2, excludes="t^{-1/2} and a plateau")),
    recalled=RECALLED_THEOREM,
    symbols={**TREND_SYMBOLS, "to_optimum_N_exponent": "fitted slope of log E‖w_t − w*_N‖² against log(t + t0)",
             "sq_dist_to_optimum_N": "E‖w_t − w*_N‖² (mean of S runs)",
             "sq_dist_to_optimum": "E‖w_t − w*‖² of the same runs (levels off at the floor)",
             "floor": "‖w*_N − w*‖², the error floor (Newton on the enumerated f_N and on f)",
             "floor_value": "‖w*_N − w*‖²", "w_star_N_norm": "‖w*_N‖", "newton_residual_N": "‖∇f_N(w*_N)‖",
             "fixed_N": "the fixed sample size N"},
    given="w₀ = 0; S runs; N fixed at 1 or 2 of D neighbours",
    role="check",  # derived (E_S g_N = ∇f_N) and measured against an independent w*_N (Newton on the enumerated f_N)
    figures=(Figure("fixed N: E‖w_t − w*_N‖² falls like 1/t; E‖w_t − w*‖² levels off at ‖w*_N − w*‖²", x="t",
                    ys=("sq_dist_to_optimum_N", "sq_dist_to_optimum", "floor"), xlabel="SGD step t",
                    ylabel="squared distance", logx=True, logy=True, styles=("line", "line", "dashed")),),
    examples_scale=0.25,
)


# The finding that reports the measured gaps (issue 15): the claim's allowance +0.1 was set 0.03 above the largest gap
# of the scans in the module docstring, after seeing them. It is kept; this item re-measures the gap every run (the
# steepest premise of the scans, the two corners and one drawn premise, at the claim's sizes) and states the scanned
# range itself, with no allowance: a gap above +0.07 eats into the margin the allowance was set with, and one below
# −0.48 is steeper than any the scans saw. Either is reported as this finding refuted, with its premises.
GAP_SCANNED = (-0.48, 0.07)  # the measured range of the gap over 73 premises (docstring: scans of 27, 24 and 22)

consistent_gap_range = Claim(
    id="chenluss2018.consistent_gap_range",
    title="Finding: the measured exponent gap (consistent − unbiased) stays within the range the scans measured, "
          "−0.48 ≤ gap ≤ +0.07, on which the claim's allowance +0.1 was set",
    citation=cite("the scans behind consistent_same_rate's allowance (module docstring; ours)", "derived",
                  "our measurement, re-made every run"),
    role="finding",
    kind=Kind.TREND,
    statement=sp.And(sp.Le(gap, GAP_SCANNED[1]), sp.Ge(gap, GAP_SCANNED[0])),
    premises=sgd_premises,
    run=run_sgd_pair,
    tolerance=Tolerance(reason="none: the statement is the scanned range itself (the gap's scatter over S = 64 runs is "
                               "part of what the scans measured)"),
    recalled=RECALLED_THEOREM,
    symbols={**TREND_SYMBOLS, "final_error_ratio": "E‖w_T − w*‖², consistent over unbiased (the constants)"},
    given="as consistent_same_rate: both runs from w₀ = 0 on the same node minibatches; D ≥ 2N_T",
    figures=(TREND_FIGURE,),
    examples=consistent_same_rate.examples,  # the steepest premise of the scans (gap −0.48)
    examples_scale=0.05,  # the explicit example, the two corners and one drawn premise: ≈ 4 runs of the claim's cost
)


# ---------------------------------------------------------------------------------------------
# issue 17: an estimator that satisfies the paper's consistency premise, and the convex and nonconvex theorems
# ---------------------------------------------------------------------------------------------
#
# The neighbour-sampling estimator above violates the premise at w* (its sampling error does not vanish where ∇f does).
# :mod:`impl.consistent_premise` builds one that satisfies it exactly: g_N = h + (Φ_N − I)∇f(w), Φ_N = diag((1 + a_kŪ_k)^p),
# Ū_k the mean of N Rademacher signs. Then ‖g_N − h‖ ≤ max_k|ρ_k − 1|·‖∇f(w)‖ and P(‖g_N − h‖ ≥ ε‖∇f‖) ≤ l(N, ε) =
# Σ_k 2exp(−Nτ²/(2a_k²)) (Hoeffding, union bound; derived); N is the smallest with l(N, ε) ≤ δ/T (the premise tied to the
# horizon, δ = 0.1). Biased for every finite N (E g_N = diag(m_N)∇f, m_N ≠ 1 by Jensen), consistent (m_N → 1).
# All choices here (T, the window, the premise ranges, the tolerance 0.25 and the control's ‖b‖) were fixed before the
# first run, from the reasons stated with them.

from lemmata.impl import consistent_premise as cpm  # noqa: E402

PREMISE_DELTA = 0.1  # the premise's δ: l(N, ε) ≤ δ/T
PREMISE_STEPS = (2048, 8192, 32768)  # horizon T per profile (ci, dev, thorough)
PREMISE_STEP_C = 0.5  # γ_t = PREMISE_STEP_C/(L·√(t + 1)): γ_0 = 1/(2L)
RECALLED_PREMISE = RECALLED_DEFINITION + (
    "the convex and nonconvex theorems: under the premise with l(N, ε) ≤ δ/T, SGD with the consistent estimator has, w.p. "
    "≥ 1 − δ, the unbiased bounds' order: O(1/√T) for the objective gap of the averaged iterate (convex) and for "
    "min_t E‖∇f(w_t)‖² (nonconvex); the theorem numbers, step sizes and constants are not used",)


def premise_amplitudes(d: int, a_max: float) -> torch.Tensor:
    """a_k = a_max·k/d, k = 1..d: unequal amplitudes, so the bias diag(m_N − 1)∇f also turns the expected direction."""
    return a_max * torch.arange(1, d + 1, dtype=torch.float64) / d


def exact_exceedance(N: int, eps: float, a: torch.Tensor, p: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per coordinate, P(|(1 + a_kŪ)^p − 1| ≥ ε) and E(1 + a_kŪ)^p, Ū = (2B − N)/N, B ~ Binomial(N, ½), by summing the
    binomial pmf (written here, independently of :mod:`impl.consistent_premise`): two (d,) tensors."""
    j = torch.arange(N + 1, dtype=torch.float64)
    pmf = torch.tensor([math.exp(math.lgamma(N + 1) - math.lgamma(i + 1) - math.lgamma(N - i + 1) - N * math.log(2))
                        for i in range(N + 1)], dtype=torch.float64)
    rho = (1.0 + a.unsqueeze(-1) * (2.0 * j - N) / N) ** p  # (d, N + 1)
    return ((rho - 1.0).abs() >= eps).double() @ pmf, rho @ pmf


PREMISE_DRAWS = 20000


def run_premise_tail(inst: Instance) -> dict[str, Any]:
    """The premise of the theorems for our estimator: the exact (enumerated) union Σ_k P(|ρ_k − 1| ≥ ε) against the
    implementation's l(N, ε), and the sampler's frequency of max_k|ρ_k − 1| ≥ ε and mean of ρ against the exact values."""
    q = inst.premises
    N, eps, p, d = q["N"], q["eps"], q["p"], q["d"]
    a = premise_amplitudes(d, q["a_max"])
    per_k, mean_k = exact_exceedance(N, eps, a, p)
    exact_any = 1.0 - float(torch.prod(1.0 - per_k))  # the coordinates are independent
    rho = cpm.draw_factors((PREMISE_DRAWS,), N, a, p, generator=inst.generator(0))
    freq = float(((rho - 1.0).abs() >= eps).any(-1).double().mean())
    mc_mean = rho.mean(0)
    se_freq = math.sqrt(max(exact_any * (1 - exact_any), 1.0 / PREMISE_DRAWS) / PREMISE_DRAWS)
    se_mean = float((rho.std(0) / math.sqrt(PREMISE_DRAWS)).max())
    return {"union_exact": float(per_k.sum()), "tail_bound": cpm.tail_bound(N, eps, a, p),
            "frequency": freq, "exact_frequency": exact_any,
            "mean_factor_mc": shared(mc_mean, "coordinate"), "mean_factor_exact": shared(mean_k, "coordinate"),
            # exact against exact: in units of a round-off allowance 1e-9·max(1, |m|) (two sums of ≤ N + 1 terms), so
            # the Monte Carlo allowance added to every relation (≈ 1e-3 here) is negligible against the right side 1
            "impl_gap_in_roundoff": float(((cpm.mean_factor(N, a, p) - mean_k).abs()
                                           / (1e-9 * mean_k.abs().clamp_min(1.0))).max()),
            "coordinate": shared(torch.arange(d, dtype=inst.dtype), "coordinate"),
            "mc_stderr": max(se_freq, se_mean), "bias_max": float((mean_k - 1.0).abs().max())}


union_exact, tail_l, freq_sym, freq_exact, mf_mc, mf_exact, mf_impl = sp.symbols(
    "union_exact tail_bound frequency exact_frequency mean_factor_mc mean_factor_exact impl_gap_in_roundoff")

premise_tail = Claim(
    id="chenluss2018.premise_tail_bound",
    title="The multiplicative estimator g_N = h + (Φ_N − I)∇f satisfies the consistency premise: the exact P(|ρ_k − 1| ≥ "
          "ε) summed over k is ≤ l(N, ε) = Σ_k 2exp(−Nτ²/(2a_k²)); the sampler's exceedance frequency and mean factor "
          "m_N = E ρ (≠ 1: biased) match their exact binomial sums",
    citation=cite("the consistency premise (definition recalled) for our estimator (impl.consistent_premise)", "derived",
                  "‖g_N − h‖ ≤ max_k|ρ_k − 1|·‖∇f‖; |ρ_k − 1| ≥ ε ⇒ |a_kŪ_k| ≥ τ(ε, p); Hoeffding for a mean of N signs"),
    role="check",  # a check of our estimator and of our l(N, ε) against exact binomial sums, not a claim of the paper
    kind=Kind.EXACT,
    statement=sp.And(sp.Le(union_exact, tail_l), sp.Eq(freq_sym, freq_exact), sp.Eq(mf_mc, mf_exact),
                     sp.Le(mf_impl, 1)),
    premises=lambda p: st.fixed_dictionaries({
        "N": st.integers(1, p.pick(400, 1000, 2000)), "eps": st.floats(0.05, 0.95), "a_max": st.floats(0.05, 0.95),
        "p": st.sampled_from([-2.0, -1.0, -0.5, 0.5, 2.0, 3.0]), "d": st.integers(1, 8), "seed": st.integers(0, 2**20)}),
    run=run_premise_tail,
    tolerance=Tolerance(stderr="mc_stderr", z=5.0, rtol=1e-12,
                        reason=f"Monte Carlo over {PREMISE_DRAWS} draws: 5 standard errors (the larger of the "
                               "frequency's, √(P(1 − P)/M) floored at 1/M, and the worst coordinate's mean), for four "
                               "relations in every example; rtol 1e-12 for the exact union against l(N, ε); the "
                               "implementation's m_N is compared with the exact sum in units of 1e-9·max(1, |m|)"),
    recalled=RECALLED_DEFINITION,
    symbols={"union_exact": "Σ_k P(|ρ_k − 1| ≥ ε), exact (binomial pmf, theorem module)",
             "tail_bound": "l(N, ε) = Σ_k 2exp(−Nτ(ε, p)²/(2a_k²)) (impl.consistent_premise.tail_bound)",
             "frequency": "fraction of draws with max_k|ρ_k − 1| ≥ ε (impl sampler)",
             "exact_frequency": "1 − Π_k(1 − P(|ρ_k − 1| ≥ ε)), exact", "mean_factor_mc": "mean of ρ_k over the draws",
             "mean_factor_exact": "E ρ_k, exact binomial sum (theorem module)",
             "impl_gap_in_roundoff": "max_k |m_{N,k} (impl.consistent_premise.mean_factor) − m_{N,k} (exact here)| / "
                                     "(1e-9·max(1, |m_{N,k}|))", "bias_max": "max_k |m_{N,k} − 1|",
             "mc_stderr": "the larger Monte Carlo standard error"},
    given="ρ_k = (1 + a_kŪ_k)^p, Ū_k = (2B_k − N)/N, B_k ~ Binomial(N, ½), a_k = a_max·k/d",
    seeds=1,
)


def premise_premises(p: Profile, loss: str, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The SGD comparisons' premises. ε ∈ [0.3, 0.9]: the premise's relative error, from a mild one to nearly the size of
    the gradient; a_max ∈ [0.2, 0.9] and p ∈ {−1, ½, 2} (convex, concave and convex factor maps: the bias m_N − 1 of
    either sign); n ≥ 4 samples, d ≤ 8."""
    base = {"n": st.integers(4, p.pick(64, 128, 256)), "d": st.integers(1, p.pick(8, 12, 16)),
            "batch": st.integers(1, 4), "eps": st.floats(0.3, 0.9), "a_max": st.floats(0.2, 0.9),
            "p": st.sampled_from([-1.0, 0.5, 2.0]), "scale": st.floats(0.5, 3.0), "seed": st.integers(0, 2**20)}
    if loss == "cauchy":
        base["outlier_frac"] = st.floats(0.1, 0.4)
    return st.fixed_dictionaries({**base, **extra})


def _premise_setup(inst: Instance, loss: str):
    q = inst.premises
    prob = cpm.problem_data(loss, q["n"], q["d"], generator=inst.generator(0), scale=q["scale"],  # type: ignore[arg-type]
                            outlier_frac=q.get("outlier_frac", 0.0), lam=q.get("lam", 0.0))
    T = inst.profile.pick(*PREMISE_STEPS)
    a = premise_amplitudes(q["d"], q["a_max"])
    N = cpm.sample_size_for_horizon(T, PREMISE_DELTA, q["eps"], a, q["p"])
    record = sorted({int(round(x)) for x in torch.logspace(0, math.log10(T), RECORDS, dtype=torch.float64).tolist()})
    w0 = torch.zeros(inst.S, q["d"], dtype=inst.dtype)
    return prob, T, a, N, record, w0


def _premise_runs(inst: Instance, loss: str, inconsistent: bool, *,
                  strongly_convex: bool = False) -> tuple[Any, ...]:
    """The unbiased run and the consistent one (or, for the control, the inconsistent one) on the same minibatches:
    ``(prob, T, N, t0, unbiased, consistent)``.

    The step schedule: γ_t = PREMISE_STEP_C/(L√(t + 1)) (t0 is None), or with ``strongly_convex`` (the premises carry
    λ = μ) γ_t = 2/(μ(t + t0)), t0 = ⌈2L/μ⌉, as consistent_same_rate."""
    q = inst.premises
    prob, T, a, N, record, w0 = _premise_setup(inst, loss)
    L = cpm.smoothness(prob)
    if strongly_convex:
        mu = q["lam"]
        t0: float | None = float(max(1, math.ceil(STEP_C * L / mu)))  # γ_0 = 2/(μ t0) ≤ 1/L
        c = STEP_C / mu
    else:
        t0, c = None, PREMISE_STEP_C / L
    kw = dict(steps=T, c=c, t0=t0, batch=q["batch"], record=record, N=N, a=a, p=q["p"])
    gens = lambda: (inst.seed_generators(1)[0], inst.seed_generators(2)[0])  # noqa: E731
    g1, f1 = gens()
    unb = cpm.premise_sgd(prob, w0, estimator="unbiased", batch_generator=g1, factor_generator=f1, **kw)
    bias = None
    if inconsistent:
        # the control's fixed error b: the premise's allowance at the start, ε‖∇f(w₀)‖, in a random direction; it
        # does not shrink with ‖∇f(w)‖ (or with N), so near a stationary point it is far above ε‖∇f‖
        v = torch.randn(q["d"], generator=inst.generator(3), dtype=torch.float64)
        bias = q["eps"] * cpm.full_gradient(w0[:1], prob)[0].norm() * v / v.norm()
    g2, f2 = gens()
    con = cpm.premise_sgd(prob, w0, estimator="inconsistent" if inconsistent else "consistent", batch_generator=g2,
                          factor_generator=f2, bias=bias, **kw)
    return prob, T, N, t0, unb, con


def _rate_values(t: torch.Tensor, T: int, e_u: torch.Tensor, e_c: torch.Tensor, name: str) -> dict[str, Any]:
    win = t >= T / WINDOW
    exp_u, exp_c = _fit_exponent(t[win], e_u[win]), _fit_exponent(t[win], e_c[win])
    return {"unbiased_exponent": exp_u, "consistent_exponent": exp_c, "exponent_gap": exp_c - exp_u,
            "t": shared(t, "t"), f"unbiased_{name}": shared(e_u, "t"), f"consistent_{name}": shared(e_c, "t"),
            "sqrt_envelope": shared(e_u[-1] * (T / t.clamp_min(1.0)) ** 0.5, "t"),
            "final_ratio": float(e_c[-1] / e_u[-1])}


def run_convex_pair(inst: Instance, inconsistent: bool = False) -> dict[str, Any]:
    """Convex (unregularized logistic) case: E[f(w̄_t)] − f* (mean over S runs) of the averaged iterates."""
    prob, T, N, _, unb, con = _premise_runs(inst, "logistic", inconsistent)
    w_star, residual = cpm.logistic_minimizer(prob)
    f_star = float(cpm.objective(w_star.unsqueeze(0), prob))
    S, K, d = unb.w_avg.shape
    gap_u = (cpm.objective(unb.w_avg.reshape(S * K, d), prob).reshape(S, K) - f_star).mean(0)
    gap_c = (cpm.objective(con.w_avg.reshape(S * K, d), prob).reshape(S, K) - f_star).mean(0)
    t = unb.t
    keep = t >= 1  # w̄_0 = w₀ is no average
    return {**_rate_values(t[keep], T, gap_u[keep], gap_c[keep], "gap"), "sample_size": N, "f_star": f_star,
            "newton_residual": residual, "w_star_norm": float(w_star.norm()),
            "max_error_ratio": float(con.max_error_ratio.max())}


def run_nonconvex_pair(inst: Instance, inconsistent: bool = False) -> dict[str, Any]:
    """Nonconvex (Cauchy regression) case: min_{s ≤ t} E‖∇f(w_s)‖² (E: mean over S runs)."""
    prob, T, N, _, unb, con = _premise_runs(inst, "cauchy", inconsistent)
    t = unb.t
    idx = t.long()
    m_u = torch.cummin(unb.grad_sq.mean(0), 0).values[idx]
    m_c = torch.cummin(con.grad_sq.mean(0), 0).values[idx]
    keep = t >= 1
    return {**_rate_values(t[keep], T, m_u[keep], m_c[keep], "min_grad_sq"), "sample_size": N,
            "max_error_ratio": float(con.max_error_ratio.max())}


PREMISE_TOL_REASON = (
    "0.25 = 1/ln(T/32) at ci's T = 2048 (1/ln 64 = 0.24, rounded up): the bounds' rate t^{-1/2} may carry a log t factor "
    "(γ_t ∝ 1/√t), which raises the local exponent by 1/ln t, at most 1/ln(T/32) over the fit window; the same allowance "
    "for the gap: 'the same order' is decided up to that log factor. Fixed before any run; a plateau (exponent ≈ 0, gap ≳ "
    "½) is outside it")
PREMISE_SYMBOLS = {
    "unbiased_exponent": "fitted slope of log(measured) against log t, t ∈ [T/32, T], unbiased SGD",
    "consistent_exponent": "the same for SGD with the consistent estimator g_N = h + (Φ_N − I)∇f",
    "exponent_gap": "consistent_exponent − unbiased_exponent", "t": "SGD step t",
    "sample_size": "N, the smallest with l(N, ε) ≤ δ/T (δ = 0.1)",
    "max_error_ratio": "max over steps and runs of ‖g_t − h_t‖/‖∇f(w_t)‖ (≤ ε w.p. ≥ 1 − δ under the premise)",
    "final_ratio": "the measured quantity at T, consistent over unbiased (the constants)",
    "sqrt_envelope": "C·t^{-1/2} through the unbiased curve at T", "a_max": "largest amplitude a_k = a_max·k/d",
    "eps": "the premise's relative error ε", "p": "power of the factor (1 + aŪ)^p",
}
con_exp_sym, gap_sym = sp.symbols("consistent_exponent exponent_gap")


def premise_rate_claim(*, name: str, title: str, where: str, note: str,
                       premises: Callable[[Profile], st.SearchStrategy[dict[str, Any]]],
                       run: Callable[[Instance], dict[str, Any]], symbols: dict[str, str], given: str,
                       figure_title: str, curves: tuple[str, str], ylabel: str,
                       exponent: sp.Rational = sp.Rational(-1, 2), exponent_text: str = "−½",
                       tolerance_reason: str = PREMISE_TOL_REASON) -> Claim:
    """One of the three theorems under the consistency premise (convex, nonconvex, strongly convex), as "the consistent
    estimator's fitted exponent is ≤ ``exponent`` (the theorem's rate) and no worse than unbiased SGD's", decided as a
    TREND with the allowance 0.25 (``tolerance_reason``), tightness = the bound's exponent over the measured one; the
    theorem is recalled (citation ``where`` and ``note``).

    What varies by case: the id ``name``, title, citation, the theorem's ``exponent`` (−½ for the convex and nonconvex
    theorems; its text for the tightness), premises, the pair runner, the symbols added to PREMISE_SYMBOLS,
    ``given``, and the figure (its title, the unbiased and consistent ``curves`` drawn against ``sqrt_envelope``, the
    y label)."""
    return Claim(
        id=f"chenluss2018.{name}",
        title=title,
        citation=cite(where, "recalled", note),
        kind=Kind.TREND,
        statement=sp.And(sp.Le(con_exp_sym, exponent), sp.Le(gap_sym, 0)),
        premises=premises,
        run=run,
        tolerance=Tolerance(atol=0.25, reason=tolerance_reason),
        recalled=RECALLED_PREMISE,
        symbols={**PREMISE_SYMBOLS, **symbols},
        given=given,
        figures=(Figure(figure_title, x="t", ys=(*curves, "sqrt_envelope"), xlabel="SGD step t", ylabel=ylabel,
                        logx=True, logy=True, styles=("line", "line", "dashed")),),
        examples_scale=0.5,
        tightness=Tightness(exponent / con_exp_sym, f"the bound's exponent {exponent_text} over the consistent "
                            "estimator's measured one (1: it decays exactly at the theorem's rate; smaller: faster)",
                            reduce="min"),
    )


FIXED_ERROR_BROKEN = ("consistency: the estimator's error is bounded relative to ‖∇f(w)‖ (here a fixed error b, ‖b‖ = "
                      "ε‖∇f(w₀)‖, is added")


def inconsistent_control(parent: Claim, *, case: str, title: str, run_pair: Callable[..., dict[str, Any]],
                         broken_detail: str = ": it neither shrinks with ‖∇f(w)‖ nor with N") -> Claim:
    """The control of a :func:`premise_rate_claim`: the parent's comparison on the parent's premises, with a fixed error
    b (not relative to ‖∇f‖: the consistency premise broken) added to the estimator, ``run_pair(inst,
    inconsistent=True)``. What varies: the ``case`` (the id is ``<case>_inconsistent_control``), the title, the pair
    runner, and what ``broken`` says after "is added"."""
    return control(
        parent,
        name=f"{case}_inconsistent_control",
        premises=parent.premises,
        broken=f"{FIXED_ERROR_BROKEN}{broken_detail})",
        title=title,
        run=lambda inst: run_pair(inst, inconsistent=True),
    )


convex_same_rate = premise_rate_claim(
    name="convex_same_rate",
    title="Convex case: under the consistency premise (l(N, ε) ≤ δ/T), SGD with a biased consistent estimator drives "
          "E f(w̄_t) − f* down at the rate O(1/√t) of the convex theorem, no slower in exponent than unbiased SGD",
    where="the convex theorem (number not confirmed; abstract: 'our analysis covers strongly convex, convex, and "
          "nonconvex objectives')",
    note="the abstract's 'same convergence behavior' for the convex case; the bound's form O(1/√T) for the averaged "
         "iterate, the premise and the step schedule are recalled; γ_t = 1/(2L√(t + 1)) is ours",
    premises=lambda p: premise_premises(p, "logistic"),
    run=run_convex_pair,
    symbols={"unbiased_gap": "E f(w̄_t) − f*, unbiased (mean of S runs; w̄_t the running average)",
             "consistent_gap": "E f(w̄_t) − f*, consistent estimator", "f_star": "f* (Newton)",
             "newton_residual": "‖∇f(w*)‖ after Newton", "w_star_norm": "‖w*‖"},
    given="unregularized logistic regression (convex, not strongly convex) with d anchor pairs that make it coercive; w₀ = "
          "0; γ_t = 1/(2L√(t + 1)); both runs on the same minibatches",
    figure_title="E f(w̄_t) − f*: unbiased against consistent SGD, with C·t^{-1/2}",
    curves=("unbiased_gap", "consistent_gap"),
    ylabel="E f(w̄_t) − f*",
)

convex_inconsistent_control = inconsistent_control(
    convex_same_rate,
    case="convex",
    title="Control: an inconsistent estimator (a fixed error b added) stalls: E f(w̄_t) − f* no longer falls like t^{-1/2}",
    run_pair=run_convex_pair,
)

nonconvex_same_rate = premise_rate_claim(
    name="nonconvex_same_rate",
    title="Nonconvex case: under the consistency premise (l(N, ε) ≤ δ/T), SGD with a biased consistent estimator drives "
          "min_{s≤t} E‖∇f(w_s)‖² down at the rate O(1/√t) of the nonconvex theorem, no slower in exponent than unbiased SGD",
    where="the nonconvex theorem (number not confirmed; abstract: the analysis covers nonconvex objectives)",
    note="the abstract's 'same convergence behavior' for the nonconvex case; the bound's form O(1/√T) for "
         "min_t E‖∇f(w_t)‖², the premise and the step schedule are recalled; γ_t = 1/(2L√(t + 1)) is ours",
    premises=lambda p: premise_premises(p, "cauchy"),
    run=run_nonconvex_pair,
    symbols={"unbiased_min_grad_sq": "min_{s≤t} E‖∇f(w_s)‖², unbiased (E: mean of S runs)",
             "consistent_min_grad_sq": "min_{s≤t} E‖∇f(w_s)‖², consistent estimator",
             "outlier_frac": "fraction of gross outliers (residuals in the nonconvex region of the Cauchy loss)"},
    given="Cauchy-loss robust regression f(w) = (1/n)Σ log(1 + (x_iᵀw − y_i)²/2) (nonconvex) with gross outliers; w₀ = 0; "
          "γ_t = 1/(2L√(t + 1)); both runs on the same minibatches",
    figure_title="min_{s≤t} E‖∇f(w_s)‖²: unbiased against consistent SGD, with C·t^{-1/2}",
    curves=("unbiased_min_grad_sq", "consistent_min_grad_sq"),
    ylabel="min E‖∇f‖²",
)

nonconvex_inconsistent_control = inconsistent_control(
    nonconvex_same_rate,
    case="nonconvex",
    title="Control: an inconsistent estimator (a fixed error b added) stalls: min E‖∇f(w_s)‖² levels off near ‖b‖²",
    run_pair=run_nonconvex_pair,
)


def run_strongly_convex_pair(inst: Instance, inconsistent: bool = False) -> dict[str, Any]:
    """Strongly convex case (ridge-regularised logistic, μ = λ): E‖w_t − w*‖² with γ_t = 2/(μ(t + t0)), t0 = ⌈2L/μ⌉."""
    prob, T, N, t0, unb, con = _premise_runs(inst, "logistic", inconsistent, strongly_convex=True)
    w_star, residual = cpm.logistic_minimizer(prob)
    t = unb.t
    e_u = ((unb.w_rec - w_star) ** 2).sum(-1).mean(0)
    e_c = ((con.w_rec - w_star) ** 2).sum(-1).mean(0)
    win = t >= T / WINDOW  # as consistent_same_rate: the window t ∈ [T/32, T], the exponent against t + t0
    exp_u, exp_c = _fit_exponent(t[win] + t0, e_u[win]), _fit_exponent(t[win] + t0, e_c[win])
    out = {"unbiased_exponent": exp_u, "consistent_exponent": exp_c, "exponent_gap": exp_c - exp_u,
           "unbiased_sq_dist": shared(e_u, "t"), "consistent_sq_dist": shared(e_c, "t"),
           "sqrt_envelope": shared(e_u[-1] * (T + t0) / (t + t0), "t"), "final_ratio": float(e_c[-1] / e_u[-1])}
    return {**out, "t": shared(t, "t"), "t0": t0, "sample_size": N, "newton_residual": residual,
            "w_star_norm": float(w_star.norm()), "max_error_ratio": float(con.max_error_ratio.max())}


def strongly_convex_premises(p: Profile) -> st.SearchStrategy[dict[str, Any]]:
    """As the convex premises plus λ ∈ [0.1, 0.5] (as consistent_same_rate: t0 = ⌈2L/λ⌉ stays below the window's start)."""
    return premise_premises(p, "logistic", lam=st.floats(0.1, 0.5))


strongly_convex_same_rate = premise_rate_claim(
    name="strongly_convex_premise_rate",
    title="Strongly convex case: under the consistency premise (l(N, ε) ≤ δ/T), SGD with a biased consistent estimator "
          "(γ_t = 2/(μ(t + t0))) has E‖w_t − w*‖² = O(1/t), no slower in exponent than unbiased SGD",
    where="the strongly convex theorem (number not confirmed; abstract: the analysis covers strongly convex "
          "objectives)",
    note="the abstract's 'same convergence behavior'; the O(1/T) form, the premise and the schedule are recalled; "
         "γ_t = 2/(μ(t + t0)) is consistent_same_rate's (ours)",
    exponent=sp.Integer(-1),
    exponent_text="−1",
    premises=strongly_convex_premises,
    run=run_strongly_convex_pair,
    tolerance_reason="the same allowance as convex_same_rate and nonconvex_same_rate, so that the three cases are "
                     "decided alike (1/ln(T/32) at ci's T); it excludes the convex rate t^{-1/2} and a plateau. Fixed "
                     "before any run",
    symbols={"unbiased_sq_dist": "E‖w_t − w*‖², unbiased (mean of S runs)",
             "consistent_sq_dist": "E‖w_t − w*‖², consistent estimator", "t0": "schedule offset ⌈2L/μ⌉",
             "lam": "ridge λ = μ", "newton_residual": "‖∇f(w*)‖ after Newton", "w_star_norm": "‖w*‖",
             "sqrt_envelope": "C/(t + t0) through the unbiased curve at T"},
    given="ridge-regularised logistic regression (λ-strongly convex) with the anchor pairs; w₀ = 0; γ_t = 2/(λ(t + t0)); "
          "both runs on the same minibatches; the exponent is fitted against t + t0",
    figure_title="E‖w_t − w*‖²: unbiased against consistent SGD (the premise holds), with C/(t + t0)",
    curves=("unbiased_sq_dist", "consistent_sq_dist"),
    ylabel="E‖w_t − w*‖²",
)

strongly_convex_inconsistent_control = inconsistent_control(
    strongly_convex_same_rate,
    case="strongly_convex",
    title="Control: an inconsistent estimator (a fixed error b added) plateaus at ‖w_b − w*‖², ∇f(w_b) = −b",
    run_pair=run_strongly_convex_pair,
    broken_detail="",
)


CLAIMS = [unbiased_estimator_mean, aggregate_moments, consistent_bias_vanishes, unbiased_sgd_rate,
          consistent_same_rate, fixed_sample_size_control, fixed_sample_size_floor, consistent_gap_range,
          premise_tail, convex_same_rate, convex_inconsistent_control, nonconvex_same_rate,
          nonconvex_inconsistent_control, strongly_convex_same_rate, strongly_convex_inconsistent_control]


# ---------------------------------------------------------------------------------------------
# Coverage map (issue 16, item 4): the paper's results and how this module covers them
# ---------------------------------------------------------------------------------------------

# Read [paper]: the abstract and the start of Sec. 1 (the stored ar5iv page gives the start of the paper). No theorem
# number could be confirmed: the three convergence theorems (strongly convex, convex, nonconvex: the abstract says the
# analysis covers all three) are named by their case, and their premises and bounds are recalled.
COVERAGE = [
    Covered(
        where="Sec. 2: consistent gradient estimators and the GCN example (section and definition recalled)",
        statement="The neighbour-sampling estimator of a graph model (Chen et al. 2018's FastGCN) is biased for a "
                  "finite sample size N but consistent: it converges to the gradient as N grows; consistency is the "
                  "uniform tail bound P(‖g_N − h‖ ≥ ε‖∇f‖) ≤ l(N, ε), l ↓ 0 in N (recalled)",
        status="encoded",
        claims=("chenluss2018.consistent_bias_vanishes", "chenluss2018.aggregate_moments",
                "chenluss2018.unbiased_estimator_mean"),
        why="only by implementation checks of our estimator: its exact (enumerated) bias is below an O(1/N) bound and "
            "0 at N = D, the sampled aggregates have the closed-form mean and covariance, and the node-minibatch "
            "estimator averages to ∇f. The paper's consistency premise itself (a tail bound relative to ‖∇f‖) is not "
            "checked, and this estimator violates it at w*, where ∇f = 0 but the sampling error does not vanish",
        source="recalled",
    ),
    Covered(
        where="Abstract (strongly convex case)",
        statement="SGD with a consistent gradient estimator has the same convergence behaviour as with an unbiased one",
        status="encoded",
        claims=("chenluss2018.consistent_same_rate", "chenluss2018.fixed_sample_size_control",
                "chenluss2018.consistent_gap_range", "chenluss2018.fixed_sample_size_floor"),
        why="our statement of it on a ridge-regularised logistic objective on graph aggregates: with the sample size "
            "growing as N_t = ⌈√(t + 1)/2⌉ (ours), the fitted exponent of E‖w_t − w*‖² is no worse than unbiased "
            "SGD's (−1 ≤ gap ≤ 0, +0.1 allowance set after the scans; consistent_gap_range re-measures the gap); "
            "the control holds N fixed at 1 or 2, where SGD plateaus at ‖w*_N − w*‖² (fixed_sample_size_floor, a "
            "check, measures the 1/t rate to w*_N). The paper's own premise and bound are the next entry",
        source="paper",
    ),
    Covered(
        where="the consistency premise (definition recalled): an estimator that satisfies it",
        statement="P(‖g_N(w) − h(w)‖ ≥ ε‖∇f(w)‖) ≤ l(N, ε) uniformly in w, l ↓ 0 in N; the theorems take l(N, ε) ≤ δ/T",
        status="encoded",
        claims=("chenluss2018.premise_tail_bound",),
        why="by an implementation check: our multiplicative estimator g_N = h + (Φ_N − I)∇f (impl.consistent_premise) "
            "satisfies the premise with l(N, ε) = Σ_k 2exp(−Nτ²/(2a_k²)) (derived), checked against the exact binomial "
            "probabilities; it is biased (E g_N = diag(m_N)∇f, m_N ≠ 1, checked exactly) and consistent (m_N → 1). The "
            "SGD items below take the smallest N with l(N, ε) ≤ δ/T",
        source="recalled",
    ),
    Covered(
        where="strongly convex theorem (number not confirmed)",
        statement="For a strongly convex, smooth objective, if the estimator is consistent with l(N, ε) ≤ δ/T for the "
                  "horizon T, SGD with it reaches, w.p. ≥ 1 − δ, the same order of error as unbiased SGD (premise "
                  "form, step sizes and constants recalled)",
        status="encoded",
        claims=("chenluss2018.strongly_convex_premise_rate", "chenluss2018.strongly_convex_inconsistent_control"),
        why="on ridge-regularised logistic regression with the premise-satisfying estimator and N tied to the horizon: "
            "the fitted exponent of E‖w_t − w*‖² (γ_t = 2/(μ(t + t0))) is ≤ −1 and no worse than unbiased SGD's "
            "(allowance 0.25, as the convex and nonconvex items); the control's fixed error b makes it plateau. The "
            "graph instance (consistent_same_rate, previous entry) keeps the abstract's conclusion where the premise "
            "fails at w*. Not encoded: the theorem's explicit bound and constants (not re-read)",
        source="recalled",
    ),
    Covered(
        where="convex theorem (number not confirmed)",
        statement="For a convex (not strongly convex), smooth objective, under the premise with l(N, ε) ≤ δ/T, SGD with "
                  "a consistent estimator converges like unbiased SGD (the O(1/√T) rate of the objective gap of the "
                  "averaged iterate; form recalled)",
        status="encoded",
        claims=("chenluss2018.convex_same_rate", "chenluss2018.convex_inconsistent_control"),
        why="on unregularized logistic regression (convex, not strongly convex; anchor pairs make it coercive) with the "
            "premise-satisfying estimator and N tied to the horizon: the fitted exponent of E f(w̄_t) − f* is ≤ −½ and "
            "no worse than unbiased SGD's on the same minibatches (allowance 0.25 = 1/ln(T/32), a log factor); the "
            "control adds a fixed error b (not relative to ‖∇f‖: the premise broken) and the rate stalls. The theorem's "
            "explicit bound and constants are not evaluated (not re-read)",
        source="recalled",
    ),
    Covered(
        where="nonconvex theorem (number not confirmed)",
        statement="For a smooth nonconvex objective, under the premise, SGD with a consistent estimator drives "
                  "min_t E‖∇f(w_t)‖² to 0 like unbiased SGD (O(1/√T); form recalled)",
        status="encoded",
        claims=("chenluss2018.nonconvex_same_rate", "chenluss2018.nonconvex_inconsistent_control"),
        why="on Cauchy-loss robust regression with gross outliers (nonconvex) with the premise-satisfying estimator: "
            "the fitted exponent of min_{s≤t} E‖∇f(w_s)‖² is ≤ −½ and no worse than unbiased SGD's (allowance 0.25); "
            "the control's fixed error b makes it level off near ‖b‖². Not encoded: the theorem's constants. Note: "
            "measuring ‖∇f‖ alone cannot tell descent from escape to a flat region (the Cauchy loss is flat at "
            "infinity): the quality test plants a dropped step decay, not a sign error, for that reason",
        source="recalled",
    ),
    Covered(
        where="the unbiased-SGD results the theorems are set against (classical; cited)",
        statement="Unbiased SGD with a 1/(μt) step on a μ-strongly convex objective: E‖w_t − w*‖² = O(1/t)",
        status="encoded",
        claims=("chenluss2018.unbiased_sgd_rate",),
        why="only by an implementation check: the classical rate (e.g. Bottou, Curtis, Nocedal 2018), not a result "
            "of this paper, reproduced by our SGD loop as a fitted exponent −1 ± 0.2",
        source="recalled",
    ),
    Covered(
        where="experiments section (abstract: 'illustrative experiments on synthetic and real-world data')",
        statement="Experiments on synthetic and real-world (graph) data in which SGD with consistent estimators "
                  "behaves like SGD with unbiased ones (settings not re-read)",
        status="not yet",
        why="the section could not be consulted; the suite's comparison is on a synthetic graph problem of our own. "
            "Missing: the paper's settings (its synthetic data, the real graphs and the GCN training) reproduced",
    ),
]
