"""How an engine runs on its device: mixed precision, memory layout, torch.compile.

`train.precision bf16` trains in bfloat16 mixed precision (autocast: matrix products and
convolutions in bf16, losses and reductions in float32; bf16 keeps float32's range, so no loss
scaling), with convolutions in channels_last on a CUDA GPU, the layout its tensor cores read.
It is not the default: on an H200 the studio's models are too small for it to pay (DCGAN at
28 px: 0.91x the float32 speed, at 64 px: 0.82x; the convolutional VAE 0.86x; the casts
and layout changes cost more launches than the tensor cores save), at the same quality.
`train.compile` compiles the networks; cuDNN autotunes convolutions on CUDA either way.
"""
from __future__ import annotations

import contextlib
import os

import torch
from torch import nn

from ..devices import DeviceError

# The speed shortcuts that lean on torch internals or stand in for autograd: Adam's fused
# kernel called without torch's per-step Python (base.FusedAdam) and the hand-written MLP
# backward of 2-D GANs (gan_mlp_fast). GENERATIVE_STUDIO_SHORTCUTS=0 turns them all off: a
# torch upgrade that breaks one can be worked around at once, and CI runs the core tests once
# that way so that both paths stay right.
SHORTCUTS = os.environ.get("GENERATIVE_STUDIO_SHORTCUTS", "1") != "0"


def amp_dtype(precision: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype for `train.precision` on `device`, or None for plain float32."""
    if precision != "bf16":
        return None
    if device.type == "cuda" and not torch.cuda.is_bf16_supported(including_emulation=False):
        raise DeviceError("train.precision: this GPU has no bfloat16 arithmetic "
                          "(it needs compute capability 8.0 or newer); use fp32")
    if device.type == "mps":
        raise DeviceError("train.precision: bf16 is offered on CUDA GPUs and the CPU; "
                          "use fp32 on Apple MPS")
    return torch.bfloat16


def name(dtype: torch.dtype | None) -> str:
    return "bf16" if dtype is torch.bfloat16 else "fp32"


def autocast(device: torch.device, dtype: torch.dtype | None):
    """A context manager factory: mixed precision in dtype, or nothing."""
    if dtype is None:
        return contextlib.nullcontext
    return lambda: torch.autocast(device.type, dtype=dtype)


def has_conv(module: nn.Module) -> bool:
    return any(isinstance(m, nn.modules.conv._ConvNd) for m in module.modules())


def prepare(modules: list[nn.Module], device: torch.device, dtype: torch.dtype | None,
            compile_: bool) -> bool:
    """Set the networks up for `device` in place; True if they use channels_last.

    Compiled networks keep the default layout: the compiler picks convolution layouts
    itself."""
    channels_last = (device.type == "cuda" and dtype is not None and not compile_
                     and any(has_conv(m) for m in modules))
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed batch shapes: time the algorithms once
    for m in modules:
        if channels_last and has_conv(m):
            m.to(memory_format=torch.channels_last)
        if compile_:
            m.compile()  # in place: the state_dict keys stay as they are
    return channels_last


def setup(owner, modules: list[nn.Module], device: torch.device, train,
          guard_step: bool = True) -> None:
    """Give `owner` (an engine, or one of its models) amp, precision and channels_last for
    `train`'s settings, set its networks up, and with train.compile let its step fall back to
    eager if compiled steps fail (compile_fallback)."""
    dtype = amp_dtype(train.precision, device)
    owner.amp, owner.precision = autocast(device, dtype), name(dtype)
    owner.channels_last = prepare(modules, device, dtype, train.compile)
    if guard_step and train.compile:
        owner.step = compile_fallback(owner.step, modules)


def to_layout(x: torch.Tensor, channels_last: bool) -> torch.Tensor:
    """Image batches in the layout the networks were given (see prepare)."""
    if channels_last and x.dim() == 4:
        return x.contiguous(memory_format=torch.channels_last)
    return x


def uncompile(modules: list[nn.Module]) -> None:
    """Back to eager execution (see compile_fallback)."""
    for m in modules:
        m._compiled_call_impl = None
        m.zero_grad(set_to_none=True)


class compile_fallback:
    """Runs an engine's step; if a compiled step fails within the first few, the networks go
    back to eager execution, the step is taken again, and `failed` says why. torch 2.11
    compiled the DCGAN on an H200 but its convolutions' backward pass failed a stride check
    at the first step; a run should then go on, uncompiled, rather than stop."""

    TRIES = 3

    def __init__(self, step, modules: list[nn.Module]):
        self.step, self.modules, self.calls, self.failed = step, modules, 0, ""

    def __call__(self):
        self.calls += 1
        if self.calls > self.TRIES or self.failed:
            return self.step()
        try:
            return self.step()
        except Exception as e:  # any error from generated code; eager is the reference
            self.failed = f"{type(e).__name__}: {str(e).strip().splitlines()[0][:160]}"
            uncompile(self.modules)
            return self.step()
