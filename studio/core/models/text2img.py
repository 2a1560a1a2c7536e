"""Text-to-image networks after Reed et al. 2016 (GAN-CLS), trained from scratch with the GAN.

TextEncoder: word embeddings and a two-way GRU; the caption is an attention-weighted sum
of the GRU's states over the words (a few heads, each free to look for one kind of word),
so extra words before or after the ones that matter change it little. The generator is a DCGAN generator fed [z, compressed caption]; the
matching-aware discriminator is a DCGAN discriminator whose last feature map is joined by
the compressed caption, copied over the map, so it can say "real, but not this caption".
D has no batch norm: its G-step batch holds only fakes, and batch statistics of a fakes-only
batch would let D score them differently from the mixed batch of its own step.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .dcgan import DCGANGenerator, init_weights, plan


class TextEncoder(nn.Module):
    """ids (B, L) int64 padded with 0, lengths (B,) -> caption embeddings (B, text_dim)."""

    def __init__(self, vocab_size: int, word_dim: int = 64, text_dim: int = 128, heads: int = 4):
        super().__init__()
        if text_dim % 2:
            raise ValueError(f"text_dim must be even (two GRU directions), got {text_dim}")
        self.embed = nn.Embedding(vocab_size, word_dim, padding_idx=0)
        self.gru = nn.GRU(word_dim, text_dim // 2, batch_first=True, bidirectional=True)
        self.attend = nn.Linear(text_dim, heads)  # one score per word and head
        self.out = nn.Linear(heads * text_dim, text_dim)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(self.embed(ids), lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        states, _ = self.gru(packed)
        h, _ = pad_packed_sequence(states, batch_first=True)  # (B, L', text_dim), L' = max length
        pad = torch.arange(h.shape[1], device=h.device)[None] >= lengths.to(h.device)[:, None]
        w = self.attend(h).masked_fill(pad[..., None], float("-inf")).softmax(1)  # (B, L', heads)
        return self.out(torch.einsum("blh,bld->bhd", w, h).flatten(1))


def _compress(text_dim: int, cond_dim: int) -> nn.Module:
    return nn.Sequential(nn.Linear(text_dim, cond_dim), nn.LeakyReLU(0.2, True))


class TextGenerator(nn.Module):
    """z (B, latent), caption embeddings (B, text_dim) -> images (B, C, size, size) in [-1, 1]."""

    def __init__(self, latent_dim: int, text_dim: int, cond_dim: int, channels: int, size: int,
                 width: int = 32):
        super().__init__()
        self.cond = _compress(text_dim, cond_dim)
        self.net = DCGANGenerator(latent_dim + cond_dim, channels, size, width)

    def forward(self, z: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([z, self.cond(t)], 1))


class MatchingDiscriminator(nn.Module):
    """images (B, C, size, size), caption embeddings (B, text_dim) -> logits (B,):
    high only for a real image with a caption that describes it.

    The caption enters as a projection (Miyato & Koyama 2018): logit = w.h + <c(t), V h>
    for image features h. An inner product makes the caption matter from the first steps;
    concatenated caption features were ignored by D for hundreds of steps.
    """

    def __init__(self, text_dim: int, cond_dim: int, channels: int, size: int, width: int = 32):
        super().__init__()
        s0, n_down = plan(size)
        ch = width
        layers: list[nn.Module] = [nn.Conv2d(channels, ch, 4, 2, 1),  # (B, C, size, size) -> (B, w, size/2, ..)
                                   nn.LeakyReLU(0.2, True)]
        for _ in range(n_down - 1):
            layers += [nn.Conv2d(ch, 2 * ch, 4, 2, 1),  # (B, ch, s, s) -> (B, 2ch, s/2, s/2)
                       nn.LeakyReLU(0.2, True)]
            ch *= 2
        layers += [nn.Flatten(), nn.Linear(ch * s0 * s0, 4 * width),  # (B, ch, s0, s0) -> (B, 4w)
                   nn.LeakyReLU(0.2, True)]
        self.features = nn.Sequential(*layers)
        self.apply(init_weights)
        # Made after init_weights: with N(0, 0.02) weights the caption would barely reach D.
        self.score = nn.Linear(4 * width, 1)
        self.project = nn.Linear(4 * width, cond_dim, bias=False)
        self.cond = _compress(text_dim, cond_dim)

    def forward(self, x: torch.Tensor, t: torch.Tensor, features: bool = False):
        h = self.features(x)
        logits = self.score(h).flatten() + (self.cond(t) * self.project(h)).sum(1)
        return (logits, h) if features else logits

    def contrastive(self, h: torch.Tensor, t: torch.Tensor, tau: float = 0.1) -> torch.Tensor:
        """InfoNCE over a batch: image i's features must match caption i better than the
        batch's other captions (as XMC-GAN, Zhang et al. 2021). It teaches D, the text
        encoder and, on fakes, G which words go with which pictures much faster than the
        GAN loss alone, which learnt colours but not shapes in a few hundred steps."""
        img = F.normalize(self.project(h), dim=1)
        txt = F.normalize(self.cond(t), dim=1)
        sim = img @ txt.T / tau
        target = torch.arange(len(h), device=h.device)
        return 0.5 * (F.cross_entropy(sim, target) + F.cross_entropy(sim.T, target))
