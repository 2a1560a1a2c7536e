"""`main.py export RUN_DIR --out DIR`: a trained generator (or a VAE's decoder) that runs
without the studio.

DIR receives
  generator.pt    TorchScript: forward(z[, labels]) -> what `main.py sample` writes (images
                  in [0, 1] (N, C, H, W), or points (N, 2) in the data's units)
  generator.onnx  the same as ONNX, when the optional `onnx` package is installed
  model.json      latent size, classes, shape, the noise batch size and scale (gan.truncation)
  generate.py     samples with plain torch: python generate.py --n 16 --out samples.npz
The noise generate.py draws is the noise `sample --seed S` draws, so both give the same
samples for the same seed.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from torch import nn

from ..config import ConfigError

SCRIPT = Path(__file__).with_name("generate_template.py")


class _Points(nn.Module):
    """A GAN's generator, its noise scaled by gan.truncation as `sample` does."""

    def __init__(self, net: nn.Module, conditional: bool, truncation: float = 1.0):
        super().__init__()
        self.net, self.conditional, self.truncation = net, conditional, truncation

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        z = z * self.truncation
        return (self.net(z, labels) if self.conditional else self.net(z)).float()


class _Images(_Points):
    """... and its [-1, 1] output mapped to [0, 1]."""

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return ((super().forward(z, labels) + 1) / 2).clamp(0, 1)


class _Decoder(nn.Module):
    """A VAE's decoder: logits through a sigmoid, as `sample` and `decode` do."""

    def __init__(self, net: nn.Module, conditional: bool):
        super().__init__()
        self.net, self.conditional = net, conditional

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return torch.sigmoid(self.net(z, labels) if self.conditional else self.net(z)).float()


def sampler(cfg, engine) -> tuple[nn.Module, dict]:
    """(module mapping noise [and labels] to samples, model.json's content)."""
    from .budget import sample_limits

    batch = sample_limits(cfg, engine.device).batch
    if cfg.model == "gan":
        cond = engine.num_classes > 0
        kind = engine.kind
        wrap = (_Points if kind == "points" else _Images)(engine.sampler, cond,
                                                          cfg.gan.truncation)
        meta = {"latent_dim": cfg.gan.latent_dim, "num_classes": engine.num_classes,
                "classes": engine.classes if cond else [], "truncation": cfg.gan.truncation}
    elif cfg.model in ("ae", "vae", "ae-vs-vae"):
        model = engine.model
        cond = bool(model.conditional)
        kind = "images"
        wrap = _Decoder(model.dec, cond)
        meta = {"latent_dim": model.latent_dim, "num_classes": model.num_classes if cond else 0,
                "classes": []}
    else:
        raise ConfigError("model", f"export writes a generator or a VAE's decoder; a "
                                   f"{cfg.model} run has neither")
    meta.update({"family": cfg.model, "kind": kind, "shape": list(engine.data.shape),
                 "batch": batch, "output": "points" if kind == "points" else "images"})
    return wrap, meta


def _example(meta: dict) -> tuple:
    z = torch.zeros(2, meta["latent_dim"])
    return (z, torch.zeros(2, dtype=torch.long)) if meta["num_classes"] else (z,)


def _onnx(wrap: nn.Module, meta: dict, path: Path) -> str:
    """Write the ONNX file; "" when written, else why not (onnx missing, or the exporter
    could not handle the network: the TorchScript file is still there)."""
    try:
        import onnx  # noqa: F401
    except ImportError:
        return "onnx not installed (pip install onnx): no generator.onnx"
    import copy
    import io
    import warnings
    from contextlib import redirect_stdout

    names = ["z", "labels"] if meta["num_classes"] else ["z"]
    try:
        with warnings.catch_warnings(), redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            torch.onnx.export(copy.deepcopy(wrap).cpu().eval(), _example(meta), str(path),
                              input_names=names, output_names=[meta["output"]],
                              dynamic_axes={n: {0: "n"} for n in names + [meta["output"]]},
                              dynamo=False)
    except Exception as e:  # the exporter's failures have many types; the .pt is enough
        path.unlink(missing_ok=True)
        return f"ONNX export failed ({type(e).__name__}: {str(e).splitlines()[0][:200]})"
    return ""


def export_run(run_dir, out_dir, overwrite: bool = False) -> dict:
    """Write the files listed in the module's doc; returns {"files": [...], "note": str}."""
    from .checkpoint import atomic_write_bytes
    from .models.user import traced_bytes
    from .trained import load_run

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ConfigError("--out", f"{out}: exists and is not a folder")
    if out.is_dir() and (out / "generator.pt").exists() and not overwrite:
        raise ConfigError("--out", f"{out}: holds an exported model already; choose another "
                                   f"folder or pass --overwrite")
    cfg, engine, ck = load_run(run_dir, "cpu")
    wrap, meta = sampler(cfg, engine)
    meta["step"] = int(ck["step"])
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out / "generator.pt", traced_bytes(wrap, _example(meta)))
    files = ["generator.pt"]
    note = _onnx(wrap, meta, out / "generator.onnx")
    if not note:
        files.append("generator.onnx")
    atomic_write_bytes(out / "model.json", (json.dumps(meta, indent=1) + "\n").encode())
    shutil.copyfile(SCRIPT, out / "generate.py")
    return {"files": files + ["model.json", "generate.py"], "note": note}
