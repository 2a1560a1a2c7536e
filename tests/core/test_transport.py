"""The window's ways to run a session, without the window: a training process (the default)
and a thread. Each is driven as the run handle drives it."""
import os
import signal
import threading
import time
import warnings
from pathlib import Path

import pytest

from studio.core.rundir import load_checkpoint
from studio.core.transport import make_transport
from studio.presets import PRESETS


def small_cfg(steps=3000, **changes):
    cfg = PRESETS["gan-ring8"].config()
    for k, v in {"train.steps": steps, "gan.hidden": 16, "data.n_points": 500,
                 "train.device": "cpu", **changes}.items():
        cfg.set(k, v)
    return cfg.validate()


def drain(transport, until=None, timeout=120):
    """Every event until `until(event)` is true (then the transport is ended) or it ends."""
    events, end = [], time.monotonic() + timeout
    for e in transport.events():
        events.append(e)
        if until is not None and until(e):
            transport.end()
            until = None
        assert time.monotonic() < end, [x.kind for x in events[-10:]]
    return events


def kinds(events):
    return [e.kind for e in events]


@pytest.mark.parametrize("in_process", [True, False], ids=["process", "thread"])
def test_a_run_reports_trains_saves_and_answers_after_it_ends(tmp_path, in_process):
    t = make_transport(small_cfg(), tmp_path / "r", "new", None, 1, 0.2, in_process)
    t.start()
    asked = []

    def after_the_end(e):
        if e.kind == "finished":
            t.controls.request("preview")  # the session lingers: still answers
            asked.append(True)
        return bool(asked) and e.kind == "preview"
    events = drain(t, after_the_end)
    ks = kinds(events)
    assert ks[0] == "started" and "metrics" in ks
    fin = ks.index("finished")
    assert events[fin].data["outcome"] == "finished" and "preview" in ks[fin + 1:]
    assert load_checkpoint(tmp_path / "r")["step"] == 3000


def test_the_training_process_loads_no_qt(tmp_path):
    if not Path("/proc/self/maps").exists():
        pytest.skip("reads /proc/PID/maps (Linux)")
    t = make_transport(small_cfg(steps=10_000_000), tmp_path / "r", "new", None, 1, 0.2)
    t.start()
    maps = []

    def read_maps(e):
        if e.kind == "metrics" and not maps:
            maps.append(Path(f"/proc/{t.process.pid}/maps").read_text())
        return bool(maps)
    drain(t, read_maps)
    assert "torch" in maps[0]  # the right process: it trains
    assert "Qt6Core" not in maps[0] and "pyside6" not in maps[0].lower()


def test_a_live_learning_rate_change_reaches_the_optimiser(tmp_path):
    cfg = small_cfg(steps=10_000_000, **{"gan.lr_decay_from": 1.0})
    t = make_transport(cfg, tmp_path / "r", "new", None, 1, 0.2)
    t.start()
    faster = cfg.copy()
    faster.gan.lr_g, faster.gan.lr_d = 1e-3, 3e-4
    state = {"asked": False}

    def change_then_save(e):
        if e.kind == "progress" and e.data["step"] > 100 and not state["asked"]:
            state["asked"] = True
            t.controls.request("hyper", faster)
            t.controls.request("save", str(tmp_path / "now.pt"))
        return e.kind == "saved"
    drain(t, change_then_save)
    engine = load_checkpoint(tmp_path / "now.pt")["engine"]
    assert engine["opt_g"]["param_groups"][0]["lr"] == pytest.approx(1e-3)
    assert engine["opt_d"]["param_groups"][0]["lr"] == pytest.approx(3e-4)


def test_a_killed_training_process_ends_the_run_with_a_failed_event(tmp_path):
    t = make_transport(small_cfg(steps=10_000_000), tmp_path / "r", "new", None, 1, 0.2)
    t.start()
    events = []
    for e in t.events():
        events.append(e)
        if e.kind == "metrics" and t.process.is_alive():
            t.process.kill()
    failed = [e for e in events if e.kind == "failed"]
    assert failed and failed[0].data["exit_code"] == -9 and events[-1].kind == "finished"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a stand-in child")
def test_a_child_killed_while_checking_the_controls_leaves_them_usable(tmp_path):
    # The child checks `stop` and `pause` every step; killed at any moment, it must not take
    # a lock with it that the window's next stop.set() would wait on for ever.
    t = make_transport(small_cfg(), tmp_path / "r", "new", None, 1, 0.2)
    c = t.controls
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # the stand-in child: check the flags as fast as it can
        try:
            while True:
                c.stop.is_set() or c.pause.is_set()
        finally:
            os._exit(0)
    time.sleep(0.3)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    setter = threading.Thread(target=lambda: (c.stop.set(), c.pause.set()), daemon=True)
    setter.start()
    setter.join(5.0)
    assert not setter.is_alive() and c.stop.is_set() and c.pause.is_set()
    assert t.end(1.0)


def test_resume_in_the_process_continues_the_checkpoint(tmp_path):
    run = tmp_path / "r"
    t = make_transport(small_cfg(steps=300), run, "new", None, 1, 0.2)
    t.start()
    drain(t, lambda e: e.kind == "finished")
    ck = load_checkpoint(run)
    t = make_transport(small_cfg(steps=500), run, "resume", ck, 1, 0.2)
    t.start()
    events = drain(t, lambda e: e.kind == "finished")
    assert events[0].kind == "started" and events[0].data["step"] == 300
    assert load_checkpoint(run)["step"] == 500
