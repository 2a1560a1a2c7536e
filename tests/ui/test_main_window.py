"""Drive the real window as a user would: pick a preset, Start, watch, Pause, Stop, close."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from studio.ui.main_window import MainWindow  # noqa: E402
from studio.ui.panels.controls import set_field_text  # noqa: E402


@pytest.fixture
def window(qtbot):
    w = MainWindow("gan-ring8")
    qtbot.addWidget(w)
    w.show()
    yield w
    w.run.close()


def small(w, steps=400):
    set_field_text(w.controls, "gan.hidden", "32")
    set_field_text(w.controls, "train.steps", str(steps))
    set_field_text(w.controls, "train.preview_every", "20")
    set_field_text(w.controls, "train.device", "cpu")


def start_and_wait_for_steps(qtbot, w, n):
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.step >= n, timeout=60000)


def test_start_shows_progress_curves_and_changing_samples(qtbot, window):
    w = window
    small(w, steps=50_000)  # still training when the test looks again (400 take ~0.5 s)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.view.samples.updates >= 1 and w.view.samples.last is not None, timeout=60000)
    first = w.view.samples.last["fake"].copy()
    qtbot.waitUntil(lambda: w.step >= 100 and w.losses.point_count() >= 100, timeout=60000)
    qtbot.waitUntil(lambda: not np.array_equal(w.view.samples.last["fake"], first), timeout=60000)
    # The bar follows within a quarter second (it is thinned out while a run streams).
    qtbot.waitUntil(lambda: w.controls.progress.value() >= 100, timeout=2000)
    assert "steps/s" in w.controls.rate_label.text() or w.controls.rate_label.text() == "Finished"
    assert len(w.losses.curves["loss_g"].getData()[0]) > 0
    assert w.controls.start_btn.isEnabled() is False


def test_pause_resume_stop(qtbot, window):
    w = window
    small(w, steps=100000)
    start_and_wait_for_steps(qtbot, w, 40)
    w.controls.pause_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "paused", timeout=10000)
    held = w.step
    qtbot.wait(300)
    assert w.step == held and w.controls.pause_btn.text() == "Resume"
    w.controls.pause_btn.click()
    qtbot.waitUntil(lambda: w.step > held + 20, timeout=30000)
    with qtbot.waitSignal(w.run.state_changed, timeout=30000, check_params_cb=lambda s: s == "idle"):
        w.controls.stop_btn.click()
    assert w.controls.start_btn.isEnabled()
    assert not w.run.transport.process.is_alive() or w.run.live  # ended, or lingering idle


def test_close_mid_run_stops_cleanly(qtbot):
    w = MainWindow("gan-ring8")
    qtbot.addWidget(w)
    w.show()
    small(w, steps=100000)
    start_and_wait_for_steps(qtbot, w, 20)
    child = w.run.transport.process
    w.close()
    assert w.run.transport is None and not child.is_alive() and child.exitcode == 0


def test_invalid_field_is_marked_and_start_disabled(qtbot, window):
    w = window
    set_field_text(w.controls, "gan.lr_g", "fast")
    assert "gan.lr_g" in w.controls.errors
    assert not w.controls.start_btn.isEnabled()
    assert "expected a number" in w.controls.fields["gan.lr_g"].toolTip()
    assert "Learning rate G" in w.controls.error_label.text()
    set_field_text(w.controls, "gan.lr_g", "-3")
    assert "at least" in w.controls.errors["gan.lr_g"]
    set_field_text(w.controls, "gan.lr_g", "2e-4")
    assert w.controls.is_valid() and w.controls.start_btn.isEnabled()


def test_choose_preset_loads_its_settings(qtbot, window):
    w = window
    w.controls.preset.setCurrentText("gan-digits")
    w.controls.preset_chosen.emit("gan-digits")
    assert w.controls.cfg.data.name == "digits"
    assert w.controls.fields["data.name"].currentText() == "digits"


def test_image_preset_shows_an_image_grid(qtbot, window):
    w = window
    w.load_preset("gan-digits")
    set_field_text(w.controls, "gan.hidden", "32")
    set_field_text(w.controls, "train.steps", "30")
    set_field_text(w.controls, "train.preview_every", "10")
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 30, timeout=60000)
    assert w.view.samples.last["kind"] == "images"
    assert w.view.samples.image.image is not None and w.view.samples.image.image.shape[2] == 3


def test_live_learning_rate_change_reaches_the_optimiser_in_the_training_process(
        qtbot, window, tmp_path):
    from studio.core.rundir import load_checkpoint

    w = window
    small(w, steps=100000)
    w.controls.set_value("gan.lr_decay_from", 1.0)
    start_and_wait_for_steps(qtbot, w, 20)
    set_field_text(w.controls, "gan.lr_d", "0.003")
    assert not w.controls.fields["gan.hidden"].isEnabled()  # not live: locked while running
    path = str(tmp_path / "now.pt")
    with qtbot.waitSignal(w.checkpoint_saved, timeout=20000):
        w.save_checkpoint(path)  # asked after the change: saved after it took effect
    ck = load_checkpoint(path)
    assert ck["engine"]["opt_d"]["param_groups"][0]["lr"] == pytest.approx(0.003)
    assert ck["config"].gan.lr_d == pytest.approx(0.003)


def test_save_and_resume_a_checkpoint(qtbot, window, tmp_path):
    w = window
    small(w, steps=100000)
    start_and_wait_for_steps(qtbot, w, 60)
    w.controls.pause_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "paused", timeout=10000)
    path = str(tmp_path / "ck.pt")
    with qtbot.waitSignal(w.checkpoint_saved, timeout=10000):
        w.save_checkpoint(path)
    saved_step = w.step
    n_points = w.losses.point_count()
    with qtbot.waitSignal(w.run.state_changed, timeout=30000, check_params_cb=lambda s: s == "idle"):
        w.controls.stop_btn.click()

    w2 = MainWindow("gan-grid25")
    qtbot.addWidget(w2)
    assert w2.open_checkpoint(path)
    assert w2.controls.cfg.data.name == "ring8" and w2.step == saved_step
    assert w2.losses.point_count() == n_points == saved_step
    assert w2.controls.progress.value() == saved_step
    w2.controls.start_btn.click()
    qtbot.waitUntil(lambda: w2.step >= saved_step + 20, timeout=60000)
    steps = w2.losses.buffer.get("step")
    assert np.array_equal(steps[: saved_step + 20], np.arange(1, saved_step + 21))
    w2.run.close()


def test_opening_a_bad_checkpoint_says_why(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    (tmp_path / "bad.pt").write_bytes(b"garbage")
    assert not window.open_checkpoint(str(tmp_path / "bad.pt"))
    assert shown and "bad.pt" in shown[0]


def test_export_png_and_csv(qtbot, window, tmp_path):
    w = window
    small(w, steps=40)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 40, timeout=60000)
    assert w.export_png(str(tmp_path / "s.png"))
    from PIL import Image
    with Image.open(tmp_path / "s.png") as im:
        assert im.size[0] > 10
    w.losses.export_csv(str(tmp_path / "l.csv"))
    lines = (tmp_path / "l.csv").read_text().splitlines()
    assert lines[0].startswith("step,") and len(lines) == 41


def test_vae_preset_trains_and_opens_the_latent_explorer(qtbot, window):
    w = window
    w.load_preset("vae-digits")
    set_field_text(w.controls, "train.steps", "60")
    set_field_text(w.controls, "train.preview_every", "20")
    set_field_text(w.controls, "vae.hidden", "32")
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 60, timeout=60000)
    qtbot.waitUntil(lambda: w.view.explorer is not None, timeout=30000)
    assert w.view.last["kind"] == "images"
    assert set(w.losses.curves) == {"loss", "recon", "kl"} and w.losses.point_count() == 60
    w.view.tabs.setCurrentWidget(w.view.explorer)
    before = w.view.explorer.image.image.copy()
    w.view.explorer.decode_at(2.5, -2.5)
    assert not np.array_equal(before, w.view.explorer.image.image)


def test_dragging_in_the_explorer_decodes_at_once_while_the_process_trains(qtbot, window):
    """The explorer decodes on its own CPU copy of the decoder: a drag is answered in the same
    frame, however busy training is, and newer copies follow the run at preview rate."""
    import time

    from studio.ui.panels.latent_explorer import LatentExplorer

    w = window
    w.load_preset("vae-digits")
    set_field_text(w.controls, "train.steps", "100000")
    set_field_text(w.controls, "train.preview_every", "20")
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.view.explorer is not None and w.step > 40, timeout=60000)
    ex = w.view.explorer
    assert isinstance(ex, LatentExplorer)
    w.view.tabs.setCurrentWidget(ex)
    first = ex.model
    qtbot.waitUntil(lambda: ex.model is not first, timeout=30000)  # a newer decoder came
    assert w.run.state == "running"
    (x0, x1), (y0, y1) = ex.vb.viewRange()
    took = []
    for t in np.linspace(0.2, 0.8, 6):
        before = ex.image.image.copy()
        start = time.perf_counter()
        ex.decode_at(x0 + t * (x1 - x0), y0 + (1 - t) * (y1 - y0))  # what a drag calls
        took.append(time.perf_counter() - start)
        assert not np.array_equal(before, ex.image.image)  # drawn now, no waiting on the run
    assert np.median(took) < 0.05  # within a frame or two (60 Hz), on the busy CPU too


def test_switching_to_gmm_shows_the_em_panel_and_steps(qtbot, window):
    w = window
    w.controls.model.setCurrentText("gmm")
    assert not w.view.run_controls and not w.loss_dock.isVisible()
    assert not w.controls.start_btn.isVisible()
    w.load_preset("gmm-blobs")
    panel = w.view.panel
    ll_before = len(panel.ll_curve.getData()[0] if panel.ll_curve.getData()[0] is not None else [])
    panel.btn_step.click()
    qtbot.waitUntil(lambda: not panel.animating, timeout=10000)
    assert w.view.engine.step_count == 1
    assert len(panel.ll_curve.getData()[0]) > ll_before
    set_field_text(w.controls, "gmm.k", "3")
    assert w.view.engine.k == 3
    w.presentation.play_pause()  # Space: EM plays through the same run handle
    assert w.run.state == "running" and w.view.panel.btn_play.isChecked()
    w.presentation.play_pause()
    assert w.run.state == "idle" and not w.view.panel.btn_play.isChecked()
    w.load_preset("gan-ring8")
    assert w.view.run_controls and w.loss_dock.isVisible()


def test_training_on_my_own_points_file(qtbot, window, tmp_path):
    w = window
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(500, 2)) * 0.1 + np.array([3.0, -2.0])
    np.savez(tmp_path / "mine.npz", points=pts)
    w.controls.set_value("data.path", str(tmp_path / "mine.npz"))
    small(w, steps=40)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 40, timeout=60000)
    real = w.view.samples.last["real"]
    assert np.allclose(real.mean(0), [3.0, -2.0], atol=0.1)


def test_a_missing_data_file_is_reported_not_crashed(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a[2]))
    w = window
    w.controls.set_value("data.path", str(tmp_path / "nope.npz"))
    small(w, steps=40)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=30000)
    qtbot.waitUntil(lambda: w.run.state == "idle", timeout=30000)
    assert "no such file" in shown[0] and w.controls.start_btn.isEnabled()


def test_ctrl_s_after_stop_saves_the_runs_checkpoint_from_its_folder(qtbot, window, tmp_path,
                                                                     monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from studio.core.rundir import load_checkpoint

    w = window
    small(w, steps=100000)
    start_and_wait_for_steps(qtbot, w, 30)
    with qtbot.waitSignal(w.run.state_changed, timeout=30000,
                          check_params_cb=lambda s: s == "idle"):
        w.controls.stop_btn.click()
    assert w.controls.rate_label.text() == "Stopped"
    asked = []
    target = tmp_path / "mine.pt"

    def dialog(parent, caption, start, filters):
        asked.append(start)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    with qtbot.waitSignal(w.checkpoint_saved, timeout=10000):
        w.save_action.trigger()  # Ctrl+S: the run is over, not gone
    assert asked and os.path.dirname(asked[0]) == str(w.run_dir)  # the dialog opens there
    assert os.path.basename(asked[0]).count(w.run_dir.name) == 0  # no folder name twice
    assert load_checkpoint(str(target))["step"] == w.step
    assert w.statusBar().currentMessage() == f"Saved {target}"


def test_a_run_that_reaches_its_last_step_says_finished(qtbot, window):
    w = window
    small(w, steps=60)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step >= 60, timeout=60000)
    assert w.controls.rate_label.text() == "Finished"


def test_the_2d_field_tab_is_there_for_2d_data_only(qtbot, window):
    w = window
    tabs = lambda: [w.view.tabs.tabText(i) for i in range(w.view.tabs.count())]  # noqa: E731
    assert tabs() == ["Samples", "2-D field"]
    w.load_preset("gan-digits")
    assert tabs() == ["Samples"]
    w.load_preset("gan-grid25")
    assert tabs() == ["Samples", "2-D field"]


def test_a_bad_values_reason_is_on_a_line_under_its_field(qtbot, window):
    w = window
    set_field_text(w.controls, "train.steps", "many")
    field, reason = w.controls.fields["train.steps"], w.controls.reasons["train.steps"]
    assert reason.isVisible() and "expected a number" in reason.text()
    below = field.mapTo(w.controls, field.rect().bottomLeft()).y()
    assert 0 <= reason.mapTo(w.controls, reason.rect().topLeft()).y() - below < 12
    set_field_text(w.controls, "train.steps", "500")
    assert not reason.isVisible()


def test_status_messages_never_run_into_the_device_and_state_labels(qtbot, window):
    w = window
    w.statusBar().showMessage("Opened " + "/a/very/long/folder" * 30 + "/checkpoint.pt")
    qtbot.wait(10)
    message = w.statusBar().message
    assert message.geometry().right() < w.device_label.geometry().left()
    assert message.shown_text().endswith("checkpoint.pt") and "…" in message.shown_text()
    assert message.toolTip().startswith("Opened /a/very/long")


def test_file_shortcuts_work_in_presentation_mode(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    w = window
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (asked.append("open"), ("", ""))[1])
    w.presentation.enter()
    try:
        assert not w.menuBar().isVisible()
        qtbot.keyClick(w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
        assert asked == ["open"]
        assert w.save_action in w.actions()  # Ctrl+S is the window's too, menu bar or not
    finally:
        w.presentation.leave()
