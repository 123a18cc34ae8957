"""lemmata's engine: the claim model, registry, runner, verdicts, results and reports.

``lemmata.verify`` knows no paper; theorem modules in ``theorems/`` import from here::

    from lemmata.verify import Claim, Citation, Kind, Tolerance, Regime, Figure, control

The names below are imported on first use (PEP 562), so that ``lemmata --help`` and ``lemmata list``
do not pay for torch and sympy.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Measured": "axes", "per_seed": "axes", "shared": "axes",
    "Citation": "claim", "Claim": "claim", "Covered": "claim", "Figure": "claim", "Instance": "claim", "Kind": "claim",
    "Regime": "claim", "Tightness": "claim", "Tolerance": "claim", "control": "claim",
    "ClaimDefinitionError": "errors", "DeviceError": "errors", "LemmataError": "errors", "ResultsFileError": "errors",
    "UnknownClaimError": "errors", "UsageError": "errors",
    "PROFILES": "profiles", "Profile": "profiles", "get_profile": "profiles",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'lemmata.verify' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"lemmata.verify.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
