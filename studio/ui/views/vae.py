"""Autoencoders (AE, VAE, both side by side): reconstructions, prior samples, KL per
dimension, and the latent explorer.

The explorer decodes on every mouse move on a CPU copy of the decoder (a latent snapshot
from the training process), so it answers at once however busy training is. While its tab
is shown it asks the run for a newer snapshot at preview rate, one request at a time.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QTabWidget

from . import View


def _tr(text: str) -> str:
    return QCoreApplication.translate("views", text)


class VAEView(View):
    def __init__(self, cfg, carried=None):
        super().__init__(cfg, carried)
        from ..panels.vae_panels import VAEPreviewPanel

        self.previews = VAEPreviewPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.previews, _tr("Reconstructions && samples"))
        self.placeholder = QLabel(_tr("Press Start: the latent space appears here once the "
                                     "model exists, and follows it while it trains."))
        self.placeholder.setWordWrap(True)
        self.tabs.addTab(self.placeholder, _tr("Latent explorer"))
        self.tabs.currentChanged.connect(self._on_tab)
        self.explorer = None
        self.last: dict | None = None
        self.widget = self.tabs
        self._asked = False  # a snapshot is on its way
        self._images = None  # the explorer's pictures: sent once, with the first snapshot

    def on_event(self, event) -> None:
        kind = event.kind
        if kind == "started":
            self._images, self._asked = None, False
            self._ask()
        elif kind == "latent":
            self._asked = False
            self._show(event.data["snapshots"])
        elif kind == "request_failed" and event.data.get("request") == "latent":
            self._asked = False
        super().on_event(event)

    def _ask(self) -> None:
        if not self._asked and self.handle.request("latent", self._images is None):
            self._asked = True

    def _show(self, snapshots: dict) -> None:
        from ..panels.latent_explorer import LatentExplorer
        from ..panels.vae_compare import VAECompareView

        for snap in snapshots.values():
            if snap.encoded.get("images") is not None:
                self._images = snap.encoded["images"]
            snap.with_images(self._images)
        if self.explorer is not None:
            self.explorer.refresh(snapshots if len(snapshots) > 1 else
                                  next(iter(snapshots.values())))
            return
        if len(snapshots) > 1:
            self.explorer = VAECompareView(snapshots)
        else:
            name, snap = next(iter(snapshots.items()))
            self.explorer = LatentExplorer(snap, title=_tr("%1 latent space").replace(
                "%1", name.upper()))
        self.explorer.refresh()
        index = self.tabs.indexOf(self.placeholder)
        self.tabs.removeTab(index)
        self.placeholder.deleteLater()
        self.tabs.insertTab(index, self.explorer, _tr("Latent explorer"))

    def _on_tab(self, _index: int) -> None:
        if self.explorer is not None and self.tabs.currentWidget() is self.explorer:
            self._ask()

    def on_preview(self, preview: dict) -> None:
        self.last = preview
        self.previews.set_preview(preview)
        # A newer decoder at preview rate (never per mouse move), so the explorer follows.
        if self.explorer is not None and self.tabs.currentWidget() is self.explorer:
            self._ask()

    def image_array(self):
        from ...core.rundir import preview_to_image

        return preview_to_image(self.last) if self.last else None

    def last_preview(self) -> dict | None:
        return self.last


VIEW = VAEView
