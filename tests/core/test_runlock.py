"""One run writes a run directory at a time: a lock held for the life of the run, across
processes and within one, given back on close or when its process dies."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.config import RunConfig
from studio.core.rundir import RunDir, RunDirError

ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from studio.config import RunConfig
from studio.core.rundir import RunDir
cfg = RunConfig()
rd = RunDir(sys.argv[1], cfg, sys.argv[2])
print("locked", flush=True)
time.sleep(600)
"""


def cfg():
    c = RunConfig()
    c.set("train.device", "cpu")
    return c


def hold_in_another_process(path, mode="new"):
    p = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), mode], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = p.stdout.readline()
    assert line.strip() == "locked", p.stderr.read()
    return p


def test_a_second_run_in_this_process_is_refused_until_the_first_closes(tmp_path):
    first = RunDir(tmp_path / "run", cfg())
    with pytest.raises(RunDirError) as e:
        RunDir(tmp_path / "run", cfg(), "overwrite")
    msg = str(e.value)
    assert "\n" not in msg and "in use by process" in msg
    assert str(os.getpid()) in msg and socket.gethostname() in msg and " since " in msg
    assert (tmp_path / "run" / "config.json").exists()  # the refused overwrite deleted nothing
    first.close()
    first.close()  # twice is fine
    with RunDir(tmp_path / "run", cfg(), "overwrite") as again:
        assert again.locked
    assert not again.locked


def test_another_process_holding_the_run_is_named_and_its_death_frees_the_lock(tmp_path):
    run_dir = tmp_path / "run"
    holder = hold_in_another_process(run_dir)
    try:
        for mode in ("new", "overwrite", "resume"):
            with pytest.raises(RunDirError) as e:
                RunDir(run_dir, cfg(), mode, checkpoint=None if mode != "resume" else {
                    "config": cfg(), "step": 0, "history": {}})
            if mode != "new":  # a new run is refused for the run already there, first
                assert f"in use by process {holder.pid} on {socket.gethostname()}" in str(e.value)
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: nobody releases anything
        holder.communicate()
    # The kernel dropped the dead holder's lock: the next run just takes it.
    with RunDir(run_dir, cfg(), "overwrite") as rd:
        assert rd.locked


def test_two_processes_racing_for_one_folder_one_wins(tmp_path):
    """Both start at once on an empty folder; exactly one holds it, the other is told who."""
    run_dir = tmp_path / "run"
    procs = [subprocess.Popen([sys.executable, "-c", HOLDER, str(run_dir), "new"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}) for _ in range(2)]
    try:
        deadline = time.monotonic() + 120
        while sum(p.poll() is not None for p in procs) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        lost = [p for p in procs if p.poll() is not None]
        won = [p for p in procs if p.poll() is None]
        assert len(lost) == 1 and len(won) == 1
        err = lost[0].stderr.read()
        assert "RunDirError" in err and ("in use by" in err or "already holds a run" in err)
        assert won[0].stdout.readline().strip() == "locked"
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.communicate()
