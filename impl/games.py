"""Bilinear zero-sum games on simplices and the (optimistic) multiplicative-weights dynamics of
Daskalakis & Panageas, "Last-Iterate Convergence: Zero-Sum Games and Constrained Min-Max
Optimization" (ITCS 2019, arXiv 1807.04252), batched over many games at once.

The game (Daskalakis & Panageas 2019; shared/CLAIMS.md, daskalakis2019)::

    min_{y ∈ Δ_m} max_{x ∈ Δ_n} xᵀ A y        x: the row player (maximizes), y: the column player

OMWU (the paper's update as recalled in shared/CLAIMS.md, checked there in two implementations and here against
a probability-space reference in the unit tests)::

    x_i^{t+1} ∝ x_i^t exp( 2η(Ay^t)_i − η(Ay^{t−1})_i ),   y_j^{t+1} ∝ y_j^t exp( −2η(Aᵀx^t)_j + η(Aᵀx^{t−1})_j ),

with x^{−1} = x^0, y^{−1} = y^0 (so the first step is a plain MWU step). Plain MWU::

    x_i^{t+1} ∝ x_i^t exp( η(Ay^t)_i ),   y_j^{t+1} ∝ y_j^t exp( −η(Aᵀx^t)_j ).

Conventions shared by every function here:

* Batched over G games: payoffs A are (G, n, m), strategies (G, n) and (G, m); step sizes are a
  float or one per game, (G,). No Python loop over games in the dynamics (only over time steps).
* Strategies are carried as *normalised log-probabilities* (log x, with logsumexp(log x) = 0):
  each update adds the exponent and renormalises with ``log_softmax``. Nothing over- or
  underflows however long the horizon (a coordinate leaving the equilibrium's support drifts to
  −∞ linearly in t, at a finite log-weight), and the KL potential is computed from the logs.
* float64 unless a ``dtype`` is given. Random numbers come only from explicit CPU
  ``torch.Generator`` objects and are moved with ``.to(device)``.
* Invalid arguments raise ``ValueError`` with a ``name=value`` message saying what to fix.

The Nash-equilibrium solver (:func:`solve_zero_sum`) is independent of the generators: SciPy's HiGHS
(``scipy.optimize.linprog``) on the classical LP of a zero-sum game, in float64, then
polished on the equilibrium's supports, with the Bohnenblust–Karlin–Shapley uniqueness test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least
from lemmata.impl._checks import step_sizes as _step_sizes

__all__ = [
    "Equilibrium",
    "GameBatch",
    "MWUState",
    "OMWUState",
    "Trajectory",
    "kl_potential",
    "kl_resolution",
    "local_time_scale",
    "map_jacobian",
    "mwu_linearised_radius",
    "omwu_linearised_radius",
    "spectral_radius",
    "mwu_init",
    "mwu_trajectory",
    "mwu_update",
    "omwu_init",
    "omwu_trajectory",
    "omwu_update",
    "payoff_vectors",
    "planted_games",
    "random_starts",
    "rock_paper_scissors",
    "solve_zero_sum",
    "tangent_singular_values",
]

DEFAULT_DTYPE = torch.float64


# --------------------------------------------------------------------------------------------
# argument validation (cheap: shapes and scalars only)
# --------------------------------------------------------------------------------------------


def _shape(t: object) -> object:
    return tuple(t.shape) if isinstance(t, Tensor) else type(t).__name__


def _check_A(A: Tensor) -> tuple[int, int, int]:
    if not isinstance(A, Tensor) or A.ndim != 3 or min(A.shape) < 1:
        raise ValueError(f"A.shape={_shape(A)}: expected (G, n, m), one n×m payoff matrix per game "
                         "(use A[None] for a single game)")
    if not A.is_floating_point():
        raise ValueError(f"A.dtype={A.dtype}: expected a floating dtype (float64 for verification)")
    return A.shape[0], A.shape[1], A.shape[2]


def _check_strategy(name: str, v: Tensor, G: int, size: int, *, what: str) -> None:
    if not isinstance(v, Tensor) or tuple(v.shape) != (G, size):
        raise ValueError(f"{name}.shape={_shape(v)}: expected (G, {what}) = ({G}, {size}) to match A")


def _check_steps(steps: object) -> int:
    return _int_at_least("steps", steps, 0)


# --------------------------------------------------------------------------------------------
# payoffs and the KL potential
# --------------------------------------------------------------------------------------------


def payoff_vectors(A: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """(Ay, Aᵀx): the row player's payoff per pure strategy (G, n) and the column player's (G, m)."""
    return torch.einsum("gnm,gm->gn", A, y), torch.einsum("gnm,gn->gm", A, x)


def kl_potential(log_x: Tensor, log_y: Tensor, x_star: Tensor, y_star: Tensor) -> Tensor:
    """KL(x*‖x) + KL(y*‖y), the sums over the supports of x*, y*: the paper's potential.

    ``log_x`` (G, ..., n) and ``log_y`` (G, ..., m) are normalised log-probabilities (any middle
    axes, e.g. time); ``x_star`` (G, n), ``y_star`` (G, m) the equilibrium, exact zeros off its
    support. Returns (G, ...).

    Computed without cancellation: with d_i = log x_i − log x*_i on the support I and Σ_i x_i = 1,

        KL(x*‖x) = Σ_{i∈I} x*_i (e^{d_i} − 1 − d_i) + Σ_{i∉I} x_i,

    a sum of non-negative terms (e^d − 1 − d by ``expm1``). The textbook Σ x*_i log(x*_i/x_i)
    cancels to O(ε·|log x*|) ≈ 1e-16 absolute, which would hide every KL change below that; this
    form resolves KL to relative accuracy ≈ ε/|d|, so monotonicity stays checkable to KL ≈ 1e-24.
    """
    _check_kl_args(log_x, log_y, x_star, y_star)
    return _kl_one(log_x, x_star) + _kl_one(log_y, y_star)


def _check_kl_args(log_x: Tensor, log_y: Tensor, x_star: Tensor, y_star: Tensor) -> None:
    for name, v in (("x_star", x_star), ("y_star", y_star)):
        if not isinstance(v, Tensor) or v.ndim != 2:
            raise ValueError(f"{name}.shape={_shape(v)}: expected (G, n) / (G, m), one equilibrium per game")
    for name, lp, ps in (("log_x", log_x, x_star), ("log_y", log_y, y_star)):
        if not isinstance(lp, Tensor) or lp.ndim < 2 or lp.shape[0] != ps.shape[0] or lp.shape[-1] != ps.shape[1]:
            raise ValueError(f"{name}.shape={_shape(lp)}: expected (G, ..., size) matching the equilibrium's "
                             f"{tuple(ps.shape)}")


def _kl_one(log_p: Tensor, p_star: Tensor) -> Tensor:
    return _kl_parts(log_p, p_star, None)[0]


def _kl_parts(log_p: Tensor, p_star: Tensor, b: Tensor | None) -> tuple[Tensor, Tensor | None]:
    """One player's KL(p*‖p) and, when ``b`` is given, its round-off weight Σ_i |p_i − p*_i|(|log p_i| + |log p*_i| + b)."""
    shape = (p_star.shape[0],) + (1,) * (log_p.ndim - 2) + (p_star.shape[1],)
    ps = p_star.reshape(shape)
    on = ps > 0
    log_ps = torch.log(torch.where(on, ps, torch.ones_like(ps)))
    d = torch.where(on, log_p - log_ps, torch.zeros_like(log_p))  # 0 off the support
    p_off = torch.where(on, torch.zeros_like(log_p), torch.exp(log_p))  # 0 on the support
    em1 = torch.expm1(d)
    kl = (ps * (em1 - d) + p_off).sum(-1)  # p*_i = 0 off the support
    if b is None:
        return kl, None
    weight = ps * em1.abs() + p_off  # |p_i − p*_i|
    return kl, (weight * (log_p.abs() + log_ps.abs() + b)).sum(-1)


def kl_resolution(log_x: Tensor, log_y: Tensor, x_star: Tensor, y_star: Tensor, *,
                  step_payoff: float | Tensor = 1.0) -> Tensor:
    """How far float64 round-off can move the computed KL potential, in units of ε = 2.2e-16, shape (G, ...).

    Arguments as :func:`kl_potential`; ``step_payoff`` (a float or one per game, (G,)) bounds
    η·max|A|, the size of one exponent.
    One update rounds each log-weight by δ_i ≤ 4ε(|log x_i| + 2 + 3·step_payoff) (the sum of the
    exponent, the logsumexp, the subtraction); renormalising makes a shift of every log-weight
    harmless, so to first order the KL moves by Σ_i (x_i − x*_i)δ_i, i.e. by at most
    Σ_i |x_i − x*_i|·δ_i. Evaluating d_i = log x_i − log x*_i rounds it by ≤ 2ε(|log x_i| + |log x*_i|),
    moving the KL by the same weights, and the final sums add ε·KL. This returns
    Σ_i |x_i − x*_i|(|log x_i| + |log x*_i| + 2 + 3·step_payoff) + KL over both players: a multiple
    c·ε of it (c ≈ 6 from the count above) bounds the round-off in one KL value, so a change of the
    KL is resolvable only beyond that.
    """
    _check_kl_args(log_x, log_y, x_star, y_star)
    return _kl_and_resolution(log_x, log_y, x_star, y_star, step_payoff)[1]


def _kl_and_resolution(log_x: Tensor, log_y: Tensor, x_star: Tensor, y_star: Tensor,
                       step_payoff: float | Tensor) -> tuple[Tensor, Tensor]:
    G = x_star.shape[0]
    sp = step_payoff if isinstance(step_payoff, Tensor) else abs(float(step_payoff))
    b = 2.0 + 3.0 * _step_sizes(sp, S=G, like=log_x).reshape((G,) + (1,) * (log_x.ndim - 1))
    kx, rx = _kl_parts(log_x, x_star, b)
    ky, ry = _kl_parts(log_y, y_star, b)
    kl = kx + ky
    return kl, rx + ry + kl  # type: ignore[operator]


# --------------------------------------------------------------------------------------------
# the dynamics: small pure init/update pairs with explicit state
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OMWUState:
    """OMWU state after step t: log x^t (G, n), log y^t (G, m) and the previous payoffs
    A y^{t−1} (G, n), Aᵀ x^{t−1} (G, m) that the optimistic correction subtracts."""

    log_x: Tensor
    log_y: Tensor
    prev_Ay: Tensor
    prev_Atx: Tensor


@dataclass(frozen=True, eq=False)
class MWUState:
    """MWU state after step t: log x^t (G, n) and log y^t (G, m)."""

    log_x: Tensor
    log_y: Tensor


def _normalised_start(A: Tensor, log_x0: Tensor, log_y0: Tensor) -> tuple[Tensor, Tensor]:
    G, n, m = _check_A(A)
    _check_strategy("log_x0", log_x0, G, n, what="n")
    _check_strategy("log_y0", log_y0, G, m, what="m")
    return torch.log_softmax(log_x0.to(A), -1), torch.log_softmax(log_y0.to(A), -1)


def omwu_init(A: Tensor, log_x0: Tensor, log_y0: Tensor) -> OMWUState:
    """OMWU state at t = 0 with x^{−1} = x^0, y^{−1} = y^0 (the first update is then a plain MWU step).

    ``log_x0`` (G, n), ``log_y0`` (G, m): log-weights of interior starting points (normalised here).
    """
    lx, ly = _normalised_start(A, log_x0, log_y0)
    Ay, Atx = payoff_vectors(A, lx.exp(), ly.exp())
    return OMWUState(lx, ly, Ay, Atx)


def omwu_update(state: OMWUState, A: Tensor, *, eta: float | Tensor) -> OMWUState:
    """One OMWU step (Daskalakis & Panageas 2019, their OMWU update), both players simultaneously::

        log x^{t+1} = log x^t + η(2Ay^t − Ay^{t−1}) − logsumexp(·),
        log y^{t+1} = log y^t − η(2Aᵀx^t − Aᵀx^{t−1}) − logsumexp(·).

    ``eta``: a float or one step size per game (G,). Returns the state after step t + 1.
    """
    G, n, m = _check_A(A)
    _check_state(state, G, n, m)
    e = _step_sizes(eta, S=G, like=A)[:, None]
    return OMWUState(*_omwu_step(state.log_x, state.log_y, state.prev_Ay, state.prev_Atx, A, e))


def _payoffs(A: Tensor, log_x: Tensor, log_y: Tensor) -> tuple[Tensor, Tensor]:
    # batched mat-vec products by matmul (einsum's parsing costs more than the product at these sizes)
    return (A @ log_y.exp()[:, :, None])[:, :, 0], (log_x.exp()[:, None, :] @ A)[:, 0, :]


def _omwu_step(log_x: Tensor, log_y: Tensor, prev_Ay: Tensor, prev_Atx: Tensor, A: Tensor,
               e: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """The unchecked OMWU kernel; ``e`` (G, 1). Returns (log x^{t+1}, log y^{t+1}, Ay^t, Aᵀx^t)."""
    Ay, Atx = _payoffs(A, log_x, log_y)
    log_x = torch.log_softmax(log_x + e * _optimistic(Ay, prev_Ay), -1)
    log_y = torch.log_softmax(log_y - e * _optimistic(Atx, prev_Atx), -1)
    return log_x, log_y, Ay, Atx


def _optimistic(now: Tensor, before: Tensor) -> Tensor:
    """The optimistic payoff estimate 2·now − 1·before."""
    return 2.0 * now - before


def mwu_init(A: Tensor, log_x0: Tensor, log_y0: Tensor) -> MWUState:
    """MWU state at t = 0 (log-weights normalised)."""
    lx, ly = _normalised_start(A, log_x0, log_y0)
    return MWUState(lx, ly)


def mwu_update(state: MWUState, A: Tensor, *, eta: float | Tensor) -> MWUState:
    """One plain MWU step, simultaneous::

        log x^{t+1} = log x^t + ηAy^t − logsumexp(·),   log y^{t+1} = log y^t − ηAᵀx^t − logsumexp(·).
    """
    G, n, m = _check_A(A)
    _check_state(state, G, n, m)
    e = _step_sizes(eta, S=G, like=A)[:, None]
    return MWUState(*_mwu_step(state.log_x, state.log_y, A, e))


def _mwu_step(log_x: Tensor, log_y: Tensor, A: Tensor, e: Tensor) -> tuple[Tensor, Tensor]:
    """The unchecked MWU kernel; ``e`` (G, 1)."""
    Ay, Atx = _payoffs(A, log_x, log_y)
    return torch.log_softmax(log_x + e * Ay, -1), torch.log_softmax(log_y - e * Atx, -1)


def _check_state(state: OMWUState | MWUState, G: int, n: int, m: int) -> None:
    _check_strategy("state.log_x", state.log_x, G, n, what="n")
    _check_strategy("state.log_y", state.log_y, G, m, what="m")


@dataclass(frozen=True, eq=False)
class Trajectory:
    """A batched run of T steps over G games.

    kl:     (G, T+1) KL(x*‖x^t) + KL(y*‖y^t) on the equilibrium's supports, t = 0..T (absent
            (None) when no equilibrium was given).
    kl_resolution: (G, T+1) :func:`kl_resolution` of each iterate (None without an equilibrium).
    log_x:  (G, T+1, n) normalised log x^t, or (G, 1, n) holding only the final iterate when the
            run was asked not to keep iterates.
    log_y:  (G, T+1, m) likewise.
    """

    kl: Tensor | None
    kl_resolution: Tensor | None
    log_x: Tensor
    log_y: Tensor


def _run(optimistic: bool, A: Tensor, log_x0: Tensor, log_y0: Tensor, *, eta: float | Tensor, steps: int,
         x_star: Tensor | None, y_star: Tensor | None, keep_iterates: bool, chunk: int = 512) -> Trajectory:
    G, n, m = _check_A(A)
    T = _check_steps(steps)
    if (x_star is None) != (y_star is None):
        raise ValueError("x_star and y_star: give both (the equilibrium whose KL potential is recorded) or neither")
    if x_star is not None:
        _check_strategy("x_star", x_star, G, n, what="n")
        _check_strategy("y_star", y_star, G, m, what="m")  # type: ignore[arg-type]
        x_star, y_star = x_star.to(A), y_star.to(A)  # type: ignore[union-attr]
    e = _step_sizes(eta, S=G, like=A)[:, None]
    lx, ly = _normalised_start(A, log_x0, log_y0)
    pay_x, pay_y = _payoffs(A, lx, ly)  # x^{−1} = x^0, y^{−1} = y^0
    xs, ys, kls, res = [lx], [ly], [], []
    step_payoff = e[:, 0] * A.abs().amax((1, 2))  # η·max|A| per game
    kept_x, kept_y = [], []

    def flush() -> None:
        # the KL of a whole chunk of steps in one vectorised call (no per-step, per-game work)
        cx, cy = torch.stack(xs, 1), torch.stack(ys, 1)
        if x_star is not None:
            kl, resolution = _kl_and_resolution(cx, cy, x_star, y_star, step_payoff)
            kls.append(kl)
            res.append(resolution)
        if keep_iterates:
            kept_x.append(cx)
            kept_y.append(cy)
        xs.clear()
        ys.clear()

    for _ in range(T):
        if optimistic:
            lx, ly, pay_x, pay_y = _omwu_step(lx, ly, pay_x, pay_y, A, e)
        else:
            lx, ly = _mwu_step(lx, ly, A, e)
        xs.append(lx)
        ys.append(ly)
        if len(xs) >= chunk:
            flush()
    if xs:
        flush()
    kl = torch.cat(kls, 1) if kls else None
    resolution = torch.cat(res, 1) if res else None
    if keep_iterates:
        return Trajectory(kl, resolution, torch.cat(kept_x, 1), torch.cat(kept_y, 1))
    return Trajectory(kl, resolution, lx[:, None], ly[:, None])


def omwu_trajectory(
    A: Tensor, log_x0: Tensor, log_y0: Tensor, *, eta: float | Tensor, steps: int,
    x_star: Tensor | None = None, y_star: Tensor | None = None, keep_iterates: bool = True,
) -> Trajectory:
    """T = ``steps`` OMWU steps from (x^0, y^0) for G games at once (see :func:`omwu_update`).

    A (G, n, m); log_x0 (G, n), log_y0 (G, m) log-weights of the start; ``eta`` a float or (G,);
    x_star (G, n), y_star (G, m): the equilibrium whose KL potential is recorded at every step.
    """
    return _run(True, A, log_x0, log_y0, eta=eta, steps=steps, x_star=x_star, y_star=y_star,
                keep_iterates=keep_iterates)


def mwu_trajectory(
    A: Tensor, log_x0: Tensor, log_y0: Tensor, *, eta: float | Tensor, steps: int,
    x_star: Tensor | None = None, y_star: Tensor | None = None, keep_iterates: bool = True,
) -> Trajectory:
    """T = ``steps`` plain MWU steps (see :func:`mwu_update`); arguments as :func:`omwu_trajectory`."""
    return _run(False, A, log_x0, log_y0, eta=eta, steps=steps, x_star=x_star, y_star=y_star,
                keep_iterates=keep_iterates)


# --------------------------------------------------------------------------------------------
# games with a known unique equilibrium
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GameBatch:
    """G games with their planted equilibria.

    A:       (G, n, m) payoffs (x maximizes xᵀAy, y minimizes).
    x_star:  (G, n) the row player's equilibrium strategy, exact zeros off its support.
    y_star:  (G, m) the column player's, likewise.
    value:   (G,) the game's value x*ᵀAy*.
    gap:     (G,) the smallest off-support margin: min over i ∉ supp x* of v − (Ay*)_i and over
             j ∉ supp y* of (Aᵀx*)_j − v (+inf for an interior equilibrium). Positive margins
             (strict complementarity) plus a nonsingular bordered support matrix make the
             equilibrium unique (Bohnenblust, Karlin, Shapley 1950).
    """

    A: Tensor
    x_star: Tensor
    y_star: Tensor
    value: Tensor
    gap: Tensor


def _simplex_point(G: int, k: int, spread: float, generator: torch.Generator, dtype: torch.dtype) -> Tensor:
    """(G, k) interior points: softmax of spread·N(0, 1); spread 0 gives the uniform point."""
    z = torch.randn(G, k, generator=generator, dtype=dtype)
    return torch.softmax(spread * z, -1)


def _random_permutations(G: int, n: int, generator: torch.Generator) -> Tensor:
    return torch.argsort(torch.rand(G, n, generator=generator, dtype=torch.float64), dim=-1)


def _complement_basis(s: Tensor, generator: torch.Generator) -> Tensor:
    """(G, k, k−1) random orthonormal bases of the complement of the positive unit vectors ``s`` (G, k).

    The Householder reflector H = I − 2uuᵀ/‖u‖², u = s + e_1 (no cancellation: s_1 > 0), maps e_1 to −s, so
    its other k − 1 columns span s^⊥ to machine precision; a Haar-random rotation of them (QR of a Gaussian)
    makes the basis random. (Projecting a Gaussian onto s^⊥ and orthonormalising loses orthogonality to s
    when the projection is ill-conditioned.)
    """
    G, k = s.shape
    u = s.clone()
    u[:, 0] += 1.0
    H = torch.eye(k, dtype=s.dtype) - 2.0 * u[:, :, None] * u[:, None, :] / (u * u).sum(-1)[:, None, None]
    Q, R = torch.linalg.qr(torch.randn(G, k - 1, k - 1, generator=generator, dtype=s.dtype))
    sgn = torch.sign(torch.diagonal(R, dim1=-2, dim2=-1))
    return H[:, :, 1:] @ (Q * torch.where(sgn == 0, torch.ones_like(sgn), sgn)[:, None, :])


def planted_games(
    G: int,
    n: int,
    m: int,
    *,
    support: int,
    generator: torch.Generator,
    scale: float = 1.0,
    value: float = 0.0,
    eq_spread: float = 0.5,
    kappa: float = 1.0,
    gap: float = 0.25,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> GameBatch:
    """G random n×m games, each with a planted unique equilibrium whose supports have ``support`` = k points.

    Built, not solved (shared/CLAIMS.md, daskalakis2019): interior x*_I, y*_J (softmax of
    ``eq_spread``·N(0, 1); larger spread, smaller min probability) on random supports I, J of size
    k, and, before multiplying everything by ``scale``:

    * A_IJ = v·11ᵀ + D_x^{−1/2} U diag(s) Vᵀ D_y^{−1/2} with D_x = diag(x*_I), D_y = diag(y*_J),
      U, V random orthonormal bases (k × (k−1)) of the complements of √x*_I and √y*_J, and
      s_i = κ^{−(i−1)/(k−2)} spread geometrically from 1 down to 1/κ (``kappa``). Then
      A_IJ y*_J = v1 and x*_Iᵀ A_IJ = v1ᵀ (Vᵀ√y* = 0, √x*ᵀU = 0), and s are exactly the singular
      values of the whitened game D_x^{1/2} A_IJ D_y^{1/2} on the simplex's tangent space: κ is the
      condition number that sets OMWU's local rate (see :func:`local_time_scale`) and keeps the
      bordered support matrix nonsingular, so the equilibrium is unique;
    * rows i ∉ I: N(0, 1) entries on J shifted so that (Ay*)_i = v − g_i; columns j ∉ J: N(0, 1)
      entries on I shifted so that (Aᵀx*)_j = v + g_j; margins g ~ U[gap, gap + 1]; the block
      off both supports N(0, 1). Strict complementarity with margin ≥ ``gap`` then makes the
      equilibrium unique also in the full game (Bohnenblust, Karlin, Shapley 1950).

    k = n = m gives an interior equilibrium; k = 1 a pure one. The value is v·scale.
    Draw order from ``generator`` (CPU): x*, y*, U, V, the off-support blocks, the margins, the
    permutations of rows and columns.
    """
    G = _int_at_least("G", G, 1)
    n = _int_at_least("n", n, 1)
    m = _int_at_least("m", m, 1)
    k = _int_at_least("support", support, 1)
    if k > min(n, m):
        raise ValueError(f"support={k}: must be <= min(n, m) = {min(n, m)}")
    sc = _finite_float("scale", scale, minimum=0.0, strict=True)
    v = _finite_float("value", value)
    spread = _finite_float("eq_spread", eq_spread, minimum=0.0)
    kap = _finite_float("kappa", kappa, minimum=1.0)
    g0 = _finite_float("gap", gap, minimum=0.0, strict=True)
    xs = _simplex_point(G, k, spread, generator, dtype)
    ys = _simplex_point(G, k, spread, generator, dtype)
    U = _complement_basis(xs.sqrt(), generator)
    V = _complement_basis(ys.sqrt(), generator)
    if k > 2:
        s = torch.exp(-math.log(kap) * torch.arange(k - 1, dtype=dtype) / (k - 2))
    else:
        s = torch.ones(k - 1, dtype=dtype)
    core = (U * s) @ V.transpose(1, 2)  # (G, k, k)
    A = torch.zeros(G, n, m, dtype=dtype)
    A[:, :k, :k] = v + core / xs.sqrt()[:, :, None] / ys.sqrt()[:, None, :]
    rows = torch.randn(G, n - k, k, generator=generator, dtype=dtype)
    cols = torch.randn(G, k, m - k, generator=generator, dtype=dtype)
    A[:, k:, k:] = torch.randn(G, n - k, m - k, generator=generator, dtype=dtype)
    g_rows = g0 + torch.rand(G, n - k, generator=generator, dtype=dtype)
    g_cols = g0 + torch.rand(G, m - k, generator=generator, dtype=dtype)
    # shifting a row's J-entries by c moves (Ay*)_i by c·Σy*_J = c; a column's I-entries likewise
    A[:, k:, :k] = rows + (v - g_rows - torch.einsum("gik,gk->gi", rows, ys))[:, :, None]
    A[:, :k, k:] = cols + (v + g_cols - torch.einsum("gkj,gk->gj", cols, xs))[:, None, :]
    x_star = torch.cat([xs, torch.zeros(G, n - k, dtype=dtype)], 1)
    y_star = torch.cat([ys, torch.zeros(G, m - k, dtype=dtype)], 1)
    # random supports: canonical row r goes to row perm_r[r] (gather with the inverse permutation)
    inv_r = torch.argsort(_random_permutations(G, n, generator), -1)
    inv_c = torch.argsort(_random_permutations(G, m, generator), -1)
    A = torch.gather(A, 1, inv_r[:, :, None].expand(G, n, m))
    A = torch.gather(A, 2, inv_c[:, None, :].expand(G, n, m))
    x_star = torch.gather(x_star, 1, inv_r)
    y_star = torch.gather(y_star, 1, inv_c)
    margins = torch.cat([g_rows, g_cols], 1)
    gap_t = margins.amin(1) if margins.shape[1] else torch.full((G,), math.inf, dtype=dtype)
    return GameBatch(A=(sc * A).to(device), x_star=x_star.to(device), y_star=y_star.to(device),
                     value=torch.full((G,), sc * v, dtype=dtype, device=device), gap=(sc * gap_t).to(device))


def _support_blocks(games: GameBatch) -> tuple[Tensor, Tensor, Tensor]:
    """A_IJ (G, k, k), x*_I (G, k), y*_J (G, k) in support order; every game must have the same k = |I| = |J|."""
    G, n, m = _check_A(games.A)
    on_x, on_y = games.x_star > 0, games.y_star > 0
    kx, ky = on_x.sum(1), on_y.sum(1)
    k = int(kx[0])
    if bool((kx != k).any()) or bool((ky != k).any()):
        raise ValueError(f"supports: every game needs |supp x*| = |supp y*| = k, got {kx.tolist()} and {ky.tolist()}")
    I = torch.argsort(on_x.to(torch.int8), dim=-1, descending=True, stable=True)[:, :k]
    J = torch.argsort(on_y.to(torch.int8), dim=-1, descending=True, stable=True)[:, :k]
    A_IJ = torch.gather(torch.gather(games.A, 1, I[:, :, None].expand(G, k, m)), 2, J[:, None, :].expand(G, k, k))
    return A_IJ, torch.gather(games.x_star, 1, I), torch.gather(games.y_star, 1, J)


def tangent_singular_values(games: GameBatch) -> Tensor:
    """(G, k−1) singular values, descending, of the whitened game D_x^{1/2} A_IJ D_y^{1/2} restricted to the
    simplex's tangent spaces (√x*_I^⊥ → √y*_J^⊥): the frequencies of OMWU's linearisation on the support."""
    A_IJ, xs, ys = _support_blocks(games)
    k = A_IJ.shape[-1]
    sx, sy = xs.sqrt(), ys.sqrt()
    M = sx[:, :, None] * A_IJ * sy[:, None, :]
    eye = torch.eye(k, dtype=M.dtype, device=M.device)
    Qx = eye - sx[:, :, None] * sx[:, None, :]
    Qy = eye - sy[:, :, None] * sy[:, None, :]
    return torch.linalg.svdvals(Qx @ M @ Qy)[:, : k - 1]


def _tangent_basis(sizes: tuple[int, ...], *, dtype: torch.dtype, device: torch.device) -> Tensor:
    """(D, D − len(sizes)) orthonormal basis of {v ∈ R^D : every block of v sums to 0}, D = Σ sizes: the tangent
    space of a product of simplices (QR of each block's centring matrix, first b − 1 columns)."""
    blocks = []
    for b in sizes:
        centring = torch.eye(b, dtype=dtype, device=device) - 1.0 / b
        blocks.append(torch.linalg.qr(centring[:, : b - 1]).Q)
    return torch.block_diag(*blocks)


def map_jacobian(games: GameBatch, eta: float | Tensor, *, optimistic: bool) -> Tensor:
    """Jacobian at the equilibrium of one (O)MWU step as a map of probability vectors, on the tangent space.

    MWU: (x, y) ↦ (x', y') (:func:`mwu_update`). OMWU is a map of (x^t, y^t, x^{t−1}, y^{t−1}) ↦
    (x^{t+1}, y^{t+1}, x^t, y^t) (:func:`omwu_update`); its fixed point is (x*, y*, x*, y*). Both are differentiated
    by autograd through this module's own step kernels, at the equilibrium, and restricted to the tangent space of
    the simplices (the maps keep every block's sum, so the restriction is exact). Needs an interior equilibrium
    (log 0 is not differentiable): raises ValueError otherwise.

    Returns (G, D_T, D_T), D_T = 2(n − 1) + 2(m − 1) for OMWU and (n − 1) + (m − 1) for MWU.
    """
    A, xs, ys = games.A, games.x_star, games.y_star
    G, n, m = _check_A(A)
    if bool((xs <= 0).any()) or bool((ys <= 0).any()):
        raise ValueError("map_jacobian: the equilibrium must be interior (every x*_i, y*_j > 0)")
    e = _step_sizes(eta, S=G, like=A)[:, None]
    sizes = (n, m, n, m) if optimistic else (n, m)

    def step(state: Tensor) -> Tensor:
        parts = torch.split(state, list(sizes), dim=-1)
        if optimistic:
            x, y, x_prev, y_prev = parts
            prev_Ay, prev_Atx = _payoffs(A, torch.log(x_prev), torch.log(y_prev))
            lx, ly, _, _ = _omwu_step(torch.log(x), torch.log(y), prev_Ay, prev_Atx, A, e)
            return torch.cat([lx.exp(), ly.exp(), x, y], -1)
        x, y = parts
        lx, ly = _mwu_step(torch.log(x), torch.log(y), A, e)
        return torch.cat([lx.exp(), ly.exp()], -1)

    point = torch.cat([xs, ys, xs, ys] if optimistic else [xs, ys], -1)
    full = torch.autograd.functional.jacobian(step, point, vectorize=True)  # (G, D, G, D): games do not interact
    idx = torch.arange(G, device=A.device)
    J = full[idx, :, idx, :]  # (G, D, D)
    U = _tangent_basis(sizes, dtype=A.dtype, device=A.device)
    return U.T @ J @ U


def spectral_radius(J: Tensor) -> Tensor:
    """max |eigenvalue| of each (…, D, D) matrix."""
    return torch.linalg.eigvals(J).abs().amax(-1)


def windowed_log_slope(values: Tensor, start: Tensor, end: Tensor) -> Tensor:
    """Least-squares slope of ln values[g, t] against t over each row's own window start[g] ≤ t ≤ end[g].

    values (G, T+1), positive (a KL path: t = 0..T); start, end (G,) step indices (floats allowed, the window is
    the integer steps inside). Returns (G,): the slope per step, NaN for a row whose window holds fewer than two
    steps. Used for the local rate: near the equilibrium KL(t) ≈ C·ρ^{2t}, so the slope is 2 ln ρ.
    """
    if values.dim() != 2 or start.shape != (values.shape[0],) or end.shape != (values.shape[0],):
        raise ValueError(f"windowed_log_slope: values (G, T+1) and start, end (G,), got {tuple(values.shape)}, "
                         f"{tuple(start.shape)}, {tuple(end.shape)}")
    t = torch.arange(values.shape[1], dtype=values.dtype, device=values.device)
    w = ((t[None, :] >= start[:, None]) & (t[None, :] <= end[:, None])).to(values.dtype)
    y = torch.log(values.clamp_min(torch.finfo(values.dtype).tiny))
    n = w.sum(1)
    tm = (w * t).sum(1) / n.clamp_min(1)
    ym = (w * y).sum(1) / n.clamp_min(1)
    sxx = (w * (t - tm[:, None]) ** 2).sum(1)
    sxy = (w * (t - tm[:, None]) * (y - ym[:, None])).sum(1)
    nan = torch.full_like(sxx, math.nan)
    return torch.where(n >= 2, sxy / sxx.clamp_min(torch.finfo(values.dtype).tiny), nan)


def omwu_linearised_radius(games: GameBatch, eta: float | Tensor) -> Tensor:
    """(G,) spectral radius of OMWU's linearisation at an interior equilibrium, in closed form (derived).

    In whitened tangent coordinates each singular value σ of the tangent game (:func:`tangent_singular_values`)
    gives z^{t+1} = z^t − iησ(2z^t − z^{t−1}) (z = a + ib) and its conjugate, whose characteristic roots are
    λ = ((1 − 2iησ) ± √(1 − 4η²σ²))/2; for ησ ≤ ½, |λ₊|² = (1 + √(1 − 4η²σ²))/2 < 1. The radius is the largest
    |λ| over σ and both roots. Independent of the step kernels: a check of :func:`map_jacobian`.
    """
    G = games.A.shape[0]
    e = _step_sizes(eta, S=G, like=games.A)
    es = (e[:, None] * tangent_singular_values(games)).to(torch.complex128)  # (G, k − 1)
    root = torch.sqrt(1 - 4 * es * es)
    lead = 1 - 2j * es
    return torch.maximum(((lead + root) / 2).abs(), ((lead - root) / 2).abs()).amax(-1).to(games.A.dtype)


def mwu_linearised_radius(games: GameBatch, eta: float | Tensor) -> Tensor:
    """(G,) spectral radius of plain MWU's linearisation at an interior equilibrium: √(1 + (ησ_max)²) (derived).

    At (x*, y*), J = I + η[[0, D_x P_x A], [−D_y P_y Aᵀ, 0]] on the tangent space (P_x = I − 1x*ᵀ); whitened
    (δx = D_x^{1/2}a, δy = D_y^{1/2}b) the off-diagonal part is skew with the tangent game's singular values, so
    the eigenvalues are 1 ± iησ_j and the radius exceeds 1 whenever some σ_j > 0: MWU is not locally stable.
    """
    G = games.A.shape[0]
    e = _step_sizes(eta, S=G, like=games.A)
    return torch.sqrt(1 + (e * tangent_singular_values(games)[:, 0]) ** 2)


def local_time_scale(games: GameBatch, eta: float | Tensor) -> Tensor:
    """τ (G,): the number of OMWU steps per e-fold of the KL potential near the equilibrium, to first order.

    Derived (not from the paper, which proves local asymptotic stability without a rate): in the
    whitened coordinates a = D_x^{−1/2}(x − x*), b = D_y^{−1/2}(y − y*), OMWU linearises on each
    singular pair (σ) of the tangent game to z^{t+1} = z^t − iησ(2z^t − z^{t−1}) (z = a + ib), whose
    dominant root is λ = 1 − iησ − (ησ)² + O((ησ)³), |λ|² = 1 − (ησ)² + O((ησ)⁴); a coordinate off
    the support decays like e^{−η·g_i} (g_i its margin). KL is quadratic in (a, b) and linear in the
    off-support mass, so it contracts per step by ≈ 1 − r with r = min((ησ_min)², η·gap), τ = 1/r.
    Used only to choose horizons (the planted games differ by orders of magnitude in τ).
    """
    G = games.A.shape[0]
    e = _step_sizes(eta, S=G, like=games.A)
    sv = tangent_singular_values(games)
    r = torch.full((G,), math.inf, dtype=games.A.dtype, device=games.A.device)
    if sv.shape[1]:
        r = (e * sv[:, -1]) ** 2
    r = torch.minimum(r, e * games.gap)
    return 1.0 / r


def rock_paper_scissors(
    G: int = 1,
    *,
    scale: float = 1.0,
    win: float = 1.0,
    lose: float = 1.0,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> GameBatch:
    """Rock–paper–scissors for the row player, scaled: A = scale·[[0, −l, w], [w, 0, −l], [−l, w, 0]].

    Winning pays ``win``, losing costs ``lose`` (both > 0; w = l = 1 is the textbook game, value 0,
    x* = y* = (⅓, ⅓, ⅓)). The cyclic matrix has equal row and column sums w − l, so the uniform
    pair is the unique equilibrium (interior) with value scale·(w − l)/3 for any w, l > 0.
    """
    G = _int_at_least("G", G, 1)
    sc = _finite_float("scale", scale, minimum=0.0, strict=True)
    w = _finite_float("win", win, minimum=0.0, strict=True)
    lo = _finite_float("lose", lose, minimum=0.0, strict=True)
    A = sc * torch.tensor([[0.0, -lo, w], [w, 0.0, -lo], [-lo, w, 0.0]], dtype=dtype)
    third = torch.full((G, 3), 1.0 / 3.0, dtype=dtype)
    return GameBatch(A=A.expand(G, 3, 3).clone().to(device), x_star=third.to(device), y_star=third.clone().to(device),
                     value=torch.full((G,), sc * (w - lo) / 3.0, dtype=dtype, device=device),
                     gap=torch.full((G,), math.inf, dtype=dtype, device=device))


def random_starts(
    G: int, n: int, m: int, *, spread: float, generator: torch.Generator,
    dtype: torch.dtype = DEFAULT_DTYPE, device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """Interior starting log-weights: log x^0 (G, n), log y^0 (G, m), normalised, = log_softmax(spread·N(0, 1))."""
    G = _int_at_least("G", G, 1)
    n = _int_at_least("n", n, 1)
    m = _int_at_least("m", m, 1)
    s = _finite_float("spread", spread, minimum=0.0)
    lx = torch.log_softmax(s * torch.randn(G, n, generator=generator, dtype=dtype), -1)
    ly = torch.log_softmax(s * torch.randn(G, m, generator=generator, dtype=dtype), -1)
    return lx.to(device), ly.to(device)


# --------------------------------------------------------------------------------------------
# Nash equilibrium by linear programming, with a uniqueness test
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Equilibrium:
    """A Nash equilibrium of one zero-sum game, from :func:`solve_zero_sum`.

    x (n,), y (m,): optimal strategies (exact zeros off the supports); value: x ᵀAy.
    unique: True when the Bohnenblust–Karlin–Shapley conditions hold: |supp x| = |supp y|, the
        bordered support matrix is nonsingular and complementarity is strict (each is sufficient
        together, and necessary: BKS 1950); ``why`` says which failed otherwise.
    margin: the smallest off-support margin (+inf when interior); cond: the bordered support
        matrix's condition number; residual: the largest violation of the optimality conditions
        max_i (Ay)_i ≤ v ≤ min_j (Aᵀx)_j after polishing.
    """

    x: np.ndarray
    y: np.ndarray
    value: float
    unique: bool
    margin: float
    cond: float
    residual: float
    why: str = ""


def _lp_max(B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """max 1ᵀw s.t. Bw ≤ 1, w ≥ 0 (B > 0 entrywise, so bounded and w = 0 feasible), by SciPy's HiGHS.

    The reference is SciPy's (``scipy.optimize.linprog``, method ``highs``), independent of the code under
    test. Returns the primal w (m,) and the dual u (n,) (u ≥ 0, Bᵀu ≥ 1, 1ᵀu = 1ᵀw): HiGHS reports the
    marginals of the ≤ rows of the minimisation of −1ᵀw, which are −u.
    """
    from scipy.optimize import linprog

    n, m = B.shape
    res = linprog(-np.ones(m), A_ub=B, b_ub=np.ones(n), bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"linprog (HiGHS) did not solve the game's LP: status {res.status}, {res.message}")
    return np.asarray(res.x, dtype=np.float64), -np.asarray(res.ineqlin.marginals, dtype=np.float64)


def solve_zero_sum(A: Tensor | np.ndarray, *, tol: float = 1e-9) -> Equilibrium:
    """A Nash equilibrium of min_y max_x xᵀAy for one n×m game, by linear programming.

    Shift A to B = A + c > 0; the column player's LP max 1ᵀw s.t. Bw ≤ 1, w ≥ 0 has optimum
    1/v_B, y = w·v_B, and its dual gives x = u·v_B (von Neumann's minimax theorem as LP duality).
    The supports (entries above ``tol``) are then polished to machine precision by solving the
    square bordered system A_IJᵀx_I = v1, 1ᵀx_I = 1 (and likewise for y) when |I| = |J|, and the
    uniqueness conditions are tested (see :class:`Equilibrium`). ``tol`` is relative to max|A|.
    """
    M = A.detach().cpu().double().numpy() if isinstance(A, Tensor) else np.asarray(A, dtype=np.float64)
    if M.ndim != 2 or min(M.shape) < 1 or not np.all(np.isfinite(M)):
        raise ValueError(f"A.shape={M.shape}: expected one finite n×m payoff matrix (solve games one at a time)")
    n, m = M.shape
    scale = max(1.0, float(np.abs(M).max()))
    c = 1.0 - float(M.min())
    w, u = _lp_max(M + c)
    total = float(w.sum())
    x, y = u / u.sum(), w / total
    v = 1.0 / total - c
    t = tol * scale
    I, J = np.flatnonzero(x > tol), np.flatnonzero(y > tol)
    why = ""
    cond = math.inf
    if len(I) == len(J):
        k = len(I)
        K = np.zeros((k + 1, k + 1))
        K[:k, :k] = M[np.ix_(I, J)].T
        K[:k, k] = -1.0
        K[k, :k] = 1.0
        cond = float(np.linalg.cond(K))
        if cond < 1e12:
            rhs = np.zeros(k + 1)
            rhs[k] = 1.0
            sx = np.linalg.solve(K, rhs)  # A_IJᵀ x_I = v1, 1ᵀx_I = 1
            Ky = K.copy()
            Ky[:k, :k] = M[np.ix_(I, J)]
            sy = np.linalg.solve(Ky, rhs)  # A_IJ y_J = v1, 1ᵀy_J = 1
            if np.all(sx[:k] > 0) and np.all(sy[:k] > 0):
                x, y = np.zeros(n), np.zeros(m)
                x[I], y[J] = sx[:k], sy[:k]
                v = float(x @ M @ y)
        else:
            why = f"the bordered support matrix is singular (cond = {cond:.3g})"
    else:
        why = f"supports of unequal size |I| = {len(I)}, |J| = {len(J)}"
    Ay, Atx = M @ y, M.T @ x
    residual = max(float(Ay.max() - v), float(v - Atx.min()), 0.0)
    off_rows = np.setdiff1d(np.arange(n), I)
    off_cols = np.setdiff1d(np.arange(m), J)
    margins = np.concatenate([v - Ay[off_rows], Atx[off_cols] - v])
    margin = float(margins.min()) if margins.size else math.inf
    if not why and margin <= t:
        why = f"complementarity is not strict (off-support margin {margin:.3g} ≤ tol·max|A| = {t:.3g})"
    if not why and residual > 1e3 * t:
        why = f"the polished point violates optimality by {residual:.3g}"
    return Equilibrium(x=x, y=y, value=float(v), unique=not why, margin=margin, cond=cond, residual=residual, why=why)
