"""The "choose K" view: BIC and AIC of a mixture fitted for each K, computed one K per timer
tick so the window keeps painting while the curve fills in."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets


class ChooseKView(QtWidgets.QWidget):
    """`controller.score_k(k)` -> {k, bic, aic, ...}. sig_finished(best_k) when all are done;
    sig_use_k(k) when the user asks to refit with the best K."""

    sig_finished = QtCore.Signal(int)
    sig_use_k = QtCore.Signal(int)

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.scores: list[dict] = []
        self._todo: list[int] = []
        self.plot = pg.PlotWidget(background="w")
        self.plot.addLegend(offset=(-10, 10))
        self.plot.setLabel("bottom", self.tr("K (components)"))
        self.plot.setLabel("left", self.tr("criterion (lower is better)"))
        self.bic = self.plot.plot(pen=pg.mkPen((31, 119, 180), width=2), symbol="o",
                                  symbolBrush=(31, 119, 180), name="BIC")
        self.aic = self.plot.plot(pen=pg.mkPen((255, 127, 14), width=2), symbol="s",
                                  symbolBrush=(255, 127, 14), name="AIC")
        self.best = self.plot.plot(pen=None, symbol="star", symbolSize=18,
                                   symbolBrush=(214, 39, 40))
        self.k_max = QtWidgets.QSpinBox(minimum=2, maximum=20, value=8)
        self.compute = QtWidgets.QPushButton(self.tr("Compute BIC/AIC"))
        self.use = QtWidgets.QPushButton(self.tr("Use best K"))
        self.use.setEnabled(False)
        self.status = QtWidgets.QLabel(self.tr("Fits K = 1 … K max (each the best of %1 "
                                               "k-means++ starts) and scores each.").replace(
            "%1", str(getattr(controller, "n_init", 1))))
        self.status.setWordWrap(True)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel(self.tr("K max")))
        row.addWidget(self.k_max)
        row.addWidget(self.compute)
        row.addWidget(self.use)
        row.addStretch(1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.status)
        self.timer = QtCore.QTimer(self, interval=0)
        self.timer.timeout.connect(self._on_tick)
        self.compute.clicked.connect(self._on_compute)
        self.use.clicked.connect(self._on_use)

    @property
    def best_k(self) -> int:
        return min(self.scores, key=lambda s: s["bic"])["k"] if self.scores else 0

    def _on_compute(self) -> None:
        self.scores = []
        limit = max(1, min(self.k_max.value(), self.controller.n_points))
        self._todo = list(range(1, limit + 1))
        self.use.setEnabled(False)
        self.compute.setEnabled(False)
        self._draw()
        self.timer.start()

    def _on_tick(self) -> None:
        if not self._todo:
            self.timer.stop()
            self.compute.setEnabled(True)
            self.use.setEnabled(bool(self.scores))
            starts = self.scores[-1].get("starts", 1) if self.scores else 1
            self.status.setText(self.tr("Lowest BIC at K = %1 (BIC = −2·N·ℓ + p·log N; "
                                        "AIC = −2·N·ℓ + 2p; each K the best of %2 starts).")
                                .replace("%1", str(self.best_k)).replace("%2", str(starts)))
            self.sig_finished.emit(self.best_k)
            return
        k = self._todo.pop(0)
        self.scores.append(self.controller.score_k(k))
        self.status.setText(self.tr("Fitted K = %1 (best of %2 starts) …").replace(
            "%1", str(k)).replace("%2", str(self.scores[-1].get("starts", 1))))
        self._draw()

    def _draw(self) -> None:
        ks = np.array([s["k"] for s in self.scores], dtype=float)
        self.bic.setData(ks, [s["bic"] for s in self.scores])
        self.aic.setData(ks, [s["aic"] for s in self.scores])
        if self.scores:
            b = min(self.scores, key=lambda s: s["bic"])
            self.best.setData([b["k"]], [b["bic"]])
        else:
            self.best.setData([], [])

    def _on_use(self) -> None:
        if self.scores:
            self.sig_use_k.emit(self.best_k)

    def stop(self) -> None:
        self.timer.stop()
        self._todo = []
        self.compute.setEnabled(True)
