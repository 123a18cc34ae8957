"""Mean-field networks with a smooth activation, one hidden layer trained by gradient flow, batched over seeds.

Model (Chen, Vanden-Eijnden, Bruna 2022, arXiv 2204.10782: the shallow mean-field net of the d ≥ n result, and the
multi-layer net whose second-to-last layer alone is trained, read as that shallow net on fixed random features)::

    f(W, c, x) = (1/m) Σ_{r=1..m} c_r σ(w_rᵀ φ(x)),     L = ½ Σ_i (f(x_i) − y_i)²

* shallow: φ(x) = x (the trained layer is the first one, inputs x ∈ R^d);
* multi-layer: φ(x) = D^{-1/2} σ(Zx + b) ∈ R^D, Z (D, d) and b (D,) drawn once from N(0, 1) and never trained
  (the earlier layers are random); W (m, D) is the trained second-to-last layer, c ∈ {±1}^m the fixed last layer.

Gradient flow in mean-field time τ (each neuron moves O(1) per unit τ)::

    dw_r/dτ = −m ∂L/∂w_r = −c_r Σ_i e_i σ'(w_rᵀf_i) f_i,   e = u − y,  f_i = φ(x_i),

so du/dτ = −H(W) e with H_ij = (1/m) Σ_r c_r² σ'(w_rᵀf_i) σ'(w_rᵀf_j) f_iᵀf_j = [(FFᵀ) ∘ Q(W)]_ij, Q ⪰ 0, and
Schur's bound for Hadamard products gives λ_min(H) ≥ λ_min(FFᵀ)·min_i Q_ii(W) at any weights.

Conventions (as impl.two_layer): W (S, m, p) batched over S seeds, c (S, m); inputs F (n, p) shared by all seeds,
labels y (n,); float64 by default; random numbers only from explicit CPU ``torch.Generator`` objects; no loop over
seeds (only over time steps in the flow). Invalid arguments raise ``ValueError`` with a ``name=value`` message.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least

__all__ = [
    "ACTIVATIONS",
    "MeanFieldTrajectory",
    "activation",
    "feature_weights",
    "mean_field_flow",
    "mf_gram",
    "mf_loss",
    "mf_predict",
    "mf_slope_share",
    "mf_velocity",
    "random_features",
    "slope_moment",
]

Act = tuple[Callable[[Tensor], Tensor], Callable[[Tensor], Tensor]]


def _tanh_prime(z: Tensor) -> Tensor:
    return 1.0 - torch.tanh(z) ** 2


# σ and σ' for each smooth activation (both are C^∞ with bounded, Lipschitz derivatives)
ACTIVATIONS: dict[str, Act] = {
    "tanh": (torch.tanh, _tanh_prime),
    "softplus": (torch.nn.functional.softplus, torch.sigmoid),
}


def activation(name: str) -> Act:
    """(σ, σ') for ``name`` in ACTIVATIONS."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation={name!r}: expected one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def slope_moment(name: str, *, nodes: int = 200) -> float:
    """E[σ'(g)²] for g ~ N(0, 1), by Gauss–Hermite quadrature with ``nodes`` nodes (exact to ≈1e-15 for tanh)."""
    import numpy as np

    x, w = np.polynomial.hermite_e.hermegauss(_int_at_least("nodes", nodes, 2))
    _, dsig = activation(name)
    vals = dsig(torch.as_tensor(x, dtype=torch.float64)).numpy() ** 2
    return float((w * vals).sum() / math.sqrt(2.0 * math.pi))


def feature_weights(D: int, d: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float64,
                    device: torch.device | str = "cpu") -> tuple[Tensor, Tensor]:
    """The fixed random earlier layer: Z (D, d) and b (D,), all entries N(0, 1), drawn from ``generator`` (CPU)."""
    D = _int_at_least("D", D, 1)
    d = _int_at_least("d", d, 1)
    Z = torch.randn(D, d, generator=generator, dtype=dtype)
    b = torch.randn(D, generator=generator, dtype=dtype)
    return Z.to(device), b.to(device)


def random_features(X: Tensor, Z: Tensor, b: Tensor, name: str) -> Tensor:
    """φ(x_i) = D^{-1/2} σ(Z x_i + b) for X (n, d), Z (D, d), b (D,); returns F (n, D)."""
    if X.ndim != 2 or Z.ndim != 2 or b.ndim != 1 or Z.shape[1] != X.shape[1] or b.shape[0] != Z.shape[0]:
        raise ValueError(f"X.shape={tuple(X.shape)}, Z.shape={tuple(Z.shape)}, b.shape={tuple(b.shape)}: "
                         "expected X (n, d), Z (D, d), b (D,)")
    sig, _ = activation(name)
    return sig(X @ Z.T + b) / math.sqrt(Z.shape[0])


def _check(W: Tensor, c: Tensor, F: Tensor) -> None:
    if W.ndim != 3 or c.shape != W.shape[:2] or F.ndim != 2 or F.shape[1] != W.shape[2]:
        raise ValueError(f"W.shape={tuple(W.shape)}, c.shape={tuple(c.shape)}, F.shape={tuple(F.shape)}: "
                         "expected W (S, m, p), c (S, m), F (n, p)")


def _pre(W: Tensor, F: Tensor) -> Tensor:
    return torch.einsum("smp,np->smn", W, F)  # (S, m, n): w_rᵀf_i


def mf_predict(W: Tensor, c: Tensor, F: Tensor, name: str) -> Tensor:
    """u_i = (1/m) Σ_r c_r σ(w_rᵀf_i); W (S, m, p), c (S, m), F (n, p) → (S, n)."""
    _check(W, c, F)
    sig, _ = activation(name)
    return torch.einsum("sm,smn->sn", c, sig(_pre(W, F))) / W.shape[1]


def mf_loss(W: Tensor, c: Tensor, F: Tensor, y: Tensor, name: str) -> Tensor:
    """L = ½ Σ_i (u_i − y_i)², (S,)."""
    return 0.5 * ((mf_predict(W, c, F, name) - y) ** 2).sum(-1)


def _velocity(W: Tensor, c: Tensor, F: Tensor, y: Tensor, name: str) -> tuple[Tensor, Tensor]:
    sig, dsig = activation(name)
    Zp = _pre(W, F)
    e = torch.einsum("sm,smn->sn", c, sig(Zp)) / W.shape[1] - y  # (S, n)
    # dw_r/dτ = −c_r Σ_i e_i σ'(w_rᵀf_i) f_i
    V = -torch.einsum("sm,smn,sn,np->smp", c, dsig(Zp), e, F)
    return V, e


def mf_velocity(W: Tensor, c: Tensor, F: Tensor, y: Tensor, name: str) -> Tensor:
    """The mean-field gradient-flow field dW/dτ = −m ∂L/∂W, (S, m, p)."""
    _check(W, c, F)
    return _velocity(W, c, F, y, name)[0]


def mf_gram(W: Tensor, c: Tensor, F: Tensor, name: str) -> Tensor:
    """H_ij = (1/m) Σ_r c_r² σ'(w_rᵀf_i) σ'(w_rᵀf_j) f_iᵀf_j, so that du/dτ = −H(u − y); (S, n, n)."""
    _check(W, c, F)
    _, dsig = activation(name)
    G = dsig(_pre(W, F)) * c.unsqueeze(-1)  # (S, m, n)
    Q = torch.einsum("smi,smj->sij", G, G) / W.shape[1]
    return Q * (F @ F.T)


def mf_slope_share(W: Tensor, c: Tensor, F: Tensor, name: str) -> Tensor:
    """Q_ii(W) = (1/m) Σ_r c_r² σ'(w_rᵀf_i)², the diagonal of the slope factor of H; (S, n)."""
    _check(W, c, F)
    _, dsig = activation(name)
    return torch.einsum("sm,smn->sn", c**2, dsig(_pre(W, F)) ** 2) / W.shape[1]


@dataclass(frozen=True)
class MeanFieldTrajectory:
    """A mean-field flow recorded on its RK4 grid.

    tau:          (K+1,) mean-field time 0, h, …, τ_end.
    residual_sq:  (S, K+1) ‖y − u(τ)‖².
    min_slope:    (S, K+1) min_i Q_ii(W(τ)) (see ``mf_slope_share``).
    max_move:     (S, K+1) max_r ‖w_r(τ) − w_r(0)‖ (feature learning: how far the trained layer moved).
    """

    tau: Tensor
    residual_sq: Tensor
    min_slope: Tensor
    max_move: Tensor


def mean_field_flow(W0: Tensor, c: Tensor, F: Tensor, y: Tensor, name: str, *, tau_end: float,
                    steps: int) -> MeanFieldTrajectory:
    """Integrate dW/dτ = ``mf_velocity`` with classic RK4 at fixed step h = τ_end/steps (c fixed).

    One RK4 step for W' = V(W): k1 = V(W), k2 = V(W + h/2·k1), k3 = V(W + h/2·k2), k4 = V(W + h·k3),
    W ← W + h/6·(k1 + 2k2 + 2k3 + k4); the field is C^∞ for a smooth σ, so the step is fourth order.
    """
    _check(W0, c, F)
    steps = _int_at_least("steps", steps, 1)
    t = _finite_float("tau_end", tau_end, minimum=0.0, strict=True)
    h = t / steps
    K = steps + 1
    S = W0.shape[0]
    res = torch.empty(S, K, dtype=W0.dtype, device=W0.device)
    slope = torch.empty_like(res)
    move = torch.empty_like(res)
    W = W0.clone()
    for k in range(K):
        k1, e = _velocity(W, c, F, y, name)
        res[:, k] = (e**2).sum(-1)
        slope[:, k] = mf_slope_share(W, c, F, name).amin(-1)
        move[:, k] = (W - W0).norm(dim=-1).amax(-1)
        if k == steps:
            break
        k2, _ = _velocity(W + 0.5 * h * k1, c, F, y, name)
        k3, _ = _velocity(W + 0.5 * h * k2, c, F, y, name)
        k4, _ = _velocity(W + h * k3, c, F, y, name)
        W = W + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    tau = torch.arange(K, dtype=W0.dtype, device=W0.device) * h
    return MeanFieldTrajectory(tau=tau, residual_sq=res, min_slope=slope, max_move=move)
