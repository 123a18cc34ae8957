"""``examples.jsonl``: one JSON line per example a verification ran, appended as each claim finishes.

``results.json`` keeps what a verdict needs (counts, the counterexample, the worst example); this file keeps every
example, so a user can plot the distribution of anything (pandas: ``pd.read_json(path, lines=True)``). A row::

    {"claim": "du2019.gd_linear_rate", "example": 0, "phase": "corners", "premises": {"n": 2, ...},
     "decision": "pass", "seeds": 64, "batches": 1, "seeds_run": 64, "failed_seeds": 0, "nonfinite_seeds": 0,
     "vacuous_seeds": 0, "worst_excess": -0.12, "worst_ratio": 0.4, "tightness_min": 0.31, "threshold": null,
     "nonfinite": {}}

Every key is in every row with one JSON type (numbers may be null); a non-finite number is null and named in
``nonfinite`` by its JSON pointer within the row (``{"/worst_excess": "inf"}``), the encoding of
:func:`verify.results.encode_nonfinite`.
``example`` counts the claim's examples in the order they ran (shrink candidates and the replication included;
``phase`` says which). ``lemmata verify --resume`` drops the rows of the claims it runs again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    from lemmata.verify.trial import ExampleRecord

EXAMPLES_NAME = "examples.jsonl"
#: every row's keys, in order (a unit test checks that rows have exactly these, each with one JSON type)
ROW_FIELDS = ("claim", "example", "phase", "premises", "decision", "seeds", "batches", "seeds_run", "failed_seeds",
              "nonfinite_seeds", "vacuous_seeds", "worst_excess", "worst_ratio", "tightness_min", "threshold",
              "nonfinite")


def rows(claim_id: str, records: Sequence[ExampleRecord], replications: Sequence[ExampleRecord] = ()
         ) -> list[dict[str, Any]]:
    """One row per example record (the search's, then every replication's), non-finite numbers encoded."""
    from lemmata.verify.results import encode_nonfinite
    from lemmata.verify.trial import json_scalar

    out = []
    for i, rec in enumerate([*records, *replications]):
        numbers = {
            "worst_excess": float(rec.worst_excess), "worst_ratio": float(rec.worst_ratio),
            "tightness_min": min(rec.tightness) if rec.tightness else None,
            "threshold": None if rec.threshold is None else float(rec.threshold),
        }
        numbers, flags = encode_nonfinite(numbers)
        premises, premise_flags = encode_nonfinite({k: json_scalar(v) for k, v in rec.premises.items()}, "/premises")
        flags = {**flags, **premise_flags}
        out.append({
            "claim": claim_id, "example": i, "phase": rec.phase or "", "premises": premises,
            "decision": rec.decision, "seeds": int(rec.seeds), "batches": int(rec.batches),
            "seeds_run": int(rec.seeds_run), "failed_seeds": int(rec.failed_seeds),
            "nonfinite_seeds": int(rec.nonfinite_seeds), "vacuous_seeds": int(rec.vacuous_seeds),
            **numbers, "nonfinite": flags,
        })
    return out


def start(out_dir: Path) -> Path:
    """Begin a fresh log in ``out_dir`` (an earlier run's rows are dropped)."""
    path = Path(out_dir) / EXAMPLES_NAME
    from lemmata.verify.results import write_atomic

    write_atomic(path, "")
    return path


def keep_only(out_dir: Path, claim_ids: Iterable[str]) -> Path:
    """Keep the rows of ``claim_ids`` (the results ``--resume`` keeps); drop every other row. Unreadable lines
    (the tail of a run killed mid-write) are dropped too."""
    from lemmata.verify.results import write_atomic

    path = Path(out_dir) / EXAMPLES_NAME
    keep = set(claim_ids)
    lines = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict) and row.get("claim") in keep:
                lines.append(line + "\n")
    write_atomic(path, "".join(lines))
    return path


def append(out_dir: Path, new_rows: Sequence[Mapping[str, Any]]) -> None:
    """Append ``new_rows`` (one claim's) and flush them to disk, so a crash keeps every finished claim's rows."""
    if not new_rows:
        return
    text = "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in new_rows)
    with open(Path(out_dir) / EXAMPLES_NAME, "a", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
