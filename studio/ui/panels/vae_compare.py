"""Compare mode: the AE's and the VAE's latent spaces side by side, and the same random
codes z ~ N(0, I) decoded by both (the VAE's decodes look like digits; the AE's often not).

Takes `models`, mapping "ae" and "vae" to objects with the explorer's calls (the training
process's latent snapshots); `refresh(models)` shows newer copies and redraws the codes.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from ...core.latent import tile
from .latent_explorer import LatentExplorer
from .vae_panels import ImagePane, _titled

N_CODES = 12


class VAECompareView(QWidget):
    refreshed = Signal()

    def __init__(self, models: dict, parent=None, seed: int = 0):
        super().__init__(parent)
        self.models = {name: models[name] for name in ("ae", "vae")}
        self.rng = np.random.default_rng(seed)
        self.explorers = {name: LatentExplorer(m, title=self.tr("%1 latent space").replace(
                              "%1", name.upper()), compact=True)
                          for name, m in self.models.items()}
        # One above the other: each keeps its plot and decode grid side by side, large.
        split = QSplitter(Qt.Orientation.Vertical)
        for ex in self.explorers.values():
            split.addWidget(ex)
        self.rows = {name: ImagePane(min_size=40) for name in self.models}
        self.new_codes_button = new = QPushButton(self.tr("New random codes"))
        new.clicked.connect(self._on_new_codes)
        bottom = QHBoxLayout()
        for name, pane in self.rows.items():
            pane.setMaximumHeight(60)
            bottom.addWidget(_titled(self.tr("%1 decodes of the same z ~ N(0, I)").replace(
                "%1", name.upper()), pane), 1)
        bottom.addWidget(new)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)
        self._on_new_codes()

    def _on_new_codes(self) -> None:
        dim = next(iter(self.models.values())).latent_dim
        self.codes = self.rng.standard_normal((N_CODES, dim))
        self._draw_codes()

    def _draw_codes(self) -> None:
        for name, m in self.models.items():
            labels = np.arange(N_CODES) % m.num_classes if m.conditional else None
            self.rows[name].set(tile(m.decode(self.codes, labels), N_CODES))

    def refresh(self, models: dict | None = None) -> None:
        if models is not None:
            self.models = {name: models[name] for name in self.models}
        for name, ex in self.explorers.items():
            ex.refresh(self.models[name])
        self._draw_codes()
        self.refreshed.emit()
