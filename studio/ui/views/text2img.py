"""Text to image: type a caption (or two, for a walk between them) and see what G draws.
Captions go to the run as requests, during training and after it (the session lingers)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from . import View


class Text2ImgView(View):
    def __init__(self, cfg, carried=None):
        super().__init__(cfg, carried)
        from ..panels.text2img_panel import Text2ImgPanel

        self.panel = Text2ImgPanel()
        self.panel.caption_requested.connect(self._on_caption)
        self.widget = self.panel

    def _on_caption(self, text: str, other: str) -> None:
        if not self.handle.request("caption", (text, other)):  # answered with a preview
            self.panel.show_message(QCoreApplication.translate(
                "Text2ImgPanel", "Press Start first: there is no model to draw with yet."))

    def on_preview(self, preview: dict) -> None:
        self.panel.show_preview(preview)

    def reset(self) -> None:
        self.panel.reset()

    def image_array(self):
        return self.panel.image_array()


VIEW = Text2ImgView
