"""`main.py evaluate RUN_DIR`: the numbers a paper reports for a trained generator.

  fd_classifier, precision, recall   in the features of a small classifier trained on the
                                     run's labelled images (cached per data set); for 2-D
                                     points, in the plane itself
  fid                                Inception FID by torchmetrics when torch-fidelity and
                                     its weights are here (offline: `fid_note` says which
                                     file to place where)

Real rows are a seeded subset of the run's data (as many as samples drawn); the samples are
drawn with a fixed seed, so evaluating again gives the same numbers. The result goes to
RUN_DIR/evaluation.json (atomically) and is returned.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

if TYPE_CHECKING:
    import torch

from ..config import ConfigError

RESULT = "evaluation.json"
K = 3  # neighbours for precision/recall, as in Kynkäänniemi et al. 2019
MIN_N = 10


class Cancelled(Exception):
    """The progress callback asked to stop (the window's Cancel)."""


def draw_samples(cfg, engine, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """n samples with a fixed seed (the same noise as `main.py sample --seed`)."""
    import torch  # here: the Runs panel reads results before torch is loaded

    from .budget import sample_limits

    limits = sample_limits(cfg, engine.device)
    limits.check(n)
    torch.manual_seed(seed)
    if hasattr(engine, "gen"):
        engine.gen.manual_seed(seed)
    parts = [engine.sample(b) for b in limits.batches(n)]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _real_rows(data, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    import torch  # here: the Runs panel reads results before torch is loaded

    idx = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))[:n]
    x = data.x.cpu()[idx]
    x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
    return x, (data.labels.cpu()[idx] if data.labels is not None else None)


def read_result(run_dir) -> dict | None:
    """RUN_DIR/evaluation.json, or None when absent or unreadable."""
    try:
        d = json.loads((Path(run_dir) / RESULT).read_text())
    except (OSError, ValueError):
        return None
    return d if isinstance(d, dict) else None


def evaluate_run(run_dir, n: int = 1000, seed: int = 0, fid_feature=None,
                 progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Evaluate a run directory's generator; see the module's doc. `progress(stage, done,
    total)` hears each stage (and may raise Cancelled); `fid_feature` replaces Inception."""
    import torch  # here: the Runs panel reads results before torch is loaded

    from .checkpoint import atomic_write_bytes
    from .data import Dataset
    from .metrics import classifier
    from .metrics.fidelity import fid, fid_unavailable, frechet_distance, precision_recall
    from .trained import load_run

    def report(stage: str, done: int = 0, total: int = 0) -> None:
        if progress is not None:
            progress(stage, done, total)

    if n < MIN_N:
        raise ConfigError("--n", f"must be at least {MIN_N} (a covariance and {K} neighbours "
                                 f"need a few samples)")
    start = time.perf_counter()
    report("loading the run")
    cfg, engine, ck = load_run(run_dir, "cpu", whole_data=True)
    data = getattr(engine, "data", None)
    if not isinstance(data, Dataset):
        raise ConfigError("model", f"evaluate needs a run that generates from noise (gan, vae, "
                                   f"ae); this one is {cfg.model}")
    n_real = min(n, len(data))
    report("drawing samples", 0, n)
    fake = draw_samples(cfg, engine, n, seed)
    report("drawing samples", n, n)
    real_x, real_y = _real_rows(data, n_real, seed)
    out: dict = {"run": str(Path(run_dir).resolve().name), "step": int(ck["step"]),
                 "model": cfg.model, "n_fake": n, "n_real": n_real, "k": K, "seed": seed}
    if data.kind == "points":
        real_f, fake_f = real_x.double(), torch.as_tensor(fake["points"]).double()
        out["features"] = "points (x, y)"
    elif real_y is not None and data.num_classes >= 2:
        net, info = classifier.classifier_for(
            data.x.cpu(), data.labels.cpu(), data.num_classes,
            progress=lambda d, t: report("training the feature classifier", d, t))
        report("features")
        real_f = net.features(real_x)
        fake_f = net.features(torch.as_tensor(fake["images"]))
        out["features"] = f"classifier ({classifier.FEATURES} features)"
        out["classifier"] = {"accuracy": round(info["accuracy"], 4), "cached": info["cached"]}
    else:
        real_f = fake_f = None
        out["features"] = ""
        out["features_note"] = ("no classifier distance: the data has no labels to train the "
                                "feature classifier on")
    if real_f is not None:
        report("distances")
        out["fd_classifier" if data.kind == "images" else "fd_points"] = \
            frechet_distance(real_f.numpy(), fake_f.numpy())
        out["precision"], out["recall"] = precision_recall(real_f, fake_f, K)
    if data.kind == "images":
        why = "" if fid_feature is not None else fid_unavailable()
        if why:
            out["fid"], out["fid_note"] = None, why
        else:
            report("FID (Inception)" if fid_feature is None else "FID")
            out["fid"] = fid(real_x, torch.as_tensor(fake["images"]), fid_feature)
            if fid_feature is not None:
                out["fid_note"] = "computed with a stand-in feature network, not Inception"
    out["seconds"] = round(time.perf_counter() - start, 2)
    out["time"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    atomic_write_bytes(Path(run_dir) / RESULT,
                       (json.dumps(out, indent=1) + "\n").encode(), durable=False)
    return out


def summary(result: dict) -> str:
    """One line of the numbers, for the CLI and the Runs list's tooltip."""
    parts = []
    for key, name in (("fid", "FID"), ("fd_classifier", "FD (classifier)"),
                      ("fd_points", "FD (points)"), ("precision", "precision"),
                      ("recall", "recall")):
        v = result.get(key)
        if isinstance(v, (int, float)):
            parts.append(f"{name} {v:.4g}")
    return ", ".join(parts) or "no numbers"
