"""Experiments: a paper's figures reproduced at the paper's own size, outside the Hypothesis search.

A claim is checked on many small generated instances; an experiment runs one fixed, large
configuration (e.g. Du et al. 2019, Section 5: n = d = 1000, widths up to 16384) and draws the
paper's figures from it. A theorem module may declare ``EXPERIMENTS``, a list of
:class:`Experiment`; ``lemmata experiment ID --out DIR`` runs one and writes
``DIR/experiments/<id>.json`` (rewritten atomically after every completed part, so Ctrl-C keeps
what finished); ``lemmata report DIR`` draws its figures and table.

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

from verify.claim import _ID, Citation
from verify.errors import ClaimDefinitionError, ResultsFileError, UnknownClaimError

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


def path_for(out_dir: Path, experiment_id: str) -> Path:
    return Path(out_dir) / EXPERIMENTS_DIR / f"{experiment_id}.json"


def save(out_dir: Path, exp: Experiment, prov: Mapping[str, Any], result: Mapping[str, Any], *,
         complete: bool, elapsed_s: float) -> Path:
    """Write ``DIR/experiments/<id>.json`` atomically."""
    from verify.results import write_atomic

    doc = {"id": exp.id, "title": exp.title, "paper": exp.paper, "description": exp.description,
           "citation": {"paper": exp.citation.paper, "where": exp.citation.where, "arxiv": exp.citation.arxiv,
                        "source": exp.citation.source, "note": exp.citation.note},
           "provenance": dict(prov), "complete": complete, "elapsed_s": round(elapsed_s, 2), **dict(result)}
    path = path_for(out_dir, exp.id)
    write_atomic(path, json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    return path


def run_experiment(exp: Experiment, *, out_dir: Path, device: Any, dtype: Any, size: Size,
                   prov: dict[str, Any], progress: Callable[[str], None]) -> Path:
    """Run ``exp`` and save its result; partial results are saved as they come (and kept on Ctrl-C)."""
    t0 = time.monotonic()

    def partial(result: Mapping[str, Any]) -> None:
        save(out_dir, exp, prov, result, complete=False, elapsed_s=time.monotonic() - t0)

    ctx = ExperimentContext(device=device, dtype=dtype, size=size, progress=progress, partial=partial)
    result = exp.run(ctx)
    from verify.results import now

    prov["finished"] = now()
    return save(out_dir, exp, prov, result, complete=True, elapsed_s=time.monotonic() - t0)


def load_results(out_dir: Path) -> list[dict[str, Any]]:
    """Every ``DIR/experiments/*.json`` (sorted by id); unreadable files raise :class:`ResultsFileError`."""
    folder = Path(out_dir) / EXPERIMENTS_DIR
    docs = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ResultsFileError(f"{path} is not valid JSON ({err}); re-run `lemmata experiment` for it") from None
        if not isinstance(doc, dict) or "id" not in doc or "figures" not in doc:
            raise ResultsFileError(f"{path} is not an experiment result; delete it or re-run `lemmata experiment`")
        docs.append(doc)
    return docs
