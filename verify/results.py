"""``results.json``: the versioned record of a verification run, written atomically.

Schema (version 2)::

    {"schema_version": 2,
     "provenance": {"lemmata", "git_commit", "git_dirty", "python", "platform", "packages": {...},
                    "device", "device_name", "dtype", "profile", "started", "finished", "command",
                    ["workers", "scheduler", "resumed_from", "interrupted"]},
     "claims": [ClaimResult.to_json() + {"run": {...}, ["worker", "crashed"]}, ...],
     ["coverage": {paper: [verify.claim.Covered as a dict, ...]}]}

Each claim record has the fields of ``CLAIM_FIELDS``; ``search`` says how many examples each phase
ran and why the search stopped.

The file is rewritten after every claim (write to a temporary file in the same folder, then
``os.replace``), so a crash or Ctrl-C loses at most the claim in flight and never leaves a
half-written file.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from lemmata.verify.errors import ResultsFileError

SCHEMA_VERSION = 2  # 2: the search record (phases, budgets in examples), the verdict 'invalid', the role
RESULTS_NAME = "results.json"
VERDICTS = ("verified", "refuted", "inconclusive", "invalid", "skipped")
#: the fields every claim record must have for ``report`` and ``diff`` to read it
#: (the fields of verify.runner.ClaimResult; a unit test keeps the two lists equal)
CLAIM_FIELDS = (
    "id", "title", "paper", "kind", "expect", "role", "verdict", "reason", "statement", "statement_latex", "statement_mathml",
    "given", "premises", "citation", "recalled", "tolerance", "delta", "confidence", "control_of", "broken_premise",
    "examples", "seeds_per_example", "seeds_total", "elapsed_s", "worst_slack", "ratios", "counterexample",
    "reproduce", "evidence", "search", "thresholds", "regime", "figures", "tightness", "spec_hash", "source_file",
)


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10,
                             cwd=Path(__file__).resolve().parent.parent)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def provenance(*, device: str, device_name: str, dtype: str, profile: str, command: str) -> dict[str, Any]:
    """Where, how and with what a run was made."""
    packages = {}
    for name in ("lemmata", "torch", "hypothesis", "numpy", "sympy", "scipy"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    status = _git("status", "--porcelain")
    return {
        "lemmata": packages.get("lemmata"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": packages,
        "device": device,
        "device_name": device_name,
        "dtype": dtype,
        "profile": profile,
        "started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "finished": None,
        "command": command,
    }


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600 files; give the file the mode open() would
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def save(out_dir: Path, prov: dict[str, Any], claims: list[dict[str, Any]],
         coverage: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "provenance": prov, "claims": claims}
    if coverage:
        doc["coverage"] = coverage
    path = out_dir / RESULTS_NAME
    write_atomic(path, json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    return path


def load(out_dir: Path) -> dict[str, Any]:
    """Read and check ``DIR/results.json``; raise :class:`ResultsFileError` with the fix."""
    path = Path(out_dir) / RESULTS_NAME
    if not path.is_file():
        raise ResultsFileError(f"{path} does not exist; run `lemmata verify --out {out_dir}` first")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ResultsFileError(f"{path} is not valid JSON ({err}); re-run `lemmata verify --out {out_dir}`") from None
    if not isinstance(doc, dict) or doc.get("schema_version") != SCHEMA_VERSION:
        raise ResultsFileError(
            f"{path} has schema_version={doc.get('schema_version') if isinstance(doc, dict) else None!r}; "
            f"this lemmata reads version {SCHEMA_VERSION}: re-run the verification"
        )
    for key in ("provenance", "claims"):
        if key not in doc:
            raise ResultsFileError(f"{path} lacks the {key!r} field; re-run the verification")
    if not isinstance(doc["provenance"], dict):
        raise ResultsFileError(f"{path}: 'provenance' must be an object; re-run the verification")
    if not isinstance(doc["claims"], list):
        raise ResultsFileError(f"{path}: 'claims' must be a list; re-run the verification")
    for i, c in enumerate(doc["claims"]):
        if not isinstance(c, dict):
            raise ResultsFileError(f"{path}: claims[{i}] is not an object; re-run the verification")
        missing = [k for k in CLAIM_FIELDS if k not in c]
        if missing:
            name = c.get("id", f"claims[{i}]")
            raise ResultsFileError(f"{path}: claim {name} lacks the field {missing[0]!r}; re-run the verification "
                                   f"(`lemmata verify --out {out_dir}`)")
        if c["verdict"] not in VERDICTS:
            raise ResultsFileError(f"{path}: claim {c['id']} has verdict={c['verdict']!r}, not one of {', '.join(VERDICTS)}")
    return doc


def check_writable(out_dir: Path, *, flag: str = "--out") -> None:
    """Raise :class:`UsageError` now, before any claim runs, if results cannot be written to ``out_dir``."""
    from lemmata.verify.errors import UsageError

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{flag} {out_dir} exists and is not a folder; choose another path")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".lemmata-write-test.")
        os.close(fd)
        os.unlink(tmp)
    except OSError as err:
        raise UsageError(f"{flag} {out_dir} is not writable ({err.strerror or err}); choose a folder you can write to") from None


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def command_line(argv: list[str]) -> str:
    """The command as the user typed it (argv of ``lemmata``, shell-quoted)."""
    import shlex

    return shlex.join(["lemmata", *argv])
