"""A trained model rebuilt from a run directory's checkpoint (sample, evaluate, export)."""
from __future__ import annotations


def load_run(run_dir, device: str = "cpu"):
    """(config, engine, checkpoint) restored from RUN_DIR/checkpoint.pt (or a .pt path)."""
    from .checkpoint import load_checkpoint, restore_engine
    from .devices import pick_device
    from .engines import make_engine

    ck = load_checkpoint(run_dir)
    cfg = ck["config"]
    cfg.train.device = device
    cfg.train.compile = False  # sampling, tracing and export want the plain networks
    engine = make_engine(cfg, pick_device(device), memory="model")
    restore_engine(engine, ck)
    return cfg, engine, ck
