"""Every family that takes images builds and steps at 64, 128 and 256 px, its networks
growing one down/up-sampling block per doubling; the folder presets build."""
import numpy as np
import pytest
import torch
from PIL import Image

from studio.config import RunConfig
from studio.core.engines import make_engine
from studio.core.models.ae import ConvEncoder, n_down
from studio.core.models.dcgan import DCGANGenerator
from studio.presets import PRESETS


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A folder of 4 pictures with captions, and a folder with sub-folders A and B."""
    root = tmp_path_factory.mktemp("pictures")
    rng = np.random.default_rng(0)
    own, pair = root / "own", root / "pair"
    for d in (own, pair / "A", pair / "B"):
        d.mkdir(parents=True)
        for i in range(4):
            pixels = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(d / f"{i}.jpg")
    (own / "captions.csv").write_text("".join(f"{i}.jpg,a picture number {i}\n"
                                              for i in range(4)))
    return own, pair


def small(model: str, path, size: int) -> RunConfig:
    cfg = RunConfig()
    cfg.model, cfg.data.path, cfg.data.image_size = model, str(path), size
    cfg.train.batch_size, cfg.train.device = 2, "cpu"
    cfg.gan.arch, cfg.gan.width = "dcgan", 4
    cfg.vae.arch, cfg.vae.channels, cfg.vae.hidden = "conv", 4, 16
    cfg.cyclegan.width, cfg.cyclegan.blocks, cfg.cyclegan.d_width = 4, 1, 4
    cfg.text2img.width = 4
    return cfg


@pytest.mark.parametrize("size", [64, 128, 256])
@pytest.mark.parametrize("model", ["gan", "vae", "cyclegan", "text2img"])
def test_every_image_family_builds_and_steps_at_large_sizes(folders, model, size):
    own, pair = folders
    cfg = small(model, pair if model == "cyclegan" else own, size)
    if model == "cyclegan" and size >= 128:
        cfg.cyclegan.d_layers = 3  # the 70x70 PatchGAN
    e = make_engine(cfg.validate())
    held = e.data.a if model == "cyclegan" else (e.x if model == "text2img" else e.data.x)
    assert held.dtype == torch.uint8 and held.shape[-1] == size
    metrics = e.step().metrics
    assert all(np.isfinite(float(v)) for v in metrics.values())
    out = e.sample(2, **({"input": np.zeros((2, 3, size, size), np.float32)}
                         if model == "cyclegan" else {}))
    assert out["images"].shape[-2:] == (size, size)


def test_the_networks_grow_one_block_per_doubling():
    assert [n_down(s, s) for s in (16, 28, 32, 64, 128, 256)] == [2, 2, 2, 3, 4, 5]
    strided = lambda m: sum(isinstance(x, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))  # noqa: E731
                            and x.stride == (2, 2) for x in m.modules())
    assert [strided(ConvEncoder((3, s, s), 8, 16, 4, True)) for s in (32, 64, 128)] == [2, 3, 4]
    assert [strided(DCGANGenerator(8, 3, s, 4)) for s in (64, 128, 256)] == [4, 5, 6]
    # The widest layer stops at width x 16: 256 px adds a block, not a wider one.
    widths = lambda m: [x.out_channels for x in m.modules()  # noqa: E731
                        if isinstance(x, torch.nn.ConvTranspose2d)]
    assert widths(DCGANGenerator(8, 3, 128, 4)) == [64, 32, 16, 8, 4, 3]
    assert widths(DCGANGenerator(8, 3, 256, 4)) == [64, 64, 32, 16, 8, 4, 3]


@pytest.mark.parametrize("name", ["dcgan-folder-64", "vae-folder-64", "cyclegan-folders-128"])
def test_folder_presets_build_on_a_folder(folders, name):
    own, pair = folders
    cfg = PRESETS[name].config()
    cfg.data.path = str(pair if cfg.model == "cyclegan" else own)
    cfg.train.device = "cpu"
    e = make_engine(cfg.validate())
    assert e.preview()["kind"] in ("images", "cyclegan", "latent")
