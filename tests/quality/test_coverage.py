"""Every paper claim can fail, demonstrably (issue 15): each registered item with role ``claim`` is named by
a quality-tier test marked ``@pytest.mark.catches("<claim id>", ...)`` — a planted bug or a planted false
variant under which that claim comes back refuted. This test lists the claims no test catches yet.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lemmata.verify.registry import load_claims

pytestmark = pytest.mark.quality

HERE = Path(__file__).resolve().parent


def caught_claims() -> dict[str, list[str]]:
    """claim id → the quality tests that name it in a ``catches`` mark (read from the test files' syntax)."""
    found: dict[str, list[str]] = {}
    for path in sorted(HERE.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for dec in node.decorator_list:
                call = dec if isinstance(dec, ast.Call) else None
                if call is None or not (isinstance(call.func, ast.Attribute) and call.func.attr == "catches"):
                    continue
                for arg in call.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.setdefault(arg.value, []).append(f"{path.name}::{node.name}")
    return found


def test_every_paper_claim_has_a_quality_test_that_makes_it_fail() -> None:
    claims = [c for c in load_claims().values() if c.role == "claim"]
    caught = caught_claims()
    missing = sorted(c.id for c in claims if c.id not in caught)
    assert not missing, f"{len(missing)} paper claims no quality test makes fail: {', '.join(missing)}"


def test_catches_marks_name_registered_paper_claims() -> None:
    claims = load_claims()
    stray = sorted(cid for cid in caught_claims() if cid not in claims or claims[cid].role != "claim")
    assert not stray, f"catches() names items that are not registered paper claims: {', '.join(stray)}"


if __name__ == "__main__":  # `python tests/quality/test_coverage.py`: which quality test makes each claim fail
    caught = caught_claims()
    for claim in load_claims().values():
        if claim.role == "claim":
            print(f"{claim.id}: {', '.join(caught.get(claim.id, ['(none)']))}")
