"""Experiments: a paper's figures reproduced at the paper's own size, outside the Hypothesis search.

A claim is checked on many small generated instances; an experiment runs one fixed, large
configuration (e.g. Du et al. 2019, Section 5: n = d = 1000, widths up to 16384) and draws the
paper's figures from it. A theorem module may declare ``EXPERIMENTS``, a list of
:class:`Experiment`; ``lemmata experiment ID --out DIR`` runs one and writes
``DIR/experiments/<id>.json`` (``<id>.<size>.json`` for a reduced size; while running, the finished
parts are rewritten atomically to ``<id>.partial.json``, so Ctrl-C or a crash keeps them); ``lemmata report DIR`` draws its figures and table.

``run(ctx)`` returns a JSON-able mapping::

    {"parameters": {...},                       # the configuration, as run
     "figures": [{"title", "xlabel", "ylabel", "logx", "logy",
                  "series": [{"label", "x": [...], "y": [...], "style"}]}],
     "table": {"columns": [...], "rows": [[...], ...]},
     "notes": ["...", ...]}

and may call ``ctx.partial(result)`` with the same shape after each part.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, Mapping

from lemmata.verify.claim import _ID, Citation
from lemmata.verify.errors import ClaimDefinitionError, ExperimentError, ResultsFileError, UnknownClaimError

Size = Literal["paper", "small"]
EXPERIMENTS_DIR = "experiments"


@dataclass(frozen=True)
class ExperimentContext:
    """What ``run`` receives: where to run, at which size, and how to report progress."""

    device: Any
    dtype: Any
    size: Size
    progress: Callable[[str], None]
    partial: Callable[[Mapping[str, Any]], None]


@dataclass(frozen=True)
class Experiment:
    """One reproduced experiment of one paper (``id`` is ``<paper>.<name>``)."""

    id: str
    title: str
    citation: Citation
    run: Callable[[ExperimentContext], Mapping[str, Any]]
    description: str = ""
    source_file: str = field(default="", compare=False)

    @property
    def paper(self) -> str:
        return self.id.split(".", 1)[0]


def validate_experiment(exp: object, path: Path) -> None:
    """Raise :class:`ClaimDefinitionError` naming the experiment and file if ``exp`` is malformed."""
    if not isinstance(exp, Experiment):
        raise ClaimDefinitionError(f"{path}: EXPERIMENTS holds a {type(exp).__name__}, not a verify.experiment.Experiment")
    if not _ID.match(exp.id) or exp.paper != path.stem:
        raise ClaimDefinitionError(f"experiment {exp.id} in {path}: the id must be '{path.stem}.<name>' "
                                   "(lower case, digits, _)")
    if not callable(exp.run):
        raise ClaimDefinitionError(f"experiment {exp.id} in {path}: run must be a function of an ExperimentContext")


def find(experiments: Mapping[str, Experiment], name: str) -> Experiment:
    if name in experiments:
        return experiments[name]
    choices = ", ".join(experiments) or "none registered"
    raise UnknownClaimError(f"no experiment {name!r}; choose one of: {choices}")


def path_for(out_dir: Path, experiment_id: str, size: str = "paper", *, partial: bool = False) -> Path:
    """``DIR/experiments/<id>.json`` at the paper's size, ``<id>.<size>.json`` otherwise; ``.partial`` while
    running, so an interrupted run never replaces a complete result."""
    stem = experiment_id if size == "paper" else f"{experiment_id}.{size}"
    return Path(out_dir) / EXPERIMENTS_DIR / (f"{stem}.partial.json" if partial else f"{stem}.json")


def save(out_dir: Path, exp: Experiment, prov: Mapping[str, Any], result: Mapping[str, Any], *,
         size: str, complete: bool, elapsed_s: float, error: str | None = None) -> Path:
    """Write the result atomically (to the ``.partial`` file until it is complete)."""
    from lemmata.verify.results import write_atomic

    from lemmata.verify.results import encode_nonfinite

    # non-finite numbers (a diverged loss is data, not a crash) as null + the 'nonfinite' map, as in results.json
    found, flags = encode_nonfinite({str(k): v for k, v in result.items()})
    doc = {"id": exp.id, "title": exp.title, "paper": exp.paper, "description": exp.description, "size": size,
           "citation": {"paper": exp.citation.paper, "where": exp.citation.where, "arxiv": exp.citation.arxiv,
                        "source": exp.citation.source, "note": exp.citation.note},
           "provenance": dict(prov), "complete": complete, "error": error, "elapsed_s": round(elapsed_s, 2),
           **found, "nonfinite": flags}
    if not isinstance(doc.get("figures"), list):
        raise ExperimentError(f"experiment {exp.id}: run must return a mapping with a 'figures' list")
    path = path_for(out_dir, exp.id, size, partial=not complete)
    write_atomic(path, json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    if complete:
        path_for(out_dir, exp.id, size, partial=True).unlink(missing_ok=True)
    return path


def run_experiment(exp: Experiment, *, out_dir: Path, device: Any, dtype: Any, size: Size,
                   prov: dict[str, Any], progress: Callable[[str], None]) -> Path:
    """Run ``exp`` and save its result; partial results are saved as they come (and kept on Ctrl-C).

    An error inside the run is recorded in the partial file and raised as :class:`ExperimentError`.
    """
    from lemmata.verify.results import now

    t0 = time.monotonic()
    last: dict[str, Any] = {"figures": []}

    def partial(result: Mapping[str, Any]) -> None:
        last.clear()
        last.update(result)
        save(out_dir, exp, prov, result, size=size, complete=False, elapsed_s=time.monotonic() - t0)

    ctx = ExperimentContext(device=device, dtype=dtype, size=size, progress=progress, partial=partial)
    try:
        result = exp.run(ctx)
    except (KeyboardInterrupt, ExperimentError):
        raise
    except Exception as err:
        message = f"{type(err).__name__}: {err}"
        save(out_dir, exp, prov, last, size=size, complete=False, elapsed_s=time.monotonic() - t0, error=message)
        raise ExperimentError(f"experiment {exp.id} failed: {message} (the finished parts are in "
                              f"{path_for(out_dir, exp.id, size, partial=True)})") from err
    prov["finished"] = now()
    return save(out_dir, exp, prov, result, size=size, complete=True, elapsed_s=time.monotonic() - t0)


def load_results(out_dir: Path) -> list[dict[str, Any]]:
    """Every ``DIR/experiments/*.json`` (sorted by id); unreadable files raise :class:`ResultsFileError`."""
    folder = Path(out_dir) / EXPERIMENTS_DIR
    docs = []
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    complete = {p.name for p in paths if not p.name.endswith(".partial.json")}
    for path in paths:
        if path.name.endswith(".partial.json") and path.name.replace(".partial.json", ".json") in complete:
            continue  # an interrupted re-run; the complete result is shown
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ResultsFileError(f"{path} is not valid JSON ({err}); re-run `lemmata experiment` for it") from None
        if not isinstance(doc, dict) or "id" not in doc or "figures" not in doc:
            raise ResultsFileError(f"{path} is not an experiment result; delete it or re-run `lemmata experiment`")
        from lemmata.verify.results import decode_nonfinite

        try:
            docs.append(decode_nonfinite(doc, doc.get("nonfinite") or {}))
        except ResultsFileError as err:
            raise ResultsFileError(f"{path}: {err}") from None
    return docs
