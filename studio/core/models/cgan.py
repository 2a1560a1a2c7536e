"""Fully connected conditional GAN (Mirza & Osindero 2014): the label joins G's noise and D's input.

With num_classes=0 both are unconditional, which lets the same D offer PacGAN packing,
spectral norm and the minibatch-std feature to the vanilla MLP GAN too.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm as _sn

from ..losses import pack as _pack
from .mlp import DataScale, mlp


class _Label(nn.Module):
    """y (B,) -> (B, dim): a fixed one-hot vector (embed_dim 0) or a learned embedding."""

    def __init__(self, num_classes: int, embed_dim: int):
        super().__init__()
        self.num_classes = num_classes
        self.embed = nn.Embedding(num_classes, embed_dim) if embed_dim else None
        self.dim = embed_dim or num_classes

    def forward(self, y: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        out = self.embed(y) if self.embed is not None else F.one_hot(y, self.num_classes)
        return out.to(dtype)


class CondMLPGenerator(nn.Module):
    """z (B, latent), y (B,) -> x (B, *out_shape); tanh output for images in [-1, 1]."""

    def __init__(self, latent_dim: int, hidden: int, layers: int, out_shape: tuple[int, ...],
                 tanh: bool, num_classes: int = 0, embed_dim: int = 0):
        super().__init__()
        self.out_shape, self.tanh, self.num_classes = tuple(out_shape), tanh, num_classes
        self.label = _Label(num_classes, embed_dim) if num_classes else None
        n_in = latent_dim + (self.label.dim if self.label else 0)
        self.net = mlp(n_in, hidden, layers, math.prod(out_shape), act=nn.ReLU)
        self.scale = DataScale(math.prod(out_shape), inverse=False)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.label is not None:
            if y is None:
                raise ValueError("a conditional generator needs labels y")
            z = torch.cat([z, self.label(y, z.dtype)], 1)
        x = self.net(z)
        x = torch.tanh(x) if self.tanh else self.scale(x)
        return x.view(-1, *self.out_shape)


class CondMLPDiscriminator(nn.Module):
    """x (B, *in_shape) [, y (B,)] -> logits (B // pack,).

    pack > 1 concatenates `pack` samples (each with its label) into one input (PacGAN).
    minibatch_std appends the batch's mean feature std to the last hidden layer (ProGAN).
    """

    def __init__(self, in_shape: tuple[int, ...], hidden: int, layers: int, num_classes: int = 0,
                 embed_dim: int = 0, pack: int = 1, spectral_norm: bool = False,
                 minibatch_std: bool = False):
        super().__init__()
        if pack < 1:
            raise ValueError(f"pack must be >= 1, got {pack}")
        self.pack, self.num_classes, self.minibatch_std = pack, num_classes, minibatch_std
        self.label = _Label(num_classes, embed_dim) if num_classes else None
        n_in = pack * (math.prod(in_shape) + (self.label.dim if self.label else 0))
        self.scale = DataScale(math.prod(in_shape), inverse=True)
        body = mlp(n_in, hidden, layers, 1)
        self.body = body[:-1]  # hidden layers
        self.head = nn.Linear(body[-1].in_features + int(minibatch_std), 1)
        if spectral_norm:
            for i, m in enumerate(self.body):
                if isinstance(m, nn.Linear):
                    self.body[i] = _sn(m)
            self.head = _sn(self.head)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        x = self.scale(x.flatten(1))
        if self.label is not None:
            if y is None:
                raise ValueError("a conditional discriminator needs labels y")
            x = torch.cat([x, self.label(y, x.dtype)], 1)
        h = self.body(_pack(x, self.pack))
        if self.minibatch_std:
            std = (h.float().var(0, unbiased=False) + 1e-8).sqrt().mean().to(h.dtype)
            h = torch.cat([h, std.expand(h.shape[0], 1)], 1)
        return self.head(h).squeeze(1)
