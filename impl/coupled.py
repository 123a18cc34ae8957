"""Coupled initialization of Munteanu, Omlor, Song, Woodruff (ICML 2022, arXiv 2206.12802) for the
two-layer ReLU net of Du et al. (2019), batched over seeds.

The network, loss, gradients, Gram matrices and GD trajectories are those of :mod:`impl.two_layer`
(f(W, a, x) = m^{-1/2} Σ_r a_r relu(w_rᵀx), L = ½‖u − y‖²); only the initialization changes:

    neurons come in pairs (2r, 2r+1) with w_{2r}(0) = w_{2r+1}(0) ~ N(0, I_d) and
    a_{2r} = −a_{2r+1} ~ unif{−1, +1},

so every pair's contributions cancel and f(W(0), a, x) = 0 for every x [Munteanu et al. 2022, the
coupled initialization; "exactly 0" derived]. The m/2 distinct first-layer vectors are those of an
independent m/2-neuron initialization from the same seeds (``base_weights``).

Shapes: W (S, m, d), a (S, m), m even. Random numbers only from explicit per-seed CPU generators
(those of :func:`impl.two_layer.init_weights`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor

from lemmata.impl import two_layer as tl
from lemmata.impl._checks import finite_float as _finite_float
from lemmata.impl._checks import int_at_least as _int_at_least

__all__ = ["LogisticRun", "base_weights", "coupled_init", "logistic_gd", "margin_data", "pair_signs"]

OutputSigns = Literal["opposite", "same"]


def base_weights(
    m: int,
    d: int,
    seeds: Sequence[int],
    *,
    dtype: torch.dtype = tl.DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """The independent m/2-neuron initialization a coupled m-neuron net is built from: W (S, m/2, d), a (S, m/2).

    Exactly ``impl.two_layer.init_weights(m // 2, d, seeds)`` (Du et al. 2019, Sec. 3 draws); ``m`` must be even.
    """
    m = _int_at_least("m", m, 2)
    if m % 2:
        raise ValueError(f"m={m}: coupled initialization pairs the neurons, so m must be even (use m={m + 1})")
    return tl.init_weights(m // 2, d, seeds, dtype=dtype, device=device)


def pair_signs(a_base: Tensor, *, output_signs: OutputSigns = "opposite") -> Tensor:
    """Second-layer signs of the pairs, (S, m/2) → (S, m): a_{2r} = a_base_r, a_{2r+1} = ∓a_base_r.

    ``output_signs="opposite"`` is the coupled initialization (a_{2r+1} = −a_{2r}); ``"same"``
    (a_{2r+1} = +a_{2r}) is the control, whose output at init is 2× that of the base net's, not 0.
    """
    if output_signs == "opposite":
        partner = -a_base
    elif output_signs == "same":
        partner = a_base
    else:
        raise ValueError(f"output_signs={output_signs!r}: expected 'opposite' (coupled) or 'same' (control)")
    return torch.stack((a_base, partner), dim=-1).flatten(-2)


def coupled_init(
    m: int,
    d: int,
    seeds: Sequence[int],
    *,
    output_signs: OutputSigns = "opposite",
    dtype: torch.dtype = tl.DEFAULT_DTYPE,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """Coupled initialization, one seed per batch entry: W (S, m, d), a (S, m), m even.

    w_{2r}(0) = w_{2r+1}(0) = the r-th row of ``base_weights(m, d, seeds)`` and a_{2r} = −a_{2r+1}
    (Munteanu et al. 2022, coupled initialization); with ``output_signs="same"``, a_{2r} = a_{2r+1}
    (a control). The f of :mod:`impl.two_layer` then divides by √m with m the total neuron count.
    """
    W_base, a_base = base_weights(m, d, seeds, dtype=dtype, device=device)
    W = torch.repeat_interleave(W_base, 2, dim=1)  # rows 2r and 2r+1 both = w_r
    return W, pair_signs(a_base, output_signs=output_signs)


# ---------------------------------------------------------------------------------------------
# the logistic loss (the paper's under-parameterized classification setting; issue 17)
# ---------------------------------------------------------------------------------------------

def margin_data(n: int, d: int, gamma: float, *, generator: torch.Generator, dtype: torch.dtype = tl.DEFAULT_DTYPE,
                device: torch.device | str = "cpu") -> tuple[Tensor, Tensor, Tensor]:
    """n unit inputs (n, d), labels ±1 (n,) and a unit vector u (d,) with y_i uᵀx_i ≥ γ for all i, = γ for i = 0.

    y_i uᵀx_i = γ + (1 − γ)U_i (U_0 = 0, U_i uniform on [0, 1]), the rest of x_i a uniform direction orthogonal to u
    scaled to ‖x_i‖ = 1 (d ≥ 2). Linearly separable with margin exactly γ; the NTK margin of Ji and Telgarsky (ICLR
    2020) is then at least γ/2 [derived: the constant direction v(w) ≡ u gives E_w[⟨u, x⟩1{wᵀx > 0}] = ⟨u, x⟩/2]."""
    n = _int_at_least("n", n, 1)
    d = _int_at_least("d", d, 2)
    gamma = _finite_float("gamma", gamma, minimum=0.0, strict=True)
    if gamma >= 1.0:
        raise ValueError(f"gamma={gamma}: must be < 1 (unit inputs)")
    u = torch.randn(d, generator=generator, dtype=torch.float64)
    u = u / u.norm()
    y = torch.where(torch.rand(n, generator=generator, dtype=torch.float64) < 0.5, -1.0, 1.0)
    U = torch.rand(n, generator=generator, dtype=torch.float64)
    U[0] = 0.0
    t = y * (gamma + (1.0 - gamma) * U)  # uᵀx_i
    z = torch.randn(n, d, generator=generator, dtype=torch.float64)
    z = z - (z @ u).unsqueeze(-1) * u
    z = z / z.norm(dim=-1, keepdim=True)
    X = t.unsqueeze(-1) * u + torch.sqrt((1.0 - t * t).clamp_min(0.0)).unsqueeze(-1) * z
    return X.to(dtype=dtype, device=device), y.to(dtype=dtype, device=device), u.to(dtype=dtype, device=device)


@dataclass(frozen=True)
class LogisticRun:
    """loss: (S, T + 1) the logistic risk along GD; min_margin: (S,) min_i y_i f(x_i) after T steps; W: (S, m, d)."""

    loss: Tensor
    min_margin: Tensor
    W: Tensor


def logistic_gd(W0: Tensor, a: Tensor, X: Tensor, y: Tensor, *, eta: float, steps: int) -> LogisticRun:
    """GD on the first layer of f(W, a, x) = m^{-1/2} Σ_r a_r relu(w_rᵀx) for the logistic risk
    L(W) = (1/n) Σ_i log(1 + exp(−y_i f(x_i))):  W ← W − η∇L(W), with

        ∇_{w_r} L = (1/n) Σ_i ℓ'(y_i f(x_i)) y_i (a_r/√m) 1{w_rᵀx_i ≥ 0} x_i,   ℓ'(z) = −σ(−z)

    (relu'(0) = 1 as in :mod:`impl.two_layer`). W0: (S, m, d); a: (S, m) fixed; X: (n, d); y: (n,) ±1."""
    if W0.ndim != 3 or a.shape != W0.shape[:2] or X.ndim != 2 or X.shape[1] != W0.shape[2] or y.shape != X.shape[:1]:
        raise ValueError(f"shapes W0={tuple(W0.shape)}, a={tuple(a.shape)}, X={tuple(X.shape)}, y={tuple(y.shape)}: "
                         "expected (S, m, d), (S, m), (n, d), (n,)")
    eta = _finite_float("eta", eta, minimum=0.0, strict=True)
    steps = _int_at_least("steps", steps, 0)
    m, n = W0.shape[1], X.shape[0]
    W = W0.clone()
    losses = []

    def forward(W_: Tensor) -> tuple[Tensor, Tensor]:
        Z = torch.einsum("smd,nd->smn", W_, X)  # (S, m, n)
        f = torch.einsum("sm,smn->sn", a, torch.relu(Z)) / math.sqrt(m)
        return Z, y * f  # margins (S, n)

    Z, margins = forward(W)
    for _ in range(steps):
        losses.append(torch.logaddexp(torch.zeros_like(margins), -margins).mean(-1))
        coef = -torch.sigmoid(-margins) * y / n  # (S, n): ℓ'(y_i f_i) y_i / n
        act = (Z >= 0).to(W.dtype)  # (S, m, n)
        grad = torch.einsum("sn,smn,nd->smd", coef, act, X) * (a / math.sqrt(m)).unsqueeze(-1)
        W = W - eta * grad
        Z, margins = forward(W)
    losses.append(torch.logaddexp(torch.zeros_like(margins), -margins).mean(-1))
    return LogisticRun(loss=torch.stack(losses, -1), min_margin=margins.amin(-1), W=W)
