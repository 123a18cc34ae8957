"""du2019.gf_lemma34's width: at ``lemma34_width`` Lemma 3.3's R′ of a residual of mean size is below Lemma 3.2's R."""

from __future__ import annotations

import math

import pytest

from lemmata.theorems.du2019 import DELTA, lemma34_width

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("n", "y_norm_sq", "lam0"), [(1, 0.0, 0.5), (1, 1.0, 0.5), (2, 1.3, 0.45), (3, 0.2, 0.2)])
def test_width_puts_r_prime_at_r(n: int, y_norm_sq: float, lam0: float) -> None:
    radius = math.sqrt(2 * math.pi) / 16 * DELTA * lam0 / n**2  # Lemma 3.2's R, written out here
    residual = math.sqrt(y_norm_sq + n / 2)  # E‖y − u(0)‖² = ‖y‖² + n/2 (init_residual)

    def r_prime(m: int) -> float:  # Lemma 3.3's R′
        return 2 * math.sqrt(n) * residual / (math.sqrt(m) * lam0)

    m = lemma34_width(n_samples=n, y_norm_sq=y_norm_sq, lambda0_value=lam0, factor=1.0)
    assert r_prime(m) <= radius < r_prime(m - 1) * (1 + 1e-12)  # the least width, up to the ceiling's rounding
    assert lemma34_width(n_samples=n, y_norm_sq=y_norm_sq, lambda0_value=lam0, factor=4.0) == pytest.approx(4 * m, abs=4)


def test_n1_width_is_a_cpu_size() -> None:
    # the claim's premise: at n = 1 (λ₀ = ½ for any unit input) R′ < R needs 1e5–4e5 units, not the ≥ 1e7 of Thm 3.2's
    # Markov width
    assert 1e5 < lemma34_width(n_samples=1, y_norm_sq=0.0, lambda0_value=0.5, factor=1.0) < 1.5e5
    assert 3.5e5 < lemma34_width(n_samples=1, y_norm_sq=1.0, lambda0_value=0.5, factor=1.0) < 4.5e5
