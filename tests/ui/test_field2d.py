"""The 2-D field panel and the GAN sample panel, alone and driven by a real run in its
training process (through the GAN view and its run handle): layers, single steps, slow
motion, drawing a distribution, live hyperparameter changes, and generating one class from a
conditional model."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import shiboken6  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from PySide6.QtCore import QEvent, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.config import RunConfig  # noqa: E402
from studio.core.engines import make_engine  # noqa: E402
from studio.ui.panels.field2d import MIN_DRAWN, Field2DPanel  # noqa: E402
from studio.ui.panels.samples import SamplePanel  # noqa: E402
from studio.core.rundir import load_checkpoint  # noqa: E402

torch.set_num_threads(1)


def ring_cfg(steps=100_000) -> RunConfig:
    cfg = RunConfig()
    cfg.model, cfg.data.name, cfg.data.n_points = "gan", "ring8", 1000
    cfg.gan.hidden, cfg.gan.layers, cfg.gan.latent_dim = 32, 2, 2
    cfg.train.batch_size, cfg.train.steps, cfg.train.device = 64, steps, "cpu"
    cfg.train.preview_every = 10
    return cfg.validate()


def show(qtbot, w):
    qtbot.held(w)
    w.resize(700, 600)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture(autouse=True)
def _held(qtbot, held):
    qtbot.held = held  # show() keeps what it shows alive until the test's teardown


@pytest.fixture
def running(qtbot, tmp_path):
    """gan on ring8 training in its process, shown by the GAN view as the window shows it."""
    from studio.ui.views import make_view

    view = make_view(ring_cfg())
    panel = view.field
    show(qtbot, view.widget)
    previews = []
    view.handle.event.connect(view.on_event)
    view.handle.event.connect(lambda e: e.kind == "preview" and previews.append(e.data["preview"]))
    view.handle.start(ring_cfg(), tmp_path / "run")
    qtbot.waitUntil(lambda: panel.updates > 0, timeout=60000)
    yield panel, view.handle, previews, tmp_path
    view.close()
    # Deleted now: left to the next test's event loop, the view's pyqtgraph items could be
    # collected first (this frame holds them in a cycle), their C++ halves still asked to paint.
    shiboken6.delete(view.widget)


def pause(qtbot, run):
    run.pause(True)
    qtbot.waitUntil(lambda: run.state == "paused", timeout=10000)


def saved(qtbot, run, path):
    """The run's state now, as a checkpoint it writes on request."""
    with qtbot.waitSignal(run.event, timeout=20000,
                          check_params_cb=lambda e: e.kind == "saved" and e.data["path"] == str(path)):
        run.request("save", str(path))
    return load_checkpoint(path)


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
    panel, run, previews, tmp = running
    pause(qtbot, run)
    before = saved(qtbot, run, tmp / "0.pt")
    step = before["step"]

    def changed(a, b, net):
        return not all(torch.equal(v, b["engine"][net][k]) for k, v in a["engine"][net].items())
    n = panel.updates
    qtbot.mouseClick(panel.d_btn, Qt.MouseButton.LeftButton)  # one D update
    qtbot.waitUntil(lambda: panel.updates > n, timeout=10000)
    after_d = saved(qtbot, run, tmp / "d.pt")
    assert after_d["step"] == step and changed(before, after_d, "D")
    assert not changed(before, after_d, "G")
    n = panel.updates
    qtbot.mouseClick(panel.g_btn, Qt.MouseButton.LeftButton)  # one G update: a step
    qtbot.waitUntil(lambda: panel.updates > n, timeout=10000)
    after_g = saved(qtbot, run, tmp / "g.pt")
    assert after_g["step"] == step + 1 and changed(after_d, after_g, "G")
    assert not changed(after_d, after_g, "D")
    n = panel.updates
    qtbot.mouseClick(panel.both_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.updates > n, timeout=10000)
    assert panel.last["step"] == step + 2
    assert saved(qtbot, run, tmp / "both.pt")["step"] == step + 2
    assert run.state == "paused"


def test_slow_motion_pauses_and_steps_on_a_timer(qtbot, running):
    panel, run, _, _ = running
    panel.slow_rate.setValue(30)
    panel.slow.setChecked(True)
    qtbot.waitUntil(lambda: run.state == "paused", timeout=10000)
    start = panel.last["step"]
    qtbot.waitUntil(lambda: panel.last["step"] >= start + 3, timeout=10000)
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
    panel, run, _, _ = running
    pause(qtbot, run)
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
    # The run answers with a preview of the drawing: its real points are the drawn ones.
    qtbot.waitUntil(lambda: np.isin(panel.last["real"], pts).all(), timeout=10000)
    n = panel.updates
    run.pause(False)
    qtbot.waitUntil(lambda: panel.updates > n + 1, timeout=20000)
    np.testing.assert_allclose(np.sort(panel.last["real"][:, 1]).mean(), y, atol=0.1 * (y1 - y0))
    panel.clear_drawing()
    assert len(panel.drawn_points()) == 0 and not panel.train_btn.isEnabled()


def test_live_hyperparameter_change_takes_effect_at_the_next_step(qtbot, running):
    panel, run, previews, tmp = running
    new = ring_cfg()
    new.set("gan.lr_d", 3e-3)
    new.set("gan.loss", "lsgan")
    new.set("gan.d_steps", 2)
    new.set("gan.lr_decay_from", 1.0)
    run.request("hyper", new)
    ck = saved(qtbot, run, tmp / "now.pt")  # answered after the change, in order
    assert ck["config"].gan.loss == "lsgan" and ck["config"].gan.d_steps == 2
    assert ck["engine"]["opt_d"]["param_groups"][0]["lr"] == pytest.approx(3e-3)
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
