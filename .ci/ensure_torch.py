"""Install torch only if it is missing, choosing the build for this machine.

* torch already importable (a CUDA build the user installed, or a CPU one): leave it alone.
* no torch and an NVIDIA GPU (``nvidia-smi`` answers): ``pip install torch==2.13.0`` (PyPI's
  Linux wheel is a CUDA build).
* no torch and no GPU: the CPU build, ``pip install torch==2.13.0`` plus, when
  ``LEMMATA_TORCH_INDEX`` is set, ``--index-url $LEMMATA_TORCH_INDEX`` (e.g.
  https://download.pytorch.org/whl/cpu) so a plain Linux machine does not download CUDA libraries.
  Machines with a local wheelhouse configured in pip.conf pick the CPU file from it.

Run with the interpreter of the environment to set up: ``.venv/bin/python .ci/ensure_torch.py``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

TORCH = os.environ.get("LEMMATA_TORCH_SPEC", "torch==2.13.0")


def has_gpu() -> bool:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return False
    try:
        return subprocess.run([exe, "-L"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def main() -> int:
    if importlib.util.find_spec("torch") is not None:
        import torch

        print(f"ensure_torch: keeping the installed torch {torch.__version__} "
              f"(CUDA available: {torch.cuda.is_available()})")
        return 0
    cmd = [sys.executable, "-m", "pip", "install", "-q", TORCH]
    if not has_gpu() and os.environ.get("LEMMATA_TORCH_INDEX"):
        cmd += ["--index-url", os.environ["LEMMATA_TORCH_INDEX"]]
    print("ensure_torch: " + " ".join(cmd[2:]), flush=True)
    return subprocess.call(cmd)


if __name__ == "__main__":
    raise SystemExit(main())
