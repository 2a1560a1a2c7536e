"""CycleGAN networks (Zhu et al. 2017), 16-256 px (the paper: ResNet-6 at 128 px, ResNet-9
and the 70x70 PatchGAN, d_layers=3, at 256 px; fewer blocks for small images on a CPU).

The generator follows the paper's ResNet layout (c7s1-w, two stride-2 downsamplings - fewer
for small images - residual blocks, as many upsamplings, c7s1-C) with instance norm; the
discriminator is a PatchGAN that scores overlapping patches, so it judges texture and colour
locally.
"""
from __future__ import annotations

import torch
from torch import nn


def _init(m: nn.Module) -> None:
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


def _norm(kind: str):
    """instance: the paper's; none: each pixel's output no longer hangs on the whole image's
    statistics, so unseen framings (more background, thinner strokes) keep their colours."""
    return nn.InstanceNorm2d if kind == "instance" else (lambda ch: nn.Identity())


class ResBlock(nn.Module):
    def __init__(self, ch: int, norm: str = "instance"):
        super().__init__()
        _N = _norm(norm)
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3), _N(ch), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3), _N(ch))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)  # (B, ch, s, s) -> (B, ch, s, s)


class ResnetGenerator(nn.Module):
    """images (B, in_ch, S, S) in [-1, 1] -> (B, out_ch, S, S) in [-1, 1]; S divisible by 2^n_down.

    n_down=2 is the paper's; at 16 px that squeezes every image through 4x4, so small images
    take fewer (0 or 1) and keep their strokes. norm: "instance" (the paper's) or "none".
    """

    def __init__(self, in_ch: int, out_ch: int, width: int = 32, blocks: int = 4,
                 n_down: int = 2, norm: str = "instance"):
        super().__init__()
        w, _N = width, _norm(norm)
        layers: list[nn.Module] = [
            nn.ReflectionPad2d(3), nn.Conv2d(in_ch, w, 7),  # (B, in, S, S) -> (B, w, S, S)
            _N(w), nn.ReLU(True)]
        for _ in range(n_down):
            layers += [nn.Conv2d(w, 2 * w, 3, 2, 1),  # (B, w, s, s) -> (B, 2w, s/2, s/2)
                       _N(2 * w), nn.ReLU(True)]
            w *= 2
        layers += [ResBlock(w, norm) for _ in range(blocks)]  # (B, w, s, s)
        for _ in range(n_down):
            # (B, w, s, s) -> (B, w/2, 2s, 2s)
            layers += [nn.ConvTranspose2d(w, w // 2, 3, 2, 1, output_padding=1),
                       _N(w // 2), nn.ReLU(True)]
            w //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(w, out_ch, 7), nn.Tanh()]  # -> (B, out, S, S)
        self.net = nn.Sequential(*layers)
        self.apply(_init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class PatchDiscriminator(nn.Module):
    """images (B, C, S, S) -> patch logits (B, 1, P, P); each logit sees one receptive field.

    n_down stride-2 layers then two stride-1 4x4 convs, as the 70x70 PatchGAN (n_down=3);
    n_down=2 suits 16-32 px images.
    """

    def __init__(self, in_ch: int, width: int = 32, n_down: int = 2):
        super().__init__()
        ch = width
        layers: list[nn.Module] = [nn.Conv2d(in_ch, ch, 4, 2, 1),  # (B, C, S, S) -> (B, w, S/2, S/2)
                                   nn.LeakyReLU(0.2, True)]
        for _ in range(n_down - 1):
            layers += [nn.Conv2d(ch, 2 * ch, 4, 2, 1),  # (B, ch, s, s) -> (B, 2ch, s/2, s/2)
                       nn.InstanceNorm2d(2 * ch), nn.LeakyReLU(0.2, True)]
            ch *= 2
        layers += [nn.Conv2d(ch, 2 * ch, 4, 1, 1),  # (B, ch, s, s) -> (B, 2ch, s-1, s-1)
                   nn.InstanceNorm2d(2 * ch), nn.LeakyReLU(0.2, True),
                   nn.Conv2d(2 * ch, 1, 4, 1, 1)]  # -> (B, 1, s-2, s-2)
        self.net = nn.Sequential(*layers)
        self.apply(_init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class ImagePool:
    """The last `size` generated images; D sees a mix of new and old fakes (Shrivastava et
    al. 2017), which damps oscillation. Kept on the device, with no host sync per query."""

    def __init__(self, size: int):
        self.size = size
        self.images: torch.Tensor | None = None
        self.count = 0

    def query(self, x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        if self.size == 0:
            return x
        x = x.detach()
        if self.images is None:
            self.images = torch.zeros((self.size,) + tuple(x.shape[1:]), dtype=x.dtype,
                                      device=x.device)
        if self.count < self.size:  # filling up: store and return the new images
            n = min(len(x), self.size - self.count)
            self.images[self.count:self.count + n] = x[:n]
            self.count += n
            return x
        # Full: each image is swapped with a random stored one with probability 1/2.
        u = torch.rand(len(x), device=gen.device, generator=gen).to(x.device)
        idx = torch.randint(0, self.size, (len(x),), device=gen.device, generator=gen).to(x.device)
        swap = (u < 0.5).view(-1, *([1] * (x.dim() - 1)))
        old = self.images[idx]
        self.images[idx] = torch.where(swap, x, old)
        return torch.where(swap, old, x)

    def state_dict(self) -> dict:
        return {"count": self.count, "images": None if self.images is None else self.images.cpu()}

    def load_state_dict(self, state: dict, device) -> None:
        self.count = int(state["count"])
        self.images = None if state["images"] is None else state["images"].to(device)
