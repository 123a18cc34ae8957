"""Resolve ``--device auto|cpu|cuda`` to a torch device, with an error that says the fix."""

from __future__ import annotations

import torch

from lemmata.verify.errors import DeviceError, UsageError

DTYPES = {"float64": torch.float64, "float32": torch.float32}


def resolve_device(name: str) -> tuple[torch.device, str]:
    """Return (device, human-readable name). ``auto`` picks CUDA when present."""
    if name not in ("auto", "cpu", "cuda") and not name.startswith("cuda:"):
        raise UsageError(f"unknown device={name!r}; choose auto, cpu or cuda")
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise DeviceError(f"device={name!r} was requested but torch {torch.__version__} sees no CUDA device; "
                              "use --device cpu (or auto)")
        dev = torch.device(name)
        return dev, f"{name} ({torch.cuda.get_device_name(dev)})"
    return torch.device("cpu"), f"cpu ({torch.get_num_threads()} threads)"


def resolve_dtype(name: str) -> torch.dtype:
    try:
        return DTYPES[name]
    except KeyError:
        raise UsageError(f"unknown dtype={name!r}; choose float64 (default) or float32") from None
