"""``lemmata verify --junit-xml PATH``: the run's verdicts as JUnit XML, the format CI systems read.

One ``<testsuite>`` per paper, one ``<testcase>`` per item (``classname`` the paper, ``name`` the item id):
``verified`` passes; ``refuted`` is a ``<failure>`` whose text holds the counterexample and the replay command;
``inconclusive`` and ``invalid`` are ``<error>`` (the run could not decide; exit status 1 and 3 alike);
``skipped`` is ``<skipped>``. Each case carries its role and verdict as properties.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Sequence

from lemmata.verify.results import write_atomic

# characters XML 1.0 cannot hold (a reason may carry terminal colours or NULs from user code)
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: Any) -> str:
    return _BAD_XML.sub("\ufffd", str(text))


def _seconds(v: Any) -> str:
    try:
        t = float(v)
    except (TypeError, ValueError):
        return "0.000"
    return f"{t:.3f}" if math.isfinite(t) and t >= 0 else "0.000"


def _case(suite: ET.Element, r: dict[str, Any]) -> None:
    case = ET.SubElement(suite, "testcase", classname=_x(r.get("paper", "")), name=_x(r["id"]),
                         time=_seconds(r.get("elapsed_s")))
    props = ET.SubElement(case, "properties")
    for key in ("role", "verdict", "kind"):
        ET.SubElement(props, "property", name=key, value=_x(r.get(key, "")))
    verdict, reason = r["verdict"], _x(r.get("reason", ""))
    if verdict == "refuted":
        node = ET.SubElement(case, "failure", message=reason[:500], type="refuted")
        ce = r.get("counterexample") or {}
        node.text = _x("\n".join(x for x in (
            reason,
            "counterexample: " + json.dumps(ce.get("premises"), sort_keys=True, default=str) if ce else "",
            f"reproduce: {r['reproduce']}" if r.get("reproduce") else "",
        ) if x))
    elif verdict in ("inconclusive", "invalid"):
        node = ET.SubElement(case, "error", message=reason[:500], type=verdict)
        node.text = reason
    elif verdict == "skipped":
        ET.SubElement(case, "skipped", message=reason[:500])


def write(path: Path, claims: Sequence[dict[str, Any]], *, name: str = "lemmata") -> Path:
    """Write ``claims`` (flat results, as in results.json once loaded) to ``path`` atomically."""
    root = ET.Element("testsuites", name=name)
    papers: dict[str, list[dict[str, Any]]] = {}
    for r in claims:
        papers.setdefault(r.get("paper", ""), []).append(r)
    for paper, rs in papers.items():
        counts = {v: sum(1 for r in rs if r["verdict"] in v) for v in (("refuted",), ("inconclusive", "invalid"),
                                                                       ("skipped",))}
        suite = ET.SubElement(root, "testsuite", name=_x(paper), tests=str(len(rs)),
                              failures=str(counts[("refuted",)]), errors=str(counts[("inconclusive", "invalid")]),
                              skipped=str(counts[("skipped",)]),
                              time=_seconds(sum(float(_seconds(r.get("elapsed_s"))) for r in rs)))
        for r in rs:
            _case(suite, r)
    ET.indent(root)
    write_atomic(Path(path), '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
    return Path(path)
