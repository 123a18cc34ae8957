"""Benchmarks of impl.implicit (Gao & Gao 2022) and impl.linear_resnet (Zou et al. 2020).

Flop counts: an equilibrium iteration of z ↦ relu(Bz + φ) is one (m × m)·(m × N) GEMM per seed,
2·S·m²·N, times the iterations the solver reports (Anderson's small least-squares solves are not
counted); a GD step on the implicit net adds the adjoint solve (direct: S·N·(2/3)m³ for the LU, the
count used here) and the gradient GEMM 2·S·m²·N. A deep linear ResNet step with L layers of width m
and n samples: the forward pass is L GEMMs of 2·m²·n, the backward pass 2L more (δ propagation and
the gradient outer products), 6·S·L·m²·n in all.
"""

from __future__ import annotations

import pytest
import torch

from lemmata.impl import implicit as im
from lemmata.impl import linear_resnet as lr
from lemmata.impl import two_layer as tl

pytestmark = pytest.mark.bench

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("method", ["picard", "anderson"])
@pytest.mark.parametrize(("S", "m", "N"), [(8, 64, 16), (8, 256, 32), (4, 1024, 64)])
def test_implicit_equilibrium(measure, device: str, method: str, S: int, m: int, N: int) -> None:
    g = torch.Generator().manual_seed(0)
    X = tl.sphere_inputs(N, 16, generator=g, device=device)
    params = im.init_params(m, 16, list(range(S)), gamma=0.3, device=device)
    iterations = int(im.solve_equilibrium(params, X, method=method).iterations.max())
    measure(lambda: im.solve_equilibrium(params, X, method=method), flops=2.0 * S * m * m * N * iterations,
            device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(("S", "m", "N"), [(8, 64, 16), (8, 256, 32)])
def test_implicit_gd_step(measure, device: str, S: int, m: int, N: int) -> None:
    g = torch.Generator().manual_seed(0)
    X = tl.sphere_inputs(N, 16, generator=g, device=device)
    y = tl.bounded_labels(N, generator=g, device=device)
    params = im.init_params(m, 16, list(range(S)), gamma=0.3, device=device)
    iterations = int(im.solve_equilibrium(params, X).iterations.max())
    flops = 2.0 * S * m * m * N * (2 * iterations + 1) + S * N * (2.0 / 3.0) * m**3
    measure(lambda: im.gd_trajectory(params, X, y, eta=0.1, steps=1), flops=flops, device=device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("variant", ["batched", "looped"])
@pytest.mark.parametrize(("S", "L", "m", "n"), [(16, 4, 16, 32), (16, 16, 64, 128), (4, 32, 256, 256)])
def test_linear_resnet_gd_step(measure, device: str, variant: str, S: int, L: int, m: int, n: int) -> None:
    """One gradient evaluation of the deep linear ResNet, S seeds batched or one at a time."""
    g = torch.Generator().manual_seed(0)
    d, k = m // 2, m // 4
    X = torch.randn(d, n, generator=g, dtype=torch.float64).to(device)
    Y = torch.randn(k, n, generator=g, dtype=torch.float64).to(device)
    A, B = lr.gaussian_transforms(d, m, k, list(range(S)), device=device)
    W = (0.1 / m**0.5) * torch.randn(S, L, m, m, generator=g, dtype=torch.float64).to(device)
    if variant == "batched":
        def run() -> None:
            lr.grads(W, A, B, X, Y)
    else:
        parts = [(W[s:s + 1], A[s:s + 1], B[s:s + 1]) for s in range(S)]

        def run() -> None:
            for Ws, As, Bs in parts:
                lr.grads(Ws, As, Bs, X, Y)
    measure(run, flops=6.0 * S * L * m * m * n, device=device,
            pair=f"linear ResNet gradient, S={S}, L={L}, m={m}, n={n}, {device}", variant=variant)
