"""The plain 2-D MLP GAN's hand-written gradients (core/engines/gan_mlp_fast) equal autograd's,
train the same run, and stay out of the configurations they do not cover."""
import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from studio.bench import Limit
from studio.config import RunConfig
from studio.core.engines import make_engine, speed
from studio.core.engines.gan_mlp_fast import FastMLPGAN, _softplus
from studio.core.runner import fetch_metrics, run

torch.set_num_threads(1)
CPU = torch.device("cpu")
# These compare the shortcut with autograd: with the shortcuts off there is nothing to compare.
pytestmark = pytest.mark.skipif(not speed.SHORTCUTS, reason="GENERATIVE_STUDIO_SHORTCUTS=0")


def gan_cfg(layers=2, d_steps=1, **gan) -> RunConfig:
    cfg = RunConfig()
    cfg.model, cfg.data.name, cfg.data.n_points = "gan", "ring8", 2000
    cfg.train.batch_size, cfg.train.device, cfg.train.steps = 64, "cpu", 100
    cfg.gan.hidden, cfg.gan.layers, cfg.gan.latent_dim = 16, layers, 3
    cfg.gan.d_steps = d_steps
    for k, v in gan.items():
        cfg.set(f"gan.{k}", v)
    return cfg  # not validated: wgan without a penalty is refused there, fine here


def pair(cfg, acts=None):
    """Two engines with the same weights and data: the first on the fast path, the second on
    autograd. `acts` ("relu", "leaky") replaces the activations of G and D."""
    fast, ref = make_engine(cfg, CPU), make_engine(cfg, CPU)
    for e in (fast, ref):
        if acts is not None:
            for net, act in zip((e.G.net, e.D.net), acts):
                for i, m in enumerate(net):
                    if isinstance(m, (nn.ReLU, nn.LeakyReLU)):
                        net[i] = nn.ReLU() if act == "relu" else nn.LeakyReLU(0.2)
            e.fast = FastMLPGAN(e.G, e.D)
    assert fast.fast is not None and fast.fast_now()
    ref.fast = None
    return fast, ref


def params(e):
    return list(itertools.chain(e.D.parameters(), e.G.parameters()))


def assert_same_grads(fast, ref):
    """One D and one G update of each from the same weights, optimisers held still: the same
    gradients. (Training apart first leaves the weights a rounding apart.)"""
    fast.G.load_state_dict(ref.G.state_dict())  # in place: the fast path reads the same tensors
    fast.D.load_state_dict(ref.D.state_dict())
    for e in (fast, ref):
        e.opt_d.step = e.opt_g.step = lambda: None
        e._g_update(*e._d_update())
    for p, q in zip(params(fast), params(ref)):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
        # float32 rounding: relative to the largest of the tensor's gradients (a sum of terms
        # of either sign rounds relative to its terms, not to itself)
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-5, atol=1e-5 * float(q.grad.abs().max()))
    for k in ref._last:
        torch.testing.assert_close(fast._last[k], ref._last[k], rtol=1e-5, atol=1e-6)


CASES = [dict(loss=loss) for loss in ("bce", "lsgan", "hinge", "wgan")] + [
    dict(loss="bce", label_smoothing=0.2), dict(loss="lsgan", label_smoothing=0.3),
    dict(loss="bce", instance_noise=0.5), dict(loss="hinge", instance_noise=0.5),
    dict(loss="lsgan", instance_noise=0.5, label_smoothing=0.1),
    dict(layers=1), dict(layers=3, loss="lsgan"), dict(d_steps=2),
    # PacGAN packing (the 2-D presets' D): the fakes' gradient unpacks back to G's samples.
    dict(pack=2), dict(pack=4, loss="hinge", instance_noise=0.5),
    dict(pack=2, layers=3, loss="lsgan", label_smoothing=0.1)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_fast_gradients_equal_autograds(case):
    fast, ref = pair(gan_cfg(**case))
    assert fast.G.scale.active and fast.D.scale.active  # the data's units, not the identity
    for e in (fast, ref):  # some training first: gradients of a GAN that has moved
        for _ in range(3):
            e.step()
    assert_same_grads(fast, ref)


@pytest.mark.parametrize("loss", ["bce", "lsgan", "hinge", "wgan"])
def test_fast_gradients_equal_autograds_where_d_is_sure(loss):
    """Logits far from 0: saturated sigmoids, hinge margins passed on both sides."""
    fast, ref = pair(gan_cfg(loss=loss, label_smoothing=0.1 if loss == "bce" else 0.0))
    with torch.no_grad():
        ref.D.net[-1].weight.mul_(40.0)
        ref.D.net[-1].bias.fill_(-2.0)
    assert_same_grads(fast, ref)
    logits = ref.D(ref.fixed_real)
    assert (logits > 1).any() and (logits < -1).any()


def test_g_update_sees_fakes_as_they_reach_d_not_as_an_earlier_d_pass_saw_them():
    e = make_engine(gan_cfg(), CPU)
    real, z = e._real_batch(64)[0], e._noise(64)
    fake = e.fast.generate(z)
    e.fast.d_grads(real, fake + 1.0, "bce", 0.0)  # D judged other points
    e.fast.g_grads(fake, fake, "bce")
    grads = [p.grad.clone() for p in e.G.parameters()]
    fake = e.fast.generate(z)  # the same fakes, no D pass kept
    e.fast.g_grads(fake, fake, "bce")
    for a, p in zip(grads, e.G.parameters()):
        torch.testing.assert_close(a, p.grad, rtol=0, atol=0)


@pytest.mark.parametrize("acts", [("relu", "relu"), ("leaky", "leaky"), ("leaky", "relu")])
def test_fast_gradients_with_either_activation_in_either_net(acts):
    fast, ref = pair(gan_cfg(), acts)
    assert_same_grads(fast, ref)


def test_fast_gradients_follow_a_new_data_scale_and_its_absence():
    fast, ref = pair(gan_cfg())
    for e in (fast, ref):
        e.step()
        e._set_data_scale(torch.tensor([0.5, -1.0]), torch.tensor(3.0))
    assert_same_grads(fast, ref)
    for e in (fast, ref):  # the engine sets both alike; the gradients hold either way
        e.G.scale.set(torch.tensor([0.5, -1.0]), torch.tensor(2.0))
    assert_same_grads(fast, ref)
    fast, ref = pair(gan_cfg())
    for e in (fast, ref):  # a checkpoint from before the data scale: the identity
        e._set_data_scale(torch.zeros(2), torch.ones(()))
        assert not e.G.scale.active
    assert_same_grads(fast, ref)


def test_single_step_mode_takes_the_same_updates():
    fast, ref = pair(gan_cfg())
    for e in (fast, ref):
        e.step_d()
        e.step_g()  # fresh fakes
        e.step_g()
        e.step_d()
    for p, q in zip(params(fast), params(ref)):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)


def test_a_run_with_the_fast_path_trains_as_one_without_through_live_changes():
    fast, ref = pair(gan_cfg(instance_noise=0.2, instance_noise_steps=15))
    history = {id(fast): [], id(ref): []}
    for step in range(40):
        if step in (12, 25, 31):  # live changes as the window makes them
            new = fast.cfg.copy()
            new.set("gan.loss", {12: "lsgan", 25: "hinge", 31: "bce"}[step])
            new.set("gan.label_smoothing", {12: 0.1, 25: 0.0, 31: 0.2}[step])
            new.set("gan.r1_gamma", {12: 0.0, 25: 1.0, 31: 0.0}[step])  # R1: autograd's
            new.set("gan.d_steps", {12: 2, 25: 1, 31: 1}[step])
            for e in (fast, ref):
                e.set_hyperparameters(new)
            assert fast.fast_now() == (step != 25)
        for e in (fast, ref):
            history[id(e)].append({k: float(v) for k, v in e.step().metrics.items()})
    for p, q in zip(params(fast), params(ref)):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)
    for a, b in zip(history[id(fast)], history[id(ref)]):
        assert a.keys() == b.keys()
        for k in a:
            assert a[k] == pytest.approx(b[k], rel=1e-4, abs=1e-5), k
    torch.testing.assert_close(fast.opt_d.state_dict()["state"][0]["exp_avg_sq"],
                               ref.opt_d.state_dict()["state"][0]["exp_avg_sq"],
                               rtol=1e-4, atol=1e-10)


def test_the_limit_loop_takes_the_engines_fast_path():
    cfg = gan_cfg()
    fast, ref = Limit(cfg), Limit(cfg)
    ref.engine.fast = None
    calls = []
    g_grads = fast.engine.fast.g_grads
    fast.engine.fast.g_grads = lambda *a: calls.append(1) or g_grads(*a)
    for loop in (fast, ref):
        for _ in range(5):
            loop.step()
    assert len(calls) == 5  # the hand-written gradients, not autograd's, moved the weights
    for p, q in zip(params(fast.engine), params(ref.engine)):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)
    assert fast.engine.step_count == 5
    assert not any(float(v) for v in fast.engine.step().metrics.values())  # nothing measured


@pytest.mark.parametrize("change", [
    {"gan.pack": 2, "gan.minibatch_std": True}, {"gan.spectral_norm": True}, {"gan.minibatch_std": True},
    {"gan.gp_weight": 10.0}, {"gan.conditional": True}, {"gan.arch": "dcgan"},
    {"data.name": "digits"}, {"train.precision": "bf16"}, {"train.compile": True}])
def test_configurations_outside_the_fast_path_train_through_autograd(change):
    cfg = gan_cfg()
    for k, v in change.items():
        cfg.set(k, v)
    if "gan.conditional" in change or "gan.arch" in change or "data.name" in change:
        cfg.data.name, cfg.data.image_size, cfg.gan.width = "digits", 8, 8
    e = make_engine(cfg, CPU)
    assert e.fast is None and not e.fast_now()
    if not cfg.train.compile:
        e.step()


def test_live_r1_and_a_split_d_pass_go_through_autograd():
    e = make_engine(gan_cfg(), CPU)
    assert e.fast_now()
    new = e.cfg.copy()
    new.set("gan.r1_gamma", 1.0)
    e.set_hyperparameters(new)
    assert not e.fast_now()
    e.step()  # R1 needs the gradient of a gradient: autograd's
    new.set("gan.r1_gamma", 0.0)
    e.set_hyperparameters(new)
    assert e.fast_now()
    e.joint_d = False
    assert not e.fast_now()


def test_the_fast_path_refuses_what_the_losses_refuse():
    e = make_engine(gan_cfg(), CPU)
    fake = e.fast.generate(e._noise(8))
    real = e._real_batch(8)[0]
    with pytest.raises(ValueError, match="unknown GAN loss"):
        e.fast.d_grads(real, fake, "nope", 0.0)
    with pytest.raises(ValueError, match="label smoothing"):
        e.fast.d_grads(real, fake, "bce", 1.0)
    with pytest.raises(ValueError, match="last generate"):
        e.fast.g_grads(fake.clone(), fake, "bce")


# -- losses and scores computed for a batch of steps at once (take_deferred) ---------------------
CHANGES = {3: ("lsgan", 0.1, 0.0, 2), 5: ("hinge", 0.0, 1.0, 1), 8: ("bce", 0.2, 0.0, 1),
           11: ("wgan", 0.0, 0.0, 1)}  # step -> loss, smoothing, R1 (autograd's), d_steps


def change(engines, step):
    if step in CHANGES:
        loss, smooth, r1, d_steps = CHANGES[step]
        new = engines[0].cfg.copy()
        for k, v in (("loss", loss), ("label_smoothing", smooth), ("r1_gamma", r1),
                     ("d_steps", d_steps)):
            new.set(f"gan.{k}", v)
        for e in engines:
            e.set_hyperparameters(new)


def assert_same_metrics(got, want):
    for a, b in zip(got, want, strict=True):
        assert a.keys() == b.keys()
        for k in a:
            assert a[k] == pytest.approx(b[k], rel=1e-4, abs=1e-5), k


def test_deferred_losses_equal_each_steps_own_through_changes_within_a_batch():
    """The runner's way: steps leave loss_d, d_real, d_fake and loss_g as None; one call
    computes them for all, grouped by the loss settings in force at each step (a step on
    autograd, here under R1, has its own at once)."""
    deferred, ref = pair(gan_cfg())
    deferred.defer_metrics = True
    results, want = [], []
    for step in range(14):
        change((deferred, ref), step)
        fast_now = deferred.fast_now()
        assert fast_now == (step not in (5, 6, 7))  # R1 from step 5 to 7: autograd's
        r = deferred.step()
        assert (r.metrics["loss_d"] is None) == fast_now
        results.append(r)
        want.append({k: float(v) for k, v in ref.step().metrics.items()})
        if step == 6:  # a batch ends here
            fetch_metrics(results[:7], None, deferred.take_deferred())
    fetch_metrics(results[7:], None, deferred.take_deferred())
    assert deferred.take_deferred() == []
    assert_same_metrics([r.metrics for r in results], want)
    # Single steps after a run carry over the last step's values, as without deferring.
    deferred.defer_metrics = False
    carried = deferred.step_g().metrics
    assert float(carried["loss_d"]) == pytest.approx(want[-1]["loss_d"], rel=1e-4, abs=1e-5)


def test_a_run_through_the_runner_reports_what_stepping_alone_reports():
    fast, ref = pair(gan_cfg(pack=2, instance_noise=0.3, instance_noise_steps=6))
    got = []
    for batch in run(fast, 17, every=5, preview_every=1000):
        got += [r.metrics for r in batch]
    want = [{k: float(v) for k, v in ref.step().metrics.items()} for _ in range(17)]
    assert not fast.defer_metrics and fast.take_deferred() == []
    assert_same_metrics(got, want)


def test_a_run_left_mid_way_leaves_nothing_waiting():
    e = make_engine(gan_cfg(), CPU)
    batches = run(e, 100, every=10, preview_every=1000)
    next(batches)
    e.step()  # between batches, as the runner never does, but a caller might
    batches.close()
    assert not e.defer_metrics and e._pending == []
    assert all(torch.is_tensor(v) for v in e.step_d().metrics.values())


@pytest.mark.parametrize("scale", [1.0, 30.0, 200.0])
def test_the_softplus_of_the_deferred_losses_equals_torchs(scale):
    x = torch.randn(4, 999, generator=torch.Generator().manual_seed(0)) * scale
    x[0, :3] = torch.tensor([0.0, -104.0, 104.0])
    want = F.softplus(x.double())
    torch.testing.assert_close(_softplus(x).double(), want, rtol=2e-7, atol=2e-7)
