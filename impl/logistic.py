"""Two-layer net with a smooth activation trained by GD on the logistic loss (Nitanda, Chinot, Suzuki 2019,
arXiv 1905.09870), batched over seeds.

Model and loss (the paper's setting: a smooth activation, the first layer trained, the second fixed)::

    f(W, a, x) = m^{-1/2} Σ_{r=1..m} a_r σ(w_rᵀx),   σ = erf,
    L(W) = (1/n) Σ_i ℓ(y_i f(W, a, x_i)),          ℓ(z) = log(1 + e^{−z}),   y_i ∈ {−1, +1},

with w_r(0) ~ N(0, I_d), a_r ~ unif{−1, +1} (the initialization of :func:`impl.two_layer.init_weights`) and
inputs of any norm (the claims in theorems/nitanda2019.py use ‖x_i‖ = R = 3, see :func:`teacher_data`).
GD: W(k+1) = W(k) − η ∇L(W(k)) with the hand-written gradient

    ∂L/∂w_r = (1/n) Σ_i ℓ'(y_i f_i) y_i a_r σ'(w_rᵀx_i) x_i / √m,    ℓ'(z) = −1/(1 + e^{z}) = −sigmoid(−z).

Why erf: it is smooth with bounded σ' and σ'' (the paper's premise on the activation) and its neural tangent
kernel has a closed form, so the margin of the data in the tangent feature space is known exactly:

    K∞(x, x') = E_w[σ'(wᵀx) σ'(wᵀx')] xᵀx' = (4/π) xᵀx' / √((1 + 2‖x‖²)(1 + 2‖x'‖²) − 4(xᵀx')²)

[derived: σ'(z) = (2/√π) e^{−z²} and E e^{−u²−v²} = det(I + 2Σ)^{−1/2} for (u, v) ~ N(0, Σ)]. The tangent
features φ(x)(w) = σ'(wᵀx) x live in L²(N(0, I_d); R^d) and ⟨φ(x), φ(x')⟩ = K∞(x, x'). A teacher
v = Σ_j β_j φ(z_j) with ‖v‖ = 1 labels x by sign g(x), g(x) = ⟨φ(x), v⟩ = Σ_j β_j K∞(x, z_j), and the data's
margin in the neural tangent model is ρ = min_i y_i g(x_i) (the separability premise: some ‖v‖ ≤ 1 with
y_i⟨φ(x_i), v⟩ ≥ ρ for every i).

Conventions are those of :mod:`impl.two_layer`: W (S, m, d), a (S, m); X (n, d) or (S, n, d); y (n,) or (S, n);
float64; random numbers only from explicit CPU ``torch.Generator`` objects; invalid arguments raise
``ValueError`` with a ``name=value`` message; no Python loop over seeds or samples (only over time steps).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from lemmata.impl import two_layer as tl
from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least
from lemmata.impl._checks import step_sizes as _step_sizes

__all__ = [
    "LogisticTrajectory",
    "activation",
    "activation_derivative",
    "erf_ntk",
    "gd_trajectory",
    "grad_w",
    "logistic_derivative",
    "loss",
    "margin_upper_bound",
    "predict",
    "tangent_gram",
    "teacher_data",
]

DEFAULT_DTYPE = torch.float64
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def activation(z: Tensor) -> Tensor:
    """σ(z) = erf(z), elementwise."""
    return torch.special.erf(z)


def activation_derivative(z: Tensor) -> Tensor:
    """σ'(z) = (2/√π) e^{−z²}, elementwise (|σ'| ≤ 2/√π, |σ''| ≤ 2√(2/π) e^{−1/2}: smooth, as the paper asks)."""
    return _TWO_OVER_SQRT_PI * torch.exp(-z * z)


def logistic_derivative(z: Tensor) -> Tensor:
    """ℓ'(z) = −1/(1 + e^{z}) = −sigmoid(−z) for ℓ(z) = log(1 + e^{−z}), elementwise (stable for any z)."""
    return -torch.sigmoid(-z)


def _check_labels_pm1(y: Tensor) -> None:
    if not bool(((y == 1) | (y == -1)).all()):
        raise ValueError(f"y={y.flatten()[:8].tolist()}…: labels must be −1 or +1 (binary classification)")


def _check(W: Tensor, a: Tensor, X: Tensor, y: Tensor | None = None) -> tuple[int, int, int, int]:
    S, m, d, n = tl._check_all(W, a, X, y)  # shapes (n,)/(S, n) etc., with name=value messages
    if y is not None:
        _check_labels_pm1(y)
    return S, m, d, n


# ---------------------------------------------------------------------------------------------
# the neural tangent kernel at infinite width and the teacher data
# ---------------------------------------------------------------------------------------------


def erf_ntk(X1: Tensor, X2: Tensor | None = None) -> Tensor:
    """Closed-form infinite-width tangent kernel of the first layer, shape (..., n1, n2).

    K∞(x, x') = E_{w ~ N(0, I)}[σ'(wᵀx) σ'(wᵀx')] xᵀx' = (4/π) xᵀx' / √((1 + 2‖x‖²)(1 + 2‖x'‖²) − 4(xᵀx')²)
    for σ = erf (derived; see the module docstring). X1 (..., n1, d), X2 (..., n2, d) (default X1).
    """
    if X2 is None:
        X2 = X1
    if not isinstance(X1, Tensor) or not isinstance(X2, Tensor) or X1.ndim < 2 or X2.ndim < 2:
        raise ValueError("X1, X2: expected tensors of shape (..., n, d)")
    if X1.shape[-1] != X2.shape[-1]:
        raise ValueError(f"X2.shape={tuple(X2.shape)}: last dimension must equal X1's d={X1.shape[-1]}")
    c = torch.matmul(X1, X2.transpose(-1, -2))
    s1 = 1.0 + 2.0 * (X1 * X1).sum(-1)
    s2 = 1.0 + 2.0 * (X2 * X2).sum(-1)
    det = s1.unsqueeze(-1) * s2.unsqueeze(-2) - 4.0 * c * c
    return (4.0 / math.pi) * c / torch.sqrt(det)


def teacher_data(
    n: int,
    d: int,
    *,
    gap: float,
    generator: torch.Generator,
    centers: int = 4,
    radius: float = 1.0,
    flip: int = 0,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor, float]:
    """n inputs of norm ``radius`` labelled by a unit-norm teacher in the tangent feature space, margin ≥ ``gap``.

    The teacher is v = Σ_j β_j φ(z_j) over ``centers`` random centers z_j of norm ``radius`` with β ~ N(0, I),
    scaled so that ‖v‖² = βᵀK∞(Z, Z)β = 1; g(x) = ⟨φ(x), v⟩ = Σ_j β_j K∞(x, z_j). Candidates x uniform on the
    sphere of that radius are drawn
    in batches and kept while |g(x)| ≥ ``gap``; y = sign g(x). The data then satisfy the neural-tangent
    separability premise with margin ρ = min_i y_i g(x_i) ≥ gap (returned as a float). ``flip`` > 0 flips the
    labels of the ``flip`` points of smallest |g| (a premise-breaking control: the teacher no longer separates
    them). Returns X (n, d), y (n,) in {−1, +1} and ρ (before any flip).

    |g(x)| ≤ ‖φ(x)‖ = √K∞(x, x) = ((4/π) R²/√(1 + 4R²))^{1/2} on the sphere of radius R (≈ 0.755 at R = 1,
    ≈ 1.37 at the R = 3 of the claims), so ``gap`` must be well below that; a draw that keeps fewer than n of
    200 000 candidates raises (choose a smaller gap).
    """
    n = _int_at_least("n", n, 1)
    d = _int_at_least("d", d, 1)
    J = _int_at_least("centers", centers, 1)
    flip = _int_at_least("flip", flip, 0)
    if flip > n:
        raise ValueError(f"flip={flip}: must be <= n={n}")
    gap = _finite_float("gap", gap, minimum=0.0)
    R = _finite_float("radius", radius, minimum=0.0, strict=True)
    Z = R * tl.sphere_inputs(J, d, generator=generator, dtype=dtype)
    beta = torch.randn(J, generator=generator, dtype=dtype)
    beta = beta / torch.sqrt(beta @ erf_ntk(Z) @ beta)
    kept: list[Tensor] = []
    count, drawn, batch = 0, 0, max(256, 4 * n)
    while count < n:
        if drawn >= 200_000:
            raise ValueError(f"gap={gap}: only {count} of {drawn} candidates had |g(x)| >= gap; choose a smaller gap")
        C = R * tl.sphere_inputs(batch, d, generator=generator, dtype=dtype)
        drawn += batch
        keep = C[(erf_ntk(C, Z) @ beta).abs() >= gap]
        kept.append(keep)
        count += keep.shape[0]
    X = torch.cat(kept)[:n]
    g = erf_ntk(X, Z) @ beta
    y = torch.where(g >= 0, 1.0, -1.0).to(dtype)
    rho = float((y * g).min())
    if flip:
        y[torch.argsort(g.abs())[:flip]] *= -1.0
    return X.to(device), y.to(device), rho


def margin_upper_bound(X: Tensor, y: Tensor, *, iters: int = 2000) -> float:
    """A certified upper bound on the data's best margin in the tangent feature space (weak duality).

    The best margin is ρ* = max_{‖v‖ ≤ 1} min_i y_i⟨φ(x_i), v⟩ = 1/‖v̂‖ for the hard-margin problem
    min ½‖v‖² s.t. y_i⟨φ(x_i), v⟩ ≥ 1. Its dual is max_{α ≥ 0} D(α) = Σα − ½αᵀQα with Q = (yyᵀ) ∘ K∞(X, X),
    and weak duality D(α) ≤ ½‖v̂‖² = 1/(2ρ*²) for *every* α ≥ 0 gives ρ* ≤ 1/√(2D(α)). α comes from ``iters``
    projected-gradient steps α ← max(0, α − (Qα − 1)/λ_max(Q)) from 0 (D never decreases); the bound holds
    whatever the number of steps (more steps only tighten it). +inf when D(α) ≤ 0 (no certificate).
    X (n, d), y (n,) in {−1, +1}; returns a float.
    """
    iters = _int_at_least("iters", iters, 0)
    if not isinstance(X, Tensor) or X.ndim != 2:
        raise ValueError("X: expected a tensor of shape (n, d)")
    if not isinstance(y, Tensor) or y.shape != X.shape[:1]:
        raise ValueError(f"y.shape={tuple(getattr(y, 'shape', ()))}: expected (n,) = ({X.shape[0]},)")
    _check_labels_pm1(y)
    Q = (y[:, None] * y[None, :]) * erf_ntk(X)
    top = float(torch.linalg.eigvalsh(Q)[-1])
    alpha = torch.zeros_like(y)
    for _ in range(iters):
        alpha = (alpha - (Q @ alpha - 1.0) / top).clamp_min(0.0)
    dual = float(alpha.sum() - 0.5 * alpha @ Q @ alpha)
    return 1.0 / math.sqrt(2.0 * dual) if dual > 0 else math.inf


# ---------------------------------------------------------------------------------------------
# forward pass, loss, gradient, tangent Gram matrix
# ---------------------------------------------------------------------------------------------


def _pre(W: Tensor, X: Tensor) -> Tensor:
    return torch.matmul(X, W.transpose(-1, -2))  # (S, n, m)


def _out(Z: Tensor, a: Tensor, m: int) -> Tensor:
    return torch.einsum("snm,sm->sn", activation(Z), a) / math.sqrt(m)


def _loss(margins: Tensor) -> Tensor:
    # (1/n) Σ log(1 + e^{−y f}); threshold 40 (torch's default 20 turns softplus linear past 20, an error of
    # e^{−20} ≈ 2e-9 relative that would show in the exact one-step identity; e^{−40} is below float64 round-off)
    return torch.nn.functional.softplus(-margins, threshold=40.0).mean(-1)


def _grad(Z: Tensor, a: Tensor, X: Tensor, y: Tensor, margins: Tensor, m: int) -> Tensor:
    n = Z.shape[-2]
    coef = logistic_derivative(margins) * y / n  # (S, n): ℓ'(y_i f_i) y_i / n
    weighted = activation_derivative(Z) * coef.unsqueeze(-1)  # (S, n, m)
    return a.unsqueeze(-1) * torch.matmul(weighted.transpose(-1, -2), X) / math.sqrt(m)


def predict(W: Tensor, a: Tensor, X: Tensor) -> Tensor:
    """f(W, a, x_i) = m^{-1/2} Σ_r a_r erf(w_rᵀx_i), shape (S, n). W (S, m, d), a (S, m), X (n, d) or (S, n, d)."""
    _, m, _, _ = _check(W, a, X)
    return _out(_pre(W, X), a, m)


def loss(W: Tensor, a: Tensor, X: Tensor, y: Tensor) -> Tensor:
    """Logistic loss L = (1/n) Σ_i log(1 + e^{−y_i f(x_i)}), shape (S,); y in {−1, +1}."""
    _, m, _, _ = _check(W, a, X, y)
    return _loss(y * _out(_pre(W, X), a, m))


def grad_w(W: Tensor, a: Tensor, X: Tensor, y: Tensor) -> Tensor:
    """Hand-written ∇_W L, shape (S, m, d): ∂L/∂w_r = (1/n) Σ_i ℓ'(y_i f_i) y_i a_r σ'(w_rᵀx_i) x_i / √m."""
    _, m, _, _ = _check(W, a, X, y)
    Z = _pre(W, X)
    return _grad(Z, a, X, y, y * _out(Z, a, m), m)


def tangent_gram(W: Tensor, X: Tensor) -> Tensor:
    """Finite-width tangent Gram K_ij(W) = (1/m) Σ_r σ'(w_rᵀx_i) σ'(w_rᵀx_j) x_iᵀx_j, shape (S, n, n).

    Equals ⟨∂f(x_i)/∂W, ∂f(x_j)/∂W⟩ for a_r ∈ {±1}; E over w_r ~ N(0, I) at init is :func:`erf_ntk`.
    """
    S, m, d = tl._check_params(W)
    tl._check_inputs(X, S=S, d=d)
    D = activation_derivative(_pre(W, X))
    return torch.matmul(D, D.transpose(-1, -2)) / m * torch.matmul(X, X.transpose(-1, -2))


# ---------------------------------------------------------------------------------------------
# GD trajectory
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class LogisticTrajectory:
    """A GD run recorded at every step k = 0..K, batched over seeds.

    loss:        (S, K+1), L(W(k)) (+inf once a seed diverged).
    train_error: (S, K+1), fraction of i with y_i f(W(k), x_i) ≤ 0 (a tie counts as an error).
    min_margin:  (S, K+1), min_i y_i f(W(k), x_i).
    max_dist:    (S, K+1), max_r ‖w_r(k) − w_r(0)‖.
    diverged:    (S,) bool, a non-finite loss or update; the seed's parameters stay frozen from there on.
    W:           (S, m, d), the final first layer.
    """

    loss: Tensor
    train_error: Tensor
    min_margin: Tensor
    max_dist: Tensor
    diverged: Tensor
    W: Tensor


def gd_trajectory(W0: Tensor, a: Tensor, X: Tensor, y: Tensor, *, eta: float | Tensor, steps: int) -> LogisticTrajectory:
    """Full-batch GD on the logistic loss, W(k+1) = W(k) − η ∇L(W(k)) (Nitanda et al. 2019, the GD they analyse).

    ``eta`` is a float or an (S,) tensor. W0 (S, m, d), a (S, m) (fixed), X (n, d) or (S, n, d), y (n,) or
    (S, n) in {−1, +1}. Divergence never raises: a non-finite loss or update freezes the seed, whose loss is
    +inf from there on.
    """
    S, m, _, _ = _check(W0, a, X, y)
    steps = _int_at_least("steps", steps, 0)
    lr = _step_sizes(eta, S=S, like=W0)[:, None, None]
    opts = {"dtype": W0.dtype, "device": W0.device}
    rec = {k: torch.empty(S, steps + 1, **opts) for k in ("loss", "train_error", "min_margin", "max_dist")}
    diverged = torch.zeros(S, dtype=torch.bool, device=W0.device)
    inf = torch.tensor(math.inf, **opts)
    W = W0.clone()
    for k in range(steps + 1):
        Z = _pre(W, X)
        margins = y * _out(Z, a, m)
        L = _loss(margins)
        diverged |= ~torch.isfinite(L)
        rec["loss"][:, k] = torch.where(diverged, inf, L)
        rec["train_error"][:, k] = (margins <= 0).to(W0.dtype).mean(-1)
        rec["min_margin"][:, k] = margins.amin(-1)
        rec["max_dist"][:, k] = torch.linalg.vector_norm(W - W0, dim=-1).amax(-1)
        if k == steps:
            break
        W_new = W - lr * _grad(Z, a, X, y, margins, m)
        ok = torch.isfinite(W_new).flatten(1).all(-1) & ~diverged
        diverged |= ~ok
        W = torch.where(ok[:, None, None], W_new, W)
    return LogisticTrajectory(W=W, diverged=diverged, **rec)
