"""MNIST, Fashion-MNIST, KMNIST, CIFAR-10 and SVHN: found on disk, or downloaded once.

The URLs and md5 sums come from torchvision's dataset classes; the files are read with
small readers here, because torchvision's classes insist on md5-checking the raw files
(so a folder the user assembled would be refused) and print their progress with tqdm.
The decoded arrays are cached as an .npz beside the raw files, so later loads are fast.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import shutil
import struct
import tarfile
import tempfile
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .files import DataError

ENV_VAR = "GENERATIVE_STUDIO_DATA"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SetSpec:
    key: str  # the name in data.name
    title: str
    tv_class: str  # torchvision.datasets class (also its folder name for the MNIST family)
    kind: str  # "idx", "cifar" or "svhn": the raw file format
    channels: int
    size: int
    classes: tuple[str, ...]


_DIGITS = tuple("0123456789")
SETS = {s.key: s for s in (
    SetSpec("mnist", "MNIST", "MNIST", "idx", 1, 28, _DIGITS),
    SetSpec("fashion-mnist", "Fashion-MNIST", "FashionMNIST", "idx", 1, 28,
            ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
             "Sneaker", "Bag", "Ankle boot")),
    SetSpec("kmnist", "KMNIST", "KMNIST", "idx", 1, 28,
            ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo")),
    SetSpec("cifar10", "CIFAR-10", "CIFAR10", "cifar", 3, 32,
            ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
             "truck")),
    SetSpec("svhn", "SVHN", "SVHN", "svhn", 3, 32, _DIGITS),
)}
CIFAR_DIR = "cifar-10-batches-py"


def get_spec(name: str) -> SetSpec:
    try:
        return SETS[name]
    except KeyError:
        raise DataError(f"data.name: unknown data set {name!r}") from None


def default_root() -> Path:
    """$GENERATIVE_STUDIO_DATA, else ~/.cache/generative-studio/datasets."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "generative-studio" / "datasets"


# -- where the raw files live ------------------------------------------------------------------

def _raw_names(spec: SetSpec, split: str) -> list[str]:
    if spec.kind == "idx":
        p = "train" if split == "train" else "t10k"
        return [f"{p}-images-idx3-ubyte", f"{p}-labels-idx1-ubyte"]
    if spec.kind == "cifar":
        return [f"data_batch_{i}" for i in range(1, 6)] if split == "train" else ["test_batch"]
    return [f"{split}_32x32.mat"]


def _candidate_dirs(spec: SetSpec, root: Path) -> list[Path]:
    # torchvision's own layout first, then the folder itself (a user's folder of raw files).
    sub = {"idx": [Path(spec.tv_class) / "raw", Path(spec.tv_class), Path("raw")],
           "cifar": [Path(CIFAR_DIR)], "svhn": [Path("svhn"), Path("SVHN")]}[spec.kind]
    return [root / s for s in sub] + [root]


def _download_dir(spec: SetSpec, root: Path) -> Path:
    return _candidate_dirs(spec, root)[0]


def _find_raw(spec: SetSpec, root: Path, split: str) -> list[Path] | None:
    """Paths of the split's raw files (plain or .gz for IDX), all from one folder, or None."""
    for d in _candidate_dirs(spec, root):
        found = []
        for name in _raw_names(spec, split):
            options = [d / name] + ([d / (name + ".gz")] if spec.kind == "idx" else [])
            hit = next((p for p in options if p.is_file()), None)
            if hit is None:
                break
            found.append(hit)
        else:
            return found
    return None


def has_local_files(name: str, root, train: bool = True) -> bool:
    """Whether `root` (e.g. a data.path folder) holds this set's raw files or their cache."""
    spec, split = get_spec(name), "train" if train else "test"
    root = Path(root).expanduser()
    return _find_raw(spec, root, split) is not None or _find_cache(spec, root, split) is not None


# -- the cache beside the raw files --------------------------------------------------------------

def _cache_name(spec: SetSpec, split: str) -> str:
    return f"generative-studio-{spec.key}-{split}.npz"


def _find_cache(spec: SetSpec, root: Path, split: str) -> Path | None:
    return next((d / _cache_name(spec, split) for d in _candidate_dirs(spec, root)
                 if (d / _cache_name(spec, split)).is_file()), None)


def _signature(files: list[Path]) -> str:
    # Size and mtime: a replaced raw file invalidates the cache without re-hashing 170 MB.
    return "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)


def _read_cache(path: Path, signature: str | None):
    try:
        with np.load(path, allow_pickle=False) as z:
            if signature is not None and str(z["source"]) != signature:
                return None
            images, labels = z["images"], z["labels"]
    except (OSError, ValueError, KeyError, EOFError, zlib.error, zipfile.BadZipFile):
        return None  # unreadable cache: rebuild it from the raw files
    if images.dtype != np.uint8 or images.ndim != 4 or labels.shape != (len(images),):
        return None
    return images, labels.astype(np.int64)


def _write_cache(path: Path, images, labels, signature: str) -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".part")
    except OSError:
        return  # a read-only folder (e.g. shared data): just do without the cache
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, images=images, labels=labels, source=np.array(signature))
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


# -- readers -------------------------------------------------------------------------------------

def read_idx(path: Path) -> np.ndarray:
    """An unsigned-byte IDX file (the MNIST format), plain or gzip'd."""
    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"{path}: cannot read ({e}); delete it and fetch it again") from None
    if len(data) < 8 or data[0] or data[1] or data[2] != 0x08 or not 1 <= data[3] <= 4:
        raise DataError(f"{path}: not an unsigned-byte IDX file")
    nd = data[3]
    dims = struct.unpack(f">{nd}I", data[4:4 + 4 * nd])
    body = np.frombuffer(data, np.uint8, offset=4 + 4 * nd)
    if body.size != int(np.prod(dims)):
        raise DataError(f"{path}: damaged IDX file ({body.size} bytes of data, header says "
                        f"{int(np.prod(dims))}); delete it and fetch it again")
    return body.reshape(dims)


_RECONSTRUCT = np.zeros(0).__reduce__()[0]
_SCALAR = np.int64(0).__reduce__()[0]
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,  # pickles from numpy < 2
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy.core.multiarray", "scalar"): _SCALAR,
    ("numpy._core.multiarray", "scalar"): _SCALAR,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """A pickle can run any function it names; this one may only rebuild numpy arrays."""

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}") from None


def read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """One CIFAR-10 python batch -> (images (N,3,32,32) uint8, labels (N,) int64)."""
    try:
        with open(path, "rb") as f:
            # latin1: the batches were pickled by Python 2, whose str held the array bytes.
            entry = _NumpyOnlyUnpickler(f, encoding="latin1").load()
    except Exception as e:  # noqa: BLE001 - any failure to parse untrusted bytes is a bad file
        raise DataError(f"{path}: not a CIFAR-10 batch ({type(e).__name__}: {e})") from None
    if not isinstance(entry, dict):
        raise DataError(f"{path}: not a CIFAR-10 batch (holds a {type(entry).__name__})")
    entry = {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in entry.items()}
    data, labels = entry.get("data"), entry.get("labels")
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 \
            or data.shape[1] != 3 * 32 * 32:
        raise DataError(f"{path}: 'data' must be a uint8 (N, 3072) array")
    try:
        labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(f"{path}: 'labels' must be a list of integers") from None
    if labels.shape != (len(data),):
        raise DataError(f"{path}: {len(labels)} labels for {len(data)} images")
    return data.reshape(-1, 3, 32, 32), labels


def read_svhn_mat(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """An SVHN *_32x32.mat -> (images (N,3,32,32) uint8, labels (N,) int64 with 10 -> 0)."""
    import scipy.io

    try:
        mat = scipy.io.loadmat(path)
        x, y = mat["X"], mat["y"]
    except Exception as e:  # noqa: BLE001 - any failure to parse a foreign file is a bad file
        raise DataError(f"{path}: not an SVHN .mat file ({type(e).__name__}: {e})") from None
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[2] != 3 or y.size != x.shape[3]:
        raise DataError(f"{path}: expected X (32,32,3,N) uint8 and y (N,1)")
    labels = y.astype(np.int64).reshape(-1)
    labels[labels == 10] = 0  # SVHN labels the digit 0 as 10
    return np.ascontiguousarray(x.transpose(3, 2, 0, 1)), labels


def _decode(spec: SetSpec, files: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    if spec.kind == "idx":
        images, labels = read_idx(files[0]), read_idx(files[1]).astype(np.int64)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DataError(f"{files[0].parent}: images {images.shape} and labels {labels.shape} "
                            "do not match")
        images = images[:, None]
    elif spec.kind == "cifar":
        parts = [read_cifar_batch(p) for p in files]
        images = np.concatenate([p[0] for p in parts])
        labels = np.concatenate([p[1] for p in parts])
    else:
        images, labels = read_svhn_mat(files[0])
    if len(labels) == 0 or labels.min() < 0 or labels.max() >= len(spec.classes):
        raise DataError(f"{files[0].parent}: {spec.title} labels must be 0-{len(spec.classes) - 1}")
    return np.ascontiguousarray(images), labels


# -- downloading ----------------------------------------------------------------------------------

def _open_url(url: str, timeout: float):
    return urllib.request.urlopen(url, timeout=timeout)


def download_file(urls: list[str], dest: Path, md5: str, progress: Progress | None = None,
                  timeout: float = 30.0) -> None:
    """Fetch the first URL that works into `dest`, which appears only once its md5 matches.

    progress(bytes_done, total) is called as bytes arrive (total 0 when the server does not
    say); it may raise to cancel. Raises OSError when no URL can be fetched.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    error: Exception = OSError("no URL to download from")
    for url in urls:
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        try:
            digest = hashlib.md5(usedforsecurity=False)
            with os.fdopen(fd, "wb") as out, _open_url(url, timeout) as resp:
                total, done = int(resp.headers.get("Content-Length") or 0), 0
                if progress:
                    progress(0, total)
                while chunk := resp.read(1 << 18):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            if digest.hexdigest() != md5:
                error = DataError(f"{url}: the downloaded file is damaged (checksum mismatch)")
                continue
            os.replace(tmp, dest)
            return
        except OSError as e:
            error = e
        finally:
            Path(tmp).unlink(missing_ok=True)
    raise error


def _remote_files(spec: SetSpec, split: str) -> list[tuple[list[str], str, str]]:
    """[(urls, file name, md5)] for a split, as torchvision's dataset class lists them."""
    import torchvision.datasets as tvd

    cls = getattr(tvd, spec.tv_class)
    if spec.kind == "idx":
        prefix = "train" if split == "train" else "t10k"
        return [([m + fname for m in cls.mirrors], fname, md5)
                for fname, md5 in cls.resources if fname.startswith(prefix)]
    if spec.kind == "cifar":
        return [([cls.url], cls.filename, cls.tgz_md5)]
    url, fname, md5 = cls.split_list[split]
    return [([url], fname, md5)]


def _download(spec: SetSpec, root: Path, split: str, progress: Progress | None) -> None:
    target = _download_dir(spec, root)
    if spec.kind != "cifar":
        for urls, fname, md5 in _remote_files(spec, split):
            if not (target / fname).is_file():
                download_file(urls, target / fname, md5, progress)
        return
    (urls, fname, md5), = _remote_files(spec, split)
    archive = root / fname
    if not archive.is_file():
        download_file(urls, archive, md5, progress)
    # Unpack beside the target and rename, so a cut extraction never looks complete.
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".cifar-"))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        if not target.exists():
            os.replace(tmp / CIFAR_DIR, target)
    except (tarfile.TarError, EOFError, zlib.error) as e:
        raise DataError(f"{archive}: cannot unpack ({e}); delete it and try again") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    archive.unlink(missing_ok=True)  # the batches hold everything it held


def _missing(spec: SetSpec, root: Path, split: str, why: str) -> DataError:
    try:
        remote = _remote_files(spec, split)
        names = " and ".join(f for _, f, _ in remote)
        where = f" from {remote[0][0][0].rsplit('/', 1)[0]}/"
    except (ImportError, AttributeError, KeyError):
        names, where = " and ".join(_raw_names(spec, split)), ""
    why = " ".join(why.split())  # the message stays on one line
    into = (f"unpack it in {root}" if spec.kind == "cifar"
            else f"put them in {_download_dir(spec, root)}")
    return DataError(f"{spec.key}: {spec.title} ({split}) not found in {root} and {why}. "
                     f"Get {names}{where} and {into}, or set data.path to a folder that holds "
                     "the files.")


def load_torchvision_set(name: str, root=None, download: bool = True,
                         progress: Progress | None = None,
                         train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(images (N,C,H,W) uint8, labels (N,) int64) for mnist, fashion-mnist, kmnist, cifar10
    or svhn. Looks in `root` (default: default_root()), then downloads if allowed.
    Raises DataError with a one-line reason (offline, damaged file, ...)."""
    spec, split = get_spec(name), "train" if train else "test"
    root = Path(root).expanduser() if root else default_root()
    files = _find_raw(spec, root, split)
    if files is None:
        cache = _find_cache(spec, root, split)
        cached = _read_cache(cache, None) if cache else None
        if cached is not None:
            return cached
        if not download:
            raise _missing(spec, root, split, "downloads are off")
        try:
            root.mkdir(parents=True, exist_ok=True)
            _download(spec, root, split, progress)
        except OSError as e:  # offline, refused, timed out, disk full
            raise _missing(spec, root, split, f"the download failed ({e})") from None
        files = _find_raw(spec, root, split)
        if files is None:
            raise _missing(spec, root, split, "the download did not produce them")
    sig, cache = _signature(files), files[0].parent / _cache_name(spec, split)
    cached = _read_cache(cache, sig) if cache.is_file() else None
    if cached is not None:
        return cached
    images, labels = _decode(spec, files)
    _write_cache(cache, images, labels, sig)
    return images, labels
