"""Zou, Long, Gu, "On the Global Convergence of Training Deep Linear ResNets", ICLR 2020, arXiv 2003.01094
(seed 002; formulas: shared/CLAIMS.md, section zou2020). Implementation: :mod:`impl.linear_resnet`.

f(x) = B(I + W_L)⋯(I + W_1)Ax with A (m×d), B (k×m) fixed and W_l trained by GD from 0;
L* = min over linear maps of ½‖ΘX − Y‖_F², computed independently (pinv) in the implementation.

First increment (issue 4): the modified identity transforms A = [I_d; 0], B = [0, I_k] at width
m = d + k — their exact facts, the linear rate with the recalled constant, and the control without
the identity shortcut. Gaussian transforms, SGD, weight norms and Nesterov acceleration are next.
"""

from __future__ import annotations

import math
from typing import Any

import sympy as sp
import torch
from hypothesis import strategies as st

from impl import linear_resnet as lr
from verify import Citation, Claim, Figure, Instance, Kind, Profile, Tolerance, control

PAPER = "Zou, Long, Gu (2020), On the Global Convergence of Training Deep Linear ResNets, ICLR"
ARXIV = "2003.01094"


def cite(where: str, source: str = "paper", note: str = "") -> Citation:
    return Citation(paper=PAPER, where=where, arxiv=ARXIV, source=source, note=note)  # type: ignore[arg-type]


def resnet_premises(p: Profile, **extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Dimensions, depth, the condition number κ of XXᵀ (log-uniform), rank deficiency, a seed."""
    return st.fixed_dictionaries({
        "d": st.integers(1, p.pick(6, 16, 64)), "k": st.integers(1, p.pick(3, 8, 16)),
        "n": st.integers(1, p.pick(12, 32, 128)), "L": st.integers(1, p.pick(6, 16, 64)),
        "log10_kappa": st.floats(0.0, p.pick(2.0, 3.0, 4.0)), "rank_deficient": st.booleans(),
        "seed": st.integers(0, 2**20), **extra,
    })


def _data(inst: Instance) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """X (d, n) with cond(XXᵀ) = κ on its nonzero spectrum (rank one less than full when asked), Y, and
    the identity transforms."""
    p = inst.premises
    full = min(p["d"], p["n"])
    rank = max(1, full - 1) if p["rank_deficient"] else full
    kappa = 10.0 ** p["log10_kappa"] if rank > 1 else 1.0  # a rank-1 X has one nonzero singular value: κ = 1
    X, Y = lr.data_with_condition_number(p["d"], p["n"], p["k"], kappa=kappa, rank=rank,
                                         generator=inst.generator(0), dtype=inst.dtype, device=inst.device)
    A, B = lr.identity_transforms(p["d"], p["k"], S=1, dtype=inst.dtype, device=inst.device)
    return X, Y, A, B


def run_identity_init(inst: Instance) -> dict[str, Any]:
    """At W = 0: the output, and each layer's gradient against Bᵀ(BAX − Y)(AX)ᵀ."""
    X, Y, A, B = _data(inst)
    L, m = inst.premises["L"], A.shape[1]
    W0 = torch.zeros(1, L, m, m, dtype=inst.dtype, device=inst.device)
    G = lr.grads(W0, A, B, X, Y)  # (1, L, m, m)
    formula = B.transpose(-1, -2) @ (B @ A @ X - Y) @ (A @ X).transpose(-1, -2)  # (1, m, m)
    return {"output_abs": lr.forward(W0, A, B, X).abs().reshape(1, -1),
            "layer_gradient": G.reshape(1, L, -1), "gradient_formula": formula.reshape(1, 1, -1)}


out_abs, layer_g, formula_g = sp.symbols("output_abs layer_gradient gradient_formula")

identity_output_zero = Claim(
    id="zou2020.identity_output_zero",
    title="Modified identity transforms A = [I_d; 0], B = [0, I_k]: BA = 0, so the output is exactly 0 at init",
    citation=cite("Section on the modified identity transformation", "derived", "B A = [0, I_k][I_d; 0] = 0"),
    kind=Kind.EXACT,
    statement=sp.Eq(out_abs, 0),
    premises=resnet_premises,
    run=run_identity_init,
    tolerance=Tolerance(reason="a product with exact zeros: exact"),
    seeds=1,
    symbols={"output_abs": "|f(X)| entrywise at W = 0"},
)

identity_layer_gradients = Claim(
    id="zou2020.identity_layer_gradients",
    title="With the modified identity transforms every layer's initial gradient is Bᵀ(BAX − Y)(AX)ᵀ",
    citation=cite("Section on the modified identity transformation", "derived",
                  "at W = 0 every partial product is I, so ∂L/∂W_l = Bᵀ(BAX − Y)(AX)ᵀ for each l"),
    kind=Kind.EXACT,
    statement=sp.Eq(layer_g, formula_g),
    premises=resnet_premises,
    run=run_identity_init,
    tolerance=Tolerance(rtol=1e-12, atol=1e-14, reason="float64 round-off in products of ≤ 4 small matrices"),
    seeds=1,
    symbols={"layer_gradient": "∂L/∂W_l at W = 0 (hand-written backward)", "gradient_formula": "Bᵀ(BAX − Y)(AX)ᵀ"},
)


STEP_C = 4.0  # ours: η = eta_frac/(L‖X‖₂²) with eta_frac ≤ 1/STEP_C, for the paper's η ≤ 1/(C′L‖A‖²‖B‖²‖X‖²)


def _rate_setup(inst: Instance) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, float, float, int]:
    X, Y, A, B = _data(inst)
    s = torch.linalg.svdvals(X)
    sigma_r2 = float(s[s > 1e-10 * s[0]][-1] ** 2)  # smallest nonzero singular value, squared
    L = inst.premises["L"]
    eta = inst.premises["eta_frac"] / (L * float(s[0]) ** 2)
    steps = int(min(inst.profile.pick(4000, 20000, 100000), math.ceil(3 * math.e / (eta * L * sigma_r2))))
    return X, Y, A, B, eta, sigma_r2, steps


def run_identity_rate(inst: Instance) -> dict[str, Any]:
    """GD from W = 0 at width m = d + k: L(t) − L* against (1 − ηLσ_r²(X)/e)^t (L(0) − L*)."""
    X, Y, A, B, eta, sigma_r2, steps = _rate_setup(inst)
    tr = lr.gd_trajectory(A, B, X, Y, L=inst.premises["L"], eta=eta, steps=steps)
    return {"excess": tr.excess[:, 1:], "excess_0": tr.excess[:, :1], "t": torch.arange(1.0, steps + 1).reshape(1, -1),
            "eta": eta, "L": inst.premises["L"], "sigma_r2": sigma_r2}


def run_plain_net(inst: Instance) -> dict[str, Any]:
    """The same GD on a plain deep linear net f = B W_L⋯W_1 A X (no identity) from W = 0, by autograd."""
    X, Y, A, B, eta, sigma_r2, steps = _rate_setup(inst)
    L, m = inst.premises["L"], A.shape[1]
    W = torch.zeros(L, m, m, dtype=inst.dtype, device=inst.device, requires_grad=True)
    optimum = float(lr.optimum(A, B, X, Y)[0])
    excess = []
    for _ in range(min(steps, 200) + 1):  # a few hundred steps show it: the gradient is exactly 0
        P = A @ X
        for layer in range(L):
            P = W[layer] @ P
        loss = 0.5 * ((B @ P - Y) ** 2).sum()
        excess.append(float(loss.detach()) - optimum)
        (g,) = torch.autograd.grad(loss, W)
        with torch.no_grad():
            W -= eta * g
    ex = torch.tensor(excess, dtype=inst.dtype)
    T = len(excess) - 1
    return {"excess": ex[1:].reshape(1, -1), "excess_0": ex[:1].reshape(1, 1), "t": torch.arange(1.0, T + 1).reshape(1, -1),
            "eta": eta, "L": L, "sigma_r2": sigma_r2}


excess, excess_0, t, eta, L_sym, sigma_r2 = sp.symbols("excess excess_0 t eta L sigma_r2")

identity_gd_rate = Claim(
    id="zou2020.identity_gd_rate",
    title="Width m = d + k suffices: GD from zero with the modified identity transforms converges to L* at rate "
          "(1 − ηLσ_r²(X)/e)^t",
    citation=cite("Theorem for the modified identity transformation (width d + k)", "recalled",
                  "the rate constant 1/e and the step-size condition η ≤ 1/(C′L‖A‖²‖B‖²‖X‖²) are recalled; "
                  "σ_min(A) = σ_min(B) = 1 here"),
    kind=Kind.EXACT,
    statement=sp.Le(excess, (1 - eta * L_sym * sigma_r2 / sp.E) ** t * excess_0),
    premises=lambda p: resnet_premises(p, eta_frac=st.floats(0.02, 1.0 / STEP_C)),
    run=run_identity_rate,
    tolerance=Tolerance(rtol=1e-9, atol=1e-13, reason="float64 round-off: L(t) − L* of O(1) data is resolved to "
                                                      "≈ 1e-16 absolute; 1e-13 covers ≤ 1e5 steps of accumulation"),
    recalled=("the constant 1/e in the rate", "the step-size condition (we use η = eta_frac/(L‖X‖²), eta_frac ≤ ¼)"),
    seeds=1,
    symbols={"excess": "L(t) − L*", "excess_0": "L(0) − L*", "sigma_r2": "σ_r²(X), smallest nonzero singular "
             "value squared", "L": "depth", "eta": "step size"},
    figures=(Figure("L(t) − L* against (1 − ηLσ_r²/e)^t (L(0) − L*)", x="t", ys=("lhs", "rhs"), xlabel="t",
                    ylabel="L(t) − L*", logy=True, styles=("line", "dashed")),),
    examples=({"d": 6, "k": 3, "n": 12, "L": 6, "log10_kappa": 2.0, "rank_deficient": True, "seed": 1,
               "eta_frac": 0.25},),  # adversarial corner: deepest, worst conditioned, rank-deficient, largest step
)

plain_net_control = control(
    identity_gd_rate,
    name="plain_net_control",
    premises=lambda p: resnet_premises(p, eta_frac=st.floats(0.02, 1.0 / STEP_C), L=st.integers(2, p.pick(6, 16, 64))),
    broken="the identity shortcut (I + W_l); here a plain deep linear net B W_L⋯W_1 A, L ≥ 2, from zero init",
    title="Control: without the identity shortcut, zero init is a saddle (every gradient is 0) and GD never moves",
    run=run_plain_net,
)


def run_descent_identity(inst: Instance) -> dict[str, Any]:
    """At a random W with Gaussian A, B: the central difference of L along −G against ‖G‖², G the gradient GD uses."""
    p = inst.premises
    g = inst.generator(0)
    X = torch.randn(p["d"], p["n"], generator=g, dtype=inst.dtype).to(inst.device)
    Y = torch.randn(p["k"], p["n"], generator=g, dtype=inst.dtype).to(inst.device)
    A, B = lr.gaussian_transforms(p["d"], p["m"], p["k"], inst.seeds, dtype=inst.dtype, device=inst.device)
    W = (p["w_scale"] / math.sqrt(p["m"]) * torch.randn(inst.S, p["L"], p["m"], p["m"], generator=inst.generator(1),
                                                        dtype=inst.dtype)).to(inst.device)
    G = lr.grads(W, A, B, X, Y)
    gnorm2 = (G * G).sum((1, 2, 3))
    h = (1e-5 / gnorm2.sqrt()).reshape(-1, 1, 1, 1)
    rise = lr.loss(W + h * G, A, B, X, Y) - lr.loss(W - h * G, A, B, X, Y)
    return {"descent_ratio": rise / (2 * h.reshape(-1) * gnorm2)}


descent_ratio = sp.Symbol("descent_ratio")

gradient_descent_identity = Claim(
    id="zou2020.gradient_descent_identity",
    title="GD follows the loss's gradient: (L(W + hG) − L(W − hG))/(2h‖G‖²) = 1 + O(h²) for the G that GD uses",
    citation=cite("the GD update W_l ← W_l − η∇_{W_l}L of the paper's algorithm", "derived",
                  "Taylor expansion of L along G; any W, any transforms"),
    kind=Kind.EXACT,
    statement=sp.Eq(descent_ratio, 1),
    premises=lambda p: st.fixed_dictionaries({
        "d": st.integers(1, p.pick(6, 16, 64)), "k": st.integers(1, p.pick(3, 8, 16)),
        "n": st.integers(1, p.pick(12, 32, 128)), "L": st.integers(1, p.pick(6, 16, 64)),
        "m": st.integers(1, p.pick(16, 64, 256)), "w_scale": st.floats(0.0, 2.0), "seed": st.integers(0, 2**20)}),
    run=run_descent_identity,
    tolerance=Tolerance(atol=1e-6, reason="central difference with h‖G‖ = 1e-5: truncation O(h²‖G‖²·‖∇³L‖/‖G‖) "
                                          "≤ 1e-8 (measured ≤ 5e-7 at h‖G‖ = 1e-4) and round-off ≈ 1e-11 for O(1) losses"),
    seeds=16,
    symbols={"descent_ratio": "(L(W + hG) − L(W − hG))/(2h‖G‖²)"},
)


CLAIMS = [identity_output_zero, identity_layer_gradients, gradient_descent_identity, identity_gd_rate,
          plain_net_control]
