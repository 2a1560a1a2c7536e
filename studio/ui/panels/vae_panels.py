"""Live AE/VAE panels: reconstruction pairs, prior samples, per-dimension KL bars, losses.

`VAEPreviewPanel.set_preview(preview)` takes the dict an AE/VAE engine's preview() returns
(one column per model in compare mode); `VAELossPanel.add_results(results)` takes the
runner's StepResults (metrics already fetched as floats).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF, Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from ..elided import ElidedLabel

CURVE_COLOURS = {"loss": "#1f77b4", "recon": "#2ca02c", "kl": "#d62728"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("VAEPanels", text)


class ImagePane(pg.GraphicsLayoutWidget):
    """One image, aspect kept, row 0 at the top, no mouse interaction; set() to update."""

    resized = Signal()

    def __init__(self, parent=None, min_size: int = 96):
        super().__init__(parent)
        self.setMinimumSize(min_size, min_size)
        self.ci.layout.setContentsMargins(0, 0, 0, 0)
        self.view = self.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
        self.view.setMenuEnabled(False)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.item)
        self.image: np.ndarray | None = None

    def set(self, img: np.ndarray) -> None:
        shape_changed = self.image is None or self.image.shape[:2] != img.shape[:2]
        self.image = img
        self.item.setImage(img, levels=(0.0, 1.0), autoLevels=False)
        if shape_changed:
            self._frame()

    def _frame(self) -> None:
        # The image's own rectangle, not autoRange: before the pane is laid out (an image
        # set at start) autoRange frames a zero-size view and the image stays out of sight.
        if getattr(self, "image", None) is not None:  # resized while being made: no image
            h, w = self.image.shape[:2]
            self.view.setRange(QRectF(0, 0, w, h), padding=0.0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._frame()
        self.resized.emit()


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(2, 2, 2, 2)
    lay.setSpacing(1)
    label = ElidedLabel(title)  # a long title never widens the panel
    label.setStyleSheet("font-weight: bold")
    lay.addWidget(label)
    lay.addWidget(widget, 1)
    return box


class VAEPreviewPanel(QWidget):
    """Per model: reconstruction pairs (input above, output below) and prior samples; KL bars."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._panes: dict[str, tuple[ImagePane, ImagePane]] = {}
        self.kl_plot = pg.PlotWidget(background="w")
        self.kl_plot.setMinimumHeight(120)
        self.kl_plot.setLabel("bottom", _tr("latent dimension"))
        self.kl_plot.setLabel("left", _tr("KL (nats)"))
        self.kl_plot.setMouseEnabled(x=False, y=False)
        self.kl_bars = pg.BarGraphItem(x=[0], height=[0], width=0.8, brush="#d62728")
        self.kl_plot.addItem(self.kl_bars)
        self._kl_box = _titled(_tr("KL per latent dimension (tall bars: dimensions in use)"),
                               self.kl_plot)
        self._kl_box.hide()
        self.step = -1

    def _panes_for(self, name: str) -> tuple[ImagePane, ImagePane]:
        if name not in self._panes:
            col = len(self._panes)
            recon, prior = ImagePane(), ImagePane()
            self._grid.addWidget(_titled(_tr("%1: inputs / reconstructions").replace(
                "%1", name.upper()), recon), 0, col)
            self._grid.addWidget(_titled(_tr("%1: decodes of z ~ N(0, I)").replace(
                "%1", name.upper()), prior), 1, col)
            self._grid.addWidget(self._kl_box, 2, 0, 1, col + 1)
            self._panes[name] = (recon, prior)
        return self._panes[name]

    def set_preview(self, preview: dict) -> None:
        models = preview.get("models") or {preview.get("model", "vae"): preview}
        for name, p in models.items():
            recon, prior = self._panes_for(name)
            recon.set(p["recon_pairs"])
            prior.set(p["prior_grid"])
            if "kl_per_dim" in p:
                kl = np.asarray(p["kl_per_dim"], np.float64)
                self.kl_bars.setOpts(x=np.arange(len(kl)), height=kl, width=0.8)
                self.kl_plot.setXRange(-0.6, len(kl) - 0.4, padding=0)
                step = max(1, len(kl) // 16)
                self.kl_plot.getAxis("bottom").setTicks(
                    [[(i, str(i)) for i in range(0, len(kl), step)]])
                self._kl_box.show()
        self.step = int(preview.get("step", -1))


class VAELossPanel(pg.PlotWidget):
    """Loss curves (total, reconstruction, KL; both models' in compare mode), log-scaled y."""

    def __init__(self, parent=None, capacity: int = 4096):
        super().__init__(parent)
        self.addLegend(offset=(-10, 10))
        self.setLabel("bottom", _tr("step"))
        self.setLogMode(y=True)
        self.showGrid(x=True, y=True, alpha=0.2)
        self._steps = np.zeros(capacity)
        self._values: dict[str, np.ndarray] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self.n = 0

    def _curve(self, name: str) -> pg.PlotDataItem:
        if name not in self._curves:
            base = name.split("_")[-1]
            pen = pg.mkPen(CURVE_COLOURS.get(base, "#888"), width=1,
                           style=pg.QtCore.Qt.PenStyle.DashLine if name.startswith("ae_")
                           else pg.QtCore.Qt.PenStyle.SolidLine)
            c = self.plot(name=name, pen=pen)
            c.setDownsampling(auto=True, method="peak")
            c.setClipToView(True)
            self._curves[name] = c
            self._values[name] = np.full(len(self._steps), np.nan)
        return self._curves[name]

    def add_results(self, results) -> None:
        for r in results:
            if self.n == len(self._steps):  # grow by doubling: amortised O(1) per point
                self._steps = np.concatenate([self._steps, np.zeros(len(self._steps))])
                for k, v in self._values.items():
                    self._values[k] = np.concatenate([v, np.full(len(v), np.nan)])
            self._steps[self.n] = r.step
            for k, v in r.metrics.items():
                if isinstance(v, float) and k.split("_")[-1] in CURVE_COLOURS:
                    self._curve(k)
                    self._values[k][self.n] = max(v, 1e-8)  # log axis: keep KL=0 drawable
            self.n += 1
        for k, c in self._curves.items():
            c.setData(self._steps[: self.n], self._values[k][: self.n], connect="finite")

    def clear_history(self) -> None:
        self.n = 0
        for c in self._curves.values():
            c.setData([], [])
