"""Coarse (straight-through) gradients of a two-linear-layer network with binary activation, batched over seeds.

Yin, Zhang, Lyu, Osher, Qi, Xin, "Blended coarse gradient descent for full quantization of deep neural
networks", Research in the Mathematical Sciences 6 (2019), arXiv 1808.05240 (BCGD; the model as in
Yin et al., "Understanding straight-through estimator in training activation quantized neural nets",
ICLR 2019, arXiv 1903.05662 — the model is recalled, not re-read).

Model: an input Z ∈ R^{m×n} with i.i.d. N(0, 1) entries (rows z_i), first-layer weights w ∈ R^n, the
binary activation σ(x) = 1{x > 0} applied entrywise, second-layer weights v ∈ R^m::

    y(Z; v, w) = vᵀσ(Zw),     ℓ(v, w; Z) = ½(vᵀσ(Zw) − v*ᵀσ(Zw*))²,     f(v, w) = E_Z ℓ(v, w; Z),

with a teacher (v*, w*). The sample gradient in w is 0 almost everywhere (σ′ = 0), so training uses
the *coarse gradient* that replaces σ′ by the derivative μ′ of a straight-through estimator (STE):
the ReLU STE μ′(x) = 1{x > 0}, or the identity STE μ′ = 1::

    g_v = σ(Zw) r,     g_w = Zᵀ(μ′(Zw) ∘ v) r,     r = vᵀσ(Zw) − v*ᵀσ(Zw*).

Closed forms (derived here; θ = ∠(w, w*) ∈ (0, π), ŵ = w/‖w‖): E[σ(z_iᵀw)σ(z_jᵀw′)] = ¼ for i ≠ j
and (π − ∠(w, w′))/(2π) for i = j, so

    f(v, w) = ⅛[vᵀ(I + 11ᵀ)v − 2vᵀ((1 − 2θ/π)I + 11ᵀ)v* + v*ᵀ(I + 11ᵀ)v*],
    ∂f/∂v = ¼[(I + 11ᵀ)v − ((1 − 2θ/π)I + 11ᵀ)v*],
    ∂f/∂w = −(vᵀv*)/(2π‖w‖ sin θ) · (I − ŵŵᵀ)ŵ*,

and, by Stein's lemma E[z 1{zᵀu > 0, zᵀu′ > 0}] = (û + û′)/(2√(2π)), the expected ReLU-STE coarse gradient

    E g_v = ∂f/∂v,     E g_w = (1/(2√(2π)))[((1ᵀv)² + ‖v‖² − (1ᵀv)(1ᵀv*)) ŵ − (vᵀv*) ŵ*],

so ⟨E g, ∇f⟩ = ‖∂f/∂v‖² + (vᵀv*)² sin θ/(4π√(2π)‖w‖) ≥ 0 (Yin et al.'s positive correlation).

Conventions: v, v* are (S, m), w, w* are (S, n): one instance per seed. Z is (S, N, m, n): N
Monte Carlo inputs per seed. float64 unless a dtype is given; explicit CPU generators.
"""

from __future__ import annotations

import math
from typing import Literal

import torch
from torch import Tensor

from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least

__all__ = [
    "coarse_gradient",
    "correlation_closed_form",
    "expected_coarse_gradient",
    "gaussian_inputs",
    "instances",
    "population_grad",
    "population_loss",
    "sample_loss",
]

DEFAULT_DTYPE = torch.float64
STE = Literal["relu", "identity"]


def _shape(t: object) -> object:
    return tuple(t.shape) if isinstance(t, Tensor) else type(t).__name__


def _check(v: Tensor, w: Tensor, v_star: Tensor, w_star: Tensor) -> tuple[int, int, int]:
    if not isinstance(v, Tensor) or v.ndim != 2:
        raise ValueError(f"v.shape={_shape(v)}: expected (S, m)")
    if not isinstance(w, Tensor) or w.ndim != 2 or w.shape[0] != v.shape[0]:
        raise ValueError(f"w.shape={_shape(w)}: expected (S, n) with S={v.shape[0]} (from v)")
    if not isinstance(v_star, Tensor) or v_star.shape != v.shape:
        raise ValueError(f"v_star.shape={_shape(v_star)}: expected {tuple(v.shape)} (= v.shape)")
    if not isinstance(w_star, Tensor) or w_star.shape != w.shape:
        raise ValueError(f"w_star.shape={_shape(w_star)}: expected {tuple(w.shape)} (= w.shape)")
    return v.shape[0], v.shape[1], w.shape[1]


def _angle(w: Tensor, w_star: Tensor) -> Tensor:
    c = (w * w_star).sum(-1) / (w.norm(dim=-1) * w_star.norm(dim=-1))
    return torch.arccos(c.clamp(-1.0, 1.0))


def instances(
    m: int,
    n: int,
    seeds: list[int] | tuple[int, ...],
    *,
    angle: float,
    v_offset: float,
    dtype: torch.dtype = DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """One (v, w, v*, w*) per seed with ∠(w, w*) = ``angle`` exactly and v = v* + v_offset·‖v*‖ξ/√m.

    Seed s draws, from its own generator: v* ~ N(0, I_m), a unit w* ~ uniform, a unit direction
    orthogonal to w*, ‖w‖ ~ uniform on [½, 2], and ξ ~ N(0, I_m). Returns v (S, m), w (S, n), v*, w*.
    """
    m = _int_at_least("m", m, 1)
    n = _int_at_least("n", n, 2)
    a = _finite_float("angle", angle, minimum=0.0)
    if not a <= math.pi:
        raise ValueError(f"angle={a}: must lie in [0, π]")
    off = _finite_float("v_offset", v_offset, minimum=0.0)
    out: list[list[Tensor]] = []
    for i, s in enumerate(seeds):
        g = torch.Generator().manual_seed(_int_at_least(f"seeds[{i}]", s, 0))
        vs = torch.randn(m, generator=g, dtype=dtype)
        ws = torch.randn(n, generator=g, dtype=dtype)
        ws = ws / ws.norm()
        u = torch.randn(n, generator=g, dtype=dtype)
        u = u - (u @ ws) * ws
        u = u / u.norm()
        r = 0.5 + 1.5 * float(torch.rand((), generator=g, dtype=dtype))
        w = r * (math.cos(a) * ws + math.sin(a) * u)
        v = vs + off * vs.norm() / math.sqrt(m) * torch.randn(m, generator=g, dtype=dtype)
        out.append([v, w, vs, ws])
    return tuple(torch.stack([o[k] for o in out]).to(device) for k in range(4))  # type: ignore[return-value]


def gaussian_inputs(S: int, N: int, m: int, n: int, *, generator: torch.Generator,
                    dtype: torch.dtype = DEFAULT_DTYPE, device: torch.device | str = "cpu") -> Tensor:
    """Z (S, N, m, n) with i.i.d. N(0, 1) entries (the paper's Gaussian input)."""
    S, N, m, n = (_int_at_least(k, v, 1) for k, v in (("S", S), ("N", N), ("m", m), ("n", n)))
    return torch.randn(S, N, m, n, generator=generator, dtype=dtype).to(device)


def population_loss(v: Tensor, w: Tensor, v_star: Tensor, w_star: Tensor) -> Tensor:
    """f(v, w) = E_Z ℓ in closed form (module docstring), shape (S,)."""
    _check(v, w, v_star, w_star)
    theta = _angle(w, w_star)
    sv, svs = v.sum(-1), v_star.sum(-1)
    quad = (v * v).sum(-1) + sv**2
    cross = (1 - 2 * theta / math.pi) * (v * v_star).sum(-1) + sv * svs
    teach = (v_star * v_star).sum(-1) + svs**2
    return (quad - 2 * cross + teach) / 8


def population_grad(v: Tensor, w: Tensor, v_star: Tensor, w_star: Tensor) -> tuple[Tensor, Tensor]:
    """(∂f/∂v (S, m), ∂f/∂w (S, n)) in closed form (module docstring); needs θ ∈ (0, π)."""
    _check(v, w, v_star, w_star)
    theta = _angle(w, w_star).unsqueeze(-1)
    gv = ((v + v.sum(-1, keepdim=True)) - ((1 - 2 * theta / math.pi) * v_star + v_star.sum(-1, keepdim=True))) / 4
    wn = w.norm(dim=-1, keepdim=True)
    wh, wsh = w / wn, w_star / w_star.norm(dim=-1, keepdim=True)
    perp = wsh - (wh * wsh).sum(-1, keepdim=True) * wh
    gw = -(v * v_star).sum(-1, keepdim=True) / (2 * math.pi * wn * torch.sin(theta)) * perp
    return gv, gw


def expected_coarse_gradient(v: Tensor, w: Tensor, v_star: Tensor, w_star: Tensor) -> tuple[Tensor, Tensor]:
    """(E g_v, E g_w) of the ReLU-STE coarse gradient in closed form (module docstring)."""
    _check(v, w, v_star, w_star)
    gv, _ = population_grad(v, w, v_star, w_star)
    wh = w / w.norm(dim=-1, keepdim=True)
    wsh = w_star / w_star.norm(dim=-1, keepdim=True)
    sv, svs = v.sum(-1, keepdim=True), v_star.sum(-1, keepdim=True)
    coef = sv**2 + (v * v).sum(-1, keepdim=True) - sv * svs
    gw = (coef * wh - (v * v_star).sum(-1, keepdim=True) * wsh) / (2 * math.sqrt(2 * math.pi))
    return gv, gw


def correlation_closed_form(v: Tensor, w: Tensor, v_star: Tensor, w_star: Tensor) -> tuple[Tensor, Tensor]:
    """(⟨E g, ∇f⟩, ⟨E g_w, ∂f/∂w⟩), each (S,): ‖∂f/∂v‖² + (vᵀv*)² sin θ/(4π√(2π)‖w‖) and its second term."""
    _check(v, w, v_star, w_star)
    gv, _ = population_grad(v, w, v_star, w_star)
    theta = _angle(w, w_star)
    wpart = (v * v_star).sum(-1) ** 2 * torch.sin(theta) / (4 * math.pi * math.sqrt(2 * math.pi) * w.norm(dim=-1))
    return (gv * gv).sum(-1) + wpart, wpart


def _forward(v: Tensor, w: Tensor, Z: Tensor, v_star: Tensor, w_star: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    S, m, n = _check(v, w, v_star, w_star)
    if not isinstance(Z, Tensor) or Z.ndim != 4 or Z.shape[0] != S or Z.shape[2:] != (m, n):
        raise ValueError(f"Z.shape={_shape(Z)}: expected (S, N, m, n) = ({S}, N, {m}, {n})")
    pre = torch.einsum("sNmn,sn->sNm", Z, w)
    act = (pre > 0).to(Z.dtype)
    act_star = (torch.einsum("sNmn,sn->sNm", Z, w_star) > 0).to(Z.dtype)
    r = torch.einsum("sNm,sm->sN", act, v) - torch.einsum("sNm,sm->sN", act_star, v_star)
    return pre, act, r


def sample_loss(v: Tensor, w: Tensor, Z: Tensor, v_star: Tensor, w_star: Tensor) -> Tensor:
    """ℓ(v, w; Z) = ½(vᵀσ(Zw) − v*ᵀσ(Zw*))² per sample, shape (S, N)."""
    _, _, r = _forward(v, w, Z, v_star, w_star)
    return 0.5 * r * r


def coarse_gradient(v: Tensor, w: Tensor, Z: Tensor, v_star: Tensor, w_star: Tensor, *,
                    ste: STE = "relu") -> tuple[Tensor, Tensor]:
    """Per-sample coarse gradients (g_v (S, N, m), g_w (S, N, n)) with the given STE (module docstring).

    g_v is the exact sample gradient in v; g_w = Zᵀ(μ′(Zw) ∘ v)·r with μ′(x) = 1{x > 0} (``"relu"``)
    or μ′ = 1 (``"identity"``).
    """
    if ste not in ("relu", "identity"):
        raise ValueError(f"ste={ste!r}: choose 'relu' or 'identity'")
    pre, act, r = _forward(v, w, Z, v_star, w_star)
    gv = act * r.unsqueeze(-1)
    mu = (pre > 0).to(Z.dtype) if ste == "relu" else torch.ones_like(pre)
    gw = torch.einsum("sNmn,sNm->sNn", Z, mu * v.unsqueeze(1)) * r.unsqueeze(-1)
    return gv, gw
