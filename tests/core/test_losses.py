"""GAN losses, penalties, instance noise, packing, and the sample-diversity figure."""
import math

import pytest
import torch

from studio.core import losses as L
from studio.core.metrics.diversity import diversity_by_label, diversity_ratio, mean_pairwise_distance

torch.set_num_threads(1)


def t(*v):
    return torch.tensor(v, dtype=torch.float32)


def test_bce_values_at_known_points():
    assert L.bce_d(t(0.0), t(0.0)).item() == pytest.approx(2 * math.log(2))
    assert L.bce_d(t(30.0), t(-30.0)).item() == pytest.approx(0.0, abs=1e-6)
    assert L.bce_g(t(0.0, 2.0)).item() == pytest.approx(
        -(math.log(0.5) + math.log(1 / (1 + math.exp(-2)))) / 2)


@pytest.mark.parametrize("name", ["bce", "lsgan"])
def test_label_smoothing_moves_the_optimum_of_the_real_logit(name):
    # With smoothing s, D's best output on real data is 1 - s (probability for bce).
    best = math.log(0.9 / 0.1) if name == "bce" else 0.9
    real = torch.tensor([best], requires_grad=True)
    L.d_loss(name, real, t(-5.0), smooth=0.1).backward()
    assert real.grad.abs().item() < 1e-5
    real.grad = None
    L.d_loss(name, real, t(-5.0), smooth=0.0).backward()
    assert real.grad.item() < -1e-3  # without smoothing D still wants a larger real logit


def test_lsgan_hinge_wgan_values():
    assert L.lsgan_d(t(1.0), t(0.0)).item() == 0.0
    assert L.lsgan_d(t(0.0), t(1.0)).item() == pytest.approx(1.0)
    assert L.lsgan_g(t(1.0)).item() == 0.0 and L.lsgan_g(t(0.0)).item() == pytest.approx(0.5)
    assert L.hinge_d(t(1.5, 1.0), t(-1.0, -3.0)).item() == 0.0
    assert L.hinge_d(t(0.0), t(0.0)).item() == pytest.approx(2.0)
    assert L.hinge_g(t(1.0, 3.0)).item() == pytest.approx(-2.0)
    assert L.wgan_d(t(3.0), t(1.0)).item() == pytest.approx(-2.0)
    assert L.wgan_g(t(1.0, 2.0)).item() == pytest.approx(-1.5)


def test_dispatch_and_bad_arguments():
    r, f = torch.randn(8), torch.randn(8)
    for name, pair in L.LOSSES.items():
        assert torch.equal(L.d_loss(name, r, f), pair.d(r, f))
        assert torch.equal(L.g_loss(name, f), pair.g(f))
    with pytest.raises(ValueError, match="unknown GAN loss 'nope'"):
        L.get_loss("nope")
    with pytest.raises(ValueError, match="label smoothing"):
        L.bce_d(r, f, smooth=1.0)


def test_r1_penalty_of_a_linear_discriminator():
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    real = torch.randn(16, 2, requires_grad=True)
    pen = L.r1_penalty(real @ w, real, gamma=2.0)
    assert pen.item() == pytest.approx(25.0)  # gamma/2 * ||w||^2
    pen.backward()  # the penalty must reach D's weights (create_graph)
    assert torch.allclose(w.grad, 2.0 * w.detach())


def test_gradient_penalty_is_zero_for_unit_gradients_and_grows_otherwise():
    real, fake = torch.randn(32, 3), torch.randn(32, 3)
    unit = torch.tensor([0.6, 0.8, 0.0])
    assert L.gradient_penalty(lambda x: x @ unit, real, fake).item() == pytest.approx(0.0, abs=1e-5)
    w = torch.tensor([0.0, 2.0, 0.0], requires_grad=True)
    gp = L.gradient_penalty(lambda x: x @ w, real, fake, weight=10.0)
    assert gp.item() == pytest.approx(10.0)
    gp.backward()
    assert w.grad[1].item() == pytest.approx(20.0)  # d/dw 10 (|w| - 1)^2 = 20 (|w| - 1)


def test_instance_noise_anneals_linearly_to_zero():
    assert L.instance_noise_std(0, 0.2, 100) == pytest.approx(0.2)
    assert L.instance_noise_std(50, 0.2, 100) == pytest.approx(0.1)
    assert L.instance_noise_std(100, 0.2, 100) == 0.0
    assert L.instance_noise_std(500, 0.2, 100) == 0.0
    assert L.instance_noise_std(0, 0.0, 100) == 0.0
    x = torch.zeros(200_000)
    assert L.add_instance_noise(x, 0.0) is x
    gen = torch.Generator().manual_seed(0)
    noisy = L.add_instance_noise(x, 0.3, gen)
    assert noisy.std().item() == pytest.approx(0.3, rel=0.02)


def test_pack_puts_consecutive_samples_side_by_side():
    x = torch.arange(6 * 2 * 3 * 3, dtype=torch.float32).view(6, 2, 3, 3)
    p = L.pack(x, 2)
    assert p.shape == (3, 4, 3, 3)
    assert torch.equal(p[1, :2], x[2]) and torch.equal(p[1, 2:], x[3])
    assert L.pack(torch.zeros(7, 2), 3).shape == (2, 6)  # the remainder is dropped
    assert L.pack(x, 1) is x
    with pytest.raises(ValueError, match="cannot be packed"):
        L.pack(x, 8)


def test_help_texts_are_single_lines():
    from studio.config import RunConfig

    cfg = RunConfig()
    for key in ("loss", "label_smoothing", "r1_gamma", "gp_weight", "instance_noise", "pack",
                "spectral_norm", "minibatch_std"):
        text = cfg.field_info(f"gan.{key}")[1].metadata["help"]
        assert 20 < len(text) < 220 and "\n" not in text, key


def test_diversity_of_collapsed_real_and_noisy_samples():
    gen = torch.Generator().manual_seed(0)
    real = torch.rand(256, 1, 8, 8, generator=gen)
    other = torch.rand(256, 1, 8, 8, generator=gen)
    collapsed = real[:1].expand(256, -1, -1, -1)
    assert diversity_ratio(real, real) == pytest.approx(1.0)
    assert diversity_ratio(other, real) == pytest.approx(1.0, abs=0.05)
    assert diversity_ratio(collapsed, real) == pytest.approx(0.0, abs=1e-3)
    assert diversity_ratio(other * 3, real) == pytest.approx(3.0, rel=0.05)
    # per feature: the same spread at another image size gives the same figure
    big = torch.rand(256, 1, 16, 16, generator=gen)
    assert mean_pairwise_distance(big) == pytest.approx(mean_pairwise_distance(real), rel=0.05)
    with pytest.raises(ValueError):
        mean_pairwise_distance(real[:1])


def test_diversity_by_label_finds_collapse_within_one_class():
    gen = torch.Generator().manual_seed(1)
    real = torch.rand(200, 1, 4, 4, generator=gen)
    labels = torch.arange(200) % 2
    fake = torch.rand(200, 1, 4, 4, generator=gen, requires_grad=True)
    fake_collapsed = torch.where(labels[:, None, None, None] == 0, fake[:1], fake)
    out = diversity_by_label(fake_collapsed, labels, real, labels)
    assert set(out) == {0, 1}
    assert out[0] == pytest.approx(0.0, abs=1e-3)
    assert out[1] == pytest.approx(1.0, abs=0.1)
