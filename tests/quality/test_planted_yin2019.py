"""Quality tier for yin2019: a planted sign bug in the coarse gradient must come back refuted, by the paper's
claim (positive correlation) and by the closed-form check."""

from __future__ import annotations

import pytest

from lemmata.impl import coarse_gradient as cg

pytestmark = pytest.mark.quality

_real_coarse = cg.coarse_gradient


def coarse_w_sign_flip(v, w, Z, v_star, w_star, *, ste="relu"):
    gv, gw = _real_coarse(v, w, Z, v_star, w_star, ste=ste)
    return gv, -gw


@pytest.mark.catches("yin2019.bcgd_positive_correlation")
def test_coarse_sign_flip_breaks_positive_correlation(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(cg, "coarse_gradient", coarse_w_sign_flip)
    verdict = verdict_of("yin2019.bcgd_positive_correlation")
    assert verdict.startswith("refuted"), verdict


def test_coarse_sign_flip_breaks_the_closed_form_check(monkeypatch: pytest.MonkeyPatch, verdict_of) -> None:
    monkeypatch.setattr(cg, "coarse_gradient", coarse_w_sign_flip)
    verdict = verdict_of("yin2019.bcgd_expected_coarse_gradient")
    assert verdict.startswith("refuted"), verdict
