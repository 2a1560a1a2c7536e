"""The GAN family's view: samples, and for 2-D data the field (D's heatmap, G's gradients,
the noise manifold), with single steps and drawn data sent to the run as requests."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTabWidget

from ..panels.samples import SamplePanel
from . import View


def _tr(text: str) -> str:
    return QCoreApplication.translate("views", text)


class GANView(View):
    def __init__(self, cfg, carried=None):
        super().__init__(cfg, carried)
        from ...core.data.toy2d import GENERATORS
        from ..panels.field2d import Field2DPanel

        self.samples = SamplePanel()
        self.field = Field2DPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.samples, _tr("Samples"))
        # The field only means something for 2-D points: a built-in set, or the user's
        # points (their tab comes with the first picture of the field).
        if cfg.data.name in GENERATORS and not cfg.data.path:
            self._add_field_tab()
        self.widget = self.tabs
        self._field_seen = False
        h = self.handle
        self.field.step_requested.connect(lambda kind: h.request("step", kind))
        self.field.points_drawn.connect(lambda pts: h.request("points", pts))
        self.field.slow_motion_changed.connect(h.pause)
        self.samples.generate_requested.connect(
            lambda label, n: h.request("generate", (label, n)))

    def _add_field_tab(self) -> None:
        if self.tabs.indexOf(self.field) < 0:
            self.tabs.addTab(self.field, _tr("2-D field"))

    def on_preview(self, preview: dict) -> None:
        self.samples.show_preview(preview)
        if "field" in preview:
            self._add_field_tab()
            self.field.show_field(preview)
            if not self._field_seen:
                self._field_seen = True  # 2-D data: the field is the richer view, show it first
                self.tabs.setCurrentWidget(self.field)

    def reset(self) -> None:
        self.samples.reset()
        self.field.reset()

    def image_array(self):
        return self.samples.image_array()

    def last_preview(self) -> dict | None:
        return self.samples.last

    def close(self) -> None:
        super().close()
        if self.tabs.indexOf(self.field) < 0:  # never shown: not a child of the tabs
            self.field.close()
            self.field.deleteLater()


VIEW = GANView
