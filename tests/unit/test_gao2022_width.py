"""Unit tests of the infinite-width reference helpers of theorems/gao2022.py (inputs, reference Gram, ladder)."""

from __future__ import annotations

import pytest
import torch

from lemmata.impl import implicit as im
from lemmata.theorems import gao2022 as gao

pytestmark = pytest.mark.unit

CPU = torch.device("cpu")


def test_geometric_widths_have_ratio_root_two() -> None:
    widths = gao._geometric_widths(8, 64)
    assert widths[0] == 8 and widths[-1] == 64
    ratios = [b / a for a, b in zip(widths, widths[1:])]
    assert all(1.3 < r < 1.5 for r in ratios), widths


@pytest.mark.parametrize("coherence", [0.0, 0.3])
def test_equicorrelated_inputs_are_unit_with_equal_inner_products(coherence: float) -> None:
    X = gao.equicorrelated_inputs(5, coherence, dtype=torch.float64, device=CPU)
    G = X @ X.T
    assert torch.allclose(G.diagonal(), torch.ones(5, dtype=torch.float64))
    off = G[~torch.eye(5, dtype=torch.bool)]
    assert torch.allclose(off, torch.full_like(off, coherence))


def test_reference_seeds_never_meet_an_initialization_seed() -> None:
    """verify.streams gives initialization seeds with bits 31–30 = 0 (data 1, own streams 2); torch keeps 32 bits."""
    assert all((s & 0xFFFFFFFF) >> 30 == 3 for s in gao.REFERENCE_SEEDS)


@pytest.mark.parametrize("coherence", [0.0, 0.5])
def test_reference_spectrum_matches_the_averaged_gram(coherence: float) -> None:
    """The symmetric form aI + b11ᵀ gives the spectrum of the averaged Gram up to its Monte Carlo noise."""
    N, gamma = 6, 0.2
    lo, hi = gao.reference_gram_spectrum(N, gamma, coherence, dtype=torch.float64, device=CPU)
    X = gao.equicorrelated_inputs(N, coherence, dtype=torch.float64, device=CPU)
    params = im.init_params(gao.REFERENCE_WIDTH, X.shape[1], gao.REFERENCE_SEEDS, gamma=gamma, dtype=torch.float64)
    ev = torch.linalg.eigvalsh(im.gram_ntk(params, X).mean(0))
    # λ_min of the noisy average is biased low and the symmetric form is not: 8% apart at coherence 0.5 (measured)
    assert lo == pytest.approx(float(ev[0]), rel=0.1)
    assert hi == pytest.approx(float(ev[-1]), rel=0.02)
    assert 0 < lo < hi


def test_coherence_lowers_the_reference_least_eigenvalue() -> None:
    lo0, _ = gao.reference_gram_spectrum(4, 0.2, 0.0, dtype=torch.float64, device=CPU)
    lo5, _ = gao.reference_gram_spectrum(4, 0.2, 0.5, dtype=torch.float64, device=CPU)
    assert lo5 < 0.75 * lo0


def test_unrolled_jacobians_give_the_gram_of_gram_ntk() -> None:
    """J_bJ_bᵀ from autograd through unrolled Picard steps equals gram_ntk's block b (the gd_step_kernel reference)."""
    params = im.init_params(12, 3, [1, 2], gamma=0.3, dtype=torch.float64)
    X = torch.nn.functional.normalize(torch.randn(4, 3, generator=torch.Generator().manual_seed(0),
                                                  dtype=torch.float64), dim=-1)
    jac = gao.unrolled_jacobians(params, X, iterations=400)
    for b in ("A", "u"):
        K = im.gram_ntk(params, X, train=(b,), tol=1e-14)
        assert torch.allclose(jac[b] @ jac[b].transpose(-1, -2), K, rtol=1e-9, atol=1e-12), b
