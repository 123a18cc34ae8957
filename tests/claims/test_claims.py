"""The claims tier: every registered claim (theorems/*.py, a user's new file included) is a test item.

Runs each claim under the profile in ``LEMMATA_PROFILE`` (default ``ci``) on ``LEMMATA_DEVICE``
(default ``cpu``). A claim passes when its verdict is ``verified`` (a negative control: when the
broken premise broke the conclusion) or ``skipped``; the failure message carries the reason and the
reproduce command.

A verdict other than verified that we have looked into and kept as a result (a refutation of our
encoding with its counterexample, say) is listed in ``known.py`` with why; such a claim passes when it
gets exactly that verdict again under the profile it was recorded for (``KNOWN_VERDICTS`` under ``ci``,
``KNOWN_DEV_VERDICTS`` under ``dev``), so a change in either direction is noticed.
"""

from __future__ import annotations

import os

import pytest
import torch

from lemmata.verify.device import resolve_device
from lemmata.verify.profiles import get_profile
from lemmata.verify.registry import load_claims, spec_hash
from lemmata.verify.runner import run_claim

from known import KNOWN_DEV_VERDICTS, KNOWN_VERDICTS

pytestmark = pytest.mark.claims

CLAIMS = load_claims()
PROFILE = get_profile(os.environ.get("LEMMATA_PROFILE", "ci"))
DEVICE, _ = resolve_device(os.environ.get("LEMMATA_DEVICE", "cpu"))


def test_registry_is_not_empty() -> None:
    assert len(CLAIMS) >= 10, f"only {len(CLAIMS)} claims registered"


@pytest.mark.parametrize("claim_id", list(CLAIMS))
def test_claim(claim_id: str) -> None:
    claim = CLAIMS[claim_id]
    res = run_claim(claim, profile=PROFILE, device=DEVICE, device_name=DEVICE.type, dtype=torch.float64,
                    spec_hash=spec_hash(claim))
    message = (f"{claim_id}: {res.verdict}: {res.reason}\nreproduce: {res.reproduce}\n"
               f"evidence: {res.evidence.get('worst_example')}\nerrors: {res.evidence.get('errors')}")
    known = {"ci": KNOWN_VERDICTS, "dev": KNOWN_DEV_VERDICTS}.get(PROFILE.name, {}).get(claim_id)
    if known is not None:
        assert res.verdict == known[0], (f"{message}\nrecorded in tests/claims/known.py for the {PROFILE.name} "
                                         f"profile: {known[0]} ({known[1]})")
        return
    assert res.verdict in ("verified", "skipped"), message
    assert res.examples > 0 or res.verdict == "skipped", message


def test_known_verdicts_name_registered_claims() -> None:
    assert set(KNOWN_VERDICTS) <= set(CLAIMS), set(KNOWN_VERDICTS) - set(CLAIMS)
    assert set(KNOWN_DEV_VERDICTS) <= set(CLAIMS), set(KNOWN_DEV_VERDICTS) - set(CLAIMS)
