"""TEMPLATE — copy to ``theorems/<paper_id>.py`` (or run ``lemmata new <paper_id>``).

One file per paper. The file name is the paper id: every claim id is ``<paper_id>.<name>``.
The module defines ``CLAIMS``, a list of :class:`verify.Claim`. Nothing else needs registering:
``lemmata list`` and the pytest ``claims`` tier pick the file up.

A claim is data:

* ``statement``: a sympy relation over *measured symbols* (``Le``, ``Ge``, ``Lt``, ``Gt``, ``Eq``,
  ``And(...)``, or ``Implies(condition, conclusion)``). It is both what the report shows and what
  the engine checks.
* ``premises(profile)``: a Hypothesis strategy drawing a dict of *scalars* (sizes, step sizes,
  knobs, a ``seed``). Use ``profile.pick(ci=..., dev=..., thorough=...)`` for sizes. Build data
  that satisfies the premises by construction rather than filtering.
* ``run(inst)``: builds tensors from ``inst.premises`` with explicit generators
  (``inst.generator(stream)`` for data; ``inst.seeds`` for the S initialization seeds), calls
  ``impl/`` and returns ``{symbol: value}``. Every array says what its axes are:
  ``per_seed(x, "t")`` (seed axis first, length S or 1, then a time axis), ``shared(x, "t")`` (the
  same for every seed); Python numbers are constants. Axes with the same name are compared element
  by element; a bare tensor is an error.
* ``tolerance``: how much slack and *why* (printed with every verdict). Non-strict relations may
  be exceeded by the allowance; strict ones must hold by more than it.
* ``kind``: ``Kind.EXACT`` (one violation refutes), ``Kind.PROBABILISTIC`` (give ``delta``; S
  seeds per example, Clopper–Pearson against δ), ``Kind.ASYMPTOTIC`` (give a ``Regime``: a size
  ladder, a declared practical regime and the theorem's scaling; the empirical threshold is
  reported), ``Kind.TREND`` (a fitted slope, decided like an exact claim).
* ``citation``: paper, theorem/lemma number, arXiv id, and ``source``: ``paper`` / ``derived`` /
  ``recalled`` (a recalled constant must be listed in ``recalled=``; the report says so).
* ``control(parent, ...)``: a negative control that breaks one premise; it is verified when the
  conclusion then fails.
"""

from __future__ import annotations

import sympy as sp
import torch
from hypothesis import strategies as st

from lemmata.verify import Citation, Claim, Instance, Kind, Profile, Tolerance, per_seed

inner, norms = sp.symbols("inner norms")


def vector_premises(profile: Profile) -> st.SearchStrategy[dict]:
    """Dimension and seed; larger dimensions in deeper profiles."""
    return st.fixed_dictionaries({
        "d": st.integers(1, profile.pick(ci=16, dev=64, thorough=1024)),
        "seed": st.integers(0, 2**16),
    })


def run_cauchy_schwarz(inst: Instance) -> dict:
    """S pairs of Gaussian vectors, one pair per seed: |<u, v>| and ||u|| ||v||."""
    d = inst.premises["d"]
    g = inst.generator(0)
    u = torch.randn(inst.S, d, generator=g, dtype=inst.dtype).to(inst.device)
    v = torch.randn(inst.S, d, generator=g, dtype=inst.dtype).to(inst.device)
    return {
        "inner": per_seed((u * v).sum(-1).abs()),  # (S,)
        "norms": per_seed(u.norm(dim=-1) * v.norm(dim=-1)),  # (S,)
    }


CLAIMS = [
    Claim(
        id="_template.cauchy_schwarz",  # in your file: "<paper_id>.<claim_name>"
        title="Cauchy–Schwarz: |<u, v>| <= ||u|| ||v||",
        citation=Citation(paper="Any linear algebra text", where="Cauchy–Schwarz inequality", source="derived"),
        kind=Kind.EXACT,
        statement=sp.Le(inner, norms),
        premises=vector_premises,
        run=run_cauchy_schwarz,
        tolerance=Tolerance(rtol=1e-12, reason="float64 round-off of two length-d dot products"),
        symbols={"inner": "|<u, v>|", "norms": "||u|| ||v||"},
    ),
]
