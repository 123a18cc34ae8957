"""``lemmata verify --junit-xml PATH``: the run's verdicts as JUnit XML, the format CI systems read.

One ``<testsuite>`` per paper, one ``<testcase>`` per item (``classname`` the paper, ``name`` the item id):
``verified`` passes; ``refuted`` is a ``<failure>`` whose text holds the counterexample and the replay command;
``inconclusive`` and ``invalid`` are ``<error>`` (the run could not decide; exit status 1 and 3 alike);
``skipped`` is ``<skipped>``. Each case carries its role and verdict as properties.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Sequence

from lemmata.verify.results import write_atomic


def _case(suite: ET.Element, r: dict[str, Any]) -> None:
    case = ET.SubElement(suite, "testcase", classname=r.get("paper", ""), name=r["id"],
                         time=f"{float(r.get('elapsed_s') or 0.0):.3f}")
    props = ET.SubElement(case, "properties")
    for key in ("role", "verdict", "kind"):
        ET.SubElement(props, "property", name=key, value=str(r.get(key, "")))
    verdict, reason = r["verdict"], r.get("reason", "")
    if verdict == "refuted":
        node = ET.SubElement(case, "failure", message=reason[:500], type="refuted")
        ce = r.get("counterexample") or {}
        node.text = "\n".join(x for x in (
            reason,
            "counterexample: " + json.dumps(ce.get("premises"), sort_keys=True) if ce else "",
            f"reproduce: {r['reproduce']}" if r.get("reproduce") else "",
        ) if x)
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
        suite = ET.SubElement(root, "testsuite", name=paper, tests=str(len(rs)),
                              failures=str(counts[("refuted",)]), errors=str(counts[("inconclusive", "invalid")]),
                              skipped=str(counts[("skipped",)]),
                              time=f"{sum(float(r.get('elapsed_s') or 0.0) for r in rs):.3f}")
        for r in rs:
            _case(suite, r)
    ET.indent(root)
    write_atomic(Path(path), '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
    return Path(path)
