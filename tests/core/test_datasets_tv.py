"""torchvision data sets from tiny fake raw files; downloads faked, never from the network."""
import gzip
import hashlib
import io
import os
import pickle
import struct
import tarfile
import urllib.error

import numpy as np
import pytest

from studio.core.data import torchvision_sets as tv
from studio.core.data.files import DataError


def idx(arr: np.ndarray) -> bytes:
    return bytes([0, 0, 8, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.tobytes()


def fake_mnist(folder, n=5, prefix="train", gz=True, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    folder.mkdir(parents=True, exist_ok=True)
    for name, arr in ((f"{prefix}-images-idx3-ubyte", images), (f"{prefix}-labels-idx1-ubyte", labels)):
        data = idx(arr)
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)
    return images, labels


def cifar_batch(n, seed, numpy1_names=False) -> tuple[bytes, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
    raw = pickle.dumps({b"batch_label": b"fake", b"data": data,
                        b"labels": [int(v) for v in rng.integers(0, 10, n)]}, protocol=3)
    if numpy1_names:  # the real files name numpy < 2's module
        raw = raw.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    return raw, data


class FakeResponse:
    def __init__(self, payload: bytes, fail_after: int | None = None):
        self.buf, self.fail_after, self.sent = io.BytesIO(payload), fail_after, 0
        self.headers = {"Content-Length": str(len(payload))}

    def read(self, n):
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise ConnectionResetError("connection reset")
        chunk = self.buf.read(n if self.fail_after is None else min(n, self.fail_after))
        self.sent += len(chunk)
        return chunk

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def md5(b: bytes) -> str:
    return hashlib.md5(b).hexdigest()


def leftovers(folder):
    return [p.name for p in folder.rglob(".*part")]


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_from_torchvision_layout_and_cache(tmp_path, gz):
    raw = tmp_path / "MNIST" / "raw"
    images, labels = fake_mnist(raw, gz=gz)
    x, y = tv.load_torchvision_set("mnist", tmp_path, download=False)
    assert x.shape == (5, 1, 28, 28) and x.dtype == np.uint8 and y.dtype == np.int64
    assert np.array_equal(x[:, 0], images) and y.tolist() == labels.tolist()
    cache = raw / "generative-studio-mnist-train.npz"
    assert cache.is_file()
    # Replaced raw files invalidate the cache.
    images2, _ = fake_mnist(raw, n=7, gz=gz, seed=1)
    x2, _ = tv.load_torchvision_set("mnist", tmp_path, download=False)
    assert np.array_equal(x2[:, 0], images2)
    # A damaged cache is rebuilt, not trusted.
    cache.write_bytes(b"garbage")
    assert np.array_equal(tv.load_torchvision_set("mnist", tmp_path, download=False)[0], x2)


def test_a_users_folder_of_raw_files_and_the_test_split(tmp_path):
    images, _ = fake_mnist(tmp_path, prefix="t10k", n=3)
    assert tv.has_local_files("kmnist", tmp_path, train=False)
    assert not tv.has_local_files("kmnist", tmp_path, train=True)
    x, y = tv.load_torchvision_set("kmnist", tmp_path, download=False, train=False)
    assert np.array_equal(x[:, 0], images) and y.tolist() == [0, 1, 2]


def test_a_folder_that_cannot_hold_the_cache_still_loads(tmp_path, monkeypatch):
    fake_mnist(tmp_path)

    def read_only(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(tv.tempfile, "mkstemp", read_only)
    assert tv.load_torchvision_set("mnist", tmp_path, download=False)[0].shape[0] == 5
    assert not list(tmp_path.glob("*.npz"))


def test_cache_alone_is_enough(tmp_path):
    raw = tmp_path / "FashionMNIST" / "raw"
    images, _ = fake_mnist(raw)
    tv.load_torchvision_set("fashion-mnist", tmp_path, download=False)
    for p in raw.glob("*.gz"):
        p.unlink()
    x, _ = tv.load_torchvision_set("fashion-mnist", tmp_path, download=False)
    assert np.array_equal(x[:, 0], images)


def test_damaged_idx_files(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    fake_mnist(raw)
    good = gzip.decompress((raw / "train-images-idx3-ubyte.gz").read_bytes())
    (raw / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(good[:-10]))
    with pytest.raises(DataError, match="damaged IDX file") as e:
        tv.load_torchvision_set("mnist", tmp_path, download=False)
    assert "\n" not in str(e.value)
    (raw / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(good)[:100])  # cut gzip
    with pytest.raises(DataError, match="cannot read"):
        tv.load_torchvision_set("mnist", tmp_path, download=False)
    fake_mnist(raw, n=4)
    (raw / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx(np.zeros(3, np.uint8))))
    with pytest.raises(DataError, match="do not match"):
        tv.load_torchvision_set("mnist", tmp_path, download=False)


@pytest.mark.parametrize("numpy1_names", [False, True])
def test_cifar10_batches(tmp_path, numpy1_names):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    datas = []
    for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
        raw, data = cifar_batch(2, i, numpy1_names)
        (folder / name).write_bytes(raw)
        datas.append(data)
    x, y = tv.load_torchvision_set("cifar10", tmp_path, download=False)
    assert x.shape == (10, 3, 32, 32) and y.shape == (10,)
    # A row holds the red plane, then green, then blue, each 32x32 row-major.
    assert np.array_equal(x[3, 1], datas[1][1, 1024:2048].reshape(32, 32))
    assert tv.load_torchvision_set("cifar10", tmp_path, download=False, train=False)[0].shape[0] == 2


class Evil:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (os.mkdir, (self.target,))


def test_cifar_pickle_may_only_build_numpy_arrays(tmp_path):
    bad = tmp_path / "data_batch_1"
    bad.write_bytes(pickle.dumps({"data": Evil(str(tmp_path / "pwned"))}))
    with pytest.raises(DataError, match="refusing to load posix.mkdir|refusing to load os.mkdir"):
        tv.read_cifar_batch(bad)
    assert not (tmp_path / "pwned").exists()
    bad.write_bytes(pickle.dumps({"data": [1, 2, 3], "labels": [0]}))
    with pytest.raises(DataError, match="uint8"):
        tv.read_cifar_batch(bad)
    bad.write_bytes(pickle.dumps([1, 2]))
    with pytest.raises(DataError, match="holds a list"):
        tv.read_cifar_batch(bad)


def test_svhn_mat(tmp_path):
    import scipy.io

    x = np.random.default_rng(0).integers(0, 256, (32, 32, 3, 3), dtype=np.uint8)
    scipy.io.savemat(tmp_path / "test_32x32.mat", {"X": x, "y": np.array([[10], [1], [9]])})
    images, labels = tv.load_torchvision_set("svhn", tmp_path, download=False, train=False)
    assert images.shape == (3, 3, 32, 32) and labels.tolist() == [0, 1, 9]
    assert np.array_equal(images[2, 1], x[:, :, 1, 2])


def test_default_root_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(tv.ENV_VAR, str(tmp_path))
    assert tv.default_root() == tmp_path
    images, _ = fake_mnist(tmp_path / "MNIST" / "raw")
    assert np.array_equal(tv.load_torchvision_set("mnist", download=False)[0][:, 0], images)
    monkeypatch.delenv(tv.ENV_VAR)
    assert tv.default_root().parts[-3:] == (".cache", "generative-studio", "datasets")


def test_offline_gives_one_line_that_says_what_to_do(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(tv, "_open_url", offline)
    with pytest.raises(DataError) as e:
        tv.load_torchvision_set("mnist", tmp_path / "store", download=True)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("mnist: MNIST (train) not found")
    assert "download failed" in msg and "name resolution" in msg
    assert "train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz from https://" in msg
    assert "data.path" in msg
    assert leftovers(tmp_path) == [] and not list((tmp_path / "store").rglob("*.gz"))
    with pytest.raises(DataError, match="downloads are off.*cifar-10-python.tar.gz.*unpack it in"):
        tv.load_torchvision_set("cifar10", tmp_path, download=False)
    with pytest.raises(DataError, match="unknown data set 'imagenet'"):
        tv.load_torchvision_set("imagenet", tmp_path)


def test_torchvision_lists_the_files_for_every_set():
    for name, spec in tv.SETS.items():
        for split in ("train", "test"):
            remote = tv._remote_files(spec, split)
            assert len(remote) == (2 if spec.kind == "idx" else 1), name
            for urls, fname, digest in remote:
                assert urls and all(u.startswith("http") and u.endswith(fname) for u in urls)
                assert len(digest) == 32


def test_download_file_checks_md5_and_never_leaves_half_files(tmp_path, monkeypatch):
    payload = os.urandom(600_000)
    served = {"http://a/f": FakeResponse(payload, fail_after=300_000)}
    monkeypatch.setattr(tv, "_open_url", lambda url, timeout: served[url])
    dest = tmp_path / "d" / "f"
    with pytest.raises(ConnectionResetError):  # cut mid-way
        tv.download_file(["http://a/f"], dest, md5(payload))
    assert not dest.exists() and leftovers(tmp_path) == []
    served["http://a/f"] = FakeResponse(payload)
    with pytest.raises(DataError, match="checksum mismatch"):
        tv.download_file(["http://a/f"], dest, md5(b"other"))
    assert not dest.exists() and leftovers(tmp_path) == []
    # The first mirror fails; the second serves the file.
    served.update({"http://a/f": FakeResponse(payload, fail_after=0), "http://b/f": FakeResponse(payload)})
    seen = []
    tv.download_file(["http://a/f", "http://b/f"], dest, md5(payload), lambda d, t: seen.append((d, t)))
    assert dest.read_bytes() == payload and leftovers(tmp_path) == []
    assert seen[-1] == (600_000, 600_000) and seen[0][0] == 0


def test_progress_callback_can_cancel(tmp_path, monkeypatch):
    monkeypatch.setattr(tv, "_open_url", lambda url, timeout: FakeResponse(b"x" * 1_000_000))

    def cancel(done, total):
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tv.download_file(["http://a/f"], tmp_path / "f", md5(b"x" * 1_000_000), cancel)
    assert list(tmp_path.iterdir()) == []


def test_mnist_and_cifar_download_flows(tmp_path, monkeypatch):
    raw = tmp_path / "src"
    images, _ = fake_mnist(raw)
    blobs = {p.name: p.read_bytes() for p in raw.iterdir()}
    tar_buf = io.BytesIO()
    with tarfile.open(fileobj=tar_buf, mode="w:gz") as tar:
        for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
            data = cifar_batch(1, i)[0]
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    blobs["cifar-10-python.tar.gz"] = tar_buf.getvalue()

    def remote(spec, split):
        names = (["cifar-10-python.tar.gz"] if spec.kind == "cifar"
                 else [n for n in blobs if n.startswith("train")])
        return [([f"http://x/{n}"], n, md5(blobs[n])) for n in names]

    monkeypatch.setattr(tv, "_remote_files", remote)
    monkeypatch.setattr(tv, "_open_url", lambda url, timeout: FakeResponse(blobs[url.rsplit("/", 1)[1]]))
    store = tmp_path / "store"
    x, _ = tv.load_torchvision_set("mnist", store, download=True)
    assert np.array_equal(x[:, 0], images)
    assert (store / "MNIST" / "raw" / "train-images-idx3-ubyte.gz").is_file()
    x, y = tv.load_torchvision_set("cifar10", store, download=True)
    assert x.shape == (5, 3, 32, 32)
    assert not (store / "cifar-10-python.tar.gz").exists()  # unpacked, then removed
    assert sorted(p.name for p in store.iterdir()) == ["MNIST", "cifar-10-batches-py"]
