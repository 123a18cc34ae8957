"""SGD with a biased but consistent gradient estimator on a graph (Chen & Luss 2018), batched over seeds.

Paper: J. Chen, R. Luss, "Stochastic Gradient Descent with Biased but Consistent Gradient Estimators",
arXiv 1807.11880 (2018). The setting is the one the abstract names: training examples that are
interconnected, so an unbiased gradient estimator costs as much as the full gradient, and a cheap
estimator that samples the connections is biased for a finite sample size N but consistent as N grows
(the estimator of Chen, Ma, Xiao's FastGCN, ICLR 2018).

The problem (ours; the smallest instance of that setting that is strongly convex):

* a pool of M nodes with features x_j ∈ R^d (rows of X, (M, d)); n labelled nodes, node i with D
  distinct neighbours nbr[i] ⊂ {0, …, M − 1} and edge weights P[i, k] > 0, Σ_k P[i, k] = 1;
* node i's feature is the aggregate a_i = Σ_k P[i, k] x_{nbr[i, k]} (one graph-convolution layer);
* labels y_i ∈ {−1, +1}; the objective is ridge-regularised logistic regression on the aggregates,

      f(w) = (1/n) Σ_i ℓ(y_i a_iᵀw) + (λ/2)‖w‖²,   ℓ(u) = log(1 + e^{−u}),

  λ-strongly convex, with Lipschitz gradient L ≤ λ + λ_max(AᵀA)/(4n).

Estimators of ∇f(w), each from a uniform minibatch B of b labelled nodes (with replacement):

* unbiased: (1/b) Σ_{i∈B} ∇f_i(w) with the exact aggregate a_i (costs D feature reads per node);
* consistent: the same with a_i replaced by the Horvitz–Thompson estimate from N neighbours drawn
  uniformly *without* replacement, â_i = (D/N) Σ_{k∈S_i} P[i, k] x_{nbr[i, k]}. E[â_i] = a_i exactly
  (each neighbour is included with probability N/D), and â_i = a_i at N = D; but ℓ' is nonlinear, so
  E[ℓ'(y_i â_iᵀw) y_i â_i] ≠ ℓ'(y_i a_iᵀw) y_i a_i for 1 ≤ N < D: biased, with a bias that vanishes
  as N → D (and is O(1/N) for large D: :func:`bias_bound`). For a fixed N the consistent estimator is
  an *unbiased* estimator of ∇f_N, f_N(w) = (1/n) Σ_i E_S ℓ(y_i â_{i,S}ᵀw) + (λ/2)‖w‖², whose minimizer
  w*_N ≠ w*: fixed-N SGD converges, but to w*_N (:func:`sampled_objective_minimizer`).

SGD: w_{t+1} = w_t − γ_t g_t, γ_t = c/(μ(t + t0)), c = 2 (a classical 1/(μt)-type schedule for a
μ-strongly convex f; with c > ½, E‖w_t − w*‖² = O(1/t) for unbiased g_t of bounded variance).

Conventions: float64 by default; S seeds are S independent SGD runs drawn as one tensor program from
one explicit ``torch.Generator`` per random stream (node draws and neighbour draws are separate
streams, so two runs given equally seeded node generators see the same node minibatches: common
random numbers); invalid arguments raise ``ValueError`` naming the argument and the fix.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal, Sequence

import torch
from torch import Tensor

from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least

__all__ = [
    "GraphData",
    "SGDTrace",
    "aggregate_covariance",
    "aggregates",
    "bias_bound",
    "consistent_estimator",
    "enumerate_subsets",
    "expected_consistent_gradient",
    "full_gradient",
    "graph_data",
    "ht_aggregates",
    "logistic_grad",
    "loss",
    "newton_minimizer",
    "node_gradients",
    "sample_neighbours",
    "sampled_objective_minimizer",
    "sgd",
    "step_size",
    "subset_aggregates",
    "unbiased_estimator",
]

DEFAULT_DTYPE = torch.float64
Estimator = Literal["unbiased", "consistent"]
LOGISTIC_D3_MAX = 1.0 / (6.0 * math.sqrt(3.0))  # sup |ℓ'''| of ℓ(u) = log(1 + e^{−u}) (at σ(u) = ½ ± 1/(2√3))


@dataclass(frozen=True)
class GraphData:
    """A graph-convolution logistic-regression instance.

    Attributes:
        X: (M, d) pool node features.
        nbr: (n, D) long, distinct neighbour indices into the pool for each labelled node.
        P: (n, D) positive edge weights, each row summing to 1.
        y: (n,) labels in {−1, +1}.
        lam: ridge λ > 0 (the strong-convexity constant μ of f).
    """

    X: Tensor
    nbr: Tensor
    P: Tensor
    y: Tensor
    lam: float

    @property
    def n(self) -> int:
        return int(self.nbr.shape[0])

    @property
    def D(self) -> int:
        return int(self.nbr.shape[1])

    @property
    def d(self) -> int:
        return int(self.X.shape[1])

    def neighbour_features(self) -> Tensor:
        """V[i, k] = P[i, k]·x_{nbr[i, k]}, (n, D, d): the terms of the aggregate a_i = Σ_k V[i, k]."""
        return self.P.unsqueeze(-1) * self.X[self.nbr]

    def smoothness(self) -> float:
        """L = λ + λ_max(AᵀA)/(4n): a Lipschitz constant of ∇f (ℓ'' ≤ ¼)."""
        A = aggregates(self)
        return self.lam + float(torch.linalg.eigvalsh(A.T @ A)[-1]) / (4 * self.n)


def graph_data(
    n: int,
    d: int,
    D: int,
    *,
    lam: float,
    generator: torch.Generator,
    communities: int = 4,
    feature_noise: float = 0.5,
    weight_spread: float = 0.5,
    signal: float = 2.0,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> GraphData:
    """A random homophilous instance.

    K = ``communities`` communities with means m_c ~ N(0, I_d); each community owns a pool of
    ⌈5D/4⌉ nodes with features x_j = m_c + feature_noise·ξ_j, ξ_j ~ N(0, I_d) (M = K⌈5D/4⌉ in all).
    Labelled node i lies in community i mod K and has D distinct neighbours drawn uniformly from its
    community's pool (neighbourhoods overlap: the examples are interconnected), with edge weights
    P[i, k] ∝ exp(weight_spread·g_ik), g ~ N(0, 1) (uniform at spread 0). Labels
    y_i = sign(a_iᵀw_true + logistic noise), w_true = signal·u/‖u‖, u ~ N(0, I_d).

    The sampling noise of â_i relative to a_i is ≈ (e^{spread²} − 1 + feature_noise²·e^{spread²}/‖m‖²)/N,
    so homophily (small feature_noise) and mild weights keep the estimator's bias in its O(1/N) regime
    from small N on. Draw order from ``generator``: m, ξ, the neighbour keys, g, u, the label noise.
    """
    n = _int_at_least("n", n, 1)
    d = _int_at_least("d", d, 1)
    D = _int_at_least("D", D, 1)
    K = _int_at_least("communities", communities, 1)
    lam = _finite_float("lam", lam, minimum=0.0, strict=True)
    noise = _finite_float("feature_noise", feature_noise, minimum=0.0)
    spread = _finite_float("weight_spread", weight_spread, minimum=0.0)
    signal = _finite_float("signal", signal, minimum=0.0)
    pool = math.ceil(5 * D / 4)
    means = torch.randn(K, d, generator=generator, dtype=dtype)
    X = (means.unsqueeze(1) + noise * torch.randn(K, pool, d, generator=generator, dtype=dtype)).reshape(K * pool, d)
    community = torch.arange(n) % K
    keys = torch.rand(n, pool, generator=generator, dtype=torch.float64)
    nbr = keys.argsort(-1)[:, :D] + (community * pool).unsqueeze(-1)
    P = torch.softmax(spread * torch.randn(n, D, generator=generator, dtype=dtype), -1)
    u = torch.randn(d, generator=generator, dtype=dtype)
    w_true = signal * u / u.norm().clamp_min(1e-300)
    A = (P.unsqueeze(-1) * X[nbr]).sum(1)
    p = torch.rand(n, generator=generator, dtype=dtype)
    label_noise = torch.log(p) - torch.log1p(-p)  # standard logistic
    y = torch.where(A @ w_true + label_noise >= 0, 1.0, -1.0).to(dtype)
    dev = torch.device(device)
    return GraphData(X=X.to(dev), nbr=nbr.to(dev), P=P.to(dev), y=y.to(dev), lam=lam)


def aggregates(data: GraphData) -> Tensor:
    """The exact aggregates A[i] = a_i = Σ_k P[i, k] x_{nbr[i, k]}, (n, d)."""
    return data.neighbour_features().sum(1)


# ---------------------------------------------------------------------------------------------
# loss and gradients
# ---------------------------------------------------------------------------------------------

def logistic_grad(u: Tensor) -> Tensor:
    """ℓ'(u) = −σ(−u) for ℓ(u) = log(1 + e^{−u})."""
    return -torch.sigmoid(-u)


def _shape(x: object) -> object:
    return tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__


def _check_w(w: Tensor, d: int) -> Tensor:
    if not isinstance(w, Tensor) or w.ndim != 2 or w.shape[1] != d:
        raise ValueError(f"w.shape={_shape(w)}: expected (S, d) = (S, {d}), one weight vector per seed")
    return w


def _check_problem(w: Tensor, A: Tensor, y: Tensor, weights: Tensor | None) -> None:
    """Shapes of the objective's arguments: A (n, d), y (n,), w (S, d), weights (n,) or None."""
    if not isinstance(A, Tensor) or A.ndim != 2 or A.shape[0] < 1:
        raise ValueError(f"A.shape={_shape(A)}: expected (n, d) with n >= 1, one aggregate row a_i per node")
    n, d = A.shape
    if not isinstance(y, Tensor) or tuple(y.shape) != (n,):
        raise ValueError(f"y.shape={_shape(y)}: expected (n,) = ({n},), one label per row of A")
    if weights is not None and (not isinstance(weights, Tensor) or tuple(weights.shape) != (n,)):
        raise ValueError(f"weights.shape={_shape(weights)}: expected (n,) = ({n},), one weight per row of A (or None)")
    _check_w(w, d)


def _check_sample_size(N: int, D: int) -> int:
    """N as an int in [1, D] (a sample of N of the D neighbour slots, without replacement)."""
    N = _int_at_least("N", N, 1)
    if N > D:
        raise ValueError(f"N={N}: the sample size must be <= D={D} (N of the D neighbours, without replacement)")
    return N


def _check_indices(name: str, idx: Tensor, upper: int, what: str) -> Tensor:
    """An integer index tensor with every entry in [0, upper) (one min/max pass over a small index tensor)."""
    if not isinstance(idx, Tensor) or idx.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"{name}: expected a long tensor of {what} indices, got {getattr(idx, 'dtype', type(idx).__name__)}")
    if idx.numel() and bool(((idx < 0) | (idx >= upper)).any()):  # one sync; the message's min/max only on error
        raise ValueError(f"{name} has entries in [{int(idx.min())}, {int(idx.max())}]: every {what} index must lie "
                         f"in [0, {upper}) (negative indices are not allowed: they would wrap around)")
    return idx


def loss(w: Tensor, A: Tensor, y: Tensor, lam: float, weights: Tensor | None = None) -> Tensor:
    """f(w) = Σ_i c_i ℓ(y_i a_iᵀw) + (λ/2)‖w‖², c_i = 1/n (or ``weights``), for w (S, d): (S,).

    A: (n, d); y: (n,); weights: (n,) or None.
    """
    _check_problem(w, A, y, weights)
    c = torch.full_like(y, 1.0 / y.shape[0]) if weights is None else weights
    margins = y * (w @ A.T)  # (S, n)
    # log(1 + e^{-m}) as logaddexp(0, −m): torch's softplus turns linear past 20 and drops e^{-20} per term there
    return (c * torch.logaddexp(torch.zeros_like(margins), -margins)).sum(-1) + 0.5 * lam * (w * w).sum(-1)


def full_gradient(w: Tensor, A: Tensor, y: Tensor, lam: float, weights: Tensor | None = None) -> Tensor:
    """∇f(w) = Σ_i c_i ℓ'(y_i a_iᵀw) y_i a_i + λw, (S, d) (hand-written; checked against autograd).

    A: (n, d); y: (n,); w: (S, d); weights: (n,) or None.
    """
    _check_problem(w, A, y, weights)
    c = torch.full_like(y, 1.0 / y.shape[0]) if weights is None else weights
    coef = c * y * logistic_grad(y * (w @ A.T))  # (S, n)
    return coef @ A + lam * w


def node_gradients(w: Tensor, A_hat: Tensor, y: Tensor, lam: float) -> Tensor:
    """Per-node gradients ℓ'(y_i âᵀw) y_i â + λw for one aggregate estimate per (seed, node).

    w: (S, d); A_hat: (S, b, d); y: (S, b). Returns (S, b, d).
    """
    _check_w(w, A_hat.shape[-1])
    margins = y * torch.einsum("sbd,sd->sb", A_hat, w)
    return (y * logistic_grad(margins)).unsqueeze(-1) * A_hat + lam * w.unsqueeze(1)


def newton_minimizer(A: Tensor, y: Tensor, lam: float, weights: Tensor | None = None, *,
                     tol: float = 1e-13, max_iter: int = 100) -> tuple[Tensor, float]:
    """Minimizer of f(w) = Σ_i c_i ℓ(y_i a_iᵀw) + (λ/2)‖w‖² by damped Newton (backtracking on f).

    A: (m, d) rows a_i; y: (m,); weights c: (m,) (default 1/m). Returns (w* (d,), ‖∇f(w*)‖). Newton
    converges quadratically on this λ-strongly convex, smooth f; stops at ‖∇f‖ ≤ tol·max(1, ‖∇f(0)‖).
    """
    lam = _finite_float("lam", lam, minimum=0.0, strict=True)
    m, d = A.shape
    c = torch.full((m,), 1.0 / m, dtype=A.dtype, device=A.device) if weights is None else weights
    w = torch.zeros(1, d, dtype=A.dtype, device=A.device)
    g = full_gradient(w, A, y, lam, c)
    stop = tol * max(1.0, float(g.norm()))
    eye = torch.eye(d, dtype=A.dtype, device=A.device)
    for _ in range(max_iter):
        if float(g.norm()) <= stop:
            break
        s = torch.sigmoid(y * (A @ w[0]))
        H = (A.T * (c * s * (1 - s))) @ A + lam * eye
        step = torch.linalg.solve(H, g[0]).unsqueeze(0)
        f0, t = float(loss(w, A, y, lam, c)), 1.0
        # Armijo with a round-off allowance: near w* the decrease ‖∇f‖²/λ falls below f's float64 resolution, and
        # without the allowance the search would shrink the (then quadratically convergent) full step for nothing
        slack = 16 * torch.finfo(A.dtype).eps * abs(f0)
        while float(loss(w - t * step, A, y, lam, c)) > f0 - 0.25 * t * float((g * step).sum()) + slack and t > 1e-8:
            t *= 0.5
        w = w - t * step
        g = full_gradient(w, A, y, lam, c)
    return w[0], float(g.norm())


# ---------------------------------------------------------------------------------------------
# the sampled aggregates and the two estimators
# ---------------------------------------------------------------------------------------------

def sample_neighbours(shape: Sequence[int], D: int, N: int, *, generator: torch.Generator,
                      device: torch.device | str = "cpu") -> Tensor:
    """N of D neighbour slots drawn uniformly without replacement, independently for each entry of
    ``shape``: (*shape, N) long, in no particular order (the N smallest of D i.i.d. uniform keys: a
    uniform N-subset)."""
    D = _int_at_least("D", D, 1)
    N = _int_at_least("N", N, 1)
    if N > D:
        raise ValueError(f"N={N}: the sample size must be <= D={D} (sampling without replacement)")
    u = torch.rand(*shape, D, generator=generator, dtype=torch.float64)
    return u.topk(N, dim=-1, largest=False, sorted=False).indices.to(device)


def ht_aggregates(V: Tensor, nodes: Tensor, slots: Tensor) -> Tensor:
    """Horvitz–Thompson aggregates â = (D/N) Σ_{k ∈ slots} V[node, k].

    V: (n, D, d), the terms V[i, k] = P[i, k]·x_{nbr[i, k]}; nodes: (...) long; slots: (..., N) long, distinct
    slots of each node. Returns (..., d). Each of the D slots is in a uniform N-subset with probability N/D,
    so E[â] = Σ_k V[node, k] = a_node exactly; at N = D, â = a_node.
    """
    n, D, d = V.shape
    _check_indices("nodes", nodes, n, "node")
    _check_indices("slots", slots, D, "neighbour slot")
    if slots.ndim != nodes.ndim + 1 or tuple(slots.shape[:-1]) != tuple(nodes.shape):
        raise ValueError(f"slots.shape={tuple(slots.shape)}: expected nodes.shape + (N,) = {tuple(nodes.shape)} + (N,)")
    _check_sample_size(slots.shape[-1], D)
    return _ht_aggregates(V, nodes, slots)


def _ht_aggregates(V: Tensor, nodes: Tensor, slots: Tensor) -> Tensor:
    """:func:`ht_aggregates` without the index checks (for SGD's inner loop, whose indices are valid by construction)."""
    n, D, d = V.shape
    rows = nodes.unsqueeze(-1) * D + slots  # (..., N) rows of V viewed as (n·D, d)
    return V.reshape(n * D, d)[rows].sum(-2) * (D / slots.shape[-1])


def unbiased_estimator(w: Tensor, data: GraphData, nodes: Tensor, *, A: Tensor | None = None) -> Tensor:
    """(1/b) Σ_{i ∈ B} ∇f_i(w) with exact aggregates; nodes: (S, b) long. Returns (S, d).

    E over a uniform node draw is ∇f(w) exactly (each node is drawn with probability 1/n). ``A`` (n, d) may be
    passed to skip recomputing :func:`aggregates`.
    """
    _check_indices("nodes", nodes, data.n, "node")
    return _unbiased_estimator(w, data, nodes, aggregates(data) if A is None else A)


def _unbiased_estimator(w: Tensor, data: GraphData, nodes: Tensor, A: Tensor) -> Tensor:
    return node_gradients(w, A[nodes], data.y[nodes], data.lam).mean(1)


def consistent_estimator(w: Tensor, data: GraphData, nodes: Tensor, N: int, *,
                         generator: torch.Generator, V: Tensor | None = None) -> Tensor:
    """(1/b) Σ_{i ∈ B} [ℓ'(y_i â_iᵀw) y_i â_i + λw], â_i from N of node i's D neighbours. (S, d).

    ``V`` (n, D, d) may be passed to skip recomputing :meth:`GraphData.neighbour_features`.
    """
    _check_indices("nodes", nodes, data.n, "node")
    return _consistent_estimator(w, data, nodes, N, generator, data.neighbour_features() if V is None else V)


def _consistent_estimator(w: Tensor, data: GraphData, nodes: Tensor, N: int, generator: torch.Generator,
                          V: Tensor) -> Tensor:
    slots = sample_neighbours(tuple(nodes.shape), data.D, N, generator=generator, device=V.device)
    A_hat = _ht_aggregates(V, nodes, slots)
    return node_gradients(w, A_hat, data.y[nodes], data.lam).mean(1)


# ---------------------------------------------------------------------------------------------
# exact expectations over the neighbour draw (enumeration) and the bias bound
# ---------------------------------------------------------------------------------------------

def enumerate_subsets(D: int, N: int, *, device: torch.device | str = "cpu") -> Tensor:
    """All C(D, N) N-subsets of range(D), (C, N) long (for exact expectations at small D)."""
    D = _int_at_least("D", D, 1)
    N = _int_at_least("N", N, 1)
    if N > D:
        raise ValueError(f"N={N}: must be <= D={D}")
    if math.comb(D, N) > 200_000:
        raise ValueError(f"C(D={D}, N={N}) = {math.comb(D, N)} subsets: too many to enumerate (keep it <= 200000)")
    return torch.tensor(list(itertools.combinations(range(D), N)), dtype=torch.long, device=device).reshape(-1, N)


def subset_aggregates(data: GraphData, N: int) -> Tensor:
    """â_{i,S} for every node i and every N-subset S of its D slots: (n, C, d)."""
    V = data.neighbour_features()
    subsets = enumerate_subsets(data.D, N, device=V.device)  # (C, N)
    C = subsets.shape[0]
    nodes = torch.arange(data.n, device=V.device).unsqueeze(-1).expand(data.n, C)
    return ht_aggregates(V, nodes, subsets.unsqueeze(0).expand(data.n, C, N))


def expected_consistent_gradient(w: Tensor, data: GraphData, N: int) -> Tensor:
    """E[g_N(w)] over a uniform node and a uniform N-subset of its neighbours, by enumeration: (S, d).

    Equals ∇f_N(w) of the sampled objective; minus ∇f(w) it is the estimator's bias.
    """
    A_sub = subset_aggregates(data, N)  # (n, C, d)
    n, C, d = A_sub.shape
    margins = data.y[:, None, None] * torch.einsum("icd,sd->sic", A_sub, w).permute(1, 0, 2)  # (n, S, C)
    coef = data.y[:, None, None] * logistic_grad(margins)  # (n, S, C)
    return torch.einsum("isc,icd->sd", coef, A_sub) / (n * C) + data.lam * w


def aggregate_covariance(data: GraphData, N: int) -> Tensor:
    """Cov(â_i) of the Horvitz–Thompson aggregate from N of D slots without replacement, (n, d, d).

    â_i = D·(mean of the N sampled V[i, k]); the sample mean of a simple random sample without
    replacement has covariance (1 − N/D)·Σ_i/N with Σ_i = (1/(D − 1)) Σ_k (V_ik − V̄_i)(V_ik − V̄_i)ᵀ
    (finite-population correction), so Cov(â_i) = D²(1 − N/D)Σ_i/N; 0 at N = D (and for D = 1).
    """
    V = data.neighbour_features()
    D = V.shape[1]
    N = _check_sample_size(N, D)
    if D == 1:
        return torch.zeros(V.shape[0], V.shape[2], V.shape[2], dtype=V.dtype, device=V.device)
    Vc = V - V.mean(1, keepdim=True)
    Sigma = Vc.transpose(1, 2) @ Vc / (D - 1)
    return D * D * (1.0 - N / D) / N * Sigma


def bias_bound(w: Tensor, data: GraphData, N: int) -> Tensor:
    """A bound on ‖E[g_N(w)] − ∇f(w)‖, (S,) [derived here, not from the paper].

    With â = a + δ, E δ = 0, C = Cov(δ) and u = y aᵀw, v = y âᵀw, the node's bias is
    y E[(ℓ'(v) − ℓ'(u))](a) + y E[(ℓ'(v) − ℓ'(u))δ]. Taylor with |ℓ'''| ≤ 1/(6√3) and E[v − u] = 0 bounds
    the first by (1/(12√3))·wᵀCw·‖a‖; |ℓ'(v) − ℓ'(u)| ≤ ¼|v − u| and Cauchy–Schwarz bound the second by
    ¼·√(wᵀCw · tr C). Averaged over nodes: O(1/N), and exactly 0 at N = D (C = 0).
    """
    _check_w(w, data.d)
    C = aggregate_covariance(data, N)  # (n, d, d); rejects N outside [1, D]
    A = aggregates(data)
    q = torch.einsum("sd,ide,se->si", w, C, w).clamp_min(0.0)  # (S, n)
    tr = torch.diagonal(C, dim1=-2, dim2=-1).sum(-1)  # (n,)
    per_node = 0.5 * LOGISTIC_D3_MAX * q * A.norm(dim=-1) + 0.25 * torch.sqrt(q * tr)
    return per_node.mean(-1)


def sampled_objective_minimizer(data: GraphData, N: int) -> tuple[Tensor, float]:
    """w*_N, the minimizer of f_N(w) = (1/n) Σ_i E_S ℓ(y_i â_{i,S}ᵀw) + (λ/2)‖w‖² (S uniform N-subsets):
    the point fixed-N consistent SGD converges to. Newton on the enumerated (node, subset) pairs.
    Returns (w*_N (d,), ‖∇f_N(w*_N)‖)."""
    A_sub = subset_aggregates(data, N)  # (n, C, d)
    n, C, d = A_sub.shape
    y = data.y.unsqueeze(1).expand(n, C).reshape(-1)
    c = torch.full((n * C,), 1.0 / (n * C), dtype=A_sub.dtype, device=A_sub.device)
    return newton_minimizer(A_sub.reshape(n * C, d), y, data.lam, c)


# ---------------------------------------------------------------------------------------------
# SGD
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SGDTrace:
    """Squared distances ‖w_t − w_ref‖² at the recorded steps.

    Attributes:
        t: (K,) the recorded step numbers (t = 0 is the start).
        sq_dist: (S, K) ‖w_t − w_ref‖² per seed ((S, R, K) for R reference points).
        w: (S, d) the last iterate.
    """

    t: Tensor
    sq_dist: Tensor
    w: Tensor


def step_size(t: Tensor | int, *, mu: float, t0: float, c: float = 2.0) -> Tensor | float:
    """γ_t = c/(μ(t + t0)) for steps t ≥ 0: μ > 0 (the strong-convexity constant), t0 > 0 (γ_0 finite), c > 0."""
    mu = _finite_float("mu", mu, minimum=0.0, strict=True)
    t0 = _finite_float("t0", t0, minimum=0.0, strict=True)
    c = _finite_float("c", c, minimum=0.0, strict=True)
    return c / (mu * (t + t0))


def sgd(
    data: GraphData,
    w0: Tensor,
    *,
    estimator: Estimator,
    steps: int,
    mu: float,
    t0: float,
    batch: int,
    w_ref: Tensor,
    record: Sequence[int],
    node_generator: torch.Generator,
    neighbour_generator: torch.Generator | None = None,
    sample_sizes: Sequence[int] | None = None,
    c: float = 2.0,
) -> SGDTrace:
    """SGD w_{t+1} = w_t − γ_t g_t, γ_t = c/(μ(t + t0)), from w0 (S, d), for ``steps`` steps.

    With c > ½ and unbiased g_t of bounded variance, E‖w_t − w*‖² = O(1/t) for a μ-strongly convex f; c = 2
    makes the start's contribution fall like (t0/t)^{2c} = (t0/t)⁴, out of the way of the 1/t noise term.

    g_t is the ``"unbiased"`` estimator (exact aggregates) or the ``"consistent"`` one with sample size
    ``sample_sizes[t]`` (length ``steps``, each in [1, D]). Node minibatches (b = ``batch``, uniform with
    replacement) come from ``node_generator`` alone, neighbour draws from ``neighbour_generator``.
    Records ‖w_t − w_ref‖² at the steps in ``record`` (each in [0, steps]); ``w_ref`` is (d,), or (R, d) for R
    reference points at once (then ``sq_dist`` is (S, R, K)).
    """
    steps = _int_at_least("steps", steps, 0)
    batch = _int_at_least("batch", batch, 1)
    mu = _finite_float("mu", mu, minimum=0.0, strict=True)
    t0 = _finite_float("t0", t0, minimum=0.0, strict=True)
    c = _finite_float("c", c, minimum=0.0, strict=True)
    _check_w(w0, data.d)
    if estimator not in ("unbiased", "consistent"):
        raise ValueError(f"estimator={estimator!r}: choose 'unbiased' or 'consistent'")
    if estimator == "consistent":
        if neighbour_generator is None or sample_sizes is None:
            raise ValueError("estimator='consistent' needs neighbour_generator and sample_sizes")
        if len(sample_sizes) != steps:
            raise ValueError(f"len(sample_sizes)={len(sample_sizes)}: expected one sample size per step ({steps})")
        bad = [N for N in sample_sizes if not 1 <= int(N) <= data.D]
        if bad:
            raise ValueError(f"sample_sizes contains {bad[0]}: each must lie in [1, D={data.D}]")
    rec = sorted({int(r) for r in record})
    if rec and (rec[0] < 0 or rec[-1] > steps):
        raise ValueError(f"record={list(record)}: every recorded step must lie in [0, steps={steps}]")
    S = w0.shape[0]
    w = w0.clone()
    A = aggregates(data)
    V = data.neighbour_features()
    out: list[Tensor] = []
    want = set(rec)
    if not isinstance(w_ref, Tensor) or w_ref.ndim not in (1, 2) or w_ref.shape[-1] != data.d:
        shape = tuple(w_ref.shape) if isinstance(w_ref, Tensor) else type(w_ref).__name__
        raise ValueError(f"w_ref.shape={shape}: expected (d,) = ({data.d},) or (R, {data.d})")
    ref = w_ref.reshape(1, -1, data.d)  # (1, R, d)

    def sq_dist(w_: Tensor) -> Tensor:
        dist = ((w_.unsqueeze(1) - ref) ** 2).sum(-1)  # (S, R)
        return dist if w_ref.ndim == 2 else dist[:, 0]

    if 0 in want:
        out.append(sq_dist(w))
    gammas = step_size(torch.arange(steps, dtype=torch.float64), mu=mu, t0=t0, c=c).tolist()  # the schedule, once
    for t in range(steps):
        nodes = torch.randint(0, data.n, (S, batch), generator=node_generator).to(w.device)
        if estimator == "unbiased":
            g = _unbiased_estimator(w, data, nodes, A)  # nodes drawn in range: no per-step index check
        else:
            g = _consistent_estimator(w, data, nodes, int(sample_sizes[t]), neighbour_generator, V)
        w = w - gammas[t] * g
        if t + 1 in want:
            out.append(sq_dist(w))
    return SGDTrace(t=torch.tensor(rec, dtype=w.dtype), sq_dist=torch.stack(out, -1) if out else w.new_zeros(S, 0), w=w)
