"""Networks the user wrote: a Python file they picked (gan.model_file, vae.model_file).

The file defines callables (functions or classes) that return torch modules; each is called
with the keyword arguments it names among those listed:

  GAN  generator(latent_dim, shape, num_classes)      forward(z[, y]) -> (B, *shape)
       discriminator(shape, num_classes)              forward(x[, y]) -> (B,) or (B, 1) logits
  VAE  encoder(shape, latent_dim, num_classes, variational)
                                                      forward(x[, y]) -> mu, or (mu, logvar)
       decoder(latent_dim, shape, num_classes)        forward(z[, y]) -> logits (B, *shape)

`shape` is the data's (C, H, W) or (2,) for points; y (labels) is passed only when
num_classes > 0. Images: G outputs [-1, 1] (end in tanh) and D sees [-1, 1]; the encoder
sees [0, 1] and the decoder returns logits (sigmoid gives pixels). 2-D points: G and D work
in units of the data's spread (the studio scales around them, as for its own MLPs).

Code runs only from the file itself, read here: a checkpoint holds the file's sha256 (a
buffer of each wrapper below, beside the weights) and never code. The networks are checked
by one dry forward pass; a syntax error, an exception or a wrong shape is one line naming
the file and the line (ModelFileError, a ConfigError of the model_file field).
"""
from __future__ import annotations

import hashlib
import inspect
import math
import sys
import traceback
import types
from pathlib import Path

import torch
from torch import nn

from ...config import ConfigError
from ..one_line import one_line
from .mlp import DataScale

MAX_SOURCE_BYTES = 1 << 20  # Python source, not data
SHA_KEY = "source_sha256"  # the buffer each wrapper saves with its weights
DRY_BATCH = 2  # batch norm needs more than one value per channel
_modules: dict[tuple[str, str], types.ModuleType] = {}  # (path, sha256) -> the file run once


class ModelFileError(ConfigError):
    """Something wrong in (or with) a model file; `reason` starts with the file and line.
    `stage`: "file" (it cannot be read, compiled or run) or "networks" (what it builds)."""

    def __init__(self, key: str, reason: str, stage: str = "file"):
        super().__init__(key, reason)
        self.stage = stage


def section_of(model: str) -> str:
    return "gan" if model == "gan" else "vae"


def model_file(cfg) -> tuple[str, str]:
    """("gan.model_file" or "vae.model_file", its path) of a config; path "" when the run
    uses the studio's own networks (or its family takes no model file)."""
    if cfg.model == "gan":
        return "gan.model_file", cfg.gan.model_file
    if cfg.model in ("ae", "vae", "ae-vs-vae"):
        return "vae.model_file", cfg.vae.model_file
    return "", ""


# -- reading and running the file ------------------------------------------------------------
def _resolve(path: str, key: str) -> Path:
    p = Path(path).expanduser()
    try:
        p = p.resolve()
    except OSError:
        pass
    if not p.is_file():
        raise ModelFileError(key, f"{p}: no such file")
    return p


def read_source(path: str, key: str) -> tuple[Path, bytes, str]:
    """(resolved path, its bytes, their sha256); ModelFileError when it cannot be read."""
    p = _resolve(path, key)
    try:
        size = p.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise ModelFileError(key, f"{p}: {size:,} bytes; a model file is Python source "
                                      f"(at most {MAX_SOURCE_BYTES:,} bytes)")
        data = p.read_bytes()
    except OSError as e:
        raise ModelFileError(key, f"{p}: cannot read it ({e.strerror or e})") from None
    return p, data, hashlib.sha256(data).hexdigest()


def file_sha256(path: str, key: str = "model_file") -> str:
    return read_source(path, key)[2]


def _compile(p: Path, data: bytes, key: str):
    try:
        return compile(data, str(p), "exec", dont_inherit=True)
    except SyntaxError as e:  # (IndentationError too)
        raise ModelFileError(key, f"{p}, line {e.lineno}: {type(e).__name__}: {e.msg}") \
            from None
    except ValueError as e:  # null bytes
        raise ModelFileError(key, f"{p}: not Python source ({one_line(e)})") from None


def check_syntax(path: str, key: str = "model_file") -> None:
    """Compile the file without running any of it (the window checks a file it is given)."""
    p, data, _ = read_source(path, key)
    _compile(p, data, key)


def _line_in(p: Path, tb) -> int | None:
    """The last line of the user's file in a traceback."""
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename == str(p):
            line = lineno
    return line


def _fail(key: str, p: Path, line: int | None, what: str,
          stage: str = "networks") -> ModelFileError:
    where = f"{p}, line {line}" if line else str(p)
    return ModelFileError(key, f"{where}: {what}", stage)


def _exception(key: str, p: Path, e: BaseException, doing: str,
               stage: str = "networks") -> ModelFileError:
    return _fail(key, p, _line_in(p, e.__traceback__),
                 f"{type(e).__name__}: {one_line(e, 200) or 'no message'} ({doing})", stage)


def load(path: str, key: str) -> tuple[types.ModuleType, Path, str]:
    """Run the file once per content (module, path, sha256); ModelFileError for a file that
    cannot be read, compiled or run."""
    p, data, sha = read_source(path, key)
    cached = _modules.get((str(p), sha))
    if cached is not None:
        return cached, p, sha
    code = _compile(p, data, key)
    name = f"studio_model_file_{sha[:16]}"
    module = types.ModuleType(name)
    module.__file__ = str(p)
    sys.modules[name] = module  # classes defined there find their module (dataclasses, copy)
    try:
        exec(code, module.__dict__)
    except Exception as e:
        del sys.modules[name]
        raise _exception(key, p, e, "running the file", "file") from None
    _modules[(str(p), sha)] = module
    return module, p, sha


def _factory(module, p: Path, key: str, name: str, kind: str):
    fn = getattr(module, name, None)
    if not callable(fn):
        raise _fail(key, p, None, f"defines no {name}(...): a {kind} model file defines "
                                  f"{' and '.join(NAMES[kind])} (see the README)", "file")
    return fn


NAMES = {"GAN": ("generator(...)", "discriminator(...)"), "VAE": ("encoder(...)", "decoder(...)")}


def _first_line(fn) -> int | None:
    target = fn.__init__ if inspect.isclass(fn) else fn
    code = getattr(target, "__code__", None)
    return code.co_firstlineno if code is not None else None


def _build(fn, p: Path, key: str, name: str, **offered) -> nn.Module:
    """Call a factory with the arguments it names (all of them if it takes **kwargs)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = {}
    if any(q.kind is q.VAR_KEYWORD for q in params.values()):
        kwargs = offered
    else:
        kwargs = {k: v for k, v in offered.items() if k in params}
    try:
        net = fn(**kwargs)
    except Exception as e:
        raise _exception(key, p, e, f"building the {name}") from None
    if not isinstance(net, nn.Module):
        raise _fail(key, p, _first_line(fn), f"{name}(...) returned {type(net).__name__}, "
                                             f"not a torch.nn.Module")
    return net


def _forward(net: nn.Module, args: tuple, p: Path, key: str, name: str):
    """One forward pass; (output, the line it returned from in the user's file or None)."""
    code = getattr(type(net).forward, "__code__", None)
    returned: list[int] = []

    def profile(frame, event, _arg) -> None:
        if event == "return" and frame.f_code is code:
            returned.append(frame.f_lineno)

    old = sys.getprofile()
    sys.setprofile(profile)
    try:
        out = net(*args)
    except Exception as e:
        raise _exception(key, p, e, f"a forward pass of the {name}") from None
    finally:
        sys.setprofile(old)
    line = returned[-1] if returned and code is not None and code.co_filename == str(p) \
        else None
    return out, line


def _shape(t) -> str:
    return str(tuple(t.shape)) if torch.is_tensor(t) else type(t).__name__


def _on_meta() -> bool:
    return torch.empty(0).device.type == "meta"


class _MetaProblem(RuntimeError):
    """The file's networks cannot be built or run on the meta device (budget.py counts
    nothing then; the real build reports what is wrong, if anything)."""


def _guarded(build):
    """On the meta device (budget counting), a problem with the networks is not the user's
    error yet: the real build on the device decides."""
    def wrapper(*args, **kwargs):
        if not _on_meta():
            return build(*args, **kwargs)
        try:
            return build(*args, **kwargs)
        except ModelFileError as e:
            if e.stage == "file":
                raise
            raise _MetaProblem(e.reason) from None
    return wrapper


def _sha_buffer(sha: str) -> torch.Tensor:
    return torch.tensor(list(bytes.fromhex(sha)), dtype=torch.uint8, device="cpu")


class _Wrapped(nn.Module):
    """A user network with the file's sha256 saved beside its weights."""

    user_model = True

    def __init__(self, net: nn.Module, sha: str, path: Path, key: str):
        super().__init__()
        self.net = net
        self.path, self.key = str(path), key
        self.register_buffer(SHA_KEY, _sha_buffer(sha).to(torch.empty(0).device))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        saved = state_dict.get(prefix + SHA_KEY)
        mine = getattr(self, SHA_KEY)
        differs = saved is not None and mine.device.type != "meta" and (
            saved.shape != mine.shape or not torch.equal(saved.cpu(), mine.cpu()))
        if differs:
            error_msgs.append(f"{self.key} {self.path} changed since the checkpoint was written "
                              f"(sha256 {sha_text(saved)[:12]} then, {sha_text(mine)[:12]} now)")
            mine = mine.clone()
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)
        if differs:  # the buffer keeps naming the file these networks were built from
            getattr(self, SHA_KEY).copy_(mine)


def sha_text(t: torch.Tensor) -> str:
    return bytes(t.cpu().to(torch.uint8).tolist()).hex()


class UserGenerator(_Wrapped):
    """z [, y] -> x (B, *shape); on 2-D points in the data's units (DataScale after it)."""

    def __init__(self, net, shape, conditional: bool, sha: str, path: Path, key: str):
        super().__init__(net, sha, path, key)
        self.shape, self.conditional = tuple(shape), conditional
        self.scale = DataScale(math.prod(shape), inverse=False)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        x = self.net(z, y) if self.conditional else self.net(z)
        if self.scale.active:
            x = self.scale(x.flatten(1)).view(-1, *self.shape)
        return x


class UserDiscriminator(_Wrapped):
    """x [, y] -> logits (B,); 2-D points are given in the data's units (DataScale first)."""

    def __init__(self, net, shape, conditional: bool, sha: str, path: Path, key: str):
        super().__init__(net, sha, path, key)
        self.shape, self.conditional = tuple(shape), conditional
        self.scale = DataScale(math.prod(shape), inverse=True)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.scale.active:
            x = self.scale(x.flatten(1)).view(-1, *self.shape)
        out = self.net(x, y) if self.conditional else self.net(x)
        return out.reshape(-1)


class UserEncoder(_Wrapped):
    """x [, y] -> (mu, logvar or None), whichever way the file returns them."""

    def __init__(self, net, latent: int, variational: bool, conditional: bool, sha: str,
                 path: Path, key: str):
        super().__init__(net, sha, path, key)
        self.latent, self.variational, self.conditional = latent, variational, conditional

    def split(self, out):
        if isinstance(out, (tuple, list)):
            mu = out[0]
            lv = out[1] if len(out) > 1 else None
        elif self.variational and torch.is_tensor(out) and out.dim() == 2 \
                and out.shape[1] == 2 * self.latent:
            mu, lv = out.chunk(2, dim=1)
        else:
            mu, lv = out, None
        return mu, (lv if self.variational else None)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None):
        return self.split(self.net(x, y) if self.conditional else self.net(x))


class UserDecoder(_Wrapped):
    """z [, y] -> pixel logits (B, *shape)."""

    def __init__(self, net, conditional: bool, sha: str, path: Path, key: str):
        super().__init__(net, sha, path, key)
        self.conditional = conditional

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(z, y) if self.conditional else self.net(z)


# -- building and checking ---------------------------------------------------------------------
def _inputs(k: int) -> torch.Tensor | None:
    """The dry pass's labels (conditional networks)."""
    return torch.arange(DRY_BATCH) % k if k else None


@_guarded
def build_gan(g, data, num_classes: int) -> tuple[nn.Module, nn.Module]:
    """(G, D) from gan.model_file for a Dataset-like `data` (kind, shape), checked by one dry
    forward pass each. The studio's stabilisers that live inside its own D (PacGAN packing,
    minibatch std) cannot be added to a stranger's network: refused with the field named;
    spectral norm is put on the file's D's Linear and conv layers."""
    key = "gan.model_file"
    if g.pack > 1:
        raise ConfigError("gan.pack", "a model file's discriminator judges one sample at a "
                                      "time; set gan.pack=1")
    if g.minibatch_std:
        raise ConfigError("gan.minibatch_std", "the minibatch-std feature lives inside the "
                                               "studio's discriminator; turn it off with a "
                                               "model file")
    module, p, sha = load(g.model_file, key)
    shape = tuple(data.shape)
    offered = dict(latent_dim=g.latent_dim, shape=shape, num_classes=num_classes)
    g_net = _build(_factory(module, p, key, "generator", "GAN"), p, key, "generator", **offered)
    d_net = _build(_factory(module, p, key, "discriminator", "GAN"), p, key, "discriminator",
                   shape=shape, num_classes=num_classes)
    if g.spectral_norm:
        from torch.nn.utils.parametrizations import spectral_norm

        for m in list(d_net.modules()):
            if isinstance(m, (nn.Linear, nn.modules.conv._ConvNd)):
                spectral_norm(m)
    cond = num_classes > 0
    G = UserGenerator(g_net, shape, cond, sha, p, key)
    D = UserDiscriminator(d_net, shape, cond, sha, p, key)
    y = _inputs(num_classes)
    with torch.no_grad():
        z = torch.randn(DRY_BATCH, g.latent_dim)
        x, line = _forward(g_net, (z, y) if cond else (z,), p, key, "generator")
        if not torch.is_tensor(x) or tuple(x.shape) != (DRY_BATCH, *shape):
            raise _fail(key, p, line or _first_line(module.generator),
                        f"the generator returned {_shape(x)} for a batch of {DRY_BATCH}; "
                        f"expected {(DRY_BATCH, *shape)} (the data's shape {shape})")
        real = torch.rand(DRY_BATCH, *shape) * 2 - 1
        out, line = _forward(d_net, (real, y) if cond else (real,), p, key, "discriminator")
        if not torch.is_tensor(out) or out.numel() != DRY_BATCH or \
                tuple(out.shape) not in ((DRY_BATCH,), (DRY_BATCH, 1)):
            raise _fail(key, p, line or _first_line(module.discriminator),
                        f"the discriminator returned {_shape(out)} for a batch of "
                        f"{DRY_BATCH}; expected one logit per example: ({DRY_BATCH},) or "
                        f"({DRY_BATCH}, 1)")
    return G, D


@_guarded
def build_vae(v, shape, variational: bool, num_classes: int) -> tuple[nn.Module, nn.Module]:
    """(encoder, decoder) from vae.model_file, checked by one dry forward pass each."""
    key = "vae.model_file"
    module, p, sha = load(v.model_file, key)
    shape, latent = tuple(shape), v.latent_dim
    e_net = _build(_factory(module, p, key, "encoder", "VAE"), p, key, "encoder", shape=shape,
                   latent_dim=latent, num_classes=num_classes, variational=variational)
    d_net = _build(_factory(module, p, key, "decoder", "VAE"), p, key, "decoder",
                   latent_dim=latent, shape=shape, num_classes=num_classes)
    cond = num_classes > 0
    enc = UserEncoder(e_net, latent, variational, cond, sha, p, key)
    dec = UserDecoder(d_net, cond, sha, p, key)
    y = _inputs(num_classes)
    want = (DRY_BATCH, latent)
    with torch.no_grad():
        x = torch.rand(DRY_BATCH, *shape)
        out, line = _forward(e_net, (x, y) if cond else (x,), p, key, "encoder")
        mu, lv = enc.split(out)
        where = line or _first_line(module.encoder)
        if not torch.is_tensor(mu) or tuple(mu.shape) != want:
            raise _fail(key, p, where, f"the encoder returned {_shape(mu)} as mu for a batch "
                                       f"of {DRY_BATCH}; expected {want} (vae.latent_dim "
                                       f"{latent})")
        if variational and (not torch.is_tensor(lv) or tuple(lv.shape) != want):
            got = "no log-variance" if lv is None else f"a log-variance of {_shape(lv)}"
            raise _fail(key, p, where, f"the encoder returned {got}; a VAE's encoder returns "
                                       f"(mu, logvar), each {want}")
        z = torch.randn(*want)
        img, line = _forward(d_net, (z, y) if cond else (z,), p, key, "decoder")
        if not torch.is_tensor(img) or tuple(img.shape) != (DRY_BATCH, *shape):
            raise _fail(key, p, line or _first_line(module.decoder),
                        f"the decoder returned {_shape(img)} for a batch of {DRY_BATCH}; "
                        f"expected {(DRY_BATCH, *shape)} (the data's shape {shape})")
    return enc, dec


# -- checkpoints of model-file runs --------------------------------------------------------------
def _sha_entries(state, out: list) -> list:
    """Every (dict, key) holding a saved sha256 in an engine state."""
    if isinstance(state, dict):
        for k, v in state.items():
            if isinstance(k, str) and k.endswith(SHA_KEY) and torch.is_tensor(v):
                out.append((state, k))
            else:
                _sha_entries(v, out)
    return out


def recorded_sha(checkpoint: dict) -> str:
    """The model file's sha256 a checkpoint recorded ("" for the studio's own networks)."""
    entries = _sha_entries(checkpoint.get("engine"), [])
    return sha_text(entries[0][0][entries[0][1]]) if entries else ""


def changed(checkpoint: dict) -> str:
    """Why a checkpoint of a model-file run cannot resume as it is (the file is gone or its
    content changed since), in one line; "" when it can. Hashes the file; runs nothing."""
    cfg = checkpoint["config"]
    key, path = model_file(cfg)
    saved = recorded_sha(checkpoint)
    if not path or not saved:
        return ""
    try:
        now = file_sha256(path, key)
    except ModelFileError as e:
        return str(e)
    if now == saved:
        return ""
    return (f"{key} {path} changed since the checkpoint was written (sha256 {saved[:12]}… "
            f"then, {now[:12]}… now)")


def accept_current(checkpoint: dict) -> None:
    """Train on with the file as it is now: the checkpoint (in memory) takes its sha256."""
    key, path = model_file(checkpoint["config"])
    now = _sha_buffer(file_sha256(path, key))
    for holder, k in _sha_entries(checkpoint.get("engine"), []):
        holder[k] = now.clone()


def traced_bytes(net: nn.Module, example: tuple) -> bytes:
    """A CPU copy of `net` as TorchScript (runs without the file: the window's explorer
    decodes with it, and export writes it)."""
    import copy
    import io
    import warnings

    cpu = copy.deepcopy(net).to("cpu").eval()
    buf = io.BytesIO()
    # torch marks TorchScript deprecated in favour of torch.export; it is still what plain
    # torch (and LibTorch) loads without the code that made it.
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(cpu, tuple(t.cpu() for t in example), check_trace=False)
        torch.jit.save(traced, buf)
    return buf.getvalue()


def load_traced(data: bytes) -> nn.Module:
    import io
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.jit.load(io.BytesIO(data), map_location="cpu").eval()
