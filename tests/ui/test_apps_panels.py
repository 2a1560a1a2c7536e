"""The CycleGAN and text-to-image panels in the window: before, during and after a run."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from studio.ui.main_window import MainWindow  # noqa: E402
from studio.ui.panels.controls import set_field_text  # noqa: E402


@pytest.fixture
def make_window(qtbot):
    made = []

    def make(preset, **fields):
        w = MainWindow(preset)
        qtbot.addWidget(w)
        for key, value in fields.items():
            set_field_text(w.controls, key.replace("__", "."), str(value))
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.run.close()


def wait_idle(qtbot, w):
    qtbot.waitUntil(lambda: w.run.state == "idle", timeout=60000)


def test_text2img_caption_box_before_during_and_after_training(qtbot, make_window):
    w = make_window("text2img-digits", train__steps=400, train__preview_every=5,
                    train__device="cpu")
    panel = w.view.panel
    assert w.losses.plots and len(w.losses.plots) == 2
    assert panel.hint.isVisibleTo(panel)
    panel.text.setText("the digit seven")
    panel.go.click()
    assert "Press Start" in panel.status.text()  # no model yet: a hint, no crash

    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: panel.updates >= 1, timeout=60000)
    assert panel.rows.row_texts()[0] == "the digit zero" and not panel.hint.isVisibleTo(panel)
    # The typed caption is drawn with the run's first preview, unasked.
    qtbot.waitUntil(lambda: panel.caption_result is not None, timeout=60000)
    assert panel.caption_result["text"] == "the digit seven"
    panel.text.setText("数字七")
    panel.go.click()  # a request to the training process, answered between steps
    qtbot.waitUntil(lambda: panel.caption_result["text"] == "数字七", timeout=60000)
    first = panel.caption_result
    assert first["text"] == "数字七" and first["grid"].shape[2] == 3
    # Redrawn with later previews, from the model as it is then.
    qtbot.waitUntil(lambda: panel.caption_result is not first
                    and panel.caption_result["step"] > first["step"], timeout=60000)
    w.controls.stop_btn.click()
    wait_idle(qtbot, w)

    panel.text.setText("the digit one")
    panel.other.setText("the digit eight")
    panel.go.click()  # the run is over: its session, still there, draws from the last model
    qtbot.waitUntil(lambda: panel.caption_result["other"] == "the digit eight", timeout=30000)
    assert panel.caption_result["grid"].shape[0] == 2 + 4 * 18
    assert "→" in panel.status.text()
    panel.text.setText("zebra")
    panel.other.clear()
    panel.go.click()
    qtbot.waitUntil(lambda: "Cannot draw" in panel.status.text(), timeout=30000)
    assert w.view.image_array().dtype == np.uint8


def test_cyclegan_rows_and_weight_sliders(qtbot, make_window):
    w = make_window("cyclegan-digits-colour", train__steps=100000, train__preview_every=5,
                    train__device="cpu")
    panel = w.view.panel
    assert len(w.losses.plots) == 3
    slider = panel.sliders["cyclegan.lambda_cycle"]
    assert slider.value() == 20  # 10 in steps of 0.5
    w.controls.start_btn.click()
    qtbot.waitUntil(lambda: panel.updates >= 1, timeout=60000)
    assert panel.rows.row_texts()[:3] == ["A: digits", "G(A): A → B", "F(G(A)): back to A"]
    assert len(panel.rows.row_texts()) == 6
    slider.setValue(6)  # cycle weight 3, sent to the running model
    assert w.controls.cfg.cyclegan.lambda_cycle == 3.0
    qtbot.waitUntil(lambda: panel.last["lambda_cycle"] == 3.0, timeout=60000)
    assert slider.value() == 6
    qtbot.waitUntil(lambda: w.losses.point_count() >= 10, timeout=60000)
    w.controls.stop_btn.click()
    wait_idle(qtbot, w)
    assert "cycle error" in panel.caption.text()


def test_a_new_run_ends_the_previous_runs_session_and_answers_alone(qtbot, make_window):
    w = make_window("text2img-digits", train__steps=6, train__preview_every=3,
                    train__device="cpu")
    processes = []
    for _ in range(2):
        w.controls.start_btn.click()
        qtbot.waitUntil(lambda: w.run.state == "running", timeout=60000)
        processes.append(w.run.transport.process)
        wait_idle(qtbot, w)
    assert not processes[0].is_alive() and processes[1].is_alive()  # the second lingers
    answers = []
    w.run.event.connect(lambda e: e.kind == "preview" and "caption" in str(e.data["preview"].get(
        "kind", "")) and answers.append(e))
    w.view.panel.text.setText("the digit two")
    w.view.panel.go.click()
    qtbot.waitUntil(lambda: w.view.panel.caption_result["text"] == "the digit two",
                    timeout=30000)
