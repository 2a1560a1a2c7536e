"""Text-to-image GAN (GAN-CLS, Reed et al. 2016) with a caption encoder trained alongside.

D learns three cases: a real image with its caption (real), a real image with another
image's caption (wrong), a generated image with its caption (fake); so G is rewarded only
for images that match the words. The text encoder learns through D's loss (G gets the
caption embedding as a fixed input), with a vocabulary built from the data set's captions.
Training captions are reworded on the fly (core.text.augment: unknown and filler words put
in, words dropped, neighbours swapped), so captions as people type them still draw the
right picture. G's fakes come in pairs with one caption and two noises, and a mode-seeking
term (MSGAN, Mao et al. 2019) rewards pairs that differ, so the noise keeps choosing what
the caption leaves open (size, place) instead of being ignored.
One step = one D update then one G update. Metrics stay on the device.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import torch

from ...config import ConfigError
from ..data import DataError, place, to_float, to_u8
from ..data.captions import example_captions, load_caption_folder
from ..data.shapes import make_digit_captions, make_shapes
from ..devices import load_generator_state, make_generator
from ..losses import bce_d, bce_g
from ..models.dcgan import plan
from ..models.text2img import MatchingDiscriminator, TextEncoder, TextGenerator
from ..text import Vocab, augment
from . import speed
from .base import Engine, StepResult, adam, adam_set_lr
from .gan_parts import eval_mode

COLS = 8
MAX_LEN = 24
N_SHAPES = 4000  # shapes drawn when data.limit is 0
PREVIEW_CAPTIONS = {
    "shapes": ["a red circle", "a large green square", "一个蓝色的三角形",
               "a small yellow circle in the top left", "a blue square at the bottom right",
               "红色的大方块在中间"],
    "digits": ["the digit zero", "the digit three", "a handwritten seven", "the number 5",
               "数字八", "手写的2"],
}


def load_captioned(data_cfg, seed: int, progress=None):
    limit = getattr(data_cfg, "limit", 0) or None
    if data_cfg.path:  # the user's pictures with a captions.csv or captions.jsonl
        return load_caption_folder(data_cfg, seed, progress)
    if data_cfg.name == "shapes":
        return make_shapes(limit or N_SHAPES, data_cfg.image_size, seed)
    if data_cfg.name == "digits":
        return make_digit_captions(data_cfg.image_size, seed, limit)
    raise DataError(f"data.name: text-to-image needs a captioned data set (shapes or digits), "
                    f"not {data_cfg.name!r}")


def mode_seeking(a: torch.Tensor, b: torch.Tensor, za: torch.Tensor, zb: torch.Tensor
                 ) -> torch.Tensor:
    """MSGAN's term: noise distance over image distance for pairs with one caption; small
    when two noises give two different pictures."""
    ratio = (a - b).float().abs().mean() / (za - zb).abs().mean()
    return 1 / (ratio + 1e-5)


class Text2ImgEngine(Engine):
    kind = "images"
    metric_names = ("loss_d", "loss_g", "d_real", "d_wrong", "d_fake")

    def __init__(self, cfg, device: torch.device, progress=None):
        super().__init__()
        self.cfg, self.device = cfg, device
        t = cfg.text2img
        try:
            plan(cfg.data.image_size)
        except ValueError as e:
            raise ConfigError("data.image_size", str(e)) from None
        if t.text_dim % 2:
            raise ConfigError("text2img.text_dim", "must be even (two GRU directions)")
        torch.manual_seed(cfg.train.seed)
        data = load_captioned(cfg.data, cfg.train.seed, progress)
        self.data_name = data.name
        self.attrs = data.attrs
        self.x = place(to_u8(data.x), device)[0]  # uint8; a batch is converted on the device
        self.captions = data.captions
        self.vocab = Vocab.build(c for caps in data.captions for c in caps)
        flat = [c for caps in data.captions for c in caps]
        ids, lengths = self.vocab.encode(flat, MAX_LEN)
        k = len(data.captions[0])
        self.ids = ids.view(len(self.x), k, -1)  # on the CPU: captions are reworded there
        self.lengths = lengths.view(len(self.x), k)
        self.fillers = self.vocab.fillers()
        ch, size = self.x.shape[1], self.x.shape[-1]
        self.enc = TextEncoder(len(self.vocab), t.word_dim, t.text_dim).to(device)
        self.G = TextGenerator(t.latent_dim, t.text_dim, t.cond_dim, ch, size, t.width).to(device)
        self.D = MatchingDiscriminator(t.text_dim, t.cond_dim, ch, size, t.width).to(device)
        self.opt_g = adam(self.G.parameters(), t.lr_g, (t.beta1, 0.999), device)
        self.opt_d = adam([*self.D.parameters(), *self.enc.parameters()], t.lr_d,
                          (t.beta1, 0.999), device)
        speed.setup(self, [self.G, self.D], device, cfg.train)
        self.gen = make_generator(device, cfg.train.seed)
        self.fixed_captions = (PREVIEW_CAPTIONS.get(self.data_name)
                               or example_captions(data.captions))  # the user's own
        self.fixed_z = self._noise(COLS)
        self.caption_z = self._noise(2 * COLS)
        self.live: tuple[str, str] | None = None  # the panel's caption, redrawn each preview

    def _noise(self, n: int) -> torch.Tensor:
        z = torch.randn(n, self.cfg.text2img.latent_dim, device=self.gen.device, generator=self.gen)
        return z.to(self.device)

    def set_hyperparameters(self, cfg) -> None:
        t = cfg.text2img
        for f in dataclasses.fields(t):
            if f.metadata.get("live"):
                setattr(self.cfg.text2img, f.name, getattr(t, f.name))
        adam_set_lr(self.opt_g, t.lr_g, (t.beta1, 0.999))
        adam_set_lr(self.opt_d, t.lr_d, (t.beta1, 0.999))

    # -- training ------------------------------------------------------------------------------
    def _batch(self, rng: np.random.Generator, bs: int):
        """Image indices (bs,) on the device and their captions' ids and lengths, a share
        (text2img.word_noise) of them reworded."""
        idx = rng.integers(len(self.x), size=bs)
        k = rng.integers(self.ids.shape[1], size=bs)
        ids, lengths = self.ids[idx, k], self.lengths[idx, k]
        p = self.cfg.text2img.word_noise
        if p > 0:
            r = rng.random((bs, ids.shape[1] + 10))
            seqs = [augment(row[:n], ri[1:], self.fillers)[:MAX_LEN] if ri[0] < p else row[:n]
                    for row, n, ri in zip(ids.tolist(), lengths.tolist(), r.tolist())]
            lengths = torch.tensor([len(q) for q in seqs])
            ids = torch.zeros(bs, int(lengths.max()), dtype=torch.long)
            for i, q in enumerate(seqs):
                ids[i, :len(q)] = torch.tensor(q)
        return torch.from_numpy(idx).to(self.device), ids.to(self.device), lengths

    def step(self) -> StepResult:
        bs, t = self.cfg.train.batch_size, self.cfg.text2img
        # Seeded by the step: a resumed run draws the same batches without saving a state.
        rng = np.random.default_rng([self.cfg.train.seed, self.step_count])
        idx, ids, lengths = self._batch(rng, bs)
        real = to_float(self.x[idx.to(self.x.device)], self.device)  # uint8 -> float there
        real = speed.to_layout(real * 2 - 1, self.channels_last)
        w, h = t.match_weight, bs // 2 if t.diversity_weight > 0 else 0
        with self.amp():
            text = self.enc(ids, lengths).float()
            wrong = text.roll(1, 0)  # another image's caption
            # Fake i + h repeats fake i's caption with other noise (the mode-seeking pairs).
            fake_text = torch.cat([text[:h], text[:h], text[2 * h:]]).detach()
            z = self._noise(bs)
            fake = self.G(z, fake_text)
            # One D pass over all three cases, so batch norm sees them together.
            logits, feats = self.D(torch.cat([real, real, fake.detach()]),
                                   torch.cat([text, wrong, fake_text]), features=True)
            l_real, l_wrong, l_fake = logits.float().split(bs)
            # Real with its caption is real; a wrong caption and a fake are fakes, half each.
            loss_d = bce_d(l_real, torch.cat([l_wrong, l_fake]))
            if w > 0:
                loss_d = loss_d + w * self.D.contrastive(feats[:bs].float(), text)
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        with self.amp():
            l_gen, h_gen = self.D(fake, fake_text, features=True)
            loss_g = bce_g(l_gen.float())
            if w > 0:  # over batches of distinct captions: a pair's twin is no negative
                halves = [slice(0, h), slice(h, bs)] if h else [slice(0, bs)]
                loss_g = loss_g + w * sum(self.D.contrastive(h_gen[s].float(), fake_text[s])
                                          for s in halves) / len(halves)
            if h:
                loss_g = loss_g + t.diversity_weight * mode_seeking(fake[:h], fake[h:2 * h],
                                                                    z[:h], z[h:2 * h])
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        self.step_count += 1
        return StepResult(self.step_count, {
            "loss_d": loss_d.detach(), "loss_g": loss_g.detach(),
            "d_real": torch.sigmoid(l_real.detach()).mean(),
            "d_wrong": torch.sigmoid(l_wrong.detach()).mean(),
            "d_fake": torch.sigmoid(l_fake.detach()).mean()})

    # -- generating ----------------------------------------------------------------------------
    @torch.no_grad()
    def embed(self, captions: list[str]) -> torch.Tensor:
        ids, lengths = self.vocab.encode(captions, MAX_LEN)
        with eval_mode(self.enc):
            return self.enc(ids.to(self.device), lengths)

    @torch.no_grad()
    def generate(self, z: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1] for noise z (B, latent) and caption embeddings (B, text_dim)."""
        with eval_mode(self.G):
            return ((self.G(z, text) + 1) / 2).clamp(0, 1).float()

    def _grid(self, images: torch.Tensor) -> np.ndarray:
        from torchvision.utils import make_grid

        return make_grid(images, nrow=COLS, padding=2, pad_value=0.5).permute(1, 2, 0).cpu().numpy()

    def preview(self) -> dict:
        caps = self.fixed_captions
        text = self.embed(caps).repeat_interleave(COLS, 0)
        images = self.generate(self.fixed_z.repeat(len(caps), 1), text)
        out = {"kind": "images", "grid": self._grid(images), "row_labels": list(caps),
               "step": self.step_count}
        if self.live is not None:
            out["caption"] = self._caption_grid(*self.live)
        return out

    def _caption_grid(self, text: str, other: str = "") -> dict:
        words = [w for w in (text, other) if w.strip()]
        unknown = sorted({u for w in words for u in self.vocab.unknown(w)})
        out = {"kind": "caption", "text": text, "other": other, "unknown": unknown,
               "step": self.step_count}
        if not words:
            out["error"] = "type a caption"
            return out
        if all(not [t for t in self.vocab.ids(w) if t != 1] for w in words):
            out["error"] = f"no known words in it (it knows e.g. {', '.join(self.vocab.itos[2:8])})"
            return out
        if len(words) == 1:
            text_emb = self.embed(words).expand(len(self.caption_z), -1)
            out["grid"] = self._grid(self.generate(self.caption_z, text_emb))
            return out
        # Interpolation: each row one noise vector, columns walk from the first caption's
        # embedding to the second's.
        ends = self.embed(words)
        w = torch.linspace(0, 1, COLS, device=self.device)[:, None]
        path = (1 - w) * ends[0] + w * ends[1]  # (COLS, text_dim)
        rows = 4
        z = self.caption_z[:rows].repeat_interleave(COLS, 0)
        out["grid"] = self._grid(self.generate(z, path.repeat(rows, 1)))
        return out

    def caption_preview(self, text: str, other: str = "") -> dict:
        """Images for a caption (or a walk between two), redrawn with each later preview."""
        self.live = (text, other)
        return self._caption_grid(text, other)

    def sample(self, n: int, caption: str | None = None) -> dict:
        """n images for `caption`, or for n captions drawn from the data (returned)."""
        if caption is not None:
            if not [t for t in self.vocab.ids(caption) if t != 1]:
                raise DataError(f"--caption: no known words in {caption!r}")
            caps = [caption] * n
        else:
            rng = np.random.default_rng(int(torch.randint(0, 2**31 - 1, (1,), generator=self.gen)))
            caps = [self.captions[i][rng.integers(len(self.captions[i]))]
                    for i in rng.integers(len(self.captions), size=n)]
        images = torch.cat([self.generate(self._noise(len(c)), self.embed(c))
                            for c in (caps[i:i + 256] for i in range(0, n, 256))])
        return {"images": images.cpu().numpy(), "captions": np.array(caps)}

    # -- checkpoints ---------------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {"G": self.G.state_dict(), "D": self.D.state_dict(), "enc": self.enc.state_dict(),
                "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
                "step": self.step_count, "rng": self.gen.get_state(),
                "fixed_z": self.fixed_z.cpu(), "caption_z": self.caption_z.cpu(),
                "vocab": list(self.vocab.itos[2:])}

    def load_state_dict(self, state: dict) -> None:
        if "attend.weight" not in state["enc"]:
            raise ValueError("made by an older text-to-image version (its caption encoder has "
                             "no attention pooling); train it again to sample from it")
        vocab = Vocab(state["vocab"])
        if vocab.itos != self.vocab.itos:
            raise DataError("checkpoint: its vocabulary differs from this data set's captions")
        for name in ("G", "D", "enc"):
            getattr(self, name).load_state_dict(state[name])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.step_count = int(state["step"])
        load_generator_state(self.gen, state["rng"])
        self.fixed_z = state["fixed_z"].to(self.device)
        self.caption_z = state["caption_z"].to(self.device)
