"""CycleGAN: unpaired translation between two image domains (Zhu et al. 2017).

G maps A -> B and F maps B -> A; D_A and D_B are PatchGANs trained with the least-squares
(LSGAN) loss on fakes drawn from image pools. Besides fooling D, G and F must undo each
other (cycle L1: F(G(a)) = a, G(F(b)) = b) and leave images of their target domain alone
(identity L1: G(b) = b), with weights that can change while training. The learning rate is
constant, then falls linearly to 0 (cyclegan.lr_decay_from), as in the paper. One step = one
G/F update then one D_A/D_B update. Metrics stay on the device.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import torch
import torch.nn.functional as F

from ...config import ConfigError
from ..data import DataError, to_float
from ..data.domains import load_domains, to_model_images
from ..devices import load_generator_state, make_generator
from ..losses import lsgan_d, lsgan_g
from ..models.cyclegan import ImagePool, PatchDiscriminator, ResnetGenerator
from . import speed
from .base import Engine, StepResult, adam, adam_set_lr, linear_decay

N_PREVIEW = 8
ROWS = ("A", "G(A)", "F(G(A))", "B", "F(B)", "G(F(B))")


class CycleGANEngine(Engine):
    kind = "images"
    metric_names = ("loss_g_ab", "loss_g_ba", "loss_d_a", "loss_d_b",
                    "cycle_a", "cycle_b", "idt_a", "idt_b")

    def __init__(self, cfg, device: torch.device, progress=None, data=None):
        super().__init__()
        self.cfg, self.device = cfg, device
        c = cfg.cyclegan
        size = cfg.data.image_size
        if size % (1 << c.downsample):
            raise ConfigError("data.image_size", f"CycleGAN with {c.downsample} generator "
                                                 f"downsamplings needs a size divisible by "
                                                 f"{1 << c.downsample}")
        if size >> c.d_layers < 4:
            raise ConfigError("cyclegan.d_layers", f"too many for {size} px images "
                                                   f"(at most {max(1, (size // 4).bit_length() - 1)})")
        torch.manual_seed(cfg.train.seed)
        self.data = data if data is not None else \
            load_domains(cfg.data, device, cfg.train.seed, progress)
        ch = self.data.channels
        if self.data.b.shape[1] != ch:
            raise DataError("data.name: both domains need the same number of channels")
        arch = (c.width, c.blocks, c.downsample, c.norm)
        self.G = ResnetGenerator(ch, ch, *arch).to(device)  # A -> B
        self.F = ResnetGenerator(ch, ch, *arch).to(device)  # B -> A
        self.D_A = PatchDiscriminator(ch, c.d_width, c.d_layers).to(device)
        self.D_B = PatchDiscriminator(ch, c.d_width, c.d_layers).to(device)
        betas = (c.beta1, 0.999)
        self.opt_g = adam([*self.G.parameters(), *self.F.parameters()], c.lr, betas, device)
        self.opt_d = adam([*self.D_A.parameters(), *self.D_B.parameters()], c.lr, betas, device)
        speed.setup(self, [self.G, self.F, self.D_A, self.D_B], device, cfg.train)
        self.pool_a, self.pool_b = ImagePool(c.pool_size), ImagePool(c.pool_size)
        self._lr_scale: float | None = None  # the factor the optimisers' rates were last set with
        self.gen = make_generator(device, cfg.train.seed)
        # Fixed images for the panel, so its rows show the same inputs all run long.
        self.fixed_a = self._batch(self.data.a, N_PREVIEW)
        self.fixed_b = self._batch(self.data.b, N_PREVIEW)

    def _batch(self, x: torch.Tensor, n: int) -> torch.Tensor:
        idx = torch.randint(0, len(x), (n,), device=self.gen.device, generator=self.gen)
        x = to_float(x[idx.to(x.device)], self.device)  # uint8 -> float on the device
        return speed.to_layout(x * 2 - 1, self.channels_last)

    def set_hyperparameters(self, cfg) -> None:
        c = cfg.cyclegan
        for f in dataclasses.fields(c):
            if f.metadata.get("live"):
                setattr(self.cfg.cyclegan, f.name, getattr(c, f.name))
        self._lr_scale = None  # new rate or beta1: set them now, decayed as due
        self._apply_lr_scale()

    def lr_scale(self) -> float:
        """1 until cyclegan.lr_decay_from of the run, then falling linearly to 0 at the last
        step (the paper: constant for 100 epochs, then 100 of linear decay)."""
        return linear_decay(self.step_count, self.cfg.train.steps, self.cfg.cyclegan.lr_decay_from)

    def _apply_lr_scale(self) -> None:
        scale = self.lr_scale()
        if scale != self._lr_scale:  # python floats only: no device work on most steps
            self._lr_scale = scale
            c = self.cfg.cyclegan
            adam_set_lr(self.opt_g, c.lr * scale, (c.beta1, 0.999))
            adam_set_lr(self.opt_d, c.lr * scale, (c.beta1, 0.999))

    # -- training ------------------------------------------------------------------------------
    def step(self) -> StepResult:
        c, bs = self.cfg.cyclegan, self.cfg.train.batch_size
        self._apply_lr_scale()
        real_a, real_b = self._batch(self.data.a, bs), self._batch(self.data.b, bs)
        for d in (self.D_A, self.D_B):
            d.requires_grad_(False)  # G's step needs D's gradient w.r.t. its input only
        with self.amp():
            fake_b, fake_a = self.G(real_a), self.F(real_b)
            rec_a, rec_b = self.F(fake_b), self.G(fake_a)
            g_ab, g_ba = lsgan_g(self.D_B(fake_b).float()), lsgan_g(self.D_A(fake_a).float())
            cyc_a, cyc_b = F.l1_loss(rec_a.float(), real_a), F.l1_loss(rec_b.float(), real_b)
            loss = g_ab + g_ba + c.lambda_cycle * (cyc_a + cyc_b)
            w_idt = c.lambda_cycle * c.lambda_identity
            with torch.set_grad_enabled(w_idt > 0):  # measured either way, so the curves go on
                idt_a = F.l1_loss(self.F(real_a).float(), real_a)
                idt_b = F.l1_loss(self.G(real_b).float(), real_b)
            if w_idt > 0:
                loss = loss + w_idt * (idt_a + idt_b)
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        for d in (self.D_A, self.D_B):
            d.requires_grad_(True)
        # D_A tells real A from F's fakes, D_B real B from G's; pooled fakes, detached.
        with self.amp():
            d_a = lsgan_d(self.D_A(real_a).float(),
                          self.D_A(self.pool_a.query(fake_a.float(), self.gen)).float())
            d_b = lsgan_d(self.D_B(real_b).float(),
                          self.D_B(self.pool_b.query(fake_b.float(), self.gen)).float())
        self.opt_d.zero_grad(set_to_none=True)
        (d_a + d_b).backward()
        self.opt_d.step()
        self.step_count += 1
        m = {"loss_g_ab": g_ab, "loss_g_ba": g_ba, "loss_d_a": d_a, "loss_d_b": d_b,
             "cycle_a": cyc_a, "cycle_b": cyc_b, "idt_a": idt_a, "idt_b": idt_b}
        return StepResult(self.step_count, {k: v.detach() for k, v in m.items()})

    # -- what the panel shows ------------------------------------------------------------------
    @torch.no_grad()
    def translate(self, x: torch.Tensor, direction: str = "ab") -> torch.Tensor:
        """Images in [0, 1] (or uint8) -> their translation in [0, 1] (ab: by G, ba: by F)."""
        net = self.G if direction == "ab" else self.F
        out = [net(to_float(x[i:i + 256], self.device) * 2 - 1) for i in range(0, len(x), 256)]
        return ((torch.cat(out) + 1) / 2).clamp(0, 1)

    @torch.no_grad()
    def preview(self) -> dict:
        from torchvision.utils import make_grid

        a, b = self.fixed_a, self.fixed_b
        gb, fa = self.G(a), self.F(b)
        rows = [a, gb, self.F(gb), b, fa, self.G(fa)]
        images = (torch.cat(rows) + 1) / 2
        grid = make_grid(images.float(), nrow=N_PREVIEW, padding=2, pad_value=0.5).clamp(0, 1)
        cycle = (rows[2] - a).abs().mean() + (rows[5] - b).abs().mean()
        c = self.cfg.cyclegan
        return {"kind": "images", "grid": grid.permute(1, 2, 0).cpu().numpy(),
                "row_labels": list(ROWS), "domains": list(self.data.names),
                "step": self.step_count, "cycle_error": float(cycle) / 4,  # in [0, 1] pixels
                "lambda_cycle": c.lambda_cycle, "lambda_identity": c.lambda_identity}

    def sample(self, n: int, input=None, labels=None, direction: str = "ab") -> dict:
        """Translations A -> B (direction "ab") or B -> A: of `input` images when given,
        else of n images of the source domain's data (returned as `inputs`)."""
        if direction not in ("ab", "ba"):
            raise DataError(f"direction must be 'ab' or 'ba', got {direction!r}")
        size, ch = self.cfg.data.image_size, self.data.channels
        if input is not None:
            x = to_model_images(input, ch, size)
            out = {"images": self.translate(x, direction).cpu().numpy()}
            if labels is not None:
                out["labels"] = np.asarray(labels)
            return out
        src = self.data.a if direction == "ab" else self.data.b
        idx = torch.randint(0, len(src), (n,), device=self.gen.device, generator=self.gen)
        x = to_float(src[idx.to(src.device)], self.device)
        out = {"images": self.translate(x, direction).cpu().numpy(), "inputs": x.cpu().numpy()}
        known = self.data.labels_a if direction == "ab" else self.data.labels_b
        if known is not None:
            out["labels"] = known[idx.to(known.device)].cpu().numpy()
        return out

    # -- checkpoints ---------------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {"G": self.G.state_dict(), "F": self.F.state_dict(),
                "D_A": self.D_A.state_dict(), "D_B": self.D_B.state_dict(),
                "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
                "pool_a": self.pool_a.state_dict(), "pool_b": self.pool_b.state_dict(),
                "step": self.step_count, "rng": self.gen.get_state(),
                "fixed_a": self.fixed_a.cpu(), "fixed_b": self.fixed_b.cpu()}

    def load_state_dict(self, state: dict) -> None:
        for name in ("G", "F", "D_A", "D_B"):
            getattr(self, name).load_state_dict(state[name])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.pool_a.load_state_dict(state["pool_a"], self.device)
        self.pool_b.load_state_dict(state["pool_b"], self.device)
        self.step_count = int(state["step"])
        self._lr_scale = None  # the optimisers' saved rates may predate a changed schedule
        load_generator_state(self.gen, state["rng"])
        self.fixed_a = state["fixed_a"].to(self.device)
        self.fixed_b = state["fixed_b"].to(self.device)
