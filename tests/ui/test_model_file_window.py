"""Own networks in the window: Model > Load model file…, a run on them with curves and
samples, a bad file's line under the field, and a changed file asked about on resume."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402

from studio.ui import model_file  # noqa: E402
from studio.ui.main_window import MainWindow  # noqa: E402
from studio.ui.panels.controls import set_field_text  # noqa: E402
from tests import model_files as mf  # noqa: E402


@pytest.fixture
def window(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    w = MainWindow("gan-ring8")
    qtbot.addWidget(w)
    w.show()
    w.shown = shown
    for key, value in (("gan.pack", "1"), ("gan.latent_dim", "4"), ("train.steps", "30"),
                       ("train.preview_every", "10"), ("train.device", "cpu")):
        set_field_text(w.controls, key, value)
    yield w
    w.run.close()


def reason(w, key) -> str:
    label = w.controls.reasons[key]
    return label.text() if not label.isHidden() else ""


def test_the_menu_loads_a_file_and_the_run_trains_it(qtbot, window, tmp_path, monkeypatch):
    w = window
    path = mf.write(tmp_path, "mine.py", mf.MLP_GAN_2D)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    action = next(a for a in w.model_menu.actions() if "Load model file" in a.text())
    action.trigger()
    assert w.controls.cfg.gan.model_file == str(path)
    assert w.controls.fields["gan.model_file"].text() == str(path)
    assert reason(w, "gan.model_file") == ""
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 30, timeout=60000)
    assert not w.shown
    assert w.losses.point_count() >= 30
    assert w.view.samples.last["fake"].shape[1] == 2
    assert np.isfinite(w.view.samples.last["fake"]).all()
    assert (w.run_dir / "samples" / "step_0000030.png").is_file()
    builtin = next(a for a in w.model_menu.actions() if "studio's" in a.text())
    builtin.trigger()
    assert w.controls.cfg.gan.model_file == "" and w.controls.is_valid()


@pytest.mark.parametrize("bad", ["WRONG_SHAPE", "FAILS_TO_BUILD"])
def test_a_file_that_fails_its_trial_pass_is_one_line_under_the_field(qtbot, window, tmp_path,
                                                                     bad):
    w = window
    source, line, words = getattr(mf, bad)
    path = mf.write(tmp_path, "bad.py", source)
    assert model_file.load_model_file(w, str(path))  # it compiles: checked at Start
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and reason(w, "gan.model_file") != "",
                    timeout=60000)
    text = reason(w, "gan.model_file")
    assert f"{path}, line {line}" in text and words in text and "\n" not in text
    assert not w.shown  # no dialog: the line is in the panel
    assert w.controls.start_btn.isEnabled()  # fix the file and press Start again
    if bad != "WRONG_SHAPE":
        return
    mf.write(tmp_path, "bad.py", mf.MLP_GAN_2D)
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 30, timeout=60000)
    assert not w.shown


def test_a_syntax_error_is_marked_when_the_file_is_picked_without_running_it(qtbot, window,
                                                                            tmp_path):
    w = window
    source, line, words = mf.SYNTAX_ERROR
    path = mf.write(tmp_path, "bad.py", source)
    assert not model_file.load_model_file(w, str(path))
    text = reason(w, "gan.model_file")
    assert f"{path}, line {line}" in text and words in text
    trace = mf.write(tmp_path, "trace.py", mf.LEAVES_A_TRACE)
    assert model_file.load_model_file(w, str(trace))
    assert reason(w, "gan.model_file") == ""
    assert not (tmp_path / "the_file_ran").exists()  # picking a file runs none of it


def test_a_family_without_model_files_says_which_do(qtbot, window):
    w = window
    w.load_preset("gmm-blobs")
    assert not model_file.load_model_file(w, "/nowhere/mine.py")
    assert "gan, ae, vae" in w.controls.error_label.text()


def test_resuming_after_the_file_changed_asks(qtbot, window, tmp_path, monkeypatch):
    w = window
    path = mf.write(tmp_path, "mine.py", mf.MLP_GAN_2D)
    assert model_file.load_model_file(w, str(path))
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 30, timeout=60000)
    checkpoint = w.run_dir / "checkpoint.pt"
    path.write_text(mf.MLP_GAN_2D + "\n# edited\n")
    asked = []

    def answer(reply):
        def question(*a, **k):
            asked.append(a[2])
            return reply
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert not w.open_checkpoint(str(checkpoint))
    assert "changed since the checkpoint" in asked[-1]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert w.open_checkpoint(str(checkpoint))
    set_field_text(w.controls, "train.steps", "40")
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: w.run.state == "idle" and w.step == 40, timeout=60000)
    assert not w.shown
