"""``lemmata diff A B``: what changed between two verification runs (read from their results.json)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from lemmata.verify import results as results_mod


def _slack(c: dict[str, Any]) -> float | None:
    v = c.get("worst_slack")
    return v if isinstance(v, (int, float)) and math.isfinite(v) else None


def _counts(c: dict[str, Any]) -> tuple[Any, ...]:
    """What a budget counted in examples must keep equal between two runs of the same profile."""
    return c.get("examples"), c.get("seeds_total"), (c.get("search") or {}).get("phases")


def compare(a_dir: Path, b_dir: Path) -> dict[str, Any]:
    """Claims added, removed, with a flipped verdict, with moved worst slack, and with changed example counts."""
    a = {c["id"]: c for c in results_mod.load(a_dir)["claims"]}
    b = {c["id"]: c for c in results_mod.load(b_dir)["claims"]}
    flipped, moved, same, counts = [], [], [], []
    for cid in sorted(set(a) & set(b)):
        ca, cb = a[cid], b[cid]
        sa, sb = _slack(ca), _slack(cb)
        row = {"id": cid, "verdict_a": ca["verdict"], "verdict_b": cb["verdict"], "slack_a": sa, "slack_b": sb,
               "spec_changed": ca.get("spec_hash") != cb.get("spec_hash")}
        if _counts(ca) != _counts(cb):
            counts.append({"id": cid, "examples_a": ca.get("examples"), "examples_b": cb.get("examples"),
                           "seeds_a": ca.get("seeds_total"), "seeds_b": cb.get("seeds_total")})
        if ca["verdict"] != cb["verdict"]:
            row["reason_b"] = cb["reason"]
            flipped.append(row)
        elif sa is not None and sb is not None and abs(sb - sa) > 1e-9 * max(1.0, abs(sa)):
            moved.append(row)
        else:
            same.append(row)
    return {"added": sorted(set(b) - set(a)), "removed": sorted(set(a) - set(b)), "flipped": flipped,
            "moved": moved, "unchanged": same, "counts": counts}


def render(diff: dict[str, Any], a_dir: Path, b_dir: Path) -> str:
    """A Markdown summary of :func:`compare`."""
    L = [f"# lemmata: {a_dir} → {b_dir}", ""]
    L.append(f"{len(diff['flipped'])} verdicts flipped, {len(diff['moved'])} with moved slack, "
             f"{len(diff['unchanged'])} unchanged, {len(diff['added'])} added, {len(diff['removed'])} removed; "
             f"{len(diff['counts'])} with changed example counts.")
    L.append("")
    if diff["flipped"]:
        L += ["## Verdicts that flipped", "", "| claim | before | after | spec changed | why now |", "|---|---|---|---|---|"]
        for r in diff["flipped"]:
            L.append(f"| {r['id']} | {r['verdict_a']} | **{r['verdict_b']}** | {'yes' if r['spec_changed'] else 'no'} | "
                     f"{r.get('reason_b', '')} |")
        L.append("")
    if diff["moved"]:
        L += ["## Worst slack that moved", "", "| claim | verdict | slack before | slack after |", "|---|---|---|---|"]
        for r in sorted(diff["moved"], key=lambda r: (r["slack_b"] or 0) - (r["slack_a"] or 0)):
            L.append(f"| {r['id']} | {r['verdict_b']} | {r['slack_a']:.4g} | {r['slack_b']:.4g} |")
        L.append("")
    if diff["counts"]:
        L += ["## Example counts that changed", "", "| claim | examples before | after | seed runs before | after |",
              "|---|---|---|---|---|"]
        for r in diff["counts"]:
            L.append(f"| {r['id']} | {r['examples_a']} | {r['examples_b']} | {r['seeds_a']} | {r['seeds_b']} |")
        L.append("")
    for key, title in (("added", "Claims only in B"), ("removed", "Claims only in A")):
        if diff[key]:
            L += [f"## {title}", "", *(f"- {cid}" for cid in diff[key]), ""]
    return "\n".join(L) + "\n"
