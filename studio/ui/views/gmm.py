"""Gaussian mixtures: EM stepped in the window, one E-step and M-step at a time, animated.

EM keeps its step-by-step interaction here (its fit is small and every step is drawn), but
behind the same run handle as the trained families, so the window and the presentation
keys drive it alike: start and Space play it, Right takes one full step, stop pauses it.
"""
from __future__ import annotations

from ..run.handle import BaseHandle
from . import View


class EMHandle(BaseHandle):
    """The run handle of an EM fit: plays, steps and stops the fit in the EM panel."""

    def __init__(self):
        super().__init__()
        self.panel = None

    def attach(self, panel) -> None:
        self.panel = panel
        panel.btn_play.toggled.connect(self._on_playing)
        panel.btn_run.toggled.connect(self._on_playing)

    def _on_playing(self, _on: bool) -> None:
        p = self.panel
        self._set_state("running" if p.btn_play.isChecked() or p.btn_run.isChecked() else "idle")

    def start(self, cfg=None, run_dir=None, mode: str = "new", resume=None) -> None:
        if self.panel is not None:
            self.panel.btn_play.setChecked(True)

    def pause(self, on: bool = True) -> None:
        if self.panel is not None:
            self.panel.btn_play.setChecked(not on)
            if on:
                self.panel.btn_run.setChecked(False)

    def toggle_pause(self) -> None:
        self.pause(self.state == "running")

    def stop(self) -> None:
        self.pause(True)

    def one_step(self) -> None:
        if self.panel is not None:
            self.pause(True)
            self.panel.btn_step.click()

    def close(self, timeout_s: float = 30.0) -> bool:
        self.stop()
        return True


class EMView(View):
    run_controls = False  # the EM panel has its own E-step, M-step, Play and Run buttons
    keeps_runs = False  # a fit is stepped here: no run directory, no checkpoint

    def __init__(self, cfg, carried=None):
        super().__init__(cfg, carried)
        from ...core.engines import make_engine
        from ..panels.em_panel import EMPanel

        self.engine = carried if carried is not None else make_engine(cfg)
        self.panel = EMPanel(self.engine)
        self.widget = self.panel
        self.handle.attach(self.panel)

    @property
    def curves(self) -> list[tuple]:
        return []  # the EM panel plots the log-likelihood itself

    def make_handle(self) -> EMHandle:
        return EMHandle()

    def wants_new_view(self, cfg) -> bool:
        return cfg != self.cfg  # the fit is this view's: any setting makes a new one

    def carry(self):
        return self.engine

    def opened(self, checkpoint: dict) -> None:
        from ...core.checkpoint import restore_engine

        restore_engine(self.engine, checkpoint)
        self.panel.refresh(autorange=True)

    def lesson_inputs(self, window) -> tuple[int, dict, str]:
        e = self.engine
        metrics = {"log_likelihood": e.ll_history[-1]} if e.ll_history else {}
        return e.step_count, metrics, e.phase

    def export_png(self, path: str) -> bool:
        return self.panel.view.grab().save(path)


VIEW = EMView
