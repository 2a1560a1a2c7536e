"""A folder decoded once into the uint8 cache: reused, rebuilt when the folder changes, held
as uint8 (never a float32 copy of the set), streamed when the device cannot hold it."""
import numpy as np
import pytest
import torch
from PIL import Image

from studio.config import DataConfig
from studio.core import free_memory
from studio.core.data import cache, decode, load_dataset
from studio.core.data.files import DataError
from studio.core.data.folder import folder_summary, load_image_folder


def make_folder(root, n=40, size=(24, 20)):
    rng = np.random.default_rng(0)
    for i in range(n):
        sub = root / ("a" if i % 2 else "b")
        sub.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
        Image.fromarray(pixels).save(sub / f"{i:03d}.png")
    return root


def test_a_folder_is_held_as_uint8_and_batches_are_float(tmp_path):
    root = make_folder(tmp_path / "f")
    ds = load_dataset(DataConfig(path=str(root), image_size=16))
    assert ds.x.dtype == torch.uint8 and ds.x.shape == (40, 3, 16, 16)
    assert ds.labels.dtype == torch.int64 and ds.num_classes == 2 and ds.classes == ["a", "b"]
    x = ds.batch(torch.arange(8))
    assert x.dtype == torch.float32 and x.shape == (8, 3, 16, 16)
    assert torch.equal((x * 255).round().to(torch.uint8), ds.x[:8])
    # No float copy of the whole set: every tensor the data set holds is integer.
    held = [v for v in vars(ds).values() if isinstance(v, torch.Tensor)]
    assert held and all(not t.is_floating_point() for t in held)


def test_the_cache_is_built_once_reused_and_rebuilt_when_the_folder_changes(tmp_path,
                                                                            monkeypatch):
    root = make_folder(tmp_path / "f")
    seen = []
    first = load_image_folder(root, 16, progress=lambda *a: seen.append(a))
    assert first.cache.built and seen[-1] == (40, 40, "decode")
    assert cache.cache_size(first.cache.path) >= 40 * 3 * 16 * 16
    real = decode.decode_to_file
    monkeypatch.setattr(decode, "decode_to_file", lambda *a, **k: pytest.fail("decoded again"))
    again = load_image_folder(root, 16)
    assert not again.cache.built and again.cache.path == first.cache.path
    assert np.array_equal(again.images, first.images)
    assert isinstance(again.images, np.memmap)  # mapped from the file, not read into memory
    # Another size is another cache; so is a changed file.
    monkeypatch.setattr(decode, "decode_to_file", real)
    assert load_image_folder(root, 8).cache.built
    Image.new("RGB", (24, 20), (255, 0, 0)).save(root / "a" / "001.png")
    changed = load_image_folder(root, 16)
    assert changed.cache.built and changed.cache.path != first.cache.path
    assert not first.cache.path.exists()  # the stale cache is removed
    assert tuple(changed.images[0, :, 8, 8]) == (255, 0, 0)  # 001.png is the first of "a"
    (root / "b" / "000.png").unlink()
    assert len(load_image_folder(root, 16).images) == 39


def test_a_cancelled_decode_leaves_no_cache(tmp_path):
    root = make_folder(tmp_path / "f")

    def cancel(done, total, kind):
        raise DataError("decoding cancelled")

    with pytest.raises(DataError, match="cancelled"):
        load_image_folder(root, 16, progress=cancel)
    assert not any(cache.cache_root().iterdir())
    assert load_image_folder(root, 16).cache.built  # decoded in full next time


def test_parallel_and_single_worker_decodes_agree(tmp_path):
    root = make_folder(tmp_path / "f", n=50)
    (root / "a" / "bad.png").write_bytes(b"not a picture")
    files = sorted(root.rglob("*.png"))
    one = cache.decode_files(root, files, 12, "RGB", workers=1, variant="one")
    two = cache.decode_files(root, files, 12, "RGB", workers=2, variant="two")
    assert one.skipped == two.skipped == ["a/bad.png"]
    assert one.n == two.n == 50 and np.array_equal(one.images, two.images)


def test_crop_centre_or_whole_picture(tmp_path):
    root = tmp_path / "wide"
    root.mkdir()
    im = Image.new("RGB", (30, 10), (0, 0, 255))
    im.paste((255, 0, 0), (10, 0, 20, 10))  # red middle square, blue sides
    im.save(root / "x.png")
    centre = load_image_folder(root, 10, crop="centre").images[0]
    whole = load_image_folder(root, 10, crop="none").images[0]
    assert tuple(centre[:, 5, 1]) == (255, 0, 0)  # the sides are cropped away
    assert whole[2, 5, 0] > 240 and whole[0, 5, 0] < 20  # squeezed: the left third is blue


def test_grey_pictures_give_one_channel(tmp_path):
    root = tmp_path / "grey"
    root.mkdir()
    for i in range(3):
        Image.new("L", (12, 12), 40 * i).save(root / f"{i}.png")
    ds = load_dataset(DataConfig(path=str(root), image_size=8))
    assert ds.x.shape == (3, 1, 8, 8) and ds.x.dtype == torch.uint8


def test_random_flip_mirrors_part_of_each_batch(tmp_path):
    root = tmp_path / "half"
    root.mkdir()
    im = Image.new("RGB", (16, 16), (0, 0, 0))
    im.paste((255, 255, 255), (0, 0, 8, 16))  # white left half
    for i in range(2):
        im.save(root / f"{i}.png")
    ds = load_dataset(DataConfig(path=str(root), image_size=16, flip=True))
    torch.manual_seed(0)
    x = ds.batch(torch.zeros(64, dtype=torch.long))
    left = x[:, 0, 8, 0] > 0.5
    assert 10 < int(left.sum()) < 54  # some mirrored, some not
    assert torch.equal(x[~left], x[~left][:1].expand_as(x[~left]))


def test_a_set_larger_than_the_device_is_streamed_from_the_cache(tmp_path, monkeypatch):
    root = make_folder(tmp_path / "f")
    monkeypatch.setattr(free_memory, "free_memory", lambda device=None: 1000)  # 1 kB free
    ds = load_dataset(DataConfig(path=str(root), image_size=16), batch_size=8)
    assert ds.stream is not None and ds.x.dtype == torch.uint8
    seen = set()
    for _ in range(20):
        idx = ds.batch_indices(8, torch.Generator())
        x = ds.batch(idx)
        assert x.shape == (8, 3, 16, 16) and x.dtype == torch.float32
        assert torch.equal((x * 255).round().to(torch.uint8), ds.x[idx])
        seen.update(idx.tolist())
    assert len(seen) > 30  # drawn over the whole set
    ds.stream.close()


def test_the_studio_cache_can_be_moved_and_an_unwritable_one_is_one_line(tmp_path,
                                                                         monkeypatch):
    root = make_folder(tmp_path / "f", n=4)
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(cache.ENV_VAR, str(blocker / "cache"))
    with pytest.raises(DataError, match="GENERATIVE_STUDIO_CACHE"):
        load_image_folder(root, 8)


def test_a_folder_summary_reads_headers_only_and_finds_the_cache(tmp_path):
    root = make_folder(tmp_path / "f", n=10)
    Image.new("RGB", (300, 200)).save(root / "a" / "big.png")
    s = folder_summary(root, 16)
    assert (s.n, s.classes, s.cache_bytes) == (11, 2, 0)
    assert s.smallest == (24, 20) and s.largest == (300, 200)
    assert s.set_bytes == 11 * 3 * 16 * 16
    load_dataset(DataConfig(path=str(root), image_size=16))  # as a run decodes it
    assert folder_summary(root, 16).cache_bytes >= 11 * 3 * 16 * 16  # decoded now
    assert folder_summary(root, 32).cache_bytes == 0  # another size: not yet
