"""Points for a Gaussian mixture: the user's file (1-D or 2-D), a generated true mixture,
or a toy 2-D set (whose known modes give a true mixture to compare with)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..data.files import DataError, _load_npz, read_csv_rows
from ..data.toy2d import GENERATORS, make_points
from .gmm import Mixture

MAX_DIM = 2  # the panel draws 1-D and 2-D; the maths works for any d


def read_points(path) -> np.ndarray:
    """(N,d) float64 from .csv (one point a line, an optional header row) or .npz `points`
    of shape (N,), (N,1) or (N,2)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        pts = read_csv_rows(path)
    elif suffix == ".npz":
        z = _load_npz(path)
        if "points" not in z:
            raise DataError(f"{path}: needs an array named 'points' (found: "
                            f"{', '.join(z) or 'nothing'})")
        pts = np.asarray(z["points"])
        if pts.dtype == object or not np.issubdtype(pts.dtype, np.number):
            raise DataError(f"{path}: points must be numbers")
        pts = pts.reshape(-1, 1) if pts.ndim == 1 else pts
    else:
        raise DataError(f"{path}: expected a .csv or .npz file of points")
    if pts.ndim != 2 or not 1 <= pts.shape[1] <= MAX_DIM:
        raise DataError(f"{path}: points must be (N,), (N,1) or (N,2), got shape {pts.shape}")
    if len(pts) < 2:
        raise DataError(f"{path}: needs at least 2 points")
    pts = pts.astype(np.float64)
    if not np.isfinite(pts).all():
        raise DataError(f"{path}: points contain NaN or Inf")
    return pts


def random_mixture(k: int, d: int, rng: np.random.Generator, spread: float = 4.0) -> Mixture:
    """A true mixture to generate from: well separated means, random shapes and weights."""
    means = rng.uniform(-spread, spread, (k, d))
    for _ in range(200):  # push means apart so the components stay distinguishable
        gap = np.linalg.norm(means[:, None] - means[None], axis=-1) + np.eye(k) * 1e9
        if gap.min() > 1.5:
            break
        i = np.unravel_index(gap.argmin(), gap.shape)[0]
        means[i] = rng.uniform(-spread, spread, d)
    a = rng.normal(0, 0.6, (k, d, d))
    covs = a @ a.transpose(0, 2, 1) + 0.15 * np.eye(d)
    weights = rng.dirichlet(np.full(k, 5.0))
    return Mixture(torch.from_numpy(weights), torch.from_numpy(means), torch.from_numpy(covs))


def sample_mixture(mix: Mixture, n: int, rng: np.random.Generator) -> np.ndarray:
    w, m, c = mix.weights.numpy(), mix.means.numpy(), mix.full_covariances().numpy()
    labels = rng.choice(len(w), n, p=w / w.sum())
    z = rng.standard_normal((n, mix.d))
    return m[labels] + np.einsum("nij,nj->ni", np.linalg.cholesky(c)[labels], z)


def make_data(name: str, n: int, seed: int, true_k: int = 4, dim: int = 2
              ) -> tuple[np.ndarray, Mixture | None]:
    """(points (n,d) float64, the true mixture when it is known)."""
    rng = np.random.default_rng(seed)
    if name == "blobs":
        truth = random_mixture(true_k, dim, rng)
        return sample_mixture(truth, n, rng), truth
    if name in GENERATORS:
        pts, centres, sigma = make_points(name, n, seed)
        truth = None
        if centres is not None:
            k = len(centres)
            truth = Mixture(torch.full((k,), 1.0 / k, dtype=torch.float64),
                            torch.from_numpy(np.asarray(centres, np.float64)),
                            torch.full((k,), float(sigma) ** 2, dtype=torch.float64), "spherical")
        return pts.astype(np.float64), truth
    raise DataError(f"data.name: a Gaussian mixture needs points; {name!r} is not a point set")
