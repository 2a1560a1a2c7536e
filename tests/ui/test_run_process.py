"""Runs train in a process of their own: the window drives it through its run handle, a
crash in it ends the run and not the window, and nothing it saved is lost."""
import os
import signal
import subprocess
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from studio.core.rundir import load_checkpoint  # noqa: E402
from studio.core.session import Controls, Event  # noqa: E402
from studio.core.transport import _PipeSink, _watch_parent  # noqa: E402


@pytest.fixture
def window(ring_window):
    ring_window.controls.set_value("train.checkpoint_every", 50)
    return ring_window


def start(qtbot, w, steps=50):
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.step >= steps, timeout=60000)
    return w.run


def pause(qtbot, w):
    w.controls.pause_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "paused", timeout=10000)


def test_a_gan_run_trains_in_its_own_process_and_stop_saves_it(qtbot, window):
    w = window
    run = start(qtbot, w, 100)
    child = run.transport.process
    assert child.pid != os.getpid() and child.is_alive()
    # The training and its run directory's writer are in the child, not in the window.
    assert "run-dir-writer" not in [t.name for t in threading.enumerate()]
    qtbot.waitUntil(lambda: w.losses.point_count() >= 100 and w.view.field.updates > 0,
                    timeout=30000)
    with qtbot.waitSignal(w.run.state_changed, timeout=30000,
                          check_params_cb=lambda s: s == "idle"):
        w.controls.stop_btn.click()
    assert child.is_alive()  # the session lingers: it still answers requests
    w.run.close()
    assert not child.is_alive() and child.exitcode == 0
    ck = load_checkpoint(w.run_dir / "checkpoint.pt")
    assert ck["step"] == w.step > 100  # the stop saved the last step
    rows = (w.run_dir / "metrics.csv").read_text().splitlines()
    assert len(rows) - 1 == w.step  # a row per step, none lost


def test_pause_single_steps_drawing_and_saving_reach_the_process(qtbot, window, tmp_path):
    w = window
    run = start(qtbot, w)
    pause(qtbot, w)
    step = w.step
    for kind in ("both", "g"):  # a G update alone counts as a step, a D update alone not
        run.request("step", kind)
        step += 1
        qtbot.waitUntil(lambda: w.step == step, timeout=10000)
    run.request("step", "d")
    qtbot.wait(300)
    assert w.step == step
    pts = np.random.default_rng(0).normal(5.0, 0.1, (300, 2)).astype(np.float32)
    run.request("points", pts)
    qtbot.waitUntil(lambda: w.view.samples.last is not None
                    and w.view.samples.last["real"].mean() > 4.5, timeout=10000)
    assert np.isin(w.view.samples.last["real"], pts).all()  # the drawing's points, as drawn
    path = str(tmp_path / "ck.pt")
    with qtbot.waitSignal(w.checkpoint_saved, timeout=10000):
        w.save_checkpoint(path)
    assert load_checkpoint(path)["step"] == step
    run.request("points", [[1.0, 2.0, 3.0]])  # not (N, 2): reported, the run goes on
    qtbot.waitUntil(lambda: "points" in w.statusBar().currentMessage(), timeout=10000)
    w.controls.pause_btn.click()
    qtbot.waitUntil(lambda: w.step > step + 20, timeout=30000)


def test_a_killed_training_process_is_reported_and_the_window_trains_again(qtbot, window):
    w = window
    run = start(qtbot, w, 120)
    qtbot.waitUntil(lambda: (w.run_dir / "checkpoint.pt").exists(), timeout=30000)
    os.kill(run.transport.process.pid, signal.SIGKILL)  # as a crash in a native kernel would
    qtbot.waitUntil(lambda: w.run.state == "idle", timeout=30000)
    assert any("ended unexpectedly" in m and "-9" in m for m in w.shown), w.shown
    assert load_checkpoint(w.run_dir / "checkpoint.pt")["step"] >= 50  # intact
    assert w.open_checkpoint(str(w.run_dir / "checkpoint.pt"))
    resumed = w.step
    start(qtbot, w, resumed + 20)


def test_the_training_process_stops_when_the_window_dies():
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    controls = Controls()
    watcher = threading.Thread(target=_watch_parent, args=(controls, dead.pid), daemon=True)
    watcher.start()
    assert controls.stop.wait(5.0) and controls.quit.is_set()  # it saves, ends, stops lingering


def test_a_run_nobody_relays_any_more_stops():
    import multiprocessing as mp

    recv, send = mp.Pipe(duplex=False)
    recv.close()  # the window's end is gone
    stop = threading.Event()
    _PipeSink(send, stop)(Event("progress", {"step": 1, "total": 2, "rate": 3.0}))
    assert stop.is_set()  # the run ends and saves its checkpoint


@pytest.mark.parametrize("preset", ["vae-digits", "cyclegan-digits-colour", "text2img-shapes",
                                    "dcgan-digits"])
def test_every_trained_family_runs_in_the_training_process(qtbot, ring_window, preset):
    w = ring_window
    w.load_preset(preset)
    w.controls.set_value("train.steps", 4)
    w.controls.set_value("train.device", "cpu")
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.transport is not None and w.run.state != "starting",
                    timeout=60000)
    child = w.run.transport.process
    assert child is not None and child.pid != os.getpid()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 4, timeout=120000)
    assert load_checkpoint(w.run_dir / "checkpoint.pt")["step"] == 4
