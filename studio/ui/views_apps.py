"""Views for the translation and text-to-image families (see views.py for the View contract)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt

from .views import View

CYCLEGAN_CURVES = [
    (0, "loss_g_ab", "G adv (A→B)", "#e4572e"), (0, "loss_g_ba", "F adv (B→A)", "#e1a100"),
    (0, "loss_d_a", "D_A", "#2e86ab"), (0, "loss_d_b", "D_B", "#3bb273"),
    (1, "cycle_a", "cycle A", "#e4572e"), (1, "cycle_b", "cycle B", "#2e86ab"),
    (2, "idt_a", "identity A", "#e4572e"), (2, "idt_b", "identity B", "#2e86ab"),
]
TEXT2IMG_CURVES = [
    (0, "loss_g", "G loss", "#e4572e"), (0, "loss_d", "D loss", "#2e86ab"),
    (1, "d_real", "real, right text", "#3bb273"), (1, "d_wrong", "real, wrong text", "#9467bd"),
    (1, "d_fake", "fake, right text", "#e1a100"),
]


class _RunView(View):
    """Keeps the run's worker and controller, dropping the previous run's connections."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.engine = None
        self.controller = None
        self._connections: list = []

    def on_engine(self, engine) -> None:
        self.engine = engine

    def _running_worker(self):
        return self.controller.worker if self.controller is not None else None

    def _reconnect(self, pairs) -> None:
        for signal, slot in self._connections:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # that worker is gone, and its connection too
                pass
        self._connections = []
        for signal, slot in pairs:
            signal.connect(slot, Qt.ConnectionType.DirectConnection)
            self._connections.append((signal, slot))

    def on_preview(self, preview: dict) -> None:
        self.panel.show_preview(preview)

    def reset(self) -> None:
        self.panel.reset()

    def image_array(self):
        return self.panel.image_array()


class CycleGANView(_RunView):
    curves = CYCLEGAN_CURVES
    titles = (("Adversarial (LSGAN)", "loss"), ("Cycle L1", "|F(G(a)) - a|"),
              ("Identity L1", "|G(b) - b|"))

    def __init__(self, cfg):
        super().__init__(cfg)
        from .panels.cyclegan_panel import CycleGANPanel

        self.panel = CycleGANPanel(cfg.cyclegan.lambda_cycle, cfg.cyclegan.lambda_identity)
        self.panel.setting_changed.connect(self._on_setting)
        self.widget = self.panel

    def connect_worker(self, worker, controller) -> None:
        self.controller = controller

    def _on_setting(self, key: str, value: float) -> None:
        # Through the settings form when the view is in the window, so the form, the next
        # run and the running model (the window forwards live changes) all agree.
        controls = getattr(self.widget.window(), "controls", None)
        if controls is not None:
            controls.set_value(key, value)
            return
        self.cfg.set(key, value)
        worker = self._running_worker()
        if worker is not None:
            worker.request_hyperparameters(self.cfg)


class Text2ImgView(_RunView):
    curves = TEXT2IMG_CURVES
    titles = (("Losses", "loss"), ("Discriminator output", "P(real and matching)"))

    def __init__(self, cfg):
        super().__init__(cfg)
        from .panels.text2img_panel import Text2ImgPanel

        self.panel = Text2ImgPanel()
        self.panel.caption_requested.connect(self._on_caption)
        self.widget = self.panel

    def connect_worker(self, worker, controller) -> None:
        self.controller = controller
        # Into the worker's queue: its thread runs no event loop, and picks requests up
        # between steps.
        self._reconnect([(self.panel.caption_requested, worker.request_caption)])

    def _on_caption(self, text: str, other: str) -> None:
        if self._running_worker() is not None:
            return  # the worker answers with a preview
        if self.engine is None:
            self.panel.show_message(QCoreApplication.translate(
                "Text2ImgPanel", "Press Start first: there is no model to draw with yet."))
            return
        # The run is over: nothing else touches the engine, so draw here.
        self.panel.show_preview(self.engine.caption_preview(text, other))


def make_app_view(cfg) -> View:
    return CycleGANView(cfg) if cfg.model == "cyclegan" else Text2ImgView(cfg)
