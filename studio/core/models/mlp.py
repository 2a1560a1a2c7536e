"""MLP pieces: the layer stack, the plain discriminator, and DataScale (2-D data units)."""
from __future__ import annotations

import math

import torch
from torch import nn


def mlp(n_in: int, hidden: int, layers: int, n_out: int, act=nn.LeakyReLU) -> nn.Sequential:
    mods: list[nn.Module] = []
    width = n_in
    for _ in range(layers):
        mods += [nn.Linear(width, hidden), act(0.2) if act is nn.LeakyReLU else act()]
        width = hidden
    mods.append(nn.Linear(width, n_out))
    return nn.Sequential(*mods)


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

    def set(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        self.mean.copy_(mean.reshape(-1))
        self.std.copy_(std.reshape(()))
        self.active = bool((self.mean != 0).any() or self.std != 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.active:  # skip two ops per call on image models
            return x
        return (x - self.mean) / self.std if self.inverse else torch.addcmul(self.mean, x, self.std)


class MLPDiscriminator(nn.Module):
    """x (B, *in_shape) -> logit (B,): the probability that x is real is sigmoid(logit)."""

    def __init__(self, in_shape: tuple[int, ...], hidden: int, layers: int):
        super().__init__()
        self.net = mlp(math.prod(in_shape), hidden, layers, 1)
        self.scale = DataScale(math.prod(in_shape), inverse=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(self.scale(x.flatten(1))).squeeze(1)
