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

from collections.abc import Sequence
from typing import Literal

import torch
from torch import Tensor

from lemmata.impl import two_layer as tl
from lemmata.impl._checks import int_at_least as _int_at_least

__all__ = ["base_weights", "coupled_init", "pair_signs"]

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
