"""A pytest plugin: a researcher's own theorem files become test items, one per claim.

Installed with lemmata (the ``pytest11`` entry point ``lemmata``), so in any project::

    pytest --lemmata-theorems theorems/ --lemmata-profile ci

or, once, in that project's ``pytest.ini`` / ``pyproject.toml``::

    [tool.pytest.ini_options]
    lemmata_theorems = ["theorems"]

Why an option and not file-name matching: theorem files are not test files (they are named after the
paper, ``smith2024.py``), and pytest would import them as test modules; the option says where they are,
and each claim is then one item named ``<file>::<claim id>``. An item passes when the claim's verdict is
``verified`` (a control: the broken premise broke the conclusion) or ``skipped``; otherwise its failure
shows the verdict, the reason, the counterexample and the ``lemmata replay`` command that reproduces it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lemmata", "lemmata: verify theorem claims as test items")
    group.addoption("--lemmata-theorems", action="append", default=[], metavar="DIR",
                    help="collect every claim of the theorem files in DIR as a test item (repeatable)")
    group.addoption("--lemmata-profile", default=None, metavar="PROFILE",
                    help="verification profile of those items: ci (default), dev or thorough")
    group.addoption("--lemmata-device", default=None, metavar="DEVICE", help="cpu (default), cuda or auto")
    parser.addini("lemmata_theorems", "folders of theorem files to collect as test items", type="paths", default=[])
    parser.addini("lemmata_profile", "verification profile of the claim items (default ci)", default="ci")


def _folders(config: pytest.Config) -> list[Path]:
    given = [Path(d) for d in config.getoption("lemmata_theorems") or []]
    return given or [Path(p) for p in config.getini("lemmata_theorems")]


class ClaimFailed(Exception):
    """A claim item whose verdict is not verified (the result is attached for the failure report)."""

    def __init__(self, result: dict[str, Any]):
        super().__init__(result["verdict"])
        self.result = result


class ClaimItem(pytest.Item):
    """One registered claim, run under the chosen profile when the item runs."""

    def __init__(self, *, claim: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.claim = claim

    def runtest(self) -> None:
        from lemmata.verify.device import resolve_device, resolve_dtype
        from lemmata.verify.profiles import get_profile
        from lemmata.verify.registry import spec_hash
        from lemmata.verify.runner import run_claim

        config = self.config
        profile = get_profile(config.getoption("lemmata_profile") or config.getini("lemmata_profile") or "ci")
        device, _ = resolve_device(config.getoption("lemmata_device") or "cpu")
        folders = [str(d) for d in _folders(config)]
        prefix = ["lemmata", *(x for d in folders for x in ("--theorems", d))]
        res = run_claim(self.claim, profile=profile, device=device, device_name=device.type,
                        dtype=resolve_dtype("float64"), spec_hash=spec_hash(self.claim), cli_prefix=prefix).to_json()
        if res["verdict"] not in ("verified", "skipped"):
            raise ClaimFailed(res)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if not isinstance(excinfo.value, ClaimFailed):
            return super().repr_failure(excinfo)
        r = excinfo.value.result
        lines = [f"{r['id']}: {r['verdict']}", f"  reason: {r['reason']}", f"  statement: {r['statement']}",
                 f"  tolerance: {r['tolerance']}"]
        ce = r.get("counterexample")
        if ce:
            lines.append(f"  counterexample: {json.dumps(ce['premises'], sort_keys=True)}")
            for atom in (ce.get("detail") or {}).get("atoms", []):
                lines.append(f"    {atom['relation']}: lhs {atom['lhs']}, rhs {atom['rhs']}, allowance {atom['allowance']}"
                             + (f" at {atom['index']}" if atom.get("index") else ""))
        if r.get("reproduce"):
            lines.append(f"  reproduce: {r['reproduce']}")
        return "\n".join(lines)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"claim {self.claim.id}"


class TheoremFile(pytest.File):
    """A theorem file of a ``--lemmata-theorems`` folder: one item per claim it declares."""

    def collect(self) -> Iterator[ClaimItem]:
        from lemmata.verify.registry import load_claims

        claims = load_claims([self.path.parent], include_builtin=False)
        for claim in claims.values():
            if Path(claim.source_file).resolve() == self.path.resolve():
                yield ClaimItem.from_parent(self, name=claim.id, claim=claim)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Append the claims of the configured folders (whatever paths pytest was given)."""
    from lemmata.verify.errors import LemmataError

    for folder in _folders(config):
        if not folder.is_dir():
            raise pytest.UsageError(f"--lemmata-theorems {folder}: no such folder")
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            try:
                rel = path.resolve().relative_to(config.rootpath) if path.resolve().is_relative_to(config.rootpath) \
                    else path.resolve()
                items.extend(TheoremFile.from_parent(session, path=path, nodeid=rel.as_posix()).collect())
            except LemmataError as err:  # a malformed theorem file: one line naming it, as the CLI does
                raise pytest.UsageError(str(err).splitlines()[0]) from None

