"""Claims in parallel: a local process pool, one claim per task.

The Hypothesis search inside a claim stays serial (its examples depend on each other through
``target`` and shrinking); independent claims run in separate processes. Workers are started
with the ``spawn`` method, so no worker inherits the parent's CUDA state (each resolves its own
device; the parent only asks whether CUDA is present and for the device's name). Every worker loads the claims itself
from ``theorems/`` and any extra folders, runs one claim and sends back its JSON result, with
the worker's process id and device as provenance. Workers ignore Ctrl-C; the parent catches it,
terminates them, and keeps every claim that finished.
"""

from __future__ import annotations

import os
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Sequence

from lemmata.verify.errors import UsageError

_WORKER: dict[str, Any] = {}


@dataclass(frozen=True)
class PoolJob:
    """What every worker needs to run any claim of the selection."""

    theorems: tuple[str, ...]
    profile: str
    device: str
    dtype: str
    threads: int  # torch threads per worker; 0 leaves the worker's own setting
    cli_prefix: tuple[str, ...]
    timeout_s: float | None = None  # --timeout: replaces the profile's per-claim hard limit


def cpu_budget() -> int:
    """The threads this process may use: torch's own count (it honours OMP_NUM_THREADS), capped by
    the CPUs this process is allowed to run on (a container's affinity, not the host's core count)."""
    import torch

    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    return max(1, min(torch.get_num_threads(), usable))


def default_workers(n_claims: int, device: str) -> int:
    """One worker per usable core on the CPU (at most 8, at most one per claim); one on a GPU."""
    if device.startswith("cuda") or device == "auto" and _cuda_visible():
        return 1
    return max(1, min(cpu_budget(), 8, n_claims))


def _cuda_visible() -> bool:
    import torch

    return torch.cuda.is_available()


def parse_workers(text: str, *, n_claims: int, device: str) -> int:
    """``--workers auto|N`` → a worker count ≥ 1, or :class:`UsageError` naming the fix."""
    if text == "auto":
        return default_workers(n_claims, device)
    try:
        n = int(text)
    except ValueError:
        raise UsageError(f"--workers={text!r}: expected a positive integer or 'auto'") from None
    if n < 1:
        raise UsageError(f"--workers={n}: expected at least 1")
    return n


class WorkerError(Exception):
    """A worker could not run a claim (its setup failed, or the claim raised outside the engine)."""


def _init_worker(job: PoolJob) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and terminates us
    _setup(job)


def _setup(job: PoolJob) -> None:
    _WORKER.clear()
    _WORKER["job"] = job
    try:
        import torch

        if job.threads > 0:  # 0: leave the process's own setting (Dask workers manage their threads)
            torch.set_num_threads(job.threads)
        from lemmata.verify.device import resolve_device, resolve_dtype
        from lemmata.verify.profiles import get_profile
        from lemmata.verify.registry import load_claims

        device, _ = resolve_device(job.device)
        _WORKER.update(claims=load_claims([Path(t) for t in job.theorems]), profile=get_profile(job.profile).with_timeout(job.timeout_s),
                       device=device, dtype=resolve_dtype(job.dtype))
    except Exception as err:  # reported per claim by _run_one: a setup failure is not a crash
        _WORKER["setup_error"] = f"{type(err).__name__}: {err}"


def _run_one(claim_id: str) -> dict[str, Any]:
    from lemmata.verify.registry import spec_hash
    from lemmata.verify.runner import run_claim

    if "setup_error" in _WORKER:
        raise WorkerError(f"the worker process could not load the claims: {_WORKER['setup_error']}")
    if claim_id not in _WORKER["claims"]:
        raise WorkerError(f"{claim_id} is not registered in the worker process (was its theorem file changed "
                          "during the run?)")
    claim = _WORKER["claims"][claim_id]
    res = run_claim(claim, profile=_WORKER["profile"], device=_WORKER["device"],
                    device_name=str(_WORKER["device"].type), dtype=_WORKER["dtype"], spec_hash=spec_hash(claim),
                    cli_prefix=list(_WORKER["job"].cli_prefix)).to_json()
    res["worker"] = {"pid": os.getpid(), "device": str(_WORKER["device"]), "threads": _WORKER["job"].threads}
    return res


def _executor(n: int, job: PoolJob) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn"), initializer=_init_worker,
                               initargs=(job,))


def run_parallel(claim_ids: Sequence[str], job: PoolJob, *, workers: int,
                 on_done: Callable[[dict[str, Any]], None],
                 on_crash: Callable[[str], dict[str, Any]],
                 on_error: Callable[[str, str], dict[str, Any]]) -> None:
    """Run ``claim_ids`` on ``workers`` processes; call ``on_done(result)`` in the parent as each finishes.

    A claim whose task raised (other than by the process dying) is recorded as
    ``on_error(claim_id, message)`` (an inconclusive result); the run goes on.

    A worker process that dies (killed, out of memory, a segfault) breaks every task of its pool, and
    which claim killed it cannot be told. So the claims left unfinished are retried once, each in a
    process of its own (still ``workers`` at a time); a claim whose own process dies is reported as
    ``on_crash(claim_id)`` (an inconclusive result). KeyboardInterrupt propagates after the workers
    are terminated; what ``on_done`` received is the caller's to keep.
    """
    ex = _executor(min(workers, len(claim_ids)), job)
    broken: list[str] = []
    try:
        futures = {ex.submit(_run_one, cid): cid for cid in claim_ids}
        for fut in _as_completed(futures):
            try:
                result = fut.result()
            except BrokenProcessPool:
                broken.append(futures[fut])
                continue
            except Exception as err:
                result = on_error(futures[fut], f"{type(err).__name__}: {err}")
            on_done(result)
    except BaseException:
        _terminate([ex])
        raise
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
    if broken:
        sys.stderr.write(f"a worker process died; retrying its {len(broken)} unfinished claims, each in a process "
                         "of its own\n")
        _run_isolated(sorted(broken, key=list(claim_ids).index), job, workers=workers, on_done=on_done,
                      on_crash=on_crash, on_error=on_error)


def _as_completed(futures: dict[Future, str]):
    not_done = set(futures)
    while not_done:
        finished, not_done = wait(not_done, return_when=FIRST_COMPLETED)
        yield from finished


def _run_isolated(claim_ids: Sequence[str], job: PoolJob, *, workers: int,
                  on_done: Callable[[dict[str, Any]], None], on_crash: Callable[[str], dict[str, Any]],
                  on_error: Callable[[str, str], dict[str, Any]]) -> None:
    """Each claim in its own single-process pool, ``workers`` pools at a time: a crash is the claim's own."""
    waiting = list(claim_ids)
    running: dict[Future, tuple[str, ProcessPoolExecutor]] = {}
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                cid = waiting.pop(0)
                ex = _executor(1, job)
                running[ex.submit(_run_one, cid)] = (cid, ex)
            finished, _ = wait(set(running), return_when=FIRST_COMPLETED)
            for fut in finished:
                cid, ex = running.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    result = on_crash(cid)
                except Exception as err:
                    result = on_error(cid, f"{type(err).__name__}: {err}")
                ex.shutdown(wait=True)
                on_done(result)
    except BaseException:
        _terminate([ex for _, ex in running.values()])
        raise


def _terminate(executors: Sequence[ProcessPoolExecutor]) -> None:
    # ProcessPoolExecutor has no public terminate before Python 3.14; the workers ignore SIGINT
    for ex in executors:
        for proc in list((getattr(ex, "_processes", None) or {}).values()):
            if proc.is_alive():
                proc.terminate()
        ex.shutdown(wait=False, cancel_futures=True)


# ---------------------------------------------------------------------------------------------
# Dask distributed: the same unit of work (one claim) submitted to an existing cluster
# ---------------------------------------------------------------------------------------------

def _dask_task(job: PoolJob, claim_id: str) -> dict[str, Any]:
    """Runs on a Dask worker: load the claims once per worker process and job, then run one claim."""
    if _WORKER.get("job") != job:
        _setup(job)
    result = _run_one(claim_id)
    try:
        from distributed import get_worker

        result["worker"]["dask_worker"] = get_worker().address
    except (ImportError, ValueError):
        pass
    return result


def run_dask(claim_ids: Sequence[str], job: PoolJob, *, address: str,
             on_done: Callable[[dict[str, Any]], None], on_crash: Callable[[str], dict[str, Any]],
             on_error: Callable[[str, str], dict[str, Any]]) -> None:
    """Submit one task per claim to the Dask scheduler at ``address``; ``on_done`` as each finishes.

    Each worker resolves the device itself (``--device auto`` picks CUDA where a worker has it).
    A task whose worker dies is rescheduled by Dask on another worker; once the scheduler gives up
    (``KilledWorker``, after ``distributed.scheduler.allowed-failures`` deaths) the claim is run once more
    after all the others, alone, and reported through ``on_crash`` if that kills its worker too. Other
    exceptions are reported through ``on_error``; the run goes on.
    """
    try:
        from distributed import Client, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise UsageError("--scheduler needs dask.distributed: pip install 'lemmata[dask]' (or pip install "
                         "distributed)") from None
    try:
        client = Client(address, timeout=os.environ.get("LEMMATA_DASK_TIMEOUT", "20s"))
    except (OSError, TimeoutError) as err:
        raise UsageError(f"--scheduler {address}: cannot reach a Dask scheduler there ({err}); start one with "
                         "`dask scheduler` and workers with `dask worker ADDRESS`") from None
    futures: dict[Any, str] = {}
    deferred: list[str] = []
    try:
        for cid in claim_ids:
            futures[client.submit(_dask_task, job, cid, pure=False)] = cid
        for fut in as_completed(list(futures)):
            cid = futures[fut]
            try:
                result = fut.result()
            except KilledWorker:
                # the scheduler blames every task queued on a dying worker, so an innocent claim can be caught in
                # another's crash: run it again once the rest has finished, alone, where only its own crash can
                # kill it (resubmitting at once could put it beside the culprit's retry and blame it again)
                deferred.append(cid)
                continue
            except Exception as err:
                result = on_error(cid, f"{type(err).__name__}: {err}")
            on_done(result)
        for cid in deferred:
            again = client.submit(_dask_task, job, cid, pure=False)
            futures[again] = cid
            try:
                result = again.result()
            except KilledWorker:
                result = on_crash(cid)
            except Exception as err:
                result = on_error(cid, f"{type(err).__name__}: {err}")
            on_done(result)
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        client.close()
