"""Memory budgets, checked before anything is allocated.

A config's networks are built on the `meta` device (shapes only, no memory) to count their
parameters, and one forward pass of each through a counting mode adds up the bytes of every
tensor it makes: the activations a training step keeps. With the data set's size (from
file headers, core.data.info) that gives what a run needs, compared with what the device has
free. Allowed settings can still ask for far more than a machine has (gan.hidden=8192 with
gan.layers=12: ~24 GB), and a checkpoint's config can ask for that too.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import torch
from torch.overrides import TorchFunctionMode

from ..config import ConfigError
from .free_memory import format_bytes, free_memory

USABLE = 0.9  # of the free memory a run may plan to use
BYTES_PER_PARAM = 16  # fp32 weights, gradients and Adam's two moments
BACKWARD = 2  # a step's activations: the forward's tensors and their gradients
MAX_SAMPLES = 1_000_000  # points or images one `sample` call makes at most
MAX_SAMPLE_BATCH = 4096
TEXT_VOCAB = 2000  # words of a caption vocabulary (built from the data; small)
TEXT_LEN = 24

# The config field that sizes each family's networks most, named when they do not fit.
WIDTH_FIELD = {("gan", "mlp"): "gan.hidden", ("gan", "dcgan"): "gan.width",
               ("vae", "mlp"): "vae.hidden", ("vae", "conv"): "vae.channels",
               ("cyclegan", ""): "cyclegan.width", ("text2img", ""): "text2img.width",
               ("gmm", ""): "gmm.k"}
MORE_FIELDS = {"gan.hidden": " or fewer gan.layers", "cyclegan.width": " or fewer cyclegan.blocks"}


# -- counting on the meta device ------------------------------------------------------------
class _CountTensors(TorchFunctionMode):
    """Adds up the bytes of every tensor made by the torch calls in its scope (an in-place
    op's result, its own input, is not counted again)."""

    def __init__(self):
        super().__init__()
        self.bytes = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        inputs = {id(a) for a in args if torch.is_tensor(a)}
        for t in out if isinstance(out, (tuple, list)) else (out,):
            if torch.is_tensor(t) and id(t) not in inputs:
                self.bytes += t.numel() * t.element_size()
        return out


def _forward_bytes(module, *inputs) -> int:
    """Bytes of the tensors one forward pass makes (on meta: no memory, no arithmetic)."""
    try:
        with _CountTensors() as count:
            module(*[x for x in inputs if x is not None])
    except Exception:  # an op without a meta kernel: count what ran before it
        pass
    return count.bytes


def _params(*modules) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


@dataclass
class Estimate:
    """What one training run needs, in bytes, and the field that sizes its networks."""
    params: int  # parameters of all networks
    param_bytes: int  # weights, gradients, Adam state
    activation_bytes: int  # one step's activations and their gradients
    data_bytes: int  # the data set as the engine holds it (uint8 images, float32 points)
    batch_size: int
    width_field: str

    @property
    def total(self) -> int:
        return self.param_bytes + self.activation_bytes + self.data_bytes

    @property
    def model_bytes(self) -> int:
        return self.param_bytes


def estimate(cfg, info=None, activations: bool = True) -> Estimate:
    """What a validated RunConfig needs, without building anything. `info` (a DataInfo) is
    read from the config's data when not given. `activations` False leaves out the forward
    passes (activation_bytes 0): parameters alone are cheaper to count. ConfigError for
    settings that cannot build (as the engine would raise them); networks that fail to
    build for another reason give an empty estimate, and the engine reports them."""
    from .data.info import describe

    info = describe(cfg) if info is None else info
    b = cfg.train.batch_size
    try:
        with torch.device("meta"):
            params, forward, extra, field = _FAMILIES[_family(cfg.model)](cfg, info, b)
            acts = forward() if activations else 0
    except ConfigError:
        raise
    except Exception:
        return Estimate(0, 0, 0, 0, b, "")
    data = info.n * (4 if info.kind == "points" else 1) * math.prod(info.shape) + extra
    return Estimate(params, params * BYTES_PER_PARAM, acts * BACKWARD, data, b, field)


def _family(model: str) -> str:
    return "vae" if model in ("ae", "vae", "ae-vs-vae") else model


def _gan(cfg, info, b):
    from .engines.gan_parts import build_models

    g = cfg.gan
    k = max(1, info.num_classes or 10) if g.conditional else 0
    data = SimpleNamespace(kind=info.kind, shape=info.shape)
    G, D = build_models(g, data, k)
    bp = -(-b // g.pack) * g.pack  # D judges packs of `pack`
    y = torch.zeros(bp, dtype=torch.long) if k else None
    return _params(G, D), lambda: (_forward_bytes(G, torch.empty(bp, g.latent_dim), y) +
                                   2 * _forward_bytes(D, torch.empty(bp, *info.shape), y)), \
        0, "gan.model_file" if g.model_file else WIDTH_FIELD[("gan", g.arch)]


def _vae(cfg, info, b):
    from .models.ae import make_encoder_decoder

    v = cfg.vae
    k = max(1, info.num_classes or 10) if v.conditional else 0
    variational = {"ae": (False,), "vae": (True,), "ae-vs-vae": (False, True)}[cfg.model]
    nets = [make_encoder_decoder(v, info.shape, var, k) for var in variational]
    y = torch.zeros(b, dtype=torch.long) if k else None
    return sum(_params(enc, dec) for enc, dec in nets), lambda: sum(
        _forward_bytes(enc, torch.empty(b, *info.shape), y) +
        _forward_bytes(dec, torch.empty(b, v.latent_dim), y) for enc, dec in nets), \
        0, "vae.model_file" if v.model_file else WIDTH_FIELD[("vae", v.arch)]


def _cyclegan(cfg, info, b):
    from .models.cyclegan import PatchDiscriminator, ResnetGenerator

    c, ch = cfg.cyclegan, info.channels
    G = ResnetGenerator(ch, ch, c.width, c.blocks, c.downsample, c.norm)
    D = PatchDiscriminator(ch, c.d_width, c.d_layers)
    x = torch.empty(b, *info.shape)
    # G and F each run twice a step (translation, cycle); D_A and D_B see real and fake.
    pools = 2 * c.pool_size * 4 * math.prod(info.shape)
    return 2 * _params(G, D), lambda: 4 * _forward_bytes(G, x) + 4 * _forward_bytes(D, x), \
        pools, WIDTH_FIELD[("cyclegan", "")]


def _text2img(cfg, info, b):
    from .models.text2img import MatchingDiscriminator, TextEncoder, TextGenerator

    t, ch, size = cfg.text2img, info.channels, info.size
    enc = TextEncoder(TEXT_VOCAB, t.word_dim, t.text_dim)
    G = TextGenerator(t.latent_dim, t.text_dim, t.cond_dim, ch, size, t.width)
    D = MatchingDiscriminator(t.text_dim, t.cond_dim, ch, size, t.width)
    text = torch.empty(b, t.text_dim)
    # D judges a real, a mismatched and a generated pair; the GRU's steps are counted by hand
    # (packed sequences need real lengths, which the meta device does not have).
    captions = info.n * 8 * TEXT_LEN * 8  # token ids and lengths, a few captions per image
    return _params(enc, G, D), lambda: (
        _forward_bytes(G, torch.empty(b, t.latent_dim), text) +
        3 * _forward_bytes(D, torch.empty(b, *info.shape), text) +
        2 * b * TEXT_LEN * (t.word_dim + 4 * t.text_dim) * 4), \
        captions, WIDTH_FIELD[("text2img", "")]


def _gmm(cfg, info, b):
    k, d = cfg.gmm.k, info.dim
    params = k * (1 + d + d * d)
    acts = info.n * k * 8 * 4  # responsibilities and log-densities, float64
    return params, lambda: acts, info.n * d * 8, WIDTH_FIELD[("gmm", "")]


_FAMILIES = {"gan": _gan, "vae": _vae, "cyclegan": _cyclegan, "text2img": _text2img,
             "gmm": _gmm}


# -- checks -----------------------------------------------------------------------------------
def _where(device) -> str:
    device = torch.device(device or "cpu")
    return "the GPU" if device.type == "cuda" else "this machine"


def check_training(cfg, device=None, info=None, model_only: bool = False) -> Estimate:
    """Refuse, with a ConfigError naming the field to change, a run that would not fit in
    `device`'s free memory: its networks with gradients and Adam state, one step's
    activations (unless `model_only`: building a trained model to sample from) and the data
    set. `info`: the data's DataInfo (read from the config when not given; a file with bad
    labels raises its DataError here). Returns the estimate."""
    from .data.info import describe

    info = describe(cfg) if info is None else info
    free = free_memory(device)
    room = int(free * USABLE)
    # Parameters first: a model too large is refused without running its forward passes.
    est = estimate(cfg, info, activations=False)
    if not model_only and est.param_bytes <= room:
        est = estimate(cfg, info)
    acts = 0 if model_only else est.activation_bytes
    # A folder's images are streamed from the decoded cache when the device cannot hold them.
    data = 0 if info.streamed else est.data_bytes
    need = est.param_bytes + acts + data
    if need <= room:
        return est
    where = f"{format_bytes(room)} usable ({format_bytes(free)} free on {_where(device)})"
    parts = {"params": est.param_bytes, "acts": acts, "data": data}
    worst = max(parts, key=parts.get)
    if worst == "params":
        f = est.width_field
        raise ConfigError(f, f"the networks would have {_count(est.params)} parameters "
                             f"({format_bytes(est.param_bytes)} with gradients and optimiser "
                             f"state) and the run needs about {format_bytes(need)}, more "
                             f"than the {where}; use a smaller "
                             f"{f}{MORE_FIELDS.get(f, '')}")
    if worst == "acts":
        per = est.activation_bytes / max(1, est.batch_size)
        fits = int((room - est.param_bytes - data) // per) if per else 0
        hint = f"at most {fits}" if fits >= 1 else "a smaller model or image size"
        raise ConfigError("train.batch_size", f"one step of {est.batch_size} examples needs "
                                              f"about {format_bytes(need)}, more than the "
                                              f"{where}; try {hint}")
    per = est.data_bytes / max(1, info.n)
    fits = int((room - est.param_bytes - acts) // per) if per else 0
    key = "data.limit" if fits >= 2 else "data.image_size"
    hint = f"data.limit={fits}" if fits >= 2 else "a smaller data.image_size"
    raise ConfigError(key, f"the data set needs about {format_bytes(est.data_bytes)} as the "
                           f"model holds it (uint8 at data.image_size) and the run "
                           f"{format_bytes(need)}, more than the {where}; try {hint}")


def _count(n: int) -> str:
    if n >= 1e9:
        return f"{n / 1e9:.2f} billion"
    if n >= 1e6:
        return f"{n / 1e6:.1f} million"
    return f"{n:,}"


def check_model_size(cfg, device=None) -> Estimate:
    """The check a checkpoint gets before anything is built from it: its networks (weights,
    gradients, optimiser state) must fit in `device`'s free memory (ConfigError naming the
    field otherwise). The data set is not counted: it may not be on this machine.

    A run on the user's own networks (a model file) is not built here: reading a checkpoint
    never runs a model file (the window opens checkpoints), and the checkpoint's size, which
    holds those weights, was checked against free memory before it was read. Training builds
    the file's networks on the meta device like the studio's own (check_training)."""
    from .data import DataError
    from .data.info import DataInfo, describe
    from .models.user import model_file

    key, path = model_file(cfg)
    if path:
        return Estimate(0, 0, 0, 0, cfg.train.batch_size, key)

    try:
        info = describe(cfg)
    except DataError:
        info = DataInfo(size=cfg.data.image_size)
    info.n = 0
    return check_training(cfg, device, info, model_only=True)


# -- sampling ---------------------------------------------------------------------------------
@dataclass
class SampleLimits:
    """How `sample` may work: `batch` items at a time, at most `max_n` in one call (the
    result is held in memory as float32: `item_bytes` each)."""
    batch: int
    max_n: int
    item_bytes: int

    def check(self, n: int, flag: str = "--n") -> None:
        """ConfigError naming `flag` when n is not between 1 and max_n."""
        if n < 1:
            raise ConfigError(flag, "must be at least 1")
        if n > self.max_n:
            why = f"{format_bytes(self.item_bytes)} each" if self.max_n < MAX_SAMPLES else \
                "the most one call makes"
            raise ConfigError(flag, f"at most {self.max_n:,} in one call ({why}); run "
                                    f"sample several times with other --seed values")

    def batches(self, n: int):
        """The sizes to generate n items in: batch, batch, ..., the rest."""
        for start in range(0, n, self.batch):
            yield min(self.batch, n - start)


def sample_limits(cfg, device=None, info=None) -> SampleLimits:
    """A batch size for generating on `device` and a hard bound on how many items one call
    makes (MAX_SAMPLES, or fewer when they would not fit in half the free memory here)."""
    from .data.info import describe

    info = describe(cfg) if info is None else info
    if cfg.model == "gmm":
        item = 8 * info.dim
    else:
        item = 4 * math.prod(info.shape) + 8  # float32 output and a label
    max_n = max(1, min(MAX_SAMPLES, free_memory("cpu") // 2 // item))
    try:
        est = estimate(cfg, info)
        per = est.activation_bytes / BACKWARD / max(1, est.batch_size)
    except ConfigError:
        per = item
    per = max(per, item)
    room = free_memory(device) // 4
    batch = int(max(1, min(MAX_SAMPLE_BATCH, room // per)))
    return SampleLimits(batch=batch, max_n=int(max_n), item_bytes=int(item))


__all__ = ["Estimate", "SampleLimits", "check_model_size", "check_training", "estimate",
           "format_bytes", "free_memory", "sample_limits"]
