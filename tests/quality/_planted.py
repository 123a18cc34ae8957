"""Shared helpers of the quality tier's planted tests (imported as ``_planted``: pytest puts this folder on the path)."""

from __future__ import annotations

from pathlib import Path

from lemmata.verify.cli import main
from lemmata.verify.results import load as load_results


def verify_planted(tmp_path: Path, *, stem: str, source: str) -> list[dict]:
    """Write ``source`` as the theorem module ``<stem>.py`` in a fresh folder under ``tmp_path``, verify it through
    the CLI (which must exit 1: something came back refuted) into ``tmp_path / "R"``, and return the results' claim
    records in declaration order. What varies: the module's stem and its text (the planted false claims)."""
    folder = tmp_path / "th"
    folder.mkdir()
    (folder / f"{stem}.py").write_text(source, encoding="utf-8")
    assert main(["--theorems", str(folder), "verify", stem, "--out", str(tmp_path / "R")]) == 1
    return load_results(tmp_path / "R")["claims"]
