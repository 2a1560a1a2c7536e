"""Every model family described once: what the rest of the studio derives from.

A family is plain data (no torch, no Qt, nothing imported from the rest of the studio): its
config section, its engine, the settings its form shows, the curves its runs plot, where it
trains, and its gallery colour. The config's model choices, the engine registry, the form,
the loss panel and the run handle all read it; the window registers a view beside it
(studio/ui/views). Adding a family: its config section (config.py), its engine
(core/engines/), its descriptor (a module here, listed in _MODULES) and its view.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

# Runs of these families train in a process of their own; "window": the family is
# interactive step by step (EM) and its steps run in the window itself.
PROCESS, WINDOW = "process", "window"


@dataclass(frozen=True)
class Curve:
    plot: int  # which of the family's plots (index into Family.plots)
    key: str  # the metric's name in a run's metrics
    label: str  # legend text (English; the window translates it)
    colour: str


@dataclass(frozen=True)
class Family:
    name: str  # the config's `model` value
    section: str  # the config section holding its settings
    engine: str  # "module:Class", built as Class(cfg, device[, progress=...])
    form: tuple[str, ...]  # the settings the form shows, in order
    curves: tuple[Curve, ...] = ()
    plots: tuple[tuple[str, str], ...] = ()  # (title, unit) of each plot
    runs_in: str = PROCESS
    colour: tuple[int, int, int] = (120, 120, 120)  # gallery cards


# The settings every trained family's form ends with.
TRAIN_FORM = ("train.batch_size", "train.steps", "train.seed", "train.device",
              "train.precision", "train.compile", "train.preview_every")

_MODULES = ("gan", "gmm", "vae", "cyclegan", "text2img")


def _load() -> dict[str, Family]:
    out: dict[str, Family] = {}
    for name in _MODULES:
        for family in importlib.import_module(f"{__name__}.{name}").FAMILIES:
            out[family.name] = family
    return out


FAMILIES: dict[str, Family] = _load()
MODELS: tuple[str, ...] = tuple(FAMILIES)


def family(model: str) -> Family:
    return FAMILIES[model]
