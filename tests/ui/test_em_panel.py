"""The EM panel: each button changes the model as it says; drags and clicks edit it."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from PySide6 import QtCore, QtWidgets  # noqa: E402

from studio.config import RunConfig  # noqa: E402
from studio.core.engines.gmm import GMMEngine  # noqa: E402
from studio.ui.panels.em_panel import EMPanel  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture
def panel(qtbot):
    cfg = RunConfig()
    for k, v in {"model": "gmm", "data.name": "blobs", "data.n_points": 400, "gmm.k": 3,
                 "gmm.true_k": 3, "gmm.init": "random_from_data", "train.steps": 100}.items():
        cfg.set(k, v)
    p = EMPanel(GMMEngine(cfg.validate(), torch.device("cpu")))
    qtbot.addWidget(p)
    p.resize(1000, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def _colours(p):
    return [b.color().rgb() for b in p.view.scatter.data["brush"]]


def test_e_step_colours_points_and_m_step_animates_to_new_parameters(panel, qtbot):
    c = panel.controller
    qtbot.mouseClick(panel.btn_e, QtCore.Qt.MouseButton.LeftButton)
    assert c.phase == "M" and "E-step" in panel.message.text()
    old = c.params()["means"]
    before = _colours(panel)
    panel.speed.setValue(1)  # a long (400 ms) animation
    qtbot.mouseClick(panel.btn_m, QtCore.Qt.MouseButton.LeftButton)
    assert panel.animating and c.step_count == 1 and "M-step 1" in panel.message.text()
    new = c.params()["means"]
    qtbot.waitUntil(lambda: (np.abs(_target_means(panel) - old).max() > 1e-6
                             and np.abs(_target_means(panel) - new).max() > 1e-6), timeout=3000)
    with qtbot.waitSignal(panel.sig_animation_finished, timeout=3000):
        pass
    np.testing.assert_allclose(_target_means(panel), new, rtol=1e-9, atol=1e-12)
    assert len(panel.ll_curve.getData()[0]) == 1
    assert _colours(panel) == before  # colours change at the next E-step, not the M-step
    qtbot.mouseClick(panel.btn_e, QtCore.Qt.MouseButton.LeftButton)
    assert _colours(panel) != before


def _target_means(p):
    return np.array([[t.pos().x(), t.pos().y()] for t in p.view.targets])


def test_full_step_step_back_and_reset(panel, qtbot):
    c = panel.controller
    start = c.params()["means"]
    panel.speed.setValue(30)  # animation shorter than a frame and a half: none
    for _ in range(2):
        qtbot.mouseClick(panel.btn_step, QtCore.Qt.MouseButton.LeftButton)
    assert c.step_count == 2 and len(c.ll_history) == 2 and not panel.animating
    qtbot.mouseClick(panel.btn_back, QtCore.Qt.MouseButton.LeftButton)
    assert c.step_count == 1 and c.phase == "M"
    qtbot.mouseClick(panel.btn_back, QtCore.Qt.MouseButton.LeftButton)
    assert c.step_count == 1 and c.phase == "E"
    qtbot.mouseClick(panel.btn_reset, QtCore.Qt.MouseButton.LeftButton)
    assert c.step_count == 0 and not panel.btn_back.isEnabled()
    np.testing.assert_allclose(_target_means(panel), start)


def test_play_pause_and_speed(panel, qtbot):
    c = panel.controller
    panel.speed.setValue(20)
    assert panel.play_timer.interval() == 25 and panel.speed_label.text() == "20/s"
    qtbot.mouseClick(panel.btn_play, QtCore.Qt.MouseButton.LeftButton)
    assert panel.btn_play.text() == "Pause"
    qtbot.waitUntil(lambda: c.step_count >= 3, timeout=5000)
    qtbot.mouseClick(panel.btn_play, QtCore.Qt.MouseButton.LeftButton)
    assert panel.btn_play.text() == "Play" and not panel.play_timer.isActive()
    n = c.step_count
    qtbot.wait(100)
    assert c.step_count == n


def test_run_to_convergence(panel, qtbot):
    c = panel.controller
    qtbot.mouseClick(panel.btn_run, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.btn_run.isChecked(), timeout=10000)
    assert c.converged and "Converged" in panel.message.text()
    assert len(panel.ll_curve.getData()[0]) == c.step_count
    assert np.all(np.diff(c.ll_history) > -1e-6)


def test_generate_one_dimensional_data_shows_a_histogram(panel, qtbot):
    panel.data_combo.setCurrentIndex(1)  # blobs 1-D
    panel.n_spin.setValue(300)
    qtbot.mouseClick(panel.btn_generate, QtCore.Qt.MouseButton.LeftButton)
    c = panel.controller
    assert c.dim == 1 and c.n_points == 300 and panel.view.dim == 1
    x, heights = panel.view.hist.getData()
    assert len(x) == len(heights) + 1 and heights.max() > 0
    qtbot.mouseClick(panel.btn_step, QtCore.Qt.MouseButton.LeftButton)
    grid, dens = panel.view.total.getData()
    assert np.isfinite(dens).all() and dens.max() > 0


def test_load_points_and_init_through_the_dialogs(panel, qtbot, tmp_path, monkeypatch):
    np.savetxt(tmp_path / "p.csv", np.random.default_rng(0).normal(size=(50, 2)),
               delimiter=",", header="x,y", comments="")
    np.savez(tmp_path / "init.npz", weights=[0.5, 0.5], means=[[0.0, 0.0], [1.0, 1.0]],
             covariances=[np.eye(2), np.eye(2)])
    answers = iter([str(tmp_path / "p.csv"), str(tmp_path / "init.npz")])
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (next(answers), ""))
    qtbot.mouseClick(panel.btn_load, QtCore.Qt.MouseButton.LeftButton)
    assert panel.controller.n_points == 50
    qtbot.mouseClick(panel.btn_load_init, QtCore.Qt.MouseButton.LeftButton)
    assert panel.controller.k == 2 and panel.k_spin.value() == 2 and len(panel.view.targets) == 2
    (tmp_path / "bad.csv").write_text("1,2\nnot,numbers\n")
    assert not panel.load_points(str(tmp_path / "bad.csv"))
    assert "Cannot do that" in panel.message.text() and panel.controller.n_points == 50


def test_new_start_with_k_and_covariance_type(panel, qtbot):
    panel.k_spin.setValue(5)
    panel.cov_combo.setCurrentText("diag")
    panel.init_combo.setCurrentText("random")
    qtbot.mouseClick(panel.btn_new_start, QtCore.Qt.MouseButton.LeftButton)
    c = panel.controller
    assert c.k == 5 and c.ctype == "diag" and c.init_method == "random"
    assert len(panel.view.curves) == 5


def test_drag_a_mean_and_click_to_add_and_remove_points(panel, qtbot):
    c = panel.controller
    t = panel.view.targets[0]
    t.setPos(2.5, -1.5)
    t.sigPositionChangeFinished.emit(t)
    assert c.params()["means"][0].tolist() == [2.5, -1.5]
    n = c.n_points
    vb = panel.view.getViewBox()
    where = panel.view.mapFromScene(vb.mapViewToScene(QtCore.QPointF(0.0, 0.0)))
    qtbot.mouseClick(panel.view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: c.n_points == n + 1, timeout=2000)
    added = c.pts.x[-1].numpy()
    assert np.abs(added).max() < 5 * panel.view.pick_radius()
    qtbot.wait(QtWidgets.QApplication.doubleClickInterval() + 50)  # not a double click
    qtbot.mouseClick(panel.view.viewport(), QtCore.Qt.MouseButton.LeftButton,
                     QtCore.Qt.KeyboardModifier.ShiftModifier, pos=where)
    qtbot.waitUntil(lambda: c.n_points == n, timeout=2000)


def test_choose_k_view_fills_and_uses_best_k(panel, qtbot):
    view = panel.choose_k
    view.k_max.setValue(5)
    with qtbot.waitSignal(view.sig_finished, timeout=20000) as blocker:
        qtbot.mouseClick(view.compute, QtCore.Qt.MouseButton.LeftButton)
    assert blocker.args == [3] and len(view.scores) == 5
    assert len(view.bic.getData()[0]) == 5 and "K = 3" in view.status.text()
    panel.k_spin.setValue(1)
    panel._on_new_start()
    qtbot.mouseClick(view.use, QtCore.Qt.MouseButton.LeftButton)
    assert panel.controller.k == 3


@pytest.fixture
def blobs_panel(qtbot):
    """The panel on the gmm-blobs preset, as the window opens it."""
    from studio.presets import PRESETS

    p = EMPanel(GMMEngine(PRESETS["gmm-blobs"].config(), torch.device("cpu")))
    qtbot.addWidget(p)
    p.resize(1000, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_points_are_uncoloured_until_the_first_e_step_colours_them(blobs_panel, qtbot):
    p = blobs_panel
    assert len(set(_colours(p))) == 1  # one grey: no responsibilities yet
    qtbot.mouseClick(p.btn_e, QtCore.Qt.MouseButton.LeftButton)
    assert len(set(_colours(p))) > 4  # each component's colour, and mixes between them
    p.btn_reset.click()
    assert len(set(_colours(p))) == 1  # back to the start: uncoloured again


def test_default_blobs_fit_the_best_optimum_and_bic_picks_four(blobs_panel, qtbot):
    from sklearn.mixture import GaussianMixture

    p = blobs_panel
    c = p.controller
    assert c.n_init > 1 and p.starts.value() == c.n_init
    assert f"best of {c.n_init} starts" in p.message.text()  # the view says how many
    x = c.pts.x.cpu().numpy()
    best = GaussianMixture(4, covariance_type="full", n_init=10, random_state=0).fit(x).score(x)
    p.btn_run.setChecked(True)
    qtbot.waitUntil(lambda: not p.btn_run.isChecked(), timeout=20000)
    assert c.converged and c.ll_history[-1] == pytest.approx(best, abs=2e-3)
    p.tabs.setCurrentWidget(p.choose_k)
    with qtbot.waitSignal(p.choose_k.sig_finished, timeout=60000) as done:
        p.choose_k.compute.click()
    assert done.args == [4]
    assert f"best of {c.n_init} starts" in p.choose_k.status.text()
