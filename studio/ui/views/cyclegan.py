"""CycleGAN's view: translations both ways, and sliders for the cycle and identity weights."""
from __future__ import annotations

from . import View


class CycleGANView(View):
    def __init__(self, cfg, carried=None):
        super().__init__(cfg, carried)
        from ..panels.cyclegan_panel import CycleGANPanel

        self.panel = CycleGANPanel(cfg.cyclegan.lambda_cycle, cfg.cyclegan.lambda_identity)
        self.panel.setting_changed.connect(self._on_setting)
        self.widget = self.panel

    def _on_setting(self, key: str, value: float) -> None:
        # Through the settings form when the view is in the window, so that the form, the next
        # run and the running model (the window sends live changes to the run) all agree.
        controls = getattr(self.widget.window(), "controls", None)
        if controls is not None:
            controls.set_value(key, value)
            return
        self.cfg.set(key, value)
        self.handle.request("hyper", self.cfg)

    def on_preview(self, preview: dict) -> None:
        self.panel.show_preview(preview)

    def reset(self) -> None:
        self.panel.reset()

    def image_array(self):
        return self.panel.image_array()


VIEW = CycleGANView
