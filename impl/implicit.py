"""Implicit (equilibrium) ReLU network of Gao & Gao (2022), batched over seeds and samples.

Papers: T. Gao, H. Gao, "Gradient descent optimizes infinite-depth ReLU implicit networks with
linear widths", arXiv 2205.07463 (2022); T. Gao, H. Liu, J. Liu, H. Rajan, H. Gao, "A global
convergence theory for deep ReLU implicit networks via over-parameterization", ICLR 2022,
arXiv 2110.05645.

Model. **The details below are RECALLED, not checked against the papers' text** (the abstract
confirms the scalar γ, the ReLU, and the square loss; the scalings and which matrices are
trained are our reconstruction, see CLAIMS.md, section gao2022 and theorems/gao2022.py)::

    z* = relu(B z* + φ(x)),        B = (γ/√m) A,        A_ij ~ N(0, 1)          (m × m)
    φ(x) = sqrt(2/m) relu(W x),    W_ij ~ N(0, 1)                                 (m × d)
    ŷ(x) = uᵀ z*(x),               u_r ~ N(0, 1)   (``u_init="standard"``, the default)
                                   u_r ~ N(0, 1/m) (``u_init="scaled"``, the model used before issue 16)
    L = ½ Σ_i (ŷ(x_i) − y_i)²      (no 1/N)

Every weight standard Gaussian with the 1/√m carried by the layer maps (γ/√m and sqrt(2/m)) is the NTK
parametrization: the features z* have O(1) norm, ŷ(0) = O(1), and every trained weight moves by O(1) in norm
while its initial norm grows like √m, so its relative movement shrinks like 1/√m. With u ~ N(0, 1/m) the output
layer is at mean-field scale instead: it moves by as much as its own norm, and the implicit layer's block of the
NTK is a further 1/m smaller (issue 16).

A and u are trained by default and W is fixed; which of {"A", "u", "W"} move is a parameter.
For Gaussian A, ‖A‖₂ ≈ 2√m, so ‖B(0)‖₂ ≈ 2γ and γ < ½ makes the layer a contraction w.h.p.
[derived]. When ‖B‖₂ < 1 the map z ↦ relu(Bz + φ) is a contraction (relu is 1-Lipschitz), so the
fixed point is unique, Picard iterates obey ‖z_ℓ − z*‖ ≤ ‖B‖₂^ℓ ‖z_0 − z*‖, and
‖z*‖ ≤ ‖φ‖/(1 − ‖B‖₂) [derived].

Conventions shared by every function here (as in :mod:`impl.two_layer`):

* Batched over S seeds: A (S, m, m), W (S, m, d), u (S, m). Inputs X are (N, d) (shared) or
  (S, N, d); labels y are (N,) or (S, N). The equilibria of all N samples are solved together as
  one matrix Z (S, m, N) whose column i is z*(x_i); the features are Φ (S, m, N). No Python loop
  over seeds or samples in any computation (only over solver iterations and time steps).
* float64 unless a ``dtype`` is given. Random numbers come only from explicit CPU
  ``torch.Generator`` objects and are moved with ``.to(device)``.
* Activation patterns use D = diag(1{Bz* + φ > 0}), strict, which is the derivative torch uses
  for relu at 0, so the implicit gradients match autograd exactly on ties.
* Solvers never return a silent wrong answer: every :class:`FixedPoint` carries per-seed
  iterations, final relative residual and a ``converged`` flag; ``on_fail="raise"`` turns a
  failure into :class:`NonConvergenceError`.
* Invalid arguments raise ``ValueError`` with a ``name=value`` message saying what to fix.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import torch
from torch import Tensor

from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least
from lemmata.impl._checks import step_sizes as _step_sizes

__all__ = [
    "FixedPoint",
    "FixedPointSet",
    "ImplicitGrads",
    "ImplicitFlow",
    "ImplicitParams",
    "ImplicitTrajectory",
    "NonConvergenceError",
    "anderson",
    "enumerate_fixed_points",
    "features",
    "flow_trajectory",
    "fixed_points_scalar",
    "gd_trajectory",
    "gram_ntk",
    "implicit_grads",
    "init_params",
    "lambda_min",
    "loss",
    "picard",
    "picard_scalar",
    "predict",
    "scalar_counterexample",
    "solve_equilibrium",
    "spectral_norm",
    "spectral_norm_exact",
    "spectral_norm_upper",
    "unrolled_loss",
]

DEFAULT_DTYPE = torch.float64
TRAINABLE = ("A", "u", "W")
METHODS = ("picard", "anderson")
DEFAULT_MAX_ITER = {"picard": 5000, "anderson": 1000}
# the direct adjoint solve builds S·N matrices of size m × m; above this many entries
# (32 MiB in float64) adjoint="auto" switches to the iterative (Anderson) adjoint solve
DIRECT_ADJOINT_BUDGET = 2**22
# Anderson falls back to a plain Picard step when the mixing weights are larger than this in ℓ1
# norm: a sign that the regularised least-squares problem was numerically meaningless
_ALPHA_MAX = 1e6


# --------------------------------------------------------------------------------------------
# argument validation (shapes and scalars only, never a pass over tensor entries)
# --------------------------------------------------------------------------------------------


def _shape(x: object) -> object:
    return tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__


def _check_square_batch(name: str, M: object) -> tuple[int, int]:
    if not isinstance(M, Tensor) or M.ndim != 3 or M.shape[-1] != M.shape[-2] or M.shape[0] < 1 or M.shape[1] < 1:
        raise ValueError(f"{name}.shape={_shape(M)}: expected (S, m, m), one square matrix per seed")
    return M.shape[0], M.shape[1]


def _check_system(B: object, Phi: object, Z0: object = None) -> tuple[int, int, int]:
    """Validate B (S, m, m), Phi (S, m, N) and optional Z0 (S, m, N); return (S, m, N)."""
    S, m = _check_square_batch("B", B)
    if not isinstance(Phi, Tensor) or Phi.ndim != 3 or tuple(Phi.shape[:2]) != (S, m) or Phi.shape[2] < 1:
        raise ValueError(f"Phi.shape={_shape(Phi)}: expected (S, m, N) = ({S}, {m}, N) to match B.shape={tuple(B.shape)}")  # type: ignore[union-attr]
    if Phi.dtype != B.dtype or Phi.device != B.device:  # type: ignore[union-attr]
        raise ValueError(f"Phi.dtype={Phi.dtype}, Phi.device={Phi.device}: must match B ({B.dtype}, {B.device})")  # type: ignore[union-attr]
    if Z0 is not None and (not isinstance(Z0, Tensor) or Z0.shape != Phi.shape):
        raise ValueError(f"Z0.shape={_shape(Z0)}: expected {tuple(Phi.shape)}, the shape of Phi")
    return S, m, Phi.shape[2]


def _check_inputs(X: object, *, S: int, d: int) -> int:
    """Validate X (N, d) or (S, N, d); return N."""
    if not isinstance(X, Tensor) or X.ndim not in (2, 3):
        raise ValueError(f"X.shape={_shape(X)}: expected (N, d) or (S, N, d)")
    if X.shape[-1] != d:
        raise ValueError(f"X.shape={tuple(X.shape)}: last dimension must be d={d} (from W)")
    if X.ndim == 3 and X.shape[0] != S:
        raise ValueError(f"X.shape={tuple(X.shape)}: leading dimension must be S={S} (from the parameters), or pass X as (N, d)")
    if X.shape[-2] < 1:
        raise ValueError(f"X.shape={tuple(X.shape)}: need N >= 1 inputs")
    return X.shape[-2]


def _check_labels(y: object, *, S: int, N: int) -> None:
    if not isinstance(y, Tensor) or tuple(y.shape) not in ((N,), (S, N)):
        raise ValueError(f"y.shape={_shape(y)}: expected (N,) = {(N,)} or (S, N) = {(S, N)}")


def _check_method(method: object) -> str:
    if method not in METHODS:
        raise ValueError(f"method={method!r}: expected one of {METHODS}")
    return method  # type: ignore[return-value]


def _check_on_fail(on_fail: object) -> str:
    if on_fail not in ("flag", "raise"):
        raise ValueError(f"on_fail={on_fail!r}: expected 'flag' (mark seeds converged=False) or 'raise'")
    return on_fail  # type: ignore[return-value]


def _check_adjoint(adjoint: object) -> str:
    if adjoint not in ("auto", "direct", "iterative"):
        raise ValueError(f"adjoint={adjoint!r}: expected 'auto', 'direct' or 'iterative'")
    return adjoint  # type: ignore[return-value]


def _check_train(train: object) -> tuple[str, ...]:
    if isinstance(train, str):
        train = (train,)
    if not isinstance(train, (tuple, list, set, frozenset)) or not train:
        raise ValueError(f"train={train!r}: expected a non-empty collection drawn from {TRAINABLE}")
    bad = [t for t in train if t not in TRAINABLE]
    if bad:
        raise ValueError(f"train={tuple(train)!r}: unknown names {bad}; expected names from {TRAINABLE}")
    return tuple(t for t in TRAINABLE if t in train)  # canonical order, no duplicates


def _check_fp(fp: object, *, S: int, m: int, N: int) -> FixedPoint:
    if not isinstance(fp, FixedPoint):
        raise ValueError(f"fp={type(fp).__name__}: expected a FixedPoint from solve_equilibrium/picard/anderson")
    if tuple(fp.Z.shape) != (S, m, N):
        raise ValueError(f"fp.Z.shape={tuple(fp.Z.shape)}: expected (S, m, N) = {(S, m, N)} for these parameters and inputs")
    return fp


# --------------------------------------------------------------------------------------------
# parameters and features
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ImplicitParams:
    """Parameters of S implicit layers: A (S, m, m), W (S, m, d), u (S, m), and the scalar γ.

    B = (γ/√m) A is the property :attr:`B`. Shapes, dtypes and devices are validated on
    construction. Equality is identity (``eq=False``); use ``dataclasses.replace`` for updates.
    """

    A: Tensor
    W: Tensor
    u: Tensor
    gamma: float

    def __post_init__(self) -> None:
        S, m = _check_square_batch("A", self.A)
        if not isinstance(self.W, Tensor) or self.W.ndim != 3 or tuple(self.W.shape[:2]) != (S, m) or self.W.shape[2] < 1:
            raise ValueError(f"W.shape={_shape(self.W)}: expected (S, m, d) with (S, m) = {(S, m)} from A.shape={tuple(self.A.shape)}")
        if not isinstance(self.u, Tensor) or tuple(self.u.shape) != (S, m):
            raise ValueError(f"u.shape={_shape(self.u)}: expected (S, m) = {(S, m)} from A.shape={tuple(self.A.shape)}")
        for name in ("W", "u"):
            t = getattr(self, name)
            if t.dtype != self.A.dtype or t.device != self.A.device:
                raise ValueError(f"{name}.dtype={t.dtype}, {name}.device={t.device}: must match A ({self.A.dtype}, {self.A.device})")
        object.__setattr__(self, "gamma", _finite_float("gamma", self.gamma))

    @property
    def S(self) -> int:
        return self.A.shape[0]

    @property
    def m(self) -> int:
        return self.A.shape[1]

    @property
    def d(self) -> int:
        return self.W.shape[2]

    @property
    def B(self) -> Tensor:
        """B = (γ/√m) A, shape (S, m, m) (differentiable in A)."""
        return (self.gamma / math.sqrt(self.m)) * self.A


def init_params(
    m: int,
    d: int,
    seeds: Sequence[int],
    *,
    gamma: float,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
    u_init: str = "standard",
) -> ImplicitParams:
    """Gaussian initialisation, one seed per batch entry [recalled, CLAIMS.md gao2022].

    A_ij ~ N(0, 1) (m × m), W_ij ~ N(0, 1) (m × d), u_r ~ N(0, 1) (``u_init="standard"``, the NTK
    parametrization) or u_r ~ N(0, 1/m) (``u_init="scaled"``: the same draw divided by √m). Seed s
    draws A, then W, then u from its own ``torch.Generator().manual_seed(seeds[s])``
    on the CPU, so one seed is reproduced alone by ``init_params(m, d, [seeds[s]], gamma=γ)`` and
    CPU and CUDA get identical weights. Returns :class:`ImplicitParams` with A (S, m, m),
    W (S, m, d), u (S, m).
    """
    m = _int_at_least("m", m, 1)
    d = _int_at_least("d", d, 1)
    g = _finite_float("gamma", gamma)
    if u_init not in ("standard", "scaled"):
        raise ValueError(f"u_init={u_init!r}: expected 'standard' (u ~ N(0, 1)) or 'scaled' (u ~ N(0, 1/m))")
    u_div = math.sqrt(m) if u_init == "scaled" else 1.0
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or len(seeds) < 1:
        raise ValueError(f"seeds={seeds!r}: expected a non-empty sequence of integers")
    As, Ws, us = [], [], []
    for i, seed in enumerate(seeds):
        s = _int_at_least(f"seeds[{i}]", seed, -(2**63))
        if s >= 2**64:
            raise ValueError(f"seeds[{i}]={s}: must be < 2**64 (torch.Generator.manual_seed range)")
        gen = torch.Generator().manual_seed(s)
        As.append(torch.randn(m, m, generator=gen, dtype=dtype))
        Ws.append(torch.randn(m, d, generator=gen, dtype=dtype))
        us.append(torch.randn(m, generator=gen, dtype=dtype) / u_div)
    return ImplicitParams(
        A=torch.stack(As).to(device), W=torch.stack(Ws).to(device), u=torch.stack(us).to(device), gamma=g
    )


def _xt(X: Tensor) -> Tensor:
    return X.transpose(-1, -2)


def _phi(W: Tensor, X: Tensor) -> tuple[Tensor, Tensor]:
    """(pre, Φ): pre = W Xᵀ (S, m, N) and Φ = sqrt(2/m) relu(pre)."""
    pre = torch.matmul(W, _xt(X))
    return pre, math.sqrt(2.0 / W.shape[1]) * torch.relu(pre)


def features(W: Tensor, X: Tensor) -> Tensor:
    """Input features Φ = sqrt(2/m) relu(W Xᵀ), shape (S, m, N); column i is φ(x_i).

    W (S, m, d), X (N, d) or (S, N, d). The sqrt(2/m) scaling makes E‖φ(x)‖² = ‖x‖² for Gaussian W
    [recalled, CLAIMS.md gao2022].
    """
    if not isinstance(W, Tensor) or W.ndim != 3 or min(W.shape) < 1:
        raise ValueError(f"W.shape={_shape(W)}: expected (S, m, d), one matrix per seed")
    _check_inputs(X, S=W.shape[0], d=W.shape[2])
    return _phi(W, X)[1]


def _check_model(params: object, X: object, y: object = None) -> tuple[int, int, int]:
    if not isinstance(params, ImplicitParams):
        raise ValueError(f"params={type(params).__name__}: expected ImplicitParams (see init_params)")
    N = _check_inputs(X, S=params.S, d=params.d)
    if y is not None:
        _check_labels(y, S=params.S, N=N)
    return params.S, params.m, N


# --------------------------------------------------------------------------------------------
# spectral norm
# --------------------------------------------------------------------------------------------


def _start_vector(S: int, q: int, *, generator: torch.Generator | None, like: Tensor) -> Tensor:
    if generator is None:
        # the same fixed start for every seed, so a seed's estimate does not depend on the batch
        v = torch.randn(q, generator=torch.Generator().manual_seed(0), dtype=like.dtype).expand(S, q)
    else:
        v = torch.randn(S, q, generator=generator, dtype=like.dtype)
    v = v.to(like.device)
    return v / torch.linalg.vector_norm(v, dim=-1, keepdim=True)


def _power(M: Tensor, v: Tensor, *, iters: int, rtol: float, check_every: int = 8) -> tuple[Tensor, Tensor]:
    """Power iteration on MᵀM from unit v (S, q); returns (σ (S,), v (S, q))."""
    # row-vector products vᵀMᵀ = (Mv)ᵀ: several times faster than batched matrix-vector on CPU
    tiny = torch.finfo(M.dtype).tiny
    Mt = M.transpose(-1, -2)
    v = v.unsqueeze(-2)  # (S, 1, q)
    sigma = torch.linalg.vector_norm(torch.matmul(v, Mt), dim=(-2, -1))
    prev = sigma
    for k in range(1, iters + 1):
        w = torch.matmul(torch.matmul(v, Mt), M)
        v = w / torch.linalg.vector_norm(w, dim=(-2, -1), keepdim=True).clamp_min(tiny)
        sigma = torch.linalg.vector_norm(torch.matmul(v, Mt), dim=(-2, -1))
        if k % check_every == 0:
            if bool(((sigma - prev).abs() <= rtol * sigma).all()):
                break
            prev = sigma
    return sigma, v.squeeze(-2)


def _lanczos(M: Tensor, v: Tensor, *, iters: int, rtol: float, check_every: int = 4) -> tuple[Tensor, Tensor]:
    """Lanczos on MᵀM from unit v (S, q) with full reorthogonalisation; returns (σ (S,), Ritz vector (S, q)).

    Builds the Krylov basis Q of span{v, MᵀMv, (MᵀM)²v, …} (the power iterates) and the tridiagonal
    T = QᵀMᵀMQ; σ = sqrt(λ_max(T)) (Golub & Van Loan, Matrix Computations, 4th ed., Sec. 10.1).
    At most min(iters, q) steps; stops when λ_max(T) changed by ≤ rtol·λ_max over ``check_every``
    steps. After a breakdown (an invariant subspace, β ≈ 0) the basis continues with zero vectors,
    which only adds decoupled zero eigenvalues to T.
    """
    S, _, q = M.shape
    k_max = min(iters, q)
    eps = torch.finfo(M.dtype).eps
    tiny = torch.finfo(M.dtype).tiny
    Mt = M.transpose(-1, -2)
    Q = torch.zeros(S, k_max + 1, q, dtype=M.dtype, device=M.device)  # rows are the basis vectors
    T = torch.zeros(S, k_max, k_max, dtype=M.dtype, device=M.device)
    Q[:, 0] = v
    scale = torch.zeros(S, dtype=M.dtype, device=M.device)
    lam_prev = None
    n = k_max
    for j in range(k_max):
        # row vectors throughout: (qᵀMᵀ)M = (MᵀMq)ᵀ, several times faster than batched
        # matrix-vector products on CPU
        qj = Q[:, j : j + 1]  # (S, 1, q)
        w = torch.matmul(torch.matmul(qj, Mt), M)
        a = (qj * w).sum((-2, -1))
        T[:, j, j] = a
        Qj = Q[:, : j + 1]  # (S, j+1, q), contiguous
        for _ in range(2):  # classical Gram–Schmidt, twice ("twice is enough")
            w = w - torch.matmul(torch.matmul(w, Qj.transpose(-1, -2)), Qj)
        b = torch.linalg.vector_norm(w, dim=(-2, -1))
        scale = torch.maximum(scale, a.abs())
        alive = b > 10 * q * eps * scale
        b = torch.where(alive, b, 0.0)
        if j + 1 < k_max:
            T[:, j, j + 1] = b
            T[:, j + 1, j] = b
        Q[:, j + 1] = torch.where(alive[:, None], w.squeeze(-2) / b.clamp_min(tiny)[:, None], 0.0)
        if (j + 1) % check_every == 0 or j + 1 == k_max:
            lam = torch.linalg.eigvalsh(T[:, : j + 1, : j + 1])[..., -1]
            if lam_prev is not None and bool(((lam - lam_prev).abs() <= rtol * lam.abs()).all()):
                n = j + 1
                break
            lam_prev = lam
    evals, evecs = torch.linalg.eigh(T[:, :n, :n])
    ritz = torch.matmul(evecs[..., -1:].transpose(-1, -2), Q[:, :n]).squeeze(-2)
    norm = torch.linalg.vector_norm(ritz, dim=-1, keepdim=True)
    # a zero Ritz vector (M = 0) would make a warm start useless: keep the start vector then
    ritz = torch.where(norm > 0, ritz / norm.clamp_min(tiny), v)
    return evals[..., -1].clamp_min(0.0).sqrt(), ritz


def spectral_norm(
    M: Tensor,
    *,
    method: str = "lanczos",
    iters: int | None = None,
    rtol: float = 1e-13,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Estimate of ‖M‖₂ for each matrix of M (S, p, q) from the power iterates of MᵀM; shape (S,).

    ``method="lanczos"`` (default): Lanczos with full reorthogonalisation on MᵀM, i.e. the best
    estimate in the Krylov space spanned by the power iterates; it converges like power iteration
    accelerated by Chebyshev polynomials, which matters for Gaussian A, whose top singular values
    sit at the edge of the spectrum with relative gaps ~m^(−2/3) (power iteration needed > 2000
    steps for 1e-8 at m = 256; Lanczos ~60). At most min(iters, q) steps, default iters 300.
    ``method="power"``: plain power iteration v ← MᵀMv/‖MᵀMv‖, σ = ‖Mv‖, default iters 5000.
    Both stop when the estimate changes by ≤ ``rtol`` (relative) between checks. Both are LOWER
    bounds on ‖M‖₂ (Ritz values / Rayleigh quotients) that increase towards it; use
    :func:`spectral_norm_exact` where a certified value matters and m is small. Without
    ``generator`` every seed starts from the same fixed pseudo-random vector (seed 0), so a seed's
    estimate does not depend on which other seeds share the batch; with a CPU ``generator`` the
    (S, q) start is drawn from it.
    """
    if not isinstance(M, Tensor) or M.ndim != 3 or min(M.shape) < 1:
        raise ValueError(f"M.shape={_shape(M)}: expected (S, p, q), one matrix per seed")
    if method not in ("lanczos", "power"):
        raise ValueError(f"method={method!r}: expected 'lanczos' or 'power'")
    iters = (300 if method == "lanczos" else 5000) if iters is None else _int_at_least("iters", iters, 1)
    rtol = _finite_float("rtol", rtol, minimum=0.0)
    v = _start_vector(M.shape[0], M.shape[2], generator=generator, like=M)
    run = _lanczos if method == "lanczos" else _power
    return run(M, v, iters=iters, rtol=rtol)[0]


def spectral_norm_exact(M: Tensor) -> Tensor:
    """‖M‖₂ = σ_max(M) for each matrix of M (S, p, q) via ``torch.linalg.matrix_norm(ord=2)``; (S,).

    O(S·p·q·min(p, q)) (an SVD): the reference for tests and small m.
    """
    if not isinstance(M, Tensor) or M.ndim != 3 or min(M.shape) < 1:
        raise ValueError(f"M.shape={_shape(M)}: expected (S, p, q), one matrix per seed")
    return torch.linalg.matrix_norm(M, ord=2)


def _norm_upper(B: Tensor, B0: Tensor, norm_B0: Tensor) -> Tensor:
    """min(‖B0‖₂ + ‖B − B0‖_F, ‖B‖_F): ‖B‖₂ ≤ ‖B0‖₂ + ‖B − B0‖₂ (triangle) and ‖·‖₂ ≤ ‖·‖_F."""
    moved = torch.linalg.matrix_norm(B - B0, ord="fro")
    return torch.minimum(norm_B0 + moved, torch.linalg.matrix_norm(B, ord="fro"))


def spectral_norm_upper(M: Tensor, M0: Tensor, norm_M0: Tensor | None = None) -> Tensor:
    """Certified upper bound on ‖M‖₂ for each matrix of M (S, p, q), anchored at M0 (S, p, q); shape (S,).

    min(‖M0‖₂ + ‖M − M0‖_F, ‖M‖_F), with ‖M0‖₂ by an exact SVD (:func:`spectral_norm_exact`) unless
    ``norm_M0`` (S,) is given. Exact up to float64 round-off of one SVD (relative ~1e-15) and two
    Frobenius norms; tight when M stays near M0, which is the regime of a GD trajectory from M0
    [derived: triangle inequality and ‖·‖₂ ≤ ‖·‖_F]. Unlike :func:`spectral_norm`, never below ‖M‖₂.
    """
    if not isinstance(M, Tensor) or M.ndim != 3 or min(M.shape) < 1:
        raise ValueError(f"M.shape={_shape(M)}: expected (S, p, q), one matrix per seed")
    if not isinstance(M0, Tensor) or M0.shape != M.shape:
        raise ValueError(f"M0.shape={_shape(M0)}: expected {tuple(M.shape)} like M")
    if norm_M0 is None:
        norm_M0 = spectral_norm_exact(M0)
    elif not isinstance(norm_M0, Tensor) or tuple(norm_M0.shape) != (M.shape[0],):
        raise ValueError(f"norm_M0.shape={_shape(norm_M0)}: expected (S,) = {(M.shape[0],)}")
    return _norm_upper(M, M0, norm_M0)


# --------------------------------------------------------------------------------------------
# fixed-point solvers
# --------------------------------------------------------------------------------------------


class NonConvergenceError(ValueError):
    """A fixed-point (or adjoint) solve did not reach its tolerance for some seeds.

    Attributes: ``seeds`` (indices into the batch), ``iterations`` and ``residual`` (for those
    seeds), ``tol``, ``method``.
    """

    def __init__(self, message: str, *, seeds: list[int], iterations: list[int], residual: list[float], tol: float, method: str) -> None:
        super().__init__(message)
        self.seeds = seeds
        self.iterations = iterations
        self.residual = residual
        self.tol = tol
        self.method = method


@dataclass(frozen=True, eq=False)
class FixedPoint:
    """Result of a batched fixed-point solve Z = relu(BZ + Φ); S seeds, N samples.

    Z:          (S, m, N) the last iterate of each seed (column i approximates z*(x_i)).
    iterations: (S,) int64, index k of the returned iterate Z_k, i.e. updates applied from Z0
                (Anderson returns its best iterate when it fails, so it may have run longer).
    residual:   (S,) ‖Z − relu(BZ + Φ)‖_F / max(‖Z‖_F, tiny), measured at the returned Z (+inf,
                never NaN, when it overflowed).
    converged:  (S,) bool, residual ≤ tol. Under ‖B‖₂ < 1 this certifies
                ‖Z − Z*‖_F ≤ residual·‖Z‖_F / (1 − ‖B‖₂) [derived].
    norm_B:     (S,) estimate of ‖B‖₂ (:func:`spectral_norm`, a lower bound accurate to ~1e-13).
    method:     "picard", "anderson", or "adjoint-…" for the adjoint solves.
    tol:        the tolerance the residual was compared with.
    """

    Z: Tensor
    iterations: Tensor
    residual: Tensor
    converged: Tensor
    norm_B: Tensor
    method: str
    tol: float

    def require_converged(self) -> FixedPoint:
        """Return self, or raise :class:`NonConvergenceError` naming the seeds that failed."""
        if bool(self.converged.all()):
            return self
        bad = (~self.converged).nonzero().flatten().tolist()
        its = self.iterations[bad].tolist()
        res = self.residual[bad].tolist()
        nb = self.norm_B[bad].tolist()
        raise NonConvergenceError(
            f"method={self.method!r} did not converge for seeds={bad} (of S={self.Z.shape[0]}): "
            f"iterations={its}, residual={res} > tol={self.tol}, norm_B≈{[round(x, 6) for x in nb]}. "
            "‖B‖₂ < 1 guarantees a unique fixed point and a converging Picard iteration; above it the "
            "fixed point may not exist or be unique.",
            seeds=bad, iterations=its, residual=res, tol=self.tol, method=self.method,
        )


def _rel_res(X: Tensor, F: Tensor) -> Tensor:
    """‖X − F‖_F / max(‖X‖_F, tiny) per seed, NaN mapped to +inf; (S,)."""
    tiny = torch.finfo(X.dtype).tiny
    num = torch.linalg.vector_norm((X - F).flatten(1), dim=-1)
    den = torch.linalg.vector_norm(X.flatten(1), dim=-1).clamp_min(tiny)
    return torch.nan_to_num(num / den, nan=math.inf)


def _iterate(
    g: Callable[[Tensor], Tensor],
    X0: Tensor,
    *,
    tol: float,
    max_iter: int,
    memory: int,
    beta: float,
    reg: float,
    active: Tensor | None,
    restart: float = 1e2,
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Batched Picard (memory = 0) or Anderson (memory ≥ 1) iteration of X ← g(X).

    X0 (S, …). Each loop evaluates F = g(X) for the whole batch and measures each seed's relative
    residual at X; a seed stops (and is frozen) when its residual ≤ tol, when its residual or next
    iterate is non-finite, or after ``max_iter`` updates. Seeds with ``active`` False are never
    updated (their residual at X0 is still measured). Returns (X, iterations, residual, converged),
    the residual always measured at the returned X.

    Anderson (type II; Walker & Ni 2011, SIAM J. Numer. Anal. 49(4)), with residuals
    G_j = g(X_j) − X_j over the last n_k ≤ memory iterates: α = argmin ‖Σ_j α_j G_j‖ s.t. Σ_j α_j = 1,
    solved per seed as (GGᵀ + λI) a = 1, α = a / Σa with λ = reg·max_j ‖G_j‖² (Tikhonov), then
    X ← Σ_j α_j X_j + β Σ_j α_j G_j. Safeguards, per seed: a seed whose solve failed, whose α is
    non-finite or has ‖α‖₁ > 1e6 takes the Picard step X ← X + βG instead; a seed whose residual
    exceeds ``restart`` × its best residual so far restarts from its best iterate with an empty
    history (a Picard step); a seed that stops without converging returns its best iterate.
    """
    S = X0.shape[0]
    dev = X0.device
    X = X0.clone()
    iters = torch.zeros(S, dtype=torch.int64, device=dev)
    res = torch.full((S,), math.inf, dtype=X0.dtype, device=dev)
    conv = torch.zeros(S, dtype=torch.bool, device=dev)
    running = torch.ones(S, dtype=torch.bool, device=dev) if active is None else active.clone()
    view = (S,) + (1,) * (X0.ndim - 1)
    if memory > 0:
        n = X0[0].numel()
        Xh = torch.zeros(S, memory, n, dtype=X0.dtype, device=dev)
        Gh = torch.zeros(S, memory, n, dtype=X0.dtype, device=dev)
        Hh = torch.zeros(S, memory, memory, dtype=X0.dtype, device=dev)  # Gram matrix Gh Ghᵀ, updated by rows
        filled = torch.zeros(S, memory, dtype=torch.bool, device=dev)
        eye = torch.eye(memory, dtype=X0.dtype, device=dev)
        X_best = X.clone()
        F_best = X.clone()
        it_best = iters.clone()
    for k in range(max_iter + 1):
        F = g(X)
        r = _rel_res(X, F)
        if k == 0:
            res = r.clone()  # every seed's returned Z is measured, active or not
            conv = r <= tol
        else:
            res = torch.where(running, r, res)
            conv = torch.where(running, r <= tol, conv)
        if memory > 0:
            # best iterate so far (before this seed's stop decision), with its residual in res_best
            better = (r < res_best) if k > 0 else torch.ones_like(running)
            better = better & torch.isfinite(r) & (running | (k == 0))
            res_best = torch.where(better, r, res_best) if k > 0 else r.clone()
            X_best = torch.where(better.reshape(view), X, X_best)
            F_best = torch.where(better.reshape(view), F, F_best)
            it_best = torch.where(better, iters, it_best)
        running = running & (r > tol) & torch.isfinite(r)
        if k == max_iter or not bool(running.any()):
            break
        if memory == 0:
            X_new = X + beta * (F - X) if beta != 1.0 else F
        else:
            stall = running & (r > restart * res_best)
            if bool(stall.any()):
                X = torch.where(stall.reshape(view), X_best, X)
                F = torch.where(stall.reshape(view), F_best, F)
                filled &= ~stall.unsqueeze(-1)
            G = F - X
            slot = k % memory
            Xh[:, slot] = X.flatten(1)
            Gh[:, slot] = G.flatten(1)
            filled[:, slot] = True
            row = torch.matmul(Gh[:, slot : slot + 1], Gh.transpose(-1, -2)).squeeze(-2)  # (S, memory)
            Hh[:, slot, :] = row
            Hh[:, :, slot] = row
            valid = filled.to(X.dtype)
            H = Hh * (valid.unsqueeze(-1) * valid.unsqueeze(-2))
            diag = H.diagonal(dim1=-2, dim2=-1)
            lam = reg * diag.amax(-1).clamp_min(torch.finfo(X.dtype).tiny)
            H = H + (lam.unsqueeze(-1) * valid + (1.0 - valid)).unsqueeze(-1) * eye  # invalid slots: a_j = 0
            a, info = torch.linalg.solve_ex(H, valid.unsqueeze(-1))
            alpha = a / a.sum(-2, keepdim=True)  # (S, memory, 1)
            ok = (info == 0) & torch.isfinite(alpha).all(-2).squeeze(-1) & (alpha.abs().sum((-2, -1)) <= _ALPHA_MAX)
            alpha_t = torch.where(ok.reshape(S, 1, 1), alpha, 0.0).transpose(-1, -2)  # (S, 1, memory)
            Xa = (torch.matmul(alpha_t, Xh) + beta * torch.matmul(alpha_t, Gh)).reshape(X.shape)
            X_pic = X + beta * G
            X_new = torch.where(ok.reshape(view), Xa, X_pic)
        finite = torch.isfinite(X_new.flatten(1)).all(-1)
        running = running & finite
        X = torch.where(running.reshape(view), X_new, X)
        iters = iters + running.to(torch.int64)
    if memory > 0:
        # a seed that stopped unconverged returns its best measured iterate
        use_best = ~conv & (res_best < res)
        X = torch.where(use_best.reshape(view), X_best, X)
        res = torch.where(use_best, res_best, res)
        iters = torch.where(use_best, it_best, iters)
    return X, iters, res, conv


def _relu_map_t(B: Tensor, Phi: Tensor) -> Callable[[Tensor], Tensor]:
    """The map in transposed layout: Y = Zᵀ (S, N, m) ↦ relu(Y Bᵀ + Φᵀ) = relu(BZ + Φ)ᵀ.

    Row-major (S, N, m) iterates make the batched product about twice as fast on CPU for N ≪ m;
    norms, residuals and the Anderson weights are the same in either layout.
    """
    PhiT = Phi.transpose(-1, -2).contiguous()
    Bt = B.transpose(-1, -2)

    def g(Y: Tensor) -> Tensor:
        return torch.baddbmm(PhiT, Y, Bt).relu_()

    return g


def _solve(
    B: Tensor,
    Phi: Tensor,
    *,
    method: str,
    tol: float,
    max_iter: int | None,
    memory: int,
    beta: float,
    reg: float,
    Z0: Tensor | None,
    norm_B: Tensor | None,
    active: Tensor | None,
    on_fail: str,
) -> FixedPoint:
    if max_iter is None:
        max_iter = DEFAULT_MAX_ITER[method]
    Y0 = torch.zeros_like(_xt(Phi)) if Z0 is None else _xt(Z0.detach().to(Phi)).contiguous()
    Y, iters, res, conv = _iterate(
        _relu_map_t(B.detach(), Phi.detach()), Y0, tol=tol, max_iter=max_iter,
        memory=memory if method == "anderson" else 0, beta=beta, reg=reg, active=active,
    )
    Z = _xt(Y).contiguous()
    if norm_B is None:
        norm_B = spectral_norm(B.detach())
    fp = FixedPoint(Z=Z, iterations=iters, residual=res, converged=conv, norm_B=norm_B, method=method, tol=tol)
    return fp.require_converged() if on_fail == "raise" else fp


def _check_solver_args(tol: object, max_iter: object, on_fail: object) -> tuple[float, int | None, str]:
    tol = _finite_float("tol", tol, minimum=0.0)
    if max_iter is not None:
        max_iter = _int_at_least("max_iter", max_iter, 0)
    return tol, max_iter, _check_on_fail(on_fail)  # type: ignore[return-value]


def picard(
    B: Tensor,
    Phi: Tensor,
    *,
    tol: float = 1e-12,
    max_iter: int | None = None,
    Z0: Tensor | None = None,
    on_fail: str = "flag",
) -> FixedPoint:
    """Picard iteration Z ← relu(BZ + Φ) from Z0 (zeros), batched over seeds and samples.

    B (S, m, m), Φ (S, m, N), Z0 (S, m, N). After ℓ updates Z_ℓ = g^ℓ(Z0); with ``tol=0`` and
    ``max_iter=ℓ`` it returns exactly that iterate (for the error bound
    ‖Z_ℓ − Z*‖ ≤ ‖B‖₂^ℓ ‖Z0 − Z*‖ under ‖B‖₂ < 1 [derived]). Default ``max_iter`` 5000 (a
    contraction factor 0.995 needs ~5500 updates for 1e-12). Returns a :class:`FixedPoint`;
    non-converged seeds are flagged, or raise :class:`NonConvergenceError` with ``on_fail="raise"``.
    """
    _check_system(B, Phi, Z0)
    tol, max_iter, on_fail = _check_solver_args(tol, max_iter, on_fail)
    return _solve(B, Phi, method="picard", tol=tol, max_iter=max_iter, memory=0, beta=1.0, reg=0.0,
                  Z0=Z0, norm_B=None, active=None, on_fail=on_fail)


def anderson(
    B: Tensor,
    Phi: Tensor,
    *,
    tol: float = 1e-12,
    max_iter: int | None = None,
    memory: int = 5,
    beta: float = 1.0,
    reg: float = 1e-12,
    Z0: Tensor | None = None,
    on_fail: str = "flag",
) -> FixedPoint:
    """Anderson-accelerated fixed-point iteration for Z = relu(BZ + Φ), batched over seeds.

    B (S, m, m), Φ (S, m, N), Z0 (S, m, N) (zeros by default). Type-II Anderson mixing
    (Walker & Ni 2011) over the last ``memory`` iterates with mixing ``beta`` and Tikhonov
    regularisation ``reg`` (relative to the largest squared residual in the history), one
    least-squares problem per seed over the whole (m, N) block; a seed whose least-squares problem
    is ill-conditioned (failed solve, non-finite or ‖α‖₁ > 1e6 weights) takes a Picard step. The
    returned Z is the last Anderson iterate, a mix of relu outputs, so entries may be negative at
    the level of the residual. Default ``max_iter`` 1000. Non-converged seeds are flagged, or raise
    :class:`NonConvergenceError` with ``on_fail="raise"``.
    """
    _check_system(B, Phi, Z0)
    tol, max_iter, on_fail = _check_solver_args(tol, max_iter, on_fail)
    memory = _int_at_least("memory", memory, 1)
    beta = _finite_float("beta", beta, minimum=0.0, strict=True)
    reg = _finite_float("reg", reg, minimum=0.0)
    return _solve(B, Phi, method="anderson", tol=tol, max_iter=max_iter, memory=memory, beta=beta, reg=reg,
                  Z0=Z0, norm_B=None, active=None, on_fail=on_fail)


def solve_equilibrium(
    params: ImplicitParams,
    X: Tensor,
    *,
    method: str = "anderson",
    tol: float = 1e-12,
    max_iter: int | None = None,
    Z0: Tensor | None = None,
    on_fail: str = "flag",
) -> FixedPoint:
    """Equilibria Z* (S, m, N) of the implicit layer for all inputs X (N, d) or (S, N, d).

    Solves Z = relu(BZ + Φ) with B = (γ/√m)A and Φ = :func:`features` (W, X) by ``method``
    ("anderson", default, or "picard"). ``on_fail="flag"`` returns non-converged seeds with
    ``converged=False``; ``on_fail="raise"`` raises :class:`NonConvergenceError` naming the seeds,
    their iterations and residuals. To solve a raw system (B, Φ) call :func:`picard` or
    :func:`anderson` directly.
    """
    _, m, N = _check_model(params, X)
    method = _check_method(method)
    tol, max_iter, on_fail = _check_solver_args(tol, max_iter, on_fail)
    B = params.B.detach()
    Phi = _phi(params.W.detach(), X)[1]
    _check_system(B, Phi, Z0)
    return _solve(B, Phi, method=method, tol=tol, max_iter=max_iter, memory=5, beta=1.0, reg=1e-12,
                  Z0=Z0, norm_B=None, active=None, on_fail=on_fail)


# --------------------------------------------------------------------------------------------
# predictions and loss
# --------------------------------------------------------------------------------------------


def _yhat(u: Tensor, Z: Tensor) -> Tensor:
    return torch.einsum("sm,smn->sn", u, Z)


def predict(
    params: ImplicitParams,
    X: Tensor,
    *,
    fp: FixedPoint | None = None,
    method: str = "anderson",
    tol: float = 1e-12,
    max_iter: int | None = None,
) -> tuple[Tensor, FixedPoint]:
    """Predictions ŷ_i = uᵀ z*(x_i), shape (S, N), and the :class:`FixedPoint` they came from.

    params (A, W, u, γ), X (N, d) or (S, N, d). Uses ``fp`` if given (it must be the solve at
    these parameters and inputs), else :func:`solve_equilibrium` with ``on_fail="flag"``: check
    ``fp.converged`` before trusting a seed's predictions.
    """
    S, m, N = _check_model(params, X)
    if fp is None:
        fp = solve_equilibrium(params, X, method=method, tol=tol, max_iter=max_iter)
    _check_fp(fp, S=S, m=m, N=N)
    return _yhat(params.u, fp.Z), fp


def loss(
    params: ImplicitParams,
    X: Tensor,
    y: Tensor,
    *,
    fp: FixedPoint | None = None,
    method: str = "anderson",
    tol: float = 1e-12,
    max_iter: int | None = None,
) -> Tensor:
    """Square loss L = ½ Σ_i (ŷ_i − y_i)² (no 1/N), shape (S,) [abstract: square loss].

    params, X (N, d) or (S, N, d), y (N,) or (S, N); ``fp`` as in :func:`predict`.
    """
    _check_model(params, X, y)
    yhat, _ = predict(params, X, fp=fp, method=method, tol=tol, max_iter=max_iter)
    e = yhat - y
    return 0.5 * (e * e).sum(-1)


def unrolled_loss(params: ImplicitParams, X: Tensor, y: Tensor, *, iterations: int, Z0: Tensor | None = None) -> Tensor:
    """Differentiable loss through ``iterations`` Picard steps, for autograd comparisons; (S,).

    Z_0 = Z0 (zeros), Z_{k+1} = relu(B Z_k + Φ) with B = (γ/√m)A and Φ = sqrt(2/m) relu(W Xᵀ) built
    from params (so gradients flow to whichever of A, W, u require grad), then
    L_ℓ = ½ Σ_i (uᵀ Z_ℓ[:, i] − y_i)². As ℓ → ∞ (‖B‖₂ < 1) its gradient tends to the implicit
    gradient with an O(ℓ‖B‖₂^ℓ) gap [derived; CLAIMS.md gao2022, implicit gradient].
    """
    S, m, N = _check_model(params, X, y)
    iterations = _int_at_least("iterations", iterations, 0)
    B = params.B
    Phi = _phi(params.W, X)[1]
    Z = torch.zeros_like(Phi) if Z0 is None else Z0
    if Z.shape != Phi.shape:
        raise ValueError(f"Z0.shape={_shape(Z0)}: expected {(S, m, N)}")
    for _ in range(iterations):
        Z = torch.relu(torch.matmul(B, Z) + Phi)
    e = _yhat(params.u, Z) - y
    return 0.5 * (e * e).sum(-1)


# --------------------------------------------------------------------------------------------
# implicit differentiation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ImplicitGrads:
    """Gradients of L at the equilibrium by implicit differentiation, batched over S seeds.

    A (S, m, m), u (S, m), W (S, m, d): ∂L/∂A, ∂L/∂u, ∂L/∂W, or None where not requested.
    adjoint:  :class:`FixedPoint`-like record of the adjoint solve (Z holds V, see
              :func:`implicit_grads`; method "adjoint-direct" or "adjoint-anderson").
    valid:    (S,) bool, the forward solve and the adjoint solve both converged; gradients of
              other seeds are not to be trusted.
    """

    A: Tensor | None
    u: Tensor | None
    W: Tensor | None
    adjoint: FixedPoint
    valid: Tensor

    def as_dict(self) -> dict[str, Tensor]:
        """The requested gradients by name, e.g. {"A": …, "u": …}."""
        return {k: v for k, v in (("A", self.A), ("u", self.u), ("W", self.W)) if v is not None}


def _adjoint(
    B: Tensor, Dm: Tensor, R: Tensor, *, how: str, tol: float, max_iter: int | None, active: Tensor | None, norm_B: Tensor
) -> FixedPoint:
    """Solve V = R + Bᵀ(D ⊙ V) per column, i.e. (I − D_i B)ᵀ v_i = r_i, batched; V (S, m, N).

    Dm (S, m, N) is the 0/1 pattern 1{Bz* + φ > 0}; R (S, m, N).
    """
    S, m, N = R.shape
    Bt = B.transpose(-1, -2)
    Rt, Dt = _xt(R).contiguous(), _xt(Dm).contiguous()

    def g(Vt: Tensor) -> Tensor:  # transposed layout, as in _relu_map_t: Vᵀ ↦ Rᵀ + (Dᵀ ⊙ Vᵀ) B
        return torch.baddbmm(Rt, Dt * Vt, B)

    if how == "auto":
        how = "direct" if S * N * m * m <= DIRECT_ADJOINT_BUDGET else "iterative"
    if how == "direct":
        # (I − D_i B)ᵀ = I − Bᵀ D_i: scale column j of Bᵀ by D_i[j]; (S, N, m, m)
        Mt = torch.eye(m, dtype=B.dtype, device=B.device) - Bt.unsqueeze(1) * Dt.unsqueeze(-2)
        sol, info = torch.linalg.solve_ex(Mt, Rt.unsqueeze(-1))
        Vt = sol.squeeze(-1)  # (S, N, m)
        ok = (info == 0).all(-1)
        res = torch.where(ok, _rel_res(Vt, g(Vt)), torch.full_like(ok, math.inf, dtype=R.dtype))
        conv = res <= tol
        iters = torch.zeros(S, dtype=torch.int64, device=R.device)
        method = "adjoint-direct"
    elif how == "iterative":
        Vt, iters, res, conv = _iterate(g, Rt.clone(), tol=tol, max_iter=DEFAULT_MAX_ITER["anderson"] if max_iter is None else max_iter,
                                       memory=5, beta=1.0, reg=1e-12, active=active)
        method = "adjoint-anderson"
    else:
        raise ValueError(f"adjoint={how!r}: expected 'auto', 'direct' or 'iterative'")
    V = _xt(Vt).contiguous()
    return FixedPoint(Z=V, iterations=iters, residual=res, converged=conv, norm_B=norm_B, method=method, tol=tol)


def _pattern(B: Tensor, Z: Tensor, Phi: Tensor) -> Tensor:
    return (torch.baddbmm(Phi, B, Z) > 0).to(Z.dtype)


def _grads(
    params: ImplicitParams, X: Tensor, y: Tensor, fp: FixedPoint, *, wrt: tuple[str, ...], adjoint: str,
    tol: float, max_iter: int | None, active: Tensor | None = None,
) -> tuple[Tensor, ImplicitGrads]:
    """Internal: (residual e (S, N), ImplicitGrads) at the equilibrium fp.Z."""
    A, W, u = params.A.detach(), params.W.detach(), params.u.detach()
    m = params.m
    c = params.gamma / math.sqrt(m)
    B = c * A
    pre, Phi = _phi(W, X)
    Z = fp.Z
    e = _yhat(u, Z) - y
    Dm = _pattern(B, Z, Phi)
    R = u.unsqueeze(-1) * e.unsqueeze(-2)  # column i: u·e_i
    adj = _adjoint(B, Dm, R, how=adjoint, tol=tol, max_iter=max_iter, active=active, norm_B=fp.norm_B)
    P = Dm * adj.Z  # column i: D_i v_i = ∂L/∂φ_i
    gA = c * torch.matmul(P, _xt(Z)) if "A" in wrt else None
    gu = torch.matmul(Z, e.unsqueeze(-1)).squeeze(-1) if "u" in wrt else None
    gW = None
    if "W" in wrt:
        Q = math.sqrt(2.0 / m) * P * (pre > 0).to(P.dtype)
        gW = torch.matmul(Q, X)
    valid = fp.converged & adj.converged
    return e, ImplicitGrads(A=gA, u=gu, W=gW, adjoint=adj, valid=valid)


def implicit_grads(
    params: ImplicitParams,
    X: Tensor,
    y: Tensor,
    *,
    fp: FixedPoint | None = None,
    wrt: Sequence[str] = ("A", "u"),
    adjoint: str = "auto",
    tol: float = 1e-12,
    max_iter: int | None = None,
) -> ImplicitGrads:
    """∂L/∂A, ∂L/∂u (and ∂L/∂W if in ``wrt``) at the equilibrium, by implicit differentiation.

    Differentiating z = relu(Bz + φ) at z* with D = diag(1{Bz* + φ > 0}) gives
    (I − DB) dz* = D (dB z* + dφ) [derived; CLAIMS.md gao2022, implicit gradient]. For
    L = ½Σ_i e_i², e_i = uᵀz*_i − y_i, solve per sample the adjoint system

        (I − D_i B)ᵀ v_i = u e_i          (all N at once: V = U E + Bᵀ(D ⊙ V), V (S, m, N))

    then, with P = D ⊙ V (column i = D_i v_i = ∂L/∂φ_i),

        ∂L/∂B = Σ_i D_i v_i z_iᵀ = P Zᵀ,   ∂L/∂A = (γ/√m) ∂L/∂B,   ∂L/∂u = Σ_i e_i z_i = Z e,
        ∂L/∂W = sqrt(2/m) Σ_i (D_i v_i ⊙ 1{W x_i > 0}) x_iᵀ.

    ``adjoint``: "direct" solves the S·N systems (I − Bᵀ D_i) v_i = r_i with batched
    ``torch.linalg.solve`` (exact, works whenever I − D_i B is invertible, memory S·N·m²);
    "iterative" runs Anderson on the linear map V ↦ R + Bᵀ(D ⊙ V) (converges for ‖B‖₂ < 1, memory
    S·m·N·6); "auto" (default) is direct while S·N·m² ≤ 2²² entries. The adjoint residual is
    measured either way; ``valid`` is False for seeds whose forward or adjoint solve failed.

    params, X (N, d) or (S, N, d), y (N,) or (S, N); ``fp`` the equilibrium at these parameters
    (solved by :func:`solve_equilibrium` if None).
    """
    S, m, N = _check_model(params, X, y)
    wrt = _check_train(wrt)
    adjoint = _check_adjoint(adjoint)
    tol, max_iter, _ = _check_solver_args(tol, max_iter, "flag")
    if fp is None:
        fp = solve_equilibrium(params, X, tol=tol)
    _check_fp(fp, S=S, m=m, N=N)
    return _grads(params, X, y, fp, wrt=wrt, adjoint=adjoint, tol=tol, max_iter=max_iter)[1]


def gram_ntk(
    params: ImplicitParams,
    X: Tensor,
    *,
    fp: FixedPoint | None = None,
    train: Sequence[str] = ("A", "u"),
    adjoint: str = "auto",
    tol: float = 1e-12,
) -> Tensor:
    """Gram (NTK) matrix K_ij = Σ_θ ⟨∂ŷ_i/∂θ, ∂ŷ_j/∂θ⟩ over the trained matrices; (S, N, N).

    From the implicit Jacobians, with w_i = (I − D_i B)⁻ᵀ u (the adjoint with e_i = 1), q_i = D_i w_i:

        ∂ŷ_i/∂u = z_i                               K_u = ZᵀZ
        ∂ŷ_i/∂A = (γ/√m) q_i z_iᵀ                    K_A = (γ²/m) (QᵀQ) ⊙ (ZᵀZ)
        ∂ŷ_i/∂W = sqrt(2/m) (q_i ⊙ 1{Wx_i > 0}) x_iᵀ   K_W = (2/m) (Q_Wᵀ Q_W) ⊙ (X Xᵀ)

    (⟨a bᵀ, c dᵀ⟩_F = (aᵀc)(bᵀd)). Under gradient flow on the trained set, dŷ/dt = −K(ŷ − y); the
    linear-rate claim uses λ_min(K) at init [recalled, CLAIMS.md gao2022]. params, X (N, d) or
    (S, N, d); ``fp`` the equilibrium (solved if None). The adjoint solve is as in
    :func:`implicit_grads`; it must converge, else :class:`NonConvergenceError`.
    """
    S, m, N = _check_model(params, X)
    train = _check_train(train)
    adjoint = _check_adjoint(adjoint)
    tol = _finite_float("tol", tol, minimum=0.0)
    if fp is None:
        fp = solve_equilibrium(params, X, tol=tol)
    _check_fp(fp, S=S, m=m, N=N)
    A, W, u = params.A.detach(), params.W.detach(), params.u.detach()
    c = params.gamma / math.sqrt(m)
    B = c * A
    pre, Phi = _phi(W, X)
    Z = fp.Z
    ZZ = torch.matmul(_xt(Z), Z)
    K = torch.zeros(S, N, N, dtype=Z.dtype, device=Z.device)
    if "u" in train:
        K = K + ZZ
    if "A" in train or "W" in train:
        Dm = _pattern(B, Z, Phi)
        R = u.unsqueeze(-1).expand(S, m, N).contiguous()
        adj = _adjoint(B, Dm, R, how=adjoint, tol=tol, max_iter=None, active=None, norm_B=fp.norm_B).require_converged()
        Q = Dm * adj.Z
        if "A" in train:
            K = K + (c * c) * torch.matmul(_xt(Q), Q) * ZZ
        if "W" in train:
            QW = Q * (pre > 0).to(Q.dtype)
            K = K + (2.0 / m) * torch.matmul(_xt(QW), QW) * torch.matmul(X, _xt(X))
    return K


def lambda_min(K: Tensor) -> Tensor:
    """Least eigenvalue of each symmetric matrix in K (..., N, N), shape (...).

    λ_min(½(K + Kᵀ)) by ``torch.linalg.eigvalsh`` (symmetrising removes rounding asymmetry).
    """
    if not isinstance(K, Tensor) or K.ndim < 2 or K.shape[-1] != K.shape[-2]:
        raise ValueError(f"K.shape={_shape(K)}: expected (..., N, N), a batch of square matrices")
    return torch.linalg.eigvalsh(0.5 * (K + K.transpose(-1, -2)))[..., 0]


# --------------------------------------------------------------------------------------------
# gradient descent
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ImplicitTrajectory:
    """Record of batched GD on the implicit layer; K = number of steps, S = number of seeds.

    loss:       (S, K+1) L(k) = ½‖ŷ(k) − y‖², +inf from the step a seed is marked diverged on.
    norm_B:     (S, K+1) Lanczos estimate of ‖B(k)‖₂ (a lower bound, see spectral_norm); NaN when
                not tracked (``track_lower=False``).
    norm_B_upper: (S, K+1) certified upper bound on ‖B(k)‖₂ (:func:`spectral_norm_upper`):
                min(‖B(0)‖₂ + ‖B(k) − B(0)‖_F, ‖B(k)‖_F), ‖B(0)‖₂ by an exact SVD.
    dist_A:     (S, K+1) ‖A(k) − A(0)‖_F;  dist_u: ‖u(k) − u(0)‖₂;  dist_W: ‖W(k) − W(0)‖_F.
    iterations: (S, K+1) int64 forward-solver updates at step k (0 once a seed is frozen).
    residual:   (S, K+1) forward relative residual at step k (of the frozen Z once diverged).
    converged:  (S, K+1) bool forward solve converged at step k.
    diverged:   (S,) bool: a forward or adjoint solve failed, the loss became non-finite or
                exceeded the threshold, or an update was non-finite; the seed's parameters were
                frozen at their last value from then on.
    params:     final :class:`ImplicitParams`.
    train:      the trained names, e.g. ("A", "u").
    lambda_min_K: (S, K+1) λ_min(K(k)) of the Gram over the trained matrices at step k (:func:`gram_ntk` at
                the step's equilibrium), NaN once a seed is diverged; None unless ``track_gram``.
    """

    loss: Tensor
    norm_B: Tensor
    norm_B_upper: Tensor
    dist_A: Tensor
    dist_u: Tensor
    dist_W: Tensor
    iterations: Tensor
    residual: Tensor
    converged: Tensor
    diverged: Tensor
    params: ImplicitParams
    train: tuple[str, ...]
    lambda_min_K: Tensor | None = None


def gd_trajectory(
    params: ImplicitParams,
    X: Tensor,
    y: Tensor,
    *,
    eta: float | Tensor,
    steps: int,
    train: Sequence[str] = ("A", "u"),
    method: str = "anderson",
    tol: float = 1e-10,
    max_iter: int | None = None,
    warm_start: bool = True,
    adjoint: str = "auto",
    divergence_threshold: float = 1e100,
    track_lower: bool = True,
    track_gram: bool = False,
) -> ImplicitTrajectory:
    """Full-batch GD θ(k+1) = θ(k) − η ∂L/∂θ(k) for θ in ``train``, recorded at k = 0..steps.

    Gradients by implicit differentiation (:func:`implicit_grads`) at the equilibrium solved by
    ``method`` to relative residual ``tol``, warm-started from the previous step's Z when
    ``warm_start`` [GD on A and u with W fixed is the recalled training setup of Gao & Gao 2022;
    CLAIMS.md gao2022]. ``eta`` is a float or an (S,) tensor. ‖B(k)‖₂ is tracked twice: from
    below by Lanczos (:func:`spectral_norm`) warm-started from the previous step's top right
    singular vector, and from above by :func:`spectral_norm_upper` (one SVD of B(0), then a
    Frobenius norm per step), the bound a well-posedness claim needs. ``track_lower=False`` skips the Lanczos
    estimate (most of the cost of a step at small N) and records NaN in ``norm_B``; nothing else changes.
    ``track_gram=True`` also records λ_min(K(k)) (``lambda_min_K``), K(k) = :func:`gram_ntk` over ``train`` at the
    step's equilibrium (one more adjoint solve per step); the trajectory itself does not change.

    Never raises on divergence and never returns NaN: a seed whose forward or adjoint solve does
    not converge, whose loss is non-finite or > ``divergence_threshold``, or whose update is
    non-finite, is marked diverged, its loss is +inf from that record on, its parameters stay
    frozen and its solver stops (iterations 0 from then on).

    params (S seeds), X (N, d) or (S, N, d), y (N,) or (S, N). Returns :class:`ImplicitTrajectory`.
    """
    S, m, N = _check_model(params, X, y)
    steps = _int_at_least("steps", steps, 0)
    train = _check_train(train)
    method = _check_method(method)
    adjoint = _check_adjoint(adjoint)
    tol, max_iter, _ = _check_solver_args(tol, max_iter, "flag")
    if not isinstance(warm_start, bool):
        raise ValueError(f"warm_start={warm_start!r}: expected True or False")
    if not isinstance(track_lower, bool):
        raise ValueError(f"track_lower={track_lower!r}: expected True or False")
    if not isinstance(track_gram, bool):
        raise ValueError(f"track_gram={track_gram!r}: expected True or False")
    try:
        thr = float(divergence_threshold)
    except (TypeError, ValueError):
        raise ValueError(f"divergence_threshold={divergence_threshold!r}: expected a real number > 0") from None
    if not thr > 0:
        raise ValueError(f"divergence_threshold={divergence_threshold}: must be > 0")
    A0, W0, u0 = params.A.detach(), params.W.detach(), params.u.detach()
    lr = _step_sizes(eta, S=S, like=A0)
    opts = {"dtype": A0.dtype, "device": A0.device}
    R = steps + 1
    rec_loss = torch.empty(S, R, **opts)
    rec_norm = torch.empty(S, R, **opts)
    rec_upper = torch.empty(S, R, **opts)
    rec_dA = torch.empty(S, R, **opts)
    rec_du = torch.empty(S, R, **opts)
    rec_dW = torch.empty(S, R, **opts)
    rec_it = torch.empty(S, R, dtype=torch.int64, device=A0.device)
    rec_res = torch.empty(S, R, **opts)
    rec_conv = torch.empty(S, R, dtype=torch.bool, device=A0.device)
    rec_lmin = torch.full((S, R), math.nan, **opts) if track_gram else None
    diverged = torch.zeros(S, dtype=torch.bool, device=A0.device)
    inf = torch.tensor(math.inf, **opts)
    c = params.gamma / math.sqrt(m)
    A, W, u = A0.clone(), W0.clone(), u0.clone()
    v = _start_vector(S, m, generator=None, like=A0)
    B0 = c * A0
    norm_B0 = spectral_norm_exact(B0)  # one SVD: the anchor of the certified upper bound
    Z = None
    for k in range(R):
        B = c * A
        rec_upper[:, k] = _norm_upper(B, B0, norm_B0)
        if track_lower:
            sigma, v = _lanczos(B, v, iters=300, rtol=1e-13)
        else:
            sigma = torch.full((S,), math.nan, **opts)
        Phi = _phi(W, X)[1]
        fp = _solve(B, Phi, method=method, tol=tol, max_iter=max_iter, memory=5, beta=1.0, reg=1e-12,
                    Z0=Z if warm_start else None, norm_B=sigma, active=~diverged, on_fail="flag")
        e = _yhat(u, fp.Z) - y
        L = 0.5 * (e * e).sum(-1)
        was = diverged.clone()
        diverged |= ~fp.converged | ~torch.isfinite(L) | (L > thr)
        rec_loss[:, k] = torch.where(diverged, inf, L)
        rec_norm[:, k] = sigma
        rec_dA[:, k] = torch.linalg.vector_norm((A - A0).flatten(1), dim=-1)
        rec_du[:, k] = torch.linalg.vector_norm(u - u0, dim=-1)
        rec_dW[:, k] = torch.linalg.vector_norm((W - W0).flatten(1), dim=-1)
        rec_it[:, k] = torch.where(was, torch.zeros_like(fp.iterations), fp.iterations)
        rec_res[:, k] = fp.residual
        rec_conv[:, k] = fp.converged & ~was
        Z = fp.Z
        cur = ImplicitParams(A=A, W=W, u=u, gamma=params.gamma)
        if rec_lmin is not None:
            rec_lmin[:, k] = _tracked_lambda_min(cur, X, fp, train=train, adjoint=adjoint, tol=tol, live=~diverged)
        if k == steps:
            break
        _, gr = _grads(cur, X, y, fp, wrt=train, adjoint=adjoint, tol=tol, max_iter=max_iter, active=~diverged)
        diverged |= ~gr.adjoint.converged
        ok = torch.ones(S, dtype=torch.bool, device=A0.device)
        new = {}
        for name, grad in gr.as_dict().items():
            old = {"A": A, "u": u, "W": W}[name]
            upd = old - lr.reshape((S,) + (1,) * (old.ndim - 1)) * grad
            ok &= torch.isfinite(upd.flatten(1)).all(-1)
            new[name] = upd
        diverged |= ~ok
        live = ~diverged
        if "A" in new:
            A = torch.where(live[:, None, None], new["A"], A)
        if "u" in new:
            u = torch.where(live[:, None], new["u"], u)
        if "W" in new:
            W = torch.where(live[:, None, None], new["W"], W)
    final = ImplicitParams(A=A, W=W, u=u, gamma=params.gamma)
    return ImplicitTrajectory(
        loss=rec_loss, norm_B=rec_norm, norm_B_upper=rec_upper, dist_A=rec_dA, dist_u=rec_du, dist_W=rec_dW, iterations=rec_it,
        residual=rec_res, converged=rec_conv, diverged=diverged, params=final, train=train, lambda_min_K=rec_lmin,
    )


def _tracked_lambda_min(params: ImplicitParams, X: Tensor, fp: FixedPoint, *, train: tuple[str, ...], adjoint: str,
                        tol: float, live: Tensor) -> Tensor:
    """(S,) λ_min(K) at the given equilibrium, NaN for the seeds not ``live``; a seed whose adjoint solve fails gets
    NaN too (the batch is redone seed by seed only then)."""
    nan = torch.full(live.shape, math.nan, dtype=params.A.dtype, device=params.A.device)
    try:
        return torch.where(live, lambda_min(gram_ntk(params, X, fp=fp, train=train, adjoint=adjoint, tol=tol)), nan)
    except NonConvergenceError:
        out = nan.clone()
        for s in torch.nonzero(live).flatten().tolist():
            one = ImplicitParams(A=params.A[s:s + 1], W=params.W[s:s + 1], u=params.u[s:s + 1], gamma=params.gamma)
            Xs = X[s:s + 1] if X.ndim == 3 else X
            fps = FixedPoint(Z=fp.Z[s:s + 1], iterations=fp.iterations[s:s + 1], residual=fp.residual[s:s + 1],
                             converged=fp.converged[s:s + 1], norm_B=None if fp.norm_B is None else fp.norm_B[s:s + 1],
                             method=fp.method, tol=fp.tol)
            try:
                out[s] = lambda_min(gram_ntk(one, Xs, fp=fps, train=train, adjoint=adjoint, tol=tol))[0]
            except NonConvergenceError:
                pass
        return out


@dataclass(frozen=True, eq=False)
class ImplicitFlow:
    """Record of gradient flow on the implicit layer integrated by RK4; K = number of steps.

    time:         (K+1,) 0, h, …, t_end.
    loss:         (S, K+1) L(t) = ½‖ŷ(t) − y‖².
    norm_B_upper: (S, K+1) certified upper bound on ‖B(t)‖₂ (:func:`spectral_norm_upper`, anchored at B(0)).
    dist_A:       (S, K+1) ‖A(t) − A(0)‖_F;  dist_u: ‖u(t) − u(0)‖₂.
    diverged:     (S,) bool: a forward or adjoint solve failed, or the loss or field became non-finite, at some
                  RK4 stage; the seed's loss is +inf from that record on and its parameters stay frozen.
    params:       final :class:`ImplicitParams`.
    """

    time: Tensor
    loss: Tensor
    norm_B_upper: Tensor
    dist_A: Tensor
    dist_u: Tensor
    diverged: Tensor
    params: ImplicitParams


def flow_trajectory(
    params: ImplicitParams,
    X: Tensor,
    y: Tensor,
    *,
    t_end: float,
    steps: int,
    tol: float = 1e-12,
) -> ImplicitFlow:
    """Gradient flow dA/dt = −∂L/∂A, du/dt = −∂L/∂u (W fixed) by classic RK4 at h = t_end/steps.

    The flow of the recalled training setup of Gao & Gao (2022) [abstract: "both GF and GD converge"]. One step
    for θ' = F(θ) = −∇L(θ): k1 = F(θ), k2 = F(θ + h/2·k1), k3 = F(θ + h/2·k2), k4 = F(θ + h·k3),
    θ ← θ + h/6·(k1 + 2k2 + 2k3 + k4). Each F solves the equilibrium (Anderson, relative residual ``tol``) and its
    adjoint (:func:`implicit_grads`). Never raises on divergence: a seed whose solve fails at any stage (the flow
    left the well-posed region) or whose loss or field is non-finite is marked diverged, its loss is +inf from
    then on and its parameters stay frozen, as in :func:`gd_trajectory`. The field is discontinuous where an
    activation pattern flips, so the fourth order holds only between flips. params (S seeds), X (N, d) or
    (S, N, d), y (N,) or (S, N). Returns :class:`ImplicitFlow`.
    """
    S, m, N = _check_model(params, X, y)
    steps = _int_at_least("steps", steps, 1)
    t = _finite_float("t_end", t_end, minimum=0.0, strict=True)
    tol = _finite_float("tol", tol, minimum=0.0)
    h = t / steps
    A0, W, u0 = params.A.detach(), params.W.detach(), params.u.detach()
    c = params.gamma / math.sqrt(m)
    B0 = c * A0
    norm_B0 = spectral_norm_exact(B0)
    opts = {"dtype": A0.dtype, "device": A0.device}
    rec_loss = torch.empty(S, steps + 1, **opts)
    rec_upper = torch.empty(S, steps + 1, **opts)
    rec_dA = torch.empty(S, steps + 1, **opts)
    rec_du = torch.empty(S, steps + 1, **opts)

    Phi = _phi(W, X)[1]
    diverged = torch.zeros(S, dtype=torch.bool, device=A0.device)
    warm: list[Tensor | None] = [None]  # the last solved Z: every stage starts from it

    def field(A: Tensor, u: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        B = c * A
        # the certified upper bound stands in for ‖B‖₂ (used in messages and the adjoint's choice), no Lanczos;
        # seeds already diverged are skipped by the solvers (``active``), as in gd_trajectory
        fp = _solve(B, Phi, method="anderson", tol=tol, max_iter=None, memory=5, beta=1.0, reg=1e-12, Z0=warm[0],
                    norm_B=_norm_upper(B, B0, norm_B0), active=~diverged, on_fail="flag")
        warm[0] = fp.Z
        cur = ImplicitParams(A=A, W=W, u=u, gamma=params.gamma)
        e, g = _grads(cur, X, y, fp, wrt=("A", "u"), adjoint="auto", tol=tol, max_iter=None, active=~diverged)
        L = 0.5 * (e * e).sum(-1)
        ok = (fp.converged & g.adjoint.converged & torch.isfinite(L) & torch.isfinite(g.A.flatten(1)).all(-1)
              & torch.isfinite(g.u).all(-1))
        # a failed seed's field is set to 0 (it is frozen by the caller); no NaN enters the other seeds' arithmetic
        gA = torch.where(ok[:, None, None], -g.A, torch.zeros_like(A))
        gu = torch.where(ok[:, None], -g.u, torch.zeros_like(u))
        return gA, gu, L, ok

    A, u = A0.clone(), u0.clone()
    for k in range(steps + 1):
        k1A, k1u, L, ok1 = field(A, u)
        diverged |= ~ok1
        rec_loss[:, k] = torch.where(diverged, torch.full_like(L, math.inf), L)
        rec_upper[:, k] = _norm_upper(c * A, B0, norm_B0)
        rec_dA[:, k] = torch.linalg.vector_norm((A - A0).flatten(1), dim=-1)
        rec_du[:, k] = torch.linalg.vector_norm(u - u0, dim=-1)
        if k == steps:
            break
        k2A, k2u, _, ok2 = field(A + 0.5 * h * k1A, u + 0.5 * h * k1u)
        k3A, k3u, _, ok3 = field(A + 0.5 * h * k2A, u + 0.5 * h * k2u)
        k4A, k4u, _, ok4 = field(A + h * k3A, u + h * k3u)
        diverged |= ~(ok2 & ok3 & ok4)
        live = ~diverged
        A = torch.where(live[:, None, None], A + (h / 6.0) * (k1A + 2.0 * k2A + 2.0 * k3A + k4A), A)
        u = torch.where(live[:, None], u + (h / 6.0) * (k1u + 2.0 * k2u + 2.0 * k3u + k4u), u)
    time = torch.linspace(0.0, t, steps + 1, **opts)
    return ImplicitFlow(time=time, loss=rec_loss, norm_B_upper=rec_upper, dist_A=rec_dA, dist_u=rec_du,
                        diverged=diverged, params=ImplicitParams(A=A, W=W, u=u, gamma=params.gamma))


# --------------------------------------------------------------------------------------------
# exact enumeration (small m) and the scalar control
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FixedPointSet:
    """All fixed points of z = relu(Bz + φ) found by enumerating activation patterns.

    Z:        (S, P, m) candidate solution for each of the P = 2^m patterns (garbage where invalid).
    valid:    (S, P) bool, the candidate is a fixed point consistent with its pattern.
    singular: (S, P) bool, I − D B was singular for that pattern (a continuum of solutions or
              none may hide there; such patterns are never counted as valid).
    count:    (S,) int64, number of valid fixed points.
    """

    Z: Tensor
    valid: Tensor
    singular: Tensor
    count: Tensor


def enumerate_fixed_points(B: Tensor, phi: Tensor, *, atol: float = 1e-12, max_m: int = 12) -> FixedPointSet:
    """Every solution of z = relu(Bz + φ), by a direct solve per activation pattern (small m).

    For each pattern D ⊆ {1..m} solve (I − D B) z = D φ (so z = D p with p = Bz + φ); the solution
    is a fixed point iff p_j > atol on D and p_j ≤ atol off D (each fixed point then matches
    exactly one pattern, up to atol at ties) [derived]. B (S, m, m), φ (S, m); m ≤ ``max_m``
    (2^m patterns, S·2^m·m² memory). Under ‖B‖₂ < 1 exactly one is valid; above 1 there may be
    several or none (the multi-dimensional version of the z = relu(2z − 1) control).
    """
    S, m = _check_square_batch("B", B)
    if not isinstance(phi, Tensor) or tuple(phi.shape) != (S, m):
        raise ValueError(f"phi.shape={_shape(phi)}: expected (S, m) = {(S, m)}")
    max_m = _int_at_least("max_m", max_m, 1)
    if m > max_m:
        raise ValueError(f"B.shape={tuple(B.shape)}: m={m} > max_m={max_m}; enumeration visits 2^m patterns")
    atol = _finite_float("atol", atol, minimum=0.0)
    P = 2**m
    bits = ((torch.arange(P, device=B.device).unsqueeze(-1) >> torch.arange(m, device=B.device)) & 1).to(B.dtype)  # (P, m)
    Dm = bits.unsqueeze(0).expand(S, P, m)
    M = torch.eye(m, dtype=B.dtype, device=B.device) - Dm.unsqueeze(-1) * B.unsqueeze(1)  # (S, P, m, m)
    rhs = (Dm * phi.unsqueeze(1)).unsqueeze(-1)
    sol, info = torch.linalg.solve_ex(M, rhs)
    Z = sol.squeeze(-1)
    singular = info != 0
    p = torch.matmul(B.unsqueeze(1), Z.unsqueeze(-1)).squeeze(-1) + phi.unsqueeze(1)
    on = Dm > 0
    consistent = torch.where(on, p > atol, p <= atol).all(-1)
    valid = consistent & ~singular & torch.isfinite(Z).all(-1)
    return FixedPointSet(Z=Z, valid=valid, singular=singular, count=valid.sum(-1))


def fixed_points_scalar(b: float | Fraction, c: float | Fraction) -> frozenset[Fraction]:
    """All solutions of z = relu(bz + c) in exact rational arithmetic.

    z = 0 solves it iff c ≤ 0; z > 0 solves it iff z = bz + c, i.e. z = c/(1 − b) when b ≠ 1 and
    that value is > 0 [derived]. b, c are converted exactly (``Fraction(float)``), so
    ``fixed_points_scalar(2, -1) == {0, 1}``. When b = 1 and c = 0 every z ≥ 0 is a solution (a
    continuum), which cannot be enumerated: ValueError.
    """
    bq = _exact("b", b)
    cq = _exact("c", c)
    out: set[Fraction] = set()
    if cq <= 0:
        out.add(Fraction(0))
    if bq == 1:
        if cq == 0:
            raise ValueError("b=1, c=0: every z >= 0 is a fixed point of z = relu(z), a continuum")
    else:
        z = cq / (1 - bq)
        if z > 0:
            out.add(z)
    return frozenset(out)


def _exact(name: str, value: object) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name}={value!r}: expected an int, float or Fraction")
    if not math.isfinite(value):
        raise ValueError(f"{name}={value}: must be finite")
    return Fraction(value)


def picard_scalar(b: float | Tensor, c: float | Tensor, z0: float | Tensor, iters: int) -> Tensor:
    """Iterates z_{k+1} = relu(b z_k + c), k = 0..iters, in float64; shape (..., iters + 1).

    b, c, z0 are floats or broadcastable tensors. For b = 2, c = −1, z0 = 1.2:
    z_k − 1 = 2^k (z0 − 1) grows without bound (overflowing to +inf after ~1020 steps), while
    0 and 1 are both fixed points [derived; CLAIMS.md gao2022, control].
    """
    iters = _int_at_least("iters", iters, 0)
    bt, ct, zt = (torch.as_tensor(t, dtype=torch.float64) for t in (b, c, z0))
    bt, ct, zt = torch.broadcast_tensors(bt, ct, zt)
    out = torch.empty(*zt.shape, iters + 1, dtype=torch.float64)
    out[..., 0] = zt
    for k in range(iters):
        out[..., k + 1] = torch.relu(bt * out[..., k] + ct)
    return out


def scalar_counterexample(iters: int = 60) -> dict[str, object]:
    """The 1-D control of CLAIMS.md (gao2022): z = relu(2z − 1), |b| = 2 > 1.

    Returns {"b": 2.0, "c": -1.0, "z0": 1.2, "fixed_points": frozenset({0, 1}) (exact),
    "iterates": (iters + 1,) tensor of Picard iterates from z0, "diverges": bool (the last iterate
    exceeds 2^(iters/2)), "growth": z_k − 1 = 2^k·0.2 in exact arithmetic, as a note}.
    """
    iters = _int_at_least("iters", iters, 1)
    b, c, z0 = 2.0, -1.0, 1.2
    zs = picard_scalar(b, c, z0, iters)
    last = float(zs[-1])
    return {
        "b": b,
        "c": c,
        "z0": z0,
        "fixed_points": fixed_points_scalar(b, c),
        "iterates": zs,
        "diverges": (not math.isfinite(last)) or last > 2.0 ** (iters / 2),
        "growth": "z_k - 1 = 2^k (z_0 - 1)",
    }
