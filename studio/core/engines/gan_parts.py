"""Pieces of the GAN engine: building G and D from the config, device-side metrics, and the
2-D field view (D's heatmap, G's gradient arrows, the warped noise grid)."""
from __future__ import annotations

import contextlib
import math

import numpy as np
import torch

from ...config import ConfigError
from ..models.cgan import CondMLPDiscriminator, CondMLPGenerator
from ..models.dcgan import DCGANDiscriminator, DCGANGenerator, plan
from ..models.mlp import MLPDiscriminator


def build_models(g, data, num_classes: int) -> tuple[torch.nn.Module, torch.nn.Module]:
    """(G, D) for the gan config section `g` and a Dataset; ConfigError names a bad field."""
    if g.model_file:  # the user's own networks (core/models/user.py)
        from ..models.user import build_gan

        return build_gan(g, data, num_classes)
    images = data.kind == "images"
    if g.arch == "dcgan":
        if not images:
            raise ConfigError("gan.arch", "dcgan needs image data; use mlp for 2-D points")
        channels, size = data.shape[0], data.shape[-1]
        try:
            plan(size)
        except ValueError as e:
            raise ConfigError("data.image_size", str(e)) from None
        G = DCGANGenerator(g.latent_dim, channels, size, g.width, num_classes, g.embed_dim,
                           g.depth)
        # A gradient penalty is per sample; batch norm would mix the samples.
        if g.aux_weight > 0 and num_classes and g.pack > 1:
            raise ConfigError("gan.aux_weight", "the auxiliary classifier judges one sample at "
                              "a time: set gan.pack to 1")
        D = DCGANDiscriminator(channels, size, g.width, num_classes,
                               "embed" if g.embed_dim else "onehot", g.spectral_norm,
                               False if g.gp_weight > 0 else None, g.minibatch_std, g.pack,
                               g.depth, bool(num_classes) and g.aux_weight > 0)
        return G, D
    if g.aux_weight > 0 and num_classes:
        raise ConfigError("gan.aux_weight", "the auxiliary classifier is a DCGAN's: set gan.arch "
                          "to dcgan")
    G = CondMLPGenerator(g.latent_dim, g.hidden, g.layers, data.shape, images, num_classes,
                         g.embed_dim)
    if num_classes or g.pack > 1 or g.spectral_norm or g.minibatch_std:
        D = CondMLPDiscriminator(data.shape, g.hidden, g.layers, num_classes, g.embed_dim,
                                 g.pack, g.spectral_norm, g.minibatch_std)
    else:
        # The plain D keeps the vanilla GAN's initialisation, so tuned presets stay as they were.
        D = MLPDiscriminator(data.shape, g.hidden, g.layers)
    return G, D


@contextlib.contextmanager
def eval_mode(*modules: torch.nn.Module):
    """Batch norm from running statistics and no spectral-norm power iteration, then back."""
    was = [m.training for m in modules]
    for m in modules:
        m.eval()
    try:
        yield
    finally:
        for m, w in zip(modules, was):
            m.train(w)


def grad_norm(params: list[torch.Tensor]) -> torch.Tensor:
    """Global L2 norm of the parameters' gradients, as a device tensor (no host sync). A list,
    not a module: module.parameters() walks the module tree (~10 us on a 2-D GAN step)."""
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return torch.zeros((), device=params[0].device)
    # Three ops (get_total_norm's grouping by device and dtype costs more on small models).
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))


def batch_diversity(fake: torch.Tensor, ref: float, max_n: int = 128) -> torch.Tensor:
    """Mean pairwise distance of generated images over the real data's (device tensor)."""
    x = fake[:max_n].detach().flatten(1).float()
    return torch.pdist(x).mean() / math.sqrt(x.shape[1]) / max(ref, 1e-12)


def d_score(loss: str, logits: torch.Tensor) -> torch.Tensor:
    """What D says about its input: P(real) for bce; the raw score the other losses train."""
    return torch.sigmoid(logits) if loss == "bce" else logits


def view_of(points: np.ndarray) -> tuple[float, float, float, float]:
    """A square (x0, x1, y0, y1) around the bulk of the data with a margin for stray fakes."""
    lo, hi = np.percentile(points, 0.5, axis=0), np.percentile(points, 99.5, axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 1e-3) * 1.35
    return (float(centre[0] - half), float(centre[0] + half),
            float(centre[1] - half), float(centre[1] + half))


def gan_field(e, grid_n: int = 64, n_arrows: int = 256, n_lines: int = 11,
              n_per_line: int = 41, z_range: float = 2.5) -> dict:
    """The 2-D field panel's layers, as numpy arrays (see GANEngine.field)."""
    dev, loss, pack = e.device, e.cfg.gan.loss, e.pack
    x0, x1, y0, y1 = e.view
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid_n), np.linspace(y0, y1, grid_n))
    pts = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)).to(dev)
    latent = e.cfg.gan.latent_dim
    t = torch.linspace(-z_range, z_range, n_per_line, device=dev)
    levels = torch.linspace(-z_range, z_range, n_lines, device=dev)
    n_arrows -= n_arrows % pack
    with eval_mode(e.G, e.D):
        with torch.inference_mode():
            # A packed D judges groups; a lone point is judged as a group of its copies.
            heat = d_score(loss, e.D(pts.repeat_interleave(pack, 0))).float()
            fake = e.G(e.fixed_z[:n_arrows])
            lines = []
            for axis in range(min(latent, 2)):
                z = torch.zeros(n_lines, n_per_line, latent, device=dev)
                z[:, :, axis] = t
                if latent > 1:
                    z[:, :, 1 - axis] = levels[:, None]
                lines.append(e.G(z.reshape(-1, latent)).reshape(n_lines, n_per_line, 2))
        # Arrows: the direction G's loss pushes each generated point (minus its gradient).
        x = fake.clone().requires_grad_(True)
        with torch.enable_grad():
            g_loss = e.loss.g(e.D(x)) * (len(x) // pack)
            (grad,) = torch.autograd.grad(g_loss, x)
    out = {"extent": (x0, x1, y0, y1),
           "heat": heat.reshape(grid_n, grid_n).cpu().numpy(),
           "heat_label": "D(x) = P(real)" if loss == "bce" else f"D score ({loss})",
           "fake": x.detach().float().cpu().numpy(), "arrows": (-grad).float().cpu().numpy(),
           "grid_lines": [ln.float().cpu().numpy() for ln in lines]}
    return out


class WeightAverage:
    """An exponential moving average of a network's weights (its buffers, e.g. batch-norm
    statistics, are copied): the net samples come from. The decay ramps up from 0 as
    (1 + n) / (10 + n), so the average does not carry the random start for the first
    thousands of steps."""

    def __init__(self, net: torch.nn.Module, decay: float):
        import copy

        self.decay, self.updates = decay, 0
        self.net = copy.deepcopy(net).requires_grad_(False)
        self._src, self._dst = list(net.parameters()), list(self.net.parameters())
        self._src_buf, self._dst_buf = list(net.buffers()), list(self.net.buffers())

    @torch.no_grad()
    def update(self) -> None:
        self.updates += 1
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        torch._foreach_lerp_(self._dst, self._src, 1.0 - d)
        for dst, src in zip(self._dst_buf, self._src_buf):
            dst.copy_(src)

    def state_dict(self) -> dict:
        return {"net": self.net.state_dict(), "updates": self.updates}

    def load_state_dict(self, state: dict) -> None:
        self.net.load_state_dict(state["net"])
        self.updates = int(state["updates"])
