"""DCGAN and conditional MLP generators and discriminators: shapes, options, gradients."""
import pytest
import torch
from torch import nn

from studio.core.losses import gradient_penalty, r1_penalty
from studio.core.models.cgan import CondMLPDiscriminator, CondMLPGenerator
from studio.core.models.dcgan import (SIZES, DCGANDiscriminator, DCGANGenerator, MinibatchStd,
                                      plan)

torch.set_num_threads(1)
W = 8  # narrow layers keep the tests fast


@pytest.mark.parametrize("size", [28, 32, 64])
@pytest.mark.parametrize("channels", [1, 3])
def test_shapes_for_each_size_and_channel_count(size, channels):
    torch.manual_seed(0)
    G = DCGANGenerator(latent_dim=10, channels=channels, size=size, width=W)
    D = DCGANDiscriminator(channels, size, width=W)
    x = G(torch.randn(4, 10))
    assert x.shape == (4, channels, size, size)
    assert x.min() >= -1 and x.max() <= 1
    assert D(x).shape == (4,)


def test_supported_sizes_and_a_clear_error_for_others():
    assert plan(28) == (7, 2) and plan(32) == (4, 3) and plan(64) == (4, 4)
    for s in SIZES:
        assert DCGANGenerator(4, 1, s, width=4)(torch.randn(2, 4)).shape[-1] == s
    with pytest.raises(ValueError, match="image size in .*got 30"):
        plan(30)


def test_dcgan_initialisation():
    G = DCGANGenerator(100, 3, 64, width=64)
    convs = [m for m in G.modules() if isinstance(m, nn.ConvTranspose2d)]
    w = convs[0].weight
    assert abs(w.std().item() - 0.02) < 0.002 and abs(w.mean().item()) < 0.002
    bn = next(m for m in G.modules() if isinstance(m, nn.BatchNorm2d))
    assert abs(bn.weight.mean().item() - 1.0) < 0.01 and bn.bias.abs().max() == 0


@pytest.mark.parametrize("embed_dim", [0, 6])
def test_conditional_generator_follows_the_label(embed_dim):
    torch.manual_seed(0)
    G = DCGANGenerator(8, 1, 28, width=W, num_classes=10, embed_dim=embed_dim).eval()
    z = torch.randn(1, 8).expand(3, -1)
    x = G(z, torch.tensor([0, 0, 7]))
    assert torch.allclose(x[0], x[1]) and not torch.allclose(x[0], x[2])
    with pytest.raises(ValueError, match="needs labels"):
        G(z)


@pytest.mark.parametrize("label_mode", ["onehot", "embed"])
def test_conditional_discriminator_sees_the_label(label_mode):
    torch.manual_seed(0)
    D = DCGANDiscriminator(3, 32, width=W, num_classes=5, label_mode=label_mode).eval()
    x = torch.randn(1, 3, 32, 32).expand(2, -1, -1, -1)
    out = D(x, torch.tensor([1, 4]))
    assert out.shape == (2,) and out[0] != out[1]
    with pytest.raises(ValueError, match="needs labels"):
        D(x)
    with pytest.raises(ValueError, match="label_mode"):
        DCGANDiscriminator(3, 32, num_classes=5, label_mode="bogus")


def test_spectral_norm_bounds_each_layer_and_replaces_batch_norm():
    torch.manual_seed(0)
    D = DCGANDiscriminator(1, 28, width=W, spectral_norm=True)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in D.modules())
    convs = [m for m in D.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 3 and all(hasattr(m, "parametrizations") for m in convs)
    for _ in range(30):  # power iteration converges over forward passes in train mode
        D(torch.randn(4, 1, 28, 28))
    for m in convs:
        sigma = torch.linalg.matrix_norm(m.weight.detach().flatten(1), ord=2)
        assert sigma.item() == pytest.approx(1.0, abs=0.05)
    assert any(isinstance(m, nn.BatchNorm2d)
               for m in DCGANDiscriminator(1, 28, width=W).modules())


def test_spectral_norm_state_round_trip():
    torch.manual_seed(0)
    D = DCGANDiscriminator(3, 32, width=W, spectral_norm=True, minibatch_std=True)
    x = torch.randn(4, 3, 32, 32)
    D(x)
    D2 = DCGANDiscriminator(3, 32, width=W, spectral_norm=True, minibatch_std=True)
    D2.load_state_dict(D.state_dict())
    assert torch.allclose(D.eval()(x), D2.eval()(x))


def test_minibatch_std_exposes_a_collapsed_batch():
    same = torch.randn(1, 4, 3, 3).expand(6, -1, -1, -1)
    varied = torch.randn(6, 4, 3, 3)
    a, b = MinibatchStd()(same), MinibatchStd()(varied)
    assert a.shape == (6, 5, 3, 3)
    assert a[:, 4].max() < 1e-3 and b[:, 4].min() > 0.5
    D = DCGANDiscriminator(1, 28, width=W, minibatch_std=True)
    assert D(torch.randn(4, 1, 28, 28)).shape == (4,)


def test_packing_discriminator_judges_groups():
    D = DCGANDiscriminator(1, 28, width=W, num_classes=3, pack=3)
    assert D(torch.randn(9, 1, 28, 28), torch.arange(9) % 3).shape == (3,)
    assert D(torch.randn(10, 1, 28, 28), torch.arange(10) % 3).shape == (3,)
    with pytest.raises(ValueError, match="pack"):
        DCGANDiscriminator(1, 28, pack=0)


def test_gradients_reach_every_generator_parameter_through_a_conditional_d():
    torch.manual_seed(0)
    G = DCGANGenerator(8, 3, 32, width=W, num_classes=4, embed_dim=4)
    D = DCGANDiscriminator(3, 32, width=W, num_classes=4, label_mode="embed")
    y = torch.arange(8) % 4
    D(G(torch.randn(8, 8), y), y).mean().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in G.parameters())


def test_penalties_run_through_a_conv_discriminator():
    torch.manual_seed(0)
    D = DCGANDiscriminator(1, 28, width=W, batch_norm=False)
    real = torch.randn(4, 1, 28, 28, requires_grad=True)
    r1 = r1_penalty(D(real), real, gamma=1.0)
    gp = gradient_penalty(D, real, torch.randn(4, 1, 28, 28))
    (r1 + gp).backward()
    assert r1.item() > 0 and gp.item() > 0
    assert all(p.grad is not None for p in D.parameters())


def test_mlp_cgan_shapes_and_conditioning():
    torch.manual_seed(0)
    G = CondMLPGenerator(8, 32, 2, (1, 28, 28), tanh=True, num_classes=10).eval()
    D = CondMLPDiscriminator((1, 28, 28), 32, 2, num_classes=10, embed_dim=5)
    z = torch.randn(1, 8).expand(4, -1)
    y = torch.tensor([3, 3, 4, 5])
    x = G(z, y)
    assert x.shape == (4, 1, 28, 28) and x.abs().max() <= 1
    assert torch.allclose(x[0], x[1]) and not torch.allclose(x[0], x[2])
    assert D(x, y).shape == (4,)
    out = D.eval()(x[:1].expand(2, -1, -1, -1), torch.tensor([0, 9]))
    assert out[0] != out[1]
    with pytest.raises(ValueError, match="needs labels"):
        D(x)


def test_mlp_discriminator_options_on_points():
    torch.manual_seed(0)
    G = CondMLPGenerator(4, 16, 2, (2,), tanh=False)
    pts = G(torch.randn(10, 4))
    assert pts.shape == (10, 2)
    D = CondMLPDiscriminator((2,), 16, 2, pack=2, spectral_norm=True, minibatch_std=True)
    assert D(pts).shape == (5,)
    assert sum(hasattr(m, "parametrizations") for m in D.modules()) == 3


@pytest.mark.parametrize("mbstd", [False, True])
def test_mlp_minibatch_std_makes_a_logit_depend_on_the_rest_of_the_batch(mbstd):
    torch.manual_seed(0)
    D = CondMLPDiscriminator((2,), 16, 2, minibatch_std=mbstd).eval()
    a = torch.randn(1, 2)
    collapsed, varied = a.expand(6, -1), torch.cat([a, torch.randn(5, 2)])
    assert torch.isclose(D(collapsed)[0], D(varied)[0]).item() is (not mbstd)


@pytest.mark.parametrize("sn", [False, True])
def test_auxiliary_classifier_names_the_class_from_d_features(sn):
    torch.manual_seed(0)
    D = DCGANDiscriminator(1, 28, width=W, num_classes=10, spectral_norm=sn,
                           classify=True).eval()  # (no power iteration between the calls)
    x, y = torch.randn(4, 1, 28, 28), torch.tensor([0, 1, 2, 3])
    logits, classes = D(x, y, with_class=True)
    assert logits.shape == (4,) and classes.shape == (4, 10)
    assert torch.allclose(logits, D(x, y))  # the same score with or without the classes
    with pytest.raises(ValueError, match="one sample at a time"):
        DCGANDiscriminator(1, 28, num_classes=10, classify=True, pack=2)


def test_layers_per_scale_add_same_size_convs_to_g_and_d():
    torch.manual_seed(0)
    G0, G1 = DCGANGenerator(8, 1, 28, width=W), DCGANGenerator(8, 1, 28, width=W, depth=1)
    convs = lambda m: [c for c in m.modules() if type(c) is nn.Conv2d]  # noqa: E731
    assert not convs(G0) and len(convs(G1)) == 2  # one at 7x7 and one at 14x14
    assert G1(torch.randn(2, 8)).shape == (2, 1, 28, 28)
    D = DCGANDiscriminator(1, 28, width=W, depth=2, spectral_norm=True)
    assert D(torch.randn(2, 1, 28, 28)).shape == (2,)
    # every conv of D, the added ones too, is spectrally normalised
    assert all(hasattr(c, "parametrizations") for c in convs(D))
