"""The ``lemmata`` command line.

    lemmata list [PATTERN ...] [--json]
    lemmata show CLAIM
    lemmata verify [PATTERN ...] [--profile ci|dev|thorough] [--device auto|cpu|cuda] [--workers N] [--out DIR]
    lemmata replay CLAIM --premises JSON [--profile P] [--device D]
    lemmata report DIR [--format md,html]
    lemmata diff A B [--out FILE]
    lemmata new PAPER_ID
    lemmata experiment [ID] [--size paper|small] [--device D] [--out DIR] [--report]

Exit status: 0 success (every selected claim verified or skipped); 1 a claim refuted or
inconclusive (``replay``: the conclusion failed again; ``diff``: a verdict flipped); 2 bad usage, with
a one-line message; 3 a claim's definition is invalid (its verdict is ``invalid``: the claim, not the
theorem, needs fixing); 130 interrupted (results of finished claims are kept).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

from lemmata.verify.errors import LemmataError, UsageError

VERDICT_MARK = {"verified": "✓", "refuted": "✗", "inconclusive": "?", "invalid": "!", "skipped": "-"}


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"lemmata: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lemmata", description="Property-based verification of deep-learning optimization theorems.")
    p.add_argument("--theorems", action="append", default=[], metavar="DIR", type=Path,
                   help="also load theorem files from DIR (repeatable)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ls = sub.add_parser("list", help="list registered claims")
    ls.add_argument("patterns", nargs="*", metavar="PATTERN")
    ls.add_argument("--json", action="store_true", help="print a JSON list of objects")

    sh = sub.add_parser("show", help="show one claim: statement, premises, citation, kind")
    sh.add_argument("claim")

    ve = sub.add_parser("verify", help="verify claims and write DIR/results.json")
    ve.add_argument("patterns", nargs="*", metavar="PATTERN", help="claim id, paper (du2019) or glob; default all")
    ve.add_argument("--profile", default="ci", help="ci (default), dev or thorough")
    ve.add_argument("--device", default=None, help="auto, cpu or cuda (default: the profile's)")
    ve.add_argument("--dtype", default="float64", help="float64 (default) or float32")
    ve.add_argument("--out", type=Path, default=None, metavar="DIR",
                    help="output folder (default reports/latest)")
    ve.add_argument("--resume", type=Path, default=None, metavar="DIR",
                    help="continue the run in DIR: keep its finished claims whose theorem file, profile and dtype "
                         "are unchanged, run the rest (missing, changed or crashed), write back to DIR")
    ve.add_argument("--workers", default="auto", metavar="N",
                    help="claims run in N processes at once (default auto: one per CPU core, 1 on a GPU)")
    ve.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                    help="run the claims on a Dask distributed cluster instead of local processes")
    ve.add_argument("--timeout", default=None, metavar="SECONDS",
                    help="hard wall-clock limit per claim (default: the profile's: ci 900, dev 3600, thorough "
                         "14400); a claim that reaches it is inconclusive with 'ran N of M examples', never verified")
    ve.add_argument("--report", action="store_true",
                    help="also write DIR/report.md and DIR/report.html (the exit status stays verify's)")
    ve.add_argument("--junit-xml", type=Path, default=None, metavar="PATH",
                    help="also write the verdicts as JUnit XML to PATH (one test case per item), for CI systems")

    rp = sub.add_parser("replay", help="run one example exactly (the reproduce command of a counterexample)")
    rp.add_argument("claim")
    rp.add_argument("--premises", required=True, help="JSON object of premises")
    rp.add_argument("--profile", default="ci")
    rp.add_argument("--device", default="cpu")
    rp.add_argument("--dtype", default="float64")

    rep = sub.add_parser("report", help="compile DIR/report.md (and .html) from DIR/results.json")
    rep.add_argument("dir", type=Path)
    rep.add_argument("--format", default="md,html", help="comma-separated: md, html (default both)")

    df = sub.add_parser("diff", help="what changed between two runs: flipped verdicts, moved slack")
    df.add_argument("before", type=Path, metavar="A")
    df.add_argument("after", type=Path, metavar="B")
    df.add_argument("--out", type=Path, default=None, help="also write the comparison to this Markdown file")
    df.add_argument("--exit-zero", action="store_true",
                    help="exit 0 even when a verdict flipped (for reports; by default a flip exits 1)")

    xp = sub.add_parser("experiment", help="run a paper's experiment at the paper's size (no ID: list them)")
    xp.add_argument("experiment", nargs="?", default=None, metavar="ID", help="e.g. du2019.section5")
    xp.add_argument("--size", default="paper", help="paper (default) or small (a quick smoke test)")
    xp.add_argument("--device", default="auto", help="auto (default), cpu or cuda")
    xp.add_argument("--dtype", default="float64", help="float64 (default) or float32")
    xp.add_argument("--out", type=Path, default=Path("reports/latest"), metavar="DIR",
                    help="output folder (default reports/latest); writes DIR/experiments/ID.json")
    xp.add_argument("--report", action="store_true", help="also (re)write DIR/report.md and DIR/report.html")

    nw = sub.add_parser("new", help="write a commented skeleton theorems/PAPER_ID.py")
    nw.add_argument("paper_id")
    nw.add_argument("--dir", type=Path, default=None, help="folder to write into (default: theorems/)")
    return p


def _claims(args: argparse.Namespace):
    from lemmata.verify.registry import load_claims

    return load_claims(args.theorems)


def _cmd_list(args: argparse.Namespace) -> int:
    from lemmata.verify.catalog import load_catalog
    from lemmata.verify.sources import match_ids

    items = load_catalog(args.theorems)
    chosen = [items[cid] for cid in match_ids({cid: e["paper"] for cid, e in items.items()}, args.patterns)]
    if args.json:
        print(json.dumps([{k: v for k, v in e.items() if k not in ("show", "where")} for e in chosen],
                         indent=1, ensure_ascii=False))
        return 0
    w = max((len(e["id"]) for e in chosen), default=10)
    print(f"{'claim':<{w}}  {'kind':<13}  citation")
    for e in chosen:
        tag = "" if e["role"] == "claim" else f" [{e['role']}]"
        print(f"{e['id']:<{w}}  {e['kind']:<13}  {e['where']} ({e['source']}){tag}")
    print(f"{len(chosen)} claims")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from lemmata.verify.catalog import load_catalog
    from lemmata.verify.sources import match_ids

    items = load_catalog(args.theorems)
    if args.claim not in items:
        match_ids({cid: e["paper"] for cid, e in items.items()}, [args.claim])  # raises UnknownClaimError
        raise UsageError(f"{args.claim!r} matches several claims; `lemmata show` takes one claim id")
    print("\n".join(items[args.claim]["show"]))
    return 0


class _ProgressLine:
    """Per-claim progress: a live line on a terminal, one line per claim otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.tty = sys.stderr.isatty()
        self.index = 0
        self.last = 0.0

    def start(self, index: int, claim_id: str) -> None:
        self.index = index
        self.claim = claim_id
        if self.tty:
            sys.stderr.write(f"\r[{index}/{self.total}] {claim_id} …\033[K")
            sys.stderr.flush()

    def __call__(self, event: dict[str, Any]) -> None:
        now = time.monotonic()
        if not self.tty or now - self.last < 0.2:
            return
        self.last = now
        gap = event.get("worst_gap")
        slack = "" if gap is None or not math.isfinite(gap) else f", worst slack {-gap:+.3g}"
        sys.stderr.write(f"\r[{self.index}/{self.total}] {self.claim}: {event['examples']}/{event['planned']} examples "
                         f"({event['phase']}){slack}, {event['elapsed']:.1f}s\033[K")
        sys.stderr.flush()

    def done(self, res: dict[str, Any]) -> None:
        slack = "" if res.get("worst_slack") is None else f", worst slack {res['worst_slack']:+.3g}"
        line = (f"[{self.index}/{self.total}] {VERDICT_MARK[res['verdict']]} {res['id']}: {res['verdict']} "
                f"({res['examples']} examples × {res['seeds_per_example']} seeds{slack}, {res['elapsed_s']:.1f}s)")
        sys.stderr.write(("\r" if self.tty else "") + line + ("\033[K" if self.tty else "") + "\n")
        sys.stderr.flush()


def _cmd_verify(args: argparse.Namespace) -> int:
    from lemmata.verify import example_log, junit, results
    from lemmata.verify.device import resolve_device, resolve_dtype
    from lemmata.verify.profiles import get_profile, parse_timeout
    from lemmata.verify.pool import cpu_budget, parse_workers
    from lemmata.verify.registry import select, spec_hash
    from lemmata.verify.runner import run_claim

    timeout_s = parse_timeout(args.timeout)
    profile = get_profile(args.profile).with_timeout(timeout_s)
    if args.scheduler is not None:  # each Dask worker resolves the device itself
        import torch

        device, device_name = torch.device("cpu"), f"per Dask worker (--device {args.device or profile.default_device})"
    else:
        device, device_name = resolve_device(args.device or profile.default_device)
    dtype = resolve_dtype(args.dtype)
    registered = _claims(args)
    chosen = select(registered, args.patterns)
    coverage = _coverage(registered, args.theorems, {c.paper for c in chosen})
    if args.resume is not None and args.out is not None and args.out.resolve() != args.resume.resolve():
        raise UsageError(f"--resume {args.resume} writes back to {args.resume}; drop --out {args.out}")
    out: Path = args.resume or args.out or Path("reports/latest")
    results.check_writable(out, flag="--resume" if args.resume is not None else "--out")
    if args.junit_xml is not None:
        results.check_writable(args.junit_xml.parent, flag="--junit-xml")
        if args.junit_xml.is_dir():
            raise UsageError(f"--junit-xml {args.junit_xml} is a folder; give a file path such as {args.junit_xml}/lemmata.xml")
    prov = results.provenance(device=str(device), device_name=device_name, dtype=args.dtype,
                              profile=profile.name, command=results.command_line(args.argv))
    done: list[dict[str, Any]] = []
    order = {cid: i for i, cid in enumerate(registered)}  # results are listed in registry order
    if args.resume is not None:
        done, chosen = _resume(args.resume, chosen, registered, profile=profile.name, dtype=args.dtype,
                               spec_hash=spec_hash)
        prov["resumed_from"] = str(args.resume)
    progress = _ProgressLine(len(chosen))
    status = 0
    workers = parse_workers(args.workers, n_claims=max(1, len(chosen)), device=args.device or profile.default_device)
    for r in done:
        order.setdefault(r["id"], len(order))
    cli_prefix = ["lemmata", *(x for d in args.theorems for x in ("--theorems", str(d)))]

    if args.resume is not None:
        example_log.keep_only(out, [r["id"] for r in done])
    else:
        example_log.start(out)
    encoded: dict[str, tuple[int, str]] = {}  # each finished claim's record, encoded once (results.save)
    # results.json and examples.jsonl in step from the start: a run that dies before its first claim finishes must
    # not leave an earlier run's results beside an emptied example log (a later --resume would keep them rowless)
    results.save(out, prov, done, coverage, cache=encoded)

    def finished(res: dict[str, Any]) -> None:
        example_log.append(out, res.pop("example_rows", []))
        # per-claim provenance, so results kept by a later --resume still say where they came from
        res.setdefault("run", {"git_commit": prov.get("git_commit"), "git_dirty": prov.get("git_dirty"),
                               "device": prov.get("device_name"), "finished": results.now()})
        done.append(res)
        done.sort(key=lambda r: order[r["id"]])
        results.save(out, prov, done, coverage, cache=encoded)

    try:
        if not chosen:
            pass
        elif args.scheduler is None and (workers == 1 or len(chosen) == 1):
            for i, claim in enumerate(chosen, 1):
                progress.start(i, claim.id)
                res = run_claim(claim, profile=profile, device=device, device_name=str(device.type),
                                dtype=dtype, progress=progress, spec_hash=spec_hash(claim), cli_prefix=cli_prefix)
                progress.done(res.to_json())
                finished(res.to_json())
        else:
            from lemmata.verify.pool import PoolJob, run_parallel
            from lemmata.verify.runner import unfinished_result

            prov["workers"] = workers
            job = PoolJob(theorems=tuple(str(Path(t).resolve()) for t in args.theorems), profile=profile.name,
                          device=(args.device or profile.default_device) if args.scheduler else str(device),
                          dtype=args.dtype, threads=0 if args.scheduler else max(1, cpu_budget() // workers),
                          cli_prefix=tuple(cli_prefix), timeout_s=timeout_s)
            sys.stderr.write(f"running {len(chosen)} claims on " + (f"the Dask cluster at {args.scheduler}\n"
                             if args.scheduler else f"{workers} worker processes ({job.threads} torch thread"
                             f"{'s' if job.threads > 1 else ''} each)\n"))

            def parallel_done(res: dict[str, Any]) -> None:
                progress.index += 1
                progress.done(res)
                finished(res)

            def crashed(claim_id: str) -> dict[str, Any]:
                c = next(c for c in chosen if c.id == claim_id)
                return unfinished_result(
                    c, profile=profile, spec_hash=spec_hash(c), device_name=str(device.type),
                    reason="the process running this claim died (killed, out of memory or crashed), also when retried; "
                           f"run it alone with `lemmata verify {claim_id} --workers 1` to see why").to_json() | {"crashed": True}

            def errored(claim_id: str, message: str) -> dict[str, Any]:
                c = next(c for c in chosen if c.id == claim_id)
                return unfinished_result(c, profile=profile, spec_hash=spec_hash(c), device_name=str(device.type),
                                         reason=message).to_json() | {"crashed": True}

            if args.scheduler is not None:
                from lemmata.verify.pool import run_dask

                prov["scheduler"] = args.scheduler
                run_dask([c.id for c in chosen], job, address=args.scheduler, on_done=parallel_done,
                         on_crash=crashed, on_error=errored)
            else:
                run_parallel([c.id for c in chosen], job, workers=workers, on_done=parallel_done, on_crash=crashed,
                             on_error=errored)
    except KeyboardInterrupt:
        prov["finished"] = results.now()
        prov["interrupted"] = True
        results.save(out, prov, done, coverage, cache=encoded)
        if args.junit_xml is not None:
            junit.write(args.junit_xml, done)
        sys.stderr.write(f"\ninterrupted: {len(done)} finished claims kept in {out / results.RESULTS_NAME}\n")
        return 130
    prov["finished"] = results.now()
    path = results.save(out, prov, done, coverage, cache=encoded)
    if args.junit_xml is not None:
        junit.write(args.junit_xml, done)
        print(f"wrote {args.junit_xml}")
    counts: dict[str, int] = {}
    for r in done:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
        if r["verdict"] in ("refuted", "inconclusive"):
            status = max(status, 1)
        if r["verdict"] == "invalid":
            status = 3
    _summary(done)
    print(f"{', '.join(f'{v} {k}' for k, v in counts.items())}; results in {path}")
    if args.report:
        from lemmata.verify.report import write_report

        try:
            for written in write_report(out):
                print(f"wrote {written}")
        except LemmataError as err:  # the exit status stays verify's; the report can be written later
            sys.stderr.write(f"lemmata: warning: the report was not written: {str(err).splitlines()[0]}\n")
    else:
        print(f"next: lemmata report {out}")
    return status


def _coverage(registered: dict, theorems: Sequence[Path], papers: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The coverage maps (``COVERAGE`` of each theorem module) of the papers being verified, for results.json."""
    from dataclasses import asdict

    from lemmata.verify.registry import load_coverage

    return {paper: [asdict(e) for e in entries]
            for paper, entries in load_coverage(registered, theorems).items() if paper in papers}


def _resume(folder: Path, chosen: list, registered: dict, *, profile: str, dtype: str,
            spec_hash) -> tuple[list[dict[str, Any]], list]:
    """(results kept from ``folder``, claims still to run).

    A result is kept when its claim is still registered, its theorem file is unchanged (same spec
    hash, checked for every kept claim, selected or not), it did not crash, and the earlier run used
    the same profile and dtype. Everything else is dropped, and the chosen claims among it re-run.
    """
    from lemmata.verify import results

    if not (folder / results.RESULTS_NAME).is_file():
        raise UsageError(f"--resume {folder}: there is no {results.RESULTS_NAME} to resume; start with --out {folder}")
    doc = results.load(folder)
    prev = doc["provenance"]
    if prev.get("profile") != profile or prev.get("dtype") != dtype:
        raise UsageError(f"--resume {folder}: that run used --profile {prev.get('profile')} --dtype {prev.get('dtype')}; "
                         "resume with the same options or write to a new --out")
    kept, dropped = [], []
    for r in doc["claims"]:
        claim = registered.get(r["id"])
        fresh = claim is not None and r.get("spec_hash") == spec_hash(claim) and not r.get("crashed")
        if fresh:
            r.setdefault("run", {"git_commit": prev.get("git_commit"), "git_dirty": prev.get("git_dirty"),
                                 "device": prev.get("device_name"), "finished": prev.get("finished")})
            kept.append(r)
        else:
            dropped.append(r["id"])
    kept_ids = {r["id"] for r in kept}
    todo = [c for c in chosen if c.id not in kept_ids]
    rerun = sum(1 for c in todo if c.id in dropped)
    unselected = [cid for cid in dropped if cid not in {c.id for c in chosen}]
    sys.stderr.write(f"resuming {folder}: {len(kept)} results kept, {len(todo)} claims to run "
                     f"({rerun} changed or crashed, {len(todo) - rerun} missing)"
                     + (f"; {len(unselected)} stale results of unselected or unregistered claims dropped "
                        f"({', '.join(unselected[:3])}{', …' if len(unselected) > 3 else ''})" if unselected else "")
                     + "\n")
    return kept, todo


def _summary(done: list[dict[str, Any]]) -> None:
    if not done:
        return
    w = max(len(r["id"]) for r in done)
    print(f"\n{'claim':<{w}}  {'verdict':<12}  {'kind':<13}  {'examples×seeds':>14}  {'worst slack':>11}  time")
    for r in done:
        slack = "" if r["worst_slack"] is None else f"{r['worst_slack']:+.3g}"
        print(f"{r['id']:<{w}}  {r['verdict']:<12}  {r['kind']:<13}  "
              f"{str(r['examples']) + '×' + str(r['seeds_per_example']):>14}  {slack:>11}  {r['elapsed_s']:.1f}s")
        if r["verdict"] in ("refuted", "inconclusive", "invalid"):
            print(f"{'':<{w}}  ↳ {r['reason']}")
            if r.get("reproduce"):
                print(f"{'':<{w}}  ↳ reproduce: {r['reproduce']}")
    print()


def _cmd_replay(args: argparse.Namespace) -> int:
    from lemmata.verify.device import resolve_device, resolve_dtype
    from lemmata.verify.profiles import get_profile
    from lemmata.verify.registry import select
    from lemmata.verify.runner import replay

    claims = _claims(args)
    if args.claim not in claims:
        select(claims, [args.claim])
        raise UsageError(f"replay takes one claim id, got {args.claim!r}")
    try:
        premises = json.loads(args.premises)
    except json.JSONDecodeError as err:
        raise UsageError(f"--premises is not valid JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(premises, dict):
        raise UsageError("--premises must be a JSON object such as '{\"n\": 4, \"seed\": 0}'")
    profile = get_profile(args.profile)
    device, _ = resolve_device(args.device)
    claim = claims[args.claim]
    rec = replay(claim, premises, profile=profile, device=device, dtype=resolve_dtype(args.dtype))
    from lemmata.verify.results import encode_nonfinite

    # strict JSON like the files: a non-finite number is null and named in 'nonfinite'
    shown, flags = encode_nonfinite(json.loads(json.dumps(
        {"claim": claim.id, "premises": rec.premises, "decision": rec.decision, "failed_seeds": rec.failed_seeds,
         "seeds": rec.seeds_run, "batches": rec.batches, "failing_seeds": rec.failing_seeds, "interval": rec.interval,
         "worst": rec.detail, "sizes": rec.sizes}, default=str)))
    print(json.dumps({**shown, "nonfinite": flags}, indent=1, allow_nan=False))
    failed = rec.decision == "fail"
    print(f"{claim.id}: the conclusion {'FAILED' if failed else 'held'} on this example "
          f"({rec.failed_seeds} of {rec.seeds_run} seeds failed; decision {rec.decision})")
    return 1 if failed else 0


def _cmd_report(args: argparse.Namespace) -> int:
    from lemmata.verify.report import write_report

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("md", "html")]
    if bad or not formats:
        raise UsageError(f"unknown --format={args.format!r}; use md, html or md,html")
    for path in write_report(args.dir, formats=formats):
        print(f"wrote {path}")
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from lemmata.verify.compare import compare, render
    from lemmata.verify.results import write_atomic

    diff = compare(args.before, args.after)
    text = render(diff, args.before, args.after)
    print(text, end="")
    if args.out is not None:
        write_atomic(args.out, text)
    return 1 if diff["flipped"] and not args.exit_zero else 0


def _cmd_experiment(args: argparse.Namespace) -> int:
    from lemmata.verify import results
    from lemmata.verify.device import resolve_device, resolve_dtype
    from lemmata.verify.experiment import find, run_experiment
    from lemmata.verify.registry import load_experiments

    experiments = load_experiments(args.theorems)
    if args.experiment is None:
        for x in experiments.values():
            print(f"{x.id}  {x.title}")
        print(f"{len(experiments)} experiments; run one with `lemmata experiment ID --out DIR`")
        return 0
    if args.size not in ("paper", "small"):
        raise UsageError(f"unknown --size={args.size!r}; choose paper or small")
    exp = find(experiments, args.experiment)
    device, device_name = resolve_device(args.device)
    dtype = resolve_dtype(args.dtype)
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder; choose another path")
    prov = results.provenance(device=str(device), device_name=device_name, dtype=args.dtype,
                              profile=f"experiment ({args.size})", command=results.command_line(args.argv))
    t0 = time.monotonic()

    def progress(message: str) -> None:
        sys.stderr.write(f"[{time.monotonic() - t0:7.1f}s] {exp.id}: {message}\n")
        sys.stderr.flush()

    try:
        path = run_experiment(exp, out_dir=out, device=device, dtype=dtype, size=args.size, prov=prov,
                              progress=progress)
    except KeyboardInterrupt:
        sys.stderr.write(f"\ninterrupted: the finished parts of {exp.id} are kept under {out}/experiments/\n")
        return 130
    print(f"{exp.id}: done in {time.monotonic() - t0:.1f}s; results in {path}")
    if args.report:
        from lemmata.verify.report import write_report

        for written in write_report(out):
            print(f"wrote {written}")
    else:
        print(f"next: lemmata report {out}")
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from lemmata.verify.scaffold import new_theorem_file

    path = new_theorem_file(args.paper_id, folder=args.dir)
    print(f"wrote {path}; edit it, then run `lemmata verify {args.paper_id}`")
    return 0


COMMANDS = {"list": _cmd_list, "show": _cmd_show, "verify": _cmd_verify, "replay": _cmd_replay,
            "report": _cmd_report, "diff": _cmd_diff, "new": _cmd_new, "experiment": _cmd_experiment}


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a batch system's stop, a closed terminal's hang-up) handled like Ctrl-C: the finished claims
    are saved with ``interrupted`` set and the worker processes are terminated, not left running as orphans. (A
    background job of a non-interactive shell ignores SIGINT, so there SIGTERM is the only polite stop.)"""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # signal handlers live in the main thread only
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    args.argv = argv
    try:
        with _terminate_as_interrupt():
            return COMMANDS[args.command](args)
    except LemmataError as err:
        msg = str(err).splitlines()[0] if str(err) else type(err).__name__
        sys.stderr.write(f"lemmata: error: {msg}\n")
        return err.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("lemmata: interrupted\n")
        return 130
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
