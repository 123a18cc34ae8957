"""Seeds for torch generators: disjoint streams for initialization, data and a seed's own randomness.

``torch.Generator().manual_seed(s)`` on the CPU (Mersenne Twister) keeps only the low 32 bits of ``s``:
``manual_seed(1)`` and ``manual_seed(1 + 2**50)`` give the same numbers. So every generator seed here
is a 32-bit value, and streams are kept apart inside those 32 bits, by construction, within one
example (one premise ``seed``, called ``base`` below):

* bits 31–30 say what the stream is for: 0 initialization, 1 data, 2 a seed's own further streams;
* the other 30 bits are ``P(K(base) + j) mod 2**30``, where ``j`` packs (batch, seed index, stream),
  ``K`` hashes the premise seed and ``P`` is a bijection of 30-bit integers. Distinct ``j`` give
  distinct values for the same base, so the seeds of different batches (a sequential test's looks, a
  replication) never coincide, and never coincide with a data stream.

Different premise seeds give unrelated streams (they may meet by chance; that is harmless: they are
different examples).
"""

from __future__ import annotations

_MASK30 = (1 << 30) - 1
_MASK64 = (1 << 64) - 1
INIT, DATA, OWN = 0, 1, 2
MAX_BATCHES = 256  # 8 bits
MAX_SEEDS = 4096  # 12 bits
MAX_STREAMS = 1024  # 10 bits


def _splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def _permute30(x: int) -> int:
    """A bijection of [0, 2**30): xor-shifts and multiplications by odd constants, each invertible mod 2**30."""
    for mult in (0x2C1B3C6D, 0x297A2D39):
        x ^= x >> 15
        x = (x * mult) & _MASK30
    x ^= x >> 13
    return x


def _stream(purpose: int, base: int, j: int) -> int:
    key = _splitmix64((base << 2) | purpose) & _MASK30
    return (purpose << 30) | _permute30((key + j) & _MASK30)


def _check(name: str, value: int, limit: int) -> None:
    if not 0 <= value < limit:
        raise ValueError(f"{name}={value} must lie in [0, {limit})")


def init_seed(base: int, batch: int, index: int) -> int:
    """The initialization seed of seed ``index`` of batch ``batch`` of an example with premise seed ``base``."""
    _check("batch", batch, MAX_BATCHES)
    _check("index", index, MAX_SEEDS)
    return _stream(INIT, base, (batch << 12) | index)


def data_seed(base: int, batch: int, stream: int) -> int:
    """The data stream ``stream`` of an example (``batch`` > 0 only for claims whose data are random per batch)."""
    _check("batch", batch, MAX_BATCHES)
    _check("stream", stream, MAX_STREAMS)
    return _stream(DATA, base, (batch << 10) | stream)


def own_seed(base: int, batch: int, index: int, stream: int) -> int:
    """A further stream ``stream`` of seed ``index`` of batch ``batch`` (its own data, its minibatch order, …)."""
    _check("batch", batch, MAX_BATCHES)
    _check("index", index, MAX_SEEDS)
    _check("stream", stream, MAX_STREAMS)
    return _stream(OWN, base, (batch << 22) | (index << 10) | stream)
