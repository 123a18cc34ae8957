"""pytest-benchmark timings for impl.two_layer (run on demand: `pytest tests/bench --benchmark-only`).

Each benchmark stores achieved GFLOP/s (from the flop count written next to it) and the machine's
own float64 GEMM peak measured in the same session, so the ratio to peak is what is compared
across machines. Nothing here asserts a speed.
"""

from __future__ import annotations

import time

import pytest
import torch

from impl import two_layer as tl

pytestmark = pytest.mark.bench

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


@pytest.fixture(scope="session")
def gemm_peak() -> dict[str, float]:
    """Measured float64 GEMM GFLOP/s per device (best of 5 runs of a 1024³ matmul)."""
    out = {}
    for device in DEVICES:
        a = torch.randn(1024, 1024, dtype=torch.float64, device=device)
        best = float("inf")
        for _ in range(5):
            _sync(device)
            t = time.perf_counter()
            a @ a
            _sync(device)
            best = min(best, time.perf_counter() - t)
        out[device] = 2 * 1024**3 / best / 1e9
    return out


def _gd_step_flops(S: int, n: int, m: int, d: int) -> float:
    # forward X W^T (2Snmd), backward coef^T X (2Snmd), plus O(Snm) elementwise: ≈ 4·S·n·m·d
    return 4.0 * S * n * m * d


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(("S", "n", "m", "d"), [(1, 16, 256, 16), (16, 16, 256, 16), (16, 16, 1024, 16),
                                                 (1, 64, 4096, 64), (8, 64, 4096, 64)])
def test_gd_steps(benchmark, gemm_peak, device: str, S: int, n: int, m: int, d: int) -> None:
    g = torch.Generator().manual_seed(0)
    X = tl.sphere_inputs(n, d, generator=g, device=device)
    y = tl.bounded_labels(n, generator=g, device=device)
    W, a = tl.init_weights(m, d, list(range(S)), device=device)
    steps = 20

    def run() -> None:
        tl.gd_trajectory(W, a, X, y, eta=0.1, steps=steps)
        _sync(device)

    benchmark(run)
    gflops = _gd_step_flops(S, n, m, d) * steps / benchmark.stats.stats.mean / 1e9
    benchmark.extra_info.update({"gflops": gflops, "gemm_peak_gflops": gemm_peak[device],
                                 "fraction_of_peak": gflops / gemm_peak[device]})


@pytest.mark.parametrize("n", [16, 64, 256])
def test_gram_and_eigenvalue(benchmark, n: int) -> None:
    g = torch.Generator().manual_seed(0)
    X = tl.sphere_inputs(n, n, generator=g)
    benchmark(lambda: torch.linalg.eigvalsh(tl.gram_infinity(X)))
