"""Choosing the torch device: auto picks cuda, then mps, then cpu."""
from __future__ import annotations

import hashlib

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


def load_generator_state(gen: torch.Generator, state: torch.Tensor) -> None:
    """Restore a generator's saved state. A state saved by another kind of generator (a
    checkpoint written on a GPU, resumed on the CPU) cannot be loaded as it is: the generator
    is then seeded from it, so that the resumed run is still the same each time."""
    state = state.detach().to("cpu", torch.uint8)
    if state.numel() == gen.get_state().numel():
        gen.set_state(state)
        return
    digest = hashlib.blake2b(state.numpy().tobytes(), digest_size=8).digest()
    gen.manual_seed(int.from_bytes(digest, "little") >> 1)
