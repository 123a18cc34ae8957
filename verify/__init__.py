"""lemmata's engine: the claim model, registry, runner, verdicts, results and reports.

``verify`` knows no paper; theorem modules in ``theorems/`` import from here::

    from verify import Claim, Citation, Kind, Tolerance, Regime, Figure, control
"""

from verify.axes import Measured, per_seed, shared
from verify.claim import Citation, Claim, Covered, Figure, Instance, Kind, Regime, Tightness, Tolerance, control
from verify.errors import (
    ClaimDefinitionError,
    DeviceError,
    LemmataError,
    ResultsFileError,
    UnknownClaimError,
    UsageError,
)
from verify.profiles import PROFILES, Profile, get_profile

__all__ = [
    "Citation", "Claim", "ClaimDefinitionError", "Covered", "DeviceError", "Figure", "Instance", "Kind",
    "LemmataError", "Measured", "PROFILES", "Profile", "Regime", "ResultsFileError", "Tightness", "Tolerance",
    "UnknownClaimError", "UsageError", "control", "get_profile", "per_seed", "shared",
]
