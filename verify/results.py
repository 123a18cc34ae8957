"""``results.json``: the versioned record of a verification run, written atomically.

Schema (version 3; the JSON Schema ships as ``lemmata/verify/results.schema.json``)::

    {"schema_version": 3,
     "provenance": {"lemmata", "git_commit", "git_dirty", "python", "platform", "packages": {...},
                    "device", "device_name", "dtype", "profile", "started", "finished", "command",
                    ["workers", "scheduler", "resumed_from", "interrupted"]},
     "claims": [{"id", "spec": {SPEC_FIELDS}, "outcome": {OUTCOME_FIELDS}, "nonfinite": {pointer: "inf"|"-inf"|"nan"},
                 "run": {...}, ["worker": {...}], ["crashed": true]}, ...],
     ["coverage": {paper: [verify.claim.Covered as a dict, ...]}]}

``spec`` is what the claim says (statement, premises, citation, tolerance: fixed by the theorem file and the
profile); ``outcome`` is what the run found. A non-finite number (a bound that blew up, a NaN loss) is
written as ``null`` and named in the record's ``nonfinite`` map by its JSON pointer within the record
(``"/outcome/worst_slack": "-inf"``), so every field keeps one JSON type; :func:`load` puts the values back and
returns each claim as one flat dict (spec, outcome and the record's own keys), the form the report, ``diff``
and ``--resume`` read. The per-example records go to ``examples.jsonl`` beside it (:mod:`verify.example_log`).

The file is rewritten after every claim (write to a temporary file in the same folder, then
``os.replace``), so a crash or Ctrl-C loses at most the claim in flight and never leaves a
half-written file.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

from lemmata.verify.errors import ResultsFileError

SCHEMA_VERSION = 3  # 3: spec and outcome apart, non-finite numbers as null + the record's 'nonfinite' map
RESULTS_NAME = "results.json"
SCHEMA_NAME = "results.schema.json"
VERDICTS = ("verified", "refuted", "inconclusive", "invalid", "skipped")
#: what the claim states: fixed by its theorem file and the profile (verify.runner.ClaimResult's fields)
SPEC_FIELDS = (
    "title", "paper", "kind", "expect", "role", "statement", "statement_latex", "statement_mathml", "given",
    "premises", "citation", "recalled", "tolerance", "delta", "confidence", "control_of", "broken_premise",
    "regime", "spec_hash", "source_file",
)
#: what the run found
OUTCOME_FIELDS = (
    "verdict", "reason", "examples", "seeds_per_example", "seeds_total", "elapsed_s", "worst_slack", "ratios",
    "counterexample", "reproduce", "evidence", "search", "thresholds", "figures", "tightness",
)
#: the record's own keys beside id/spec/outcome/nonfinite: where and how it ran (added by the CLI and the pool)
RECORD_FIELDS = ("run", "worker", "crashed")
#: the fields every claim record has for ``report`` and ``diff`` once loaded (flat); a unit test keeps them
#: equal to the fields verify.runner.ClaimResult writes to results.json
CLAIM_FIELDS = ("id", *SPEC_FIELDS, *OUTCOME_FIELDS)


def encode_nonfinite(value: Any, pointer: str = "", flags: dict[str, str] | None = None) -> tuple[Any, dict[str, str]]:
    """(a copy of ``value`` with every non-finite float replaced by None, {JSON pointer: "inf"|"-inf"|"nan"}).

    The one encoding of non-finite numbers in lemmata's files (results.json, examples.jsonl, experiments):
    JSON has no inf or nan, and a string in a numeric field would give pandas a mixed column."""
    flags = {} if flags is None else flags
    if isinstance(value, float) and not math.isfinite(value):
        flags[pointer] = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return None, flags
    if isinstance(value, Mapping):
        bad = [k for k in value if not isinstance(k, str)]
        if bad:  # json.dumps would write True as "true": the flag's pointer would name another key
            raise ValueError(f"key {bad[0]!r} at {pointer or '/'} is not a string; JSON objects have string keys")
        return {k: encode_nonfinite(v, f"{pointer}/{_escape(k)}", flags)[0] for k, v in value.items()}, flags
    if isinstance(value, (list, tuple)):
        return [encode_nonfinite(v, f"{pointer}/{i}", flags)[0] for i, v in enumerate(value)], flags
    return value, flags


def decode_nonfinite(value: Any, flags: dict[str, str]) -> Any:
    """Put the non-finite numbers named in ``flags`` back into ``value`` (in place where it can); returns it."""
    for pointer, text in flags.items():
        number = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}.get(text)
        parts = [_unescape(p) for p in pointer.split("/")[1:]]
        if number is None or not parts:
            raise ResultsFileError(f"nonfinite entry {pointer!r}: {text!r} (expected a JSON pointer to 'inf', "
                                   "'-inf' or 'nan'); re-run the verification")
        node = value
        try:
            for part in parts[:-1]:
                node = node[int(part)] if isinstance(node, list) else node[part]
            last = parts[-1]
            key: int | str = int(last) if isinstance(node, list) else last
            if node[key] is not None:  # a flag names a null, nothing else
                raise ValueError(pointer)
            node[key] = number
        except (KeyError, IndexError, ValueError, TypeError):
            raise ResultsFileError(f"nonfinite entry {pointer!r} does not point at a null in its record; re-run "
                                   "the verification") from None
    return value


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def to_record(flat: dict[str, Any]) -> dict[str, Any]:
    """A flat claim result (ClaimResult.to_json() + run/worker/crashed) as the schema's record."""
    unknown = sorted(set(flat) - set(CLAIM_FIELDS) - set(RECORD_FIELDS))
    if unknown:  # a programming error of ours: every key must be declared here and in the schema
        raise ValueError(f"claim {flat.get('id')!r}: keys {unknown} are not fields of a results.json record")
    rec: dict[str, Any] = {"id": flat["id"], "spec": {k: flat[k] for k in SPEC_FIELDS},
                           "outcome": {k: flat[k] for k in OUTCOME_FIELDS}}
    rec.update({k: flat[k] for k in RECORD_FIELDS if k in flat})
    rec, flags = encode_nonfinite(rec)
    rec["nonfinite"] = flags
    return rec


def from_record(rec: dict[str, Any]) -> dict[str, Any]:
    """The schema's record as one flat dict, with its non-finite numbers restored."""
    rec = decode_nonfinite(dict(rec), rec.get("nonfinite") or {})
    flat = {"id": rec["id"], **rec["spec"], **rec["outcome"]}
    flat.update({k: rec[k] for k in RECORD_FIELDS if k in rec})
    return flat


def schema() -> dict[str, Any]:
    """The JSON Schema of results.json (draft 2020-12), shipped with the package."""
    return json.loads((Path(__file__).with_name(SCHEMA_NAME)).read_text(encoding="utf-8"))


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
         coverage: dict[str, list[dict[str, Any]]] | None = None,
         cache: dict[str, tuple[int, str]] | None = None) -> Path:
    """Write ``claims`` (flat results) as schema-3 records to ``DIR/results.json``, atomically.

    ``cache`` (a dict the caller keeps for the run) holds each claim's encoded record, keyed by its id and the
    identity of its dict: a run saves after every claim, and re-encoding every finished claim each time made the
    saves quadratic (about 1 s per save at 199 claims, minutes per run). The text is the same as
    ``json.dumps(doc, indent=1)`` would give."""
    prov_clean, prov_flags = encode_nonfinite(prov)
    cov_clean, cov_flags = encode_nonfinite(coverage or {})
    if prov_flags or cov_flags:  # strings and counts only: a number there is a bug of ours
        raise ValueError(f"provenance/coverage hold non-finite numbers at {sorted(prov_flags) + sorted(cov_flags)}")
    cache = {} if cache is None else cache
    records = []
    for c in claims:
        hit = cache.get(c["id"])
        if hit is None or hit[0] != id(c):
            hit = (id(c), _dumps_at(to_record(c), depth=2))
            cache[c["id"]] = hit
        records.append("  " + hit[1])
    parts = [f' "schema_version": {SCHEMA_VERSION}', ' "provenance": ' + _dumps_at(prov_clean, depth=1),
             ' "claims": ' + ("[\n" + ",\n".join(records) + "\n ]" if records else "[]")]
    if cov_clean:
        parts.append(' "coverage": ' + _dumps_at(cov_clean, depth=1))
    path = out_dir / RESULTS_NAME
    write_atomic(path, "{\n" + ",\n".join(parts) + "\n}\n")
    return path


def _dumps_at(value: Any, *, depth: int) -> str:
    """``json.dumps(value, indent=1)`` for a value nested ``depth`` levels deep (JSON strings hold no raw newline,
    so re-indenting the lines cannot touch a string's content)."""
    return json.dumps(value, indent=1, ensure_ascii=False, allow_nan=False).replace("\n", "\n" + " " * depth)


def load(out_dir: Path) -> dict[str, Any]:
    """Read and check ``DIR/results.json``; its claims come back flat (:func:`from_record`).

    Raises :class:`ResultsFileError` with the fix."""
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
    flat = []
    for i, c in enumerate(doc["claims"]):
        if not isinstance(c, dict):
            raise ResultsFileError(f"{path}: claims[{i}] is not an object; re-run the verification")
        name = c.get("id", f"claims[{i}]")
        for part in ("spec", "outcome"):
            if not isinstance(c.get(part), dict):
                raise ResultsFileError(f"{path}: claim {name} lacks the object {part!r}; re-run the verification "
                                       f"(`lemmata verify --out {out_dir}`)")
        if not isinstance(c.get("nonfinite"), dict):
            raise ResultsFileError(f"{path}: claim {name}: 'nonfinite' must be an object (the map of non-finite "
                                   "numbers, {} when there are none); re-run the verification")
        for part, names in (("spec", SPEC_FIELDS), ("outcome", OUTCOME_FIELDS)):
            missing = [k for k in names if k not in c[part]]
            if missing:
                raise ResultsFileError(f"{path}: claim {name} lacks the field {part}.{missing[0]}; re-run the "
                                       f"verification (`lemmata verify --out {out_dir}`)")
            unknown = sorted(set(c[part]) - set(names))
            if unknown:
                raise ResultsFileError(f"{path}: claim {name} has the field {part}.{unknown[0]}, which this lemmata "
                                       "does not know (a newer version wrote it, or it was edited); re-run the "
                                       f"verification (`lemmata verify --out {out_dir}`)")
        unknown = sorted(set(c) - {"id", "spec", "outcome", "nonfinite", *RECORD_FIELDS})
        if unknown:
            raise ResultsFileError(f"{path}: claim {name} has the field {unknown[0]}, which this lemmata does not "
                                   "know; re-run the verification")
        if "id" not in c:
            raise ResultsFileError(f"{path}: claims[{i}] lacks the field 'id'; re-run the verification")
        if c["outcome"]["verdict"] not in VERDICTS:
            raise ResultsFileError(f"{path}: claim {c['id']} has verdict={c['outcome']['verdict']!r}, not one of "
                                   f"{', '.join(VERDICTS)}")
        try:
            flat.append(from_record(c))
        except ResultsFileError as err:
            raise ResultsFileError(f"{path}: claim {name}: {err}") from None
    doc["claims"] = flat
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
