"""Faults injected into a live run: each is reported, the run survives, nothing saved is lost."""
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from studio.core.rundir import load_checkpoint  # noqa: E402
from studio.ui.panels.controls import set_field_text  # noqa: E402


@pytest.fixture
def window(ring_window):
    return ring_window


def test_disk_full_is_reported_training_goes_on_and_the_checkpoint_survives(qtbot, window):
    """A checkpoint that cannot be written (its name taken by a folder: the rename fails as
    on a full or read-only disk) is said once; the process trains on; nothing is lost."""
    w = window
    w.controls.set_value("train.checkpoint_every", 20)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run_dir is not None and (w.run_dir / "checkpoint.pt").exists(),
                    timeout=60000)
    good = load_checkpoint(w.run_dir / "checkpoint.pt")
    saved = w.run_dir / "good.pt"
    os.replace(w.run_dir / "checkpoint.pt", saved)
    (w.run_dir / "checkpoint.pt" / "blocked").mkdir(parents=True)
    # The next checkpoint is due 20 steps and at least MIN_CHECKPOINT_S after the first.
    qtbot.waitUntil(lambda: any("Could not write" in m for m in w.shown), timeout=60000)
    told = [m for m in w.shown if "Could not write" in m]
    assert "checkpoint.pt" in told[0]
    step = w.step
    qtbot.waitUntil(lambda: w.step > step + 40, timeout=60000)  # still training
    assert w.run.state == "running"
    assert load_checkpoint(saved)["step"] == good["step"]


def test_out_of_memory_in_the_training_process_pauses_with_a_smaller_batch_suggested(
        qtbot, window, monkeypatch):
    w = window
    monkeypatch.setenv("STUDIO_TEST_FAULT", "oom@30")  # the run's process meets it at step 30
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "paused" and bool(w.shown), timeout=60000)
    bs = w.controls.cfg.train.batch_size
    assert "Out of memory at step 30" in w.shown[-1] and f"batch size {bs}" in w.shown[-1]
    assert f"batch size to {bs // 2}" in w.shown[-1]
    assert w.run.transport.process.is_alive()  # paused, not ended: the weights are intact
    w.controls.pause_btn.click()  # resume: the run goes on
    qtbot.waitUntil(lambda: w.step > 50, timeout=60000)


def test_a_diverging_run_in_the_process_pauses_and_rolls_back(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = window
    w.controls.set_value("train.checkpoint_every", 100)
    w.controls.set_value("gan.lr_g", 0.2)  # a real divergence: the losses explode (~step 430)
    w.controls.set_value("gan.lr_d", 0.2)
    w.controls.set_value("gan.lr_decay_from", 1.0)
    answers = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: answers.append(a[2])
                        or QMessageBox.StandardButton.Retry)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: bool(answers), timeout=120000)
    assert "diverged at step" in answers[0] and "exploded" in answers[0], answers
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.resume_state is not None, timeout=30000)
    good = load_checkpoint(w.run_dir / "checkpoint.pt")
    assert w.step == good["step"] and w.resume_state["step"] == good["step"]


def test_start_twice_starts_one_run(qtbot, window):
    w = window
    w.controls.start_btn.click()
    w._on_start()  # a second Start (shortcut, double click) while the first is starting
    qtbot.waitUntil(lambda: w.step >= 20, timeout=60000)
    first = w.run.transport.process
    assert first.is_alive()
    w.run.close()
    assert not first.is_alive() and w.run.state == "idle"
    assert threading.active_count() < 20


def test_stop_while_starting_returns_to_idle(qtbot, window):
    w = window
    w.controls.start_btn.click()
    assert w.run.state == "starting"
    w.controls.stop_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle", timeout=60000)
    assert w.controls.start_btn.isEnabled()
    w.controls.start_btn.click()  # and a new run starts
    qtbot.waitUntil(lambda: w.run.state == "running" and w.step > 5, timeout=60000)


def test_reset_while_starting_and_closing_while_starting_never_hang(qtbot, window):
    w = window
    w.controls.start_btn.click()
    w.presentation.reset()  # R in presentation mode, within the start-up time
    assert w.run.state == "idle" and w.controls.start_btn.isEnabled()
    w.controls.start_btn.click()
    w.close()  # closing while a run starts: it ends, nothing is left running
    assert w.run.state == "idle" and w.run.transport is None


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
    w.run.request("points", [[1.0, 2.0, 3.0]])  # not (N, 2)
    qtbot.waitUntil(lambda: "points" in w.statusBar().currentMessage(), timeout=30000)
    step = w.step
    qtbot.waitUntil(lambda: w.step > step + 20, timeout=30000)
    assert w.run.state == "running"


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
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 20, timeout=60000)
    assert any("2 file(s)" in m and "12 others" in m for m in w.shown), w.shown
