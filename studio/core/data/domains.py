"""Unpaired image domains A and B for image-to-image translation (CycleGAN).

Offline pairs made here, each from disjoint halves of its source so no image has a twin:
  digits-invert   white digits on black  <->  black digits on white
  digits-colour   white digits on black  <->  orange digits on navy
  shapes-outline  filled shapes          <->  outlined shapes
and folder-pair: data.path holds two folders of the user's pictures, A and B (or trainA and
trainB, as in the CycleGAN data sets); they need not match in number or content.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .files import DataError

DOMAIN_SETS = ("digits-invert", "digits-colour", "shapes-outline", "folder-pair")
DIGIT_COPIES = 3  # placements of each offline digit in the image-pair sets
NAVY, ORANGE = np.array([0.08, 0.12, 0.38], np.float32), np.array([1.0, 0.62, 0.12], np.float32)


@dataclass
class DomainPair:
    a: torch.Tensor  # (Na, C, H, W) uint8, on the device (or mapped from the decoded cache)
    b: torch.Tensor  # (Nb, C, H, W) uint8
    labels_a: torch.Tensor | None = None  # content labels where known (digit classes)
    labels_b: torch.Tensor | None = None
    names: tuple[str, str] = ("A", "B")
    name: str = ""

    @property
    def channels(self) -> int:
        return self.a.shape[1]


def colourise(gray: np.ndarray) -> np.ndarray:
    """(N, 1, H, W) in [0, 1] -> (N, 3, H, W): ink orange, paper navy."""
    return NAVY[None, :, None, None] * (1 - gray) + ORANGE[None, :, None, None] * gray


def _halves(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    perm = np.random.default_rng(seed).permutation(n)
    return np.sort(perm[: n // 2]), np.sort(perm[n // 2:])


def _resize(x: np.ndarray, size: int) -> torch.Tensor:
    t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    if t.shape[-1] != size or t.shape[-2] != size:
        t = F.interpolate(t, size=(size, size), mode="bilinear", antialias=True,
                          align_corners=False)
    return t.clamp_(0, 1).contiguous()


def _placed(x: np.ndarray, size: int, copies: int, seed: int) -> torch.Tensor:
    """`copies` of each image at size x size, each shrunk to 55-100% of the frame, turned by
    up to 12 degrees and moved within it: the 8x8 digits fill their frame with thick strokes,
    and a translator that saw only those does not keep the thinner, smaller digits of MNIST."""
    t = _resize(np.repeat(x, copies, axis=0), 2 * size)  # place at twice the size, then shrink
    n = len(t)
    g = torch.Generator().manual_seed(seed)
    scale = 0.55 + 0.45 * torch.rand(n, generator=g)
    angle = torch.deg2rad(24 * torch.rand(n, generator=g) - 12)
    shift = (2 * torch.rand(n, 2, generator=g) - 1) * (1 - scale)[:, None]
    cos, sin = angle.cos() / scale, angle.sin() / scale
    # affine_grid maps output to input coordinates: the inverse of scale, turn, then shift.
    rot = torch.stack([torch.stack([cos, sin], 1), torch.stack([-sin, cos], 1)], 1)
    theta = torch.cat([rot, -(rot @ shift[:, :, None])], 2)
    grid = F.affine_grid(theta, list(t.shape), align_corners=False)
    placed = F.grid_sample(t, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return _resize(placed.numpy(), size)


def make_pair(name: str, size: int = 16, seed: int = 0, n_shapes: int = 2000) -> DomainPair:
    """One of the offline pairs, as CPU tensors; DataError for an unknown name."""
    if name in ("digits-invert", "digits-colour"):
        from . import load_digits_images

        x, y = load_digits_images(8)
        ia, ib = _halves(len(x), seed)
        a = _placed(x[ia], size, DIGIT_COPIES, seed)
        b = _placed(x[ib], size, DIGIT_COPIES, seed + 1)
        ya, yb = (torch.from_numpy(np.repeat(y[i], DIGIT_COPIES)) for i in (ia, ib))
        if name == "digits-invert":
            b = 1 - b
            names = ("digits", "inverted digits")
        else:
            a = a.repeat(1, 3, 1, 1)  # both sides RGB, so identity loss applies
            b = torch.from_numpy(colourise(b.numpy()))
            names = ("digits", "colour digits")
        return DomainPair(a, b, ya, yb, names, name)
    if name == "shapes-outline":
        from .shapes import make_shapes

        a = make_shapes(n_shapes, size, seed, captions_per_image=1)
        b = make_shapes(n_shapes, size, seed + 1, outline=True, captions_per_image=1)
        return DomainPair(torch.from_numpy(a.x), torch.from_numpy(b.x),
                          torch.from_numpy(a.attrs["shape"]), torch.from_numpy(b.attrs["shape"]),
                          ("filled shapes", "outlined shapes"), name)
    raise DataError(f"data.name: {name!r} is not an image-pair data set "
                    f"({', '.join(DOMAIN_SETS)})")


def find_domain_folders(root) -> tuple[Path, Path]:
    """The A and B folders under root: A/B, trainA/trainB or domainA/domainB."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DataError(f"data.path: {root} is not a folder (it needs sub-folders A and B)")
    subs = {d.name.lower(): d for d in root.iterdir() if d.is_dir()}
    for a, b in (("a", "b"), ("traina", "trainb"), ("domaina", "domainb")):
        if a in subs and b in subs:
            return subs[a], subs[b]
    raise DataError(f"data.path: {root} needs two sub-folders of pictures named A and B "
                    "(or trainA and trainB)")


def load_folder_pair(root, size: int, seed: int = 0, limit: int | None = None,
                     progress=None, crop: str = "centre") -> DomainPair:
    """The user's own two folders; every picture becomes an RGB size x size square (uint8,
    mapped from the decoded cache)."""
    from .folder import load_image_folder

    fa, fb = find_domain_folders(root)
    a = load_image_folder(fa, size, "RGB", limit, progress, seed, crop)
    b = load_image_folder(fb, size, "RGB", limit, progress, seed, crop)
    return DomainPair(torch.from_numpy(a.images), torch.from_numpy(b.images),
                      names=(fa.name, fb.name), name=str(root))


def load_domains(data_cfg, device, seed: int = 0, progress=None) -> DomainPair:
    """The pair a data config names, as uint8 on the device (or in host memory when the
    device cannot hold it); DataError with a one-line reason."""
    from . import place, to_u8

    limit = getattr(data_cfg, "limit", 0) or None
    if data_cfg.name == "folder-pair" or data_cfg.path:
        if not data_cfg.path:
            raise DataError("data.path: choose a folder holding two sub-folders of pictures, "
                            "A and B")
        pair = load_folder_pair(data_cfg.path, data_cfg.image_size, seed, limit, progress,
                                getattr(data_cfg, "crop", "centre"))
    else:
        pair = make_pair(data_cfg.name, data_cfg.image_size, seed, n_shapes=limit or 2000)
        pair.a, pair.b = (torch.from_numpy(to_u8(t)) for t in (pair.a, pair.b))
        if limit:
            pair.a, pair.b = pair.a[:limit], pair.b[:limit]
            pair.labels_a = None if pair.labels_a is None else pair.labels_a[:limit]
            pair.labels_b = None if pair.labels_b is None else pair.labels_b[:limit]
    if len(pair.a) < 2 or len(pair.b) < 2:
        raise DataError("data.path: each domain needs at least 2 pictures")
    move = lambda t: None if t is None else t.to(device)  # noqa: E731
    return DomainPair(place(pair.a.numpy(), device)[0], place(pair.b.numpy(), device)[0],
                      move(pair.labels_a), move(pair.labels_b), pair.names, pair.name)


def to_model_images(images: np.ndarray, channels: int, size: int) -> torch.Tensor:
    """User input for translation: (N, H, W) or (N, C, H, W), uint8 or float in [0, 1] ->
    (N, channels, size, size) float in [0, 1]; DataError if it cannot be read as images."""
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[:, None]
    if x.ndim != 4 or x.shape[1] not in (1, 3) or len(x) == 0:
        raise DataError(f"--input: images must be (N,H,W) or (N,C,H,W) with C 1 or 3, "
                        f"got shape {x.shape}")
    x = x.astype(np.float32) / (255.0 if x.dtype == np.uint8 or x.max() > 1.5 else 1.0)
    t = _resize(x, size)
    if t.shape[1] != channels:
        t = t.repeat(1, 3, 1, 1) if channels == 3 else t.mean(1, keepdim=True)
    return t
