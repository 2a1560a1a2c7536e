import numpy as np
import pytest
import torch

from studio.config import DataConfig
from studio.core.data import DataError, load_dataset
from studio.core.data.toy2d import make_points
from studio.core.metrics.modes import mode_stats


@pytest.mark.parametrize("name,k", [("ring8", 8), ("grid25", 25)])
def test_generated_sets_have_their_modes(name, k):
    pts, centres, sigma = make_points(name, 5000, seed=1)
    assert pts.shape == (5000, 2) and centres.shape == (k, 2)
    stats = mode_stats(pts, centres, sigma)
    assert stats["modes_covered"] == k and stats["high_quality"] > 0.98


def test_mode_stats_counts_a_collapsed_generator():
    _, centres, sigma = make_points("ring8", 10, seed=0)
    collapsed = np.repeat(centres[:1], 100, axis=0)
    s = mode_stats(collapsed, centres, sigma)
    assert s["modes_covered"] == 1 and s["high_quality"] == 1.0
    far = np.zeros((100, 2))
    assert mode_stats(far, centres, sigma)["high_quality"] == 0.0


@pytest.mark.parametrize("name", ["moons", "spiral"])
def test_other_toy_sets(name):
    ds = load_dataset(DataConfig(name=name, n_points=500))
    assert ds.kind == "points" and ds.x.shape == (500, 2) and ds.modes is None


def test_digits_are_upsampled_to_the_model_size():
    ds = load_dataset(DataConfig(name="digits", image_size=28))
    assert ds.kind == "images" and ds.x.shape == (1797, 1, 28, 28)
    assert ds.x.dtype == torch.uint8 and int(ds.x.max()) == 255  # held as uint8
    batch = ds.batch(torch.arange(5))  # a batch is float32 in [0, 1]
    assert batch.dtype == torch.float32 and 0 <= float(batch.min()) and float(batch.max()) <= 1
    assert ds.num_classes == 10 and ds.labels.shape == (1797,)


def test_user_npz_images_with_labels(tmp_path):
    imgs = np.random.default_rng(0).integers(0, 256, (20, 12, 12), dtype=np.uint8)
    np.savez(tmp_path / "d.npz", images=imgs, labels=np.arange(20) % 3)
    ds = load_dataset(DataConfig(path=str(tmp_path / "d.npz"), image_size=12))
    assert ds.x.shape == (20, 1, 12, 12) and ds.num_classes == 3 and ds.x.dtype == torch.uint8
    assert int(ds.x[0, 0, 0, 0]) == imgs[0, 0, 0]
    assert float(ds.batch(torch.tensor([0]))[0, 0, 0, 0]) == pytest.approx(imgs[0, 0, 0] / 255)


def test_user_points_csv_with_header(tmp_path):
    (tmp_path / "p.csv").write_text("x,y\n0,1\n2,3\n4.5,-1\n")
    ds = load_dataset(DataConfig(path=str(tmp_path / "p.csv")))
    assert ds.kind == "points" and ds.x.tolist() == [[0, 1], [2, 3], [4.5, -1]]


@pytest.mark.parametrize("write,words", [
    (lambda p: p.write_bytes(b"not a zip"), "not a .npz (zip) file"),
    (lambda p: np.savez(p, foo=np.zeros(3)), "needs an array named"),
    (lambda p: np.savez(p, images=np.zeros((4, 8, 8), np.float32)), "uint8"),
    (lambda p: np.savez(p, points=np.zeros((4, 3))), "(N, 2)"),
    (lambda p: np.savez(p, points=np.array([[0, 1], [np.nan, 2]])), "NaN"),
    (lambda p: np.savez(p, images=np.zeros((4, 8, 8), np.uint8), labels=np.zeros(3, int)), "labels"),
])
def test_bad_files_give_one_clear_reason(tmp_path, write, words):
    path = tmp_path / "bad.npz"
    write(path)
    with pytest.raises(DataError) as e:
        load_dataset(DataConfig(path=str(path)))
    assert words in str(e.value) and str(path) in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_dataset(DataConfig(path=str(tmp_path / "nope.npz")))


def test_points_csv_with_tabs_and_a_ragged_row(tmp_path):
    (tmp_path / "t.csv").write_text("x\ty\n1\t2\n3\t4\n")
    ds = load_dataset(DataConfig(path=str(tmp_path / "t.csv")))
    assert ds.x.tolist() == [[1, 2], [3, 4]]
    (tmp_path / "r.csv").write_text("1,2\n3,4,5\n")
    with pytest.raises(DataError, match="line 2 has 3 numbers"):
        load_dataset(DataConfig(path=str(tmp_path / "r.csv")))


# -- data that cannot bomb ------------------------------------------------------------------
def images_npz(path, labels, n=None):
    n = len(labels) if n is None else n
    np.savez(path, images=np.zeros((n, 8, 8), np.uint8), labels=labels)


@pytest.mark.parametrize("labels,words", [
    (np.array([0, 1, 1_000_000_000, 2]), "found 1000000000"),
    (np.array([0, 1, 2**64 - 2, 3], np.uint64), f"found {2**64 - 2}"),
    (np.array([0, 1, 2, 4]), "K at most 4 (the number of images)"),
    (np.array([0, -1, 2, 1]), ">= 0, found -1"),
    (np.array([0.0, 1.0, 2.0, 1.0]), "integers"),
    (np.array([True, False, True, False]), "integers"),
])
def test_labels_are_checked_by_value_naming_the_file(tmp_path, labels, words):
    path = tmp_path / "d.npz"
    images_npz(path, labels)
    with pytest.raises(DataError) as e:
        load_dataset(DataConfig(path=str(path), image_size=8))
    msg = str(e.value)
    assert words in msg and str(path) in msg and "\n" not in msg


def test_labels_need_not_use_every_class_and_are_capped(tmp_path, monkeypatch):
    from studio.core.data import files

    path = tmp_path / "d.npz"
    images_npz(path, np.array([3, 7, 3, 7, 3, 7, 3, 7]))  # a subset of the digits
    ds = load_dataset(DataConfig(path=str(path), image_size=8))
    assert ds.num_classes == 8 and ds.classes == [str(k) for k in range(8)]
    monkeypatch.setattr(files, "MAX_CLASSES", 5)
    with pytest.raises(DataError, match="K at most 5 \\(5 classes\\), found 7"):
        load_dataset(DataConfig(path=str(path), image_size=8))


def test_a_huge_label_refuses_quickly_under_a_memory_limit(tmp_path):
    from tests.core.limited import run_limited

    path = tmp_path / "d.npz"
    images_npz(path, np.array([0, 1, 1_000_000_000, 2] * 8))
    p = run_limited(f"""
from studio.config import RunConfig
from studio.core.data import DataError
from studio.core.engines import make_engine
cfg = RunConfig.from_dict({{"model": "gan", "data": {{"path": {str(path)!r}, "image_size": 8}},
                           "train": {{"device": "cpu"}}, "gan": {{"hidden": 16}}}})
for conditional in (False, True):
    cfg.gan.conditional = conditional
    t = time.perf_counter()
    try:
        make_engine(cfg)
    except DataError as e:
        print(f"{{time.perf_counter() - t:.2f}}")
        print(e)
""")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.strip().split("\n")
    assert len(lines) == 4
    for took, msg in (lines[:2], lines[2:]):
        assert float(took) < 5 and str(path) in msg and "found 1000000000" in msg


def npy_bytes(a):
    import io

    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


@pytest.mark.parametrize("write,words", [
    (lambda p: p.write_text("x,y\n1,2\n"), "not a .npz (zip) file"),
    (lambda p: p.write_bytes(npy_bytes(np.zeros((4, 2)))), "not a .npz (zip) file"),
    (lambda p: np.savez(p, points=np.array([[1 + 2j, 0], [3, 4j]])), "complex"),
    (lambda p: np.savez(p, points=np.array([[1e30, 0], [0, 1.0]])), "rescale the points"),
    (lambda p: np.savez(p, points=np.array([[0, 1], [2, 3]], dtype=object)), "Python objects"),
    (lambda p: np.savez(p, images=np.zeros((2, 3, 3, 3, 3), np.uint8)), "images must be"),
])
def test_bad_npz_files_refused_in_one_line(tmp_path, write, words):
    path = tmp_path / "bad.npz"
    write(path)
    with pytest.raises(DataError) as e:
        load_dataset(DataConfig(path=str(path)))
    msg = str(e.value)
    assert words in msg and str(path) in msg and "\n" not in msg and "allow_pickle" not in msg


def test_huge_csv_points_are_refused_with_a_rescale_hint(tmp_path):
    (tmp_path / "p.csv").write_text("1e30,2\n3,4\n")
    with pytest.raises(DataError, match="reach 1e\\+30.*rescale"):
        load_dataset(DataConfig(path=str(tmp_path / "p.csv")))


def declare_huge(path, name="images", shape=(10**7, 1000, 1000), dtype="|u1"):
    """An .npz of a few hundred bytes whose header declares an array of `shape`."""
    import io
    import zipfile

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": dtype, "fortran_order": False,
                                                  "shape": shape})
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{name}.npy", header.getvalue() + b"\0" * 64)


@pytest.mark.parametrize("name,shape,dtype", [
    ("images", (10**7, 1000, 1000), "|u1"), ("points", (10**12, 2), "<f8"),
])
def test_an_absurd_array_is_refused_from_its_header_before_allocation(tmp_path, name, shape,
                                                                     dtype):
    from tests.core.limited import run_limited

    path = tmp_path / "huge.npz"
    declare_huge(path, name, shape, dtype)
    assert path.stat().st_size < 1000
    p = run_limited(f"""
from studio.config import DataConfig
from studio.core.data import DataError, load_dataset
try:
    load_dataset(DataConfig(path={str(path)!r}))
except DataError as e:
    print(e)
""")
    assert p.returncode == 0, p.stderr
    assert "more than the" in p.stdout and "free here" in p.stdout and str(path) in p.stdout


def test_a_folder_with_one_readable_image_is_refused_and_skips_are_counted(tmp_path):
    from PIL import Image

    folder = tmp_path / "pics"
    folder.mkdir()
    Image.new("RGB", (10, 10), (200, 0, 0)).save(folder / "a.png")
    (folder / "broken.png").write_bytes(b"not a picture")
    with pytest.raises(DataError) as e:
        load_dataset(DataConfig(path=str(folder), image_size=8))
    assert "needs at least 2 readable images, found 1 (1 unreadable file(s) skipped)" in \
        str(e.value) and str(folder) in str(e.value)
    Image.new("RGB", (10, 10), (0, 200, 0)).save(folder / "b.png")
    ds = load_dataset(DataConfig(path=str(folder), image_size=8))
    assert len(ds) == 2 and ds.n_skipped == 1


def test_images_are_resized_a_chunk_at_a_time_to_the_same_result(monkeypatch):
    import torch
    import torch.nn.functional as F

    from studio.core import data

    x = np.random.default_rng(0).integers(0, 256, (50, 3, 20, 20), dtype=np.uint8)
    whole = F.interpolate(torch.from_numpy(x).float(), size=(12, 12), mode="bilinear",
                          antialias=True, align_corners=False).clamp(0, 255).round()
    monkeypatch.setattr(data, "CHUNK_BYTES", 20 * 20 * 3 * 4 * 2 * 7)  # chunks of 7 images
    out = data.resize_u8(x, 12)
    assert out.dtype == torch.uint8 and torch.equal(out, whole.to(torch.uint8))
    same = x[:, :, :12, :12]
    assert torch.equal(data.resize_u8(same, 12), torch.from_numpy(same))


def test_an_image_file_is_read_without_a_float_copy_of_the_whole_set(tmp_path):
    """60 MB of 64x64 images resized to 32: the peak is the file, the result and a chunk
    (~3x the file), not also a float32 copy of the whole set at its own size (~6x)."""
    from tests.core.limited import run_limited

    path = tmp_path / "big.npz"
    n = 15000
    np.savez(path, images=np.random.default_rng(0).integers(0, 256, (n, 64, 64), np.uint8))
    p = run_limited(f"""
import resource
from studio.config import DataConfig
from studio.core.data import load_dataset
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
ds = load_dataset(DataConfig(path={str(path)!r}, image_size=32))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(after - before, tuple(ds.x.shape))
""")
    assert p.returncode == 0, p.stderr
    grew, shape = p.stdout.split(" ", 1)
    assert shape.strip() == f"({n}, 1, 32, 32)"
    assert int(grew) < 4.2 * n * 64 * 64
