"""Imports flow one way: theorems → verify, impl. ``verify`` knows no paper; ``impl`` knows no Hypothesis."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "impl": {"hypothesis", "verify", "theorems", "sympy"},
    "verify": {"theorems", "impl"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_direction(package: str) -> None:
    files = sorted((ROOT / package).glob("*.py"))
    assert files, f"no modules found in {package}/"
    # verify/registry.py and verify/scaffold.py locate the theorems/ folder (they import the package, never a paper)
    exempt = {("verify", "registry.py"): {"theorems"}, ("verify", "scaffold.py"): {"theorems"}}
    bad = {f.name: sorted(_imports(f) & (FORBIDDEN[package] - exempt.get((package, f.name), set()))) for f in files}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"{package}/ must not import {sorted(FORBIDDEN[package])}: {bad}"


def test_theorem_files_only_import_allowed_packages() -> None:
    allowed = {"__future__", "math", "typing", "sympy", "torch", "hypothesis", "impl", "verify", "theorems",
               "numpy", "dataclasses", "functools", "collections", "time"}
    for f in sorted((ROOT / "theorems").glob("*.py")):
        extra = _imports(f) - allowed
        assert not extra, f"theorems/{f.name} imports {sorted(extra)}"
