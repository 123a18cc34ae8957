"""pytest-benchmark timings for the report's charts (on demand: `pytest tests/bench/test_bench_report.py
--benchmark-only`): a 5000-step curve drawn as a line chart, smooth and as a diverging oscillation (the figure of a
refuted rate, where the thinning of plots._thin does the most work). Nothing here asserts a speed."""

from __future__ import annotations

import math

import pytest

from lemmata.verify.plots import Series, line_chart

pytestmark = pytest.mark.bench

T = list(range(1, 5001))
CURVES = {
    "smooth": [math.exp(-t / 800) for t in T],
    "diverging": [1.0005 ** t * (1.5 + (-1) ** t) for t in T],
}


@pytest.mark.parametrize("shape", list(CURVES))
def test_line_chart_5000_steps(benchmark, shape: str) -> None:
    svg = benchmark(line_chart, [Series("loss", T, CURVES[shape])], title="t", xlabel="k", ylabel="loss", logy=True)
    benchmark.extra_info["svg_bytes"] = len(svg)
