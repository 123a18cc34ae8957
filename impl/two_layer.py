"""Two-layer ReLU network of Du, Zhai, Póczos, Singh (ICLR 2019, arXiv 1810.02054), batched over seeds.

Model (Du et al. 2019, Sec. 3)::

    f(W, a, x) = m^{-1/2} Σ_{r=1..m} a_r relu(w_rᵀx),     L = ½ Σ_i (f(x_i) − y_i)²   (no 1/n)

with w_r(0) ~ N(0, I_d), a_r ~ unif{−1, +1}, ‖x_i‖ = 1 and |y_i| ≤ C.

Conventions shared by every function here:

* Everything is batched over S seeds: ``W`` is (S, m, d), ``a`` is (S, m). Inputs ``X`` are (n, d)
  (shared by all seeds) or (S, n, d); labels ``y`` are (n,) or (S, n). No Python loop over seeds or
  samples in any computation (only over time steps in the trajectories).
* float64 unless a ``dtype`` is given. Random numbers come only from explicit CPU
  ``torch.Generator`` objects and are moved with ``.to(device)``, so CPU and CUDA see the same draws.
* Activation patterns use 1{z ≥ 0}, as the paper does.
* Invalid arguments raise ``ValueError`` with a ``name=value`` message saying what to fix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least
from lemmata.impl._checks import step_sizes as _step_sizes

__all__ = [
    "Trajectory",
    "bounded_labels",
    "duplicate_row",
    "flip_certificate",
    "flow_trajectory",
    "gd_trajectory",
    "gd_trajectory_fast",
    "grad_a",
    "grad_w",
    "gram_a",
    "gram_infinity",
    "gram_infinity_monte_carlo",
    "gram_w",
    "init_weights",
    "lambda_min",
    "loss",
    "output_velocity",
    "predict",
    "preactivations",
    "sphere_inputs",
]

DEFAULT_DTYPE = torch.float64


# --------------------------------------------------------------------------------------------
# argument validation (cheap: shapes and scalars only, never a pass over tensor entries)
# --------------------------------------------------------------------------------------------


def _check_params(W: Tensor, a: Tensor | None = None) -> tuple[int, int, int]:
    """Validate W (S, m, d) and optionally a (S, m); return (S, m, d)."""
    if not isinstance(W, Tensor) or W.ndim != 3:
        shape = tuple(W.shape) if isinstance(W, Tensor) else type(W).__name__
        raise ValueError(f"W.shape={shape}: expected (S, m, d), one weight matrix per seed")
    S, m, d = W.shape
    if m < 1 or d < 1 or S < 1:
        raise ValueError(f"W.shape={tuple(W.shape)}: S, m and d must all be >= 1")
    if a is not None:
        if not isinstance(a, Tensor) or tuple(a.shape) != (S, m):
            shape = tuple(a.shape) if isinstance(a, Tensor) else type(a).__name__
            raise ValueError(f"a.shape={shape}: expected (S, m) = {(S, m)} to match W.shape={tuple(W.shape)}")
    return S, m, d


def _check_inputs(X: Tensor, *, S: int, d: int) -> int:
    """Validate X (n, d) or (S, n, d); return n."""
    if not isinstance(X, Tensor) or X.ndim not in (2, 3):
        shape = tuple(X.shape) if isinstance(X, Tensor) else type(X).__name__
        raise ValueError(f"X.shape={shape}: expected (n, d) or (S, n, d)")
    if X.shape[-1] != d:
        raise ValueError(f"X.shape={tuple(X.shape)}: last dimension must be d={d} (from W)")
    if X.ndim == 3 and X.shape[0] != S:
        raise ValueError(f"X.shape={tuple(X.shape)}: leading dimension must be S={S} (from W), or pass X as (n, d)")
    if X.shape[-2] < 1:
        raise ValueError(f"X.shape={tuple(X.shape)}: need n >= 1 inputs")
    return X.shape[-2]


def _check_labels(y: Tensor, *, S: int, n: int) -> None:
    if not isinstance(y, Tensor) or tuple(y.shape) not in ((n,), (S, n)):
        shape = tuple(y.shape) if isinstance(y, Tensor) else type(y).__name__
        raise ValueError(f"y.shape={shape}: expected (n,) = {(n,)} or (S, n) = {(S, n)}")


def _check_all(W: Tensor, a: Tensor | None, X: Tensor, y: Tensor | None = None) -> tuple[int, int, int, int]:
    S, m, d = _check_params(W, a)
    n = _check_inputs(X, S=S, d=d)
    if y is not None:
        _check_labels(y, S=S, n=n)
    return S, m, d, n


def _check_gram(H: Tensor, name: str = "H") -> None:
    if not isinstance(H, Tensor) or H.ndim < 2 or H.shape[-1] != H.shape[-2]:
        shape = tuple(H.shape) if isinstance(H, Tensor) else type(H).__name__
        raise ValueError(f"{name}.shape={shape}: expected (..., n, n), a batch of square matrices")


# --------------------------------------------------------------------------------------------
# data and initialisation
# --------------------------------------------------------------------------------------------


def sphere_inputs(
    n: int,
    d: int,
    *,
    generator: torch.Generator,
    coherence: float = 0.0,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> Tensor:
    """Inputs on the unit sphere, optionally pulled together, shape (n, d).

    x_i = normalize((1 − c)·g_i + c·e) with g_i ~ N(0, I_d) and e a random unit vector drawn
    (after the g_i) from the same ``generator``; c = ``coherence`` ∈ [0, 1). c = 0 gives inputs
    uniform on the sphere (Du et al. 2019, Sec. 5); c → 1 makes the inputs nearly parallel, which
    drives λ₀ = λ_min(H^∞) towards 0 (Du et al. 2019, Thm 3.1 needs no two inputs parallel).
    The paper assumes ‖x_i‖ = 1 (Du et al. 2019, Sec. 3).

    ``generator`` must be a CPU generator; the draws are made on the CPU and moved to ``device``.
    """
    n = _int_at_least("n", n, 1)
    d = _int_at_least("d", d, 1)
    c = _finite_float("coherence", coherence, minimum=0.0)
    if not c < 1.0:
        raise ValueError(f"coherence={c}: must be in [0, 1); 1 would make every input identical")
    g = torch.randn(n, d, generator=generator, dtype=dtype)
    e = torch.randn(d, generator=generator, dtype=dtype)
    e = e / torch.linalg.vector_norm(e)
    x = (1.0 - c) * g + c * e
    x = x / torch.linalg.vector_norm(x, dim=-1, keepdim=True)
    return x.to(device)


def duplicate_row(X: Tensor, *, src: int, dst: int, sign: float = 1.0) -> Tensor:
    """Copy of X (..., n, d) with row ``dst`` replaced by ``sign``·X[src].

    sign = +1 makes x_dst = x_src (parallel inputs: λ₀ = 0, the negative control for
    Du et al. 2019, Thm 3.1); sign = −1 makes an antipodal pair (x_dst = −x_src). One antipodal pair keeps
    λ₀ > 0, but antipodal pairs whose directions are linearly dependent make H^∞ singular (φ(x) − φ(−x) = x),
    so "parallel" in Thm 3.1 includes antipodal. Works on (n, d) and batched (S, n, d) inputs.
    """
    if not isinstance(X, Tensor) or X.ndim < 2:
        shape = tuple(X.shape) if isinstance(X, Tensor) else type(X).__name__
        raise ValueError(f"X.shape={shape}: expected (..., n, d)")
    n = X.shape[-2]
    src = _int_at_least("src", src, 0)
    dst = _int_at_least("dst", dst, 0)
    if src >= n:
        raise ValueError(f"src={src}: must be < n={n}")
    if dst >= n:
        raise ValueError(f"dst={dst}: must be < n={n}")
    if src == dst:
        raise ValueError(f"dst={dst}: must differ from src={src}")
    s = _finite_float("sign", sign)
    if s not in (1.0, -1.0):
        raise ValueError(f"sign={s}: must be +1 (duplicate) or -1 (antipodal) so rows stay unit")
    out = X.clone()
    out[..., dst, :] = s * X[..., src, :]
    return out


def bounded_labels(
    n: int,
    *,
    generator: torch.Generator,
    scale: float = 1.0,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> Tensor:
    """Labels y_i ~ unif[−scale, scale], shape (n,), so |y_i| ≤ C = scale (Du et al. 2019, Sec. 3).

    ``generator`` must be a CPU generator; the draws are made on the CPU and moved to ``device``.
    """
    n = _int_at_least("n", n, 1)
    s = _finite_float("scale", scale, minimum=0.0)
    u = torch.rand(n, generator=generator, dtype=dtype)
    return ((2.0 * u - 1.0) * s).to(device)


def init_weights(
    m: int,
    d: int,
    seeds: Sequence[int],
    *,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """Random initialisation, one seed per batch entry: W (S, m, d), a (S, m).

    w_r(0) ~ N(0, I_d), a_r ~ unif{−1, +1} (Du et al. 2019, Sec. 3). Seed s draws W then a from
    its own ``torch.Generator().manual_seed(seeds[s])`` on the CPU, so any one seed is reproduced
    alone by ``init_weights(m, d, [seeds[s]])`` and CPU and CUDA get identical weights.
    """
    m = _int_at_least("m", m, 1)
    d = _int_at_least("d", d, 1)
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or len(seeds) < 1:
        raise ValueError(f"seeds={seeds!r}: expected a non-empty sequence of integers")
    Ws, As = [], []
    for i, seed in enumerate(seeds):
        s = _int_at_least(f"seeds[{i}]", seed, -(2**63))
        if s >= 2**64:
            raise ValueError(f"seeds[{i}]={s}: must be < 2**64 (torch.Generator.manual_seed range)")
        gen = torch.Generator().manual_seed(s)
        Ws.append(torch.randn(m, d, generator=gen, dtype=dtype))
        As.append(torch.randint(0, 2, (m,), generator=gen).to(dtype) * 2.0 - 1.0)
    return torch.stack(Ws).to(device), torch.stack(As).to(device)


# --------------------------------------------------------------------------------------------
# forward pass, loss, gradients (internal kernels skip validation; the public wrappers validate)
# --------------------------------------------------------------------------------------------


def _pre(W: Tensor, X: Tensor) -> Tensor:
    return torch.matmul(X, W.transpose(-1, -2))


def _out(R: Tensor, a: Tensor, m: int) -> Tensor:
    return torch.einsum("snm,sm->sn", R, a) / math.sqrt(m)


def _grad_w(Z: Tensor, a: Tensor, X: Tensor, e: Tensor, m: int) -> Tensor:
    # ∂L/∂w_r = m^{-1/2} a_r Σ_i e_i 1{z_ir ≥ 0} x_i, as (S, m, n) @ (n, d) or (S, n, d)
    weighted = (Z >= 0).to(Z.dtype) * e.unsqueeze(-1)
    return a.unsqueeze(-1) * torch.matmul(weighted.transpose(-1, -2), X) / math.sqrt(m)


def _grad_a(R: Tensor, e: Tensor, m: int) -> Tensor:
    return torch.einsum("sn,snm->sm", e, R) / math.sqrt(m)


def _inner(X: Tensor) -> Tensor:
    return torch.matmul(X, X.transpose(-1, -2))


def _gram_patterns(Z: Tensor, K: Tensor, m: int) -> Tensor:
    D = (Z >= 0).to(Z.dtype)
    return K * torch.matmul(D, D.transpose(-1, -2)) / m


def preactivations(W: Tensor, X: Tensor) -> Tensor:
    """Pre-activations z_ir = w_rᵀx_i, shape (S, n, m): Z = X Wᵀ (Du et al. 2019, Sec. 3).

    W (S, m, d); X (n, d) or (S, n, d).
    """
    S, _, d = _check_params(W)
    _check_inputs(X, S=S, d=d)
    return _pre(W, X)


def predict(W: Tensor, a: Tensor, X: Tensor) -> Tensor:
    """Predictions u_i = f(W, a, x_i) = m^{-1/2} Σ_r a_r relu(w_rᵀx_i), shape (S, n).

    W (S, m, d), a (S, m), X (n, d) or (S, n, d). Du et al. 2019, Sec. 3, the model f.
    """
    _, m, _, _ = _check_all(W, a, X)
    return _out(torch.relu(_pre(W, X)), a, m)


def loss(W: Tensor, a: Tensor, X: Tensor, y: Tensor) -> Tensor:
    """Squared loss L = ½ Σ_i (u_i − y_i)² = ½‖u − y‖² (no 1/n), shape (S,).

    W (S, m, d), a (S, m), X (n, d) or (S, n, d), y (n,) or (S, n). Du et al. 2019, Sec. 3.
    """
    _, m, _, _ = _check_all(W, a, X, y)
    e = _out(torch.relu(_pre(W, X)), a, m) - y
    return 0.5 * (e * e).sum(-1)


def grad_w(W: Tensor, a: Tensor, X: Tensor, y: Tensor) -> Tensor:
    """Hand-written gradient of the loss in W, shape (S, m, d).

    ∂L/∂w_r = m^{-1/2} Σ_i (u_i − y_i) a_r x_i 1{w_rᵀx_i ≥ 0} (Du et al. 2019, Sec. 3). At a kink
    (w_rᵀx_i = 0) this is the paper's choice 1{0 ≥ 0} = 1, not autograd's relu'(0) = 0.
    W (S, m, d), a (S, m), X (n, d) or (S, n, d), y (n,) or (S, n).
    """
    _, m, _, _ = _check_all(W, a, X, y)
    Z = _pre(W, X)
    e = _out(torch.relu(Z), a, m) - y
    return _grad_w(Z, a, X, e, m)


def grad_a(W: Tensor, a: Tensor, X: Tensor, y: Tensor) -> Tensor:
    """Hand-written gradient of the loss in a, shape (S, m).

    ∂L/∂a_r = m^{-1/2} Σ_i (u_i − y_i) relu(w_rᵀx_i) (Du et al. 2019, Sec. 3, Thm 3.3 setting
    where both layers are trained). W (S, m, d), a (S, m), X (n, d) or (S, n, d), y (n,) or (S, n).
    """
    _, m, _, _ = _check_all(W, a, X, y)
    R = torch.relu(_pre(W, X))
    e = _out(R, a, m) - y
    return _grad_a(R, e, m)


# --------------------------------------------------------------------------------------------
# Gram matrices
# --------------------------------------------------------------------------------------------


_NEAR_PARALLEL = 1e-4  # |cos θ| above 1 − this: recompute θ from differences (arccos is ill-conditioned)
_PAIR_BUDGET = 1 << 22  # elements per chunk when recomputing near-parallel angles


def _row_angles(X: Tensor) -> tuple[Tensor, Tensor]:
    """Inner products K = X Xᵀ and angles θ_ij between rows, both (B, n, n) for X (B, n, d).

    θ = arccos(cos θ) loses half the digits when |cos θ| ≈ 1 (an input duplicated or nearly so
    gives θ ≈ 1e-8 instead of 0), so for |cos θ| > 1 − 1e-4 (always the diagonal) θ is recomputed as
    2·atan2(‖u_i − u_j‖, ‖u_i + u_j‖) on the unit rows u, which is exact at 0 and π (Kahan).
    """
    B, n, d = X.shape
    K = _inner(X)
    norms = torch.linalg.vector_norm(X, dim=-1).clamp_min(torch.finfo(X.dtype).tiny)
    U = X / norms.unsqueeze(-1)
    cos = (K / (norms.unsqueeze(-1) * norms.unsqueeze(-2))).clamp(-1.0, 1.0)
    theta = torch.arccos(cos)
    idx = (cos.abs() > 1.0 - _NEAR_PARALLEL).nonzero()  # (P, 3): batch, i, j
    step = max(1, _PAIR_BUDGET // max(d, 1))
    for start in range(0, idx.shape[0], step):  # chunks of pairs, bounded memory
        b, i, j = idx[start : start + step].unbind(-1)
        ui, uj = U[b, i], U[b, j]
        diff = torch.linalg.vector_norm(ui - uj, dim=-1)
        summ = torch.linalg.vector_norm(ui + uj, dim=-1)
        theta[b, i, j] = 2.0 * torch.atan2(diff, summ)
    return K, theta


def gram_infinity(X: Tensor) -> Tensor:
    """Infinite-width Gram matrix H^∞ in closed form, shape (..., n, n) for X (..., n, d).

    H^∞_ij = E_{w~N(0,I)}[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}] = x_iᵀx_j (π − θ_ij) / (2π), θ_ij the
    angle between x_i and x_j, i.e. arccos(x_iᵀx_j) for unit rows (Du et al. 2019, Sec. 3, the
    definition of H^∞ before Thm 3.1; closed form derived). The diagonal is ½‖x_i‖² = ½.

    Numerics: the cosine is normalised by the row norms and clamped to [−1, 1]; where
    |cos θ| > 1 − 1e-4 the angle is recomputed from ‖u_i ∓ u_j‖ so duplicated inputs get θ = 0 and
    antipodal inputs θ = π exactly (plain arccos would be off by ~1e-8 there).
    """
    if not isinstance(X, Tensor) or X.ndim < 2 or X.shape[-2] < 1 or X.shape[-1] < 1:
        shape = tuple(X.shape) if isinstance(X, Tensor) else type(X).__name__
        raise ValueError(f"X.shape={shape}: expected (..., n, d) with n, d >= 1")
    n, d = X.shape[-2:]
    K, theta = _row_angles(X.reshape(-1, n, d))
    H = K * (math.pi - theta) / (2.0 * math.pi)
    return H.reshape(*X.shape[:-2], n, n)


def gram_infinity_monte_carlo(
    X: Tensor,
    *,
    samples: int,
    generator: torch.Generator,
    chunk: int = 4096,
) -> tuple[Tensor, Tensor]:
    """Monte Carlo estimate of H^∞ and its elementwise standard error, both (n, n).

    H^∞_ij = E_{w~N(0,I)}[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}] (Du et al. 2019, Sec. 3), estimated
    from ``samples`` draws of w. With p̂_ij the fraction of draws where both patterns are on, the
    estimate is x_iᵀx_j p̂_ij and its standard error |x_iᵀx_j| sqrt(p̂_ij(1 − p̂_ij)/(samples − 1))
    (the unbiased sample variance of a scaled Bernoulli). The draws are made ``chunk`` at a time on
    the CPU from ``generator`` (a CPU generator) and moved to X's device, so memory stays
    O(n·chunk + n²); pattern counts are accumulated exactly in float64.

    X (n, d) only (not batched).
    """
    if not isinstance(X, Tensor) or X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        shape = tuple(X.shape) if isinstance(X, Tensor) else type(X).__name__
        raise ValueError(f"X.shape={shape}: expected (n, d) with n, d >= 1 (not batched over seeds)")
    samples = _int_at_least("samples", samples, 2)
    chunk = _int_at_least("chunk", chunk, 1)
    n, d = X.shape
    counts = torch.zeros(n, n, dtype=torch.float64, device=X.device)
    Xc = X.to(torch.float64)
    done = 0
    while done < samples:
        c = min(chunk, samples - done)
        w = torch.randn(c, d, generator=generator, dtype=X.dtype).to(X.device)
        B = (torch.matmul(X, w.transpose(0, 1)) >= 0).to(torch.float64)  # (n, c)
        counts += torch.matmul(B, B.transpose(0, 1))
        done += c
    p = counts / samples
    K = _inner(Xc)
    est = K * p
    se = K.abs() * torch.sqrt((p * (1.0 - p)).clamp_min(0.0) / (samples - 1))
    return est.to(X.dtype), se.to(X.dtype)


def gram_w(W: Tensor, X: Tensor) -> Tensor:
    """Finite-width Gram matrix H(W), shape (S, n, n).

    H(W)_ij = (1/m) x_iᵀx_j Σ_r 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0} (Du et al. 2019, Sec. 3, H(t); Sec. 4,
    H(k)). Under gradient flow on W alone, du/dt = H(W)(y − u). W (S, m, d), X (n, d) or (S, n, d).
    """
    S, m, d = _check_params(W)
    _check_inputs(X, S=S, d=d)
    return _gram_patterns(_pre(W, X), _inner(X), m)


def init_gram(
    m: int,
    d: int,
    seeds: Sequence[int],
    X: Tensor,
    *,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
    max_elements: int = 2**25,
) -> Tensor:
    """H(0) = gram_w(W(0), X) for each seed, shape (S, n, n), with W(0) from :func:`init_weights`.

    The same numbers as ``gram_w(init_weights(m, d, seeds)[0], X)`` (each seed draws from its own generator), but
    the seeds are taken in chunks whose weights and pre-activations hold at most about ``max_elements`` numbers
    (2**25 float64: 256 MiB), so a wide init (m = 2**18 with 128 seeds) does not need tens of GiB at once.
    X (n, d)."""
    n = int(X.shape[-2])
    per_seed = max(1, _int_at_least("m", m, 1) * (_int_at_least("d", d, 1) + n))
    chunk = max(1, int(max_elements) // per_seed)
    seeds = list(seeds)
    return torch.cat([gram_w(init_weights(m, d, seeds[i:i + chunk], dtype=dtype, device=device)[0], X)
                      for i in range(0, len(seeds), chunk)])


def gram_a(W: Tensor, X: Tensor) -> Tensor:
    """Second-layer Gram matrix G(W), shape (S, n, n).

    G(W)_ij = (1/m) Σ_r relu(w_rᵀx_i) relu(w_rᵀx_j) ⪰ 0 (Du et al. 2019, Thm 3.3: with both layers
    trained by gradient flow, du/dt = (H + G)(y − u)). W (S, m, d), X (n, d) or (S, n, d).
    """
    S, m, d = _check_params(W)
    _check_inputs(X, S=S, d=d)
    R = torch.relu(_pre(W, X))
    return torch.matmul(R, R.transpose(-1, -2)) / m


def lambda_min(H: Tensor) -> Tensor:
    """Least eigenvalue of each symmetric matrix in H (..., n, n), shape (...).

    Computes λ_min(½(H + Hᵀ)) with ``torch.linalg.eigvalsh`` (λ₀ = λ_min(H^∞), Du et al. 2019,
    Sec. 3, Thm 3.1). Symmetrising first removes rounding asymmetry.
    """
    _check_gram(H)
    return torch.linalg.eigvalsh(0.5 * (H + H.transpose(-1, -2)))[..., 0]


def flip_certificate(W0: Tensor, X: Tensor, *, radius: float) -> Tensor:
    """Upper bound, valid for every W in the ball, on Σ_ij |H_ij(W) − H_ij(W0)|; shape (S,).

    Valid for every W with max_r ‖w_r − w_r(0)‖ ≤ ``radius``, and it also bounds
    ‖H(W) − H(W0)‖₂ ≤ ‖H(W) − H(W0)‖_F ≤ Σ_ij |H_ij(W) − H_ij(W0)|. Reason (Du et al. 2019,
    Lemma 3.2 proof): |wᵀx_i − w_r(0)ᵀx_i| ≤ radius·‖x_i‖, so the pattern 1{w_rᵀx_i ≥ 0} can change
    only if A_ir = 1{|w_r(0)ᵀx_i| ≤ radius·‖x_i‖} (non-strict, since the ball is closed and a
    pre-activation landing exactly on 0 switches 1{· ≥ 0}). Then

        |H_ij(W) − H_ij(W0)| ≤ |x_iᵀx_j| (1/m) Σ_r max(A_ir, A_jr),

    summed over i, j, using max(A_ir, A_jr) = A_ir + A_jr − A_ir A_jr. The result is 0 when
    radius < min_{i,r} |w_r(0)ᵀx_i|. W0 (S, m, d), X (n, d) or (S, n, d) (unit rows in the paper).
    """
    S, m, d = _check_params(W0)
    _check_inputs(X, S=S, d=d)
    r = _finite_float("radius", radius, minimum=0.0)
    Z0 = _pre(W0, X)
    norms = torch.linalg.vector_norm(X, dim=-1)  # (n,) or (S, n)
    A = (Z0.abs() <= r * norms.unsqueeze(-1)).to(Z0.dtype)  # (S, n, m)
    c = A.sum(-1)  # (S, n)
    both = c.unsqueeze(-1) + c.unsqueeze(-2) - torch.matmul(A, A.transpose(-1, -2))
    return (_inner(X).abs() * both).sum((-2, -1)) / m


def flippable_patterns(W0: Tensor, X: Tensor, *, radius: float) -> Tensor:
    """Σ_i |S_i^⊥|: the number of pairs (i, r) whose pattern 1{w_rᵀx_i ≥ 0} can change in the ball; shape (S,).

    S_i^⊥ = {r : some w with ‖w − w_r(0)‖ ≤ R has 1{wᵀx_i ≥ 0} ≠ 1{w_r(0)ᵀx_i ≥ 0}} (Du et al. 2019,
    Sec. 4, Lemma 4.1). Moving w_r(0) by R along ∓x_i/‖x_i‖ shifts w_rᵀx_i by ∓R‖x_i‖, and no move in the
    ball shifts it more, so r ∈ S_i^⊥ exactly when |w_r(0)ᵀx_i| ≤ R‖x_i‖ (non-strict: the ball is closed and a
    pre-activation landing on 0 switches 1{· ≥ 0} from 0 to 1). R = ``radius`` ≥ 0.
    W0 (S, m, d), X (n, d) or (S, n, d) (unit rows in the paper). The count is returned in W0's dtype.
    """
    S, m, d = _check_params(W0)
    _check_inputs(X, S=S, d=d)
    r = _finite_float("radius", radius, minimum=0.0)
    norms = torch.linalg.vector_norm(X, dim=-1)  # (n,) or (S, n)
    return (_pre(W0, X).abs() <= r * norms.unsqueeze(-1)).sum((-2, -1)).to(W0.dtype)


def gram_w_weighted(W: Tensor, a: Tensor, X: Tensor) -> Tensor:
    """First-layer Gram matrix with the output weights' squares, shape (S, n, n).

    H(W, a)_ij = (1/m) x_iᵀx_j Σ_r a_r² 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0} (Du et al. 2019, Thm 3.3's proof,
    recalled: the W-part of du/dt = (H(t) + G(t))(y − u) when a moves off {±1}); equals ``gram_w`` when every
    a_r ∈ {−1, +1}. W (S, m, d), a (S, m), X (n, d) or (S, n, d).
    """
    _, m, _, _ = _check_all(W, a, X)
    D = (_pre(W, X) >= 0).to(W.dtype)
    return _inner(X) * torch.matmul(D * (a * a).unsqueeze(-2), D.transpose(-1, -2)) / m


# --------------------------------------------------------------------------------------------
# trajectories
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Record of a batched GD or gradient-flow run; K = number of steps, S = number of seeds.

    time:          (K+1,) step index k (as float) for GD, continuous time t = k·h for flow.
    residual_sq:   (S, K+1) ‖y − u‖², +inf from the record where a seed is marked diverged on.
    max_dist:      (S, K+1) max_r ‖w_r − w_r(0)‖ (Du et al. 2019, Lemma 3.3 / Cor 4.1).
    lambda_min_h:  (S, K+1) λ_min(H(W)) at each record, or None if not requested.
    flips:         (S, K+1) Σ_i Σ_r 1{1{w_rᵀx_i ≥ 0} changed from init} / (mn) (Du et al. 2019, Sec. 5).
    min_active_share: (S, K+1) min_i (1/m)#{r : w_rᵀx_i ≥ 0}, the least diagonal entry of the pattern
                   overlap P(W) (H(W) = (XXᵀ) ∘ P(W)); None where the run did not record it.
    max_a_dist:    (S, K+1) max_r |a_r − a_r(0)| (Du et al. 2019, Thm 3.3: the output weights' movement);
                   None where the run did not record it (0 when a is not trained).
    max_w_norm:    (S, K+1) max_r ‖w_r‖ and
    max_a_abs:     (S, K+1) max_r |a_r| at each record: the factors of the both-layer distance bounds
                   (|da_r/dt| ≤ m^{-1/2}‖w_r‖√n‖y − u‖, ‖dw_r/dt‖ ≤ m^{-1/2}|a_r|√n‖y − u‖); None where not recorded.
    lambda_min_g:  (S, K+1) λ_min(G(W)) and
    residual_rate: (S, K+1) d‖y − u‖²/dt = −2(y − u)ᵀ(H(W, a) + G(W))(y − u) by the kernels, at each record of a
                   both-layer flow run with ``track_kernel`` (then lambda_min_h is λ_min(H(W, a)), the Gram with a_r²,
                   see ``gram_w_weighted``); None otherwise.
    diverged:      (S,) bool, the seed's residual became non-finite or exceeded the threshold, or
                   its update overflowed; its parameters were frozen at the last finite value.
    W, a:          final parameters, (S, m, d) and (S, m).

    Equality is identity (``eq=False``): tensors have no single truth value.
    """

    time: Tensor
    residual_sq: Tensor
    max_dist: Tensor
    lambda_min_h: Tensor | None
    flips: Tensor
    diverged: Tensor
    W: Tensor
    a: Tensor
    min_active_share: Tensor | None = None
    max_a_dist: Tensor | None = None
    max_w_norm: Tensor | None = None
    max_a_abs: Tensor | None = None
    lambda_min_g: Tensor | None = None
    residual_rate: Tensor | None = None


class _Recorder:
    """Preallocated (S, K+1) buffers filled one column per record; no Python per-seed work."""

    def __init__(self, W0: Tensor, X: Tensor, *, records: int, threshold: float, track_lambda: bool,
                 a0: Tensor | None = None, track_kernel: bool = False) -> None:
        S, m, _ = W0.shape
        opts = {"dtype": W0.dtype, "device": W0.device}
        self.W0 = W0
        self.a0 = a0
        self.max_a_dist = torch.empty(S, records, **opts) if a0 is not None else None
        self.max_w_norm = torch.empty(S, records, **opts) if a0 is not None else None
        self.max_a_abs = torch.empty(S, records, **opts) if a0 is not None else None
        self.m = m
        self.mn = float(m * X.shape[-2])
        self.threshold = threshold
        self.D0 = _pre(W0, X) >= 0
        self.K = _inner(X) if track_lambda else None
        self.residual_sq = torch.empty(S, records, **opts)
        self.max_dist = torch.empty(S, records, **opts)
        self.flips = torch.empty(S, records, **opts)
        self.min_active_share = torch.empty(S, records, **opts)
        self.lambda_min_h = torch.empty(S, records, **opts) if (track_lambda or track_kernel) else None
        self.X = X
        self.lambda_min_g = torch.empty(S, records, **opts) if track_kernel else None
        self.residual_rate = torch.empty(S, records, **opts) if track_kernel else None
        self.diverged = torch.zeros(S, dtype=torch.bool, device=W0.device)
        self.inf = torch.tensor(math.inf, **opts)

    def record(self, k: int, W: Tensor, Z: Tensor, e: Tensor, a: Tensor | None = None) -> None:
        rs = (e * e).sum(-1)
        if self.a0 is not None and a is not None:
            assert self.max_a_dist is not None and self.max_w_norm is not None and self.max_a_abs is not None
            self.max_a_dist[:, k] = (a - self.a0).abs().amax(-1)
            self.max_w_norm[:, k] = torch.linalg.vector_norm(W, dim=-1).amax(-1)
            self.max_a_abs[:, k] = a.abs().amax(-1)
        self.diverged |= ~torch.isfinite(rs) | (rs > self.threshold)
        self.residual_sq[:, k] = torch.where(self.diverged, self.inf, rs)
        self.max_dist[:, k] = torch.linalg.vector_norm(W - self.W0, dim=-1).amax(-1)
        self.flips[:, k] = ((Z >= 0) != self.D0).sum((-2, -1)).to(W.dtype) / self.mn
        self.min_active_share[:, k] = (Z >= 0).sum(-1).amin(-1).to(W.dtype) / self.m  # Z is (S, n, m)
        if self.lambda_min_g is not None and self.residual_rate is not None and self.lambda_min_h is not None:
            assert a is not None
            H = gram_w_weighted(W, a, self.X)
            G = gram_a(W, self.X)
            self.lambda_min_h[:, k] = lambda_min(H)
            self.lambda_min_g[:, k] = lambda_min(G)
            self.residual_rate[:, k] = -2.0 * torch.einsum("si,sij,sj->s", e, H + G, e)
        elif self.lambda_min_h is not None:
            self.lambda_min_h[:, k] = lambda_min(_gram_patterns(Z, self.K, self.m))

    def accept(self, W: Tensor, W_new: Tensor, a: Tensor, a_new: Tensor | None) -> tuple[Tensor, Tensor]:
        """Apply the update only for live seeds whose new parameters are all finite."""
        ok = torch.isfinite(W_new).flatten(1).all(-1)
        if a_new is not None:
            ok &= torch.isfinite(a_new).all(-1)
        self.diverged |= ~ok
        live = ~self.diverged
        W = torch.where(live[:, None, None], W_new, W)
        if a_new is not None:
            a = torch.where(live[:, None], a_new, a)
        return W, a

    def result(self, time: Tensor, W: Tensor, a: Tensor) -> Trajectory:
        return Trajectory(
            time=time,
            residual_sq=self.residual_sq,
            max_dist=self.max_dist,
            lambda_min_h=self.lambda_min_h,
            flips=self.flips,
            diverged=self.diverged,
            W=W,
            a=a,
            min_active_share=self.min_active_share,
            max_a_dist=self.max_a_dist,
            max_w_norm=self.max_w_norm,
            max_a_abs=self.max_a_abs,
            lambda_min_g=self.lambda_min_g,
            residual_rate=self.residual_rate,
        )


def _check_trajectory_args(W0: Tensor, a0: Tensor, X: Tensor, y: Tensor, *, steps: int, min_steps: int, threshold: float) -> tuple[int, float]:
    _check_all(W0, a0, X, y)
    steps = _int_at_least("steps", steps, min_steps)
    try:
        thr = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"divergence_threshold={threshold!r}: expected a real number > 0") from None
    if not thr > 0:  # also rejects NaN; +inf is allowed (divergence only on non-finite)
        raise ValueError(f"divergence_threshold={threshold}: must be > 0")
    return steps, thr


def gd_trajectory(
    W0: Tensor,
    a0: Tensor,
    X: Tensor,
    y: Tensor,
    *,
    eta: float | Tensor,
    steps: int,
    train_a: bool = False,
    track_lambda: bool = False,
    divergence_threshold: float = 1e100,
) -> Trajectory:
    """Full-batch gradient descent, batched over seeds, recorded at every step k = 0..steps.

    W(k+1) = W(k) − η ∂L/∂W(k) (Du et al. 2019, Sec. 4, Thm 4.1), and if ``train_a`` also
    a(k+1) = a(k) − η ∂L/∂a(k) (the discrete analogue of Du et al. 2019, Thm 3.3). ``eta`` is a
    float or an (S,) tensor with one step size per seed.

    Divergence never raises: a seed whose ‖y − u‖² is non-finite or exceeds
    ``divergence_threshold``, or whose update would be non-finite, is marked diverged, its
    residual_sq is +inf from that record on (never NaN) and its parameters stay frozen.

    W0 (S, m, d), a0 (S, m), X (n, d) or (S, n, d), y (n,) or (S, n). Returns a ``Trajectory``
    with K = steps and time = (0, 1, …, steps).
    """
    steps, thr = _check_trajectory_args(W0, a0, X, y, steps=steps, min_steps=0, threshold=divergence_threshold)
    S, m, _ = W0.shape
    lr = _step_sizes(eta, S=S, like=W0)
    lr_w, lr_a = lr[:, None, None], lr[:, None]
    rec = _Recorder(W0, X, records=steps + 1, threshold=thr, track_lambda=track_lambda, a0=a0)
    W, a = W0.clone(), a0.clone()
    for k in range(steps + 1):
        Z = _pre(W, X)
        R = torch.relu(Z)
        e = _out(R, a, m) - y
        rec.record(k, W, Z, e, a)
        if k == steps:
            break
        W_new = W - lr_w * _grad_w(Z, a, X, e, m)
        a_new = a - lr_a * _grad_a(R, e, m) if train_a else None
        W, a = rec.accept(W, W_new, a, a_new)
    time = torch.arange(steps + 1, dtype=W0.dtype, device=W0.device)
    return rec.result(time, W, a)


def gd_trajectory_fast(
    W0: Tensor,
    a0: Tensor,
    X: Tensor,
    y: Tensor,
    *,
    eta: float | Tensor,
    steps: int,
    divergence_threshold: float = 1e100,
) -> Trajectory:
    """:func:`gd_trajectory` (first layer trained, no λ_min tracking) with fewer passes over memory.

    The same update W(k+1) = W(k) − η ∂L/∂W(k) (Du et al. 2019, Sec. 4, Thm 4.1) and the same
    record (residual, max distance, flipped fraction, divergence handling), computed with buffers
    allocated once and reused every step: Z = XWᵀ and the gradient GEMM write into preallocated
    tensors (``out=``), the factor η a_r/√m is folded into one fused multiply-add, and the max
    distance is measured on the candidate update, so the finiteness check that guards the update
    costs no extra pass. Checked against :func:`gd_trajectory` to 1e-10 in the unit tests.

    W0 (S, m, d), a0 (S, m), X (n, d) or (S, n, d), y (n,) or (S, n).
    """
    steps, thr = _check_trajectory_args(W0, a0, X, y, steps=steps, min_steps=0, threshold=divergence_threshold)
    S, m, d = W0.shape
    n = X.shape[-2]
    opts = {"dtype": W0.dtype, "device": W0.device}
    coef = (_step_sizes(eta, S=S, like=W0)[:, None] * a0 / math.sqrt(m)).unsqueeze(-1)  # (S, m, 1): η a_r/√m
    a_col = (a0 / math.sqrt(m)).unsqueeze(-1)  # (S, m, 1)
    Xb = X.expand(S, n, d) if X.dim() == 2 else X
    XT = Xb.transpose(-1, -2)
    residual_sq = torch.empty(S, steps + 1, **opts)
    max_dist = torch.zeros(S, steps + 1, **opts)
    flips = torch.empty(S, steps + 1, **opts)
    diverged = torch.zeros(S, dtype=torch.bool, device=W0.device)
    W, W_next = W0.clone(), torch.empty_like(W0)
    Z = torch.empty(S, n, m, **opts)
    active = torch.empty(S, n, m, dtype=torch.bool, device=W0.device)
    flipped = torch.empty(S, n, m, dtype=torch.bool, device=W0.device)
    weighted = torch.empty(S, n, m, **opts)
    G = torch.empty(S, m, d, **opts)
    D0 = torch.ge(_pre(W0, X), 0)
    u = torch.empty(S, n, 1, **opts)
    inf = torch.tensor(math.inf, **opts)
    mn = float(m * n)
    for k in range(steps + 1):
        torch.matmul(Xb, W.transpose(-1, -2), out=Z)
        torch.ge(Z, 0, out=active)
        torch.ne(active, D0, out=flipped)
        flips[:, k] = flipped.sum((-2, -1)).to(W0.dtype) / mn
        torch.mul(Z, active, out=weighted)  # relu(Z), reusing the buffer
        torch.matmul(weighted, a_col, out=u)
        e = u.squeeze(-1) - y  # (S, n)
        rs = (e * e).sum(-1)
        diverged |= ~torch.isfinite(rs) | (rs > thr)
        residual_sq[:, k] = torch.where(diverged, inf, rs)
        if k == steps:
            break
        torch.mul(active, e.unsqueeze(-1), out=weighted)  # 1{z ≥ 0} e_i
        torch.matmul(weighted.transpose(-1, -2), Xb, out=G)
        torch.addcmul(W, coef, G, value=-1.0, out=W_next)
        dist = torch.linalg.vector_norm(W_next - W0, dim=-1).amax(-1)  # (S,)
        ok = torch.isfinite(dist) & ~diverged
        if bool(ok.all()):
            W, W_next = W_next, W
            max_dist[:, k + 1] = dist
        else:  # a seed diverged or overflowed: it keeps its last finite parameters (as gd_trajectory)
            # an infinite distance need not mean an infinite entry (the norm overflows first): check the entries
            ok = torch.isfinite(W_next).flatten(1).all(-1)
            diverged |= ~ok
            ok &= ~diverged
            W = torch.where(ok[:, None, None], W_next, W)
            max_dist[:, k + 1] = torch.where(ok, dist, torch.linalg.vector_norm(W - W0, dim=-1).amax(-1))
    time = torch.arange(steps + 1, **opts)
    return Trajectory(time=time, residual_sq=residual_sq, max_dist=max_dist, lambda_min_h=None, flips=flips,
                      diverged=diverged, W=W, a=a0.clone())


def flow_trajectory(
    W0: Tensor,
    a0: Tensor,
    X: Tensor,
    y: Tensor,
    *,
    t_end: float,
    steps: int,
    train_a: bool = False,
    track_lambda: bool = False,
    track_kernel: bool = False,
    divergence_threshold: float = 1e100,
) -> Trajectory:
    """Gradient flow integrated with classic RK4 at fixed step h = t_end/steps, recorded every step.

    dW/dt = −∂L/∂W (Du et al. 2019, Sec. 3, Thm 3.2 / Lemma 3.3), and if ``train_a`` also
    da/dt = −∂L/∂a (Du et al. 2019, Thm 3.3). One RK4 step for y' = F(y):
    k1 = F(y), k2 = F(y + h/2·k1), k3 = F(y + h/2·k2), k4 = F(y + h·k3),
    y ← y + h/6·(k1 + 2k2 + 2k3 + k4). The field is discontinuous where an activation pattern
    flips, so the fourth order only holds between flips.

    Divergence is handled as in ``gd_trajectory`` (never raises, +inf residual, frozen parameters).
    ``track_kernel`` (needs ``train_a``) records, at every grid point, λ_min(H(W, a)) (with a_r², see
    ``gram_w_weighted``), λ_min(G(W)) and d‖y − u‖²/dt = −2(y − u)ᵀ(H + G)(y − u) (Du et al. 2019, Thm 3.3).
    W0 (S, m, d), a0 (S, m), X (n, d) or (S, n, d), y (n,) or (S, n). Returns a ``Trajectory``
    with K = steps and time = (0, h, …, t_end).
    """
    steps, thr = _check_trajectory_args(W0, a0, X, y, steps=steps, min_steps=1, threshold=divergence_threshold)
    if track_kernel and not train_a:
        raise ValueError("track_kernel=True needs train_a=True (G enters du/dt only when a is trained)")
    t = _finite_float("t_end", t_end, minimum=0.0, strict=True)
    S, m, _ = W0.shape
    h = t / steps

    def field(W: Tensor, a: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
        Z = _pre(W, X)
        R = torch.relu(Z)
        e = _out(R, a, m) - y
        return Z, e, -_grad_w(Z, a, X, e, m), (-_grad_a(R, e, m) if train_a else None)

    rec = _Recorder(W0, X, records=steps + 1, threshold=thr, track_lambda=track_lambda, a0=a0,
                    track_kernel=track_kernel)
    W, a = W0.clone(), a0.clone()
    for k in range(steps + 1):
        Z, e, k1w, k1a = field(W, a)
        rec.record(k, W, Z, e, a)
        if k == steps:
            break
        if train_a:
            _, _, k2w, k2a = field(W + 0.5 * h * k1w, a + 0.5 * h * k1a)
            _, _, k3w, k3a = field(W + 0.5 * h * k2w, a + 0.5 * h * k2a)
            _, _, k4w, k4a = field(W + h * k3w, a + h * k3a)
            a_new = a + (h / 6.0) * (k1a + 2.0 * k2a + 2.0 * k3a + k4a)
        else:
            _, _, k2w, _ = field(W + 0.5 * h * k1w, a)
            _, _, k3w, _ = field(W + 0.5 * h * k2w, a)
            _, _, k4w, _ = field(W + h * k3w, a)
            a_new = None
        W_new = W + (h / 6.0) * (k1w + 2.0 * k2w + 2.0 * k3w + k4w)
        W, a = rec.accept(W, W_new, a, a_new)
    time = torch.arange(steps + 1, dtype=W0.dtype, device=W0.device) * h
    return rec.result(time, W, a)


def output_velocity(W: Tensor, a: Tensor, X: Tensor, y: Tensor, *, train_a: bool) -> Tensor:
    """du/dt under gradient flow, by the chain rule through the hand-written gradients; (S, n).

    du_i/dt = Σ_r ⟨∂u_i/∂w_r, −∂L/∂w_r⟩ (+ Σ_r ∂u_i/∂a_r · (−∂L/∂a_r) if ``train_a``), with
    ∂u_i/∂w_r = m^{-1/2} a_r 1{w_rᵀx_i ≥ 0} x_i and ∂u_i/∂a_r = m^{-1/2} relu(w_rᵀx_i). For
    a_r ∈ {−1, +1} this equals H(W)(y − u) (Du et al. 2019, Sec. 3, the flow dynamics before
    Lemma 3.3) and (H(W) + G(W))(y − u) when both layers move (Du et al. 2019, Thm 3.3); it is
    computed independently of ``gram_w``/``gram_a`` so the identity can be checked.
    W (S, m, d), a (S, m), X (n, d) or (S, n, d), y (n,) or (S, n).
    """
    _, m, _, _ = _check_all(W, a, X, y)
    Z = _pre(W, X)
    R = torch.relu(Z)
    e = _out(R, a, m) - y
    step_w = _pre(-_grad_w(Z, a, X, e, m), X)  # (S, n, m): x_iᵀ(−∂L/∂w_r)
    D = (Z >= 0).to(Z.dtype)
    v = torch.einsum("sm,snm->sn", a, D * step_w) / math.sqrt(m)
    if train_a:
        v = v + _out(R, -_grad_a(R, e, m), m)
    return v
