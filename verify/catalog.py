"""The registered items' metadata as plain data, cached on disk by the hash of the files that define it.

``lemmata list`` and ``lemmata show`` answer from this catalog: importing the theorem modules (and with
them torch, sympy and Hypothesis) takes seconds, reading a JSON file does not. The cache key is the hash
of every theorem file, every project module they import (read from their syntax trees, not imported), this
module, and the versions of lemmata and sympy (``show`` prints sympy's rendering of the statement). Any
edit changes the key, and the next command rebuilds the catalog from the modules themselves.

The cache lives in ``$LEMMATA_CACHE_DIR``, else ``$XDG_CACHE_HOME/lemmata``, else ``~/.cache/lemmata``; when
none is writable the catalog is simply rebuilt each time.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

from lemmata.verify.sources import files_digest, spec_files, theorem_files

FORMAT = 1


def cache_dir() -> Path:
    """Where catalogs are kept (see the module docstring)."""
    if os.environ.get("LEMMATA_CACHE_DIR"):
        return Path(os.environ["LEMMATA_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lemmata"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def catalog_key(files: Sequence[Path]) -> str:
    """Hash of everything an item's listed metadata depends on (see the module docstring)."""
    sources: dict[Path, None] = {}
    for f in files:
        sources.update(dict.fromkeys(spec_files(str(f))))
    sources[Path(__file__).resolve()] = None
    versions = f"{FORMAT}|{_version('lemmata')}|{_version('sympy')}"
    return hashlib.sha256((versions + files_digest(sources)).encode()).hexdigest()[:20]


def entry(claim: Any) -> dict[str, Any]:
    """One item's metadata: what ``lemmata list --json`` prints, plus the lines of ``lemmata show``."""
    return {"id": claim.id, "paper": claim.paper, "title": claim.title, "citation": claim.citation.short(),
            "where": claim.citation.where, "source": claim.citation.source, "kind": claim.kind.value,
            "role": claim.role, "expect": claim.expect, "control_of": claim.control_of,
            "recalled": list(claim.recalled), "show": show_lines(claim)}


def show_lines(c: Any) -> list[str]:
    """The text of ``lemmata show``: statement, premises, citation, kind, tolerance, regime."""
    import sympy

    from lemmata.verify.profiles import PROFILES

    lines = [f"{c.id}: {c.title}", f"  citation:  {c.citation.short()}  [{c.citation.source}]"]
    if c.citation.note:
        lines.append(f"  note:      {c.citation.note}")
    lines.append(f"  role:      {c.role}" + ("" if c.role == "claim" else " (not counted as the paper's)"))
    lines.append(f"  kind:      {c.kind.value}" + (f" (δ = {c.delta})" if c.delta is not None else ""))
    if c.expect == "breaks":
        lines.append(f"  control:   breaks '{c.broken_premise}' of {c.control_of}; verified when the conclusion fails")
    if c.given:
        lines.append(f"  given:     {c.given}")
    lines.append(f"  statement: {sympy.pretty(c.statement, use_unicode=True)}")
    lines.append(f"  tolerance: {c.tolerance.describe()}")
    if c.recalled:
        lines.append(f"  recalled:  {'; '.join(c.recalled)} (constant as recalled, not re-read in the paper)")
    if c.regime is not None:
        lines.append(f"  regime:    size {c.regime.size} ≥ {c.regime.practical} (declared practical regime; "
                     f"theorem's scaling {c.regime.theory}) — {c.regime.note}")
    used = {s.name for s in c.statement.free_symbols}
    lines.extend(f"    {name}: {meaning}" for name, meaning in c.symbols.items() if name in used)
    lines.append(f"  premises (ci profile): {c.premises(PROFILES['ci'])!r}")
    lines.append(f"  file:      {c.source_file}")
    return lines


def _cache_file(extra_dirs: Sequence[Path]) -> Path:
    dirs = "|".join(str(Path(d).resolve()) for d in extra_dirs)
    return cache_dir() / f"catalog-{hashlib.sha256(dirs.encode()).hexdigest()[:12]}.json"


def load_catalog(extra_dirs: Sequence[Path] = ()) -> dict[str, dict[str, Any]]:
    """Every registered item's :func:`entry`, by id, in registration order: from the cache when its key
    matches, else from the theorem modules (which are then imported and validated as by ``verify``)."""
    key = catalog_key(theorem_files(extra_dirs, True))
    path = _cache_file(extra_dirs)
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return {e["id"]: e for e in cached["items"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    from lemmata.verify.registry import load_claims

    items = {cid: entry(c) for cid, c in load_claims(extra_dirs).items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "items": list(items.values())}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # only a cache: a read-only home folder costs speed, not correctness
    return items
