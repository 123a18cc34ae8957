"""Positively homogeneous predictors trained on exponential-type losses, batched over seeds.

Poggio, Banburski, Liao, "Theoretical issues in deep networks", PNAS 117(48) 2020 (normalized
dynamics), Lyu & Li, "Gradient descent maximizes the margin of homogeneous neural networks",
ICLR 2020, arXiv 1906.05890 (smoothed margin, approximate KKT points), Soudry, Hoffer, Nacson,
Gunasekar, Srebro, "The implicit bias of gradient descent on separable data", JMLR 2018,
arXiv 1710.10345 (the linear case), Du, Hu, Lee, NeurIPS 2018, arXiv 1806.00900 (balancedness).

Model: a ReLU network **without biases** of depth K ≥ 1::

    f(W; x) = W_K relu(W_{K−1} ⋯ relu(W_1 x)),     W_k of shape (m_k, m_{k−1}), m_0 = d, m_K = 1.

K = 1 is the linear predictor f(w; x) = wᵀx. f is positively homogeneous of degree 1 in every
layer, so of degree K in θ = (W_1, …, W_K). Write ρ_k = ‖W_k‖_F, V_k = W_k/ρ_k, ρ = Π_k ρ_k and
q_n = y_n f(W; x_n) (the margins). Losses, summed over the n examples (no 1/n, as in the paper):

    exponential  L = Σ_n exp(−q_n),        logistic  L = Σ_n log(1 + exp(−q_n)).

Conventions shared by every function here:

* Parameters are a tuple ``Ws`` of K tensors, ``Ws[k−1] = W_k`` of shape (S, m_k, m_{k−1}): one
  network per seed. Inputs X are (n, d) (shared by every seed) or (S, n, d); labels y ∈ {±1} are
  (n,) or (S, n). No Python loop over seeds in any hot path (only over layers and time steps).
* ``biases`` (optional, only to break homogeneity in negative controls): a tuple of K − 1 fixed,
  untrained tensors (S, m_k) added to the hidden pre-activations.
* float64 unless a ``dtype`` is given. Random numbers come only from explicit CPU
  ``torch.Generator`` objects (moved with ``.to(device)``).
* Invalid arguments raise ``ValueError`` with a ``name=value`` message saying what to fix.
* Divergence never raises: a GD seed whose loss or parameters become non-finite is frozen at its
  last finite parameters and records +inf from then on.
* The ReLU derivative at 0 is taken as 0 (relu′(z) = 1{z > 0}).
* ``activation="linear"`` (forward, margins, loss, grads only; Du, Hu, Lee 2018's linear networks): the identity in
  place of relu, f(W; x) = W_K ⋯ W_1 x; every other function is ReLU only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import Tensor

from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least

__all__ = [
    "FlowTrajectory",
    "GDTrajectory",
    "constrained_flow",
    "Params",
    "dims_of",
    "flow_trajectory",
    "forward",
    "gd_step",
    "gd_trajectory",
    "grads",
    "init_params",
    "kkt_residual",
    "label_noise",
    "loss_schedule",
    "layer_norms",
    "log_loss",
    "loss",
    "margins",
    "nnls",
    "normalized_dynamics",
    "normalized_min_margin",
    "output_grads",
    "param_norm",
    "planted_svm_data",
    "scale_params",
    "separable_data",
    "smoothed_margin",
    "smoothed_margin_ratio",
    "sphere_minimizer_linear",
    "stack_params",
    "svm",
    "teacher_data",
    "unstack_params",
    "weight_norm_flow",
]

DEFAULT_DTYPE = torch.float64
Params = tuple[Tensor, ...]
LossName = Literal["exp", "logistic"]
_LOSSES = ("exp", "logistic")
Activation = Literal["relu", "linear"]
_ACTIVATIONS = ("relu", "linear")


# --------------------------------------------------------------------------------------------
# validation (shapes and scalars only)
# --------------------------------------------------------------------------------------------


def _shape(t: object) -> object:
    return tuple(t.shape) if isinstance(t, Tensor) else type(t).__name__


def _check_loss(name: object) -> str:
    if name not in _LOSSES:
        raise ValueError(f"loss={name!r}: choose one of {_LOSSES}")
    return str(name)


def dims_of(Ws: Params) -> tuple[int, ...]:
    """Validate ``Ws`` and return its layer widths (d, m_1, …, m_{K−1}, 1)."""
    if not isinstance(Ws, (tuple, list)) or len(Ws) < 1:
        raise ValueError(f"Ws={type(Ws).__name__}: expected a non-empty tuple of (S, m_k, m_(k-1)) tensors")
    S = None
    dims: list[int] = []
    for k, W in enumerate(Ws):
        if not isinstance(W, Tensor) or W.ndim != 3 or min(W.shape) < 1:
            raise ValueError(f"Ws[{k}].shape={_shape(W)}: expected (S, m_{k + 1}, m_{k}) with every size >= 1")
        if S is None:
            S = W.shape[0]
            dims.append(W.shape[2])
        if W.shape[0] != S:
            raise ValueError(f"Ws[{k}].shape={tuple(W.shape)}: leading (seed) dimension must be S={S}")
        if W.shape[2] != dims[-1]:
            raise ValueError(f"Ws[{k}].shape={tuple(W.shape)}: expected {dims[-1]} columns (= rows of Ws[{k - 1}])")
        dims.append(W.shape[1])
    if dims[-1] != 1:
        raise ValueError(f"Ws[-1].shape={tuple(Ws[-1].shape)}: the last layer must have one output row")
    return tuple(dims)


def _check_data(Ws: Params, X: Tensor, y: Tensor | None) -> tuple[int, int]:
    dims = dims_of(Ws)
    S, d = Ws[0].shape[0], dims[0]
    if not isinstance(X, Tensor) or X.ndim not in (2, 3) or X.shape[-1] != d:
        raise ValueError(f"X.shape={_shape(X)}: expected (n, d) or (S, n, d) with d={d} (from Ws[0])")
    if X.ndim == 3 and X.shape[0] != S:
        raise ValueError(f"X.shape={tuple(X.shape)}: leading dimension must be S={S}, or pass X as (n, d)")
    n = X.shape[-2]
    if n < 1:
        raise ValueError(f"X.shape={tuple(X.shape)}: need n >= 1 examples")
    if y is not None and (not isinstance(y, Tensor) or tuple(y.shape) not in ((n,), (S, n))):
        raise ValueError(f"y.shape={_shape(y)}: expected (n,) = ({n},) or (S, n) = ({S}, {n})")
    return S, n


def _check_biases(Ws: Params, biases: Params | None) -> None:
    if biases is None:
        return
    K = len(Ws)
    if not isinstance(biases, (tuple, list)) or len(biases) != K - 1:
        raise ValueError(f"biases: expected a tuple of K - 1 = {K - 1} tensors (S, m_k), one per hidden layer")
    for k, b in enumerate(biases):
        want = (Ws[k].shape[0], Ws[k].shape[1])
        if not isinstance(b, Tensor) or tuple(b.shape) != want:
            raise ValueError(f"biases[{k}].shape={_shape(b)}: expected (S, m_{k + 1}) = {want}")


# --------------------------------------------------------------------------------------------
# parameters
# --------------------------------------------------------------------------------------------


def init_params(
    dims: Sequence[int],
    seeds: Sequence[int],
    *,
    scale: float = 1.0,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> Params:
    """Gaussian initialisation W_k[i, j] ~ N(0, scale²/m_{k−1}), one CPU generator per seed.

    ``dims`` = (d, m_1, …, m_{K−1}, 1): input dimension, hidden widths, one output. Seed s draws
    W_1, …, W_K in order from ``torch.Generator().manual_seed(seeds[s])``. Returns K tensors
    (S, m_k, m_{k−1}).
    """
    dims = [_int_at_least(f"dims[{i}]", v, 1) for i, v in enumerate(dims)]
    if len(dims) < 2 or dims[-1] != 1:
        raise ValueError(f"dims={dims}: expected (d, m_1, ..., m_(K-1), 1) with at least (d, 1)")
    sc = _finite_float("scale", scale, minimum=0.0)
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or len(seeds) < 1:
        raise ValueError(f"seeds={seeds!r}: expected a non-empty sequence of integers")
    per_seed: list[list[Tensor]] = []
    for i, s in enumerate(seeds):
        gen = torch.Generator().manual_seed(_int_at_least(f"seeds[{i}]", s, 0))
        per_seed.append([torch.randn(dims[k + 1], dims[k], generator=gen, dtype=dtype) * (sc / math.sqrt(dims[k]))
                         for k in range(len(dims) - 1)])
    return tuple(torch.stack([p[k] for p in per_seed]).to(device) for k in range(len(dims) - 1))


def layer_norms(Ws: Params) -> Tensor:
    """ρ_k = ‖W_k‖_F for every layer, shape (S, K)."""
    dims_of(Ws)
    return torch.stack([W.flatten(1).norm(dim=1) for W in Ws], dim=1)


def param_norm(Ws: Params) -> Tensor:
    """‖θ‖₂ = (Σ_k ρ_k²)^{1/2}, shape (S,) (Lyu & Li's ρ)."""
    return layer_norms(Ws).pow(2).sum(1).sqrt()


def scale_params(Ws: Params, c: Tensor | float) -> Params:
    """Every layer multiplied by c (a float or an (S,) tensor): f scales by c^K."""
    dims_of(Ws)
    if isinstance(c, Tensor):
        c = c.reshape(-1, 1, 1)
    return tuple(W * c for W in Ws)


def stack_params(Ws: Params) -> Tensor:
    """θ as one flat vector per seed, shape (S, P), layers in order."""
    dims_of(Ws)
    return torch.cat([W.flatten(1) for W in Ws], dim=1)


def unstack_params(theta: Tensor, dims: Sequence[int]) -> Params:
    """Inverse of :func:`stack_params` for widths ``dims`` = (d, m_1, …, 1); θ (S, P)."""
    shapes = [(dims[k + 1], dims[k]) for k in range(len(dims) - 1)]
    P = sum(a * b for a, b in shapes)
    if not isinstance(theta, Tensor) or theta.ndim != 2 or theta.shape[1] != P:
        raise ValueError(f"theta.shape={_shape(theta)}: expected (S, {P}) for dims={tuple(dims)}")
    out, i = [], 0
    for a, b in shapes:
        out.append(theta[:, i:i + a * b].reshape(-1, a, b))
        i += a * b
    return tuple(out)


# --------------------------------------------------------------------------------------------
# forward, per-example backward, losses, gradients
# --------------------------------------------------------------------------------------------


def _check_activation(activation: str) -> str:
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation={activation!r}: expected one of {_ACTIVATIONS}")
    return activation


def _forward_cache(Ws: Params, X: Tensor, biases: Params | None,
                   activation: str = "relu") -> tuple[list[Tensor], list[Tensor]]:
    """Pre-activations z_k (S, n, m_k) for k = 1..K and inputs h_{k−1} (S, n, m_{k−1}) of every layer (h = relu(z),
    or h = z for ``activation="linear"``)."""
    S = Ws[0].shape[0]
    h = X.expand(S, *X.shape[-2:]) if X.ndim == 2 else X
    zs, hs = [], []
    K = len(Ws)
    for k, W in enumerate(Ws):
        hs.append(h)
        z = torch.matmul(h, W.transpose(-1, -2))
        if biases is not None and k < K - 1:
            z = z + biases[k].unsqueeze(1)
        zs.append(z)
        h = torch.relu(z) if activation == "relu" else z
    return zs, hs


def _backward_signals(Ws: Params, zs: list[Tensor], *, linear: bool = False) -> list[Tensor]:
    """δ_k = ∂f(x_n)/∂z_k per example, (S, n, m_k): δ_K = 1, δ_{k} = (δ_{k+1} W_{k+1}) ⊙ 1{z_k > 0}
    (``linear``: δ_k = δ_{k+1} W_{k+1}, the identity's derivative 1)."""
    K = len(Ws)
    deltas: list[Tensor] = [torch.ones_like(zs[-1])]
    for k in range(K - 2, -1, -1):
        back = torch.matmul(deltas[-1], Ws[k + 1])
        deltas.append(back if linear else back * (zs[k] > 0).to(zs[k].dtype))
    return deltas[::-1]


def forward(Ws: Params, X: Tensor, *, biases: Params | None = None, activation: Activation = "relu") -> Tensor:
    """Outputs f(W; x_n), shape (S, n). Ws as in the module docstring, X (n, d) or (S, n, d)."""
    _check_data(Ws, X, None)
    _check_biases(Ws, biases)
    zs, _ = _forward_cache(Ws, X, biases, _check_activation(activation))
    return zs[-1].squeeze(-1)


def margins(Ws: Params, X: Tensor, y: Tensor, *, biases: Params | None = None,
            activation: Activation = "relu") -> Tensor:
    """q_n = y_n f(W; x_n), shape (S, n)."""
    _check_data(Ws, X, y)
    return y * forward(Ws, X, biases=biases, activation=activation)


def output_grads(Ws: Params, X: Tensor, *, biases: Params | None = None) -> Params:
    """Per-example gradients ∂f(W; x_n)/∂W_k = δ_{k,n} h_{k−1,n}ᵀ, K tensors (S, n, m_k, m_{k−1}).

    Hand-written backward (checked against autograd in the unit tests). By Euler's theorem for a
    network without biases, ⟨W_k, ∂f(x_n)/∂W_k⟩ = f(x_n) for every layer k.
    """
    _check_data(Ws, X, None)
    _check_biases(Ws, biases)
    zs, hs = _forward_cache(Ws, X, biases)
    deltas = _backward_signals(Ws, zs)
    return tuple(d.unsqueeze(-1) * h.unsqueeze(-2) for d, h in zip(deltas, hs))


def _loss_terms(q: Tensor, loss: str) -> Tensor:
    return torch.exp(-q) if loss == "exp" else torch.nn.functional.softplus(-q)


def _loss_slope(q: Tensor, loss: str) -> Tensor:
    """−ℓ′(q) ≥ 0: e^{−q} (exponential) or σ(−q) = 1/(1 + e^{q}) (logistic)."""
    return torch.exp(-q) if loss == "exp" else torch.sigmoid(-q)


def loss(Ws: Params, X: Tensor, y: Tensor, *, loss: LossName = "exp", biases: Params | None = None,
         activation: Activation = "relu") -> Tensor:
    """L(W) = Σ_n ℓ(q_n), shape (S,); ℓ(q) = e^{−q} (``"exp"``) or log(1 + e^{−q}) (``"logistic"``)."""
    name = _check_loss(loss)
    return _loss_terms(margins(Ws, X, y, biases=biases, activation=activation), name).sum(-1)


def log_loss(Ws: Params, X: Tensor, y: Tensor, *, loss: LossName = "exp", biases: Params | None = None) -> Tensor:
    """log L(W), shape (S,), computed without underflow when every margin is large (log-sum-exp)."""
    name = _check_loss(loss)
    q = margins(Ws, X, y, biases=biases)
    if name == "exp":
        return torch.logsumexp(-q, dim=-1)
    # log log(1 + e^{−q}) = −q + log1p(−e^{−q}/2 + …): exact formula where it does not underflow
    e = torch.exp(-q)
    safe = torch.log(torch.nn.functional.softplus(-q).clamp_min(1e-300))
    tail = -q + torch.log1p(-0.5 * e)
    return torch.logsumexp(torch.where(q > 30.0, tail, safe), dim=-1)


def _grads_from_cache(Ws: Params, zs: list[Tensor], hs: list[Tensor], y: Tensor, loss: str,
                      activation: str = "relu") -> Params:
    # ∂L/∂W_k = Σ_n ℓ′(q_n) y_n δ_{k,n} h_{k−1,n}ᵀ, with ℓ′ = −(loss slope)
    q = y * zs[-1].squeeze(-1)
    coeff = -_loss_slope(q, loss) * y  # (S, n)
    # the ReLU call keeps its two-argument form (the quality tier swaps this function for planted bugs)
    deltas = _backward_signals(Ws, zs) if activation == "relu" else _backward_signals(Ws, zs, linear=True)
    return tuple(torch.matmul((d * coeff.unsqueeze(-1)).transpose(-1, -2), h) for d, h in zip(deltas, hs))


def grads(Ws: Params, X: Tensor, y: Tensor, *, loss: LossName = "exp", biases: Params | None = None,
          activation: Activation = "relu") -> Params:
    """Hand-written gradient ∇_{W_k} L, K tensors (S, m_k, m_{k−1}).

    ∇_{W_k} L = Σ_n ℓ′(q_n) y_n δ_{k,n} h_{k−1,n}ᵀ with the backward signals of
    :func:`output_grads`; for the exponential loss ℓ′(q) = −e^{−q} (Poggio et al. 2020, the
    gradient flow Ẇ_k = Σ_n e^{−y_n f(x_n)} y_n ∂f(x_n)/∂W_k).
    """
    name = _check_loss(loss)
    act = _check_activation(activation)
    _check_data(Ws, X, y)
    _check_biases(Ws, biases)
    zs, hs = _forward_cache(Ws, X, biases, act)
    return _grads_from_cache(Ws, zs, hs, y, name, act)


# --------------------------------------------------------------------------------------------
# margins and the normalized dynamics
# --------------------------------------------------------------------------------------------


def normalized_min_margin(Ws: Params, X: Tensor, y: Tensor) -> Tensor:
    """The raw normalized margin min_n q_n / ‖θ‖^K, shape (S,) (Lyu & Li 2020, γ̄(θ))."""
    K = len(Ws)
    return margins(Ws, X, y).min(-1).values / param_norm(Ws) ** K


def _g_of(log_inv_loss: Tensor, loss: str) -> Tensor:
    """Lyu & Li's g = f⁻¹ with ℓ(q) = e^{−f(q)}: g(x) = x (exp), g(x) = −log(exp(e^{−x}) − 1) (logistic)."""
    if loss == "exp":
        return log_inv_loss
    u = torch.exp(-log_inv_loss)  # = L; −log(e^u − 1) = x − log(expm1(u)/u), and expm1(u)/u = 1 + u/2 + … for small u
    return torch.where(u < 1e-8, log_inv_loss - 0.5 * u, -torch.log(torch.expm1(u)))


def _g_prime(log_inv_loss: Tensor, loss: str) -> Tensor:
    if loss == "exp":
        return torch.ones_like(log_inv_loss)
    u = torch.exp(-log_inv_loss)  # = L
    return torch.where(u < 1e-8, 1.0 + 0.5 * u, u * torch.exp(u) / torch.expm1(u))


def smoothed_margin(Ws: Params, X: Tensor, y: Tensor, *, loss: LossName = "exp") -> Tensor:
    """Lyu & Li's smoothed margin γ̃ = g(log(1/L))/‖θ‖^K, shape (S,) (Lyu & Li 2020, Sec. 4.1).

    g(x) = x for the exponential loss, so γ̃ = log(1/L)/‖θ‖^K. Meaningful once L < ℓ(0) (L < 1 for
    the exponential loss, L < log 2 for the logistic one); computed for any θ (NaN for the logistic
    loss when L ≥ log 2, where g is undefined).
    """
    name = _check_loss(loss)
    K = len(Ws)
    return _g_of(-log_loss(Ws, X, y, loss=name), name) / param_norm(Ws) ** K


def smoothed_margin_ratio(Ws: Params, X: Tensor, y: Tensor, *, loss: LossName = "exp") -> Tensor:
    """dγ̃/dt under gradient flow as γ̃′ = A(1 − B/A) with A > 0; returns B/A, shape (S,).

    With θ̇ = −∇L (Lyu & Li 2020, proof of Thm 4.1; γ̃ = g(log 1/L)/‖θ‖^K)::

        A = g′(log 1/L)·‖∇L‖²/(L‖θ‖^K) > 0,     B = K g(log 1/L)·⟨θ, −∇L⟩/‖θ‖^{K+2},

    so γ̃ is non-decreasing at θ iff B/A ≤ 1. Computed from the hand-written gradient of log L
    (L cancels: B/A = K g(log 1/L)⟨θ, −∇log L⟩ / (g′(log 1/L) ‖∇log L‖² ‖θ‖²)), so it stays finite when L
    underflows. For a network without biases ⟨θ, −∇L⟩ = K Σ_n (−ℓ′(q_n)) q_n (Euler).
    """
    name = _check_loss(loss)
    _check_data(Ws, X, y)
    K = len(Ws)
    zs, hs = _forward_cache(Ws, X, None)
    logL, G = _grad_log_loss(Ws, zs, hs, y, name)
    g2 = sum((g * g).flatten(1).sum(1) for g in G)
    inner = -sum((W * g).flatten(1).sum(1) for W, g in zip(Ws, G))
    rho2 = param_norm(Ws) ** 2
    return K * _g_of(-logL, name) * inner / (_g_prime(-logL, name) * g2 * rho2)


def _homogeneity_factors(rho: Tensor, rho_k: Tensor) -> tuple[Tensor, Tensor]:
    """(ρ/ρ_k, ρ/ρ_k²), each (S, K): ∂f(W)/∂W_k = (ρ/ρ_k)∂f(V)/∂V_k, and V̇_k gains another 1/ρ_k."""
    r = rho.unsqueeze(1) / rho_k
    return r, r / rho_k


def normalized_dynamics(
    Ws: Params, X: Tensor, y: Tensor, *, loss: LossName = "exp", biases: Params | None = None,
) -> dict[str, Tensor | Params]:
    """The flow of the directions V_k = W_k/ρ_k: the paper's formula and the chain rule, side by side.

    Under Ẇ_k = −∇_{W_k}L, the chain rule gives (the *measured* velocity)::

        ρ̇_k = ⟨V_k, Ẇ_k⟩,      V̇_k = (Ẇ_k − V_k⟨V_k, Ẇ_k⟩)/ρ_k.

    Poggio, Banburski, Liao 2020 rewrite it in terms of the normalized network f(V; x) only, using
    homogeneity (∂f(W)/∂W_k = (ρ/ρ_k) ∂f(V)/∂V_k and ⟨V_k, ∂f(V)/∂V_k⟩ = f(V))::

        ρ̇_k = (ρ/ρ_k) Σ_n s_n y_n f(V; x_n),
        V̇_k = (ρ/ρ_k²) Σ_n s_n y_n (∂f(V; x_n)/∂V_k − V_k f(V; x_n)),     s_n = −ℓ′(ρ q_n(V)),

    (s_n = e^{−ρ q_n(V)} for the exponential loss). Returns ``vdot_chain`` and ``vdot_paper`` (K
    tensors (S, m_k, m_{k−1})), ``rhodot_chain`` and ``rhodot_paper`` ((S, K)), and ``v_inner`` =
    ⟨V_k, V̇_k⟩ with the paper's V̇_k, (S, K): zero when f is homogeneous. With ``biases`` the same
    formulas are evaluated on the network with biases (where they no longer agree).
    """
    name = _check_loss(loss)
    _check_data(Ws, X, y)
    _check_biases(Ws, biases)
    rho_k = layer_norms(Ws)  # (S, K)
    rho = rho_k.prod(1)
    Vs = tuple(W / r.reshape(-1, 1, 1) for W, r in zip(Ws, rho_k.unbind(1)))
    G = grads(Ws, X, y, loss=name, biases=biases)
    Wdot = tuple(-g for g in G)
    rhodot_chain = torch.stack([(V * wd).flatten(1).sum(1) for V, wd in zip(Vs, Wdot)], 1)
    vdot_chain = tuple((wd - V * rd.reshape(-1, 1, 1)) / r.reshape(-1, 1, 1)
                       for V, wd, rd, r in zip(Vs, Wdot, rhodot_chain.unbind(1), rho_k.unbind(1)))
    fV = forward(Vs, X, biases=biases)  # (S, n)
    yy = y.expand_as(fV)
    z = rho.unsqueeze(1) * yy * fV  # ρ q_n(V) = q_n(W)
    # written out here (not through the gradient code) so the two sides share no loss derivative
    s = torch.exp(-z) if name == "exp" else 1.0 / (1.0 + torch.exp(z))  # (S, n)
    dfV = output_grads(Vs, X, biases=biases)  # (S, n, m_k, m_{k-1})
    c = (s * yy)  # (S, n)
    f_rho, f_v = _homogeneity_factors(rho, rho_k)
    rhodot_paper = f_rho * (c * fV).sum(1, keepdim=True)
    vdot_paper = []
    for k, (V, dV) in enumerate(zip(Vs, dfV)):
        core = torch.einsum("sn,snij->sij", c, dV) - V * (c * fV).sum(1).reshape(-1, 1, 1)
        vdot_paper.append(core * f_v[:, k].reshape(-1, 1, 1))
    v_inner = torch.stack([(V * vd).flatten(1).sum(1) for V, vd in zip(Vs, vdot_paper)], 1)
    return {"vdot_chain": vdot_chain, "vdot_paper": tuple(vdot_paper), "rhodot_chain": rhodot_chain,
            "rhodot_paper": rhodot_paper, "v_inner": v_inner}


def constrained_flow(
    Ws: Params, X: Tensor, y: Tensor, *, loss: LossName = "exp", biases: Params | None = None,
) -> dict[str, Tensor | Params]:
    """The gradient flow of the unit-norm-constrained problem, by autograd (independent of :func:`grads`).

    Problem (Poggio, Banburski, Liao 2020): with the norms ρ_k held fixed, minimize
    ℒ(V) = L(ρ_1 V_1, …, ρ_K V_K) subject to ‖V_k‖ = 1 for every layer. Its gradient flow with
    Lagrange multipliers ν_k chosen to keep d‖V_k‖²/dt = 0 is::

        V̇_k = −∇_{V_k}ℒ + ν_k V_k,     ν_k = ⟨V_k, ∇_{V_k}ℒ⟩,

    i.e. the projection (I − V_k V_kᵀ) of −∇_{V_k}ℒ onto the sphere's tangent space. ∇_{V_k}ℒ is taken
    by autograd through :func:`loss` (the forward pass), never through the hand-written gradient.
    Returns ``vdot`` (K tensors (S, m_k, m_{k−1})), ``grad`` (∇_{V_k}ℒ, the same shapes) and ``multiplier``
    ν (S, K). Chain rule [derived]:
    ∇_{V_k}ℒ = ρ_k ∇_{W_k}L, so the flow of W_k/‖W_k‖ under Ẇ = −∇L is this flow times 1/ρ_k².
    """
    name = _check_loss(loss)
    _check_data(Ws, X, y)
    _check_biases(Ws, biases)
    rho_k = layer_norms(Ws).detach()
    with torch.enable_grad():
        Vs = tuple((W / r.reshape(-1, 1, 1)).detach().requires_grad_(True) for W, r in zip(Ws, rho_k.unbind(1)))
        total = globals()["loss"](tuple(V * r.reshape(-1, 1, 1) for V, r in zip(Vs, rho_k.unbind(1))), X, y,
                                  loss=name, biases=biases).sum()
        G = torch.autograd.grad(total, Vs)
    nu = torch.stack([(V.detach() * g).flatten(1).sum(1) for V, g in zip(Vs, G)], 1)
    vdot = tuple(-g + V.detach() * n_.reshape(-1, 1, 1) for V, g, n_ in zip(Vs, G, nu.unbind(1)))
    return {"vdot": vdot, "grad": tuple(G), "multiplier": nu}


def weight_norm_flow(
    gs: Tensor, vs: Params, X: Tensor, y: Tensor, *, loss: LossName = "exp", biases: Params | None = None,
) -> dict[str, Tensor | Params]:
    """Gradient flow in the weight-normalized parametrization W_k = g_k v_k/‖v_k‖_F, by autograd.

    Weight normalization (Salimans & Kingma 2016), here one scalar g_k per layer (the layer-wise
    normalization of Poggio, Banburski, Liao 2020, whose V_k = W_k/‖W_k‖ it parametrizes). Gradient
    flow on (g, v)::

        ġ_k = −∂L/∂g_k,     v̇_k = −∇_{v_k}L,     and the induced direction u_k = v_k/‖v_k‖ moves as
        u̇_k = (I − u_k u_kᵀ) v̇_k/‖v_k‖.

    [derived, chain rule] ∂L/∂g_k = ⟨u_k, ∇_{W_k}L⟩ and ∇_{v_k}L = (g_k/‖v_k‖)(I − u_ku_kᵀ)∇_{W_k}L, so
    ⟨v_k, v̇_k⟩ = 0 (‖v_k‖ is conserved), ġ_k = ρ̇_k and u̇_k = (g_k ρ_k/‖v_k‖²)·V̇_k, with ρ̇_k, V̇_k the
    flow of ρ_k = ‖W_k‖, V_k = W_k/ρ_k under Ẇ = −∇L (ρ_k = |g_k|). Gradients by autograd through
    :func:`loss` (the forward pass), never through :func:`grads`.

    ``gs`` (S, K), ``vs`` K tensors (S, m_k, m_{k−1}). Returns ``gdot`` (S, K), ``vdot`` and ``udot``
    (K tensors, shapes of ``vs``), ``Ws`` (the weights g_k v_k/‖v_k‖) and ``v_norms`` (S, K).
    """
    name = _check_loss(loss)
    _check_data(vs, X, y)
    _check_biases(vs, biases)
    if gs.shape != (vs[0].shape[0], len(vs)):
        raise ValueError(f"gs.shape={tuple(gs.shape)}: expected (S, K) = ({vs[0].shape[0]}, {len(vs)})")
    with torch.enable_grad():
        g = gs.detach().clone().requires_grad_(True)
        v = tuple(t.detach().clone().requires_grad_(True) for t in vs)
        Ws = tuple(g[:, k].reshape(-1, 1, 1) * t / t.flatten(1).norm(dim=1).reshape(-1, 1, 1) for k, t in enumerate(v))
        total = globals()["loss"](Ws, X, y, loss=name, biases=biases).sum()
        grads_ = torch.autograd.grad(total, (g, *v))
    gdot = -grads_[0]
    vdot = tuple(-t for t in grads_[1:])
    v_norms = torch.stack([t.detach().flatten(1).norm(dim=1) for t in vs], 1)
    udot = []
    for t, vd, r in zip(vs, vdot, v_norms.unbind(1)):
        u = t.detach() / r.reshape(-1, 1, 1)
        udot.append((vd - u * (u * vd).flatten(1).sum(1).reshape(-1, 1, 1)) / r.reshape(-1, 1, 1))
    return {"gdot": gdot, "vdot": vdot, "udot": tuple(udot), "Ws": tuple(W.detach() for W in Ws), "v_norms": v_norms}


def _lse_weights(q: Tensor) -> Tensor:
    """softmax(−q) over the last axis: −∇_q log Σ_n e^{−q_n}."""
    return torch.softmax(-q, dim=-1)


def _regularized_lse_newton(G: Tensor, lam: Tensor, w: Tensor, *, iters: int) -> Tensor:
    """argmin_w log Σ_n e^{−g_nᵀw} + (λ/2)‖w‖², batched: G (n, d) rows g_n = y_n x_n, λ (B,), w (B, d) start.

    Damped Newton: the objective is λ-strongly convex and (1 + λ)-smooth for unit rows (the Hessian of
    log-sum-exp is a covariance of the rows under softmax weights, ⪯ max‖g_n‖²·I), so Newton with
    halving line search converges from any start."""
    def obj(w_: Tensor) -> Tensor:
        return torch.logsumexp(-(w_ @ G.T), -1) + 0.5 * lam * (w_ * w_).sum(-1)

    eye = torch.eye(G.shape[1], dtype=G.dtype, device=G.device)
    for _ in range(iters):
        p = _lse_weights(w @ G.T)  # (B, n)
        mean = p @ G  # (B, d)
        grad = -mean + lam.unsqueeze(-1) * w
        cov = torch.einsum("bn,ni,nj->bij", p, G, G) - mean.unsqueeze(-1) * mean.unsqueeze(-2)
        H = cov + lam.reshape(-1, 1, 1) * eye
        step = torch.linalg.solve(H, grad.unsqueeze(-1)).squeeze(-1)
        f0 = obj(w)
        # Armijo up to round-off of f: near the optimum the decrease (~‖grad‖²) falls below eps·|f|, and a strict
        # test then rejects every step and stalls Newton at ‖grad‖ ≈ sqrt(eps) (‖V̇‖ ≈ 1e-8 in poggio2020)
        slack = 16 * torch.finfo(w.dtype).eps * f0.abs().clamp_min(1.0)
        t = torch.ones_like(lam)
        for _ls in range(30):
            bad = obj(w - t.unsqueeze(-1) * step) > f0 - 0.25 * t * (grad * step).sum(-1) + slack
            if not bool(bad.any()):
                break
            t = torch.where(bad, 0.5 * t, t)
        w = w - t.unsqueeze(-1) * step
    return w


def sphere_minimizer_linear(X: Tensor, y: Tensor, rho: Tensor, *, newton_iters: int = 8,
                            bisections: int = 60) -> Tensor:
    """The minimizer of the exponential loss of the linear model on the sphere ‖w‖ = ρ, batched over ρ.

    For linearly separable data L(w) = Σ_n e^{−y_n x_nᵀw} has no minimizer, and min_{‖w‖ ≤ ρ} L(w) is
    attained on the sphere ‖w‖ = ρ: that point is the critical point V̇ = 0 of the normalized flow at
    radius ρ (Poggio, Banburski, Liao 2020), where −∇L(w) ∥ w. It is computed on the regularization path:
    w_λ = argmin log L(w) + (λ/2)‖w‖² (log-sum-exp of linear functions: convex, so w_λ is unique and
    satisfies −∇log L(w_λ) = λ w_λ, i.e. it is the minimizer of L on its own sphere), with ‖w_λ‖
    decreasing in λ; λ is found by bisection on log λ so that ‖w_λ‖ = ρ (λ bracketed by [γ/ρ, max‖x_n‖/ρ],
    γ the hard-margin SVM's margin from :func:`svm`; the bracket shrinks by 2^{−bisections}), each w_λ by
    damped Newton warm-started from the previous one (the first from ρŵ/‖ŵ‖). X (n, d), y (n,) in {±1}, ρ (B,) > 0. Returns w (B, d).
    """
    if not isinstance(X, Tensor) or X.ndim != 2:
        raise ValueError(f"X.shape={_shape(X)}: expected (n, d)")
    n, d = X.shape
    if not isinstance(y, Tensor) or tuple(y.shape) != (n,):
        raise ValueError(f"y.shape={_shape(y)}: expected (n,) = ({n},)")
    if not isinstance(rho, Tensor) or rho.ndim != 1 or not bool((rho > 0).all()):
        raise ValueError(f"rho={rho!r}: expected a (B,) tensor of radii > 0")
    G = y.unsqueeze(1) * X
    w_hat, _ = svm(X, y)  # the bracket and the start only (raises when the data are not separable)
    gamma = 1.0 / w_hat.norm()
    # stationarity λw_λ = Σ_n p_n g_n (p = softmax weights) brackets λ: γ ≤ ⟨Σ p_n g_n, ŵ/‖ŵ‖⟩ ≤ ‖Σ p_n g_n‖ ≤ max‖g_n‖
    lo = torch.log(gamma / rho)
    hi = torch.log(G.norm(dim=1).max() / rho)
    w = rho.unsqueeze(-1) * (w_hat / w_hat.norm()).unsqueeze(0)
    for _ in range(bisections):
        mid = 0.5 * (lo + hi)
        w = _regularized_lse_newton(G, torch.exp(mid), w, iters=newton_iters)
        too_big = w.norm(dim=-1) > rho  # λ too small
        lo = torch.where(too_big, mid, lo)
        hi = torch.where(too_big, hi, mid)
    w = _regularized_lse_newton(G, torch.exp(0.5 * (lo + hi)), w, iters=newton_iters)
    return w * (rho / w.norm(dim=-1)).unsqueeze(-1)


# --------------------------------------------------------------------------------------------
# gradient descent
# --------------------------------------------------------------------------------------------


def gd_step(Ws: Params, X: Tensor, y: Tensor, *, eta: float | Tensor, loss: LossName = "exp",
            biases: Params | None = None) -> Params:
    """One gradient-descent step W_k ← W_k − η ∇_{W_k}L for every layer (η a float or an (S,) tensor)."""
    G = grads(Ws, X, y, loss=loss, biases=biases)
    lr = _eta(eta, Ws[0])
    return tuple(W - lr * g for W, g in zip(Ws, G))


def _eta(eta: float | Tensor, like: Tensor) -> Tensor:
    S = like.shape[0]
    if isinstance(eta, Tensor):
        e = eta.to(dtype=like.dtype, device=like.device).reshape(-1)
        if e.shape[0] not in (1, S) or not bool(torch.isfinite(e).all()) or bool((e < 0).any()):
            raise ValueError(f"eta.shape={tuple(eta.shape)}: expected a float or (S,) = ({S},) finite step sizes >= 0")
        return e.expand(S).reshape(S, 1, 1)
    return torch.full((S, 1, 1), _finite_float("eta", eta, minimum=0.0), dtype=like.dtype, device=like.device)


def _log_loss_and_weights(q: Tensor, loss: str) -> tuple[Tensor, Tensor]:
    """log L (S,) and the normalised slopes w_n = −ℓ′(q_n)/L (S, n), both without underflow."""
    if loss == "exp":
        logL = torch.logsumexp(-q, dim=-1)
        return logL, torch.softmax(-q, dim=-1)
    e = torch.exp(-q)
    log_terms = torch.where(q > 30.0, -q + torch.log1p(-0.5 * e),
                            torch.log(torch.nn.functional.softplus(-q).clamp_min(1e-300)))
    logL = torch.logsumexp(log_terms, dim=-1)
    return logL, torch.exp(torch.nn.functional.logsigmoid(-q) - logL.unsqueeze(-1))


def _grad_log_loss(Ws: Params, zs: list[Tensor], hs: list[Tensor], y: Tensor, loss: str) -> tuple[Tensor, Params]:
    """log L and ∇ log L = ∇L/L (K tensors), from a forward cache; stable when L underflows."""
    q = y * zs[-1].squeeze(-1)
    logL, w = _log_loss_and_weights(q, loss)
    coeff = -w * y
    deltas = _backward_signals(Ws, zs)
    return logL, tuple(torch.matmul((d * coeff.unsqueeze(-1)).transpose(-1, -2), h) for d, h in zip(deltas, hs))


def loss_schedule(log_L: Tensor, *, eta: float | Tensor, K: int) -> Tensor:
    """The loss-based step η_t = η / (L · max(1, log(1/L))^{2 − 2/K}), (S,), from log L (S,).

    Gradient descent with this step is the explicit Euler scheme for the gradient flow run in the
    time s with ds = L·max(1, log 1/L)^{2−2/K} dt: the flow's trajectory (as a curve) is unchanged,
    while the step follows the local curvature of log L, which near a separating direction grows like
    (log 1/L)^{2−2/K} (Lyu & Li 2020 bound the loss by 1/(t (log t)^{2−2/K}); loss-based steps like this
    are the ones their experiments and GD analysis use — recalled, not re-read). K = 1 gives
    normalized GD η/L (Nacson et al. 2019).
    """
    e = _eta(eta, log_L.reshape(-1, 1, 1)).reshape(-1)
    return e * torch.exp(-log_L) / torch.clamp(-log_L, min=1.0) ** (2.0 - 2.0 / K)


@dataclass(frozen=True, eq=False)
class GDTrajectory:
    """Record of a batched GD run; R records at the steps ``steps``.

    steps:     (R,) the step counts recorded.
    time:      (S, R) elapsed flow time t = Σ_{j < i} η_j (= η·i for a constant step).
    params:    K tensors (S, R, m_k, m_{k−1}): W_k at each record (frozen once diverged).
    log_loss:  (S, R) log L at each record; +inf from the record a seed diverged on.
    diverged:  (S,) bool.
    """

    steps: Tensor
    time: Tensor
    params: Params
    log_loss: Tensor
    diverged: Tensor


def gd_trajectory(
    Ws: Params,
    X: Tensor,
    y: Tensor,
    *,
    eta: float | Tensor,
    steps: int,
    record: Sequence[int] | None = None,
    loss: LossName = "exp",
    schedule: Literal["constant", "loss"] = "constant",
    biases: Params | None = None,
    max_log_inv_loss: float = math.inf,
) -> GDTrajectory:
    """Full-batch GD W_k(t+1) = W_k(t) − η_t∇_{W_k}L(W(t)) (Soudry et al. 2018, eq. 2; Lyu & Li 2020).

    ``schedule="constant"``: η_t = η. ``schedule="loss"``: η_t from :func:`loss_schedule` (the
    gradient flow by explicit Euler in loss-normalised time; the update is computed as
    η·∇log L/max(1, log 1/L)^{2−2/K}, so it never underflows). ``record``: the step counts to keep
    (default: every step). A seed whose update is non-finite is frozen and marked diverged. A seed
    whose log(1/L) exceeds ``max_log_inv_loss`` is frozen (not diverged): its time stops advancing.
    """
    name = _check_loss(loss)
    S, _ = _check_data(Ws, X, y)
    _check_biases(Ws, biases)
    if schedule not in ("constant", "loss"):
        raise ValueError(f"schedule={schedule!r}: choose 'constant' or 'loss'")
    T = _int_at_least("steps", steps, 0)
    rec = list(range(T + 1)) if record is None else sorted({_int_at_least("record[i]", r, 0) for r in record})
    if rec and rec[-1] > T:
        raise ValueError(f"record contains step {rec[-1]} > steps={T}")
    lr = _eta(eta, Ws[0])
    K = len(Ws)
    where = {t: i for i, t in enumerate(rec)}
    R = len(rec)
    dt, dev = Ws[0].dtype, Ws[0].device
    out = [torch.empty(S, R, *W.shape[1:], dtype=dt, device=dev) for W in Ws]
    logs = torch.empty(S, R, dtype=dt, device=dev)
    times = torch.empty(S, R, dtype=dt, device=dev)
    clock = torch.zeros(S, dtype=dt, device=dev)
    diverged = torch.zeros(S, dtype=torch.bool, device=dev)
    W = tuple(w.clone() for w in Ws)
    inf = torch.tensor(math.inf, dtype=dt, device=dev)
    for t in range(T + 1):
        zs, hs = _forward_cache(W, X, biases)
        logL, Glog = _grad_log_loss(W, zs, hs, y, name)
        diverged |= ~torch.isfinite(logL)
        i = where.get(t)
        if i is not None:
            logs[:, i] = torch.where(diverged, inf, logL)
            times[:, i] = clock
            for k in range(K):
                out[k][:, i] = W[k]
        if t == T:
            break
        live = ~diverged & (-logL <= max_log_inv_loss)
        if schedule == "constant":
            step = lr.reshape(-1) * torch.exp(logL)  # ∇L = L·∇log L
            new = tuple(w - step.reshape(-1, 1, 1) * g for w, g in zip(W, Glog))
            dclock = lr.reshape(-1)
        else:
            scale = lr.reshape(-1) / torch.clamp(-logL, min=1.0) ** (2.0 - 2.0 / K)
            new = tuple(w - scale.reshape(-1, 1, 1) * g for w, g in zip(W, Glog))
            dclock = scale * torch.exp(-logL)
        ok = live.clone()
        for w in new:
            ok &= torch.isfinite(w).flatten(1).all(1)
        diverged |= live & ~ok
        clock = torch.where(ok, clock + dclock, clock)
        W = tuple(torch.where(ok.reshape(-1, 1, 1), n_, o_) for n_, o_ in zip(new, W))
    return GDTrajectory(steps=torch.tensor(rec, dtype=torch.long), time=times, params=tuple(out), log_loss=logs,
                        diverged=diverged)


def linear_gd(
    w0: Tensor,
    X: Tensor,
    y: Tensor,
    *,
    eta: float,
    record: Sequence[int],
    loss: LossName = "logistic",
) -> Tensor:
    """Full-batch GD on a linear predictor, S starts at once: w(t+1) = w(t) − η∇L(w(t)), L(w) = Σ_n ℓ(y_n x_nᵀw)
    (Soudry et al. 2018, eq. 2 with K = 1), ℓ(u) = log(1 + e^{−u}) (logistic) or e^{−u} (exp).

    The same update as :func:`gd_trajectory` for a one-layer network, written for speed at long horizons
    (10⁵–10⁶ steps): ∇L(w) = −(y∘X)ᵀs with s_n = −ℓ'(q_n) = σ(−q_n) (logistic) or e^{−q_n}, q = (y∘X)w the margins.
    w0 (S, d); X (n, d); y (n,) in {±1}; ``record`` the step counts to keep (sorted, ≥ 0). Returns (S, R, d).
    """
    if not isinstance(w0, Tensor) or w0.ndim != 2:
        raise ValueError(f"w0.shape={_shape(w0)}: expected (S, d)")
    if not isinstance(X, Tensor) or X.ndim != 2 or X.shape[1] != w0.shape[1]:
        raise ValueError(f"X.shape={_shape(X)}: expected (n, d) with d = {w0.shape[1]}")
    if not isinstance(y, Tensor) or tuple(y.shape) != (X.shape[0],):
        raise ValueError(f"y.shape={_shape(y)}: expected (n,) = ({X.shape[0]},)")
    name = _check_loss(loss)
    rec = sorted({_int_at_least("record[i]", r, 0) for r in record})
    if not rec:
        raise ValueError("record: at least one step to keep")
    lr = _finite_float("eta", eta)
    G = y.unsqueeze(1) * X  # (n, d): rows y_n x_n
    neg_GT = (-G).T.contiguous()  # (d, n): w @ neg_GT = −q
    out = torch.empty(w0.shape[0], len(rec), w0.shape[1], dtype=w0.dtype, device=w0.device)
    w = w0.detach().clone()  # the in-place kernels below (mm(out=), addmm_) take no autograd history
    s = torch.empty(w0.shape[0], X.shape[0], dtype=w0.dtype, device=w0.device)  # (S, n)
    t = 0
    # three in-place kernels a step (no allocation): ≈ 3 µs a step on one CPU core at these sizes, so the 10⁶-step
    # runs of the degenerate-data claim stay cheap
    for i, r in enumerate(rec):
        for _ in range(r - t):
            torch.mm(w, neg_GT, out=s)  # −q, q = (y∘X)w the margins
            if name == "logistic":
                s.sigmoid_()  # σ(−q_n) = −ℓ'(q_n)
            else:
                s.exp_()  # e^{−q_n}
            w.addmm_(s, G, alpha=lr)  # w + η Σ_n s_n y_n x_n
        t = r
        out[:, i] = w
    return out


# --------------------------------------------------------------------------------------------
# gradient flow: Dormand–Prince 5(4) in log time
# --------------------------------------------------------------------------------------------

_DP_C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0)
_DP_A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
_DP_B = (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0)
_DP_E = (71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40)  # b − b̂


@dataclass(frozen=True, eq=False)
class FlowTrajectory:
    """Gradient-flow states at the requested times.

    times:    (R,) flow times t (float64).
    params:   K tensors (S, R, m_k, m_{k−1}).
    steps:    number of accepted solver steps; rejected: number of rejected ones; forced: accepted at
              ``min_step`` although the error estimate asked for a smaller step (at ReLU kinks).
    complete: False when ``max_steps`` ran out before the last time (later records repeat the last state).
    """

    times: Tensor
    params: Params
    steps: int
    rejected: int
    complete: bool
    forced: int = 0


def flow_trajectory(
    Ws: Params,
    X: Tensor,
    y: Tensor,
    *,
    times: Sequence[float],
    loss: LossName = "exp",
    biases: Params | None = None,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    max_steps: int = 20000,
    min_step: float = 0.0,
) -> FlowTrajectory:
    """Gradient flow θ̇ = −∇L(θ) integrated accurately, states recorded at ``times`` (t ≥ 0, increasing).

    The flow is integrated in log time τ = log(1 + t), dθ/dτ = (1 + t)(−∇L(θ)): under an
    exponential-type loss L decays like 1/t, so the right-hand side stays O(1) and the solver can
    reach t = e^{40} in a few hundred steps. Dormand–Prince 5(4) with error control (the error norm
    is the largest over seeds of the RMS of err/(atol + rtol·|θ|)), one shared step for all seeds,
    landing exactly on every requested time.

    ReLU kinks make the right-hand side discontinuous; where the flow slides along a kink (a
    pre-activation pinned at 0) the error control would shrink the step without end. ``min_step``
    (in τ; 0 = never) bounds that: a step the controller wants below it is accepted at ``min_step``
    and counted in ``forced`` (first-order accurate there). ``max_steps`` bounds accepted plus
    rejected steps; ``complete`` says whether the last time was reached.
    """
    name = _check_loss(loss)
    _check_data(Ws, X, y)
    _check_biases(Ws, biases)
    rt = _finite_float("rtol", rtol, minimum=0.0, strict=True)
    at = _finite_float("atol", atol, minimum=0.0, strict=True)
    maxs = _int_at_least("max_steps", max_steps, 1)
    hmin = _finite_float("min_step", min_step, minimum=0.0)
    ts = [float(t) for t in times]
    if not ts or ts[0] < 0 or any(b < a for a, b in zip(ts, ts[1:])) or not all(math.isfinite(t) for t in ts):
        raise ValueError(f"times={ts[:5]}...: expected a non-empty non-decreasing list of finite t >= 0")
    if math.log1p(ts[-1]) > 700:
        raise ValueError(f"times[-1]={ts[-1]:g}: log(1 + t) must stay below 700 (float64 range of e^τ)")
    dims = dims_of(Ws)
    theta = stack_params(Ws).clone()
    S = theta.shape[0]

    if len(dims) == 2 and biases is None:  # the linear model: −∇L = Σ_n (−ℓ′(q_n)) y_n x_n in one product
        Xs = X if X.ndim == 3 else X.unsqueeze(0)

        def rhs(tau: float, th: Tensor) -> Tensor:
            q = y * torch.matmul(Xs, th.unsqueeze(-1)).squeeze(-1)
            return math.exp(tau) * torch.matmul((_loss_slope(q, name) * y).unsqueeze(1), Xs).squeeze(1)
    else:
        def rhs(tau: float, th: Tensor) -> Tensor:
            Wt = unstack_params(th, dims)
            zs, hs = _forward_cache(Wt, X, biases)
            G = _grads_from_cache(Wt, zs, hs, y, name)
            return -math.exp(tau) * torch.cat([g.flatten(1) for g in G], 1)

    taus = [math.log1p(t) for t in ts]
    out = torch.empty(S, len(ts), theta.shape[1], dtype=theta.dtype, device=theta.device)
    tau = 0.0
    k1 = rhs(tau, theta)
    h = 1e-3
    nsteps = rejected = forced = 0
    complete = True
    for i, target in enumerate(taus):
        while tau < target - 1e-15 and complete:
            if nsteps + rejected >= maxs:
                complete = False
                break
            step = min(h, target - tau)
            ks = [k1]
            for j in range(1, 7):
                yj = theta.clone()
                for a, kk in zip(_DP_A[j], ks):
                    if a:
                        yj.add_(kk, alpha=step * a)
                ks.append(rhs(tau + _DP_C[j] * step, yj))
            new, err = theta.clone(), torch.zeros_like(theta)
            for b, e, kk in zip(_DP_B, _DP_E, ks):
                if b:
                    new.add_(kk, alpha=step * b)
                if e:
                    err.add_(kk, alpha=step * e)
            scale = at + rt * torch.maximum(theta.abs(), new.abs())
            en = float(((err / scale) ** 2).mean(1).sqrt().max())
            if not math.isfinite(en):
                en = 1e10
            force = en > 1.0 and step <= hmin and bool(torch.isfinite(new).all())
            forced += int(force)
            if en <= 1.0 or force:
                tau += step
                theta = new
                k1 = ks[6]  # FSAL
                nsteps += 1
                if step >= h:  # a step shortened to land on a record time says nothing about h
                    h = step * min(5.0, 0.9 * max(en, 1e-10) ** -0.2)
            else:
                rejected += 1
                h = max(step * max(0.1, 0.9 * en ** -0.2), hmin)
        out[:, i] = theta
    params = unstack_params(out.reshape(S * len(ts), -1), dims)
    params = tuple(p.reshape(S, len(ts), *p.shape[1:]) for p in params)
    return FlowTrajectory(times=torch.tensor(ts, dtype=torch.float64), params=params, steps=nsteps,
                          rejected=rejected, complete=complete, forced=forced)


# --------------------------------------------------------------------------------------------
# the hard-margin SVM, NNLS and the KKT residual (independent of the training code)
# --------------------------------------------------------------------------------------------


def nnls(A: Tensor, b: Tensor, *, max_iter: int | None = None) -> Tensor:
    """min_{x ≥ 0} ‖Ax − b‖₂, by SciPy's Lawson–Hanson active-set solver (``scipy.optimize.nnls``).

    A (S, M, N) or (M, N), b (S, M) or (M,): a batch of S independent problems (solved one after
    another on the CPU; each is small). Returns x (S, N) (or (N,)) on A's device and dtype; a problem
    with a non-finite entry gives NaN. The solver's own iteration cap (``max_iter``, default 3N in
    SciPy; ours 10N + 50) raises ``RuntimeError`` when it is reached, so an unconverged answer is never
    returned as if it were the minimiser. The reference is SciPy's, independent of the code under test.
    """
    from scipy.optimize import nnls as scipy_nnls

    squeeze = A.ndim == 2
    if squeeze:
        A, b = A.unsqueeze(0), b.unsqueeze(0)
    if A.ndim != 3 or b.ndim != 2 or b.shape != A.shape[:2]:
        raise ValueError(f"A.shape={_shape(A)}, b.shape={_shape(b)}: expected (S, M, N) and (S, M)")
    S, M, N = A.shape
    iters = max_iter if max_iter is not None else 10 * N + 50
    An = A.detach().to("cpu", torch.float64).numpy()
    bn = b.detach().to("cpu", torch.float64).numpy()
    out = np.full((S, N), np.nan)
    for s in range(S):
        if np.all(np.isfinite(An[s])) and np.all(np.isfinite(bn[s])):
            out[s] = scipy_nnls(An[s], bn[s], maxiter=iters)[0]
    x = torch.from_numpy(out).to(device=A.device, dtype=A.dtype)
    return x[0] if squeeze else x


def svm(X: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """Hard-margin SVM without bias: ŵ = argmin ½‖w‖² s.t. y_n x_nᵀw ≥ 1, and its dual variables α.

    A least-distance program, solved by Lawson & Hanson's reduction to NNLS (Solving Least Squares
    Problems, 1974, Ch. 23, Algorithm LDP): with G = (y∘X) (rows y_n x_n), solve
    min_{u ≥ 0} ‖E u − e_{d+1}‖ for E = [Gᵀ; 1ᵀ] ((d+1)×n); the residual r = Eu − e_{d+1} gives
    ŵ = −r_{1:d}/r_{d+1} and α = u/(−r_{d+1}), so that ŵ = Σ_n α_n y_n x_n (stationarity), α ≥ 0 and
    α_n(y_n x_nᵀŵ − 1) = 0. Independent of the training code. X (n, d), y (n,) in {±1}; the data must
    be linearly separable through the origin (else ``ValueError``: then r = 0). Returns ŵ (d,), α (n,).
    """
    if not isinstance(X, Tensor) or X.ndim != 2 or min(X.shape) < 1:
        raise ValueError(f"X.shape={_shape(X)}: expected (n, d)")
    n, d = X.shape
    if not isinstance(y, Tensor) or tuple(y.shape) != (n,):
        raise ValueError(f"y.shape={_shape(y)}: expected (n,) = ({n},)")
    G = y.unsqueeze(1) * X
    E = torch.cat([G.T, torch.ones(1, n, dtype=X.dtype, device=X.device)], 0)
    f = torch.zeros(d + 1, dtype=X.dtype, device=X.device)
    f[-1] = 1.0
    u = nnls(E, f)
    r = E @ u - f
    if not float(-r[-1]) > 1e-12:
        raise ValueError("svm: the data are not linearly separable through the origin (no feasible hard margin)")
    w = -r[:d] / r[-1]
    alpha = u / (-r[-1])
    return w, alpha


def _toggled_grad(Ws: Params, zs: list[Tensor], hs: list[Tensor], s: int, n: int, k: int, j: int) -> Tensor:
    """∂f(x_n)/∂θ (flat, (P,)) of seed s with the ReLU derivative of hidden unit j in layer k+1 toggled."""
    K = len(Ws)
    masks = [(zs[l][s, n] > 0).to(zs[l].dtype) for l in range(K - 1)]
    masks[k] = masks[k].clone()
    masks[k][j] = 1.0 - masks[k][j]
    delta = torch.ones(1, dtype=Ws[0].dtype, device=Ws[0].device)
    grads_: list[Tensor] = [torch.empty(0)] * K
    for l in range(K - 1, -1, -1):
        grads_[l] = torch.outer(delta, hs[l][s, n]).flatten()
        if l > 0:
            delta = (delta @ Ws[l][s]) * masks[l - 1]
    return torch.cat(grads_)


def kkt_residual(Ws: Params, X: Tensor, y: Tensor, *, kink_tol: float = 0.0) -> Tensor:
    """Approximate-KKT residual of min ½‖θ‖² s.t. q_n(θ) ≥ 1 at the rescaled point θ̃ = θ/q_min^{1/K}, (S,).

    Lyu & Li 2020 (Sec. 4, definition of an (ε, δ)-approximate KKT point, with Clarke subgradients for
    ReLU networks): θ̃ is (ε, δ)-KKT when some λ ≥ 0 and h_n ∈ ∂°q_n(θ̃) have ‖θ̃ − Σ_n λ_n h_n‖ ≤ ε and
    Σ_n λ_n (q_n(θ̃) − 1) ≤ δ. We report the best combination, relative to ‖θ̃‖::

        R(θ) = min_{λ ≥ 0} ( ‖θ̃ − Σ_c λ_c h_c‖² + (Σ_c λ_c (q_{n(c)}(θ̃) − 1))² )^{1/2} / ‖θ̃‖,

    one NNLS problem per seed (the complementary-slackness sum appended as a last row), solved by
    :func:`nnls`. The columns h_c are ∇q_n(θ̃) = y_n ∂f(x_n)/∂θ (relu′(0) = 0) and, for every hidden
    unit j whose pre-activation on x_n is within ``kink_tol`` of its kink (|z| ≤ kink_tol·‖w_j‖‖h_n‖),
    also y_n ∂f(x_n)/∂θ with that unit's derivative toggled: non-negative combinations of the two are
    the Clarke subgradients of that kink (one kink at a time). R = 0 exactly at a KKT point (for K = 1:
    at the SVM solution). Seeds with q_min ≤ 0 (data not yet separated) give +inf.
    """
    _check_data(Ws, X, y)
    tol_k = _finite_float("kink_tol", kink_tol, minimum=0.0)
    K = len(Ws)
    q = margins(Ws, X, y)
    qmin = q.min(-1).values
    ok = qmin > 0
    c = torch.where(ok, qmin, torch.ones_like(qmin)).pow(-1.0 / K)
    Wt = scale_params(Ws, c)
    qt = margins(Wt, X, y)  # = q·c^K; min = 1
    dq = output_grads(Wt, X)
    yy = y.expand_as(qt)
    J = torch.cat([(d * yy.reshape(*yy.shape, 1, 1)).flatten(2) for d in dq], 2)  # (S, n, P)
    theta = stack_params(Wt)
    A = torch.cat([J.transpose(1, 2), (qt - 1).unsqueeze(1)], 1)  # (S, P+1, n)
    b = torch.cat([theta, torch.zeros_like(theta[:, :1])], 1)
    near: list[Tensor] = []
    if tol_k > 0 and K > 1:
        zs, hs = _forward_cache(Wt, X, None)
        for k in range(K - 1):
            scale = Wt[k].norm(dim=-1).unsqueeze(1) * hs[k].norm(dim=-1).unsqueeze(-1)  # (S, n, m_k)
            near.append(zs[k].abs() <= tol_k * scale)
    res = torch.empty_like(qmin)
    for s in range(A.shape[0]):
        As = A[s]
        if near:
            extra = []
            for k, mask in enumerate(near):
                for n_, j_ in torch.nonzero(mask[s]).tolist():
                    h = yy[s, n_] * _toggled_grad(Wt, zs, hs, s, n_, k, j_)
                    extra.append(torch.cat([h, (qt[s, n_] - 1).reshape(1)]))
            if extra:
                As = torch.cat([As, torch.stack(extra, 1)], 1)
        lam = nnls(As, b[s])
        res[s] = (As @ lam - b[s]).norm() / theta[s].norm()
    return torch.where(ok, res, torch.full_like(res, math.inf))


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------


def separable_data(
    n: int,
    d: int,
    *,
    margin: float,
    generator: torch.Generator,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor, Tensor]:
    """Unit-norm inputs linearly separable through the origin with margin at least ``margin``.

    A Haar-random unit direction u is drawn; each x_n = a_n u + (1 − a_n²)^{1/2} z_n with z_n a
    random unit vector orthogonal to u and |a_n| uniform on [margin, 1); y_n = sign(a_n) (random).
    The first example sits exactly at |a_1| = margin. So ‖x_n‖ = 1, y_n uᵀx_n ≥ margin, and the
    hard-margin SVM margin 1/‖ŵ‖ is ≥ margin (it is computed by :func:`svm`, not taken from u).
    Needs d ≥ 2 and 0 < margin < 1. Draw order: u, signs, |a|, z. Returns X (n, d), y (n,), u (d,).
    """
    n = _int_at_least("n", n, 1)
    d = _int_at_least("d", d, 2)
    gam = _finite_float("margin", margin, minimum=0.0, strict=True)
    if not gam < 1.0:
        raise ValueError(f"margin={gam}: must be in (0, 1) for unit-norm inputs")
    u = torch.randn(d, generator=generator, dtype=dtype)
    u = u / u.norm()
    y = torch.where(torch.rand(n, generator=generator, dtype=dtype) < 0.5, -1.0, 1.0).to(dtype)
    a = gam + (1.0 - gam) * torch.rand(n, generator=generator, dtype=dtype)
    a[0] = gam
    z = torch.randn(n, d, generator=generator, dtype=dtype)
    z = z - (z @ u).unsqueeze(1) * u
    z = z / z.norm(dim=1, keepdim=True).clamp_min(1e-300)
    X = (y * a).unsqueeze(1) * u + (1 - a * a).clamp_min(0).sqrt().unsqueeze(1) * z
    return X.to(device), y.to(device), u.to(device)


def planted_svm_data(
    n: int,
    d: int,
    *,
    margin: float,
    support: int,
    gap: float,
    generator: torch.Generator,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Unit inputs whose hard-margin SVM is known: ŵ = u/γ with ``support`` support vectors.

    Draws a Haar-random unit u. Support vectors: y_n x_n = γu + (1 − γ²)^{1/2} z_n with unit z_n ⟂ u:
    z_1, …, z_{k−1} orthonormal (so the support vectors are well conditioned) and z_k minus the
    normalised positive combination Σ_{n<k} c_n z_n, c_n uniform on [½, 3/2]; hence Σ_n c_n z_n = 0 and
    u/γ = Σ_n α_n y_n x_n with α_n = c_n/(γ² Σ c) > 0: the KKT
    conditions hold with strict complementarity, and ŵ = u/γ, margin γ (for ``support`` = 1 the
    single support vector is y_1 x_1 = u and the margin is 1, so ``margin`` must then be 1 — we
    require ``support`` ≥ 2). The other n − support examples have y_n uᵀx_n = a_n uniform on
    [γ(1 + gap), 1], so every normalized margin y_n x_nᵀŵ off the support is ≥ 1 + gap. Labels are
    random signs. Needs 2 ≤ support ≤ min(n, d), 0 < γ < 1/(1 + gap).

    Returns X (n, d), y (n,), ŵ (d,) and α (n,) (zero off the support). Draw order: u, z's, c's,
    labels, a's.
    """
    n = _int_at_least("n", n, 2)
    d = _int_at_least("d", d, 2)
    k = _int_at_least("support", support, 2)
    if k > min(n, d):
        raise ValueError(f"support={k}: at most min(n, d) = {min(n, d)} support vectors")
    gam = _finite_float("margin", margin, minimum=0.0, strict=True)
    gp = _finite_float("gap", gap, minimum=0.0)
    if not gam * (1 + gp) < 1.0:
        raise ValueError(f"margin={gam}, gap={gp}: need margin·(1 + gap) < 1 for unit-norm inputs")
    u = torch.randn(d, generator=generator, dtype=dtype)
    u = u / u.norm()

    def perp_units(m: int) -> Tensor:
        z = torch.randn(m, d, generator=generator, dtype=dtype)
        z = z - (z @ u).unsqueeze(1) * u
        return z / z.norm(dim=1, keepdim=True).clamp_min(1e-300)

    z = perp_units(k)
    if k > 1:  # orthonormalise z_1..z_{k−1} inside u⊥ (k − 1 ≤ d − 1)
        q, _ = torch.linalg.qr(z[:-1].T)
        z[:-1] = q.T
    c = 0.5 + torch.rand(k, generator=generator, dtype=dtype)
    comb = (c[:-1].unsqueeze(1) * z[:-1]).sum(0)
    z[-1] = -comb / comb.norm().clamp_min(1e-300)
    c[-1] = comb.norm()
    s = math.sqrt(1 - gam * gam)
    y = torch.where(torch.rand(n, generator=generator, dtype=dtype) < 0.5, -1.0, 1.0).to(dtype)
    a = gam * (1 + gp) + (1 - gam * (1 + gp)) * torch.rand(n, generator=generator, dtype=dtype)
    zo = perp_units(n - k) if n > k else torch.zeros(0, d, dtype=dtype)
    yx = torch.cat([gam * u + s * z, a[k:].unsqueeze(1) * u + (1 - a[k:] ** 2).clamp_min(0).sqrt().unsqueeze(1) * zo])
    X = y.unsqueeze(1) * yx
    alpha = torch.zeros(n, dtype=dtype)
    alpha[:k] = c / (gam * gam * c.sum())
    return X.to(device), y.to(device), (u / gam).to(device), alpha.to(device)


def degenerate_svm_data(
    n: int,
    d: int,
    *,
    margin: float,
    support: int,
    gap: float,
    generator: torch.Generator,
    offset: float = 0.0,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """:func:`planted_svm_data` in d − 1 dimensions, embedded in d (last coordinate 0), plus one degenerate support
    vector x_deg = γu + (1 − γ²)^{1/2} e_d with label +1 (appended as example n + 1). With ``offset`` > 0 the extra
    example is a = γ(1 + offset) along u instead, x = a·u + (1 − a²)^{1/2} e_d: off the margin, not a support
    vector (the non-degenerate contrast); needs γ(1 + offset) < 1.

    x_deg lies on the margin (ŵᵀx_deg = 1 with ŵ = u/γ unchanged) but its dual variable is 0 in every dual solution:
    e_d is orthogonal to u and to every other example, so Σ_n α_n y_n x_n = ŵ forces α_deg = 0 (Soudry et al.
    2018's degenerate case, where the direction converges only like log log t/log t). Needs d ≥ 3 and
    2 ≤ support ≤ min(n, d − 1). Returns X (n + 1, d), y (n + 1,), ŵ (d,), α (n + 1,) (α_deg = 0).
    """
    d = _int_at_least("d", d, 3)
    X0, y0, w0, a0 = planted_svm_data(n, d - 1, margin=margin, support=support, gap=gap, generator=generator,
                                      dtype=dtype, device=device)
    zcol = torch.zeros(X0.shape[0], 1, dtype=dtype, device=X0.device)
    X = torch.cat([X0, zcol], 1)
    gam = float(margin)
    u = torch.cat([w0 * gam, torch.zeros(1, dtype=dtype, device=X0.device)])
    e_d = torch.zeros(d, dtype=dtype, device=X0.device)
    e_d[-1] = 1.0
    a = gam * (1.0 + _finite_float("offset", offset, minimum=0.0))
    if not a < 1.0:
        raise ValueError(f"margin={gam}, offset={offset}: need margin·(1 + offset) < 1 for a unit-norm input")
    x_deg = a * u + math.sqrt(1 - a * a) * e_d
    X = torch.cat([X, x_deg.unsqueeze(0)], 0)
    y = torch.cat([y0, torch.ones(1, dtype=dtype, device=X0.device)])
    w_hat = torch.cat([w0, torch.zeros(1, dtype=dtype, device=X0.device)])
    alpha = torch.cat([a0, torch.zeros(1, dtype=dtype, device=X0.device)])
    return X, y, w_hat, alpha


def teacher_data(
    n: int,
    d: int,
    *,
    width: int,
    keep: float,
    generator: torch.Generator,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
    max_draws: int = 200,
) -> tuple[Tensor, Tensor]:
    """Unit inputs labelled by a bias-free two-layer ReLU teacher, kept only where it is confident.

    Teacher f*(x) = Σ_j a_j relu(v_jᵀx) with unit v_j and a_j = ±1/width (signs alternate, so the
    labels are not linearly separable in general). Inputs uniform on the sphere. The confidence
    threshold is the (1 − ``keep``)-quantile of |f*| over 4096 pilot inputs, so a fraction ``keep``
    ∈ (0, 1] of inputs passes (always feasible, whatever d and the teacher); inputs are then drawn in
    batches and kept when |f*(x)| ≥ threshold. The data are separable by any bias-free ReLU net of
    width ≥ ``width``, with margin ≥ threshold. Draw order: teacher, pilot, batches. Returns X (n, d), y (n,).
    """
    n = _int_at_least("n", n, 1)
    d = _int_at_least("d", d, 1)
    width = _int_at_least("width", width, 1)
    kp = _finite_float("keep", keep, minimum=0.0, strict=True)
    if kp > 1.0:
        raise ValueError(f"keep={kp}: a fraction in (0, 1]")
    V = torch.randn(width, d, generator=generator, dtype=dtype)
    V = V / V.norm(dim=1, keepdim=True)
    a = torch.tensor([(1.0 if j % 2 == 0 else -1.0) / width for j in range(width)], dtype=dtype)

    def sphere(m: int) -> Tensor:
        Z = torch.randn(m, d, generator=generator, dtype=dtype)
        return Z / Z.norm(dim=1, keepdim=True)

    pilot = (torch.relu(sphere(4096) @ V.T) @ a).abs()
    thr = float(torch.quantile(pilot, 1.0 - kp))
    keep_x: list[Tensor] = []
    got = 0
    for _ in range(max_draws):
        Z = sphere(max(4 * n, 64))
        sel = Z[(torch.relu(Z @ V.T) @ a).abs() >= max(thr, 1e-12)]
        keep_x.append(sel)
        got += sel.shape[0]
        if got >= n:
            break
    X = torch.cat(keep_x)[:n]
    if X.shape[0] < n:
        raise ValueError(f"keep={kp}: only {X.shape[0]} of n={n} inputs passed in {max_draws} batches")
    y = torch.sign(torch.relu(X @ V.T) @ a)
    return X.to(device), y.to(device)


def label_noise(y: Tensor, *, flips: int, generator: torch.Generator) -> Tensor:
    """y with the labels of ``flips`` randomly chosen examples negated (breaks separability)."""
    k = _int_at_least("flips", flips, 0)
    if k > y.shape[-1]:
        raise ValueError(f"flips={k}: more than n={y.shape[-1]} examples")
    idx = torch.randperm(y.shape[-1], generator=generator)[:k]
    out = y.clone()
    out[..., idx.to(y.device)] = -out[..., idx.to(y.device)]
    return out
