"""``lemmata new PAPER_ID``: write a theorem skeleton from ``theorems/_template.py``."""

from __future__ import annotations

import re
from pathlib import Path

from lemmata.verify.errors import UsageError
from lemmata.verify.registry import theorems_dir

_PAPER = re.compile(r"^[a-z][a-z0-9_]*$")


def new_theorem_file(paper_id: str, *, folder: Path | None = None) -> Path:
    """Write ``<folder>/<paper_id>.py`` from the template; refuse to overwrite."""
    if not _PAPER.match(paper_id):
        raise UsageError(f"paper id {paper_id!r} must be lower case letters, digits and _ (e.g. smith2024)")
    folder = Path(folder) if folder is not None else theorems_dir()
    target = folder / f"{paper_id}.py"
    if target.exists():
        raise UsageError(f"{target} already exists; pick another paper id or edit that file")
    text = (theorems_dir() / "_template.py").read_text(encoding="utf-8")
    text = text.replace('"_template.cauchy_schwarz"', f'"{paper_id}.cauchy_schwarz"', 1)
    text = text.replace("TEMPLATE — copy to ``theorems/<paper_id>.py`` (or run ``lemmata new <paper_id>``).",
                        f"Theorem specs for {paper_id} (written by `lemmata new`; replace the example claim).", 1)
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
