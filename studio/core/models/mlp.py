"""Fully connected generator and discriminator (vanilla GAN on points or flattened images)."""
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


class MLPGenerator(nn.Module):
    """z (B, latent) -> x (B, *out_shape); tanh output for images (data scaled to [-1, 1])."""

    def __init__(self, latent_dim: int, hidden: int, layers: int, out_shape: tuple[int, ...],
                 tanh: bool):
        super().__init__()
        self.out_shape = tuple(out_shape)
        self.net = mlp(latent_dim, hidden, layers, math.prod(out_shape), act=nn.ReLU)
        self.tanh = tanh

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.net(z)
        if self.tanh:
            x = torch.tanh(x)
        return x.view(-1, *self.out_shape)


class MLPDiscriminator(nn.Module):
    """x (B, *in_shape) -> logit (B,): the probability that x is real is sigmoid(logit)."""

    def __init__(self, in_shape: tuple[int, ...], hidden: int, layers: int):
        super().__init__()
        self.net = mlp(math.prod(in_shape), hidden, layers, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1)).squeeze(1)
