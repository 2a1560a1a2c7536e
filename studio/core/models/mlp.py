"""MLP pieces: the layer stack, the plain discriminator, and DataScale (2-D data units)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Sequential):
    """Linear layers and activations, run without a module call per layer: on a 2-D GAN's
    small layers those calls (hook checks, attribute look-ups) were a third of a forward pass.
    The same layers and state_dict keys as nn.Sequential."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for m in self:
            if isinstance(m, nn.Linear):  # spectral-norm Linear too: .weight applies it
                x = F.linear(x, m.weight, m.bias)
            elif type(m) is nn.LeakyReLU:
                x = F.leaky_relu(x, m.negative_slope)
            elif type(m) is nn.ReLU:
                x = torch.relu(x)
            else:
                x = m(x)
        return x


def mlp(n_in: int, hidden: int, layers: int, n_out: int, act=nn.LeakyReLU) -> MLP:
    mods: list[nn.Module] = []
    width = n_in
    for _ in range(layers):
        mods += [nn.Linear(width, hidden), act(0.2) if act is nn.LeakyReLU else act()]
        width = hidden
    mods.append(nn.Linear(width, n_out))
    return MLP(*mods)


class DataScale(nn.Module):
    """x * std + mean for a generator's output, (x - mean) / std for a discriminator's input.

    It lets an MLP on 2-D points work in units of the data's spread: a 5x5 grid spanning
    [-4, 4] is as easy to learn as a unit ring. Identity until set(); the engine saves the
    values with its checkpoint (the buffers are not in the module's state_dict)."""

    def __init__(self, dim: int, inverse: bool):
        super().__init__()
        self.inverse, self.active = inverse, False
        self.register_buffer("mean", torch.zeros(dim), persistent=False)
        self.register_buffer("std", torch.ones(()), persistent=False)
        # One op forward: x * factor + offset, with (std, mean) or, inverse, (1/std, -mean/std)
        self.register_buffer("factor", torch.ones(()), persistent=False)
        self.register_buffer("offset", torch.zeros(dim), persistent=False)

    def set(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        self.mean.copy_(mean.reshape(-1))
        self.std.copy_(std.reshape(()))
        self.active = bool((self.mean != 0).any() or self.std != 1)
        self.factor.copy_(1 / self.std if self.inverse else self.std)
        self.offset.copy_(-self.mean / self.std if self.inverse else self.mean)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.active:  # skip the op on image models
            return x
        return torch.addcmul(self.offset, x, self.factor)


class MLPDiscriminator(nn.Module):
    """x (B, *in_shape) -> logit (B,): the probability that x is real is sigmoid(logit)."""

    def __init__(self, in_shape: tuple[int, ...], hidden: int, layers: int):
        super().__init__()
        self.net = mlp(math.prod(in_shape), hidden, layers, 1)
        self.scale = DataScale(math.prod(in_shape), inverse=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(self.scale(x.flatten(1))).squeeze(1)
