import numpy as np
import pytest

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
    assert 0 <= float(ds.x.min()) and float(ds.x.max()) <= 1
    assert ds.num_classes == 10 and ds.labels.shape == (1797,)


def test_user_npz_images_with_labels(tmp_path):
    imgs = np.random.default_rng(0).integers(0, 256, (20, 12, 12), dtype=np.uint8)
    np.savez(tmp_path / "d.npz", images=imgs, labels=np.arange(20) % 3)
    ds = load_dataset(DataConfig(path=str(tmp_path / "d.npz"), image_size=12))
    assert ds.x.shape == (20, 1, 12, 12) and ds.num_classes == 3
    assert float(ds.x[0, 0, 0, 0]) == pytest.approx(imgs[0, 0, 0] / 255)


def test_user_points_csv_with_header(tmp_path):
    (tmp_path / "p.csv").write_text("x,y\n0,1\n2,3\n4.5,-1\n")
    ds = load_dataset(DataConfig(path=str(tmp_path / "p.csv")))
    assert ds.kind == "points" and ds.x.tolist() == [[0, 1], [2, 3], [4.5, -1]]


@pytest.mark.parametrize("write,words", [
    (lambda p: p.write_bytes(b"not a zip"), "not a readable .npz"),
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
