"""The shortcuts that make a training step cheap compute what the plain way computes:
the lean fused Adam, D's one pass over real and fake, G's update without D's gradients, the
MLP run without per-layer module calls, and the checkpoint snapshot a writer thread saves."""
import copy

import pytest
import torch
from torch import nn

from studio.config import RunConfig
from studio.core.engines import make_engine
from studio.core.engines.base import FusedAdam
from studio.core.models.mlp import DataScale, mlp
from studio.core.rundir import Snapshot, load_checkpoint, save_checkpoint

torch.set_num_threads(1)
CPU = torch.device("cpu")


def _net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 2))


def _train(model, opt, steps, seed=1, drop_grad_at=None):
    g = torch.Generator().manual_seed(seed)
    for i in range(steps):
        opt.zero_grad(set_to_none=True)
        model(torch.randn(8, 3, generator=g)).pow(2).mean().backward()
        if i == drop_grad_at:
            model[0].bias.grad = None  # a parameter without a gradient this step
        opt.step()


def test_fused_adam_matches_torch_adam_through_rate_changes_missing_grads_and_a_reload():
    ref, ours = _net(), _net()
    opt_ref = torch.optim.Adam(ref.parameters(), lr=1e-2, betas=(0.5, 0.99), fused=True)
    opt = FusedAdam(ours.parameters(), 1e-2, (0.5, 0.99), CPU)
    _train(ref, opt_ref, 5)
    _train(ours, opt, 5)
    for o in (opt_ref, opt):  # a live change of the rate and betas, as the window makes
        o.param_groups[0]["lr"], o.param_groups[0]["betas"] = 3e-3, (0.9, 0.999)
    _train(ref, opt_ref, 5, seed=2, drop_grad_at=2)
    _train(ours, opt, 5, seed=2, drop_grad_at=2)
    for a, b in zip(ref.parameters(), ours.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    # A checkpoint round trip carries on exactly, step counters included.
    again = copy.deepcopy(ours)
    opt2 = FusedAdam(again.parameters(), 1.0, (0.1, 0.1), CPU)
    opt2.load_state_dict(copy.deepcopy(opt.state_dict()))
    _train(ours, opt, 3, seed=3)
    _train(again, opt2, 3, seed=3)
    for a, b in zip(ours.parameters(), again.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    steps = [float(s["step"]) for s in opt2.state_dict()["state"].values()]
    assert steps == [13.0, 12.0, 13.0, 13.0]  # the bias without a gradient skipped a step


def gan_cfg(**gan) -> RunConfig:
    cfg = RunConfig()
    cfg.model, cfg.data.name, cfg.data.n_points = "gan", "ring8", 2000
    cfg.train.batch_size, cfg.train.device = 64, "cpu"
    cfg.gan.hidden, cfg.gan.layers, cfg.gan.latent_dim = 32, 2, 2
    for k, v in gan.items():
        cfg.set(f"gan.{k}", v)
    return cfg.validate()


@pytest.mark.parametrize("gan", [{}, {"pack": 2}, {"r1_gamma": 1.0}, {"conditional": True},
                                 {"loss": "hinge"}, {"label_smoothing": 0.2}])
def test_one_d_pass_over_real_and_fake_gives_d_the_gradients_of_two_passes(gan):
    cfg = gan_cfg(**gan)
    if gan.get("conditional"):
        cfg.data.name, cfg.data.image_size, cfg.gan.latent_dim = "digits", 8, 8
    joint, split = make_engine(cfg, CPU), make_engine(cfg, CPU)
    assert joint.joint_d
    split.joint_d = False
    grads, metrics = [], []
    for e in (joint, split):
        e.opt_d.step = lambda: None  # compare the gradients themselves, not Adam's steps
        e._d_update()
        grads.append([p.grad for p in e.D.parameters()])
        metrics.append([e._last[k] for k in ("loss_d", "d_real", "d_fake")])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)
    for a, b in zip(*metrics):
        torch.testing.assert_close(a, b)
        assert a.shape == ()


def test_d_judges_real_and_fake_apart_where_one_pass_would_mix_them():
    assert not make_engine(gan_cfg(minibatch_std=True), CPU).joint_d  # batch statistics
    cfg = gan_cfg(pack=3)  # 64 is not a multiple of 3: a pack would straddle real and fake
    assert not make_engine(cfg, CPU).joint_d
    cfg = gan_cfg(arch="dcgan", latent_dim=8)
    cfg.data.name, cfg.data.image_size = "digits", 16
    assert not make_engine(cfg, CPU).joint_d  # DCGAN's D has batch norm


def test_g_update_computes_no_gradient_for_d():
    e = make_engine(gan_cfg(), CPU)
    e.step_d()
    before = [p.grad.clone() for p in e.D.parameters()]
    e.step_g()
    assert all(p.grad is not None for p in e.G.parameters())
    for b, p in zip(before, e.D.parameters()):
        torch.testing.assert_close(p.grad, b, rtol=0, atol=0)


def test_mlp_and_data_scale_compute_what_sequential_layers_compute():
    torch.manual_seed(0)
    for act in (nn.ReLU, nn.LeakyReLU):
        net = mlp(2, 8, 2, 3, act=act)
        x = torch.randn(5, 2)
        torch.testing.assert_close(net(x), nn.Sequential(*net)(x))
    net = mlp(2, 8, 1, 1)
    net[0] = nn.utils.parametrizations.spectral_norm(net[0])
    net.eval()
    torch.testing.assert_close(net(x), nn.Sequential(*net)(x))
    mean, std = torch.tensor([1.0, -2.0]), torch.tensor(3.0)
    inverse, forward = DataScale(2, inverse=True), DataScale(2, inverse=False)
    for s in (inverse, forward):
        s.set(mean, std)
    torch.testing.assert_close(inverse(x), (x - mean) / std)
    torch.testing.assert_close(forward(x), x * std + mean)


def test_a_snapshot_keeps_the_state_of_its_step_while_training_goes_on(tmp_path):
    cfg = gan_cfg()
    e = make_engine(cfg, CPU)
    for _ in range(5):
        e.step()
    snap = Snapshot(e)
    weights = [t.clone() for t in e.G.state_dict().values()]
    for _ in range(5):
        e.step()
    assert snap.step_count == 5
    for a, b in zip(snap.state_dict()["G"].values(), weights):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    save_checkpoint(tmp_path / "c.pt", cfg, snap, {"loss_d": [1.0] * 5})
    back = load_checkpoint(tmp_path / "c.pt")
    assert back["step"] == 5 and back["history"]["loss_d"] == [1.0] * 5
    fresh = make_engine(cfg, CPU)
    fresh.load_state_dict(back["engine"])
    for a, b in zip(fresh.G.state_dict().values(), weights):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_bf16_is_asked_for_and_refused_where_the_device_lacks_it(monkeypatch):
    from studio.core.devices import DeviceError
    from studio.core.engines.speed import amp_dtype

    cuda = torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: True)
    assert amp_dtype("fp32", cuda) is None  # the default everywhere
    assert amp_dtype("bf16", cuda) is torch.bfloat16
    assert amp_dtype("bf16", CPU) is torch.bfloat16
    with pytest.raises(DeviceError, match="train.precision"):
        amp_dtype("bf16", torch.device("mps"))
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: False)
    with pytest.raises(DeviceError, match="compute capability"):  # e.g. a T4
        amp_dtype("bf16", cuda)


@pytest.mark.parametrize("model", ["gan", "vae"])
def test_bf16_mixed_precision_trains_with_float32_weights_and_metrics(model):
    cfg = RunConfig()
    cfg.model, cfg.data.name, cfg.data.image_size = model, "digits", 16
    cfg.train.batch_size, cfg.train.device, cfg.train.precision = 16, "cpu", "bf16"
    cfg.gan.arch, cfg.gan.width, cfg.gan.latent_dim = "dcgan", 8, 8
    e = make_engine(cfg.validate(), CPU)
    before = [p.detach().clone() for p in e.G.parameters()] if model == "gan" else None
    for _ in range(3):
        metrics = e.step().metrics
    for name, v in metrics.items():
        assert v.dtype == torch.float32 and torch.isfinite(v), name
    nets = [e.G, e.D] if model == "gan" else [e.model.enc, e.model.dec]
    assert all(p.dtype == torch.float32 for m in nets for p in m.parameters())
    if before is not None:
        assert any(not torch.equal(a, b) for a, b in zip(before, e.G.parameters()))
    assert e.preview()["grid"].dtype == "float32"


def test_compile_setting_compiles_the_networks_in_place_and_keeps_checkpoint_keys():
    plain = make_engine(gan_cfg(), CPU)
    cfg = gan_cfg()
    cfg.train.compile = True
    e = make_engine(cfg, CPU)  # compiles lazily, at the first call: none is made here
    assert all(m._compiled_call_impl is not None for m in (e.G, e.D))
    assert plain.G._compiled_call_impl is None
    assert e.state_dict()["G"].keys() == plain.state_dict()["G"].keys()


def test_a_failing_compiled_step_goes_on_uncompiled_and_says_why():
    cfg = gan_cfg()
    cfg.train.compile = True
    e = make_engine(cfg, CPU)
    eager_step = e.step.step

    def step_that_fails_compiled():  # what torch 2.11 did with the DCGAN on an H200
        if e.D._compiled_call_impl is not None:
            raise AssertionError("expected size 64==64, stride 49==1 at dim=1\nError in op")
        return eager_step()
    e.step.step = step_that_fails_compiled
    assert e.compile_problem() == ""
    assert e.step().step == 1 and e.step().step == 2
    assert e.compile_problem() == "AssertionError: expected size 64==64, stride 49==1 at dim=1"
    assert e.G._compiled_call_impl is None and e.D._compiled_call_impl is None
    assert make_engine(gan_cfg(), CPU).compile_problem() == ""
