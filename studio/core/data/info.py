"""What a run's data will be, found without loading it: kind, image channels and size, the
number of examples and of classes. The memory budget (core.budget) sizes a model and its
data from this before anything is allocated. Where something cannot be known cheaply it
takes the worst case (3 channels) or stays unknown (n 0); a file that cannot be read is left
for the data loader to report."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .files import DataError, check_labels, npz_headers

# Training-set sizes of the sets downloaded once, and of scikit-learn's digits.
SET_SIZES = {"mnist": 60000, "fashion-mnist": 60000, "kmnist": 60000, "cifar10": 50000,
             "svhn": 73257, "digits": 1797}
SET_CHANNELS = {"mnist": 1, "fashion-mnist": 1, "kmnist": 1, "cifar10": 3, "svhn": 3,
                "digits": 1}
N_SHAPES = {"text2img": 4000, "cyclegan": 2000}  # shapes drawn when data.limit is 0


@dataclass
class DataInfo:
    kind: str = "images"  # "points" or "images"
    channels: int = 3  # images: 1 or 3
    size: int = 28  # images: the side the model sees (data.image_size)
    n: int = 0  # examples held (both domains of a pair); 0 when unknown
    num_classes: int = 0  # classes of the labels; 0 without labels
    dim: int = 2  # points: coordinates per point
    streamed: bool = False  # images of a folder: streamed from the decoded cache if need be

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.dim,) if self.kind == "points" else (self.channels, self.size, self.size)


def describe(cfg) -> DataInfo:
    """DataInfo for a RunConfig, from names, headers and folder listings only."""
    d = cfg.data
    limit = d.limit or 0
    cap = (lambda n: min(n, limit) if limit and n else n)  # noqa: E731
    size = d.image_size
    if cfg.model == "gmm":
        return DataInfo("points", n=_points_n(d) or d.n_points, dim=cfg.gmm.dim)
    if cfg.model == "cyclegan":
        if d.path or d.name == "folder-pair":
            return DataInfo(channels=3, size=size, n=_pair_files(d.path, limit), streamed=True)
        if d.name == "shapes-outline":
            return DataInfo(channels=3, size=size, n=2 * (limit or N_SHAPES["cyclegan"]))
        return DataInfo(channels=3 if d.name == "digits-colour" else 1, size=size,
                        n=cap(SET_SIZES["digits"]))
    if cfg.model == "text2img":
        if d.path:
            return DataInfo(channels=3, size=size, n=cap(_captioned_files(d.path)),
                            streamed=True)
        if d.name == "digits":
            return DataInfo(channels=1, size=size, n=cap(SET_SIZES["digits"]), num_classes=10)
        return DataInfo(channels=3, size=size, n=limit or N_SHAPES["text2img"])
    conditional = (cfg.gan.conditional if cfg.model == "gan" else
                   cfg.vae.conditional if cfg.model in ("ae", "vae", "ae-vs-vae") else False)
    if d.path:
        return _describe_path(Path(d.path).expanduser(), d, size, cap, conditional)
    if d.name in SET_SIZES:
        return DataInfo(channels=SET_CHANNELS[d.name], size=size, n=cap(SET_SIZES[d.name]),
                        num_classes=10)
    if d.name == "folder":  # no folder chosen yet
        return DataInfo(channels=3, size=size, streamed=True)
    return DataInfo("points", n=d.n_points)


def _describe_path(path: Path, d, size: int, cap, conditional: bool) -> DataInfo:
    try:
        if path.is_dir():
            if d.name in SET_SIZES:  # possibly the set's own files
                return DataInfo(channels=SET_CHANNELS[d.name], size=size,
                                n=cap(SET_SIZES[d.name]), num_classes=10)
            from .folder import list_image_files

            files, classes = list_image_files(path)
            return DataInfo(channels=3, size=size, n=cap(len(files)), num_classes=len(classes),
                            streamed=True)
        if path.suffix.lower() == ".csv":
            return DataInfo("points", n=path.stat().st_size // 4)  # a row takes >= 4 bytes
        headers = npz_headers(path)
    except (DataError, OSError):
        return DataInfo(size=size)
    if "points" in headers:
        return DataInfo("points", n=headers["points"][0][0] if headers["points"][0] else 0)
    if "images" not in headers:
        return DataInfo(size=size)
    shape = headers["images"][0]
    n = shape[0] if shape else 0
    channels = 3
    if len(shape) == 3:
        channels = 1
    elif len(shape) == 4:
        channels = shape[1] if shape[1] in (1, 3) else shape[-1] if shape[-1] in (1, 3) else 3
    # Labels are checked here already (they are small), so that a bad one is refused before
    # anything else is sized or built.
    k = _classes(path, n) if "labels" in headers else 0
    return DataInfo(channels=channels, size=size, n=cap(n), num_classes=k if conditional else 0)


def _classes(path: Path, n: int) -> int:
    """K of an .npz's labels, checked by value (check_labels) before anything is sized."""
    from .files import _load_npz, check_labels_header

    shape, dtype = npz_headers(path)["labels"]
    check_labels_header(path, shape, dtype, n)
    labels = check_labels(path, _load_npz(path, ["labels"])["labels"], n)
    return int(labels.max()) + 1 if len(labels) else 0


def _points_n(d) -> int:
    if not d.path:
        return 0
    path = Path(d.path).expanduser()
    try:
        if path.suffix.lower() == ".csv":
            return path.stat().st_size // 4
        shape = npz_headers(path).get("points", ((0,), None))[0]
        return shape[0] if shape else 0
    except (DataError, OSError):
        return 0


def _pair_files(root: str, limit: int) -> int:
    if not root:
        return 0
    from .domains import find_domain_folders
    from .folder import list_image_files

    try:
        total = 0
        for folder in find_domain_folders(root):
            n = len(list_image_files(folder)[0])
            total += min(n, limit) if limit else n
        return total
    except (DataError, OSError):
        return 0


def _captioned_files(root: str) -> int:
    from .captions import read_captions

    try:
        return len(read_captions(Path(root).expanduser()))
    except (DataError, OSError):
        return 0
