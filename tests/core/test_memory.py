"""studio.core.memory: with the thresholds set, memory a step frees is reused by the next
step instead of being faulted in again (counted in fresh processes: the setting is per process).
"""
import json
import os
import subprocess
import sys

import pytest

from studio.core.memory import _glibc

CHILD = """
import json, resource, sys
import torch
if sys.argv[1] == "keep":
    from studio.core.memory import keep_freed_memory
    assert keep_freed_memory()
def step():  # a DCGAN step's activations: blocks of a few MB, all freed at the end
    xs = [torch.ones(6 << 18) for _ in range(8)]  # 6 MB each
    return [x * 2 for x in xs]
step()
f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print(json.dumps((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / 10))
"""


def _faults_per_step(mode: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    p = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True,
                       env=env, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux") or not _glibc(), reason="glibc only")
def test_freed_step_memory_is_reused_instead_of_faulted_in_again():
    default, keep = _faults_per_step("default"), _faults_per_step("keep")
    assert default > 10_000  # ~100 MB given back and faulted in again, every step
    assert keep < default / 10
