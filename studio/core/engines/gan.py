"""Vanilla GAN: MLP generator and discriminator, BCE loss, non-saturating G loss."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..data import load_dataset
from ..devices import make_generator
from ..metrics.modes import mode_stats
from ..models.mlp import MLPDiscriminator, MLPGenerator
from .base import Engine, StepResult, adam_set_lr

N_PREVIEW_POINTS = 1000
N_PREVIEW_IMAGES = 64


class GANEngine(Engine):
    metric_names = ("loss_d", "loss_g", "d_real", "d_fake")

    def __init__(self, cfg, device: torch.device):
        super().__init__()
        self.cfg, self.device = cfg, device
        torch.manual_seed(cfg.train.seed)
        self.data = load_dataset(cfg.data, device, cfg.train.seed)
        self.kind = self.data.kind
        g = cfg.gan
        images = self.kind == "images"
        self.G = MLPGenerator(g.latent_dim, g.hidden, g.layers, self.data.shape, tanh=images).to(device)
        self.D = MLPDiscriminator(self.data.shape, g.hidden, g.layers).to(device)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=g.lr_g, betas=(g.beta1, g.beta2))
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=g.lr_d, betas=(g.beta1, g.beta2))
        self.gen = make_generator(device, cfg.train.seed)
        # A fixed noise batch and a fixed real subset, so the sample panel shows one G evolving.
        n_fixed = N_PREVIEW_IMAGES if images else N_PREVIEW_POINTS
        self.fixed_z = self._noise(n_fixed)
        self.fixed_real = self.data.x[self.data.batch_indices(min(n_fixed, len(self.data)), self.gen)]

    def _noise(self, n: int) -> torch.Tensor:
        z = torch.randn(n, self.cfg.gan.latent_dim, device=self.gen.device, generator=self.gen)
        return z.to(self.device)

    def _real_batch(self, n: int) -> torch.Tensor:
        x = self.data.x[self.data.batch_indices(n, self.gen)]
        return x * 2 - 1 if self.kind == "images" else x

    def set_hyperparameters(self, cfg) -> None:
        g = cfg.gan
        adam_set_lr(self.opt_g, g.lr_g, (g.beta1, g.beta2))
        adam_set_lr(self.opt_d, g.lr_d, (g.beta1, g.beta2))
        self.cfg.gan.d_steps = g.d_steps

    def step(self) -> StepResult:
        bs = self.cfg.train.batch_size
        for _ in range(self.cfg.gan.d_steps):
            real = self._real_batch(bs)
            fake = self.G(self._noise(bs))
            logit_real = self.D(real)
            logit_fake = self.D(fake.detach())
            loss_d = (F.binary_cross_entropy_with_logits(logit_real, torch.ones_like(logit_real))
                      + F.binary_cross_entropy_with_logits(logit_fake, torch.zeros_like(logit_fake)))
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
        # Non-saturating G loss: maximise log D(G(z)) rather than minimise log(1 - D(G(z))),
        # whose gradient vanishes while D easily rejects the fakes early on.
        logit_gen = self.D(fake)
        loss_g = F.binary_cross_entropy_with_logits(logit_gen, torch.ones_like(logit_gen))
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        self.step_count += 1
        return StepResult(self.step_count, {
            "loss_d": loss_d.detach(), "loss_g": loss_g.detach(),
            "d_real": torch.sigmoid(logit_real.detach()).mean(),
            "d_fake": torch.sigmoid(logit_fake.detach()).mean(),
        })

    @torch.inference_mode()
    def preview(self) -> dict:
        fake = self.G(self.fixed_z)
        if self.kind == "points":
            out = {"kind": "points", "real": self.fixed_real.cpu().numpy(),
                   "fake": fake.float().cpu().numpy(), "step": self.step_count}
            if self.data.modes is not None:
                out.update(mode_stats(out["fake"], self.data.modes, self.data.mode_sigma))
            return out
        from torchvision.utils import make_grid

        grid = make_grid((fake.float() + 1) / 2, nrow=8, padding=2, pad_value=0.5).clamp(0, 1)
        return {"kind": "images", "grid": grid.permute(1, 2, 0).cpu().numpy(), "step": self.step_count}

    @torch.inference_mode()
    def sample(self, n: int, **kwargs) -> dict:
        out = torch.cat([self.G(self._noise(min(1024, n - i))) for i in range(0, n, 1024)])
        if self.kind == "points":
            return {"points": out.float().cpu().numpy()}
        return {"images": ((out.float() + 1) / 2).clamp(0, 1).cpu().numpy()}

    def state_dict(self) -> dict:
        return {"G": self.G.state_dict(), "D": self.D.state_dict(),
                "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
                "step": self.step_count, "rng": self.gen.get_state(),
                "fixed_z": self.fixed_z.cpu(), "fixed_real": self.fixed_real.cpu()}

    def load_state_dict(self, state: dict) -> None:
        self.G.load_state_dict(state["G"])
        self.D.load_state_dict(state["D"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.step_count = int(state["step"])
        self.gen.set_state(state["rng"])
        self.fixed_z = state["fixed_z"].to(self.device)
        self.fixed_real = state["fixed_real"].to(self.device)
