"""GAN losses and the tricks that steady GAN training.

Every discriminator here returns raw logits (B,), so each loss reads them directly:
  bce    non-saturating GAN (Goodfellow et al. 2014)
  lsgan  least squares on the logits with targets 1 (real) and 0 (fake) (Mao et al. 2017)
  hinge  hinge loss (Lim & Ye 2017; SAGAN, BigGAN)
  wgan   Wasserstein critic loss; use it with gradient_penalty (WGAN-GP, Gulrajani et al. 2017)
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import torch
import torch.nn.functional as F

from ..config import LOSS_NAMES

__all__ = ["LOSSES", "GANLoss", "get_loss", "d_loss", "g_loss", "r1_penalty",
           "gradient_penalty", "instance_noise_std", "add_instance_noise", "pack"]


def _smooth_target(like: torch.Tensor, smooth: float) -> torch.Tensor:
    if not 0.0 <= smooth < 1.0:
        raise ValueError(f"label smoothing must be in [0, 1), got {smooth}")
    return torch.full_like(like, 1.0 - smooth)


def bce_d(real: torch.Tensor, fake: torch.Tensor, smooth: float = 0.0) -> torch.Tensor:
    # BCE with logits, written out: -log sigmoid(x) = softplus(-x), and for a target t,
    # softplus(x) - t*x. The same numbers as F.binary_cross_entropy_with_logits, without
    # building target tensors (on a 2-D GAN's step those were a tenth of the loss's cost).
    if not 0.0 <= smooth < 1.0:
        raise ValueError(f"label smoothing must be in [0, 1), got {smooth}")
    on_real = F.softplus(-real) if smooth == 0.0 else F.softplus(real) - (1.0 - smooth) * real
    return on_real.mean() + F.softplus(fake).mean()


def bce_g(fake: torch.Tensor) -> torch.Tensor:
    # Non-saturating: maximise log D(G(z)); log(1 - D(G(z))) has no gradient once D wins.
    return F.softplus(-fake).mean()


def lsgan_d(real: torch.Tensor, fake: torch.Tensor, smooth: float = 0.0) -> torch.Tensor:
    # The 1/2 factors follow Mao et al.; they keep the loss on the same scale as bce.
    return 0.5 * (F.mse_loss(real, _smooth_target(real, smooth)) + fake.pow(2).mean())


def lsgan_g(fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * (fake - 1.0).pow(2).mean()


def hinge_d(real: torch.Tensor, fake: torch.Tensor, smooth: float = 0.0) -> torch.Tensor:
    # The margin already stops D from pushing logits further; smoothing has no meaning here.
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def hinge_g(fake: torch.Tensor) -> torch.Tensor:
    return -fake.mean()


def wgan_d(real: torch.Tensor, fake: torch.Tensor, smooth: float = 0.0) -> torch.Tensor:
    return fake.mean() - real.mean()


def wgan_g(fake: torch.Tensor) -> torch.Tensor:
    return -fake.mean()


class GANLoss(NamedTuple):
    d: Callable[..., torch.Tensor]  # d(real_logits, fake_logits, smooth=0.0)
    g: Callable[[torch.Tensor], torch.Tensor]  # g(fake_logits)


LOSSES = {"bce": GANLoss(bce_d, bce_g), "lsgan": GANLoss(lsgan_d, lsgan_g),
          "hinge": GANLoss(hinge_d, hinge_g), "wgan": GANLoss(wgan_d, wgan_g)}
assert tuple(LOSSES) == LOSS_NAMES


def get_loss(name: str) -> GANLoss:
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown GAN loss {name!r} (choose from {', '.join(LOSSES)})") from None


def d_loss(name: str, real_logits: torch.Tensor, fake_logits: torch.Tensor,
           smooth: float = 0.0) -> torch.Tensor:
    return get_loss(name).d(real_logits, fake_logits, smooth)


def g_loss(name: str, fake_logits: torch.Tensor) -> torch.Tensor:
    return get_loss(name).g(fake_logits)


def _grad_sq_norm(out: torch.Tensor, inp: torch.Tensor) -> torch.Tensor:
    (grad,) = torch.autograd.grad(out.sum(), inp, create_graph=True)
    return grad.flatten(1).pow(2).sum(1)


def r1_penalty(real_logits: torch.Tensor, real: torch.Tensor, gamma: float) -> torch.Tensor:
    """gamma/2 * E ||grad_x D(x)||^2 on real x (Mescheder et al. 2018).

    `real` must have had requires_grad set before D saw it, and `real_logits` = D(real);
    this way the D forward pass of the ordinary loss is reused.
    """
    return 0.5 * gamma * _grad_sq_norm(real_logits.float(), real).mean()


def gradient_penalty(d_fn: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor,
                     fake: torch.Tensor, weight: float = 10.0,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """weight * E (||grad D(x_hat)|| - 1)^2 at random points between real and fake (WGAN-GP).

    D must not use batch norm: the penalty is per sample, and batch norm mixes samples.
    """
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    eps = torch.rand(shape, device=real.device, generator=generator, dtype=real.dtype)
    x_hat = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)
    norm = (_grad_sq_norm(d_fn(x_hat).float(), x_hat) + 1e-12).sqrt()
    return weight * (norm - 1.0).pow(2).mean()


def instance_noise_std(step: int, start_std: float, anneal_steps: int) -> float:
    """The std at `step`: start_std fading linearly to 0 at anneal_steps (Sonderby et al. 2017)."""
    if start_std <= 0 or anneal_steps <= 0 or step >= anneal_steps:
        return 0.0
    return start_std * (1.0 - step / anneal_steps)


def add_instance_noise(x: torch.Tensor, std: float,
                       generator: torch.Generator | None = None) -> torch.Tensor:
    """x + N(0, std^2); give both real and fake D inputs the same std."""
    if std <= 0:
        return x
    noise = torch.randn(x.shape, device=x.device, dtype=x.dtype, generator=generator)
    return x + std * noise


def pack(x: torch.Tensor, m: int) -> torch.Tensor:
    """PacGAN: (B, C, ...) -> (B // m, m*C, ...), m consecutive samples side by side.

    A remainder of B mod m samples is dropped, so any batch size works with any m.
    """
    if m <= 1:
        return x
    if x.shape[0] < m:
        raise ValueError(f"a batch of {x.shape[0]} cannot be packed in groups of {m}")
    b = x.shape[0] // m
    x = x[: b * m]
    return x.reshape(b, m * x.shape[1], *x.shape[2:])
