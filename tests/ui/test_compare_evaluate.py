"""The Runs panel: several runs compared (curves overlaid, one step slider over their
pictures, a PNG of it), Evaluate in the background with its numbers in the list, and
File > Export > Model."""
import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QItemSelectionModel, QTimer  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QFileDialog  # noqa: E402

from studio.cli import main as cli_main  # noqa: E402
from studio.ui import exports  # noqa: E402
from studio.ui.main_window import MainWindow  # noqa: E402
from studio.ui.panels.compare import smooth  # noqa: E402
from studio.ui.panels.run_evaluation import EvaluateTask  # noqa: E402
from studio.ui.panels.runs import METRICS_COL, RunsPanel  # noqa: E402

STEPS = {"short": 30, "middle": 40, "long": 60}


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    for i, (name, steps) in enumerate(STEPS.items()):
        assert cli_main(["train", "--preset", "gan-ring8", "--out", str(root / name), "--steps",
                         str(steps), "--quiet", "--seed", str(i), "--set=gan.hidden=16",
                         "--set=data.n_points=400", "--set=train.preview_every=10"]) == 0
    return root


@pytest.fixture
def panel(qtbot, three_runs, monkeypatch):
    monkeypatch.setenv("GENERATIVE_STUDIO_CACHE", str(three_runs.parent / "cache"))
    p = RunsPanel(lambda: three_runs)
    qtbot.addWidget(p)
    p.show()
    p.refresh()
    yield p
    p.close_tasks()
    if p.compare_view is not None:
        p.compare_view.close()


def select_all(p) -> None:
    model = p.tree.selectionModel()
    for i in range(p.tree.topLevelItemCount()):
        index = p.tree.indexFromItem(p.tree.topLevelItem(i))
        model.select(index, QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)


def test_compare_overlays_three_runs_and_steps_their_pictures_together(qtbot, panel, tmp_path):
    p = panel
    assert not p.compare_btn.isEnabled()
    select_all(p)
    assert p.compare_btn.isEnabled()
    p.compare_btn.click()
    view = p.compare_view
    qtbot.addWidget(view)
    assert sorted(r.name for r in view.runs) == sorted(STEPS)
    names = [label.text for _, label in view.legend.items]
    assert sorted(names) == sorted(STEPS)  # one named curve per run
    assert view.metric_box.currentText() == "loss_d"
    view.smoothing.setValue(0)
    for run, curve in zip(view.runs, view.curves):
        x, y = curve.getData()
        assert len(x) == STEPS[run.name]
        np.testing.assert_allclose(y, run.rows["loss_d"])
    colours = {curve.opts["pen"].color().name() for curve in view.curves}
    assert len(colours) == 3
    view.smoothing.setValue(90)
    x, y = view.curves[0].getData()
    np.testing.assert_allclose(y, smooth(view.runs[0].rows["loss_d"], 0.9))
    assert np.std(np.diff(y)) < np.std(np.diff(view.runs[0].rows["loss_d"]))

    view.set_step(20)
    assert view.step_label.text() == "20"
    assert {n: v.name for n, v in view.shown.items()} == {n: "step_0000020.png" for n in STEPS}
    assert all(not pic.pixmap().isNull() for pic in view.pictures)
    view.set_step(50)  # the short run stopped at 30: its last picture stays
    assert {n: v.name for n, v in view.shown.items()} == {
        "short": "step_0000030.png", "middle": "step_0000040.png", "long": "step_0000050.png"}
    assert "step 30" in view.captions[[r.name for r in view.runs].index("short")].text()

    out = tmp_path / "comparison.png"
    view.export_png(out)
    image = QImage(str(out))
    assert not image.isNull() and image.width() >= view.width()


def test_evaluate_runs_in_the_background_and_fills_the_columns(qtbot, panel, three_runs):
    p = panel
    run = three_runs / "long"
    p.open_run(run)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    assert p.evaluate(n=200)
    assert p.eval_progress.isVisible() and p.evaluate_btn.text() == "Cancel evaluation"
    qtbot.waitUntil(lambda: p.task is None, timeout=60000)
    timer.stop()
    assert ticks  # the window's event loop ran meanwhile
    result = json.loads((run / "evaluation.json").read_text())
    item = p._item_for(run)
    assert item.text(6) == f"{result['precision']:.3g}" and item.text(7) != ""
    assert item.text(5) == f"{result['fd_points']:.4g}"
    assert "precision" in p.status.text() and not p.eval_progress.isVisible()
    assert "loss_d" in item.text(METRICS_COL)
    p.refresh()  # read again from evaluation.json
    assert p._item_for(run).text(6) == f"{result['precision']:.3g}"


def test_evaluate_can_be_cancelled_and_a_bad_run_is_one_line(qtbot, panel, three_runs, tmp_path):
    p = panel
    p.open_run(three_runs / "short")
    assert p.evaluate(n=200)
    p.evaluate_btn.click()  # now "Cancel evaluation": stops at the next stage
    qtbot.waitUntil(lambda: p.task is None, timeout=60000)
    assert p.evaluate_btn.text() == "Evaluate" and not p.eval_progress.isVisible()
    task = EvaluateTask(three_runs / "middle", 200)
    task.cancel()
    with qtbot.waitSignal(task.failed, timeout=60000) as blocker:
        task.start()
    task.wait()
    assert blocker.args == [""]  # cancelled, not an error
    assert not (three_runs / "middle" / "evaluation.json").exists()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "checkpoint.pt").write_bytes(b"not a checkpoint")
    assert p.evaluate(tmp_path / "broken", n=50)
    qtbot.waitUntil(lambda: p.task is None, timeout=60000)
    assert p.status.text().startswith("Could not evaluate:") and "\n" not in p.status.text()


def test_file_export_model_writes_the_open_run(qtbot, three_runs, tmp_path, monkeypatch):
    w = MainWindow("gan-ring8")
    qtbot.addWidget(w)
    w.show()
    w.runs_dock.raise_()
    w.runs.add_folder(three_runs)
    w.runs.open_run(three_runs / "middle")
    qtbot.waitUntil(lambda: w.runs.shows_run(), timeout=5000)
    folder = tmp_path / "exported"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    action = next(a for a in w.findChildren(type(w.open_action)) if "TorchScript" in a.text())
    action.trigger()
    import importlib.util

    onnx = ["generator.onnx"] if importlib.util.find_spec("onnx") else []  # an optional extra
    assert sorted(os.listdir(folder)) == sorted(["generate.py", "generator.pt", "model.json",
                                                 *onnx])
    assert json.loads((folder / "model.json").read_text())["step"] == 40
    assert "generate.py" in w.statusBar().currentMessage()
    with pytest.raises(ValueError, match="--overwrite"):
        exports.export_model(w, folder, three_runs / "long")
    w.run.close()
