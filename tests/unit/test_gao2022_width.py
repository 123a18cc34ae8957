"""Unit tests of the width-scaling helpers of theorems/gao2022.py (the reference Gram and the ladder)."""

from __future__ import annotations

import pytest
import torch

from impl import implicit as im
from theorems import gao2022 as gao

pytestmark = pytest.mark.unit


def test_geometric_widths_have_ratio_root_two() -> None:
    widths = gao._geometric_widths(8, 64)
    assert widths[0] == 8 and widths[-1] == 64
    ratios = [b / a for a, b in zip(widths, widths[1:])]
    assert all(1.3 < r < 1.5 for r in ratios), widths


def test_reference_spectrum_matches_the_averaged_gram() -> None:
    """The symmetric form aI + b11ᵀ gives the spectrum of the averaged Gram up to its Monte Carlo noise."""
    N, gamma = 6, 0.2
    lo, hi = gao.reference_gram_spectrum(N, gamma, dtype=torch.float64, device=torch.device("cpu"))
    params = im.init_params(gao.REFERENCE_WIDTH, N, gao.REFERENCE_SEEDS, gamma=gamma, dtype=torch.float64)
    ev = torch.linalg.eigvalsh(im.gram_ntk(params, torch.eye(N, dtype=torch.float64)).mean(0))
    assert lo == pytest.approx(float(ev[0]), rel=0.05)
    assert hi == pytest.approx(float(ev[-1]), rel=0.02)
    assert 0 < lo < hi
