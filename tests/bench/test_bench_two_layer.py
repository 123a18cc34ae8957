"""Benchmarks of impl.two_layer (Du et al. 2019): one GD step and a whole trajectory, reference and
fast kernels, batched over seeds and one seed at a time; the Gram and eigenvalue computations.

Flop counts (written next to each benchmark): a GD step is two GEMMs, Z = XWᵀ and (1{Z ≥ 0}e)ᵀX,
each 2·S·n·m·d, so 4·S·n·m·d per step (elementwise work, O(S·n·m), is not counted: the ratio to
the GEMM peak is what the elementwise passes cost).
"""

from __future__ import annotations

import pytest
import torch

from lemmata.impl import two_layer as tl

pytestmark = pytest.mark.bench

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])

SIZES = {  # (n, d, m)
    "small": (16, 16, 256),
    "medium": (64, 64, 1024),
    "large": (256, 256, 4096),
    "paper": (1000, 1000, 4096),
}
KERNELS = {"reference": tl.gd_trajectory, "fast": tl.gd_trajectory_fast}


def _problem(n: int, d: int, m: int, S: int, device: str):
    g = torch.Generator().manual_seed(0)
    X = tl.sphere_inputs(n, d, generator=g, device=device)
    y = tl.bounded_labels(n, generator=g, device=device)
    W, a = tl.init_weights(m, d, list(range(S)), device=device)
    return X, y, W, a


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kernel", list(KERNELS))
@pytest.mark.parametrize("size", list(SIZES))
def test_gd_step(measure, device: str, kernel: str, size: str) -> None:
    """One GD step (a trajectory of one step: two forward passes and one update), one seed."""
    n, d, m = SIZES[size]
    X, y, W, a = _problem(n, d, m, 1, device)
    fn = KERNELS[kernel]
    flops = 4.0 * n * m * d + 2.0 * n * m * d  # one step + the final forward pass of the record
    measure(lambda: fn(W, a, X, y, eta=0.1, steps=1), flops=flops, device=device,
            rounds=5 if size == "paper" else None)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kernel", list(KERNELS))
@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_gd_trajectory(measure, device: str, kernel: str, size: str) -> None:
    """A whole trajectory of 50 GD steps, one seed."""
    n, d, m = SIZES[size]
    X, y, W, a = _problem(n, d, m, 1, device)
    fn, steps = KERNELS[kernel], 50
    measure(lambda: fn(W, a, X, y, eta=0.1, steps=steps), flops=4.0 * n * m * d * steps + 2.0 * n * m * d,
            device=device, rounds=3 if size == "large" else None)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("variant", ["batched", "looped"])
@pytest.mark.parametrize(("S", "n", "d", "m"), [(16, 16, 16, 256), (16, 32, 32, 1024), (8, 64, 64, 1024)])
def test_seeds_batched_against_looped(measure, device: str, variant: str, S: int, n: int, d: int, m: int) -> None:
    """S seeds × 20 steps as one batched program against S single-seed runs (the same work)."""
    X, y, W, a = _problem(n, d, m, S, device)
    steps = 20
    if variant == "batched":
        def run() -> None:
            tl.gd_trajectory_fast(W, a, X, y, eta=0.1, steps=steps)
    else:
        singles = [(W[s:s + 1].clone(), a[s:s + 1].clone()) for s in range(S)]

        def run() -> None:
            for Ws, as_ in singles:
                tl.gd_trajectory_fast(Ws, as_, X, y, eta=0.1, steps=steps)
    measure(run, flops=4.0 * S * n * m * d * steps + 2.0 * S * n * m * d, device=device,
            pair=f"two-layer GD, S={S}, n={n}, d={d}, m={m}, {device}", variant=variant)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n", [16, 64, 256, 1000])
def test_gram_infinity_and_lambda_min(measure, device: str, n: int) -> None:
    """H^∞ (one n×n×d GEMM for the inner products, 2n²d) and its eigenvalues (≈ 4n³/3 + O(n²) flops
    for the tridiagonal reduction that dominates eigvalsh)."""
    g = torch.Generator().manual_seed(0)
    X = tl.sphere_inputs(n, n, generator=g, device=device)
    measure(lambda: torch.linalg.eigvalsh(tl.gram_infinity(X)), flops=2.0 * n**3 + 4.0 * n**3 / 3, device=device)
