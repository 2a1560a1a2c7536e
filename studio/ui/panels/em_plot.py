"""The mixture picture: points coloured by responsibility, each component's mean, 1- and
2-sigma ellipses and weight; dashed ellipses of the true mixture. 1-D data: a histogram
with the weighted component densities and a rug of the points.

Items are made once (per K) and updated with setData, so that the M-step animation only
moves a few polylines while the 10,000-point scatter stays untouched.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

PALETTE = np.array([(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40),
                    (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
                    (188, 189, 34), (23, 190, 207)], dtype=np.float64)
UNCOLOURED = 150.0  # grey: no responsibilities yet
_T = np.linspace(0, 2 * np.pi, 73)
_CIRCLE = np.stack([np.cos(_T), np.sin(_T)])  # (2, T)


def palette(k: int) -> np.ndarray:
    if k <= len(PALETTE):
        return PALETTE[:k]
    extra = [pg.intColor(i, hues=k).getRgb()[:3] for i in range(k - len(PALETTE))]
    return np.vstack([PALETTE, np.array(extra, np.float64)])


def ellipse_lines(means: np.ndarray, covs: np.ndarray, scales=(1.0, 2.0)) -> np.ndarray:
    """(K, len(scales)*(T+1), 2) polylines, one NaN row after each ellipse."""
    chol = np.linalg.cholesky(covs + 1e-300 * np.eye(2))
    ring = np.einsum("kij,jt->kti", chol, _CIRCLE)  # (K,T,2)
    parts = []
    nan = np.full((len(means), 1, 2), np.nan)
    for s in scales:
        parts += [means[:, None, :] + s * ring, nan]
    return np.concatenate(parts, axis=1)


def gauss_pdf(x: np.ndarray, mean: float, var: float) -> np.ndarray:
    return np.exp(-0.5 * (x - mean) ** 2 / var) / np.sqrt(2 * np.pi * var)


class MixtureView(pg.PlotWidget):
    """sig_mean_dragged(i, (x, y)) when a mean is dropped; sig_clicked(x, y, remove)."""

    sig_mean_dragged = QtCore.Signal(int, object)
    sig_clicked = QtCore.Signal(float, float, bool)

    def __init__(self, parent=None):
        super().__init__(parent, background="w")
        self.setMenuEnabled(False)
        self.showGrid(x=True, y=True, alpha=0.15)
        self.dim = 2
        self.scatter = pg.ScatterPlotItem(size=5, pen=None, antialias=False)
        self.hist = pg.PlotDataItem(stepMode="center", fillLevel=0, pen=pg.mkPen(150, 150, 150),
                                    brush=pg.mkBrush(180, 180, 180, 90))
        self.truth = pg.PlotDataItem(pen=pg.mkPen((60, 60, 60), width=1.5,
                                                  style=QtCore.Qt.PenStyle.DashLine))
        self.total = pg.PlotDataItem(pen=pg.mkPen((20, 20, 20), width=2))
        for item in (self.hist, self.scatter, self.truth, self.total):
            self.addItem(item)
        self.curves: list[pg.PlotDataItem] = []
        self.targets: list[pg.TargetItem] = []
        self.labels: list[pg.TextItem] = []
        self._brushes: dict[int, QtGui.QBrush] = {}
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)

    # -- components ------------------------------------------------------------------------
    def _ensure_k(self, k: int) -> None:
        if len(self.curves) == k:
            return
        for item in self.curves + self.targets + self.labels:
            self.removeItem(item)
        cols = palette(k)
        self.curves, self.targets, self.labels = [], [], []
        for i in range(k):
            c = tuple(int(v) for v in cols[i])
            curve = pg.PlotDataItem(pen=pg.mkPen(c, width=2), connect="finite")
            # a white disc under a thick coloured cross: visible on top of same-coloured points
            target = pg.TargetItem(size=18, pen=pg.mkPen(c, width=3),
                                   brush=pg.mkBrush(255, 255, 255, 220), movable=True)
            target.sigPositionChangeFinished.connect(self._on_target_moved)
            label = pg.TextItem(color=c, anchor=(0, 1))
            label.setZValue(20)
            target.setZValue(19)
            for item in (curve, target, label):
                self.addItem(item)
            self.curves.append(curve)
            self.targets.append(target)
            self.labels.append(label)

    def set_components(self, weights: np.ndarray, means: np.ndarray,
                       covariances: np.ndarray) -> None:
        covs = covariances
        self._ensure_k(len(weights))
        if self.dim == 2:
            lines = ellipse_lines(means, covs)
            for i, curve in enumerate(self.curves):
                curve.setData(lines[i, :, 0], lines[i, :, 1], connect="finite")
                self.targets[i].setPos(float(means[i, 0]), float(means[i, 1]))
                self.labels[i].setText(f"π={weights[i]:.2f}")
                self.labels[i].setPos(float(means[i, 0]), float(means[i, 1]))
            return
        grid = self._grid
        dens = weights[:, None] * np.stack([gauss_pdf(grid, means[i, 0], covs[i, 0, 0])
                                            for i in range(len(weights))])
        for i, curve in enumerate(self.curves):
            curve.setData(grid, dens[i])
            peak = float(dens[i].max())
            self.targets[i].setPos(float(means[i, 0]), 0.0)
            self.labels[i].setText(f"π={weights[i]:.2f}")
            self.labels[i].setPos(float(means[i, 0]), peak)
        self.total.setData(grid, dens.sum(0))

    def set_truth(self, truth: dict | None) -> None:
        if truth is None:
            self.truth.setData([], [])
        elif self.dim == 2:
            lines = ellipse_lines(truth["means"], truth["covariances"], scales=(1.0, 2.0))
            self.truth.setData(lines[..., 0].ravel(), lines[..., 1].ravel(), connect="finite")
        else:
            w, m, c = truth["weights"], truth["means"][:, 0], truth["covariances"][:, 0, 0]
            self.truth.setData(self._grid, sum(w[i] * gauss_pdf(self._grid, m[i], c[i])
                                               for i in range(len(w))))

    # -- points ------------------------------------------------------------------------------
    def set_points(self, points: np.ndarray, resp: np.ndarray | None,
                   autorange: bool = False) -> None:
        """Colour of a point = its responsibilities mixing the component colours; grey
        before the first E-step (resp None)."""
        dim = points.shape[1]
        if dim != self.dim:
            self.dim = dim
            autorange = True
        if resp is None:
            cols = np.full((len(points), 3), UNCOLOURED)
        else:
            cols = np.clip(resp @ palette(resp.shape[1]), 0, 255)
        key = (cols // 8).astype(np.int64)  # 32 levels per channel: few distinct brushes
        key = key[:, 0] * 1024 + key[:, 1] * 32 + key[:, 2]
        uniq, inverse = np.unique(key, return_inverse=True)
        for u in uniq.tolist():
            if u not in self._brushes:
                self._brushes[u] = pg.mkBrush((u // 1024) * 8 + 4, (u // 32 % 32) * 8 + 4,
                                              (u % 32) * 8 + 4, 200)
        table = [self._brushes[u] for u in uniq.tolist()]
        brushes = [table[i] for i in inverse.tolist()]
        if dim == 2:
            self.scatter.setData(pos=points, brush=brushes, size=5 if len(points) < 5000 else 3)
            self.hist.setData([], [])
            self.total.setData([], [])
        else:
            x = points[:, 0]
            counts, edges = np.histogram(x, bins=int(np.clip(np.sqrt(len(x)), 10, 80)),
                                         density=True)
            self.hist.setData(edges, counts)
            lo, hi = edges[0], edges[-1]
            pad = 0.1 * (hi - lo + 1e-9)
            self._grid = np.linspace(lo - pad, hi + pad, 400)
            rug = -0.04 * counts.max() * (1 + np.random.default_rng(0).random(len(x)))
            self.scatter.setData(x=x, y=rug, brush=brushes, size=4)
        for t in self.targets:
            t.setVisible(dim == 2)
        if autorange:
            self.autoRange()

    # -- events ---------------------------------------------------------------------------------
    def _on_target_moved(self, target) -> None:
        p = target.pos()
        self.sig_mean_dragged.emit(self.targets.index(target), (p.x(), p.y()))

    def _on_scene_clicked(self, ev) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton or ev.isAccepted():
            return
        vb = self.getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        p = vb.mapSceneToView(ev.scenePos())
        remove = bool(ev.modifiers() & (QtCore.Qt.KeyboardModifier.ShiftModifier
                                        | QtCore.Qt.KeyboardModifier.ControlModifier))
        ev.accept()
        self.sig_clicked.emit(p.x(), p.y(), remove)

    def pick_radius(self) -> float:
        """About 8 screen pixels in data units (for removing the point under the mouse)."""
        w, h = self.getViewBox().viewPixelSize()
        return 8 * max(w, h)
