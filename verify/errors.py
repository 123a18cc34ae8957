"""One exception hierarchy for lemmata.

Every error a user can cause names the thing that is wrong and how to fix it. The CLI turns
any :class:`LemmataError` into a one-line message and exit status 2 (bad usage) or 1.
"""

from __future__ import annotations


class LemmataError(Exception):
    """Base class of every error lemmata raises on purpose."""

    exit_code: int = 2


class ClaimDefinitionError(LemmataError):
    """A claim in ``theorems/`` is malformed (raised at registration, naming claim and file)."""


class UnknownClaimError(LemmataError):
    """A pattern given on the command line matches no registered claim."""


class UsageError(LemmataError):
    """Bad input to a command or function: an option value, a profile name, a premise."""


class DeviceError(LemmataError):
    """The requested device is not available (e.g. ``--device cuda`` on a machine without CUDA)."""


class ResultsFileError(LemmataError):
    """``results.json`` is missing, unreadable or of an unknown schema version."""


class ExperimentError(LemmataError):
    """An experiment's run failed (its finished parts are kept); exit status 1."""

    exit_code = 1
