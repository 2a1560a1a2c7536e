"""The EM panel: step a Gaussian mixture through E- and M-steps and watch it fit.

It drives a GMMEngine-like controller directly in the GUI thread: one EM iteration on
10,000 2-D points takes about a millisecond, and "run to convergence" works in slices of
~30 ms per timer tick so the window keeps painting.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ..flow import FlowLayout
from ..i18n import config_text, engine_message
from .em_bic import ChooseKView
from .em_plot import MixtureView

DATA_CHOICES = [(QtCore.QT_TRANSLATE_NOOP("EMPanel", "blobs (true mixture)"), "blobs", 2),
                (QtCore.QT_TRANSLATE_NOOP("EMPanel", "blobs 1-D (true mixture)"), "blobs", 1),
                (QtCore.QT_TRANSLATE_NOOP("EMPanel", "ring8"), "ring8", 2),
                (QtCore.QT_TRANSLATE_NOOP("EMPanel", "grid25"), "grid25", 2),
                (QtCore.QT_TRANSLATE_NOOP("EMPanel", "moons"), "moons", 2),
                (QtCore.QT_TRANSLATE_NOOP("EMPanel", "spiral"), "spiral", 2)]
FRAME_MS = 16
RUN_SLICE_S = 0.03


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


class EMPanel(QtWidgets.QWidget):
    """Signals: sig_changed after every change of the model or data (for other views);
    sig_animation_finished when an M-step animation ends."""

    sig_changed = QtCore.Signal()
    sig_animation_finished = QtCore.Signal()

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._seed = 0
        self._anim_from: dict | None = None
        self._anim_to: dict | None = None
        self._anim_t0 = 0.0
        self._anim_ms = 300.0
        self._build()
        self.anim_timer = QtCore.QTimer(self, interval=FRAME_MS)
        self.anim_timer.timeout.connect(self._on_anim_frame)
        self.play_timer = QtCore.QTimer(self)
        self.play_timer.timeout.connect(self._on_play_tick)
        self.run_timer = QtCore.QTimer(self, interval=0)
        self.run_timer.timeout.connect(self._on_run_tick)
        self._connect()
        self._on_speed(self.speed.value())
        self.refresh(autorange=True)

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        c = self.controller
        self.view = MixtureView()
        self.ll_plot = pg.PlotWidget(background="w")
        self.ll_plot.setLabel("bottom", self.tr("iteration"))
        self.ll_plot.setLabel("left", self.tr("mean log-likelihood ℓ"))
        self.ll_curve = self.ll_plot.plot(pen=pg.mkPen((31, 119, 180), width=2), symbol="o",
                                          symbolSize=5, symbolBrush=(31, 119, 180))
        self.choose_k = ChooseKView(c)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(self.ll_plot, self.tr("Log-likelihood"))
        self.tabs.addTab(self.choose_k, self.tr("Choose K"))
        split = QtWidgets.QSplitter()
        split.addWidget(self.view)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        def button(text, tip):
            b = QtWidgets.QPushButton(text)
            b.setToolTip(tip)
            return b

        self.btn_e = button(self.tr("E-step"),
                            self.tr("Responsibilities r_nk under the current parameters"))
        self.btn_m = button(self.tr("M-step"),
                            self.tr("New weights, means, covariances from r_nk (animated)"))
        self.btn_step = button(self.tr("Full step"), self.tr("One EM iteration: E then M"))
        self.btn_back = button(self.tr("Step back"),
                               self.tr("Undo the last E-step, M-step or edit"))
        self.btn_play = button(self.tr("Play"), self.tr("Step on and on at the chosen speed"))
        self.btn_play.setCheckable(True)
        self.btn_reset = button(self.tr("Reset"), self.tr("Back to the starting parameters"))
        self.btn_run = button(self.tr("Run to convergence"),
                              self.tr("Iterate without animation until |Δℓ| < tol"))
        self.btn_run.setCheckable(True)
        self.speed = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal, minimum=1, maximum=30,
                                       value=4)
        self.speed.setToolTip(self.tr("Iterations per second while playing"))
        self.speed_label = QtWidgets.QLabel()
        self.speed.setMinimumWidth(80)
        controls = FlowLayout.of((self.btn_e, self.btn_m, self.btn_step, self.btn_back,
                                  self.btn_play, self.speed, self.speed_label, self.btn_reset,
                                  self.btn_run))

        self.data_combo = QtWidgets.QComboBox()
        for text, _, _ in DATA_CHOICES:
            self.data_combo.addItem(QtCore.QCoreApplication.translate("EMPanel", text))
        self.n_spin = QtWidgets.QSpinBox(minimum=20, maximum=200_000, value=max(20, c.n_points),
                                         singleStep=500)
        self.btn_generate = button(self.tr("Generate"), self.tr("New points from the chosen set"))
        self.btn_load = button(self.tr("Load points…"),
                               self.tr("A .csv (optional header) or .npz of points"))
        self.btn_load_init = button(self.tr("Load init…"),
                                    self.tr("A .npz with weights, means, covariances"))
        self.k_spin = QtWidgets.QSpinBox(minimum=1, maximum=64, value=c.k)
        self.cov_combo = QtWidgets.QComboBox()
        self.init_combo = QtWidgets.QComboBox()
        # Shown as the form shows them (context "config"); the engine gets the names.
        for box, names in ((self.cov_combo, ("full", "tied", "diag", "spherical")),
                           (self.init_combo, ("kmeans++", "random", "random_from_data"))):
            for name in names:
                box.addItem(config_text(name), name)
        self.cov_combo.setCurrentIndex(self.cov_combo.findData(c.ctype))
        self.starts = QtWidgets.QSpinBox(minimum=1, maximum=20,
                                         value=int(getattr(c, "n_init", 1)))
        self.starts.setPrefix(self.tr("starts "))
        self.starts.setToolTip(self.tr("EM is run from this many starting points and the best "
                                       "fit is kept (one start can land in a poor optimum); "
                                       "the steps then show the fit from the best start. Choose "
                                       "K uses as many."))
        self.btn_new_start = button(self.tr("New start"),
                                    self.tr("New starting parameters (K, type, init, starts)"))
        self.show_truth = QtWidgets.QCheckBox(self.tr("true mixture"), checked=True)
        data_row = FlowLayout.of((self.data_combo, QtWidgets.QLabel("N"), self.n_spin,
                                  self.btn_generate, self.btn_load, self.show_truth,
                                  QtWidgets.QLabel("  K"), self.k_spin, self.cov_combo,
                                  self.init_combo, self.starts, self.btn_new_start,
                                  self.btn_load_init))

        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMinimumHeight(48)
        self.hint = QtWidgets.QLabel(self.tr("Click: add a point · Shift+click: remove one · "
                                        "drag a ⊕ to move a mean"))
        self.hint.setStyleSheet("color: gray")
        self.hint.setWordWrap(True)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addWidget(self.message)
        lay.addLayout(controls)
        lay.addLayout(data_row)
        lay.addWidget(self.hint)

    def _connect(self) -> None:
        self.btn_e.clicked.connect(self._on_e_step)
        self.btn_m.clicked.connect(self._on_m_step)
        self.btn_step.clicked.connect(self._on_full_step)
        self.btn_back.clicked.connect(self._on_step_back)
        self.btn_play.toggled.connect(self._on_play)
        self.btn_reset.clicked.connect(self._on_reset)
        self.btn_run.toggled.connect(self._on_run)
        self.speed.valueChanged.connect(self._on_speed)
        self.btn_generate.clicked.connect(self._on_generate)
        self.btn_load.clicked.connect(self._on_load)
        self.btn_load_init.clicked.connect(self._on_load_init)
        self.btn_new_start.clicked.connect(self._on_new_start)
        self.show_truth.toggled.connect(lambda _: self._draw_truth())
        self.starts.valueChanged.connect(self._on_starts)
        self.view.sig_mean_dragged.connect(self._on_mean_dragged)
        self.view.sig_clicked.connect(self._on_clicked)
        self.choose_k.sig_use_k.connect(self._on_use_k)

    # -- drawing -------------------------------------------------------------------------------
    @property
    def animating(self) -> bool:
        return self.anim_timer.isActive()

    def refresh(self, autorange: bool = False) -> None:
        """Redraw everything from the controller (points, components, curve, text)."""
        self._stop_animation()
        pts, resp = self.shown_points()
        self.view.set_points(pts, resp, autorange=autorange)
        self.view.set_components(**self.controller.params())
        self._draw_truth()
        self._draw_text()

    def shown_points(self):
        """(points, responsibilities), or (points, None) before a start's first E-step: the
        E-step is what colours the points."""
        pts, resp = self.controller.shown_points()
        return pts, (resp if getattr(self.controller, "e_done", True) else None)

    def _draw_truth(self) -> None:
        self.view.set_truth(self.controller.truth_params() if self.show_truth.isChecked() else None)

    def _draw_text(self) -> None:
        c = self.controller
        lls = c.ll_history
        self.ll_curve.setData(np.arange(1, len(lls) + 1), np.asarray(lls, dtype=float))
        status = self.tr("converged") if c.converged else self.tr("next: %1-step").replace(
            "%1", c.phase)
        head = self.tr("[iteration %1, K=%2, %3, N=%4, %5]").replace("%1", str(c.step_count)) \
            .replace("%2", str(c.k)).replace("%3", config_text(c.ctype)) \
            .replace("%4", str(c.n_points)).replace("%5", status)
        self.message.setText(f"{head}  {engine_message(c)}")
        self.btn_back.setEnabled(len(c.history) > 1)
        for w, value in ((self.k_spin, c.k), (self.cov_combo, c.ctype),
                         (self.init_combo, c.init_method)):
            w.blockSignals(True)
            w.setValue(value) if isinstance(w, QtWidgets.QSpinBox) else \
                w.setCurrentIndex(max(0, w.findData(value)))
            w.blockSignals(False)
        self.sig_changed.emit()

    # -- E / M / animation ---------------------------------------------------------------------
    def _on_e_step(self) -> None:
        self._finish_animation()
        self.controller.e_step()
        pts, resp = self.shown_points()
        self.view.set_points(pts, resp)
        self._draw_text()

    def _on_m_step(self) -> None:
        self._finish_animation()
        if self.controller.phase == "E":  # an M-step needs fresh responsibilities
            self._on_e_step()
        before = self.controller.params()
        self.controller.m_step()
        self._animate(before, self.controller.params())
        self._draw_text()

    def _on_full_step(self) -> None:
        self._on_e_step()
        self._on_m_step()

    def _animate(self, before: dict, after: dict) -> None:
        if self._anim_ms < FRAME_MS * 1.5 or len(before["weights"]) != len(after["weights"]):
            self.view.set_components(**after)
            self.sig_animation_finished.emit()
            return
        self._anim_from, self._anim_to = before, after
        self._anim_t0 = time.perf_counter()
        self.anim_timer.start()

    def _on_anim_frame(self) -> None:
        t = min(1.0, (time.perf_counter() - self._anim_t0) * 1000 / self._anim_ms)
        a, b, s = self._anim_from, self._anim_to, _ease(t)
        # linear blends of positive definite matrices stay positive definite
        self.view.set_components(**{k: (1 - s) * a[k] + s * b[k] for k in a})
        if t >= 1.0:
            self.anim_timer.stop()
            self.sig_animation_finished.emit()

    def _finish_animation(self) -> None:
        if self.animating:
            self.anim_timer.stop()
            self.view.set_components(**self._anim_to)
            self.sig_animation_finished.emit()

    def _stop_animation(self) -> None:
        if self.animating:
            self.anim_timer.stop()
            self.sig_animation_finished.emit()

    # -- history, play, run ----------------------------------------------------------------------
    def _on_step_back(self) -> None:
        self._finish_animation()
        if self.controller.step_back():
            self.refresh()

    def _on_reset(self) -> None:
        self._stop_running()
        self.controller.reset()
        self.refresh()

    def _on_speed(self, value: int) -> None:
        # one timer tick per half iteration (E or M); the M animation fills most of a tick
        interval = int(500 / value)
        self.play_timer.setInterval(interval)
        self._anim_ms = 0.8 * interval
        self.speed_label.setText(self.tr("%1/s").replace("%1", str(value)))

    def _on_play(self, on: bool) -> None:
        self.btn_play.setText(self.tr("Pause") if on else self.tr("Play"))
        if on:
            self.btn_run.setChecked(False)
            self.play_timer.start()
        else:
            self.play_timer.stop()

    def _on_play_tick(self) -> None:
        if self.controller.converged and self.controller.phase == "E":
            self.btn_play.setChecked(False)
            return
        if self.controller.phase == "E":
            self._on_e_step()
        else:
            self._on_m_step()

    def _on_run(self, on: bool) -> None:
        if on:
            self.btn_play.setChecked(False)
            self._finish_animation()
            self.run_timer.start()
        else:
            self.run_timer.stop()

    def _on_run_tick(self) -> None:
        c = self.controller
        cap = getattr(c, "max_steps", 1000)
        t0 = time.perf_counter()
        while not c.converged and c.step_count < cap and time.perf_counter() - t0 < RUN_SLICE_S:
            c.step()
        self.refresh()
        if c.converged or c.step_count >= cap:
            self.btn_run.setChecked(False)

    def _stop_running(self) -> None:
        self.btn_play.setChecked(False)
        self.btn_run.setChecked(False)
        self._finish_animation()

    # -- data and starting parameters ------------------------------------------------------------
    def _guard(self, fn, *args) -> bool:
        """Run an edit; show a bad input's reason instead of raising into Qt."""
        try:
            fn(*args)
        except ValueError as e:  # DataError and ConfigError are ValueErrors
            self.message.setText(self.tr("Cannot do that: %1").replace("%1", str(e)))
            return False
        return True

    def _on_generate(self) -> None:
        self._stop_running()
        _, name, dim = DATA_CHOICES[self.data_combo.currentIndex()]
        self._seed += 1
        if self._guard(self.controller.generate, name, self.n_spin.value(), self._seed,
                       max(1, self.k_spin.value()), dim):
            self.choose_k.stop()
            self.refresh(autorange=True)

    def _on_load(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Load points"), "",
                                                        self.tr("Points (*.csv *.npz)"))
        if path:
            self.load_points(path)

    def load_points(self, path: str) -> bool:
        self._stop_running()
        ok = self._guard(self.controller.load_points, path)
        if ok:
            self.refresh(autorange=True)
        return ok

    def _on_load_init(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, self.tr("Load starting parameters"),
                                                        "", self.tr("Parameters (*.npz)"))
        if path:
            self._stop_running()
            if self._guard(self.controller.load_init, path):
                self.refresh()

    def _on_new_start(self) -> None:
        self._stop_running()
        if self._guard(self.controller.reinit, self.init_combo.currentData(),
                       self.k_spin.value(), self.cov_combo.currentData(), self.starts.value()):
            self.refresh()

    def _on_starts(self, n: int) -> None:
        if hasattr(self.controller, "n_init"):
            self.controller.n_init = n  # the next start and Choose K use as many

    def _on_use_k(self, k: int) -> None:
        self.k_spin.setValue(k)
        self._on_new_start()

    def _on_mean_dragged(self, i: int, xy) -> None:
        self._stop_running()
        self.controller.set_mean(i, xy)
        self.refresh()

    def _on_clicked(self, x: float, y: float, remove: bool) -> None:
        self._stop_running()
        if remove:
            self.controller.remove_point((x, y), self.view.pick_radius())
        else:
            self.controller.add_point((x, y))
        self.refresh()

    def closeEvent(self, ev) -> None:
        for t in (self.anim_timer, self.play_timer, self.run_timer):
            t.stop()
        self.choose_k.stop()
        super().closeEvent(ev)
