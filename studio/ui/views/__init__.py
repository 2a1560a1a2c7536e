"""What the window shows for each model family: one view per family, in the module named
after the family's config section (views/gan.py, views/vae.py, ...), found from its
descriptor (studio.families), so adding a family adds a file here and touches nothing else.

A view owns the central widget and the family's run handle; it hears the run's events
(`on_event`) and sends the requests its panels make through the handle. A view never holds
an engine that trains: what it shows comes in events (previews, latent snapshots).
"""
from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

from ...config import RunConfig
from ...core.session import Event
from ...families import family
from ..run.handle import BaseHandle, RunHandle


class View:
    run_controls = True  # Start, Pause, Stop and the progress bar drive its runs
    keeps_runs = True  # its runs write run directories (Ctrl+S saves their checkpoint)

    def __init__(self, cfg: RunConfig, carried=None):
        self.cfg = cfg
        self.family = family(cfg.model)
        self.widget: QWidget = QWidget()
        self.handle: BaseHandle = self.make_handle()

    # -- what the loss panel draws --------------------------------------------------------------
    @property
    def curves(self) -> list[tuple]:
        return [(c.plot, c.key, c.label, c.colour) for c in self.family.curves]

    @property
    def titles(self) -> tuple:
        return self.family.plots

    # -- runs -----------------------------------------------------------------------------------
    def make_handle(self) -> BaseHandle:
        return RunHandle()

    def on_event(self, event: Event) -> None:
        """A run's event (in the GUI thread); previews are drawn by on_preview."""
        if event.kind == "preview":
            self.on_preview(event.data["preview"])

    def on_preview(self, preview: dict) -> None:
        ...

    def opened(self, checkpoint: dict) -> None:
        """A checkpoint of this family was opened: Start continues it (see the window)."""

    def wants_new_view(self, cfg: RunConfig) -> bool:
        """Whether a changed config needs a new view (a new family, or, where the view holds
        the model, any change)."""
        return cfg.model != self.cfg.model

    def carry(self):
        """What a new view of the same config takes over (a window rebuilt in another
        language): passed to its constructor as `carried`."""
        return None

    def lesson_inputs(self, window) -> tuple[int, dict, str]:
        """(step, latest metrics, phase) for the presentation sidebar."""
        buf = window.losses.buffer
        metrics = {k: float(buf.get(k)[-1]) for k in buf.data if k != "step" and buf.n}
        preview = self.last_preview() or {}
        for k in ("modes_covered", "modes_total"):
            if k in preview:
                metrics[k] = preview[k]
        return window.step, metrics, ""

    # -- pictures -------------------------------------------------------------------------------
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
        self.handle.close()
        self.widget.close()


def make_view(cfg: RunConfig, carried=None) -> View:
    """The view of cfg's family (views/<its config section>.py defines VIEW)."""
    module = importlib.import_module(f"{__name__}.{family(cfg.model).section}")
    return module.VIEW(cfg, carried)
