"""Data-parallel training under torchrun: one process per device, torch.distributed.

torchrun sets WORLD_SIZE, RANK and LOCAL_RANK. Every rank builds the same engine from the
same seed, so the starting weights, the fixed preview noise and the EM start agree; then
`prepare()` makes the ranks share the work:

- GAN, DCGAN, CGAN, AE/VAE, text-to-image, CycleGAN: the networks are wrapped in
  DistributedDataParallel (gradients averaged across ranks in backward). Each rank keeps
  the whole on-device data set and draws its batches from its own generator (seeded
  index draws; rank 0 keeps the single-process stream), so the effective batch is
  world_size x train.batch_size. Learning rates are not scaled.
- GMM: each rank keeps a contiguous slice of the points; the E-step's sufficient
  statistics and the log-likelihood are summed across ranks, so the fit equals the
  single-process one.
- Metrics are averaged across ranks before the runner's one host transfer per batch.
- Rank 0 alone writes the run directory (the CLI gives the other ranks a `NullRunDir`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

LR_SCALING = "none"  # each rank applies the configured learning rates to averaged gradients

# family -> attributes of the engine holding networks that its step() calls forward
_NETWORKS = {"gan": ("G", "D"), "cyclegan": ("G", "F", "D_A", "D_B"),
             "text2img": ("enc", "G", "D")}


@dataclass
class Context:
    rank: int
    world_size: int
    local_rank: int
    device: torch.device
    backend: str

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def under_torchrun() -> bool:
    return "WORLD_SIZE" in os.environ and "RANK" in os.environ


def init(requested_device: str = "auto") -> Context | None:
    """Join the process group when started by torchrun (nccl on CUDA, else gloo); None
    when this is a plain single process."""
    if not under_torchrun():
        return None
    local = int(os.environ.get("LOCAL_RANK", 0))
    cuda = torch.cuda.is_available() and requested_device in ("auto", "cuda")
    if requested_device == "cuda" and not cuda:
        from .devices import pick_device
        pick_device("cuda")  # raises DeviceError naming why
    if cuda:
        torch.cuda.set_device(local)
    backend = "nccl" if cuda else "gloo"
    if not dist.is_initialized():
        dist.init_process_group(backend)
    device = torch.device(f"cuda:{local}") if cuda else torch.device("cpu")
    return Context(dist.get_rank(), dist.get_world_size(), local, device, backend)


def shutdown(wait: bool = True) -> None:
    """Leave the process group; `wait`: first wait for every rank to get here. A rank that
    left while rank 0 still wrote its last checkpoint sometimes aborted in gloo's teardown
    ("terminate called without an active exception", about 1 run in 2 at one point)."""
    if dist.is_initialized():
        if wait:
            dist.barrier()
        dist.destroy_process_group()


class _DDP(DistributedDataParallel):
    """DDP that saves and loads as the module it wraps, so a checkpoint has the same keys
    whether one process or many wrote it; other attributes are the module's too."""

    def state_dict(self, *args, **kwargs):
        return self.module.state_dict(*args, **kwargs)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        return self.module.load_state_dict(state_dict, strict, assign)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.module, name)


def _wrap(module: torch.nn.Module, ctx: Context) -> torch.nn.Module:
    if isinstance(module, DistributedDataParallel) or \
            not any(p.requires_grad for p in module.parameters()):
        return module
    # Buffers are synced once at start, not before each forward: batch-norm statistics
    # then stay per rank (rank 0's are saved), and spectral norm's power-iteration vectors
    # are never overwritten while autograd still needs them.
    return _DDP(module, device_ids=[ctx.local_rank] if ctx.device.type == "cuda" else None,
                forward_sync_buffers=False)


def wrap_networks(engine, ctx: Context) -> list[str]:
    """Wrap the engine's trained networks in DDP in place; returns what was wrapped."""
    model = engine.cfg.model
    wrapped = []
    if model in ("ae", "vae", "ae-vs-vae"):
        for name, m in engine.models.items():
            m.enc, m.dec = _wrap(m.enc, ctx), _wrap(m.dec, ctx)
            wrapped += [f"{name}.enc", f"{name}.dec"]
    for attr in _NETWORKS.get(model, ()):
        setattr(engine, attr, _wrap(getattr(engine, attr), ctx))
        wrapped.append(attr)
    return wrapped


def rank_seed(seed: int, rank: int, step: int) -> int:
    return int(np.random.SeedSequence([seed, rank, step]).generate_state(1)[0])


def reseed_rank(engine, ctx: Context) -> None:
    """Give each rank its own batch draws; rank 0 keeps the single-process stream (so a
    one-process torchrun run is the plain run). The step is mixed in so that a resumed run
    does not replay the draws of its start."""
    if ctx.rank == 0:
        return
    seed = rank_seed(engine.cfg.train.seed, ctx.rank, engine.step_count)
    torch.manual_seed(seed)  # dropout and other draws from the global generator
    gen = getattr(engine, "gen", None)
    if gen is not None:
        gen.manual_seed(seed)


class Comm:
    """The collectives a sharded GMM needs (studio.core.em.gmm.Points' `comm`)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def sum(self, t: torch.Tensor) -> torch.Tensor:
        t = t.contiguous()
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t

    def broadcast(self, t: torch.Tensor) -> torch.Tensor:
        t = t.contiguous()
        dist.broadcast(t, src=0)
        return t


def shard_points(engine, ctx: Context) -> None:
    """Keep this rank's contiguous slice of the GMM's points; sums go through all_reduce."""
    engine.shard(ctx.rank, ctx.world_size, Comm(ctx))


def make_metrics_reducer(ctx: Context):
    """The runner's hook: the stacked metrics of a batch -> their mean over the ranks."""
    def reduce(values: torch.Tensor) -> torch.Tensor:
        values = values.contiguous()
        dist.all_reduce(values, op=dist.ReduceOp.SUM)
        return values / ctx.world_size
    return reduce


def prepare(engine, ctx: Context) -> dict:
    """Make `engine` (already built, and loaded when resuming) one rank of a data-parallel
    run; returns what config.json records under "distributed"."""
    cfg = engine.cfg
    info = {"world_size": ctx.world_size, "backend": ctx.backend, "lr_scaling": LR_SCALING}
    if cfg.model == "gmm":
        shard_points(engine, ctx)
        info.update(data="per-rank contiguous slices of the points; E-step sums all-reduced",
                    points_total=engine.n_points)
        return info
    wrap_networks(engine, ctx)
    reseed_rank(engine, ctx)
    bs = cfg.train.batch_size
    info.update(data="whole data set on every rank; per-rank seeded batch index draws",
                per_rank_batch=bs, effective_batch=bs * ctx.world_size)
    return info


class NullRunDir:
    """What ranks other than 0 write: nothing."""

    def truncate_metrics(self, step: int) -> None:
        """Rank 0 does this."""

    def append_metrics(self, results) -> None:
        """Rank 0 does this."""

    def save_checkpoint(self, engine, history=None) -> None:
        """Rank 0 does this."""

    def save_preview(self, step: int, preview: dict) -> None:
        """Rank 0 does this."""
