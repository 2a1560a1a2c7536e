"""What the window shows for each model family.

A view owns the central widget and knows which curves the loss panel draws. Views for
families trained by the worker get the engine once it exists (`on_engine`) and its previews;
the EM view drives its engine itself, step by step, in the GUI thread.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from ..config import RunConfig
from .panels.samples import SamplePanel

GAN_CURVES = [
    (0, "loss_g", "G loss", "#e4572e"),
    (0, "loss_d", "D loss", "#2e86ab"),
    (1, "d_real", "D(x)", "#3bb273"),
    (1, "d_fake", "D(G(z))", "#e1a100"),
    (2, "grad_norm_g", "|grad G|", "#e4572e"),
    (2, "grad_norm_d", "|grad D|", "#2e86ab"),
]
def _tr(text: str) -> str:
    return QCoreApplication.translate("views", text)


VAE_CURVES = [
    (0, "loss", "total", "#1f77b4"), (0, "recon", "reconstruction", "#2ca02c"),
    (1, "kl", "KL", "#d62728"),
    (0, "vae_loss", "VAE total", "#1f77b4"), (0, "vae_recon", "VAE reconstruction", "#2ca02c"),
    (0, "ae_loss", "AE total", "#9467bd"), (1, "vae_kl", "VAE KL", "#d62728"),
]


class View:
    uses_worker = True
    curves: list = GAN_CURVES
    titles = (("Losses", "loss"), ("Discriminator output", "D"), ("Gradient norms", "norm"))

    def __init__(self, cfg: RunConfig):
        self.cfg = cfg
        self.widget: QWidget = QWidget()

    def on_engine(self, engine) -> None:
        """The worker built its engine (called in the GUI thread)."""

    def connect_worker(self, worker, controller) -> None:
        """A run starts: hook up requests that go from the view to the worker."""

    def on_preview(self, preview: dict) -> None:
        ...

    def reset(self) -> None:
        ...

    def image_array(self):
        return None

    def last_preview(self) -> dict | None:
        """The preview on screen, for a rebuilt window to show again."""
        return None

    def restore_preview(self, preview: dict) -> None:
        self.on_preview(preview)

    def export_png(self, path: str) -> bool:
        from PIL import Image

        img = self.image_array()
        if img is None:
            return False
        Image.fromarray(img).save(path)
        return True

    def close(self) -> None:
        self.widget.close()


class GANView(View):
    """Samples, and for 2-D data the field: D's heatmap, G's gradients, the noise manifold."""

    def __init__(self, cfg):
        super().__init__(cfg)
        from .panels.field2d import Field2DPanel

        from ..core.data.toy2d import GENERATORS

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
        self._worker_signals = []

    def connect_worker(self, worker, controller) -> None:
        # A new worker per run: drop the previous run's requests (that worker is gone).
        for signal in self._worker_signals:
            signal.disconnect()
        self.field.connect_worker(worker, controller)
        self.samples.connect_worker(worker)
        self._worker_signals = [self.field.step_requested, self.field.points_drawn,
                                self.field.slow_motion_changed, self.samples.generate_requested]

    def _add_field_tab(self) -> None:
        if self.tabs.indexOf(self.field) < 0:
            self.tabs.addTab(self.field, _tr("2-D field"))

    def on_preview(self, preview: dict) -> None:
        self.samples.show_preview(preview)
        if "field" in preview:
            self._add_field_tab()
        if "field" in preview and not self._field_seen:
            self._field_seen = True  # 2-D data: the field is the richer view, show it first
            self.tabs.setCurrentWidget(self.field)

    def reset(self) -> None:
        self.samples.reset()
        self.field.reset()

    def image_array(self):
        return self.samples.image_array()

    def last_preview(self) -> dict | None:
        return self.samples.last

    def restore_preview(self, preview: dict) -> None:
        self.on_preview(preview)
        self.field.show_field(preview)  # the worker feeds the field directly during a run

    def close(self) -> None:
        super().close()
        if self.tabs.indexOf(self.field) < 0:  # never shown: not a child of the tabs
            self.field.close()
            self.field.deleteLater()


class VAEView(View):
    titles = (("Losses", "loss per image"), ("KL divergence", "nats"))

    def __init__(self, cfg):
        super().__init__(cfg)
        names = {"ae": ("loss", "recon"), "vae": ("loss", "recon", "kl"),
                 "ae-vs-vae": ("vae_loss", "vae_recon", "ae_loss", "vae_kl")}[cfg.model]
        self.curves = [c for c in VAE_CURVES if c[1] in names]
        from .panels.vae_panels import VAEPreviewPanel

        self.previews = VAEPreviewPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.previews, _tr("Reconstructions && samples"))
        self.placeholder = QLabel(_tr("Press Start: the latent space appears here once the "
                                      "model exists, and follows it while it trains."))
        self.placeholder.setWordWrap(True)
        self.tabs.addTab(self.placeholder, _tr("Latent explorer"))
        self.explorer = None
        self.last: dict | None = None
        self.widget = self.tabs

    def on_engine(self, engine) -> None:
        from .panels.latent_explorer import LatentExplorer
        from .panels.vae_compare import VAECompareView

        if len(engine.models) > 1:
            self.explorer = VAECompareView(engine)
        else:
            self.explorer = LatentExplorer(engine.model, title=_tr("%1 latent space").replace(
                "%1", engine.main.upper()))
        index = self.tabs.indexOf(self.placeholder)
        self.tabs.removeTab(index)
        self.placeholder.deleteLater()
        self.tabs.insertTab(index, self.explorer, _tr("Latent explorer"))

    def on_preview(self, preview: dict) -> None:
        self.last = preview
        self.previews.set_preview(preview)
        # Re-encode at preview rate (never per mouse move) so the explorer follows training.
        if self.explorer is not None and self.tabs.currentWidget() is self.explorer:
            self.explorer.refresh()

    def image_array(self):
        from ..core.rundir import preview_to_image

        return preview_to_image(self.last) if self.last else None

    def last_preview(self) -> dict | None:
        return self.last


class EMView(View):
    uses_worker = False
    curves: list = []

    def __init__(self, cfg, engine=None):
        super().__init__(cfg)
        from ..core.engines import make_engine
        from .panels.em_panel import EMPanel

        self.engine = engine if engine is not None else make_engine(cfg)
        self.panel = EMPanel(self.engine)
        self.widget = self.panel

    def export_png(self, path: str) -> bool:
        return self.panel.view.grab().save(path)


def make_view(cfg: RunConfig, engine=None) -> View:
    """`engine`: an EM engine to show instead of a new one (a window rebuilt mid-fit)."""
    if cfg.model == "gmm":
        return EMView(cfg, engine)
    if cfg.model in ("ae", "vae", "ae-vs-vae"):
        return VAEView(cfg)
    if cfg.model in ("cyclegan", "text2img"):
        from .views_apps import make_app_view
        return make_app_view(cfg)
    return GANView(cfg)
