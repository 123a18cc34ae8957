"""Implicit regularization for underdetermined sparse linear regression, batched over seeds.

Paper: M. Zhou, R. Ge, "Implicit Regularization Leads to Benign Overfitting for Sparse Linear Regression",
ICML 2023, arXiv 2302.00257 (seed 003). Background: Woodworth et al. 2020 ("Kernel and rich regimes in
overparametrized models", arXiv 2002.09277) and Vaškevičius, Kanade, Rebeschini 2019 (arXiv 1909.05122).

Data (the paper's setting, read in its introduction): y = Aβ* + ξ, A (n × d) with i.i.d. N(0, 1) entries,
n < d, β* k-sparse, ξ ~ N(0, σ²I). For isotropic x the excess test loss of β is ‖β − β*‖²
(the test loss ½E[(y − βᵀx)²] is ½(‖β − β*‖² + σ²)).

Training loss, for every parametrization here::

    L(β) = (1/2n) ‖Aβ − y‖²,        r = Aβ − y,        g = ∇_β L = Aᵀr / n

Parametrizations and their GD updates (step η, all coordinates at once):

* plain: β ← β − η g, from β(0) = 0. The iterates stay in the row space of A, so a limit that
  interpolates is the minimum-ℓ2 interpolator Aᵀ(AAᵀ)⁻¹y [derived].
* Hadamard (Woodworth et al. 2020; Vaškevičius et al. 2019): β = w⊙w − u⊙u, from w(0) = u(0) = α·1.
  ∇_w L = 2 w⊙g, ∇_u L = −2 u⊙g, so w ← w⊙(1 − 2ηg), u ← u⊙(1 + 2ηg); hence, exactly,
  w(T)⊙u(T) = α² Π_t (1 − 4η²g_t²) [derived]. Small α: the limit approaches the minimum-ℓ1 interpolator.
* Hadamard plus a dense part (``gamma`` > 0): β = w⊙w − u⊙u + γ·v, from v(0) = 0; ∇_v L = γ g, so
  v(T) = −γη Σ_{t<T} g_t exactly [derived]. This is our reading of the paper's "different
  parametrization ... that combines the benefit of ℓ1 and ℓ2 interpolators"; the exact form of the
  paper's model is RECALLED, not re-read (see theorems/zhouge2023.py).

The minimum-ℓ1 interpolator (basis pursuit, min ‖β‖₁ s.t. Aβ = y) is bracketed, never guessed:
:func:`min_l1_bracket` runs a batched primal–dual (Chambolle–Pock) solver, polishes on the n largest
entries, and returns a certified interval [lower, upper]: ``upper`` is the ℓ1 norm of an exactly feasible
point (projected onto Aβ = y), ``lower`` = yᵀλ for a dual point scaled so that ‖Aᵀλ‖∞ ≤ 1 (weak duality).

Conventions: A (S, n, d), y (S, n), β (S, d); S is the batch (seeds, or seeds × initialization scales).
No Python loop over the batch (only over GD steps). float64 unless a dtype is given. Random numbers only
from explicit CPU ``torch.Generator`` objects. Invalid arguments raise ``ValueError`` naming the argument.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least

__all__ = [
    "HadamardTrajectory",
    "L1Bracket",
    "LinearTrajectory",
    "SparseProblem",
    "hadamard_gd",
    "hadamard_grads",
    "linear_gd",
    "linear_grad",
    "min_l1_bracket",
    "min_l1_interpolator",
    "min_l2_interpolator",
    "project_affine",
    "residual",
    "sparse_problem",
    "step_scale",
]


@dataclass(frozen=True)
class SparseProblem:
    """A batch of sparse regression problems: y = Aβ* + ξ."""

    A: Tensor  # (S, n, d), entries N(0, 1)
    beta_star: Tensor  # (S, d), k-sparse
    y: Tensor  # (S, n)
    noise: Tensor  # (S, n), ξ


def sparse_problem(
    n: int, d: int, k: int, *, S: int, noise: float, generator: torch.Generator, signal: float = 1.0,
    random_signs: bool = True, dtype: torch.dtype = torch.float64, device: torch.device | str = "cpu",
) -> SparseProblem:
    """S independent problems: Gaussian design, a k-sparse β* on a uniformly random support, noise σ = ``noise``.

    The nonzero entries of β* are ``signal``·(±1) (random signs unless ``random_signs`` is False), so
    ‖β*‖₂² = k·signal². ``k = d`` gives a dense truth (the control where ℓ1 has no advantage).
    """
    n = _int_at_least("n", n, 1)
    d = _int_at_least("d", d, 1)
    k = _int_at_least("k", k, 0)
    S = _int_at_least("S", S, 1)
    if k > d:
        raise ValueError(f"k={k}: the sparsity cannot exceed d={d}")
    sigma = _finite_float("noise", noise, minimum=0.0)
    sig = _finite_float("signal", signal)
    A = torch.randn(S, n, d, generator=generator, dtype=dtype)
    support = torch.rand(S, d, generator=generator, dtype=dtype).argsort(dim=-1)[:, :k]
    signs = torch.where(torch.rand(S, k, generator=generator, dtype=dtype) < 0.5, -1.0, 1.0).to(dtype)
    if not random_signs:
        signs = torch.ones_like(signs)
    beta_star = torch.zeros(S, d, dtype=dtype).scatter(1, support, sig * signs)
    xi = sigma * torch.randn(S, n, generator=generator, dtype=dtype)
    y = torch.einsum("snd,sd->sn", A, beta_star) + xi
    return SparseProblem(A.to(device), beta_star.to(device), y.to(device), xi.to(device))


def _check_A(A: Tensor) -> tuple[int, int, int]:
    if not isinstance(A, Tensor) or A.ndim != 3 or 0 in A.shape:
        shape = tuple(A.shape) if isinstance(A, Tensor) else type(A).__name__
        raise ValueError(f"A.shape={shape}: expected a non-empty (S, n, d) tensor")
    if not A.is_floating_point():
        raise ValueError(f"A.dtype={A.dtype}: expected a floating-point tensor (float64 for the identities)")
    S, n, d = A.shape
    return S, n, d


def _check_vector(name: str, x: Tensor, S: int, m: int, what: str, like: Tensor) -> None:
    if not isinstance(x, Tensor) or tuple(x.shape) != (S, m):
        shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
        raise ValueError(f"{name}.shape={shape}: expected (S, {what}) = ({S}, {m}) to match A.shape={tuple(like.shape)}")


def _check_Ay(A: Tensor, y: Tensor) -> tuple[int, int, int]:
    S, n, d = _check_A(A)
    _check_vector("y", y, S, n, "n", A)
    if n > d:
        raise ValueError(f"A.shape={tuple(A.shape)}: n={n} > d={d}; interpolators are unique or absent, use n <= d")
    return S, n, d


def project_affine(beta: Tensor, A: Tensor, y: Tensor) -> Tensor:
    """The Euclidean projection of β (S, d) onto {Aβ = y}: β − Aᵀ(AAᵀ)⁻¹(Aβ − y)."""
    _check_Ay(A, y)
    r = torch.einsum("snd,sd->sn", A, beta) - y
    G = A @ A.transpose(-1, -2)
    return beta - torch.einsum("snd,sn->sd", A, torch.linalg.solve(G, r.unsqueeze(-1)).squeeze(-1))


def min_l2_interpolator(A: Tensor, y: Tensor) -> Tensor:
    """Aᵀ(AAᵀ)⁻¹y, (S, d): the interpolator of least Euclidean norm (A of full row rank)."""
    _check_Ay(A, y)
    G = A @ A.transpose(-1, -2)
    return torch.einsum("snd,sn->sd", A, torch.linalg.solve(G, y.unsqueeze(-1)).squeeze(-1))


def step_scale(A: Tensor) -> Tensor:
    """λ_max(AᵀA/n) per problem, (S,): the curvature of L in β; plain GD is stable for η < 2/λ_max."""
    _, n, _ = _check_A(A)
    return torch.linalg.eigvalsh(A @ A.transpose(-1, -2) / n)[..., -1]


def _eta(eta: float | Tensor, S: int, like: Tensor) -> Tensor:
    if isinstance(eta, Tensor):
        e = eta.to(dtype=like.dtype, device=like.device).reshape(-1)
        if e.shape[0] not in (1, S):
            raise ValueError(f"eta.shape={tuple(eta.shape)}: expected a float or an (S,) = ({S},) tensor")
        if not bool(torch.isfinite(e).all()) or bool((e <= 0).any()):
            raise ValueError(f"eta={e.tolist()}: every step size must be finite and > 0")
        return e.expand(S)
    return torch.full((S,), _finite_float("eta", eta, minimum=0.0, strict=True), dtype=like.dtype, device=like.device)


# ---------------------------------------------------------------------------------------------
# plain GD on β
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LinearTrajectory:
    beta: Tensor  # (S, d) after the last step
    residual_norm: Tensor  # (S, T + 1): ‖Aβ_t − y‖ for t = 0..T


def linear_grad(beta: Tensor, A: Tensor, y: Tensor) -> Tensor:
    """∇L(β) = Aᵀ(Aβ − y)/n, (S, d), for β (S, d), A (S, n, d), y (S, n)."""
    S, n, d = _check_A(A)
    _check_vector("beta", beta, S, d, "d", A)
    _check_vector("y", y, S, n, "n", A)
    return _Atr(A, _Ax(A.transpose(-1, -2), beta) - y) / A.shape[-2]


def linear_gd(A: Tensor, y: Tensor, *, eta: float | Tensor, steps: int) -> LinearTrajectory:
    """GD β ← β − η∇L(β) from β(0) = 0 for ``steps`` steps (η a float or one per problem)."""
    S, n, d = _check_Ay(A, y)
    steps = _int_at_least("steps", steps, 0)
    e = _eta(eta, S, A).unsqueeze(-1)
    beta = torch.zeros(S, d, dtype=A.dtype, device=A.device)
    res = torch.empty(S, steps + 1, dtype=A.dtype, device=A.device)
    res[:, 0] = y.norm(dim=-1)
    A_t = A.transpose(-1, -2).contiguous()
    for t in range(steps):
        beta = beta - e * linear_grad(beta, A, y)
        res[:, t + 1] = (_Ax(A_t, beta) - y).norm(dim=-1)
    return LinearTrajectory(beta, res)


# ---------------------------------------------------------------------------------------------
# Hadamard parametrization β = w⊙w − u⊙u (+ γ v)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HadamardTrajectory:
    w: Tensor  # (S, d)
    u: Tensor  # (S, d)
    v: Tensor  # (S, d): the dense part (zeros when gamma = 0)
    beta: Tensor  # (S, d): w⊙w − u⊙u + γ v after the last step
    residual_norm: Tensor  # (S, T + 1): ‖Aβ_t − y‖
    residual_sum: Tensor  # (S, n): Σ_{t<T} r_t, so Σ_t g_t = Aᵀ residual_sum / n
    residuals: Tensor | None  # (S, T, n): r_t for t < T when ``record`` (short runs only)
    snapshots: Tensor | None  # (S, K, d): β_t at the steps in ``snapshot_steps`` when ``snapshot_every`` > 0
    snapshot_steps: Tensor | None  # (K,): t = 0, every, 2·every, …, T
    gamma: float


def hadamard_beta(w: Tensor, u: Tensor, v: Tensor, gamma: float) -> Tensor:
    """β = w⊙w − u⊙u + γ v."""
    return w * w - u * u + gamma * v


def _Ax(A_t: Tensor, x: Tensor) -> Tensor:
    """Aβ for A_t = Aᵀ (S, d, n) contiguous and β (S, d): one batched row-vector product (the fast layout)."""
    return torch.bmm(x.unsqueeze(1), A_t).squeeze(1)


def _Atr(A: Tensor, r: Tensor) -> Tensor:
    """Aᵀr, (S, d), for A (S, n, d) and r (S, n)."""
    return torch.bmm(r.unsqueeze(1), A).squeeze(1)


def residual(A_t: Tensor, beta: Tensor, y: Tensor) -> Tensor:
    """r = Aβ − y, (S, n), from A_t = Aᵀ (S, d, n), β (S, d), y (S, n): the sign convention of every gradient here."""
    return _Ax(A_t, beta) - y


def hadamard_grads(w: Tensor, u: Tensor, v: Tensor, A: Tensor, r: Tensor, gamma: float) -> tuple[Tensor, Tensor, Tensor]:
    """(∇_w L, ∇_u L, ∇_v L) = (2w⊙g, −2u⊙g, γg) with g = Aᵀr/n and r = Aβ − y, each (S, d).

    w, u, v: (S, d); A: (S, n, d); r: (S, n); gamma ≥ 0 (shape checks only: cheap enough for every GD step).
    """
    S, n, d = _check_A(A)
    for name, x in (("w", w), ("u", u), ("v", v)):
        _check_vector(name, x, S, d, "d", A)
    _check_vector("r", r, S, n, "n", A)
    gamma = _finite_float("gamma", gamma, minimum=0.0)
    g = _Atr(A, r) / A.shape[-2]
    return 2.0 * w * g, -2.0 * u * g, gamma * g


def hadamard_gd(
    A: Tensor, y: Tensor, *, alpha: float | Tensor, eta: float | Tensor, steps: int, gamma: float = 0.0,
    record: bool = False, snapshot_every: int = 0,
) -> HadamardTrajectory:
    """GD on L(w⊙w − u⊙u + γv) from w = u = α·1, v = 0 (α a float or one per problem, shape (S,)).

    Update (Woodworth et al. 2020, Sec. 4, with the dense part added): w ← w − η∇_wL, u ← u − η∇_uL,
    v ← v − η∇_vL, all from the same residual r_t = Aβ_t − y. With ``record`` the residuals r_t are kept
    (memory S·T·n: for short runs and the exact identities); ``snapshot_every`` = m > 0 keeps β_t at
    t = 0, m, 2m, … and at t = T (for plots of the path).
    """
    S, n, d = _check_Ay(A, y)
    steps = _int_at_least("steps", steps, 0)
    gamma = _finite_float("gamma", gamma, minimum=0.0)
    e = _eta(eta, S, A).unsqueeze(-1)
    if isinstance(alpha, Tensor):
        a = alpha.to(dtype=A.dtype, device=A.device).reshape(-1)
        if a.shape[0] not in (1, S) or not bool(torch.isfinite(a).all()) or bool((a <= 0).any()):
            raise ValueError(f"alpha: expected a positive float or an (S,) = ({S},) tensor of positive values, "
                             f"got shape {tuple(alpha.shape)}")
        a = a.expand(S).unsqueeze(-1)
    else:
        a = torch.full((S, 1), _finite_float("alpha", alpha, minimum=0.0, strict=True), dtype=A.dtype, device=A.device)
    w = a.expand(S, d).clone()
    u = a.expand(S, d).clone()
    v = torch.zeros(S, d, dtype=A.dtype, device=A.device)
    res = torch.empty(S, steps + 1, dtype=A.dtype, device=A.device)
    rsum = torch.zeros(S, n, dtype=A.dtype, device=A.device)
    rec = torch.empty(S, steps, n, dtype=A.dtype, device=A.device) if record else None
    every = _int_at_least("snapshot_every", snapshot_every, 0)
    shots: list[Tensor] = []
    marks: list[int] = []
    A_t = A.transpose(-1, -2).contiguous()
    beta = hadamard_beta(w, u, v, gamma)
    if every:
        shots.append(beta)
        marks.append(0)
    r = residual(A_t, beta, y)
    res[:, 0] = r.norm(dim=-1)
    for t in range(steps):
        gw, gu, gv = hadamard_grads(w, u, v, A, r, gamma)
        w, u, v = w - e * gw, u - e * gu, v - e * gv
        rsum = rsum + r
        if rec is not None:
            rec[:, t] = r
        beta = hadamard_beta(w, u, v, gamma)
        r = residual(A_t, beta, y)
        res[:, t + 1] = r.norm(dim=-1)
        if every and ((t + 1) % every == 0 or t + 1 == steps):
            shots.append(beta)
            marks.append(t + 1)
    snaps = torch.stack(shots, 1) if every else None
    steps_t = torch.tensor(marks, dtype=A.dtype, device=A.device) if every else None
    return HadamardTrajectory(w, u, v, beta, res, rsum, rec, snaps, steps_t, gamma)


# ---------------------------------------------------------------------------------------------
# the minimum-ℓ1 interpolator, certified by weak duality
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class L1Bracket:
    lower: Tensor  # (S,): yᵀλ with ‖Aᵀλ‖∞ ≤ 1, a lower bound on min ‖β‖₁ s.t. Aβ = y
    upper: Tensor  # (S,): ‖β̂‖₁ for an exactly feasible β̂ (up to round-off), an upper bound
    beta: Tensor  # (S, d): β̂
    dual: Tensor  # (S, n): λ


def _certify(beta: Tensor, lam: Tensor, A: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Project β onto Aβ = y and scale λ into the dual feasible set; return (lower, upper, β̂, λ̂)."""
    feas = project_affine(beta, A, y)
    lam_scaled = lam / torch.einsum("snd,sn->sd", A, lam).abs().amax(-1, keepdim=True).clamp_min(1.0)
    return (y * lam_scaled).sum(-1), feas.abs().sum(-1), feas, lam_scaled


def min_l1_bracket(A: Tensor, y: Tensor, *, iters: int = 2000) -> L1Bracket:
    """A certified bracket [lower, upper] on min ‖β‖₁ s.t. Aβ = y, for each of the S problems.

    Chambolle–Pock on min_β max_λ ‖β‖₁ + λᵀ(y − Aβ) with τ = σ = 0.99/‖A‖₂ (``iters`` steps), then a
    polish on the n largest entries of the iterate: solve A_P β_P = y (the primal vertex on that support)
    and A_Pᵀλ = sign(β_P) (the dual point that makes those constraints active). When the support is the
    basis-pursuit support both bounds agree to round-off; otherwise the better of the two candidates on
    each side is kept, so the bracket is valid in every case (weak duality and feasibility).
    """
    S, n, d = _check_Ay(A, y)
    iters = _int_at_least("iters", iters, 1)
    norm = torch.linalg.matrix_norm(A, ord=2).reshape(S, 1)
    tau = sig = 0.99 / norm
    beta = torch.zeros(S, d, dtype=A.dtype, device=A.device)
    bar = beta.clone()
    lam = torch.zeros(S, n, dtype=A.dtype, device=A.device)
    A_t = A.transpose(-1, -2).contiguous()
    for _ in range(iters):
        lam = lam + sig * (y - _Ax(A_t, bar))
        z = beta + tau * _Atr(A, lam)
        new = torch.sign(z) * (z.abs() - tau).clamp_min(0.0)
        bar = 2.0 * new - beta
        beta = new
    lo1, up1, b1, l1 = _certify(beta, lam, A, y)
    # polish: the n largest |β| as the support (a basic solution of the LP has at most n nonzeros)
    idx = beta.abs().argsort(dim=-1, descending=True)[:, :n]  # (S, n)
    AP = torch.gather(A, 2, idx.unsqueeze(1).expand(S, n, n))  # (S, n, n): the columns on P
    bP = torch.linalg.solve(AP, y.unsqueeze(-1)).squeeze(-1)
    b2 = torch.zeros_like(beta).scatter(1, idx, bP)
    sgn = torch.sign(torch.gather(beta, 1, idx))
    sgn = torch.where(sgn == 0, torch.sign(bP), sgn)
    l2 = torch.linalg.solve(AP.transpose(-1, -2), sgn.unsqueeze(-1)).squeeze(-1)
    lo2, up2, b2, l2 = _certify(b2, l2, A, y)
    use_primal2 = up2 < up1
    use_dual2 = lo2 > lo1
    return L1Bracket(
        lower=torch.where(use_dual2, lo2, lo1), upper=torch.where(use_primal2, up2, up1),
        beta=torch.where(use_primal2.unsqueeze(-1), b2, b1), dual=torch.where(use_dual2.unsqueeze(-1), l2, l1),
    )


def min_l1_interpolator(A: Tensor, y: Tensor) -> Tensor:
    """The minimum-ℓ1 interpolator (basis pursuit) argmin ‖β‖₁ s.t. Aβ = y, (S, d), by SciPy's HiGHS LP solver.

    The LP over (β⁺, β⁻) ≥ 0: minimize 1ᵀβ⁺ + 1ᵀβ⁻ subject to A(β⁺ − β⁻) = y; β = β⁺ − β⁻. A reference independent of
    :func:`min_l1_bracket` (another algorithm, another code base). One LP per problem (a Python loop over S: HiGHS has
    no batched interface). Raises ``RuntimeError`` when HiGHS does not report an optimal solution; the returned β is
    projected onto Aβ = y (a correction of the order of HiGHS's feasibility tolerance, 1e-7 relative).
    """
    import numpy as np
    from scipy.optimize import linprog

    S, n, d = _check_Ay(A, y)
    An = A.detach().cpu().double().numpy()
    yn = y.detach().cpu().double().numpy()
    out = torch.empty(S, d, dtype=torch.float64)
    c = [1.0] * (2 * d)
    for s in range(S):
        res = linprog(c, A_eq=np.concatenate([An[s], -An[s]], axis=1), b_eq=yn[s], bounds=(0, None), method="highs")
        if res.status != 0:
            raise RuntimeError(f"min_l1_interpolator: HiGHS did not solve problem {s}: {res.message}")
        out[s] = torch.from_numpy(res.x[:d] - res.x[d:])
    beta = out.to(dtype=A.dtype, device=A.device)
    return project_affine(beta, A, y)
