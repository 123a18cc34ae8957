"""Shared fixtures for the test tiers. Keep this file to fixtures only."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest

_THEOREM_HEADER = '''\
from __future__ import annotations

import math

import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.verify import Citation, Claim, Figure, Kind, Regime, Tolerance, control, per_seed, shared

CIT = Citation(paper="Toy paper (tests)", where="Theorem 1", source="derived")
EXACT = Tolerance(reason="exact arithmetic on small integers")
'''


@pytest.fixture(autouse=True, scope="session")
def _private_catalog_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`lemmata list`/`show` cache the items' metadata (verify/catalog.py); the tests keep theirs out of ~/.cache."""
    import os

    os.environ["LEMMATA_CACHE_DIR"] = str(tmp_path_factory.mktemp("lemmata-cache"))


@pytest.fixture
def write_theorem(tmp_path: Path) -> Callable[..., Path]:
    """Write a toy theorem file ``<folder>/<stem>.py`` under ``tmp_path``; return the folder.

    ``body`` is dedented and, unless ``header=False``, prefixed with imports of sympy (``sp``),
    torch, Hypothesis strategies (``st``), the ``verify`` claim model, and two constants:
    ``CIT`` (a valid Citation) and ``EXACT`` (a zero Tolerance with a reason).
    """

    def write(stem: str, body: str, *, folder: str = "theorems", header: bool = True) -> Path:
        d = tmp_path / folder
        d.mkdir(parents=True, exist_ok=True)
        text = (_THEOREM_HEADER + "\n" if header else "") + textwrap.dedent(body)
        (d / f"{stem}.py").write_text(text, encoding="utf-8")
        return d

    return write


@pytest.fixture
def run_ci() -> Callable[..., Any]:
    """``run_ci(claim, **kw)``: :func:`verify.runner.run_claim` under the ``ci`` profile on CPU, float64."""
    import torch

    from lemmata.verify.profiles import PROFILES
    from lemmata.verify.runner import run_claim

    def run(claim: Any, **kw: Any) -> Any:
        kw.setdefault("profile", PROFILES["ci"])
        return run_claim(claim, device=torch.device("cpu"), device_name="cpu", dtype=torch.float64, **kw)

    return run
