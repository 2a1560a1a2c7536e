"""Run a snippet in a fresh Python under an address-space limit, so that code that should
refuse a memory bomb fails the test (MemoryError, a killed child) instead of exhausting the
machine when it regresses. The snippet prints what the test checks."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# torch and the studio map ~3.3 GB of address space before anything is allocated; this
# leaves about 2.5 GB for the work, far below what any of the bombs would take.
LIMIT = 6 << 30

PRELUDE = f"""
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT}))
sys.path.insert(0, {str(ROOT)!r})
import torch
torch.set_num_threads(1)
"""


def run_limited(code: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", PRELUDE + code], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=env)
