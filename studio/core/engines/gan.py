"""The GAN family: vanilla MLP GAN, DCGAN, and their class-conditional forms (CGAN).

One step = `d_steps` discriminator updates, then one generator update. The loss (bce, lsgan,
hinge, wgan) and the stabilisers (label smoothing, instance noise, R1, gradient penalty,
packing, spectral norm, minibatch std) come from the config. Single-step mode calls
step_d() / step_g() on their own. Metrics stay on the device (no .item() here).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import torch
import torch.nn.functional as F

from ..data import DataError, Dataset, load_dataset
from ..devices import load_generator_state, make_generator
from ..losses import add_instance_noise, get_loss, gradient_penalty, instance_noise_std, r1_penalty
from ..metrics.diversity import mean_pairwise_distance
from ..metrics.modes import mode_metrics, mode_stats
from . import speed
from .base import Engine, StepResult, adam, adam_set_lr, linear_decay
from .gan_mlp_fast import LOSSES as FAST_LOSSES, FastMLPGAN, unsupported
from .gan_parts import (WeightAverage, batch_diversity, build_models, d_score, eval_mode,
                        gan_field, grad_norm, view_of)

N_PREVIEW_POINTS = 1000
N_PREVIEW_IMAGES = 64
GRID_COLS = 8
MAX_CLASS_ROWS = 16  # a conditional preview shows one row per class, up to this many
# Gradient norms, mode coverage and diversity are measured every DIAG_EVERY[kind]-th step
# (and on every single step) and carried over in between: about 1% of the steps' time and
# still several updates a second (studio/bench/NOTES.md).
DIAG_EVERY = {"images": 10, "points": 100}
D_METRICS = ("loss_d", "d_real", "d_fake")  # what one D update measures


class GANEngine(Engine):
    loss_limit = 1e6  # a GAN loss is a few units per example; lr=1.0 runs pass 1e6 early
    def __init__(self, cfg, device: torch.device, progress=None, data=None):
        super().__init__()
        self.cfg, self.device = cfg, device
        torch.manual_seed(cfg.train.seed)
        self.data = data if data is not None else \
            load_dataset(cfg.data, device, cfg.train.seed, progress, cfg.train.batch_size)
        self.kind = self.data.kind
        self.diag_every = DIAG_EVERY[self.kind]
        g = cfg.gan
        if g.conditional and self.data.labels is None:
            raise DataError("gan.conditional: the data set has no labels (add 'labels' to the "
                            ".npz, or use a folder with one sub-folder per class)")
        self.num_classes = self.data.num_classes if g.conditional else 0
        self.G, self.D = (m.to(device) for m in build_models(g, self.data, self.num_classes))
        self.ema = WeightAverage(self.G, g.ema) if g.ema > 0 else None
        self.aux = bool(self.num_classes) and g.aux_weight > 0 and not g.model_file
        if self.kind == "points":
            # Ops on a 2-D batch are too small to split over threads (OpenMP threads stall
            # whenever anything else runs): one thread is the steady choice.
            self.cpu_threads = 1
            # G and D work in units of the data's spread (kept when the user draws new points).
            x = self.data.x.float()
            self._set_data_scale(x.mean(0), (x - x.mean(0)).pow(2).mean().sqrt().clamp_min(1e-3))
        self.pack = g.pack
        # D judges the real and the fake batch in one pass where no layer mixes the samples of
        # a batch (batch norm, minibatch std) and packs of `pack` stay within each half: half
        # the calls for the same gradients (a 2-D step is mostly per-call overhead).
        self.joint_d = (not g.minibatch_std and not self.aux and cfg.train.batch_size % g.pack == 0
                        and not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
                                    for m in self.D.modules()))
        self._g_params, self._d_params = list(self.G.parameters()), list(self.D.parameters())
        speed.setup(self, [self.G, self.D], device, cfg.train)
        self.opt_g = adam(self.G.parameters(), g.lr_g, (g.beta1, g.beta2), device)
        self.opt_d = adam(self.D.parameters(), g.lr_d, (g.beta1, g.beta2), device)
        # A plain MLP GAN on 2-D points computes its gradients by hand, without autograd, in
        # half the time (see gan_mlp_fast); anything else goes through autograd.
        self.fast = None if unsupported(self) else FastMLPGAN(self.G, self.D)
        self.gen = make_generator(device, cfg.train.seed)
        images = self.kind == "images"
        # A fixed noise batch and a fixed real subset, so the sample panel shows one G evolving.
        self.fixed_y = None
        n_fixed = N_PREVIEW_IMAGES if images else N_PREVIEW_POINTS
        if self.num_classes:
            rows = min(self.num_classes, MAX_CLASS_ROWS)
            self.fixed_y = torch.arange(rows, device=device).repeat_interleave(GRID_COLS)
            n_fixed = len(self.fixed_y)
        self.fixed_z = self._noise(n_fixed)
        self.fixed_real = self.data.batch(
            self.data.batch_indices(min(n_fixed, len(self.data)), self.gen))
        self._set_reference()
        self._lr_scale: float | None = None
        self._lr_step: int | None = None  # the step the rates were last set for
        # Steps whose losses and scores wait for take_deferred: (result, D's, G's), where
        # D's is (logits, loss, smoothing) and G's (output, loss), or None.
        self._pending: list = []
        self._defer_d = self._defer_g = None
        zero = torch.zeros((), device=device)
        self._last = {k: zero for k in self.metric_names}

    @property
    def data_scale(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(mean, std) of the units G and D work in (2-D data)."""
        return self.G.scale.mean, self.G.scale.std

    def _set_data_scale(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        self.G.scale.set(mean, std)
        self.D.scale.set(mean, std)

    # -- data-dependent references -------------------------------------------------------------
    def _set_reference(self) -> None:
        self.modes_t = None
        if self.kind == "points":
            self.view = view_of(self.data.x.cpu().numpy())
            if self.data.modes is not None:
                self.modes_t = torch.as_tensor(self.data.modes, dtype=torch.float32,
                                               device=self.device)
        else:
            # A fixed random subset (its own RNG, so training draws are unchanged).
            idx = torch.randperm(len(self.data), generator=torch.Generator().manual_seed(0))[:512]
            self.real_spread = mean_pairwise_distance(self.data.batch(idx.to(self.device)) * 2 - 1)

    @property
    def metric_names(self) -> tuple[str, ...]:
        names = ("loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g")
        if self.kind == "images":
            return names + ("diversity",)
        return names + (("modes_covered", "high_quality") if self.modes_t is not None else ())

    @property
    def loss(self):
        return get_loss(self.cfg.gan.loss)

    @property
    def classes(self) -> list[str]:
        return (self.data.classes or [str(k) for k in range(self.num_classes)])[: self.num_classes]

    # -- sampling helpers ------------------------------------------------------------------------
    def _noise(self, n: int) -> torch.Tensor:
        z = torch.randn(n, self.cfg.gan.latent_dim, device=self.gen.device, generator=self.gen)
        return z.to(self.device)

    def _G(self, z, y=None):
        return self.G(z) if y is None else self.G(z, y)

    def _D(self, x, y=None, **kw):
        return self.D(x, **kw) if y is None else self.D(x, y, **kw)

    def _real_batch(self, n: int):
        idx = self.data.batch_indices(n, self.gen)
        x = self.data.batch(idx)  # index_select: what x[idx] gives, in a third less time
        y = self.data.labels.index_select(0, idx) if self.num_classes else None
        if self.kind == "images":
            x = speed.to_layout(x * 2 - 1, self.channels_last)
        return x, y

    def _noise_std(self) -> float:
        g = self.cfg.gan
        return instance_noise_std(self.step_count, g.instance_noise, g.instance_noise_steps)

    def set_hyperparameters(self, cfg) -> None:
        g = cfg.gan
        for f in dataclasses.fields(g):
            if f.metadata.get("live"):
                setattr(self.cfg.gan, f.name, getattr(g, f.name))
        self._lr_scale = self._lr_step = None  # new rates or betas: set them now, decayed as due
        self._apply_lr_scale()

    def lr_scale(self) -> float:
        """1 until gan.lr_decay_from of the run, then falling linearly to 0 at the last step."""
        return linear_decay(self.step_count, self.cfg.train.steps, self.cfg.gan.lr_decay_from)

    def _apply_lr_scale(self) -> None:
        if self._lr_step == self.step_count:  # once a step: its D and G updates share it
            return
        self._lr_step = self.step_count
        scale = self.lr_scale()
        if scale != self._lr_scale:  # python floats only: no device work on most steps
            self._lr_scale = scale
            g = self.cfg.gan
            adam_set_lr(self.opt_g, g.lr_g * scale, (g.beta1, g.beta2))
            adam_set_lr(self.opt_d, g.lr_d * scale, (g.beta1, g.beta2))

    # -- training ----------------------------------------------------------------------------------
    def fast_now(self) -> bool:
        """Whether this update takes the hand-written gradients (live settings may rule them
        out: R1 needs a gradient of a gradient; a split D pass is autograd's)."""
        g = self.cfg.gan
        return (self.fast is not None and g.r1_gamma == 0 and self.joint_d
                and g.loss in FAST_LOSSES)

    def _d_update(self, diag: bool = True, defer: bool = False):
        """One D update; `diag`: also measure D's gradient norm (see DIAG_EVERY); `defer`:
        leave its loss and scores to take_deferred where the fast path can."""
        self._apply_lr_scale()
        self._defer_d = None
        g, bs = self.cfg.gan, self.cfg.train.batch_size
        real, y = self._real_batch(bs)
        if self.fast_now():
            fake = self.fast.generate(self._noise(bs))
            std = self._noise_std()
            real_in = add_instance_noise(real, std, self.gen)
            fake_in = add_instance_noise(fake, std, self.gen)
            logits = self.fast.d_grads(real_in, fake_in, g.loss, g.label_smoothing)
            if diag:
                self._last.update(grad_norm_d=grad_norm(self._d_params))
            self.opt_d.step()
            if self.measure and defer:  # None until take_deferred (see there)
                self._defer_d = (logits, g.loss, g.label_smoothing)
                if self._last["loss_d"] is not None:
                    self._last.update(dict.fromkeys(D_METRICS))
            elif self.measure:
                row = self.fast.d_metrics(logits.view(1, -1), g.loss, g.label_smoothing)
                self._last.update(zip(D_METRICS, row.view(-1).unbind()))
            return fake, y
        with self.amp():
            # Fakes take the real batch's labels: the label mix follows the data's.
            fake = self._G(self._noise(bs), y)
            std = self._noise_std()
            real_in = add_instance_noise(real, std, self.gen)
            fake_in = add_instance_noise(fake.detach(), std, self.gen)
            if g.r1_gamma > 0:
                real_in = real_in.detach().requires_grad_(True)
            if self.joint_d:
                both = self._D(torch.cat([real_in, fake_in]),
                               None if y is None else y.repeat(2)).float()
                logit_real, logit_fake = both.tensor_split(2)
            else:
                if self.aux:
                    logit_real, cls_real = self._D(real_in, y, with_class=True)
                else:
                    logit_real = self._D(real_in, y)
                logit_real, logit_fake = logit_real.float(), self._D(fake_in, y).float()
                both = torch.cat([logit_real.detach(), logit_fake.detach()])
            loss_d = self.loss.d(logit_real, logit_fake, g.label_smoothing)
            if self.aux:  # D learns to name the class of real images (AC-GAN)
                loss_d = loss_d + g.aux_weight * F.cross_entropy(cls_real.float(), y)
            if g.r1_gamma > 0:
                loss_d = loss_d + r1_penalty(logit_real, real_in, g.r1_gamma)
            if g.gp_weight > 0:
                loss_d = loss_d + gradient_penalty(lambda x: self._D(x, y), real, fake,
                                                   g.gp_weight, self.gen)
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        if diag:
            self._last.update(grad_norm_d=grad_norm(self._d_params))
        self.opt_d.step()
        if self.measure:
            d_real, d_fake = d_score(g.loss, both.detach()).view(2, -1).mean(1).unbind()
            self._last.update(loss_d=loss_d.detach(), d_real=d_real, d_fake=d_fake)
        return fake, y

    def _g_update(self, fake=None, y=None, diag: bool = True, defer: bool = False) -> None:
        self._apply_lr_scale()
        self._defer_g = None
        if self.fast_now() and (fake is None or self.fast.made(fake)):
            if fake is None:
                fake = self.fast.generate(self._noise(self.cfg.train.batch_size))
            fake_in = add_instance_noise(fake, self._noise_std(), self.gen)
            loss = self.cfg.gan.loss
            out = self.fast.g_grads(fake, fake_in, loss)
            if self.measure and defer:
                self._defer_g, self._last["loss_g"] = (out, loss), None
            elif self.measure:
                self._last["loss_g"] = self.fast.g_metrics(out.view(1, -1), loss).view(())
        else:
            with self.amp():
                if fake is None:
                    bs = self.cfg.train.batch_size
                    y = self._real_batch(bs)[1] if self.num_classes else None
                    fake = self._G(self._noise(bs), y)
                fake_in = add_instance_noise(fake, self._noise_std(), self.gen)
                if self.aux:  # ... and G to draw images it names as the asked class
                    logit_gen, cls_gen = self._D(fake_in, y, with_class=True)
                    loss_g = self.loss.g(logit_gen.float()) + \
                        self.cfg.gan.aux_weight * F.cross_entropy(cls_gen.float(), y)
                else:
                    loss_g = self.loss.g(self._D(fake_in, y).float())
            self.opt_g.zero_grad(set_to_none=True)
            # Only G's gradients: D's weight gradients would be computed here for nothing.
            loss_g.backward(inputs=self._g_params)
            self._last["loss_g"] = loss_g.detach()
        if diag:
            self._last["grad_norm_g"] = grad_norm(self._g_params)
        self.opt_g.step()
        if self.ema is not None:
            self.ema.update()
        if fake.requires_grad:  # (autograd's fakes; the fast path's have no graph)
            fake = fake.detach()
        if diag and self.kind == "images":
            self._last["diversity"] = batch_diversity(fake, self.real_spread)
        elif diag and self.modes_t is not None:
            self._last.update(mode_metrics(fake, self.modes_t, self.data.mode_sigma))
        self.step_count += 1

    def _result(self) -> StepResult:
        r = StepResult(self.step_count, self._last.copy())  # _last holds the metric_names
        if self._defer_d is not None or self._defer_g is not None:
            self._pending.append((r, self._defer_d, self._defer_g))
            self._defer_d = self._defer_g = None
        return r

    def step(self) -> StepResult:
        diag = self.measure and self.step_count % self.diag_every == 0
        for _ in range(self.cfg.gan.d_steps):
            fake, y = self._d_update(diag, self.defer_metrics)
        # G reuses the last D step's fakes: one G forward pass fewer per step.
        self._g_update(fake, y, diag, self.defer_metrics)
        return self._result()

    def take_deferred(self) -> list:
        """The fast path's losses and scores of the steps since the last call, computed for
        all of them at once: per step they would cost a noticeable part of a small 2-D
        model's step (studio/bench/NOTES.md)."""
        pending, self._pending = self._pending, []
        blocks = []
        for part, names in ((1, D_METRICS), (2, ("loss_g",))):
            runs: list = []  # consecutive steps with the same loss settings go together
            key = None
            for entry in pending:
                deferred = entry[part]  # (output, *loss settings) or None
                if deferred is None:
                    continue
                if deferred[1:] != key:
                    key, results, outs = deferred[1:], [], []
                    runs.append((key, results, outs))
                results.append(entry[0])
                outs.append(deferred[0])
            for key, results, outs in runs:
                stacked = torch.stack(outs).view(len(outs), -1)
                block = (self.fast.d_metrics(stacked, *key) if part == 1
                         else self.fast.g_metrics(stacked, *key).view(-1, 1))
                blocks.append((results, names, block))
            if runs and self._last[names[0]] is None:
                last_block = blocks[-1][2]  # the last step's values: single steps carry them
                self._last.update(zip(names, last_block[-1].unbind()))
        return blocks

    def step_d(self) -> StepResult:
        """One discriminator update alone (single-step mode); the step count counts G
        updates, so it stays where it is."""
        self._d_update()
        return self._result()

    def step_g(self) -> StepResult:
        """One generator update alone, on fresh noise (single-step mode)."""
        self._g_update()
        return self._result()

    # -- what the panels show --------------------------------------------------------------------
    @property
    def sampler(self) -> torch.nn.Module:
        """The generator samples, previews and exports come from: the weight average when
        gan.ema is on, else G itself."""
        return self.ema.net if self.ema is not None else self.G

    def _generate(self, z, y=None) -> torch.Tensor:
        """Samples from noise z ~ N(0, 1), scaled by gan.truncation (as exports do)."""
        G, z = self.sampler, z * self.cfg.gan.truncation
        with eval_mode(G), torch.inference_mode():
            return torch.cat([(G(z[i:i + 1024]) if y is None else G(z[i:i + 1024], y[i:i + 1024]))
                              for i in range(0, len(z), 1024)]).float()

    def preview(self) -> dict:
        return self._preview(field=True)

    def headless_preview(self) -> dict:
        # No window draws the 2-D field here: it is most of a 2-D preview's time.
        return self._preview(field=False)

    def _preview(self, field: bool) -> dict:
        fake = self._generate(self.fixed_z, self.fixed_y)
        if self.kind == "points":
            out = {"kind": "points", "real": self.fixed_real.cpu().numpy(),
                   "fake": fake.cpu().numpy(), "step": self.step_count}
            if self.modes_t is not None:
                out.update(mode_stats(fake, self.modes_t, self.data.mode_sigma))
            if field:
                out["field"] = self.field()
            return out
        from torchvision.utils import make_grid

        images = (fake + 1) / 2
        grid = make_grid(images, nrow=GRID_COLS, padding=2, pad_value=0.5).clamp(0, 1)
        out = {"kind": "images", "grid": grid.permute(1, 2, 0).cpu().numpy(),
               "step": self.step_count,
               "diversity": float(batch_diversity(fake, self.real_spread, len(fake)))}
        if self.num_classes:
            rows = len(self.fixed_y) // GRID_COLS
            out.update(row_labels=self.classes[:rows], classes=self.classes)
        return out

    def field(self, grid_n: int = 64) -> dict:
        """For 2-D data: D's output over the view (heat (grid_n, grid_n), rows = y, over
        extent (x0, x1, y0, y1)), the fixed fake points and G's loss gradient on them
        (arrows: where G pushes each point), and lines of a grid in noise space mapped by G
        (grid_lines: up to two (lines, points, 2) arrays). All numpy."""
        if self.kind != "points":
            raise ValueError("the 2-D field exists only for 2-D point data")
        out = gan_field(self, grid_n)
        out.update(real=self.fixed_real.cpu().numpy(), step=self.step_count)
        return out

    def label_index(self, label) -> int:
        """A class index from an int, a digit string or a class name; DataError if unknown."""
        if not self.num_classes:
            raise DataError("--label: this model is not conditional (set gan.conditional=true)")
        text = str(label).strip()
        k = self.classes.index(text) if text in self.classes else \
            int(text) if text.lstrip("-").isdigit() else -1
        if not 0 <= k < self.num_classes:
            raise DataError(f"--label: {text!r} is not a class (0-{self.num_classes - 1} or one "
                            f"of {', '.join(self.classes[:10])})")
        return k

    def sample(self, n: int, label=None) -> dict:
        y = None
        if self.num_classes:
            y = (torch.full((n,), self.label_index(label), dtype=torch.long) if label is not None
                 else torch.arange(n) % self.num_classes).to(self.device)
        elif label is not None:
            self.label_index(label)  # raises: not conditional
        out = self._generate(self._noise(n), y)
        res = ({"points": out.cpu().numpy()} if self.kind == "points"
               else {"images": ((out + 1) / 2).clamp(0, 1).cpu().numpy()})
        if y is not None:
            res["labels"] = y.cpu().numpy()
        return res

    def generate_preview(self, label, n: int = 16) -> dict:
        """n fresh samples of one class as a grid, for the sample panel's label picker; a bad
        label comes back as {"error": reason} rather than an exception (the run goes on)."""
        try:
            k = self.label_index(label)
        except DataError as e:
            return {"kind": "generated", "error": str(e).removeprefix("--label: ")}
        from torchvision.utils import make_grid

        x = torch.from_numpy(self.sample(n, label=k)["images"])
        grid = make_grid(x, nrow=min(n, 16), padding=2, pad_value=0.5).clamp(0, 1)
        return {"kind": "generated", "grid": grid.permute(1, 2, 0).numpy(), "label": k,
                "label_name": self.classes[k], "step": self.step_count}

    def set_points(self, points) -> None:
        """Train on new 2-D data from now on (the user's drawing); G and D carry on."""
        if self.kind != "points":
            raise DataError("only a 2-D model can train on drawn points")
        pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
        if len(pts) < 2 or not np.isfinite(pts).all():
            raise DataError("a drawing needs at least 2 finite points")
        self.data = Dataset("points", torch.from_numpy(pts).to(self.device), name="drawing")
        n = min(N_PREVIEW_POINTS, len(self.data))
        self.fixed_real = self.data.batch(self.data.batch_indices(n, self.gen))
        self._set_reference()
        self._last = {k: self._last.get(k, self._last["loss_d"]) for k in self.metric_names}

    # -- checkpoints -------------------------------------------------------------------------------
    def state_dict(self) -> dict:
        s = {"G": self.G.state_dict(), "D": self.D.state_dict(),
             "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
             "step": self.step_count, "rng": self.gen.get_state(),
             "fixed_z": self.fixed_z.cpu(), "fixed_real": self.fixed_real.cpu()}
        if self.fixed_y is not None:
            s["fixed_y"] = self.fixed_y.cpu()
        if self.ema is not None:
            s["G_ema"] = self.ema.state_dict()
        if self.data.name == "drawing":
            s["drawing"] = self.data.x.cpu()
        if self.kind == "points":
            s["data_mean"], s["data_std"] = (t.cpu().clone() for t in self.data_scale)
        return s

    def load_state_dict(self, state: dict) -> None:
        if "drawing" in state:
            self.set_points(state["drawing"].numpy())
        if "data_mean" in state:
            self._set_data_scale(state["data_mean"], state["data_std"])
        elif self.kind == "points":  # saved before G and D learnt in the data's units
            self._set_data_scale(torch.zeros_like(self.data_scale[0]), torch.ones(()))
        self.G.load_state_dict(state["G"])
        self.D.load_state_dict(state["D"])
        if self.ema is not None:  # a run that had no average (ema set on resume) starts one at G
            self.ema.load_state_dict(state.get("G_ema", {"net": self.G.state_dict(), "updates": 0}))
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.step_count = int(state["step"])
        self._lr_scale = self._lr_step = None  # the rates this config gives at that step
        load_generator_state(self.gen, state["rng"])
        self.fixed_z = state["fixed_z"].to(self.device)
        self.fixed_real = state["fixed_real"].to(self.device)
        if "fixed_y" in state:
            self.fixed_y = state["fixed_y"].to(self.device)
