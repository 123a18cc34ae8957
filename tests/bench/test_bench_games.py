"""pytest-benchmark timings for impl.games (run on demand: `pytest tests/bench/test_bench_games.py --benchmark-only`).

OMWU on 256 small games as one batched tensor program against the same 256 games one at a time. The batched
run's time per game-step and the speedup are stored in extra_info; nothing here asserts a speed.
"""

from __future__ import annotations

import pytest
import torch

from lemmata.impl import games as gm

pytestmark = pytest.mark.bench

G, STEPS = 256, 200


@pytest.fixture(scope="module")
def problem() -> tuple[gm.GameBatch, torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    games = gm.planted_games(G, 4, 4, support=3, generator=g)
    lx, ly = gm.random_starts(G, 4, 4, spread=1.0, generator=g)
    eta = 0.2 / games.A.abs().amax((1, 2))
    return games, lx, ly, eta


def _run_batched(games, lx, ly, eta) -> None:
    gm.omwu_trajectory(games.A, lx, ly, eta=eta, steps=STEPS, x_star=games.x_star, y_star=games.y_star,
                       keep_iterates=False)


def _run_one_at_a_time(games, lx, ly, eta) -> None:
    for i in range(G):
        s = slice(i, i + 1)
        gm.omwu_trajectory(games.A[s], lx[s], ly[s], eta=eta[s], steps=STEPS, x_star=games.x_star[s],
                           y_star=games.y_star[s], keep_iterates=False)


@pytest.mark.parametrize("mode", ["batched", "looped"])
def test_omwu_256_games(measure, problem, mode: str) -> None:
    """Flops: per game and step two matrix–vector products Ay, Aᵀx (2·n·m each), 4·n·m = 64 for 4×4 games;
    the exp/log-sum-exp work is O(n + m) and not counted, so GFLOP/s here mostly shows overhead per call."""
    fn = _run_batched if mode == "batched" else _run_one_at_a_time
    measure(lambda: fn(*problem), flops=4.0 * 4 * 4 * G * STEPS, device="cpu", rounds=3 if mode == "batched" else 1,
            pair=f"OMWU, {G} games of 4×4, {STEPS} steps, cpu", variant=mode)
