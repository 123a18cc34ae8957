"""A gradient estimator that satisfies Chen & Luss's consistency premise exactly, and SGD with it on a merely convex
and on a nonconvex objective (batched over seeds).

Paper: J. Chen, R. Luss, "Stochastic Gradient Descent with Biased but Consistent Gradient Estimators",
arXiv 1807.11880 (2018). The premise (recalled, not re-read): an estimator g_N of the unbiased minibatch
estimator h is *consistent* when P(‖g_N(w) − h(w)‖ ≥ ε‖∇f(w)‖) ≤ l(N, ε) uniformly in w, with l decreasing to 0
in the sample size N; the theorems take N so large that l(N, ε) ≤ δ/T over a horizon of T steps.

The estimator (ours; a multiplicative, biased but consistent correction):

    g_N(w) = h(w) + (Φ_N − I)∇f(w),   Φ_N = diag(ρ_1, …, ρ_d),   ρ_k = (1 + a_k Ū_k)^p,

Ū_k the mean of N independent Rademacher signs (Ū_k = (2B_k − N)/N, B_k ~ Binomial(N, ½), drawn directly),
0 < a_k < 1 (so 1 + a_kŪ_k ≥ 1 − a_k > 0) and a power p ≠ 0. Then g_N − h = (Φ_N − I)∇f(w), so

    ‖g_N − h‖ ≤ max_k |ρ_k − 1|·‖∇f(w)‖,  and  |ρ_k − 1| ≥ ε  ⇒  |a_kŪ_k| ≥ τ(ε, p) = min(|(1 + ε)^{1/p} − 1|,
    |(1 − ε)^{1/p} − 1|)  (0 < ε < 1),

and Hoeffding (Ū_k a mean of N variables in [−1, 1]: P(|Ū_k| ≥ t) ≤ 2e^{−Nt²/2}) with a union bound over the d
coordinates gives the premise with l(N, ε) = Σ_k 2·exp(−Nτ²/(2a_k²)) [derived]. The estimator is biased for every
finite N and p ∉ {0, 1}: E g_N = diag(m_{N,k})∇f with m_{N,k} = E(1 + a_kŪ_k)^p ≠ 1 (Jensen), a finite binomial sum
(:func:`mean_factor`); m_{N,k} → 1 as N → ∞ (consistent), m − 1 = p(p − 1)a_k²/(2N) + O(N^{−2}). With a_k that differ
across coordinates the bias also turns the expected direction, not only its length.

The inconsistent variant (a control): g = h + (Φ_N − I)∇f(w) + b with a fixed vector b: an error that does not
shrink with ‖∇f(w)‖ (nor with N), so the premise fails near every stationary point.

Objectives (f(w) = (1/n) Σ_i f_i(w), per-sample gradients hand-written):

* ``"logistic"``: f_i(w) = log(1 + exp(−y_i x_iᵀw)), with no ridge term (λ = 0): convex, not strongly convex (the
  Hessian vanishes at infinity); smooth with L ≤ λ_max(XᵀX)/(4n); with a ridge term (λ/2)‖w‖² (``lam``): λ-strongly
  convex, L ≤ λ_max(XᵀX)/(4n) + λ;
* ``"cauchy"``: f_i(w) = log(1 + (x_iᵀw − y_i)²/2) (Cauchy / Lorentzian robust regression): nonconvex (ρ'' < 0 for
  |r| > √2), smooth with L ≤ λ_max(XᵀX)/n (|ρ''| ≤ 1), bounded per-sample gradients (|ρ'| ≤ 1/√2).

SGD: w_{t+1} = w_t − γ_t g_t, γ_t = c/√(t + 1) (the O(1/√T) schedule of convex and nonconvex SGD; γ_t = c/(t + t0)
for the strongly convex case), minibatches of b
samples drawn uniformly with replacement from one generator, the factors Φ from another (two runs given equally
seeded minibatch generators see the same minibatches: common random numbers).

Conventions: float64; S seeds are S independent runs as one tensor program; explicit ``torch.Generator`` everywhere;
invalid arguments raise ``ValueError`` naming the argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Sequence

import torch
from torch import Tensor

from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least

__all__ = [
    "Problem",
    "PremiseTrace",
    "factor_threshold",
    "tail_bound",
    "sample_size_for_horizon",
    "mean_factor",
    "draw_factors",
    "problem_data",
    "objective",
    "per_sample_gradients",
    "full_gradient",
    "smoothness",
    "logistic_minimizer",
    "step_size",
    "premise_sgd",
]

Loss = Literal["logistic", "cauchy"]
Estimator = Literal["unbiased", "consistent", "inconsistent"]


def _check_amplitudes(a: Tensor) -> Tensor:
    if not isinstance(a, Tensor) or a.ndim != 1 or a.numel() == 0:
        raise ValueError(f"a={a!r}: expected a 1-D tensor of amplitudes a_k, one per coordinate")
    if not bool(((a > 0) & (a < 1)).all()):
        raise ValueError(f"a={a.tolist()}: every amplitude must lie in (0, 1) (so that 1 + a_k·Ū_k > 0)")
    return a


def _check_power(p: float) -> float:
    p = _finite_float("p", p)
    if p == 0.0:
        raise ValueError("p=0: the factor (1 + aŪ)^0 = 1 is the unbiased estimator; choose p != 0")
    return p


def factor_threshold(eps: float, p: float) -> float:
    """τ(ε, p) = min(|(1 + ε)^{1/p} − 1|, |(1 − ε)^{1/p} − 1|): |x| < τ ⇒ |(1 + x)^p − 1| < ε (0 < ε < 1, p ≠ 0).

    (1 + x)^p is monotone in x > −1, so the set where it lies within ε of 1 is the interval between
    (1 ± ε)^{1/p} − 1, which contains 0; τ is the distance from 0 to its nearer end."""
    eps = _finite_float("eps", eps, minimum=0.0, strict=True)
    if eps >= 1.0:
        raise ValueError(f"eps={eps}: must be < 1")
    p = _check_power(p)
    return min(abs((1.0 + eps) ** (1.0 / p) - 1.0), abs((1.0 - eps) ** (1.0 / p) - 1.0))


def tail_bound(N: int, eps: float, a: Tensor, p: float) -> float:
    """l(N, ε) = Σ_k 2·exp(−N τ(ε, p)²/(2a_k²)) ≥ P(‖g_N − h‖ ≥ ε‖∇f‖) for every w [derived: Hoeffding + union bound]."""
    N = _int_at_least("N", N, 1)
    a = _check_amplitudes(a)
    tau = factor_threshold(eps, p)
    return float((2.0 * torch.exp(-N * tau * tau / (2.0 * a.double() ** 2))).sum())


def sample_size_for_horizon(T: int, delta: float, eps: float, a: Tensor, p: float) -> int:
    """The smallest N with l(N, ε) ≤ δ/T (the premise tied to the horizon: a union bound over T steps).

    Each term of l is at most 2e^{−Nτ²/(2a_max²)}, so N₀ = ⌈2a_max² log(2dT/δ)/τ²⌉ suffices; the smallest N is found by
    bisection below N₀ (l is decreasing in N)."""
    T = _int_at_least("T", T, 1)
    delta = _finite_float("delta", delta, minimum=0.0, strict=True)
    a = _check_amplitudes(a)
    tau = factor_threshold(eps, p)
    target = delta / T
    hi = max(1, math.ceil(2.0 * float(a.max()) ** 2 * math.log(2.0 * a.numel() * T / delta) / (tau * tau)))
    while tail_bound(hi, eps, a, p) > target:  # cannot happen by the bound above; kept as a guard against round-off
        hi *= 2
    lo = 0  # l(lo) > target (or lo = 0)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if tail_bound(mid, eps, a, p) <= target:
            hi = mid
        else:
            lo = mid
    return hi


def mean_factor(N: int, a: Tensor, p: float) -> Tensor:
    """m_{N,k} = E(1 + a_kŪ_k)^p = Σ_j C(N, j) 2^{−N} (1 + a_k(2j − N)/N)^p, exactly (a finite sum; (d,)).

    E g_N(w) = diag(m_N)∇f(w): the estimator's bias is (m_N − 1)⊙∇f(w), nonzero for p ∉ {0, 1}."""
    N = _int_at_least("N", N, 1)
    a = _check_amplitudes(a).double()
    p = _check_power(p)
    j = torch.arange(N + 1, dtype=torch.float64)
    log_pmf = math.lgamma(N + 1.0) - torch.lgamma(j + 1) - torch.lgamma(N - j + 1) - N * math.log(2.0)
    x = 1.0 + a.unsqueeze(-1) * (2.0 * j - N) / N  # (d, N + 1)
    return (torch.exp(log_pmf) * x**p).sum(-1)


def draw_factors(shape: Sequence[int], N: int, a: Tensor, p: float, *, generator: torch.Generator) -> Tensor:
    """Φ's diagonal: ρ = (1 + a⊙Ū)^p, Ū = (2B − N)/N, B ~ Binomial(N, ½) independently; (*shape, d) float64."""
    N = _int_at_least("N", N, 1)
    a = _check_amplitudes(a)
    p = _check_power(p)
    count = torch.full((*shape, a.numel()), float(N), dtype=torch.float64)
    B = torch.binomial(count, torch.full_like(count, 0.5), generator=generator)
    U = (2.0 * B - N) / N
    return (1.0 + a.double() * U) ** p


# ---------------------------------------------------------------------------------------------
# the objectives
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """X: (n, d) samples (rows); y: (n,) targets (±1 for logistic); loss: "logistic" | "cauchy"; lam ≥ 0: a ridge term
    (λ/2)‖w‖² added to f (λ-strongly convex logistic regression when λ > 0)."""

    X: Tensor
    y: Tensor
    loss: Loss
    lam: float = 0.0

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def d(self) -> int:
        return self.X.shape[1]


def problem_data(loss: Loss, n: int, d: int, *, generator: torch.Generator, scale: float = 1.0,
                 outlier_frac: float = 0.0, lam: float = 0.0, dtype: torch.dtype = torch.float64) -> Problem:
    """A problem instance.

    ``"logistic"``: x_i ~ N(0, I_d), y_i = ±1 with P(y_i = 1) = σ(scale·x_iᵀu), u a uniform unit vector; plus d anchor
    pairs (√d·e_k, +1), (√d·e_k, −1), k = 1..d, which make f coercive (along any direction v some anchor has x ᵀv ≠ 0,
    and one of its two losses grows without bound), so a minimizer exists whatever the draw; n counts the random
    samples (the problem has n + 2d rows).
    ``"cauchy"``: x_i ~ N(0, I_d), y_i = scale·x_iᵀu + 0.1·z_i, and a fraction ``outlier_frac`` of the y_i replaced by
    10·scale·z'_i (gross outliers: residuals in the nonconvex region |r| > √2 of the Cauchy loss).
    """
    n = _int_at_least("n", n, 1)
    d = _int_at_least("d", d, 1)
    scale = _finite_float("scale", scale, minimum=0.0)
    outlier_frac = _finite_float("outlier_frac", outlier_frac, minimum=0.0)
    lam = _finite_float("lam", lam, minimum=0.0)
    if outlier_frac > 1.0:
        raise ValueError(f"outlier_frac={outlier_frac}: must be <= 1")
    X = torch.randn(n, d, generator=generator, dtype=torch.float64)
    u = torch.randn(d, generator=generator, dtype=torch.float64)
    u = u / u.norm()
    if loss == "logistic":
        prob = torch.sigmoid(scale * (X @ u))
        y = torch.where(torch.rand(n, generator=generator, dtype=torch.float64) < prob, 1.0, -1.0)
        anchors = math.sqrt(d) * torch.eye(d, dtype=torch.float64)
        X = torch.cat([X, anchors, anchors])
        y = torch.cat([y, torch.ones(d, dtype=torch.float64), -torch.ones(d, dtype=torch.float64)])
    elif loss == "cauchy":
        y = scale * (X @ u) + 0.1 * torch.randn(n, generator=generator, dtype=torch.float64)
        out = torch.rand(n, generator=generator, dtype=torch.float64) < outlier_frac
        y = torch.where(out, 10.0 * scale * torch.randn(n, generator=generator, dtype=torch.float64), y)
    else:
        raise ValueError(f"loss={loss!r}: choose 'logistic' or 'cauchy'")
    return Problem(X=X.to(dtype), y=y.to(dtype), loss=loss, lam=lam)


def _check_w(w: Tensor, d: int) -> None:
    if not isinstance(w, Tensor) or w.ndim != 2 or w.shape[-1] != d:
        shape = tuple(w.shape) if isinstance(w, Tensor) else type(w).__name__
        raise ValueError(f"w.shape={shape}: expected (S, d) with d = {d}")


def objective(w: Tensor, prob: Problem) -> Tensor:
    """f(w) per row of w (S, d): (S,)."""
    _check_w(w, prob.d)
    z = w @ prob.X.T  # (S, n)
    ridge = 0.5 * prob.lam * (w * w).sum(-1)
    if prob.loss == "logistic":
        m = prob.y * z
        return torch.logaddexp(torch.zeros_like(m), -m).mean(-1) + ridge
    r = z - prob.y
    return torch.log1p(0.5 * r * r).mean(-1) + ridge


def _dloss(z: Tensor, y: Tensor, loss: Loss) -> Tensor:
    """∂f_i/∂(x_iᵀw) at z = x_iᵀw."""
    if loss == "logistic":
        return -y * torch.sigmoid(-y * z)
    r = z - y
    return r / (1.0 + 0.5 * r * r)


def per_sample_gradients(w: Tensor, prob: Problem, idx: Tensor) -> Tensor:
    """The minibatch gradient h(w) = (1/b) Σ_{i ∈ B} ∇f_i(w); w: (S, d), idx: (S, b) sample indices. (S, d)."""
    _check_w(w, prob.d)
    Xb = prob.X[idx]  # (S, b, d)
    z = torch.einsum("sbd,sd->sb", Xb, w)
    return (_dloss(z, prob.y[idx], prob.loss).unsqueeze(-1) * Xb).mean(1) + prob.lam * w


def full_gradient(w: Tensor, prob: Problem) -> Tensor:
    """∇f(w) = (1/n) Σ_i ∇f_i(w) per row of w: (S, d)."""
    _check_w(w, prob.d)
    z = w @ prob.X.T
    return _dloss(z, prob.y, prob.loss) @ prob.X / prob.n + prob.lam * w


def smoothness(prob: Problem) -> float:
    """An upper bound on the Lipschitz constant of ∇f: λ_max(XᵀX)/n times max|ℓ''| (¼ logistic, 1 Cauchy)."""
    lam = float(torch.linalg.eigvalsh(prob.X.T @ prob.X / prob.n)[-1])
    return lam * (0.25 if prob.loss == "logistic" else 1.0) + prob.lam


def logistic_minimizer(prob: Problem, *, tol: float = 1e-12, max_iter: int = 200) -> tuple[Tensor, float]:
    """w* = argmin f for the (unregularized, coercive) logistic problem by damped Newton with backtracking.

    Returns (w* (d,), ‖∇f(w*)‖); stops at ‖∇f‖ ≤ tol·max(1, ‖∇f(0)‖). Raises when Newton does not get there."""
    if prob.loss != "logistic":
        raise ValueError(f"prob.loss={prob.loss!r}: logistic_minimizer needs the logistic problem")
    X, y = prob.X, prob.y
    w = torch.zeros(1, prob.d, dtype=X.dtype)
    g = full_gradient(w, prob)
    stop = tol * max(1.0, float(g.norm()))
    for _ in range(max_iter):
        if float(g.norm()) <= stop:
            return w[0], float(g.norm())
        s = torch.sigmoid(y * (X @ w[0]))
        H = (X.T * (s * (1 - s))) @ X / prob.n + prob.lam * torch.eye(prob.d, dtype=X.dtype)
        step = torch.linalg.solve(H, g[0]).unsqueeze(0)
        f0, t = float(objective(w, prob)), 1.0
        slack = 16 * torch.finfo(X.dtype).eps * abs(f0)
        while float(objective(w - t * step, prob)) > f0 - 0.25 * t * float((g * step).sum()) + slack and t > 1e-10:
            t *= 0.5
        w = w - t * step
        g = full_gradient(w, prob)
    if float(g.norm()) <= stop:
        return w[0], float(g.norm())
    raise RuntimeError(f"logistic_minimizer: ‖∇f‖ = {float(g.norm()):.3e} > {stop:.3e} after {max_iter} Newton steps")


# ---------------------------------------------------------------------------------------------
# SGD
# ---------------------------------------------------------------------------------------------

def step_size(t: int, c: float, t0: float | None = None) -> float:
    """γ_t = c/√(t + 1) for step t ≥ 0 (the O(1/√T) schedule of convex and nonconvex SGD), or γ_t = c/(t + t0) when t0
    is given (the 1/(μt) schedule of strongly convex SGD, c = 2/μ)."""
    return c / math.sqrt(t + 1.0) if t0 is None else c / (t + t0)


@dataclass(frozen=True)
class PremiseTrace:
    """What :func:`premise_sgd` records.

    Attributes:
        t: (K,) recorded steps (t = 0 is the start).
        grad_sq: (S, T + 1) ‖∇f(w_t)‖² at every step t = 0..T.
        w_avg: (S, K, d) the running average w̄_t = (1/t) Σ_{s=1..t} w_s at the recorded steps (w̄_0 = w_0).
        w: (S, d) the last iterate.
        w_rec: (S, K, d) the iterates w_t at the recorded steps.
        max_error_ratio: (S,) max over the T steps of ‖g_t − h_t‖/‖∇f(w_t)‖ (the premise's ratio; NaN where ∇f = 0).
    """

    t: Tensor
    grad_sq: Tensor
    w_avg: Tensor
    w: Tensor
    max_error_ratio: Tensor
    w_rec: Tensor


def premise_sgd(prob: Problem, w0: Tensor, *, estimator: Estimator, steps: int, c: float, batch: int,
                record: Sequence[int], batch_generator: torch.Generator,
                factor_generator: torch.Generator | None = None, N: int | None = None, a: Tensor | None = None,
                p: float | None = None, bias: Tensor | None = None, t0: float | None = None) -> PremiseTrace:
    """SGD w_{t+1} = w_t − γ_t g_t, γ_t = c/√(t + 1) (or c/(t + t0) when ``t0`` is given), from w0 (S, d), for
    ``steps`` steps.

    g_t = h_t (``"unbiased"``: the minibatch gradient of b samples drawn with replacement), h_t + (Φ_t − I)∇f(w_t)
    (``"consistent"``: Φ_t from :func:`draw_factors` with N, a, p) or h_t + (Φ_t − I)∇f(w_t) + b (``"inconsistent"``:
    a fixed vector ``bias`` b (d,) added). Minibatches come from ``batch_generator`` alone, factors from
    ``factor_generator``.
    """
    steps = _int_at_least("steps", steps, 0)
    batch = _int_at_least("batch", batch, 1)
    c = _finite_float("c", c, minimum=0.0, strict=True)
    if t0 is not None:
        t0 = _finite_float("t0", t0, minimum=0.0, strict=True)
    _check_w(w0, prob.d)
    if estimator not in ("unbiased", "consistent", "inconsistent"):
        raise ValueError(f"estimator={estimator!r}: choose 'unbiased', 'consistent' or 'inconsistent'")
    if estimator != "unbiased":
        if factor_generator is None or N is None or a is None or p is None:
            raise ValueError(f"estimator={estimator!r} needs factor_generator, N, a and p")
        _int_at_least("N", N, 1)
        _check_amplitudes(a)
        if a.numel() != prob.d:
            raise ValueError(f"a has {a.numel()} entries: expected one per coordinate (d = {prob.d})")
        _check_power(p)
    if estimator == "inconsistent" and (bias is None or bias.shape != (prob.d,)):
        raise ValueError(f"estimator='inconsistent' needs bias of shape ({prob.d},)")
    rec = sorted({int(r) for r in record})
    if rec and (rec[0] < 0 or rec[-1] > steps):
        raise ValueError(f"record={list(record)}: every recorded step must lie in [0, steps={steps}]")
    S = w0.shape[0]
    w = w0.clone()
    total = torch.zeros_like(w)
    want = set(rec)
    avgs: list[Tensor] = []
    iters: list[Tensor] = []
    grad = full_gradient(w, prob)
    grad_sq = [(grad * grad).sum(-1)]
    ratio = torch.zeros(S, dtype=w.dtype, device=w.device)
    if 0 in want:
        avgs.append(w.clone())
        iters.append(w.clone())
    for t in range(steps):
        idx = torch.randint(0, prob.n, (S, batch), generator=batch_generator).to(w.device)
        g = per_sample_gradients(w, prob, idx)
        if estimator != "unbiased":
            phi = draw_factors((S,), N, a, p, generator=factor_generator).to(w)  # type: ignore[arg-type]
            err = (phi - 1.0) * grad
            if estimator == "inconsistent":
                err = err + bias.to(w)  # type: ignore[union-attr]
            ratio = torch.maximum(ratio, err.norm(dim=-1) / grad.norm(dim=-1))
            g = g + err
        w = w - step_size(t, c, t0) * g
        total = total + w
        grad = full_gradient(w, prob)
        grad_sq.append((grad * grad).sum(-1))
        if t + 1 in want:
            avgs.append(total / (t + 1))
            iters.append(w)
    return PremiseTrace(t=torch.tensor(rec, dtype=w.dtype), grad_sq=torch.stack(grad_sq, -1),
                        w_avg=torch.stack(avgs, 1) if avgs else w.new_zeros(S, 0, prob.d), w=w,
                        max_error_ratio=ratio,
                        w_rec=torch.stack(iters, 1) if iters else w.new_zeros(S, 0, prob.d))
