"""Find every claim declared in ``theorems/`` (and in any extra folder given).

A theorem module is a Python file whose name does not start with ``_``; it defines
``CLAIMS``, a list of :class:`verify.claim.Claim`. Every claim is validated here, so a malformed
claim fails at registration with a message that names the claim and the file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Sequence

import sympy

from lemmata.verify.claim import _ID, COVERAGE_STATUSES, ROLES, Claim, Covered, Kind
from lemmata.verify.errors import ClaimDefinitionError
from lemmata.verify.evaluate import compile_statement
from lemmata.verify.sources import (  # noqa: F401 (theorems_dir, spec_files re-exported)
    ENGINE_MODULES, match_ids, project_root, spec_files, theorem_files as _theorem_files, theorems_dir)


def _module_name(path: Path) -> str:
    return f"lemmata.theorems.{path.stem}" if path.parent == theorems_dir() else f"lemmata_user_theorems.{path.stem}"


def _load_module(path: Path):
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ClaimDefinitionError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except ClaimDefinitionError:
        sys.modules.pop(name, None)
        raise
    except Exception as err:
        sys.modules.pop(name, None)
        raise ClaimDefinitionError(f"{path}: importing the theorem file failed: {type(err).__name__}: {err}") from err
    return module


def validate(claim: Claim, path: Path) -> None:
    """Raise :class:`ClaimDefinitionError` naming the claim and file if ``claim`` is malformed."""
    cid = getattr(claim, "id", "?")
    where = f"claim {cid} in {path}"
    if not isinstance(claim, Claim):
        raise ClaimDefinitionError(f"{path}: CLAIMS holds a {type(claim).__name__}, not a verify.Claim")
    if not _ID.match(claim.id):
        raise ClaimDefinitionError(f"{where}: id must look like 'paper.claim_name' (lower case, digits, _)")
    if claim.paper != path.stem:
        raise ClaimDefinitionError(f"{where}: the id's paper prefix must be the file name '{path.stem}'")
    if not claim.title.strip():
        raise ClaimDefinitionError(f"{where}: title is empty")
    if not claim.citation.where.strip() or not claim.citation.paper.strip():
        raise ClaimDefinitionError(f"{where}: citation needs the paper and the theorem/lemma number (where=...)")
    if claim.citation.source not in ("paper", "derived", "recalled"):
        raise ClaimDefinitionError(f"{where}: citation.source must be paper, derived or recalled")
    if claim.citation.source == "recalled" and not claim.recalled:
        raise ClaimDefinitionError(f"{where}: a recalled citation must list what is recalled in recalled=(...)")
    if not isinstance(claim.kind, Kind):
        raise ClaimDefinitionError(f"{where}: kind must be a verify.Kind, got {claim.kind!r}")
    if not isinstance(claim.statement, sympy.Basic):
        raise ClaimDefinitionError(f"{where}: statement must be a sympy expression, got {type(claim.statement).__name__}")
    compile_statement(claim.statement, where=where)
    if not callable(claim.premises) or not callable(claim.run):
        raise ClaimDefinitionError(f"{where}: premises and run must be callables")
    if not claim.tolerance.reason.strip():
        raise ClaimDefinitionError(f"{where}: the tolerance needs a reason (why this much slack)")
    for name in ("rtol", "atol", "z"):
        v = getattr(claim.tolerance, name)
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
            raise ClaimDefinitionError(f"{where}: tolerance {name}={v!r} must be a finite number >= 0")
    if claim.kind is Kind.PROBABILISTIC and not (claim.delta is not None and 0 < claim.delta < 1):
        raise ClaimDefinitionError(f"{where}: a probabilistic claim needs delta in (0, 1), got {claim.delta!r}")
    if claim.kind is Kind.ASYMPTOTIC and claim.regime is None and claim.expect == "holds":
        raise ClaimDefinitionError(f"{where}: an asymptotic claim needs a regime=Regime(...) (size ladder, "
                                   "practical regime, theory scaling)")
    if claim.expect not in ("holds", "breaks"):
        raise ClaimDefinitionError(f"{where}: expect must be 'holds' or 'breaks'")
    if claim.expect == "breaks" and not claim.broken_premise:
        raise ClaimDefinitionError(f"{where}: a control must say which premise it breaks (broken_premise=...)")
    if claim.seeds is not None and claim.seeds < 1:
        raise ClaimDefinitionError(f"{where}: seeds must be >= 1")
    if claim.role not in ROLES:
        raise ClaimDefinitionError(f"{where}: role must be one of {', '.join(ROLES)}, got {claim.role!r}")
    if (claim.role == "control") != (claim.expect == "breaks") and not (claim.role == "claim" and claim.expect == "breaks"):
        raise ClaimDefinitionError(f"{where}: a control (role='control') is exactly an item that expects its "
                                   "conclusion to break; make it with verify.control(parent, ...)")
    if claim.nonfinite not in ("inconclusive", "fails"):
        raise ClaimDefinitionError(f"{where}: nonfinite must be 'inconclusive' or 'fails', got {claim.nonfinite!r}")
    if not (isinstance(claim.examples_scale, (int, float)) and 0 < claim.examples_scale <= 10):
        raise ClaimDefinitionError(f"{where}: examples_scale={claim.examples_scale!r} must lie in (0, 10]")


def load_experiments(extra_dirs: Sequence[Path] = (), *, include_builtin: bool = True) -> dict:
    """Every theorem module's optional ``EXPERIMENTS`` list, by id (see :mod:`verify.experiment`)."""
    from lemmata.verify.experiment import validate_experiment

    found: dict = {}
    for path in _theorem_files(extra_dirs, include_builtin):
        module = sys.modules.get(_module_name(path)) or _load_module(path)
        for exp in getattr(module, "EXPERIMENTS", ()) or ():
            validate_experiment(exp, path)
            if exp.id in found:
                raise ClaimDefinitionError(f"experiment {exp.id} in {path}: the id is already declared")
            found[exp.id] = replace(exp, source_file=str(path))
    return found


def load_coverage(claims: dict[str, Claim], extra_dirs: Sequence[Path] = (), *,
                  include_builtin: bool = True) -> dict[str, list[Covered]]:
    """Every theorem module's optional ``COVERAGE`` list (:class:`verify.claim.Covered`), by paper id, checked
    against the registered ``claims``; raises :class:`ClaimDefinitionError` naming the file and the entry."""
    found: dict[str, list[Covered]] = {}
    for path in _theorem_files(extra_dirs, include_builtin):
        module = sys.modules.get(_module_name(path)) or _load_module(path)
        entries = getattr(module, "COVERAGE", None)
        if entries is None:
            continue
        if not isinstance(entries, (list, tuple)):
            raise ClaimDefinitionError(f"{path}: COVERAGE must be a list of verify.Covered entries")
        for i, e in enumerate(entries):
            where = f"{path}: COVERAGE[{i}]"
            if not isinstance(e, Covered):
                raise ClaimDefinitionError(f"{where} is a {type(e).__name__}, not a verify.Covered")
            if not e.where.strip() or not e.statement.strip():
                raise ClaimDefinitionError(f"{where} needs where= (the theorem or section) and statement=")
            if e.status not in COVERAGE_STATUSES:
                raise ClaimDefinitionError(f"{where}: status must be one of {', '.join(COVERAGE_STATUSES)}, "
                                           f"got {e.status!r}")
            if e.status == "encoded" and not e.claims:
                raise ClaimDefinitionError(f"{where} ({e.where}) is 'encoded' but names no claims=(...)")
            if e.status != "encoded" and not e.why.strip():
                raise ClaimDefinitionError(f"{where} ({e.where}) is '{e.status}' and needs why= (the reason or "
                                           "what is missing)")
            unknown = [cid for cid in e.claims if cid not in claims or claims[cid].paper != path.stem]
            if unknown:
                raise ClaimDefinitionError(f"{where} ({e.where}) names {', '.join(unknown)}, not items of {path.stem}")
        found[path.stem] = list(entries)
    return found


def load_claims(extra_dirs: Sequence[Path] = (), *, include_builtin: bool = True) -> dict[str, Claim]:
    """Import every theorem module and return its claims by id (in file, then declaration order)."""
    files = _theorem_files(extra_dirs, include_builtin)
    claims: dict[str, Claim] = {}
    for path in files:
        module = _load_module(path)
        declared = getattr(module, "CLAIMS", None)
        if declared is None:
            raise ClaimDefinitionError(f"{path}: defines no CLAIMS list (see theorems/_template.py)")
        if not isinstance(declared, (list, tuple)):
            raise ClaimDefinitionError(f"{path}: CLAIMS must be a list of Claim objects")
        for claim in declared:
            validate(claim, path)
            if claim.id in claims:
                raise ClaimDefinitionError(
                    f"claim {claim.id} in {path}: the id is already declared in {claims[claim.id].source_file}"
                )
            role = "control" if claim.expect == "breaks" else claim.role  # expect="breaks" is what makes a control
            claims[claim.id] = replace(claim, source_file=str(path), role=role)
    for claim in claims.values():
        if claim.control_of and claim.control_of not in claims:
            raise ClaimDefinitionError(
                f"claim {claim.id} in {claim.source_file}: control_of={claim.control_of!r} names no registered claim"
            )
    return claims


def spec_hash(claim: Claim) -> str:
    """Hash of what decides the claim's verdict: its theorem file, the ``impl/`` and ``verify/`` modules it
    imports (transitively), and the engine's deciding modules. A change in any of them re-runs it on ``--resume``."""
    h = hashlib.sha256()
    try:
        for path in spec_files(claim.source_file):
            rel = path.name if path == Path(claim.source_file) else str(path.relative_to(project_root()))
            h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return ""
    return h.hexdigest()[:16]


def select(claims: dict[str, Claim], patterns: Iterable[str]) -> list[Claim]:
    """Claims matching any pattern: an exact id, a paper prefix (``du2019``) or a glob.

    Raises :class:`UnknownClaimError` for a pattern that matches nothing.
    """
    return [claims[cid] for cid in match_ids({cid: c.paper for cid, c in claims.items()}, patterns)]
