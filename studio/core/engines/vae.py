"""Autoencoder, VAE (optionally conditional) and the two side by side ("ae-vs-vae").

One `LatentModel` is an encoder, a decoder and their optimiser; the engines own one or
two of them and feed them the same batches. Everything here runs in the training thread:
the window's explorer decodes on a CPU copy of the decoder (core.latent_snapshot).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..data import DataError, load_dataset
from ..devices import load_generator_state, make_generator
from ..latent import tile
from ..models.ae import make_encoder_decoder
from . import speed, vae_codes
from .base import Engine, StepResult, adam, adam_set_lr

N_RECON = 16  # reconstruction pairs in the preview
N_PRIOR = 64  # prior samples in the preview (the same codes for AE and VAE)
N_KL = 512  # examples averaged for the per-dimension KL bars
EXPLORER_POINTS = 2000  # encoded points in the explorer scatter (a fixed subset)
CHUNK = 1024


def kl_per_dim(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, 1)) per example and dimension, (B, D)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)


class LatentModel:
    """Encoder + decoder + optimiser of one AE or VAE, and the explorer's two entry points."""

    def __init__(self, name: str, cfg, shape, variational: bool, num_classes: int,
                 device: torch.device, explore_x: torch.Tensor, explore_y: torch.Tensor | None):
        v = cfg.vae
        self.name, self.variational, self.device = name, variational, device
        self.latent_dim = v.latent_dim
        self.image_shape = tuple(shape)
        self.num_classes = num_classes if v.conditional else 0
        self.conditional = self.num_classes > 0
        self.recon_kind, self.logvar_floor = v.recon, v.logvar_floor
        torch.manual_seed(cfg.train.seed)  # same seed: AE and VAE start from the same weights
        enc, dec = make_encoder_decoder(v, shape, variational, num_classes)
        self.enc, self.dec = enc.to(device), dec.to(device)
        speed.setup(self, [self.enc, self.dec], device, cfg.train, guard_step=False)
        self.opt = adam(list(self.enc.parameters()) + list(self.dec.parameters()), v.lr,
                        (0.9, 0.999), device)
        self._explore_x, self._explore_y = explore_x, explore_y

    # -- training -------------------------------------------------------------------------
    def encode(self, x, y=None):
        mu, raw = self.enc(x, y if self.conditional else None)
        if raw is None:
            return mu, None
        # Smooth floor: the variance can shrink towards exp(floor) but never to zero.
        return mu, self.logvar_floor + F.softplus(raw - self.logvar_floor)

    def logits(self, z, y=None):
        return self.dec(z, y if self.conditional else None)

    def recon_loss(self, logits, x):
        if self.recon_kind == "bce":
            per = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
        else:
            per = (torch.sigmoid(logits) - x).pow(2)
        return per.flatten(1).sum(1).mean()

    def train_step(self, x, y, beta: float, eps: torch.Tensor) -> dict[str, torch.Tensor]:
        x = speed.to_layout(x, self.channels_last)
        with self.amp():
            mu, logvar = self.encode(x, y)
            mu = mu.float()
            if logvar is None:
                z, kl = mu, None
            else:
                logvar = logvar.float()
                z = mu + (0.5 * logvar).exp() * eps
                kl = kl_per_dim(mu, logvar).sum(1).mean()
            recon = self.recon_loss(self.logits(z, y).float(), x)
            loss = recon if kl is None else recon + beta * kl
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        out = {"loss": loss.detach(), "recon": recon.detach()}
        if kl is not None:
            out["kl"] = kl.detach()
        return out

    # -- inference (any thread) --------------------------------------------------------------
    def _labels(self, labels, n: int) -> torch.Tensor | None:
        if not self.conditional:
            return None
        if labels is None:
            labels = np.zeros(n, np.int64)
        y = torch.as_tensor(np.broadcast_to(np.asarray(labels, np.int64), (n,)).copy())
        if int(y.min()) < 0 or int(y.max()) >= self.num_classes:
            raise DataError(f"labels: must be in 0..{self.num_classes - 1}")
        return y.to(self.device)

    def encode_tensor(self, x: torch.Tensor, y=None) -> tuple[np.ndarray, np.ndarray | None]:
        """Means and log-variances (None for an AE) of images x (N,C,H,W) in [0,1]."""
        mus, lvs = [], []
        for i in range(0, len(x), CHUNK):
            yi = None if y is None else y[i:i + CHUNK]
            with torch.inference_mode():
                mu, lv = self.encode(x[i:i + CHUNK].to(self.device), yi)
                mus.append(mu.float().cpu())
                if lv is not None:
                    lvs.append(lv.float().cpu())
        mu = torch.cat(mus).numpy() if mus else np.zeros((0, self.latent_dim), np.float32)
        return mu, (torch.cat(lvs).numpy() if lvs else None) if self.variational else None

    def encode_dataset(self) -> dict:
        """The explorer's fixed subset encoded now: mu, logvar (VAE) or None, labels, images."""
        y = self._explore_y
        mu, lv = self.encode_tensor(self._explore_x, y if self.conditional else None)
        return {"mu": mu, "logvar": lv,
                "labels": None if y is None else y.cpu().numpy(),
                "images": self._explore_x.float().cpu().numpy()}

    def decode(self, codes, labels=None) -> np.ndarray:
        """Images (N,C,H,W) float32 in [0,1] for codes (N,D) or (D,)."""
        z = torch.as_tensor(np.atleast_2d(np.asarray(codes, np.float32)))
        if z.shape[1] != self.latent_dim:
            raise DataError(f"codes: expected {self.latent_dim} numbers per code, "
                            f"got {z.shape[1]}")
        y = self._labels(labels, len(z))
        outs = []
        for i in range(0, len(z), CHUNK):
            yi = None if y is None else y[i:i + CHUNK]
            with torch.inference_mode():
                outs.append(torch.sigmoid(self.logits(z[i:i + CHUNK].to(self.device), yi))
                            .float().cpu())
        return torch.cat(outs).numpy() if outs else np.zeros((0, *self.image_shape), np.float32)

    def state_dict(self) -> dict:
        return {"enc": self.enc.state_dict(), "dec": self.dec.state_dict(),
                "opt": self.opt.state_dict()}

    def load_state_dict(self, s: dict) -> None:
        self.enc.load_state_dict(s["enc"])
        self.dec.load_state_dict(s["dec"])
        self.opt.load_state_dict(s["opt"])


class AEVAEEngine(Engine):
    """Trains the LatentModels named in `variants` (name -> variational) on shared batches."""

    kind = "images"
    variants: dict[str, bool] = {"vae": True}
    main = "vae"  # the model encode/decode/sample use by default

    def __init__(self, cfg, device: torch.device, progress=None, data=None):
        super().__init__()
        self.cfg, self.device = cfg, device
        torch.manual_seed(cfg.train.seed)
        self.data = data if data is not None else \
            load_dataset(cfg.data, device, cfg.train.seed, progress, cfg.train.batch_size)
        if self.data.kind != "images":
            raise DataError("data: autoencoders need an image data set, not 2-D points")
        if cfg.vae.conditional and self.data.labels is None:
            raise DataError("vae.conditional: the data set has no labels")
        self.gen = make_generator(device, cfg.train.seed)
        n = len(self.data)
        idx = self._randint(n, min(n, EXPLORER_POINTS)) if n > EXPLORER_POINTS \
            else torch.arange(n, device=device)
        ex_x = self.data.batch(idx)
        ex_y = self.data.labels[idx] if self.data.labels is not None else None
        self.models = {name: LatentModel(name, cfg, self.data.shape, var, self.data.num_classes,
                                         device, ex_x, ex_y)
                       for name, var in self.variants.items()}
        self.model = self.models[self.main]
        self.precision = self.model.precision
        if cfg.train.compile:  # the models are compiled; the engine's step falls back for all
            self.step = speed.compile_fallback(
                self.step, [n for m in self.models.values() for n in (m.enc, m.dec)])
        fixed = self._randint(n, max(N_RECON, N_KL))
        self.fixed_x = self.data.batch(fixed)
        self.fixed_y = self.data.labels[fixed] if self.data.labels is not None else None
        self.fixed_z = self._randn(N_PRIOR, cfg.vae.latent_dim)
        self._mix = None  # (step, mixture) over the codes, for vae.sample_from "codes"

    def _randint(self, n: int, k: int) -> torch.Tensor:
        return torch.randint(0, n, (k,), device=self.gen.device, generator=self.gen).to(self.device)

    def _randn(self, *shape) -> torch.Tensor:
        return torch.randn(*shape, device=self.gen.device, generator=self.gen).to(self.device)

    def beta_now(self) -> float:
        v = self.cfg.vae
        if v.warmup_steps <= 0:
            return v.beta
        return v.beta * min(1.0, (self.step_count + 1) / v.warmup_steps)

    def set_hyperparameters(self, cfg) -> None:
        v = cfg.vae
        self.cfg.vae.beta, self.cfg.vae.warmup_steps, self.cfg.vae.lr = \
            v.beta, v.warmup_steps, v.lr
        for m in self.models.values():
            adam_set_lr(m.opt, v.lr, m.opt.param_groups[0]["betas"])

    def step(self) -> StepResult:
        idx = self.data.batch_indices(self.cfg.train.batch_size, self.gen)
        x = self.data.batch(idx)
        y = self.data.labels[idx] if self.data.labels is not None else None
        eps = self._randn(len(x), self.cfg.vae.latent_dim)
        beta = self.beta_now()
        metrics = {}
        for name, m in self.models.items():
            out = m.train_step(x, y, beta, eps)
            prefix = f"{name}_" if len(self.models) > 1 else ""
            metrics.update({prefix + k: v for k, v in out.items()})
        self.step_count += 1
        return StepResult(self.step_count, metrics)

    # -- what the panels show ------------------------------------------------------------
    def _model_preview(self, m: LatentModel) -> dict:
        x, y = self.fixed_x[:N_RECON], None if self.fixed_y is None else self.fixed_y[:N_RECON]
        mu, _ = m.encode_tensor(x, y)
        rec = m.decode(mu, None if y is None else y.cpu().numpy())
        xs = x.float().cpu().numpy()
        # Rows of 8: inputs, then their reconstructions right below.
        rows = [a[i:i + 8] for i in range(0, N_RECON, 8) for a in (xs, rec)]
        prior_labels = np.arange(N_PRIOR) % max(1, m.num_classes) if m.conditional else None
        out = {"recon_pairs": tile(np.concatenate(rows), 8),
               "prior_grid": tile(m.decode(self.fixed_z.cpu().numpy(), prior_labels), 8)}
        if m.variational:
            mu, lv = m.encode_tensor(self.fixed_x, self.fixed_y)
            out["kl_per_dim"] = kl_per_dim(torch.from_numpy(mu), torch.from_numpy(lv)) \
                .mean(0).numpy()
        return out

    def preview(self) -> dict:
        models = {name: self._model_preview(m) for name, m in self.models.items()}
        grids = [models[n]["prior_grid"] for n in self.models]
        grid = np.concatenate(grids, 1) if len(grids) > 1 else grids[0]
        if grid.ndim == 2:
            grid = np.repeat(grid[..., None], 3, axis=2)
        return {"kind": "images", "model": self.cfg.model, "step": self.step_count,
                "grid": grid, "beta": self.beta_now(), "models": models, **models[self.main]}

    def encode_dataset(self) -> dict:
        return self.model.encode_dataset()

    def decode(self, codes, labels=None) -> np.ndarray:
        return self.model.decode(codes, labels)

    def sample(self, n: int, label=None, input=None, **kwargs) -> dict:
        """Prior draws z ~ N(0, I) decoded; with `input` images, their reconstructions."""
        if input is not None:
            enc = encode_arrays(self, input, kwargs.get("labels"))
            return decode_arrays(self, enc["codes"], enc.get("labels"))
        if self.cfg.vae.sample_from == "codes" and not self.model.conditional:
            z = vae_codes.draw(self.code_mixture(), n, self.gen)
        else:
            z = self._randn(n, self.cfg.vae.latent_dim).cpu().numpy()
        labels = None
        if self.model.conditional:
            labels = np.full(n, int(label)) if label is not None \
                else np.arange(n) % self.model.num_classes
        return decode_arrays(self, z, labels)

    def code_mixture(self):
        """The mixture fitted to this step's codes of the training images (vae_codes)."""
        if self._mix is None or self._mix[0] != self.step_count:
            self._mix = (self.step_count,
                         vae_codes.fit_codes(self.model, self.data, self.cfg.train.seed))
        return self._mix[1]

    def state_dict(self) -> dict:
        s = {"models": {k: m.state_dict() for k, m in self.models.items()},
             "step": self.step_count, "rng": self.gen.get_state(),
             "fixed_x": self.fixed_x.cpu(), "fixed_z": self.fixed_z.cpu()}
        if self.fixed_y is not None:
            s["fixed_y"] = self.fixed_y.cpu()
        if self.cfg.vae.sample_from == "codes" and not self.model.conditional:
            s["code_mixture"] = vae_codes.to_state(self.code_mixture())
        return s

    def load_state_dict(self, state: dict) -> None:
        for k, m in self.models.items():
            m.load_state_dict(state["models"][k])
        self.step_count = int(state["step"])
        load_generator_state(self.gen, state["rng"])
        self.fixed_x = state["fixed_x"].to(self.device)
        self.fixed_z = state["fixed_z"].to(self.device)
        if "code_mixture" in state:  # sampling from a checkpoint: no training data to refit on
            self._mix = (self.step_count, vae_codes.from_state(state["code_mixture"]))
        if "fixed_y" in state:
            self.fixed_y = state["fixed_y"].to(self.device)


class VAEEngine(AEVAEEngine):
    metric_names = ("loss", "recon", "kl")
    variants = {"vae": True}
    main = "vae"


class AEEngine(AEVAEEngine):
    metric_names = ("loss", "recon")
    variants = {"ae": False}
    main = "ae"


class AEvsVAEEngine(AEVAEEngine):
    """An AE and a VAE of the same architecture, same initial weights, same batches."""

    metric_names = ("ae_loss", "ae_recon", "vae_loss", "vae_recon", "vae_kl")
    variants = {"ae": False, "vae": True}
    main = "vae"


# -- array in, array out: what `main.py encode` / `decode` / `sample --input` call ---------
def _as_images(engine: AEVAEEngine, images) -> torch.Tensor:
    a = np.asarray(images)
    if a.ndim == 3:
        a = a[:, None]
    elif a.ndim == 4 and a.shape[-1] in (1, 3) and a.shape[1] not in (1, 3):
        a = a.transpose(0, 3, 1, 2)
    c, h, w = engine.model.image_shape
    if a.ndim != 4 or a.shape[1] != c:
        raise DataError(f"images: expected (N,H,W) or (N,{c},H,W), got shape {np.shape(images)}")
    if a.dtype == np.uint8:
        x = torch.from_numpy(a.astype(np.float32) / 255.0)
    elif np.issubdtype(a.dtype, np.floating):
        if not np.isfinite(a).all():
            raise DataError("images: contain NaN or Inf")
        x = torch.from_numpy(a.astype(np.float32)).clamp_(0, 1)
    else:
        raise DataError(f"images: must be uint8 (0-255) or float in [0,1], got {a.dtype}")
    if x.shape[-2:] != (h, w):
        x = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False).clamp_(0, 1)
    return x


def encode_arrays(engine: AEVAEEngine, images, labels=None) -> dict:
    """{"codes": means (N,D), "logvars": (N,D) for a VAE, "labels"?, "ae_codes"? (compare)}."""
    x = _as_images(engine, images)
    m = engine.model
    if m.conditional and labels is None:
        raise DataError("labels: this conditional model needs the images' labels to encode")
    y = m._labels(labels, len(x)) if labels is not None and m.conditional else None
    mu, lv = m.encode_tensor(x, y)
    out = {"codes": mu}
    if lv is not None:
        out["logvars"] = lv
    if labels is not None:
        out["labels"] = np.asarray(labels, np.int64)
    if "ae" in engine.models and engine.models["ae"] is not m:
        out["ae_codes"] = engine.models["ae"].encode_tensor(x, y)[0]
    return out


def decode_arrays(engine: AEVAEEngine, codes, labels=None) -> dict:
    """{"images": (N,C,H,W) float32 in [0,1], "labels"?, "ae_images"? (compare: same codes)}."""
    z = np.asarray(codes)
    if z.ndim != 2 or not np.issubdtype(z.dtype, np.number) or not np.isfinite(z).all():
        raise DataError(f"codes: must be a finite (N, {engine.model.latent_dim}) array, "
                        f"got {z.dtype} {z.shape}")
    out = {"images": engine.model.decode(z, labels)}
    if engine.model.conditional:
        out["labels"] = np.broadcast_to(np.asarray(0 if labels is None else labels, np.int64),
                                        (len(z),)).copy()
    if "ae" in engine.models and engine.models["ae"] is not engine.model:
        out["ae_images"] = engine.models["ae"].decode(z, labels)
    return out
