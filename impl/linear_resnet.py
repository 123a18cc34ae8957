"""Deep linear ResNet of Zou, Long, Gu (ICLR 2020, arXiv 2003.01094), batched over seeds.

Model (Zou et al. 2020, Sec. 3)::

    f(x) = B (I + W_L) ⋯ (I + W_1) A x,        L(W) = ½‖B (I + W_L) ⋯ (I + W_1) A X − Y‖_F²

with A (m×d) and B (k×m) fixed, the hidden weights W_l (m×m) trained from W_l(0) = 0, inputs
X (d×n) and targets Y (k×n) stored column-wise (one column per example, as in the paper; no 1/n).
The global minimum is the least-squares value L* = min_Θ ½‖ΘX − Y‖_F², reachable when A has
rank d and B has rank k.

Conventions shared by every function here:

* Everything is batched over S seeds: A is (S, m, d), B is (S, k, m), W is (S, L, m, m) with
  W[:, l−1] = W_l (so W[:, 0] is applied first). X is (d, n) (shared by all seeds) or (S, d, n);
  Y is (k, n) or (S, k, n). No Python loop over seeds in any computation (only over layers and
  time steps; random draws per seed loop over per-seed generators, as ``two_layer.init_weights``).
* float64 unless a ``dtype`` is given. Random numbers come only from explicit CPU
  ``torch.Generator`` objects and are moved with ``.to(device)``, so CPU and CUDA see the same draws.
* Invalid arguments raise ``ValueError`` with a ``name=value`` message saying what to fix.
* Divergence never raises: a diverged seed is frozen at its last finite parameters and records
  +inf (never NaN) from then on.
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
    "GDState",
    "NAGState",
    "Trajectory",
    "data_with_condition_number",
    "forward",
    "gaussian_transforms",
    "gd_init",
    "gd_trajectory",
    "gd_update",
    "grads",
    "identity_transforms",
    "iterations_to",
    "least_squares_optimum",
    "loss",
    "nag_init",
    "nag_lookahead",
    "nag_trajectory",
    "nag_update",
    "optimum",
    "product",
    "sgd_trajectory",
]

DEFAULT_DTYPE = torch.float64


# --------------------------------------------------------------------------------------------
# argument validation (cheap: shapes and scalars only, never a pass over tensor entries)
# --------------------------------------------------------------------------------------------


def _shape(t: object) -> object:
    return tuple(t.shape) if isinstance(t, Tensor) else type(t).__name__


def _check_W(W: Tensor) -> tuple[int, int, int]:
    """Validate W (S, L, m, m); return (S, L, m)."""
    if not isinstance(W, Tensor) or W.ndim != 4 or W.shape[-1] != W.shape[-2]:
        raise ValueError(f"W.shape={_shape(W)}: expected (S, L, m, m), L square hidden weights per seed")
    S, L, m, _ = W.shape
    if S < 1 or L < 1 or m < 1:
        raise ValueError(f"W.shape={tuple(W.shape)}: S, L and m must all be >= 1")
    return S, L, m


def _check_AB(A: Tensor, B: Tensor, *, S: int | None = None, m: int | None = None) -> tuple[int, int, int, int]:
    """Validate A (S, m, d) and B (S, k, m) (against S and m if given); return (S, m, d, k)."""
    if not isinstance(A, Tensor) or A.ndim != 3 or min(A.shape) < 1:
        raise ValueError(f"A.shape={_shape(A)}: expected (S, m, d), one input transform per seed")
    Sa, ma, d = A.shape
    if S is not None and Sa != S:
        raise ValueError(f"A.shape={tuple(A.shape)}: leading dimension must be S={S} (from W)")
    if m is not None and ma != m:
        raise ValueError(f"A.shape={tuple(A.shape)}: must have m={m} rows (from W)")
    if not isinstance(B, Tensor) or B.ndim != 3 or min(B.shape) < 1:
        raise ValueError(f"B.shape={_shape(B)}: expected (S, k, m), one output transform per seed")
    if B.shape[0] != Sa or B.shape[2] != ma:
        raise ValueError(f"B.shape={tuple(B.shape)}: expected (S, k, m) with S={Sa}, m={ma} (from A.shape={tuple(A.shape)})")
    return Sa, ma, d, B.shape[1]


def _check_XY(X: Tensor, Y: Tensor | None, *, S: int, d: int, k: int) -> int:
    """Validate X (d, n) or (S, d, n) and Y (k, n) or (S, k, n); return n."""
    if not isinstance(X, Tensor) or X.ndim not in (2, 3):
        raise ValueError(f"X.shape={_shape(X)}: expected (d, n) or (S, d, n), one column per example")
    if X.shape[-2] != d:
        raise ValueError(f"X.shape={tuple(X.shape)}: second-to-last dimension must be d={d} (from A)")
    if X.ndim == 3 and X.shape[0] != S:
        raise ValueError(f"X.shape={tuple(X.shape)}: leading dimension must be S={S}, or pass X as (d, n)")
    n = X.shape[-1]
    if n < 1:
        raise ValueError(f"X.shape={tuple(X.shape)}: need n >= 1 examples")
    if Y is not None and (not isinstance(Y, Tensor) or tuple(Y.shape) not in ((k, n), (S, k, n))):
        raise ValueError(f"Y.shape={_shape(Y)}: expected (k, n) = {(k, n)} or (S, k, n) = {(S, k, n)}")
    return n


def _check_model(W: Tensor, A: Tensor, B: Tensor, X: Tensor, Y: Tensor | None) -> tuple[int, int, int, int, int, int]:
    S, L, m = _check_W(W)
    _, _, d, k = _check_AB(A, B, S=S, m=m)
    n = _check_XY(X, Y, S=S, d=d, k=k)
    return S, L, m, d, k, n


def _check_momentum(momentum: object) -> float:
    mu = _finite_float("momentum", momentum, minimum=0.0)
    if not mu < 1.0:
        raise ValueError(f"momentum={mu}: must be in [0, 1)")
    return mu


def _momenta(momentum: float | Tensor, *, S: int, like: Tensor) -> Tensor:
    """μ (a float in [0, 1), or one μ per seed) as an (S, 1, 1, 1) tensor on ``like``'s device and dtype."""
    if isinstance(momentum, Tensor) and momentum.numel() != 1:
        if momentum.ndim != 1 or momentum.shape[0] != S:
            raise ValueError(f"momentum.shape={tuple(momentum.shape)}: expected a float or an (S,) = ({S},) tensor")
        mu = momentum.to(dtype=like.dtype, device=like.device)
        if not bool(torch.isfinite(mu).all()) or bool((mu < 0).any()) or bool((mu >= 1).any()):
            raise ValueError(f"momentum={mu.tolist()}: every momentum must be in [0, 1)")
        return mu[:, None, None, None]
    return torch.full((S, 1, 1, 1), _check_momentum(momentum), dtype=like.dtype, device=like.device)


def _check_seeds(seeds: Sequence[int]) -> list[int]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or len(seeds) < 1:
        raise ValueError(f"seeds={seeds!r}: expected a non-empty sequence of integers")
    out = []
    for i, seed in enumerate(seeds):
        s = _int_at_least(f"seeds[{i}]", seed, -(2**63))
        if s >= 2**64:
            raise ValueError(f"seeds[{i}]={s}: must be < 2**64 (torch.Generator.manual_seed range)")
        out.append(s)
    return out


# --------------------------------------------------------------------------------------------
# transforms and data
# --------------------------------------------------------------------------------------------


def gaussian_transforms(
    d: int,
    m: int,
    k: int,
    seeds: Sequence[int],
    *,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """Gaussian input and output transforms, one seed per batch entry: A (S, m, d), B (S, k, m).

    A_ij ~ N(0, 1/m) and B_ij ~ N(0, 1/k) independently (Zou et al. 2020, Sec. 3.2, the Gaussian
    random transformations; the variances are RECALLED, not checked against the paper's text).
    With this scaling AᵀA ≈ I_d and BBᵀ ≈ (m/k) I_k for m ≫ d, k, so σ_min(A) → 1 and
    σ_min(B)² ≈ m/k. Seed s draws A then B from its own ``torch.Generator().manual_seed(seeds[s])``
    on the CPU, so any one seed is reproduced alone and CPU and CUDA get identical transforms.
    """
    d = _int_at_least("d", d, 1)
    m = _int_at_least("m", m, 1)
    k = _int_at_least("k", k, 1)
    As, Bs = [], []
    for s in _check_seeds(seeds):
        gen = torch.Generator().manual_seed(s)
        As.append(torch.randn(m, d, generator=gen, dtype=dtype) / math.sqrt(m))
        Bs.append(torch.randn(k, m, generator=gen, dtype=dtype) / math.sqrt(k))
    return torch.stack(As).to(device), torch.stack(Bs).to(device)


def identity_transforms(
    d: int,
    k: int,
    *,
    S: int,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """The modified identity transforms at width m = d + k: A = [I_d; 0] (S, m, d), B = [0, I_k] (S, k, m).

    Zou et al. 2020, Sec. 3.3 (Thm 3.6 setting). Then BA = 0, so the output is 0 at W = 0, and
    every singular value of A and of B equals 1. Deterministic (no seeds); S copies are returned
    as independent (contiguous) tensors.
    """
    d = _int_at_least("d", d, 1)
    k = _int_at_least("k", k, 1)
    S = _int_at_least("S", S, 1)
    m = d + k
    A = torch.zeros(m, d, dtype=dtype)
    A[:d] = torch.eye(d, dtype=dtype)
    B = torch.zeros(k, m, dtype=dtype)
    B[:, d:] = torch.eye(k, dtype=dtype)
    return A.expand(S, m, d).clone().to(device), B.expand(S, k, m).clone().to(device)


def ill_conditioned_identity_transforms(
    d: int,
    k: int,
    *,
    cond_A: float,
    cond_B: float = 1.0,
    S: int,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """The modified identity transforms with their nonzero blocks made ill-conditioned, at width m = d + k:
    A = [D_A; 0] (S, m, d), B = [0, D_B] (S, k, m), D_A = diag(cond_A^{−(i−1)/(d−1)}), i = 1..d (and D_B likewise
    with cond_B, k): singular values spread geometrically from 1 down to 1/cond (a 1×1 block is 1, whatever cond).

    So ‖A‖₂ = ‖B‖₂ = 1, σ_min(A) = 1/cond_A when d ≥ 2, σ_min(B) = 1/cond_B when k ≥ 2, and still BA = 0 (the output is
    0 at W = 0). cond_A = cond_B = 1 gives :func:`identity_transforms`. Used to break the condition of Zou et al.'s
    GD theorem, σ²_min(A)σ²_min(B)/(‖A‖‖B‖) ≥ C‖X‖(L(0) − L*)^{1/2}/σ_r²(X) (recalled form), while keeping the
    width, the step size (which uses ‖A‖, ‖B‖) and the data. Deterministic (no seeds)."""
    d = _int_at_least("d", d, 1)
    k = _int_at_least("k", k, 1)
    S = _int_at_least("S", S, 1)
    cA = _finite_float("cond_A", cond_A, minimum=1.0)
    cB = _finite_float("cond_B", cond_B, minimum=1.0)

    def spread(size: int, cond: float) -> Tensor:
        if size == 1:
            return torch.ones(1, dtype=dtype)
        return torch.tensor(cond, dtype=dtype) ** (-torch.arange(size, dtype=dtype) / (size - 1))

    A, B = identity_transforms(d, k, S=1, dtype=dtype)
    A = A[0]
    B = B[0]
    A[:d] = torch.diag(spread(d, cA))
    B[:, d:] = torch.diag(spread(k, cB))
    m = d + k
    return A.expand(S, m, d).clone().to(device), B.expand(S, k, m).clone().to(device)


def _random_orthonormal(rows: int, cols: int, generator: torch.Generator, dtype: torch.dtype) -> Tensor:
    """A (rows, cols) matrix with orthonormal columns, Haar-distributed (QR with sign fix)."""
    Q, R = torch.linalg.qr(torch.randn(rows, cols, generator=generator, dtype=dtype))
    sgn = torch.sign(torch.diagonal(R))
    sgn = torch.where(sgn == 0, torch.ones_like(sgn), sgn)
    return Q * sgn


def data_with_condition_number(
    d: int,
    n: int,
    k: int,
    *,
    kappa: float,
    generator: torch.Generator,
    rank: int | None = None,
    noise: float = 0.01,
    targets: str = "linear",
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """Inputs X (d, n) with a prescribed condition number of XXᵀ, and targets Y (k, n).

    X = U diag(s) Vᵀ with U (d×r), V (n×r) Haar-random orthonormal columns and singular values
    s_i = κ^{−(i−1)/(2(r−1))}, i = 1..r, spread geometrically from s_1 = 1 down to s_r = κ^{−1/2};
    so ‖X‖₂ = 1, σ_r(X)² = 1/κ and the condition number of XXᵀ on its nonzero spectrum,
    σ_1(X)²/σ_r(X)², is exactly κ (up to rounding; r = 1 needs κ = 1). r = ``rank`` defaults to
    min(d, n); r < min(d, n) gives a rank-deficient X (then σ_r is the smallest *nonzero* singular
    value, as in Zou et al. 2020, Thm 3.3). Y = Θ_true X + ``noise``·G with Θ_true_ij ~ N(0, 1/d)
    and G_ij ~ N(0, 1); noise > 0 with n > r makes L* > 0.

    ``targets="whitened"`` puts the signal equally on every singular direction of X instead:
    Y = σ_r(X) (C Vᵀ + ``noise``·G) with C (k×r) Gaussian, its columns rescaled to unit norm. Then
    every direction v_i carries exactly the same share of the signal (with ``"linear"`` targets
    the direction of σ_i carries a share ∝ σ_i², so the slow directions hardly matter), while the
    least-squares map Θ* = σ_r C diag(1/s) Uᵀ (noise 0) has ‖Θ*‖₂ ≤ ‖C‖₂: the instance on which
    first-order methods pay the full price of κ. The noise is scaled by σ_r with the signal, so
    the noise-to-signal ratio does not drift with κ; and since the draws do not depend on κ, one
    generator state gives the same U, V, C, G for every κ (only the spectrum changes).

    Draw order from ``generator`` (a CPU generator): U, V, then Θ_true (``"linear"``) or C
    (``"whitened"``), then G; moved to ``device`` at the end.
    """
    d = _int_at_least("d", d, 1)
    n = _int_at_least("n", n, 1)
    k = _int_at_least("k", k, 1)
    kap = _finite_float("kappa", kappa, minimum=1.0)
    r = min(d, n) if rank is None else _int_at_least("rank", rank, 1)
    if r > min(d, n):
        raise ValueError(f"rank={r}: must be <= min(d, n) = {min(d, n)}")
    if r == 1 and kap != 1.0:
        raise ValueError(f"kappa={kap}: a rank-1 X has a single nonzero singular value, so kappa must be 1")
    sig = _finite_float("noise", noise, minimum=0.0)
    if targets not in ("linear", "whitened"):
        raise ValueError(f"targets={targets!r}: expected 'linear' or 'whitened'")
    U = _random_orthonormal(d, r, generator, dtype)
    V = _random_orthonormal(n, r, generator, dtype)
    if r == 1:
        s = torch.ones(1, dtype=dtype)
    else:
        s = torch.exp(-0.5 * math.log(kap) * torch.arange(r, dtype=dtype) / (r - 1))
    X = (U * s) @ V.T
    if targets == "linear":
        theta = torch.randn(k, d, generator=generator, dtype=dtype) / math.sqrt(d)
        G = torch.randn(k, n, generator=generator, dtype=dtype)
        Y = theta @ X + sig * G
    else:
        C = torch.randn(k, r, generator=generator, dtype=dtype)
        C = C / torch.linalg.vector_norm(C, dim=0)  # a zero column has probability 0
        G = torch.randn(k, n, generator=generator, dtype=dtype)
        Y = s[-1] * (C @ V.T + sig * G)
    return X.to(device), Y.to(device)


# --------------------------------------------------------------------------------------------
# forward pass, loss, gradients (internal kernels skip validation; the public wrappers validate)
# --------------------------------------------------------------------------------------------


def _hidden(W: Tensor, A: Tensor, X: Tensor) -> list[Tensor]:
    """H_0 = AX, H_l = (I + W_l) H_{l−1}; returns [H_0, …, H_L], each (S, m, n)."""
    H = [torch.matmul(A, X)]
    for l in range(W.shape[1]):
        H.append(torch.baddbmm(H[-1], W[:, l], H[-1]))  # H + W_l H in one batched kernel (hot loop)
    return H


def _loss_from_error(E: Tensor) -> Tensor:
    return 0.5 * (E * E).sum((-2, -1))


def _grads_from_hidden(W: Tensor, B: Tensor, H: list[Tensor], E: Tensor) -> Tensor:
    # δ_L = BᵀE, ∂L/∂W_l = δ_l H_{l−1}ᵀ, δ_{l−1} = (I + W_l)ᵀ δ_l
    S, L, m, _ = W.shape
    G = W.new_empty(L, S, m, m)  # layer-major, so each layer's block is contiguous for bmm(out=)
    delta = torch.bmm(B.transpose(-1, -2), E)
    for l in range(L - 1, -1, -1):
        torch.bmm(delta, H[l].transpose(-1, -2), out=G[l])
        if l > 0:
            delta = torch.baddbmm(delta, W[:, l].transpose(-1, -2), delta)
    return G.transpose(0, 1)  # (S, L, m, m) view


def _error_and_grads(W: Tensor, A: Tensor, B: Tensor, X: Tensor, Y: Tensor) -> tuple[Tensor, Tensor]:
    H = _hidden(W, A, X)
    E = torch.matmul(B, H[-1]) - Y
    return E, _grads_from_hidden(W, B, H, E)


def _error(W: Tensor, A: Tensor, B: Tensor, X: Tensor, Y: Tensor) -> Tensor:
    return torch.matmul(B, _hidden(W, A, X)[-1]) - Y


def product(W: Tensor) -> Tensor:
    """The residual product P = (I + W_L) ⋯ (I + W_1), shape (S, m, m); W (S, L, m, m).

    W[:, 0] = W_1 is applied first (rightmost factor), as in f(x) = B(I + W_L)⋯(I + W_1)A x
    (Zou et al. 2020, Sec. 3).
    """
    S, L, m = _check_W(W)
    P = torch.eye(m, dtype=W.dtype, device=W.device).expand(S, m, m)
    for l in range(L):
        P = P + torch.matmul(W[:, l], P)
    return P


def forward(W: Tensor, A: Tensor, B: Tensor, X: Tensor) -> Tensor:
    """Outputs f(X) = B (I + W_L) ⋯ (I + W_1) A X, shape (S, k, n) (Zou et al. 2020, Sec. 3).

    W (S, L, m, m), A (S, m, d), B (S, k, m), X (d, n) or (S, d, n). Computed layer by layer on
    the (m, n) activations, never forming the m×m product.
    """
    _check_model(W, A, B, X, None)
    return torch.matmul(B, _hidden(W, A, X)[-1])


def loss(W: Tensor, A: Tensor, B: Tensor, X: Tensor, Y: Tensor) -> Tensor:
    """Squared loss L(W) = ½‖f(X) − Y‖_F² (no 1/n), shape (S,) (Zou et al. 2020, Sec. 3).

    W (S, L, m, m), A (S, m, d), B (S, k, m), X (d, n) or (S, d, n), Y (k, n) or (S, k, n).
    """
    _check_model(W, A, B, X, Y)
    return _loss_from_error(_error(W, A, B, X, Y))


def grads(W: Tensor, A: Tensor, B: Tensor, X: Tensor, Y: Tensor) -> Tensor:
    """Hand-written gradient of the loss in every hidden layer, shape (S, L, m, m).

    With E = f(X) − Y (Zou et al. 2020, Sec. 3/4)::

        ∂L/∂W_l = (B P_{>l})ᵀ E (P_{<l} A X)ᵀ,   P_{<l} = (I+W_{l−1})⋯(I+W_1),  P_{>l} = (I+W_L)⋯(I+W_{l+1}).

    Computed in O(L) batched matmuls: the prefix activations H_{l−1} = P_{<l} A X (m×n) forward,
    then the suffix factors δ_l = (B P_{>l})ᵀ E = (I + W_{l+1})ᵀ δ_{l+1} backward from δ_L = BᵀE.
    W (S, L, m, m), A (S, m, d), B (S, k, m), X (d, n) or (S, d, n), Y (k, n) or (S, k, n).
    """
    _check_model(W, A, B, X, Y)
    return _error_and_grads(W, A, B, X, Y)[1]


def optimum(A: Tensor, B: Tensor, X: Tensor, Y: Tensor) -> Tensor:
    """The global minimum L* of the loss over all hidden weights, shape (S,), by least squares.

    Any product (I + W_L)⋯(I + W_1) = M is reachable (W_1 = M − I, the others 0), so
    L* = min_M ½‖B M A X − Y‖_F² = ½‖Θ* X − Y‖_F² with the k×d map

        Θ* = (B B⁺) Y (A X)⁺ A,   so that   Θ* X = P_range(B) · Y · P_row(AX).

    When A has rank d and B has rank k (the paper's assumption, Zou et al. 2020, Sec. 3) this is
    exactly the unconstrained least-squares value min_Θ ½‖ΘX − Y‖_F² = ½‖Y (I − X⁺X)‖_F², for any
    X including a rank-deficient one (the pseudo-inverse projects onto X's row space); otherwise
    it is the honest (larger) minimum of the model. Computed with ``torch.linalg.pinv`` (SVD,
    default rtol = max(rows, cols)·eps relative cut-off), which is independent of the model's
    forward pass and also works on CUDA, where ``lstsq`` requires full rank.

    A (S, m, d), B (S, k, m), X (d, n) or (S, d, n), Y (k, n) or (S, k, n).
    """
    S, _, d, k = _check_AB(A, B)
    _check_XY(X, Y, S=S, d=d, k=k)
    C = torch.matmul(A, X)  # (S, m, n)
    PB = torch.matmul(B, torch.linalg.pinv(B))  # (S, k, k)
    theta = torch.matmul(torch.matmul(torch.matmul(PB, Y), torch.linalg.pinv(C)), A)  # (S, k, d)
    return _loss_from_error(torch.matmul(theta, X) - Y)


def least_squares_optimum(X: Tensor, Y: Tensor) -> Tensor:
    """The paper's L* = min over all k×d maps Θ of ½‖ΘX − Y‖_F² = ½‖Y(I − X⁺X)‖_F², shape (S,) or ().

    Independent of the network and of the transforms (Zou et al. 2020, Sec. 3): it equals
    ``optimum(A, B, X, Y)`` exactly when A has rank d and B rank k, and is smaller otherwise (a
    network whose A or B loses rank cannot reach it). X (d, n) or (S, d, n), Y (k, n) or (S, k, n);
    the result has the batch shape of the inputs. ``torch.linalg.pinv`` with its default relative
    cut-off, so a rank-deficient X is projected on its row space.
    """
    if not isinstance(X, Tensor) or X.ndim not in (2, 3):
        raise ValueError(f"X.shape={_shape(X)}: expected (d, n) or (S, d, n)")
    if not isinstance(Y, Tensor) or Y.ndim not in (2, 3) or Y.shape[-1] != X.shape[-1]:
        raise ValueError(f"Y.shape={_shape(Y)}: expected (k, n) or (S, k, n) with n={X.shape[-1]} (from X)")
    R = Y - torch.matmul(torch.matmul(Y, torch.linalg.pinv(X)), X)
    return _loss_from_error(R)


def iterations_to(excess: Tensor, *, eps: float) -> Tensor:
    """Steps until L(t) − L* ≤ ε (L(0) − L*) holds for good, per seed; shape (S,), float.

    ``excess`` (S, K+1) as ``Trajectory.excess``. The count is the first t from which every
    recorded excess is ≤ ε·excess[:, 0] (a non-monotone method such as Nesterov's must *stay*
    below, not merely touch); K + 1 when the run ended above it (censored: the caller must treat
    it as "not reached within K steps"). A seed starting at its optimum (excess[:, 0] ≤ 0) counts 0.
    """
    if not isinstance(excess, Tensor) or excess.ndim != 2 or excess.shape[1] < 1:
        raise ValueError(f"excess.shape={_shape(excess)}: expected (S, K+1)")
    e = _finite_float("eps", eps, minimum=0.0)
    above = excess > e * excess[:, :1]  # +inf (diverged) counts as above
    K1 = excess.shape[1]
    t = torch.arange(K1, device=excess.device).expand_as(above)
    last_above = torch.where(above, t, torch.full_like(t, -1)).amax(1)
    return (last_above + 1).to(excess.dtype)


# --------------------------------------------------------------------------------------------
# optimizers: small pure init/update functions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GDState:
    """Gradient-descent (and SGD) state: W (S, L, m, m)."""

    W: Tensor


@dataclass(frozen=True, eq=False)
class NAGState:
    """Nesterov state: W (S, L, m, m) and the velocity V (S, L, m, m)."""

    W: Tensor
    V: Tensor


def _zeros(S: int, L: int, m: int, dtype: torch.dtype, device: torch.device | str) -> Tensor:
    S = _int_at_least("S", S, 1)
    L = _int_at_least("L", L, 1)
    m = _int_at_least("m", m, 1)
    return torch.zeros(S, L, m, m, dtype=dtype, device=device)


def _gd_step(W: Tensor, G: Tensor, lr: Tensor) -> Tensor:
    """W − ηG with η per seed, lr (S, 1, 1, 1): the (S)GD update kernel shared by ``gd_update``,
    ``gd_trajectory`` and ``sgd_trajectory``."""
    return torch.addcmul(W, lr, G, value=-1.0)


def _nag_lookahead(W: Tensor, V: Tensor, mu: Tensor) -> Tensor:
    """W + μV, mu (S, 1, 1, 1): where Nesterov's gradient is evaluated."""
    return torch.addcmul(W, mu, V)


def _nag_velocity(V: Tensor, G: Tensor, lr: Tensor, mu: Tensor) -> Tensor:
    """μV − η∇L(W + μV), lr and mu (S, 1, 1, 1): the velocity kernel shared by ``nag_update`` and
    ``nag_trajectory``."""
    return torch.addcmul(mu * V, lr, G, value=-1.0)


def gd_init(S: int, L: int, m: int, *, dtype: torch.dtype = DEFAULT_DTYPE, device: torch.device | str = "cpu") -> GDState:
    """Zero initialisation W_l(0) = 0 for every layer (Zou et al. 2020, Sec. 3), W (S, L, m, m)."""
    return GDState(W=_zeros(S, L, m, dtype, device))


def gd_update(state: GDState, grads: Tensor, *, eta: float | Tensor) -> GDState:
    """One (S)GD step W_l ← W_l − η G_l for every layer (Zou et al. 2020, Alg. 1 / Sec. 3).

    ``grads`` (S, L, m, m): the full gradient for GD, the minibatch estimate for SGD. ``eta`` is a
    float or an (S,) tensor with one step size per seed.
    """
    S, _, _ = _check_W(state.W)
    if not isinstance(grads, Tensor) or grads.shape != state.W.shape:
        raise ValueError(f"grads.shape={_shape(grads)}: expected {tuple(state.W.shape)} (= W.shape)")
    lr = _step_sizes(eta, S=S, like=state.W)[:, None, None, None]
    return GDState(W=_gd_step(state.W, grads, lr))


def nag_init(S: int, L: int, m: int, *, dtype: torch.dtype = DEFAULT_DTYPE, device: torch.device | str = "cpu") -> NAGState:
    """Zero initialisation of W and of the velocity V, both (S, L, m, m)."""
    return NAGState(W=_zeros(S, L, m, dtype, device), V=_zeros(S, L, m, dtype, device))


def nag_lookahead(state: NAGState, *, momentum: float | Tensor) -> Tensor:
    """The look-ahead point W + μV at which Nesterov's gradient is evaluated, (S, L, m, m).

    ``momentum``: a float in [0, 1) or an (S,) tensor with one μ per seed."""
    S, _, _ = _check_W(state.W)
    return _nag_lookahead(state.W, state.V, _momenta(momentum, S=S, like=state.W))


def nag_update(state: NAGState, grads_at_lookahead: Tensor, *, eta: float | Tensor, momentum: float | Tensor) -> NAGState:
    """One step of Nesterov's accelerated gradient, in the Sutskever et al. (2013) form::

        V ← μV − η ∇L(W + μV),     W ← W + V

    (Sutskever, Martens, Dahl, Hinton, ICML 2013, eq. 3–4), equivalent to Nesterov's (1983)
    two-sequence scheme y_t = x_t + μ(x_t − x_{t−1}), x_{t+1} = y_t − η∇L(y_t) with constant μ.
    ``grads_at_lookahead`` (S, L, m, m) must be ∇L at ``nag_lookahead(state, momentum=μ)``.
    ``eta`` and ``momentum`` are floats or (S,) tensors (one per seed); μ ∈ [0, 1) (μ = 0 is plain GD).
    """
    S, _, _ = _check_W(state.W)
    if not isinstance(grads_at_lookahead, Tensor) or grads_at_lookahead.shape != state.W.shape:
        raise ValueError(f"grads_at_lookahead.shape={_shape(grads_at_lookahead)}: expected {tuple(state.W.shape)} (= W.shape)")
    mu = _momenta(momentum, S=S, like=state.W)
    lr = _step_sizes(eta, S=S, like=state.W)[:, None, None, None]
    V = _nag_velocity(state.V, grads_at_lookahead, lr, mu)
    return NAGState(W=state.W + V, V=V)


# --------------------------------------------------------------------------------------------
# trajectories
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Record of a batched GD / NAG / SGD run; K = number of steps, S seeds, R = number of norm records.

    loss:          (S, K+1) full-batch L(W(t)), t = 0..K; +inf from the record a seed is marked
                   diverged on (never NaN).
    excess:        (S, K+1) loss − L* (raw: may dip a few ulps below 0 near the optimum; +inf
                   where loss is +inf).
    optimum:       (S,) L* from ``optimum``.
    weight_norms:  (S, L, R) spectral norms ‖W_l(t)‖₂ at the steps ``norm_steps``; +inf once diverged.
    norm_steps:    (R,) the steps t at which weight_norms was recorded: 0, r, 2r, … and always K
                   (r = record_every; R = K+1 when r = 1).
    diverged:      (S,) bool: the seed's loss became non-finite or exceeded the threshold, or its
                   update overflowed; its parameters were frozen at the last finite value.
    W:             (S, L, m, m) final hidden weights.

    Equality is identity (``eq=False``): tensors have no single truth value.
    """

    loss: Tensor
    excess: Tensor
    optimum: Tensor
    weight_norms: Tensor
    norm_steps: Tensor
    diverged: Tensor
    W: Tensor


def _norm_schedule(steps: int, every: int) -> list[int]:
    ts = list(range(0, steps + 1, every))
    if ts[-1] != steps:
        ts.append(steps)
    return ts


class _Recorder:
    """Preallocated (S, K+1) and (S, L, R) buffers filled one column per record; no per-seed Python."""

    def __init__(self, W0: Tensor, lstar: Tensor, *, steps: int, record_every: int, threshold: float) -> None:
        S, L = W0.shape[:2]
        opts = {"dtype": W0.dtype, "device": W0.device}
        self.lstar = lstar
        self.threshold = threshold
        self.norm_steps = _norm_schedule(steps, record_every)
        self.norm_index = {t: i for i, t in enumerate(self.norm_steps)}
        self.loss = torch.empty(S, steps + 1, **opts)
        self.weight_norms = torch.empty(S, L, len(self.norm_steps), **opts)
        self.diverged = torch.zeros(S, dtype=torch.bool, device=W0.device)
        self.inf = torch.tensor(math.inf, **opts)

    def record(self, t: int, W: Tensor, E: Tensor) -> None:
        lv = _loss_from_error(E)
        self.diverged |= ~torch.isfinite(lv) | (lv > self.threshold)
        self.loss[:, t] = torch.where(self.diverged, self.inf, lv)
        i = self.norm_index.get(t)
        if i is not None:
            norms = torch.linalg.matrix_norm(W, ord=2)  # (S, L)
            self.weight_norms[:, :, i] = torch.where(self.diverged[:, None], self.inf, norms)

    def accept(self, old: tuple[Tensor, ...], new: tuple[Tensor, ...]) -> tuple[Tensor, ...]:
        """Apply the update only for live seeds whose new tensors are all finite.

        Finiteness is read from one sum per seed (a NaN or ±inf entry makes the sum non-finite), which
        is one reduction instead of an elementwise pass plus a boolean tensor: the hot path at large
        L·m². A sum of finite entries can overflow only past ~1e308/numel, far beyond any loss
        threshold, and is then (harmlessly) also counted as divergence.
        """
        ok = torch.ones_like(self.diverged)
        for t in new:
            ok &= torch.isfinite(t.flatten(1).sum(-1))
        self.diverged |= ~ok
        if not bool(self.diverged.any()):
            return new
        live = (~self.diverged)[:, None, None, None]
        return tuple(torch.where(live, n, o) for o, n in zip(old, new))

    def result(self, W: Tensor) -> Trajectory:
        return Trajectory(
            loss=self.loss,
            excess=self.loss - self.lstar[:, None],
            optimum=self.lstar,
            weight_norms=self.weight_norms,
            norm_steps=torch.tensor(self.norm_steps, dtype=torch.long, device=W.device),
            diverged=self.diverged,
            W=W,
        )


def _setup(A: Tensor, B: Tensor, X: Tensor, Y: Tensor, *, L: int, steps: int, record_every: int, threshold: float, W0: Tensor | None) -> tuple[Tensor, int, int, float, int]:
    S, m, d, k = _check_AB(A, B)
    n = _check_XY(X, Y, S=S, d=d, k=k)
    L = _int_at_least("L", L, 1)
    steps = _int_at_least("steps", steps, 0)
    every = _int_at_least("record_every", record_every, 1)
    try:
        thr = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"divergence_threshold={threshold!r}: expected a real number > 0") from None
    if not thr > 0:  # also rejects NaN; +inf is allowed (divergence only on non-finite)
        raise ValueError(f"divergence_threshold={threshold}: must be > 0")
    if W0 is None:
        W = torch.zeros(S, L, m, m, dtype=A.dtype, device=A.device)
    else:
        if not isinstance(W0, Tensor) or tuple(W0.shape) != (S, L, m, m):
            raise ValueError(f"W0.shape={_shape(W0)}: expected (S, L, m, m) = {(S, L, m, m)}")
        W = W0.clone()
    return W, steps, every, thr, n


def gd_trajectory(
    A: Tensor,
    B: Tensor,
    X: Tensor,
    Y: Tensor,
    *,
    L: int,
    eta: float | Tensor,
    steps: int,
    record_every: int = 1,
    W0: Tensor | None = None,
    divergence_threshold: float = 1e100,
) -> Trajectory:
    """Full-batch gradient descent from zero init, batched over seeds, loss recorded at every step.

    W_l(t+1) = W_l(t) − η ∂L/∂W_l(W(t)) for l = 1..L, W_l(0) = 0 (Zou et al. 2020, Sec. 3,
    Thm 3.1/3.3/3.6). ``eta`` is a float or an (S,) tensor. ``W0`` (S, L, m, m) overrides the zero
    initialisation. Spectral norms ‖W_l‖₂ are recorded every ``record_every`` steps (and at the end).

    Divergence never raises: a seed whose loss is non-finite or exceeds ``divergence_threshold``,
    or whose update would be non-finite, is marked diverged, records +inf (never NaN) and is frozen.
    A (S, m, d), B (S, k, m), X (d, n) or (S, d, n), Y (k, n) or (S, k, n).
    """
    W, steps, every, thr, _ = _setup(A, B, X, Y, L=L, steps=steps, record_every=record_every, threshold=divergence_threshold, W0=W0)
    S = W.shape[0]
    lr = _step_sizes(eta, S=S, like=W)[:, None, None, None]
    rec = _Recorder(W, optimum(A, B, X, Y), steps=steps, record_every=every, threshold=thr)
    for t in range(steps + 1):
        E, G = _error_and_grads(W, A, B, X, Y)
        rec.record(t, W, E)
        if t == steps:
            break
        (W,) = rec.accept((W,), (_gd_step(W, G, lr),))
    return rec.result(W)


def nag_trajectory(
    A: Tensor,
    B: Tensor,
    X: Tensor,
    Y: Tensor,
    *,
    L: int,
    eta: float | Tensor,
    momentum: float | Tensor,
    steps: int,
    record_every: int = 1,
    W0: Tensor | None = None,
    divergence_threshold: float = 1e100,
) -> Trajectory:
    """Nesterov's accelerated gradient from zero init (W and velocity), batched over seeds.

    V ← μV − η∇L(W + μV), W ← W + V (Sutskever et al. 2013 form of Nesterov 1983; see
    ``nag_update``); ``momentum`` is a float in [0, 1) or an (S,) tensor, one μ per seed. The
    recorded loss is L(W(t)) at the iterate W, not at the look-ahead point.
    Other arguments, divergence handling and shapes as in ``gd_trajectory``; a diverged seed
    freezes both W and V.
    """
    W, steps, every, thr, _ = _setup(A, B, X, Y, L=L, steps=steps, record_every=record_every, threshold=divergence_threshold, W0=W0)
    S = W.shape[0]
    mu = _momenta(momentum, S=S, like=W)
    lr = _step_sizes(eta, S=S, like=W)[:, None, None, None]
    V = torch.zeros_like(W)
    rec = _Recorder(W, optimum(A, B, X, Y), steps=steps, record_every=every, threshold=thr)
    for t in range(steps + 1):
        rec.record(t, W, _error(W, A, B, X, Y))
        if t == steps:
            break
        _, G = _error_and_grads(_nag_lookahead(W, V, mu), A, B, X, Y)
        V_new = _nag_velocity(V, G, lr, mu)
        W, V = rec.accept((W, V), (W + V_new, V_new))
    return rec.result(W)


def _minibatch_scale(n: int, b: int) -> float:
    """n/b: the factor that makes the gradient of a b-column minibatch loss an unbiased estimate of
    the full-batch gradient (each column is in the batch with probability b/n)."""
    return n / b


def _permutations(generator: torch.Generator | Sequence[torch.Generator], S: int, n: int, device: torch.device) -> Tensor:
    """(S, n) random permutations of range(n): one draw of (S, n) uniforms from a single CPU
    generator, or one (n,) draw per seed from a sequence of S generators."""
    if isinstance(generator, torch.Generator):
        u = torch.rand(S, n, generator=generator, dtype=torch.float64)
    else:
        u = torch.stack([torch.rand(n, generator=g, dtype=torch.float64) for g in generator])
    return torch.argsort(u, dim=-1).to(device)


def sgd_trajectory(
    A: Tensor,
    B: Tensor,
    X: Tensor,
    Y: Tensor,
    *,
    L: int,
    eta: float | Tensor,
    steps: int,
    batch_size: int,
    generator: torch.Generator | Sequence[torch.Generator],
    record_every: int = 1,
    W0: Tensor | None = None,
    divergence_threshold: float = 1e100,
) -> Trajectory:
    """Minibatch SGD from zero init, batched over seeds; full-batch loss recorded at every step.

    W_l ← W_l − η (n/b) ∂L_𝓑/∂W_l with L_𝓑 = ½‖f(X_𝓑) − Y_𝓑‖_F² over a minibatch 𝓑 of b =
    ``batch_size`` columns: the unbiased estimate of the full gradient (Zou et al. 2020, Sec. 3,
    SGD; the n/b scaling is RECALLED). Sampling is without replacement within an epoch: each
    epoch draws a fresh random permutation of the n columns per seed and takes floor(n/b)
    consecutive batches of b; the n mod b left-over columns of that permutation are dropped.
    With b = n this is full-batch GD (up to summation order).

    ``generator``: one CPU generator (each epoch draws (S, n) uniforms from it), or a sequence of
    S CPU generators, one per seed (each epoch draws (n,) from each), so that any seed is
    reproduced alone. Other arguments, divergence handling and shapes as in ``gd_trajectory``.
    """
    W, steps, every, thr, n = _setup(A, B, X, Y, L=L, steps=steps, record_every=record_every, threshold=divergence_threshold, W0=W0)
    S, _, m, _ = W.shape
    b = _int_at_least("batch_size", batch_size, 1)
    if b > n:
        raise ValueError(f"batch_size={b}: must be <= n={n}")
    if not isinstance(generator, torch.Generator):
        if isinstance(generator, (str, bytes)) or not isinstance(generator, Sequence) or len(generator) != S or not all(isinstance(g, torch.Generator) for g in generator):
            raise ValueError(f"generator={generator!r}: expected a torch.Generator or a sequence of S={S} of them")
    lr = _step_sizes(eta, S=S, like=W)[:, None, None, None] * _minibatch_scale(n, b)
    d, k = A.shape[2], B.shape[1]
    Xs = X.expand(S, d, n)
    Ys = Y.expand(S, k, n)
    per_epoch = n // b
    perm = None
    rec = _Recorder(W, optimum(A, B, X, Y), steps=steps, record_every=every, threshold=thr)
    for t in range(steps + 1):
        rec.record(t, W, _error(W, A, B, X, Y))
        if t == steps:
            break
        j = t % per_epoch
        if j == 0:
            perm = _permutations(generator, S, n, W.device)
        idx = perm[:, j * b : (j + 1) * b]  # type: ignore[index]
        Xb = torch.gather(Xs, 2, idx[:, None, :].expand(S, d, b))
        Yb = torch.gather(Ys, 2, idx[:, None, :].expand(S, k, b))
        _, G = _error_and_grads(W, A, B, Xb, Yb)
        (W,) = rec.accept((W,), (_gd_step(W, G, lr),))
    return rec.result(W)
