"""Tangent kernels and the PL* quantities of Liu, Zhu, Belkin (2022), batched over seeds.

Paper: C. Liu, L. Zhu, M. Belkin, "Loss landscapes and optimization in over-parameterized non-linear
systems and neural networks", Applied and Computational Harmonic Analysis 59 (2022), arXiv 2003.00307.

For a model F: R^p → R^N (N outputs: samples × output dimensions) with the square loss
L(w) = ½‖F(w) − y‖², the gradient is ∇L = J(w)ᵀ(F − y) with J = ∂F/∂w (N × p), so [derived]

    ‖∇L‖² = (F − y)ᵀ K(w) (F − y) ≥ λ_min(K(w))·‖F − y‖² = 2λ_min(K(w))·L,   K(w) = J Jᵀ (N × N),

the tangent kernel. λ_min(K(w)) ≥ μ on a set is the paper's PL* condition there (with their
normalisation ½‖∇L‖² ≥ μL [recalled]). This module holds the tangent kernels of the models in
``impl/`` that do not already have one written for all their parameters, a generic autograd
tangent kernel used to check them, and a GD run of the two-layer net that records λ_min(K(w_t)).

Conventions (as :mod:`impl.two_layer`): batched over S seeds as one tensor program (Python loops only
over layers and time steps), float64 by default, invalid arguments raise ``ValueError`` naming the
argument and the fix, divergence never raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from lemmata.impl import linear_resnet as lr
from lemmata.impl import two_layer as tl
from lemmata.impl._checks import int_at_least as _int_at_least
from lemmata.impl._checks import step_sizes as _step_sizes

__all__ = [
    "KernelPath",
    "deep_tanh_init",
    "deep_tanh_output",
    "hessian_spectral_norm",
    "least_squares_gd",
    "loss_hessian_eigenvalues",
    "tanh_interpolator",
    "tanh_two_layer_output",
    "least_squares_pl_eps",
    "ball_points",
    "pl_ratio",
    "pl_ratio_descent",
    "sgd_batch_counts",
    "two_layer_sgd_losses",
    "autograd_tangent_kernel",
    "lambda_min",
    "linear_resnet_tangent_kernel",
    "two_layer_gd_kernel_path",
    "two_layer_kernel_infinity",
    "two_layer_tangent_kernel",
]


def _shape(t: object) -> object:
    return tuple(t.shape) if isinstance(t, Tensor) else type(t).__name__


def lambda_min(K: Tensor) -> Tensor:
    """Least eigenvalue of each symmetric matrix in K (..., N, N), shape (...); symmetrised first."""
    if not isinstance(K, Tensor) or K.ndim < 2 or K.shape[-1] != K.shape[-2]:
        raise ValueError(f"K.shape={_shape(K)}: expected (..., N, N), a batch of square matrices")
    return torch.linalg.eigvalsh(0.5 * (K + K.transpose(-1, -2)))[..., 0]


# --------------------------------------------------------------------------------------------
# two-layer ReLU net (Du et al. 2019 model, impl.two_layer)
# --------------------------------------------------------------------------------------------


def _kernel_w(Z: Tensor, a: Tensor, X: Tensor, m: int) -> Tensor:
    # J_W J_Wᵀ: ∂u_i/∂w_r = m^{-1/2} a_r 1{z_ir ≥ 0} x_i, so the (i, j) entry is
    # (x_iᵀx_j/m) Σ_r a_r² 1{z_ir ≥ 0} 1{z_jr ≥ 0}
    D = (Z >= 0).to(Z.dtype)
    Da = D * a.unsqueeze(-2)  # (S, n, m): a_r 1{z_ir ≥ 0}
    return torch.matmul(X, X.transpose(-1, -2)) * torch.matmul(Da, Da.transpose(-1, -2)) / m


def _kernel_a(Z: Tensor, m: int) -> Tensor:
    # J_a J_aᵀ: ∂u_i/∂a_r = m^{-1/2} relu(z_ir)
    R = torch.relu(Z)
    return torch.matmul(R, R.transpose(-1, -2)) / m


def two_layer_tangent_kernel(W: Tensor, a: Tensor, X: Tensor, *, train_a: bool) -> Tensor:
    """Tangent kernel K = J Jᵀ of u = f(W, a, X) in the trained parameters, shape (S, n, n).

    f(W, a, x) = m^{-1/2} Σ_r a_r relu(w_rᵀx) (Du et al. 2019, Sec. 3). With ∂u_i/∂w_r =
    m^{-1/2} a_r 1{w_rᵀx_i ≥ 0} x_i and ∂u_i/∂a_r = m^{-1/2} relu(w_rᵀx_i) [derived]:

        K_W(i, j) = (x_iᵀx_j/m) Σ_r a_r² 1{w_rᵀx_i ≥ 0} 1{w_rᵀx_j ≥ 0},
        K_a(i, j) = (1/m) Σ_r relu(w_rᵀx_i) relu(w_rᵀx_j),

    K = K_W (+ K_a if ``train_a``). While every a_r = ±1, K_W = ``two_layer.gram_w`` (Du et al.'s
    H(W)) and K_a = ``two_layer.gram_a`` (their G); once a moves, H(W) is no longer the tangent
    kernel (the a_r² weights). The pattern at a kink is 1{0 ≥ 0} = 1, as in ``two_layer.grad_w``.
    W (S, m, d), a (S, m), X (n, d) or (S, n, d).
    """
    S, m, d, _ = tl._check_all(W, a, X)
    Z = tl._pre(W, X)
    K = _kernel_w(Z, a, X, m)
    if train_a:
        K = K + _kernel_a(Z, m)
    return K


def two_layer_kernel_infinity(X: Tensor, *, train_a: bool) -> Tensor:
    """Infinite-width tangent kernel at initialization, shape (..., n, n) for X (..., n, d).

    K^∞ = H^∞ (+ G^∞ if ``train_a``) with w ~ N(0, I_d), a_r = ±1: H^∞ = ``two_layer.gram_infinity``
    (Du et al. 2019, Sec. 3) and the arc-cosine kernel of degree one [derived; Cho & Saul 2009]

        G^∞_ij = E_w[relu(wᵀx_i) relu(wᵀx_j)] = ‖x_i‖‖x_j‖ (sin θ_ij + (π − θ_ij) cos θ_ij) / (2π),

    θ_ij the angle between x_i and x_j (diagonal ½‖x_i‖²). K(w₀) → K^∞ as m → ∞ (law of large numbers).
    """
    H = tl.gram_infinity(X)
    if not train_a:
        return H
    n, d = X.shape[-2:]
    _, theta = tl._row_angles(X.reshape(-1, n, d))
    theta = theta.reshape(*X.shape[:-2], n, n)
    norms = torch.linalg.vector_norm(X, dim=-1)
    G = norms.unsqueeze(-1) * norms.unsqueeze(-2) * (torch.sin(theta) + (math.pi - theta) * torch.cos(theta)) / (2 * math.pi)
    return H + G


@dataclass(frozen=True, eq=False)
class KernelPath:
    """Record of a GD run of the two-layer net with the tangent kernel tracked; K = steps.

    time:        (K+1,) step index t.
    loss:        (S, K+1) L(w_t) = ½‖u − y‖², +inf from the record where a seed diverged.
    lambda_min:  (S, K+1) λ_min(K(w_t)), K the tangent kernel in the trained parameters.
    lambda_max:  (S, K+1) λ_max(K(w_t)).
    grad_sq:     (S, K+1) ‖∇L(w_t)‖² from the hand-written gradients (``two_layer.grad_w``/``grad_a``).
    dist:        (S, K+1) ‖θ_t − θ_0‖, the Euclidean distance of all trained parameters from init.
    diverged:    (S,) bool; a diverged seed's parameters are frozen at their last finite values.
    W, a:        final parameters.
    """

    time: Tensor
    loss: Tensor
    lambda_min: Tensor
    lambda_max: Tensor
    grad_sq: Tensor
    dist: Tensor
    diverged: Tensor
    W: Tensor
    a: Tensor


def two_layer_gd_kernel_path(
    W0: Tensor,
    a0: Tensor,
    X: Tensor,
    y: Tensor,
    *,
    eta: float | Tensor,
    steps: int,
    train_a: bool = True,
    divergence_threshold: float = 1e100,
) -> KernelPath:
    """Full-batch GD on the two-layer net recording L, λ_min/λ_max of the tangent kernel and ‖∇L‖².

    θ_{t+1} = θ_t − η ∇L(θ_t), θ = (W, a) if ``train_a`` else W (Liu et al. 2022, GD on the square
    loss; Du et al. 2019, Sec. 4 for the model). Gradients are ``two_layer.grad_w``/``grad_a``
    (hand-written); the kernel is :func:`two_layer_tangent_kernel`. ``eta`` is a float or one step
    size per seed (S,). A seed whose loss becomes non-finite or exceeds ``divergence_threshold``, or
    whose update is non-finite, is marked diverged, frozen, and records loss +inf from then on.
    W0 (S, m, d), a0 (S, m), X (n, d) or (S, n, d), y (n,) or (S, n).
    """
    S, m, d, n = tl._check_all(W0, a0, X, y)
    steps = _int_at_least("steps", steps, 0)
    try:
        thr = float(divergence_threshold)
    except (TypeError, ValueError):
        raise ValueError(f"divergence_threshold={divergence_threshold!r}: expected a real number > 0") from None
    if not thr > 0:  # also rejects NaN; +inf is allowed (divergence only on non-finite values)
        raise ValueError(f"divergence_threshold={thr}: must be > 0")
    lr_ = _step_sizes(eta, S=S, like=W0)
    opts = {"dtype": W0.dtype, "device": W0.device}
    loss = torch.empty(S, steps + 1, **opts)
    lmin = torch.empty(S, steps + 1, **opts)
    lmax = torch.empty(S, steps + 1, **opts)
    gsq = torch.empty(S, steps + 1, **opts)
    dist = torch.empty(S, steps + 1, **opts)
    diverged = torch.zeros(S, dtype=torch.bool, device=W0.device)
    inf = torch.tensor(math.inf, **opts)
    W, a = W0.clone(), a0.clone()
    for t in range(steps + 1):
        Z = tl._pre(W, X)
        R = torch.relu(Z)
        e = tl._out(R, a, m) - y
        L = 0.5 * (e * e).sum(-1)
        diverged |= ~torch.isfinite(L) | (L > thr)
        loss[:, t] = torch.where(diverged, inf, L)
        K = _kernel_w(Z, a, X, m) + (_kernel_a(Z, m) if train_a else 0.0)
        ev = torch.linalg.eigvalsh(0.5 * (K + K.transpose(-1, -2)))
        lmin[:, t], lmax[:, t] = ev[..., 0], ev[..., -1]
        gW = tl._grad_w(Z, a, X, e, m)
        ga = tl._grad_a(R, e, m) if train_a else None
        gsq[:, t] = (gW * gW).sum((-2, -1)) + ((ga * ga).sum(-1) if ga is not None else 0.0)
        dsq = ((W - W0) ** 2).sum((-2, -1)) + (((a - a0) ** 2).sum(-1) if train_a else 0.0)
        dist[:, t] = dsq.sqrt()
        if t == steps:
            break
        W_new = W - lr_[:, None, None] * gW
        a_new = a - lr_[:, None] * ga if ga is not None else a
        ok = torch.isfinite(W_new).flatten(1).all(-1) & torch.isfinite(a_new).all(-1)
        diverged |= ~ok
        live = ~diverged
        W = torch.where(live[:, None, None], W_new, W)
        a = torch.where(live[:, None], a_new, a)
    time = torch.arange(steps + 1, **opts)
    return KernelPath(time=time, loss=loss, lambda_min=lmin, lambda_max=lmax, grad_sq=gsq, dist=dist,
                      diverged=diverged, W=W, a=a)


# --------------------------------------------------------------------------------------------
# PL* over a ball around initialization, and SGD (issue 17)
# --------------------------------------------------------------------------------------------


def _project_to_ball(W: Tensor, a: Tensor, W0: Tensor, a0: Tensor, radius: Tensor) -> tuple[Tensor, Tensor]:
    """The Euclidean projection of (W, a) (S, P, …) onto B((W0, a0), R) in the joint parameter space, R (S,)."""
    dW, da = W - W0.unsqueeze(1), a - a0.unsqueeze(1)
    dist = ((dW * dW).sum((-2, -1)) + (da * da).sum(-1)).sqrt()  # (S, P)
    shrink = torch.clamp(radius.unsqueeze(1) / dist.clamp_min(torch.finfo(dist.dtype).tiny), max=1.0)
    return W0.unsqueeze(1) + shrink[..., None, None] * dW, a0.unsqueeze(1) + shrink[..., None] * da


def ball_points(W0: Tensor, a0: Tensor, radius: Tensor, *, count: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """``count`` points of the ball B(θ₀, R) around θ₀ = (W0, a0) per seed: W (S, P, m, d), a (S, P, m).

    Point j of seed s is θ₀ + R_s·(j + 1)/P·u with u a Gaussian direction of the joint space (W, a) normalised
    to unit length: random directions, radii spread evenly up to the boundary (the last point of each seed
    lies on it). W0 (S, m, d), a0 (S, m), R (S,) ≥ 0; the directions come from the CPU ``generator``.
    """
    count = _int_at_least("count", count, 1)
    S, m, d = W0.shape
    if tuple(a0.shape) != (S, m) or not isinstance(radius, Tensor) or tuple(radius.shape) != (S,):
        raise ValueError(f"a0.shape={_shape(a0)}, radius.shape={_shape(radius)}: expected (S, m) = ({S}, {m}) and (S,)")
    uW = torch.randn(S, count, m, d, generator=generator, dtype=W0.dtype).to(W0.device)
    ua = torch.randn(S, count, m, generator=generator, dtype=W0.dtype).to(W0.device)
    norm = ((uW * uW).sum((-2, -1)) + (ua * ua).sum(-1)).sqrt()
    r = radius.unsqueeze(1) * torch.arange(1, count + 1, dtype=W0.dtype, device=W0.device) / count / norm
    return W0.unsqueeze(1) + r[..., None, None] * uW, a0.unsqueeze(1) + r[..., None] * ua


def pl_ratio(W: Tensor, a: Tensor, X: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """‖∇L‖² and L at a batch of points, from the hand-written gradients (``two_layer.grad_w``/``grad_a``).

    W (S, P, m, d), a (S, P, m), X (n, d), y (n,) (shared by every point). Returns (‖∇L(θ)‖², L(θ)), each
    (S, P); both layers are the trained parameters (Liu et al.'s PL*: ½‖∇L‖² ≥ μL).
    """
    S, P, m, d = W.shape
    Wf, af = W.reshape(S * P, m, d), a.reshape(S * P, m)
    Z = tl._pre(Wf, X)
    R = torch.relu(Z)
    e = tl._out(R, af, m) - y
    gW, ga = tl._grad_w(Z, af, X, e, m), tl._grad_a(R, e, m)
    g2 = (gW * gW).sum((-2, -1)) + (ga * ga).sum(-1)
    return g2.reshape(S, P), (0.5 * (e * e).sum(-1)).reshape(S, P)


def pl_ratio_descent(W: Tensor, a: Tensor, W0: Tensor, a0: Tensor, X: Tensor, y: Tensor, radius: Tensor, *,
                     steps: int, step_frac: float = 0.125) -> tuple[Tensor, Tensor]:
    """Adversarial points of the ball: projected normalised descent on log(‖∇L‖²/(2L)) from (W, a) (S, P, …).

    Each step moves every point by step_frac·R along −∇ log(‖∇L‖²/(2L)) (unit length in the joint space,
    gradients by autograd through ``two_layer.loss``, twice) and projects back onto B(θ₀, R). A search for
    where PL* fails, not a certificate. Returns the final points (S, P, m, d), (S, P, m).
    """
    steps = _int_at_least("steps", steps, 0)
    S, P, m, d = W.shape
    for _ in range(steps):
        with torch.enable_grad():
            Wv = W.detach().reshape(S * P, m, d).requires_grad_(True)
            av = a.detach().reshape(S * P, m).requires_grad_(True)
            L = tl.loss(Wv, av, X, y)
            gW, ga = torch.autograd.grad(L.sum(), (Wv, av), create_graph=True)
            g2 = (gW * gW).sum((-2, -1)) + (ga * ga).sum(-1)
            obj = (torch.log(g2.clamp_min(1e-300)) - torch.log((2 * L).clamp_min(1e-300))).sum()
            dW, da = torch.autograd.grad(obj, (Wv, av))
        dW, da = dW.reshape(S, P, m, d), da.reshape(S, P, m)
        norm = ((dW * dW).sum((-2, -1)) + (da * da).sum(-1)).sqrt().clamp_min(1e-300)
        step = step_frac * radius.reshape(S, 1) / norm
        W, a = _project_to_ball(W.detach() - step[..., None, None] * dW, a.detach() - step[..., None] * da,
                                W0, a0, radius)
    return W.detach(), a.detach()


def sgd_batch_counts(n: int, batch: int, steps: int, generators: Sequence[torch.Generator]) -> Tensor:
    """Mini-batch multiplicities c (S, steps, n): step t of seed s draws ``batch`` indices uniformly with
    replacement from {0, …, n−1} with that seed's generator; c[s, t, i] counts how often i was drawn."""
    n, batch, steps = _int_at_least("n", n, 1), _int_at_least("batch", batch, 1), _int_at_least("steps", steps, 0)
    out = torch.zeros(len(generators), steps, n, dtype=torch.float64)
    for s, g in enumerate(generators):
        idx = torch.randint(0, n, (steps, batch), generator=g)
        out[s].scatter_add_(1, idx, torch.ones(steps, batch, dtype=torch.float64))
    return out


def two_layer_sgd_losses(W0: Tensor, a0: Tensor, X: Tensor, y: Tensor, *, eta: float | Tensor, counts: Tensor,
                         divergence_threshold: float = 1e100) -> Tensor:
    """Mini-batch SGD on both layers of the two-layer net; returns L(θ_t) = ½‖u − y‖², shape (S, T+1).

    θ_{t+1} = θ_t − η g_t, g_t = (n/b) Σ_{j ∈ B_t} ∇ℓ_{i_j}(θ_t), ℓ_i = ½(u_i − y_i)², B_t the b indices of step t
    drawn with replacement (``counts`` (S, T, n) from :func:`sgd_batch_counts`, b = counts[s, t].sum()): an
    unbiased estimate of ∇L = Σ_i ∇ℓ_i (Liu, Zhu, Belkin 2022, SGD on the square loss; recalled). Computed as the
    hand-written full gradient with the residual e_i weighted by (n/b)·c_{t,i}. A seed whose loss exceeds
    ``divergence_threshold`` or turns non-finite records +inf from then on and is frozen.
    W0 (S, m, d), a0 (S, m), X (n, d), y (n,), η a float or (S,).
    """
    S, m, d, n = tl._check_all(W0, a0, X, y)
    if counts.ndim != 3 or counts.shape[0] != S or counts.shape[2] != n:
        raise ValueError(f"counts.shape={_shape(counts)}: expected (S, T, n) with S={S}, n={n}")
    T = counts.shape[1]
    lr_ = _step_sizes(eta, S=S, like=W0)
    counts = counts.to(dtype=W0.dtype, device=W0.device)
    weight = counts * (n / counts.sum(-1, keepdim=True))
    out = torch.empty(S, T + 1, dtype=W0.dtype, device=W0.device)
    dead = torch.zeros(S, dtype=torch.bool, device=W0.device)
    W, a = W0.clone(), a0.clone()
    for t in range(T + 1):
        Z = tl._pre(W, X)
        R = torch.relu(Z)
        e = tl._out(R, a, m) - y
        L = 0.5 * (e * e).sum(-1)
        dead |= ~torch.isfinite(L) | (L > divergence_threshold)
        out[:, t] = torch.where(dead, torch.full_like(L, math.inf), L)
        if t == T:
            break
        ew = e * weight[:, t]
        W_new = W - lr_[:, None, None] * tl._grad_w(Z, a, X, ew, m)
        a_new = a - lr_[:, None] * tl._grad_a(R, ew, m)
        dead |= ~(torch.isfinite(W_new).flatten(1).all(-1) & torch.isfinite(a_new).all(-1))
        W = torch.where(dead[:, None, None], W, W_new)
        a = torch.where(dead[:, None], a, a_new)
    return out


# --------------------------------------------------------------------------------------------
# deep linear ResNet (Zou et al. 2020 model, impl.linear_resnet)
# --------------------------------------------------------------------------------------------


def linear_resnet_tangent_kernel(W: Tensor, A: Tensor, B: Tensor, X: Tensor) -> Tensor:
    """Tangent kernel of F = vec(B (I + W_L)⋯(I + W_1) A X) in all hidden W_l, shape (S, kn, kn).

    Outputs are flattened row-major from (k, n): index c·n + i is output c of example i. With
    M_l = B P_{>l} (k × m) and h_{l−1,i} = P_{<l} A x_i (the input of block l), ∂F_{c,i}/∂W_l =
    (M_l)_{c,:}ᵀ h_{l−1,i}ᵀ, and ⟨a bᵀ, c dᵀ⟩_F = (aᵀc)(bᵀd) gives [derived]

        K = Σ_l (M_l M_lᵀ) ⊗ (H_{l−1}ᵀ H_{l−1}),     H_{l−1} = [h_{l−1,1}, …, h_{l−1,n}] (m × n),

    computed independently of ``linear_resnet.grads`` (prefix activations forward, suffix
    factors M_l = M_{l+1}(I + W_{l+1}) backward from M_L = B).
    W (S, L, m, m), A (S, m, d), B (S, k, m), X (d, n) or (S, d, n).
    """
    S, L, m, d, k, n = lr._check_model(W, A, B, X, None)
    H = [torch.matmul(A, X)]  # H_0 = A X; H_l = (I + W_l) H_{l−1}
    for l in range(L - 1):
        H.append(H[-1] + torch.matmul(W[:, l], H[-1]))
    K = torch.zeros(S, k, n, k, n, dtype=W.dtype, device=W.device)
    M = B
    for l in range(L - 1, -1, -1):  # block l+1 in the paper's numbering: W[:, l]
        K = K + torch.einsum("sab,sij->saibj", torch.matmul(M, M.transpose(-1, -2)),
                             torch.matmul(H[l].transpose(-1, -2), H[l]))
        M = M + torch.matmul(M, W[:, l])
    return K.reshape(S, k * n, k * n)


# --------------------------------------------------------------------------------------------
# generic autograd tangent kernel (for checks)
# --------------------------------------------------------------------------------------------


def autograd_tangent_kernel(outputs: Callable[..., Tensor], params: Sequence[Tensor]) -> Tensor:
    """K = Σ_θ J_θ J_θᵀ by autograd, shape (S, N, N); a reference for the hand-written kernels.

    ``outputs(*params)`` returns (S, N): the model's outputs per seed, where seed s depends only on
    slice s of each parameter (S, …). The Jacobian of all S·N outputs is taken by reverse mode
    (one backward pass per output row), so this is for small checks, not hot paths.
    """
    if not isinstance(params, Sequence) or not params or not all(isinstance(p, Tensor) for p in params):
        raise ValueError(f"params={type(params).__name__}: expected a non-empty sequence of (S, …) tensors")
    S = params[0].shape[0]
    for i, p in enumerate(params):
        if p.ndim < 1 or p.shape[0] != S:
            raise ValueError(f"params[{i}].shape={tuple(p.shape)}: the leading (seed) axis must be S={S}")
    jac = torch.autograd.functional.jacobian(outputs, tuple(params))  # each (S, N, S, *p.shape[1:])
    out = outputs(*params)
    if out.ndim != 2 or out.shape[0] != S:
        raise ValueError(f"outputs(...).shape={tuple(out.shape)}: expected (S, N) with S={S}")
    N = out.shape[1]
    idx = torch.arange(S, device=out.device)
    K = torch.zeros(S, N, N, dtype=out.dtype, device=out.device)
    for J in jac:
        Js = J[idx, :, idx].reshape(S, N, -1)  # the seed-diagonal blocks (S, N, p_s)
        K = K + torch.matmul(Js, Js.transpose(-1, -2))
    return K


# --------------------------------------------------------------------------------------------
# Hessian of a wide network's output (Liu, Zhu, Belkin 2020/2022: ‖∂²f/∂w²‖ = Õ(1/√m) in a ball)
# --------------------------------------------------------------------------------------------


def deep_tanh_init(S: int, d: int, m: int, *, generator: torch.Generator,
                   dtype: torch.dtype = torch.float64) -> tuple[Tensor, Tensor, Tensor]:
    """(W1 (S, m, d), W2 (S, m, m), v (S, m)), every entry N(0, 1): the NTK parametrization's initialization."""
    S = _int_at_least("S", S, 1)
    d = _int_at_least("d", d, 1)
    m = _int_at_least("m", m, 1)
    W1 = torch.randn((S, m, d), generator=generator, dtype=dtype)
    W2 = torch.randn((S, m, m), generator=generator, dtype=dtype)
    v = torch.randn((S, m), generator=generator, dtype=dtype)
    return W1, W2, v


def deep_tanh_output(W1: Tensor, W2: Tensor, v: Tensor, x: Tensor, *, output_tanh: bool = False) -> Tensor:
    """f(θ; x) for two hidden tanh layers of width m in the NTK parametrization, one input per copy, shape (S,).

        h₁ = tanh(W1 x/√d),   h₂ = tanh(W2 h₁/√m),   f = vᵀh₂/√m       (Liu, Zhu, Belkin 2020, Sec. 3 [recalled])

    with ``output_tanh`` the output is tanh(f) (a non-linear output layer, the case where their Hessian bound
    fails). W1 (S, m, d), W2 (S, m, m), v (S, m), x (S, d).
    """
    if W1.dim() != 3 or W2.dim() != 3 or v.dim() != 2 or x.dim() != 2:
        raise ValueError(f"W1.shape={tuple(W1.shape)}, W2.shape={tuple(W2.shape)}, v.shape={tuple(v.shape)}, "
                         f"x.shape={tuple(x.shape)}: expected (S, m, d), (S, m, m), (S, m), (S, d)")
    S, m, d = W1.shape
    if W2.shape != (S, m, m) or v.shape != (S, m) or x.shape != (S, d):
        raise ValueError(f"W2.shape={tuple(W2.shape)}, v.shape={tuple(v.shape)}, x.shape={tuple(x.shape)}: "
                         f"expected ({S}, {m}, {m}), ({S}, {m}), ({S}, {d})")
    h1 = torch.tanh(torch.einsum("smd,sd->sm", W1, x) / math.sqrt(d))
    h2 = torch.tanh(torch.einsum("sij,sj->si", W2, h1) / math.sqrt(m))
    f = (v * h2).sum(-1) / math.sqrt(m)
    return torch.tanh(f) if output_tanh else f


def hessian_spectral_norm(fn: Callable[..., Tensor], params: Sequence[Tensor], *, iters: int,
                          generator: torch.Generator) -> Tensor:
    """‖∇²_θ f_s(θ_s)‖₂ per copy s by power iteration on Hessian-vector products (double backward), shape (S,).

    ``fn(*params)`` returns (S,) outputs, copy s depending only on the s-th slice of every parameter, so the
    Hessian of Σ_s f_s is block diagonal and one Hessian-vector product serves every copy. Power iteration
    u ← Hu/‖Hu‖ (per copy) from a Gaussian start; the value returned is ‖Hu‖ at the last unit u, which is never
    above ‖H‖₂ (a lower estimate that converges to ‖H‖₂ = max|λ| at a rate set by the gap |λ₂|/|λ₁|; with
    λ_max ≈ −λ_min the iterate oscillates but ‖Hu‖ still converges, since H²'s top eigenvalue is λ₁²).
    """
    iters = _int_at_least("iters", iters, 1)
    ps_ = [p.detach().clone().requires_grad_(True) for p in params]
    S = ps_[0].shape[0]
    with torch.enable_grad():
        out = fn(*ps_)
        if out.shape != (S,):
            raise ValueError(f"fn(*params).shape={tuple(out.shape)}: expected ({S},), one output per copy")
        grads = torch.autograd.grad(out.sum(), ps_, create_graph=True)
    u = [torch.randn(p.shape, generator=generator, dtype=p.dtype).to(p.device) for p in ps_]

    def unit(vs: list[Tensor]) -> tuple[list[Tensor], Tensor]:
        nrm = torch.sqrt(sum((t * t).flatten(1).sum(1) for t in vs)).clamp_min(1e-300)
        return [t / nrm.reshape(-1, *([1] * (t.dim() - 1))) for t in vs], nrm

    u, _ = unit(u)
    nrm = torch.zeros(S, dtype=ps_[0].dtype, device=ps_[0].device)
    for _ in range(iters):
        with torch.enable_grad():
            Hu = torch.autograd.grad(grads, ps_, grad_outputs=u, retain_graph=True)
        u, nrm = unit([h.detach() for h in Hu])
    return nrm.detach()


# --------------------------------------------------------------------------------------------
# PL*_ε on an under-parameterized (non-interpolating) system: linear least squares with n > p
# --------------------------------------------------------------------------------------------


def least_squares_pl_eps(X: Tensor, y: Tensor, eps: Tensor | float) -> tuple[Tensor, Tensor, Tensor]:
    """(μ_ε, L*, β) for L(w) = ½‖Xw − y‖², X (n, p) of full column rank p < n.

    [derived] ∇L = Xᵀ(Xw − y) = XᵀX(w − w*), and L(w) − L* = ½‖X(w − w*)‖², so
    ‖∇L‖² ≥ σ²_min(X)‖X(w − w*)‖² = 2σ²_min(X)(L − L*); wherever L ≥ ε > L*,
    ½‖∇L‖² ≥ σ²_min(X)(1 − L*/ε)·L: the PL*_ε condition of Liu, Zhu, Belkin 2022 (recalled) with
    μ_ε = σ²_min(X)(1 − L*/ε) (negative when ε ≤ L*). β = σ²_max(X) is the smoothness of L.
    L* from the least-squares solution (torch.linalg.lstsq).
    """
    if X.dim() != 2 or y.dim() != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"X.shape={tuple(X.shape)}, y.shape={tuple(y.shape)}: expected (n, p) and (n,)")
    sv = torch.linalg.svdvals(X)
    w_star = torch.linalg.lstsq(X, y.unsqueeze(-1)).solution.squeeze(-1)
    L_star = 0.5 * ((X @ w_star - y) ** 2).sum()
    eps_t = torch.as_tensor(eps, dtype=X.dtype, device=X.device)
    return sv[-1] ** 2 * (1.0 - L_star / eps_t), L_star, sv[0] ** 2


def least_squares_gd(X: Tensor, y: Tensor, w0: Tensor, *, eta: float | Tensor, steps: int) -> Tensor:
    """Losses L(w_t) = ½‖Xw_t − y‖², t = 0 … steps, of GD w_{t+1} = w_t − η Xᵀ(Xw_t − y), shape (S, steps + 1).

    X (n, p), y (n,), w0 (S, p); ``eta`` a float or (S,). Non-finite losses are recorded as +inf.
    """
    steps = _int_at_least("steps", steps, 0)
    if w0.dim() != 2 or w0.shape[1] != X.shape[1]:
        raise ValueError(f"w0.shape={tuple(w0.shape)}: expected (S, {X.shape[1]})")
    S = w0.shape[0]
    eta_t = _step_sizes(eta, S=S, like=w0).reshape(S, 1)
    w = w0.clone()
    out = torch.empty((S, steps + 1), dtype=w0.dtype, device=w0.device)
    for t in range(steps + 1):
        r = w @ X.T - y  # (S, n)
        out[:, t] = 0.5 * (r * r).sum(-1)
        if t < steps:
            w = w - eta_t * (r @ X)
    return torch.where(torch.isfinite(out), out, torch.full_like(out, math.inf))


# --------------------------------------------------------------------------------------------
# essential non-convexity: the loss Hessian near a global minimizer of an over-parameterized non-linear model
# --------------------------------------------------------------------------------------------


def tanh_two_layer_output(W: Tensor, a: Tensor, X: Tensor) -> Tensor:
    """F = (f(x_1), …, f(x_n)) with f(x) = aᵀtanh(Wx)/√m, shape (S, n). W (S, m, d), a (S, m), X (n, d)."""
    if W.dim() != 3 or a.dim() != 2 or X.dim() != 2 or a.shape != W.shape[:2] or X.shape[1] != W.shape[2]:
        raise ValueError(f"W.shape={tuple(W.shape)}, a.shape={tuple(a.shape)}, X.shape={tuple(X.shape)}: expected "
                         "(S, m, d), (S, m), (n, d)")
    m = W.shape[1]
    return torch.einsum("sm,snm->sn", a, torch.tanh(torch.einsum("smd,nd->snm", W, X))) / math.sqrt(m)


def tanh_interpolator(W: Tensor, X: Tensor, y: Tensor) -> Tensor:
    """The minimum-norm output weights a with F(W, a) = y exactly (m ≥ n, features of full rank), shape (S, m):
    a = √m·Φ⁺y with Φ = tanh(WXᵀ)ᵀ (S, n, m), so (W, a) is a global minimizer of L = ½‖F − y‖² (L = 0)."""
    m = W.shape[1]
    Phi = torch.tanh(torch.einsum("smd,nd->snm", W, X))
    return math.sqrt(m) * torch.einsum("smn,n->sm", torch.linalg.pinv(Phi), y)


def loss_hessian_eigenvalues(W: Tensor, a: Tensor, X: Tensor, y: Tensor, *, train_W: bool = True) -> Tensor:
    """Eigenvalues (ascending) of the exact Hessian of L = ½‖F(W, a) − y‖² in the trained parameters, per seed.

    ∇²L = JᵀJ + Σ_i (F_i − y_i)∇²F_i [derived]: positive semi-definite at an interpolating minimizer, and the
    second term is what can make it indefinite nearby. Computed row by row by double backward (one pass per
    parameter, every seed at once: the Hessian of Σ_s L_s is block diagonal) on the flattened parameters (W, a) —
    or a alone when ``train_W`` is False, where F is linear and L convex.
    Shape (S, p), p = m·d + m (or m).
    """
    S, m, d = W.shape
    theta = (torch.cat([W.reshape(S, -1), a], 1) if train_W else a).detach().clone().requires_grad_(True)
    with torch.enable_grad():
        if train_W:
            F = tanh_two_layer_output(theta[:, :m * d].reshape(S, m, d), theta[:, m * d:], X)
        else:
            F = tanh_two_layer_output(W.detach(), theta, X)
        total = 0.5 * ((F - y) ** 2).sum()  # Σ_s L_s: its Hessian is block diagonal over the seeds
        (g,) = torch.autograd.grad(total, theta, create_graph=True)
        rows = [torch.autograd.grad(g[:, j].sum(), theta, retain_graph=True)[0] for j in range(theta.shape[1])]
    H = torch.stack(rows, 1).detach()  # (S, p, p): row j = ∂(∂L/∂θ_j)/∂θ
    return torch.linalg.eigvalsh(0.5 * (H + H.transpose(-1, -2)))
