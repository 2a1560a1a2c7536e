"""Choosing the torch device: auto picks cuda, then mps, then cpu."""
from __future__ import annotations

import torch


class DeviceError(ValueError):
    pass


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise DeviceError("train.device: cuda asked for, but no CUDA GPU is available")
    if name == "mps" and not (getattr(torch.backends, "mps", None)
                              and torch.backends.mps.is_available()):
        raise DeviceError("train.device: mps asked for, but Apple MPS is not available")
    if name not in ("cpu", "cuda", "mps"):
        raise DeviceError(f"train.device: unknown device {name!r}")
    return torch.device(name)


def make_generator(device: torch.device, seed: int) -> torch.Generator:
    g = torch.Generator(device=device.type if device.type != "mps" else "cpu")
    g.manual_seed(seed)
    return g
