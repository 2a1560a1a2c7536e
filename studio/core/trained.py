"""A trained model rebuilt from a run directory's checkpoint (sample, evaluate, export)."""
from __future__ import annotations


def load_run(run_dir, device: str = "cpu", whole_data: bool = False):
    """(config, engine, checkpoint) restored from RUN_DIR/checkpoint.pt (or a .pt path).

    The engine is built on the checkpoint's data reference (core.data.reference) where it has
    one, so sampling, encoding and export need no data file; `whole_data` loads the run's
    data set instead (evaluation compares samples with it)."""
    from .checkpoint import load_checkpoint, restore_engine
    from .devices import pick_device
    from .engines import make_engine

    ck = load_checkpoint(run_dir)
    cfg = ck["config"]
    cfg.train.device = device
    cfg.train.compile = False  # sampling, tracing and export want the plain networks
    engine = make_engine(cfg, pick_device(device), memory="model",
                         reference=None if whole_data else ck["data"])
    restore_engine(engine, ck)
    return cfg, engine, ck
