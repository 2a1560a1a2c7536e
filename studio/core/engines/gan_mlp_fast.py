"""Hand-written gradients for the plain MLP GAN on 2-D points.

On a 2-D GAN's small layers a training step is mostly per-op overhead, not arithmetic:
building autograd's graph, its engine (~30 us a backward call, ~13 us a LeakyReLU node) and
Python dispatch. Here the forward pass keeps each layer's output and the backward pass is
written out (dW = delta^T h, db = sum of delta, delta_prev = (delta W) * act'(h)): the same
gradients, to float32 rounding, in fewer and cheaper ops (`main.py bench`'s gan2d row, MLP
2x32, batch 256, one CPU thread: 0.97 ms of CPU a step through autograd, 0.49 ms here; the
gan-ring8 preset, 3x128 with PacGAN pairs, batch 128: 1.82 against 1.25 ms). The
gradients go into p.grad of the models' own parameters, so the engine's optimisers,
checkpoints, learning-rate changes and metrics stay as they are.

Where it applies (see `unsupported`): G and D are plain MLPs (Linear layers with ReLU or
LeakyReLU between them) around DataScale, D judges real and fake in one pass (packing
samples in groups or not), fp32, no compile; no labels, spectral norm, minibatch std, R1 or
gradient penalty. Each loss
(bce, lsgan, hinge, wgan) is the one in core/losses.py, differentiated by hand.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..losses import get_loss
from ..models.cgan import CondMLPDiscriminator, CondMLPGenerator
from ..models.mlp import MLP, DataScale, MLPDiscriminator
from . import speed
from .gan_parts import d_score

# The ops autograd itself runs for these activations' backward (one op each; a mask multiply
# needs a second op in the forward pass to build the mask), here writing over their input.
_leaky_relu_backward = torch.ops.aten.leaky_relu_backward.grad_input
_threshold_backward = torch.ops.aten.threshold_backward.grad_input


def _layers(mods: list[nn.Module]) -> list[tuple[torch.Tensor, torch.Tensor, object]] | None:
    """(weight, bias, activation) per Linear of an MLP's modules, or None if they hold
    anything else. The activation follows the layer: None (the last), "relu", or LeakyReLU's
    slope."""
    out: list = []
    for m in mods:
        if type(m) is nn.Linear and m.bias is not None:
            out.append([m.weight, m.bias, None])
        elif type(m) is nn.ReLU and out and out[-1][2] is None:
            out[-1][2] = "relu"
        # The backward pass reads the slope's side off the layer's output: a slope >= 0.
        elif type(m) is nn.LeakyReLU and m.negative_slope >= 0 and out and out[-1][2] is None:
            out[-1][2] = float(m.negative_slope)
        else:
            return None  # spectral norm (a parametrized Linear), dropout, batch norm, ...
    if (not out or out[-1][2] is not None or any(a is None for _, _, a in out[:-1])
            or any(p.dtype != torch.float32 for w, b, _ in out for p in (w, b))):
        return None
    return [tuple(x) for x in out]


def _g_modules(G: nn.Module) -> list[nn.Module] | None:
    if type(G) is not CondMLPGenerator or G.label is not None or G.tanh or type(G.net) is not MLP:
        return None
    return list(G.net)


def _d_modules(D: nn.Module) -> list[nn.Module] | None:
    """D's layers in order: the plain D's, or a packing D's (PacGAN) without labels, spectral
    norm or minibatch std (its hidden layers, then its head)."""
    if type(D) is MLPDiscriminator and type(D.net) is MLP:
        return list(D.net)
    if (type(D) is CondMLPDiscriminator and D.label is None and not D.minibatch_std
            and type(D.body) is MLP):
        return [*D.body, D.head]
    return None


def unsupported(engine) -> str:
    """Why this GAN engine must train through autograd ("" if the fast path fits it). Fixed
    for a run; the live settings it depends on (r1_gamma, joint_d) the engine checks each
    update (GANEngine.fast_now)."""
    cfg, g = engine.cfg, engine.cfg.gan
    reasons = [(not speed.SHORTCUTS, "speed shortcuts are off"), (g.arch != "mlp", "not an MLP"), (engine.kind != "points", "not 2-D points"),
               (engine.num_classes > 0, "conditional"),
               (g.spectral_norm, "spectral norm"), (g.minibatch_std, "minibatch std"),
               (g.gp_weight > 0, "gradient penalty"),
               (engine.precision != "fp32", "mixed precision"), (cfg.train.compile, "compiled"),
               (engine.device.type not in ("cpu", "cuda"), f"device {engine.device.type}"),
               (_g_modules(engine.G) is None, "G is not a plain MLP"),
               (_d_modules(engine.D) is None, "D is not a plain MLP")]
    for bad, why in reasons:
        if bad:
            return why
    if _layers(_g_modules(engine.G)) is None or _layers(_d_modules(engine.D)) is None:
        return "a layer other than Linear, ReLU, LeakyReLU"
    return ""


class _Net:
    """An MLP's layers, read through detached views of its parameters (the same storage the
    optimiser updates in place), W^T made once here rather than a .t() per product."""

    def __init__(self, mods: list[nn.Module], scale: DataScale):
        self.layers = [(w.detach().t(), w.detach(), b.detach(), w, b, act,
                        w.shape[1] < w.shape[0]) for w, b, act in _layers(mods)]
        self.scale = scale
        self._zero_t = torch.zeros((), device=self.layers[0][1].device)  # addmm's ignored input

    def forward(self, x: torch.Tensor, negate: bool = False) -> list[torch.Tensor]:
        """[input, output of each layer (after its activation)]; `negate`: the last output
        comes out negated (exactly: signs only), for losses that want -logits."""
        hs = [x]
        last = len(self.layers) - 1
        for i, (wt, _, b, _, _, act, _) in enumerate(self.layers):
            x = (torch.addmm(b, x, wt, beta=-1, alpha=-1) if negate and i == last
                 else torch.addmm(b, x, wt))
            if act == "relu":  # in place: the pre-activations are not needed
                x.relu_()
            elif act is not None:
                F.leaky_relu_(x, act)
            hs.append(x)
        return hs

    def backward(self, delta: torch.Tensor, hs: list[torch.Tensor], weights: bool = True,
                 input_scale: float | None = None) -> torch.Tensor | None:
        """delta = dL/d(last layer's output), hs from forward(); with `weights`, each layer's
        gradients go into p.grad. With `input_scale`, returns dL/d(input) times that (only
        then may delta be dL/d(output) up to a factor, taken into input_scale)."""
        layers = self.layers
        for i in range(len(layers) - 1, -1, -1):
            _, w, _, w_param, b_param, _, narrow = layers[i]
            if weights:
                # MKL is slow at a product 2 columns wide over a long inner dimension; the
                # transposed product and a copy are faster (studio/bench/NOTES.md).
                # (Copied: torch's fused CPU Adam misreads a transposed, strided gradient.)
                w_param.grad = (torch.mm(hs[i].t(), delta).t().contiguous() if narrow else
                                torch.mm(delta.t(), hs[i]))
                b_param.grad = delta.sum(0)
            if i == 0:
                if input_scale is None:
                    return None
                # The scale rides on the product (alpha): one op instead of three.
                return torch.addmm(self._zero(delta), delta, w, beta=0, alpha=input_scale)
            # One output (D's last layer): an outer product, cheaper as a broadcast multiply.
            delta = delta * w if w.shape[0] == 1 else torch.mm(delta, w)
            act = layers[i - 1][5]
            if act == "relu":
                _threshold_backward(delta, hs[i], 0, grad_input=delta)
            else:
                _leaky_relu_backward(delta, hs[i], act, True, grad_input=delta)
        return delta

    def _zero(self, like: torch.Tensor) -> torch.Tensor:
        if self._zero_t.device != like.device:
            self._zero_t = torch.zeros((), device=like.device)
        return self._zero_t


def _softplus(x: torch.Tensor) -> torch.Tensor:
    """softplus(x) = relu(x) - log(sigmoid(|x|)), to float32 rounding as F.softplus: torch's
    CPU softplus is scalar code (99 us for 20x512 floats on this machine, this 23 us)."""
    return torch.relu(x).sub_(torch.sigmoid(x.abs()).log_())


LOSSES = ("bce", "lsgan", "hinge", "wgan")  # those written out here; others go to autograd


def _check(loss: str, smooth: float | None = None) -> None:
    """The errors core/losses.py raises for these arguments."""
    if loss not in LOSSES:
        get_loss(loss)  # raises: unknown loss
    if smooth is not None and loss in ("bce", "lsgan") and not 0.0 <= smooth < 1.0:
        raise ValueError(f"label smoothing must be in [0, 1), got {smooth}")


class _DConsts:
    """Constants of D's loss over 2n logits, real then fake: columns (2n, 1), rows (1, 2n)."""

    def __init__(self, n: int, smooth: float, device: torch.device):
        def col(real: float, fake: float) -> torch.Tensor:
            return torch.cat([torch.full((n, 1), real, device=device),
                              torch.full((n, 1), fake, device=device)])
        self.key = (n, smooth, device)
        self.sign, self.sign_n = col(-1.0, 1.0), col(-1.0 / n, 1.0 / n)
        self.smooth_n = col(smooth / n, 0.0)
        self.target = col(1.0 - smooth, 0.0)  # lsgan's
        self.ones = torch.ones(2 * n, 1, device=device)
        self.ones_n = col(1.0 / n, 1.0 / n)  # a product with it: each row's sum / n
        self.sign_row, self.target_row, self.ones_row = (
            t.view(1, -1) for t in (self.sign, self.target, self.ones))


class FastMLPGAN:
    """Gradients of a plain MLP GAN's D and G losses, written out (see the module's doc).

    The losses' values and D's scores are not needed for the gradients: d_metrics and
    g_metrics compute them from the logits the updates return, for many steps in one set
    of ops (the runner's batch), where per step they cost ~8% of a small model's step. Sums
    over logits are products with constant columns: on vectors this short one small matrix
    product costs less than a sum() (~1 against ~5 us)."""

    def __init__(self, G: CondMLPGenerator, D: MLPDiscriminator | CondMLPDiscriminator):
        self.g, self.d = _Net(_g_modules(G), G.scale), _Net(_d_modules(D), D.scale)
        # PacGAN: D judges `pack` consecutive samples as one input, (B, 2) -> (B/pack, 2 pack):
        # a view, as losses.pack makes it (the engine keeps packs within the real and the
        # fake half, and batches a multiple of pack: GANEngine.joint_d).
        self.pack = getattr(D, "pack", 1)
        self._g_hs: list[torch.Tensor] | None = None
        self._fake: torch.Tensor | None = None
        self._d_fake_in: torch.Tensor | None = None  # D's scaled input of those fakes
        self._dc: _DConsts | None = None
        self._gc: tuple | None = None  # (key, -1/n column)
        self._scale_key: tuple | None = None
        self._factors: tuple = ()
        self._scale = 1.0

    # -- constants -------------------------------------------------------------------------------
    def _d_consts(self, n: int, smooth: float, device: torch.device) -> _DConsts:
        c = self._dc
        if c is None or c.key != (n, smooth, device):  # the last one only: smoothing is live
            c = self._dc = _DConsts(n, smooth, device)
        return c

    def _g_minus_n(self, n: int, device: torch.device) -> torch.Tensor:
        """A column of -1/n: the gradient of -mean(x) over n logits."""
        c = self._gc
        if c is None or c[0] != (n, device):
            c = self._gc = ((n, device), torch.full((n, 1), -1.0 / n, device=device))
        return c[1]

    def _input_scale(self) -> float:
        """d(D's input)/d(G's output) through both DataScales: D's factor times G's, as a
        number, read again only when a DataScale has been set (one host read then)."""
        d, g = self.d.scale, self.g.scale
        # (The factors are kept referenced, so that their ids stay theirs.)
        key = (d.active, g.active, id(d.factor), id(g.factor), d.factor._version,
               g.factor._version)
        if key != self._scale_key:
            self._scale = ((float(d.factor) if d.active else 1.0)
                           * (float(g.factor) if g.active else 1.0))
            self._scale_key, self._factors = key, (d.factor, g.factor)
        return self._scale

    # -- G ---------------------------------------------------------------------------------------
    def generate(self, z: torch.Tensor) -> torch.Tensor:
        """G(z), in data units; G's layer outputs are kept for g_grads."""
        with torch.no_grad():
            hs = self.g.forward(z)
            s = self.g.scale
            fake = torch.addcmul(s.offset, hs[-1], s.factor) if s.active else hs[-1]
        self._g_hs, self._fake, self._d_fake_in = hs, fake, None
        return fake

    def made(self, fake: torch.Tensor) -> bool:
        """Whether `fake` came from the last generate() (its layer outputs are at hand)."""
        return fake is self._fake

    def _packed(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.pack == 1 else x.view(len(x) // self.pack, -1)

    def _d_in(self, x: torch.Tensor) -> torch.Tensor:
        s = self.d.scale
        return torch.addcmul(s.offset, x, s.factor) if s.active else x

    # -- D's update ------------------------------------------------------------------------------
    def d_grads(self, real: torch.Tensor, fake: torch.Tensor, loss: str,
                smooth: float) -> torch.Tensor:
        """D's gradients of the D loss on real and fake (what D sees: instance noise
        included) into p.grad, over one pass of D through both. Returns D's (2n, 1) logits,
        real then fake, for d_metrics (now, or later for many steps at once)."""
        _check(loss, smooth)
        n = len(real) // self.pack  # logits per half
        with torch.no_grad():
            x_in = self._d_in(torch.cat([real, fake]))
            if fake is self._fake:  # no instance noise: G's update can reuse D's input
                self._d_fake_in = x_in[len(real):]
            hs = self.d.forward(self._packed(x_in))
            x = hs[-1]  # (2n, 1) logits, real then fake
            c = self._d_consts(n, smooth, x.device)
            if loss == "bce":
                # softplus(-x) on real (less smooth x: softplus(x) - (1 - smooth) x), softplus(x)
                # on fake: with v = sign x, the gradient is (sigmoid(v) - smooth) sign / n on
                # real, sigmoid(v) / n on fake.
                grad = torch.addcmul(c.smooth_n, torch.sigmoid(x * c.sign), c.sign_n)
            elif loss == "lsgan":  # (x - target)^2 / 2, gradient (x - target) / n
                grad = (x - c.target) * (1.0 / n)
            elif loss == "hinge":  # relu(1 + sign x), gradient sign / n where positive
                margin = torch.relu(torch.addcmul(c.ones, x, c.sign))
                grad = torch.ops.aten.threshold_backward.default(c.sign_n, margin, 0)
            else:  # wgan: mean(fake) - mean(real), gradient sign / n
                grad = c.sign_n
            self.d.backward(grad, hs)  # (it writes over its own deltas, never over grad or x)
        return x

    def d_metrics(self, logits: torch.Tensor, loss: str, smooth: float) -> torch.Tensor:
        """(S, 3): loss_d and D's mean score on real and on fake (d_score) of S updates, from
        their d_grads logits stacked (S, 2n): one set of ops for S steps."""
        n = logits.shape[1] // 2
        c = self._d_consts(n, smooth, logits.device)
        with torch.no_grad():
            if loss == "bce":
                value = torch.mm(_softplus(logits * c.sign_row), c.ones_n)
                if smooth:
                    value = torch.addmm(value, logits, c.smooth_n)
            elif loss == "lsgan":
                diff = logits - c.target_row
                value = torch.mm(diff * diff, c.ones_n) * 0.5
            elif loss == "hinge":
                value = torch.mm(torch.addcmul(c.ones_row, logits, c.sign_row).relu_(), c.ones_n)
            else:
                value = torch.mm(logits, c.sign_n)
            # Each half's mean (a product with a 2-column matrix is slow in MKL, see _Net).
            scores = d_score(loss, logits).view(len(logits), 2, n).mean(2)
            return torch.cat([value, scores], 1)

    # -- G's update ------------------------------------------------------------------------------
    def g_grads(self, fake: torch.Tensor, fake_in: torch.Tensor, loss: str) -> torch.Tensor:
        """G's gradients of the G loss into p.grad (D's are left alone): `fake` from the last
        generate(), `fake_in` what D sees of it (fake itself, or with instance noise). Returns
        D's (n, 1) output on it, for g_metrics (for bce the logits negated: see there)."""
        if not self.made(fake):
            raise ValueError("g_grads needs the fakes of the last generate()")
        _check(loss)
        n = len(fake) // self.pack
        with torch.no_grad():
            x_in = (self._d_fake_in if fake_in is fake and self._d_fake_in is not None
                    else self._d_in(fake_in))
            hs = self.d.forward(self._packed(x_in), negate=loss == "bce")
            x = hs[-1]
            # `grad` is dL/dx up to the factor `k`, which rides on the last product back
            # through D (the backward pass is linear in it): one op fewer.
            if loss == "bce":  # softplus(-x), gradient -sigmoid(-x) / n; here hs[-1] = -x
                grad, k = torch.sigmoid(x), -1.0 / n
            elif loss == "lsgan":  # (x - 1)^2 / 2, gradient (x - 1) / n
                grad, k = x - 1.0, 1.0 / n
            else:  # hinge and wgan: -mean(x), gradient -1/n
                grad, k = self._g_minus_n(n, x.device), 1.0
            # Back through D to its input (D's weight gradients are not wanted here), through
            # both DataScales, and through G.
            delta = self.d.backward(grad, hs, weights=False, input_scale=self._input_scale() * k)
            self.g.backward(delta.view(len(fake), -1), self._g_hs)
        return x

    @staticmethod
    def g_metrics(out: torch.Tensor, loss: str) -> torch.Tensor:
        """(S,): loss_g of S updates from their g_grads outputs stacked (S, n); for bce those
        are -logits (the loss is softplus(-x): its mean is softplus's of them)."""
        with torch.no_grad():
            if loss == "bce":
                return _softplus(out).mean(1)
            if loss == "lsgan":
                return (out - 1.0).pow(2).mean(1) * 0.5
            return -out.mean(1)  # hinge and wgan
