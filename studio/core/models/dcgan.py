"""DCGAN generator and discriminator (Radford et al. 2016), optionally class-conditional.

The layout follows pytorch/examples dcgan/main.py: G starts from a (s0 x s0) map and doubles
it with stride-2 transposed convolutions; D halves it back with stride-2 convolutions.
s0 is 7 for sizes 14, 28, 56, 112, 224 (MNIST-like) and 4 for 8 ... 256; one block per
doubling, widths capped at width x 16 (so 256 px adds a block at 128 px's widest). Widths for
width=64 (ngf/ndf), e.g. size 64: 512@4x4 -> 256@8 -> 128@16 -> 64@32 -> C@64;
size 32: 256@4 -> 128@8 -> 64@16 -> C@32; size 28: 128@7 -> 64@14 -> C@28.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm as _sn

from ..losses import pack as _pack

SIZES = (8, 14, 16, 28, 32, 56, 64, 112, 128, 224, 256)
MAX_MULT = 16  # widest layer: width x 16 (reached at 128 px; 256 px adds a block at that width)


def _mult(doublings: int) -> int:
    return min(2 ** doublings, MAX_MULT)


def plan(size: int) -> tuple[int, int]:
    """(start side s0, number of doublings) for an image side; ValueError if unsupported."""
    for s0 in (7, 4):
        n, s = 0, s0
        while s < size:
            s, n = s * 2, n + 1
        if s == size and n >= 1:
            return s0, n
    raise ValueError(f"DCGAN needs an image size in {', '.join(map(str, SIZES))}, got {size}")


def init_weights(m: nn.Module) -> None:
    """N(0, 0.02) conv weights, N(1, 0.02) batch-norm scales, as in the DCGAN paper."""
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


class MinibatchStd(nn.Module):
    """Appends one feature: the mean over features of the batch's per-feature std (ProGAN).

    A collapsed generator makes near-identical batches, which this feature exposes to D.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        std = (x.float().var(0, unbiased=False) + 1e-8).sqrt().mean().to(x.dtype)
        return torch.cat([x, std.expand(x.shape[0], 1, *x.shape[2:])], 1)


def _refine(ch: int, depth: int, norm, act) -> list[nn.Module]:
    """`depth` 3x3 stride-1 convs at one resolution, (B, ch, s, s) -> (B, ch, s, s): the
    plain DCGAN draws each scale with a single layer, which leaves broken strokes."""
    out: list[nn.Module] = []
    for _ in range(depth):
        out += [nn.Conv2d(ch, ch, 3, 1, 1, bias=norm is None)] + ([norm(ch)] if norm else [])
        out.append(act())
    return out


def _relu() -> nn.Module:
    return nn.ReLU(True)


def _leaky() -> nn.Module:
    return nn.LeakyReLU(0.2, True)


class DCGANGenerator(nn.Module):
    """z (B, latent) [, y (B,)] -> images (B, C, size, size) in [-1, 1] (tanh)."""

    def __init__(self, latent_dim: int, channels: int, size: int, width: int = 64,
                 num_classes: int = 0, embed_dim: int = 0, depth: int = 0):
        super().__init__()
        s0, n_up = plan(size)
        self.latent_dim, self.num_classes = latent_dim, num_classes
        # embed_dim 0: the label joins z as a fixed one-hot vector; >0: a learned embedding.
        self.embed = nn.Embedding(num_classes, embed_dim) if num_classes and embed_dim else None
        n_in = latent_dim + ((embed_dim or num_classes) if num_classes else 0)
        ch = width * _mult(n_up - 1)
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(n_in, ch, s0, 1, 0, bias=False),  # (B, n_in, 1, 1) -> (B, ch, s0, s0)
            nn.BatchNorm2d(ch), nn.ReLU(True)] + _refine(ch, depth, nn.BatchNorm2d, _relu)
        s = s0
        for i in range(n_up - 1):
            out = width * _mult(n_up - 2 - i)
            layers += [
                nn.ConvTranspose2d(ch, out, 4, 2, 1, bias=False),  # (B, ch, s, s) -> (B, ch/2 or ch, 2s, 2s)
                nn.BatchNorm2d(out), nn.ReLU(True)] + _refine(out, depth, nn.BatchNorm2d, _relu)
            ch, s = out, s * 2
        layers += [nn.ConvTranspose2d(ch, channels, 4, 2, 1, bias=False),  # (B, width, size/2, ..) -> (B, C, size, size)
                   nn.Tanh()]
        self.net = nn.Sequential(*layers)
        self.apply(init_weights)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.num_classes:
            if y is None:
                raise ValueError("a conditional generator needs labels y")
            lab = self.embed(y) if self.embed is not None else F.one_hot(y, self.num_classes)
            z = torch.cat([z, lab.to(z.dtype)], 1)
        return self.net(z[:, :, None, None])


class DCGANDiscriminator(nn.Module):
    """images (B, C, size, size) [, y (B,)] -> logits (B // pack,).

    Conditional D sees the label as extra input channels: `label_mode` "onehot" adds
    num_classes constant planes (fine for ~10 classes), "embed" adds one learned plane per
    class (cheaper for many classes). `classify` adds an auxiliary classifier on D's pooled
    last features (AC-GAN, Odena et al. 2017): forward(..., with_class=True) also returns
    its class logits. `pack` > 1 judges groups of samples (PacGAN).
    Batch norm defaults to off when spectral_norm is on: SNGAN's D has none, and the two
    fight over the layer's scale. Use batch_norm=False also with gradient penalties.
    """

    def __init__(self, channels: int, size: int, width: int = 64, num_classes: int = 0,
                 label_mode: str = "onehot", spectral_norm: bool = False,
                 batch_norm: bool | None = None, minibatch_std: bool = False, pack: int = 1,
                 depth: int = 0, classify: bool = False):
        super().__init__()
        s0, n_down = plan(size)
        if label_mode not in ("onehot", "embed"):
            raise ValueError(f"label_mode must be 'onehot' or 'embed', got {label_mode!r}")
        if classify and not (num_classes and pack == 1):
            raise ValueError("an auxiliary classifier needs classes and one sample at a time "
                             "(pack 1)")
        if pack < 1:
            raise ValueError(f"pack must be >= 1, got {pack}")
        self.size, self.num_classes, self.label_mode, self.pack = size, num_classes, label_mode, pack
        self.embed = (nn.Embedding(num_classes, size * size)
                      if num_classes and label_mode == "embed" else None)
        extra = (num_classes if label_mode == "onehot" else 1) if num_classes else 0
        bn = (not spectral_norm) if batch_norm is None else batch_norm
        ch = width
        convs: list[nn.Conv2d] = []
        layers: list[nn.Module] = []
        first = nn.Conv2d(pack * (channels + extra), ch, 4, 2, 1, bias=False)  # (B/p, p*C', size, size) -> (B/p, width, size/2, ..)
        convs.append(first)
        layers += [first, nn.LeakyReLU(0.2, True)]  # no batch norm on D's input layer (DCGAN)
        for i in range(n_down - 1):
            out = width * _mult(i + 1)
            conv = nn.Conv2d(ch, out, 4, 2, 1, bias=not bn)  # (B/p, ch, s, s) -> (B/p, 2ch or ch, s/2, s/2)
            convs.append(conv)
            layers += [conv] + ([nn.BatchNorm2d(out)] if bn else []) + [nn.LeakyReLU(0.2, True)]
            more = _refine(out, depth, nn.BatchNorm2d if bn else None, _leaky)
            convs += [m for m in more if isinstance(m, nn.Conv2d)]
            layers += more
            ch = out
        if minibatch_std:
            layers.append(MinibatchStd())  # (B/p, ch, s0, s0) -> (B/p, ch+1, s0, s0)
        last = nn.Conv2d(ch + int(minibatch_std), 1, s0, 1, 0, bias=False)  # (B/p, ch, s0, s0) -> (B/p, 1, 1, 1)
        convs.append(last)
        layers.append(last)
        self.net = nn.Sequential(*layers)
        self.classify = nn.Linear(ch + int(minibatch_std), num_classes) if classify else None
        self.apply(init_weights)
        if spectral_norm:
            for i, m in enumerate(self.net):
                if m in convs:
                    self.net[i] = _sn(m)
            if self.classify is not None:
                self.classify = _sn(self.classify)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None,
                with_class: bool = False):
        if self.num_classes:
            if y is None:
                raise ValueError("a conditional discriminator needs labels y")
            b, _, h, w = x.shape
            if self.embed is not None:
                planes = self.embed(y).view(b, 1, h, w)
            else:
                planes = F.one_hot(y, self.num_classes)[:, :, None, None].expand(b, -1, h, w)
            x = torch.cat([x, planes.to(x.dtype)], 1)
        if with_class:  # (logits (B,), class logits (B, num_classes))
            feats = self.net[:-1](x)  # (B, ch, s0, s0)
            return self.net[-1](feats).flatten(), self.classify(feats.mean((2, 3)))
        return self.net(_pack(x, self.pack)).flatten()
