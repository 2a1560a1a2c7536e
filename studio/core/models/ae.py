"""Encoders and decoders for the autoencoder and the VAE, fully connected or convolutional.

An encoder maps x (B,C,H,W) [and a one-hot label] to (mu, raw) where raw is the
log-variance before the floor (None for a plain autoencoder). A decoder maps z [and a
one-hot label] to pixel logits (B,C,H,W): sigmoid gives the image in [0,1].
AE and VAE share these classes, so "the same architecture" is literally the same code.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def _one_hot(y: torch.Tensor | None, k: int) -> torch.Tensor | None:
    return F.one_hot(y, k).float() if (y is not None and k) else None


class MLPEncoder(nn.Module):
    def __init__(self, shape: tuple[int, int, int], latent: int, hidden: int,
                 variational: bool, num_classes: int = 0):
        super().__init__()
        self.num_classes = num_classes
        self.body = nn.Sequential(
            nn.Linear(math.prod(shape) + num_classes, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU())
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent) if variational else None

    def forward(self, x, y=None):
        h = x.flatten(1)
        oh = _one_hot(y, self.num_classes)
        if oh is not None:
            h = torch.cat([h, oh], 1)
        h = self.body(h)
        return self.mu(h), (self.logvar(h) if self.logvar is not None else None)


class MLPDecoder(nn.Module):
    def __init__(self, shape: tuple[int, int, int], latent: int, hidden: int,
                 num_classes: int = 0):
        super().__init__()
        self.shape, self.num_classes = tuple(shape), num_classes
        self.net = nn.Sequential(
            nn.Linear(latent + num_classes, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, math.prod(shape)))

    def forward(self, z, y=None):
        oh = _one_hot(y, self.num_classes)
        if oh is not None:
            z = torch.cat([z, oh], 1)
        return self.net(z).view(-1, *self.shape)


def _half(n: int) -> int:
    return (n + 1) // 2  # a 3x3, stride 2, padding 1 conv maps n -> ceil(n / 2)


MAX_MULT = 8  # the widest conv layer: channels x 8


def n_down(h: int, w: int) -> int:
    """Stride-2 blocks for an (h, w) image: two (as for 16-32 px), and one more per doubling
    above that, until the map is at most 8 px (64 px: 3, 128 px: 4, 256 px: 5)."""
    n = 2
    while max(_shrink(h, n), _shrink(w, n)) > 8:
        n += 1
    return n


def _shrink(n: int, times: int) -> int:
    for _ in range(times):
        n = _half(n)
    return n


def _widths(channels: int, n: int) -> list[int]:
    return [channels * min(2 ** i, MAX_MULT) for i in range(n)]  # after each stride-2 block


class ConvEncoder(nn.Module):
    """Stride-2 convs (one per doubling, see n_down) then dense layers; the label enters as
    constant one-hot planes."""

    def __init__(self, shape: tuple[int, int, int], latent: int, hidden: int, channels: int,
                 variational: bool, num_classes: int = 0):
        super().__init__()
        c, h, w = shape
        self.num_classes = num_classes
        n = n_down(h, w)
        widths = _widths(channels, n)
        layers: list[nn.Module] = []
        prev = c + num_classes
        for ch in widths:
            layers += [nn.Conv2d(prev, ch, 3, 2, 1), nn.LeakyReLU(0.2)]  # (prev,s,s) -> (ch,s/2,s/2)
            prev = ch
        self.conv = nn.Sequential(*layers, nn.Flatten())  # -> (ch * h/2^n * w/2^n,)
        self.dense = nn.Sequential(nn.Linear(prev * _shrink(h, n) * _shrink(w, n), hidden),
                                   nn.LeakyReLU(0.2))
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent) if variational else None

    def forward(self, x, y=None):
        oh = _one_hot(y, self.num_classes)
        if oh is not None:
            x = torch.cat([x, oh[:, :, None, None].expand(-1, -1, *x.shape[2:])], 1)
        h = self.dense(self.conv(x))
        return self.mu(h), (self.logvar(h) if self.logvar is not None else None)


class ConvDecoder(nn.Module):
    """Dense layers to a small map, the encoder's blocks mirrored as stride-2 transposed
    convs, crop to (H, W)."""

    def __init__(self, shape: tuple[int, int, int], latent: int, hidden: int, channels: int,
                 num_classes: int = 0):
        super().__init__()
        c, h, w = shape
        self.shape, self.num_classes = tuple(shape), num_classes
        n = n_down(h, w)
        widths = _widths(channels, n)
        self.h4, self.w4, self.c2 = _shrink(h, n), _shrink(w, n), widths[-1]
        self.dense = nn.Sequential(
            nn.Linear(latent + num_classes, hidden), nn.ReLU(),
            nn.Linear(hidden, self.c2 * self.h4 * self.w4), nn.ReLU())
        layers: list[nn.Module] = []
        for ch, out in zip(widths[::-1], widths[-2::-1]):
            layers += [nn.ConvTranspose2d(ch, out, 4, 2, 1), nn.ReLU()]  # (ch,s,s) -> (out,2s,2s)
        layers.append(nn.ConvTranspose2d(widths[0], c, 4, 2, 1))  # -> (C,H,W) (+ a few px, cropped)
        self.deconv = nn.Sequential(*layers)

    def forward(self, z, y=None):
        oh = _one_hot(y, self.num_classes)
        if oh is not None:
            z = torch.cat([z, oh], 1)
        x = self.deconv(self.dense(z).view(-1, self.c2, self.h4, self.w4))
        return x[:, :, : self.shape[1], : self.shape[2]]


def make_encoder_decoder(vcfg, shape, variational: bool, num_classes: int = 0):
    """(encoder, decoder) for a VAEConfig; `num_classes` > 0 makes them conditional."""
    shape = tuple(shape)
    k = num_classes if vcfg.conditional else 0
    if vcfg.model_file:  # the user's own networks (core/models/user.py)
        from .user import build_vae

        return build_vae(vcfg, shape, variational, k)
    if vcfg.arch == "conv":
        enc = ConvEncoder(shape, vcfg.latent_dim, vcfg.hidden, vcfg.channels, variational, k)
        dec = ConvDecoder(shape, vcfg.latent_dim, vcfg.hidden, vcfg.channels, k)
    else:
        enc = MLPEncoder(shape, vcfg.latent_dim, vcfg.hidden, variational, k)
        dec = MLPDecoder(shape, vcfg.latent_dim, vcfg.hidden, k)
    return enc, dec
