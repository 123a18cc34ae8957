"""Shared fixture of the quality tier: the ci verdict of a registered claim (under whatever bug a test planted)."""

from __future__ import annotations

from typing import Callable

import pytest
import torch

from lemmata.verify.profiles import PROFILES
from lemmata.verify.registry import load_claims
from lemmata.verify.runner import run_claim


@pytest.fixture(scope="session")
def registered_claims():
    return load_claims()


@pytest.fixture
def verdict_of(registered_claims) -> Callable[[str], str]:
    """``verdict_of(claim_id)`` → "<verdict>: <reason>" from a ci-profile run on the CPU in float64."""

    def run(claim_id: str) -> str:
        res = run_claim(registered_claims[claim_id], profile=PROFILES["ci"], device=torch.device("cpu"),
                        device_name="cpu", dtype=torch.float64)
        return res.verdict + ": " + res.reason

    return run
