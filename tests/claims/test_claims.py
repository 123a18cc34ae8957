"""The claims tier: every registered claim (theorems/*.py, a user's new file included) is a test item.

Runs each claim under the profile in ``LEMMATA_PROFILE`` (default ``ci``) on ``LEMMATA_DEVICE``
(default ``cpu``). A claim passes when its verdict is ``verified`` (a negative control: when the
broken premise broke the conclusion) or ``skipped``; the failure message carries the reason and the
reproduce command.
"""

from __future__ import annotations

import os

import pytest
import torch

from verify.device import resolve_device
from verify.profiles import get_profile
from verify.registry import load_claims, spec_hash
from verify.runner import run_claim

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
    assert res.verdict in ("verified", "skipped"), message
    assert res.examples > 0 or res.verdict == "skipped", message
