"""The 2-D field panel and the GAN sample panel, alone and driven by a real training worker:
layers, single steps, slow motion, drawing a distribution, live hyperparameter changes,
and generating one class from a conditional model."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from PySide6.QtCore import QEvent, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.config import RunConfig  # noqa: E402
from studio.core.engines import make_engine  # noqa: E402
from studio.ui.panels.field2d import MIN_DRAWN, Field2DPanel  # noqa: E402
from studio.ui.panels.samples import SamplePanel  # noqa: E402
from studio.ui.worker import TrainingController  # noqa: E402

torch.set_num_threads(1)


def ring_cfg(steps=100_000) -> RunConfig:
    cfg = RunConfig()
    cfg.model, cfg.data.name, cfg.data.n_points = "gan", "ring8", 1000
    cfg.gan.hidden, cfg.gan.layers, cfg.gan.latent_dim = 32, 2, 2
    cfg.train.batch_size, cfg.train.steps, cfg.train.device = 64, steps, "cpu"
    cfg.train.preview_every = 10
    return cfg.validate()


def show(qtbot, w):
    qtbot.addWidget(w)
    w.resize(700, 600)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def running(qtbot, thread_worker):
    """A worker training gan on ring8 in its thread (the tests look into its engine), with the
    field panel connected."""
    panel = show(qtbot, Field2DPanel())
    ctl = TrainingController()
    previews = []

    def connect(worker):
        panel.connect_worker(worker, ctl)
        worker.preview.connect(previews.append)

    worker = ctl.start(ring_cfg(), connect=connect)
    qtbot.waitUntil(lambda: panel.updates > 0, timeout=20000)
    yield panel, ctl, worker, previews
    ctl.wait()


def pause(qtbot, ctl):
    ctl.pause()
    qtbot.waitUntil(lambda: ctl.state == "paused", timeout=10000)


def test_field_layers_show_the_engines_field_and_toggle(qtbot):
    panel = show(qtbot, Field2DPanel())
    e = make_engine(ring_cfg())
    for _ in range(5):
        e.step()
    p = e.preview()
    with qtbot.waitSignal(panel.layers_changed, timeout=2000) as sig:
        panel.show_field(p)
        panel.checks["arrows"].setChecked(False)
    assert sig.args[0]["arrows"] is False and sig.args[0]["heat"] is True
    f = p["field"]
    assert panel.heat.image.shape == f["heat"].shape
    assert panel.fake.data.size == len(f["fake"]) and panel.real.data.size == len(f["real"])
    xs, ys = panel.arrows.getData()
    assert len(xs) == 2 * len(f["fake"])
    np.testing.assert_allclose(np.c_[xs[0::2], ys[0::2]], f["fake"], rtol=1e-6)
    longest = np.hypot(xs[1::2] - xs[0::2], ys[1::2] - ys[0::2]).max()
    assert longest == pytest.approx(0.08 * (f["extent"][1] - f["extent"][0]), rel=1e-4)
    gx, _ = panel.grid.getData()
    assert np.isfinite(gx).sum() == sum(g.shape[0] * g.shape[1] for g in f["grid_lines"])
    r = panel.heat.mapRectToParent(panel.heat.boundingRect())
    assert (r.left(), r.right()) == pytest.approx(f["extent"][:2])
    assert not panel.arrows.isVisible() and panel.heat.isVisible()
    panel.checks["heat"].setChecked(False)
    panel.checks["grid"].setChecked(False)
    assert not panel.heat.isVisible() and not panel.grid.isVisible()
    assert panel.layers() == {"heat": False, "real": True, "fake": True, "arrows": False,
                              "grid": False, "drawing": True}
    panel.show_field({"kind": "images", "grid": np.zeros((4, 4, 3))})  # not a field: ignored
    assert panel.updates == 1


def test_single_steps_while_paused(qtbot, running):
    panel, ctl, worker, previews = running
    pause(qtbot, ctl)
    e = worker.engine
    step, d_before, g_before = e.step_count, e.D.state_dict(), e.G.state_dict()
    d_before = {k: v.clone() for k, v in d_before.items()}
    g_before = {k: v.clone() for k, v in g_before.items()}
    # Waits poll from this thread: a waitSignal on the worker's own signals would run its
    # slot in the worker's thread.
    n = panel.updates
    qtbot.mouseClick(panel.d_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.updates > n, timeout=10000)
    assert e.step_count == step
    assert all(torch.equal(v, e.G.state_dict()[k]) for k, v in g_before.items())
    assert not all(torch.equal(v, e.D.state_dict()[k]) for k, v in d_before.items())
    assert worker.history["loss_d"][-1] == pytest.approx(float(e._last["loss_d"]))
    n = panel.updates
    qtbot.mouseClick(panel.g_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.updates > n, timeout=10000)
    assert e.step_count == step + 1
    n = panel.updates
    qtbot.mouseClick(panel.both_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.updates > n, timeout=10000)
    assert e.step_count == step + 2
    assert panel.last["step"] == step + 2
    assert ctl.state == "paused"


def test_slow_motion_pauses_and_steps_on_a_timer(qtbot, running):
    panel, ctl, worker, _ = running
    panel.slow_rate.setValue(30)
    panel.slow.setChecked(True)
    qtbot.waitUntil(lambda: ctl.state == "paused", timeout=10000)
    start = worker.engine.step_count
    qtbot.waitUntil(lambda: worker.engine.step_count >= start + 3, timeout=10000)
    panel.slow.setChecked(False)
    assert not panel.slow_timer.isActive()


def drag(qtbot, panel: Field2DPanel, path):
    """Press, move along `path` (view coordinates), release: mouse events as a user's."""
    vp = panel.plot.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(kind, xy, button, buttons):
        pos = panel.plot.mapFromScene(panel.vb.mapViewToScene(QPointF(*xy)))
        QApplication.sendEvent(vp, QMouseEvent(kind, QPointF(pos), QPointF(vp.mapToGlobal(pos)),
                                               button, buttons, Qt.KeyboardModifier.NoModifier))

    send(QEvent.Type.MouseButtonPress, path[0], left, left)
    for xy in path[1:]:
        # pyqtgraph drops moves that come faster than ~60 a second: repeat until one lands.
        n = len(panel.drawn_points())
        qtbot.waitUntil(lambda: send(QEvent.Type.MouseMove, xy, none, left)
                        or len(panel.drawn_points()) > n, timeout=5000)
    send(QEvent.Type.MouseButtonRelease, path[-1], left, none)


def test_drawing_a_distribution_and_training_on_it(qtbot, running):
    panel, ctl, worker, _ = running
    pause(qtbot, ctl)
    (x0, x1), (y0, y1) = panel.vb.viewRange()
    panel.draw_check.setChecked(True)
    # A horizontal stroke across the upper half of the view.
    y = y0 + 0.75 * (y1 - y0)
    path = [(x0 + (x1 - x0) * t, y) for t in np.linspace(0.2, 0.8, 8)]
    drag(qtbot, panel, path)
    pts = panel.drawn_points()
    assert len(pts) >= MIN_DRAWN and panel.train_btn.isEnabled()
    assert np.abs(pts[:, 1] - y).max() < 0.1 * (y1 - y0)
    assert pts[:, 0].min() < x0 + 0.35 * (x1 - x0) and pts[:, 0].max() > x0 + 0.65 * (x1 - x0)
    assert panel.vb.viewRange()[0] == pytest.approx([x0, x1])  # drawing did not pan
    with qtbot.waitSignal(panel.points_drawn, timeout=2000) as sig:
        qtbot.mouseClick(panel.train_btn, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(sig.args[0], pts)
    qtbot.waitUntil(lambda: worker.engine.data.name == "drawing", timeout=10000)
    assert len(worker.engine.data) == len(pts)
    n = panel.updates
    ctl.resume()
    qtbot.waitUntil(lambda: panel.updates > n + 1, timeout=20000)
    np.testing.assert_allclose(np.sort(panel.last["real"][:, 1]).mean(), y, atol=0.1 * (y1 - y0))
    panel.clear_drawing()
    assert len(panel.drawn_points()) == 0 and not panel.train_btn.isEnabled()


def test_live_hyperparameter_change_takes_effect_at_the_next_step(qtbot, running):
    panel, ctl, worker, previews = running
    new = ring_cfg()
    new.set("gan.lr_d", 3e-3)
    new.set("gan.loss", "lsgan")
    new.set("gan.d_steps", 2)
    worker.request_hyperparameters(new)
    e = worker.engine
    qtbot.waitUntil(lambda: e.cfg.gan.loss == "lsgan", timeout=10000)
    assert e.opt_d.param_groups[0]["lr"] == 3e-3 and e.cfg.gan.d_steps == 2
    n = len(previews)
    qtbot.waitUntil(lambda: len(previews) > n + 1, timeout=20000)
    assert previews[-1]["field"]["heat_label"] == "D score (lsgan)"


def test_conditional_sample_panel_rows_and_label_picker(qtbot):
    cfg = RunConfig()
    cfg.model, cfg.data.name, cfg.data.image_size = "gan", "digits", 8
    cfg.gan.conditional, cfg.gan.hidden, cfg.gan.layers = True, 32, 1
    cfg.train.batch_size, cfg.train.device = 32, "cpu"
    e = make_engine(cfg.validate())
    e.step()
    panel = show(qtbot, SamplePanel())
    assert not panel.label_box.isVisible()
    panel.show_preview(e.preview())
    assert panel.label_box.isVisible() and panel.label_pick.count() == 10
    assert [t.toPlainText() for t in panel._row_texts] == [str(k) for k in range(10)]
    ys = [t.pos().y() for t in panel._row_texts]
    assert ys == sorted(ys) and ys[-1] < e.preview()["grid"].shape[0]
    panel.label_pick.setCurrentText("7")
    with qtbot.waitSignal(panel.generate_requested, timeout=2000) as sig:
        qtbot.mouseClick(panel.generate_btn, Qt.MouseButton.LeftButton)
    assert sig.args == ["7", 16]
    panel.show_preview(e.generate_preview(*sig.args))
    assert panel.gen_view.isVisible() and "Label 7" in panel.gen_caption.text()
    panel.show_preview(e.generate_preview("seventy", 4))
    assert "Cannot generate" in panel.gen_caption.text()


def test_sample_panel_behind_another_tab_draws_its_latest_preview_when_shown(qtbot):
    from PySide6.QtWidgets import QTabWidget

    e = make_engine(ring_cfg())
    tabs = QTabWidget()
    panel = SamplePanel()
    tabs.addTab(Field2DPanel(), "field")
    tabs.addTab(panel, "samples")
    show(qtbot, tabs)
    first = e.preview()
    e.step()
    second = e.preview()
    panel.show_preview(first)
    panel.show_preview(second)
    assert panel.updates == 2 and panel.last is second
    assert len(panel.fake.data) == 0  # hidden: nothing drawn yet (the GUI thread is spared)
    tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: len(panel.fake.data) == len(second["fake"]), timeout=2000)
    np.testing.assert_allclose(panel.fake.getData()[0], second["fake"][:, 0], rtol=1e-6)
    assert f"step {second['step']:,}" in panel.caption.text()
