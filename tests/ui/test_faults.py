"""Faults injected into a live run: each is reported, the run survives, nothing saved is lost."""
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from studio.core.rundir import RunDir, load_checkpoint  # noqa: E402
from studio.ui.panels.controls import set_field_text  # noqa: E402


@pytest.fixture
def window(ring_window):
    return ring_window


def test_disk_full_is_reported_training_goes_on_and_the_checkpoint_survives(qtbot, thread_worker,
                                                                          window, monkeypatch):
    w = window
    w.controls.set_value("train.checkpoint_every", 20)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run_dir is not None and (w.run_dir / "checkpoint.pt").exists(),
                    timeout=30000)
    good = load_checkpoint(w.run_dir / "checkpoint.pt")["step"]

    def full(*a, **k):
        raise OSError(28, "No space left on device")
    for name in ("append_metrics", "save_preview", "save_checkpoint"):
        monkeypatch.setattr(RunDir, name, full)
    qtbot.waitUntil(lambda: any("No space left" in m for m in w.shown), timeout=30000)
    step = w.step
    qtbot.waitUntil(lambda: w.step > step + 40, timeout=30000)  # still training
    assert w.controller.state == "running"
    assert len([m for m in w.shown if "No space left" in m]) == 1  # said once, not per write
    assert load_checkpoint(w.run_dir / "checkpoint.pt")["step"] >= good


def test_out_of_memory_pauses_with_a_smaller_batch_suggested(qtbot, thread_worker, window):
    import torch

    w = window
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.step >= 20, timeout=30000)
    engine = w.controller.worker.engine
    real_step = engine.step

    def oom():
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    engine.step = oom
    qtbot.waitUntil(lambda: w.controller.state == "paused" and bool(w.shown), timeout=30000)
    bs = w.controls.cfg.train.batch_size
    assert "Out of memory" in w.shown[-1] and f"batch size {bs}" in w.shown[-1]
    assert f"batch size to {bs // 2}" in w.shown[-1]
    engine.step = real_step
    step = w.step
    w.controls.pause_btn.click()  # resume: the run is intact
    qtbot.waitUntil(lambda: w.step > step + 20, timeout=30000)


def test_start_twice_runs_one_thread_and_threads_return_to_baseline(qtbot, thread_worker, window):
    w = window
    before = threading.active_count()
    w.controls.start_btn.click()
    w._on_start()  # a second Start (shortcut, double click) while the first is starting
    qtbot.waitUntil(lambda: w.step >= 20, timeout=30000)
    assert w.controller.thread is not None
    # One run: its training thread and its run directory's writer, nothing more.
    assert threading.active_count() <= before + 2
    assert [t.name for t in threading.enumerate()].count("run-dir-writer") == 1
    w.controller.wait()
    assert w.controller.thread is None and w.controller.state == "idle"
    qtbot.waitUntil(lambda: threading.active_count() <= before, timeout=10000)


def test_no_model_switch_or_checkpoint_open_while_running(qtbot, window, tmp_path):
    w = window
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.step >= 10, timeout=30000)
    assert not w.controls.model.isEnabled() and not w.controls.preset.isEnabled()
    assert not w.open_action.isEnabled()
    assert w.open_checkpoint(str(tmp_path / "whatever.pt")) is False
    w.load_preset("gan-digits")
    assert w.controls.cfg.data.name == "ring8"  # ignored while running


def test_a_bad_request_is_reported_and_the_run_goes_on(qtbot, window):
    w = window
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.step >= 10, timeout=30000)
    w.controller.worker.request_points([[1.0, 2.0, 3.0]])  # not (N, 2)
    qtbot.waitUntil(lambda: bool(w.shown), timeout=30000)
    step = w.step
    qtbot.waitUntil(lambda: w.step > step + 20, timeout=30000)
    assert w.controller.state == "running"


def test_a_folder_with_broken_images_trains_on_the_rest_and_says_what_it_skipped(qtbot, window, tmp_path):
    import numpy as np
    from PIL import Image

    w = window
    for cls in ("a", "b"):
        (tmp_path / "pics" / cls).mkdir(parents=True)
        for i in range(6):
            img = (np.random.default_rng(i).random((20, 30)) * 255).astype(np.uint8)
            Image.fromarray(img).save(tmp_path / "pics" / cls / f"{i}.png")
    (tmp_path / "pics" / "a" / "broken.png").write_bytes(b"\x89PNG not really")
    (tmp_path / "pics" / "b" / "empty.jpg").write_bytes(b"")
    w.load_preset("gan-digits")
    set_field_text(w.controls, "gan.hidden", "16")
    set_field_text(w.controls, "train.steps", "20")
    w.controls.set_value("data.path", str(tmp_path / "pics"))
    w.controls.set_value("data.image_size", 16)
    w.controls.set_value("train.batch_size", 8)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.controller.state == "idle" and w.step == 20, timeout=60000)
    assert any("2 file(s)" in m and "12 others" in m for m in w.shown), w.shown
