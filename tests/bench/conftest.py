"""Shared machinery of the benchmark tier (run on demand: ``pytest tests/bench --benchmark-only``).

Every benchmark states its flop count next to the code it times; ``measure`` turns the measured
mean time into GFLOP/s and divides by the machine's own GEMM peak measured in the same session
(float64 and float32, per device), so the *ratio to peak* is what is compared across machines.
At the end of the session a table of every benchmark (time, GFLOP/s, peak, ratio) and of every
batched-against-looped pair (the speedup of running S seeds or games as one tensor program) is
printed. Nothing here asserts a speed: speed is measured, never a test outcome.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import pytest
import torch

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def sync(device: str) -> None:
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


@dataclass
class Row:
    name: str
    device: str
    dtype: str
    seconds: float
    gflops: float | None
    peak: float | None
    pair: str | None
    variant: str | None


_ROWS: list[Row] = []
_PEAKS: dict[tuple[str, str], float] = {}


def gemm_peak(device: str, dtype: torch.dtype = torch.float64, size: int = 2048) -> float:
    """Best-of-5 GFLOP/s of a size³ matmul on ``device`` (measured once per session)."""
    key = (device, str(dtype).replace("torch.", ""))
    if key not in _PEAKS:
        a = torch.randn(size, size, dtype=dtype, device=device)
        a @ a  # warm-up (thread pool, cuBLAS handle)
        best = float("inf")
        for _ in range(5):
            sync(device)
            t = time.perf_counter()
            a @ a
            sync(device)
            best = min(best, time.perf_counter() - t)
        _PEAKS[key] = 2 * size**3 / best / 1e9
    return _PEAKS[key]


@pytest.fixture(scope="session", name="gemm_peak")
def gemm_peak_fixture() -> dict[str, float]:
    """Measured float64 GEMM GFLOP/s per available device."""
    return {device: gemm_peak(device) for device in DEVICES}


@pytest.fixture
def measure(benchmark, request) -> Callable[..., None]:
    """``measure(fn, flops=..., device=..., dtype=..., rounds=None, pair=None, variant=None)``.

    Times ``fn`` with pytest-benchmark (``rounds`` fixed rounds via pedantic mode for slow cases),
    stores GFLOP/s, the GEMM peak and their ratio in ``benchmark.extra_info`` and in the session
    table. ``pair``/``variant`` ("batched"/"looped") link two benchmarks whose speedup is reported.
    """

    def run(fn: Callable[[], Any], *, flops: float | None, device: str, dtype: torch.dtype = torch.float64,
            rounds: int | None = None, pair: str | None = None, variant: str | None = None) -> None:
        def timed() -> None:
            fn()
            sync(device)

        if rounds is None:
            benchmark(timed)
        else:
            benchmark.pedantic(timed, rounds=rounds, iterations=1, warmup_rounds=1)
        mean = benchmark.stats.stats.mean
        peak = gemm_peak(device, dtype)
        gflops = None if flops is None else flops / mean / 1e9
        benchmark.extra_info.update({"gflops": gflops, "gemm_peak_gflops": peak,
                                     "fraction_of_peak": None if gflops is None else gflops / peak,
                                     "flops": flops, "pair": pair, "variant": variant})
        _ROWS.append(Row(request.node.name, device, str(dtype).replace("torch.", ""), mean, gflops, peak, pair,
                         variant))

    return run


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    if not _ROWS:
        return
    tr = terminalreporter
    tr.section("lemmata benchmarks: achieved GFLOP/s against this machine's measured GEMM peak")
    for (device, dtype), peak in sorted(_PEAKS.items()):
        tr.write_line(f"GEMM peak ({device}, {dtype}, 2048³ matmul): {peak:.1f} GFLOP/s")
    w = max(len(r.name) for r in _ROWS)
    tr.write_line(f"{'benchmark':<{w}}  {'device':<6}  {'mean time':>11}  {'GFLOP/s':>8}  {'of peak':>7}")
    for r in _ROWS:
        g = "" if r.gflops is None else f"{r.gflops:8.2f}"
        f = "" if r.gflops is None or not r.peak else f"{100 * r.gflops / r.peak:6.1f}%"
        tr.write_line(f"{r.name:<{w}}  {r.device:<6}  {r.seconds * 1e3:9.3f}ms  {g:>8}  {f:>7}")
    pairs: dict[str, dict[str, Row]] = {}
    for r in _ROWS:
        if r.pair and r.variant:
            pairs.setdefault(r.pair, {})[r.variant] = r
    shown = [(k, v) for k, v in pairs.items() if {"batched", "looped"} <= set(v)]
    if shown:
        tr.write_line("")
        tr.write_line("batched against one at a time (same work): speedup = looped time / batched time")
        for key, v in shown:
            tr.write_line(f"  {key}: {v['looped'].seconds / v['batched'].seconds:.1f}×")
