"""Which source files decide a claim, read without importing them (stdlib only, so that ``lemmata list``
and the metadata cache never pay for torch).

A claim's verdict is decided by its theorem file, every project module that file imports (transitively,
read from the syntax trees) and the engine's deciding modules; :func:`spec_files` lists them and
:func:`files_digest` hashes them.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from lemmata.verify.errors import ClaimDefinitionError, UnknownClaimError


def theorems_dir() -> Path:
    """The ``theorems/`` package folder of this installation."""
    from lemmata import theorems

    return Path(next(iter(theorems.__path__)))


def theorem_files(extra_dirs: Sequence[Path], include_builtin: bool) -> list[Path]:
    """The theorem modules (``*.py`` not starting with ``_``) of the built-in folder and ``extra_dirs``."""
    files: list[Path] = []
    dirs = ([theorems_dir()] if include_builtin else []) + [Path(d) for d in extra_dirs]
    for d in dirs:
        if not d.is_dir():
            raise ClaimDefinitionError(f"theorems folder {d} does not exist")
        files.extend(sorted(p for p in d.glob("*.py") if not p.name.startswith("_")))
    return files


#: the engine modules that turn a run into a verdict: a change in any of them changes what a verdict means
ENGINE_MODULES = tuple(f"lemmata.verify.{m}" for m in ("axes", "box", "claim", "decide", "evaluate", "profiles",
                                                          "search", "stats", "streams", "trial"))
PROJECT_PACKAGES = ("verify", "impl", "theorems")  # installed as lemmata.verify, lemmata.impl, lemmata.theorems


def project_root() -> Path:
    """The folder that holds ``verify/``, ``impl/`` and ``theorems/`` (the checkout, or ``site-packages/lemmata``)."""
    return Path(__file__).resolve().parent.parent


def _module_path(name: str) -> Path | None:
    """The source file of a project module (``lemmata.impl.two_layer`` → ``impl/two_layer.py``), or None."""
    parts = name.split(".")
    if len(parts) < 2 or parts[0] != "lemmata" or parts[1] not in PROJECT_PACKAGES:
        return None
    base = project_root().joinpath(*parts[1:])
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


_IMPORTS_CACHE: dict[tuple[str, str, int, int], frozenset[str]] = {}


def _imports(path: Path, module: str) -> set[str]:
    """Project modules that the file at ``path`` (module ``module``) imports, read from its syntax tree
    (cached while the file's modification time and size stay the same)."""
    try:
        st = path.stat()
    except OSError:
        return set()
    key = (str(path), module, st.st_mtime_ns, st.st_size)
    if key not in _IMPORTS_CACHE:
        _IMPORTS_CACHE[key] = frozenset(_parse_imports(path, module))
    return set(_IMPORTS_CACHE[key])


def _parse_imports(path: Path, module: str) -> set[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            for i in range(1, len(parts) + 1):  # importing a.b.c runs a, a.b and a.b.c
                if _module_path(".".join(parts[:i])) is not None:
                    found.add(".".join(parts[:i]))
    return found


def spec_files(source_file: str) -> list[Path]:
    """The theorem file, every project module it imports (transitively) and the engine's deciding modules."""
    start = Path(source_file)
    todo = list(ENGINE_MODULES)
    seen: dict[str, Path] = {}
    for name in _imports(start, f"lemmata_spec.{start.stem}"):
        todo.append(name)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_path(name)
        if path is None:
            continue
        seen[name] = path
        todo.extend(_imports(path, name) - set(seen))
    return [start] + [seen[k] for k in sorted(seen)]




def files_digest(paths: Iterable[Path]) -> str:
    """One hash of the files' names and bytes (in the order given)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def match_ids(papers: Mapping[str, str], patterns: Iterable[str]) -> list[str]:
    """Ids (keys of ``papers``, id → paper) matching any pattern: an exact id, a paper (``du2019``) or a glob;
    in the order of ``papers``. Raises :class:`UnknownClaimError` for a pattern that matches nothing."""
    patterns = list(patterns)
    if not patterns:
        return list(papers)
    chosen: dict[str, None] = {}
    for pat in patterns:
        hits = [cid for cid, paper in papers.items() if cid == pat or paper == pat or fnmatch.fnmatchcase(cid, pat)]
        if not hits:
            names = sorted(set(papers.values()))
            raise UnknownClaimError(
                f"no claim matches {pat!r}; try a claim id, a paper ({', '.join(names)}) or a glob like 'du2019.*'"
            )
        chosen.update(dict.fromkeys(hits))
    return list(chosen)
