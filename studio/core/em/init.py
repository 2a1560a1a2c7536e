"""Starting parameters for EM: k-means++, random, random from data, or given (clicks, a file)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import torch

from ..data.files import DataError
from .gmm import COVARIANCE_TYPES, Mixture, Points, m_step, reduce_covariances

INIT_METHODS = ("kmeans++", "random", "random_from_data")


def kmeans_plusplus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of k seeds: each next seed drawn with probability proportional to D(x)^2."""
    n = len(x)
    idx = [int(rng.integers(n))]
    d2 = ((x - x[idx[0]]) ** 2).sum(1)
    for _ in range(1, k):
        total = d2.sum()
        if total <= 0:  # every point sits on a seed already: take any other point
            nxt = int(rng.choice(np.setdiff1d(np.arange(n), idx)))
        else:
            nxt = int(np.searchsorted(np.cumsum(d2), rng.random() * total, side="right"))
            nxt = min(nxt, n - 1)
        idx.append(nxt)
        d2 = np.minimum(d2, ((x - x[nxt]) ** 2).sum(1))
    return np.array(idx)


def init_mixture(pts: Points, k: int, ctype: str, method: str, reg_covar: float,
                 rng: np.random.Generator) -> Mixture:
    """A starting mixture.

    kmeans++: k-means++ seeds, each point given to its nearest seed, then one M-step.
    random: random soft responsibilities, then one M-step (as scikit-learn's "random").
    random_from_data: means at k distinct data points, each covariance the data covariance.
    """
    if ctype not in COVARIANCE_TYPES:
        raise ValueError(f"gmm.covariance_type: unknown type {ctype!r}")
    if pts.n < k:
        raise DataError(f"gmm.k: {k} components need at least {k} points, the data has {pts.n}")
    x = pts.x.cpu().numpy()
    dev = pts.x.device
    if method == "kmeans++":
        seeds = x[kmeans_plusplus(x, k, rng)]
        d2 = ((x[:, None, :] - seeds[None]) ** 2).sum(-1)
        resp = np.zeros((pts.n, k))
        resp[np.arange(pts.n), d2.argmin(1)] = 1.0
        resp[d2.argmin(0), np.arange(k)] = 1.0  # every seed keeps at least its own point
        resp /= resp.sum(1, keepdims=True)
        return m_step(pts, torch.from_numpy(resp).to(dev), ctype, reg_covar).mixture
    if method == "random":
        resp = rng.uniform(size=(pts.n, k))
        resp /= resp.sum(1, keepdims=True)
        return m_step(pts, torch.from_numpy(resp).to(dev), ctype, reg_covar).mixture
    if method == "random_from_data":
        means = torch.from_numpy(x[rng.choice(pts.n, k, replace=False)]).to(dev)
        cov = torch.cov(pts.x.T).reshape(pts.d, pts.d)
        cov.diagonal().add_(reg_covar + 1e-12 * float(cov.diagonal().mean().abs() + 1))
        weights = torch.full((k,), 1.0 / k, dtype=torch.float64, device=dev)
        full = cov.expand(k, pts.d, pts.d).clone()
        return Mixture(weights, means, reduce_covariances(full, ctype, weights), ctype)
    raise ValueError(f"gmm.init: unknown method {method!r}")


def mixture_from_arrays(weights, means, covariances, ctype: str, d: int,
                        where: str = "parameters") -> Mixture:
    """Check and convert given parameters; `covariances` may be (K,d,d) for any type or the
    type's own shape (tied (d,d), diag (K,d), spherical (K,))."""
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    m = np.asarray(means, dtype=np.float64)
    c = np.asarray(covariances, dtype=np.float64)
    k = len(w)
    if m.ndim == 1 and d == 1:
        m = m[:, None]
    if k < 1 or m.shape != (k, d):
        raise DataError(f"{where}: means must be ({k}, {d}) to match weights ({k},) and the "
                        f"{d}-D data, got {m.shape}")
    if not (np.isfinite(w).all() and np.isfinite(m).all() and np.isfinite(c).all()):
        raise DataError(f"{where}: contains NaN or Inf")
    if (w < 0).any() or abs(w.sum() - 1) > 1e-6:
        raise DataError(f"{where}: weights must be >= 0 and sum to 1 (sum {w.sum():.6g})")
    native = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[ctype]
    if c.shape == (k, d, d):
        if not np.allclose(c, c.transpose(0, 2, 1)):
            raise DataError(f"{where}: covariances must be symmetric")
        if (np.linalg.eigvalsh(c) <= 0).any():
            raise DataError(f"{where}: covariances must be positive definite")
        cov = reduce_covariances(torch.from_numpy(c), ctype, torch.from_numpy(w))
    elif c.shape == native:
        cov = torch.from_numpy(c)
        if ctype in ("diag", "spherical") and (c <= 0).any():
            raise DataError(f"{where}: variances must be > 0")
        if ctype == "tied" and (np.linalg.eigvalsh(c) <= 0).any():
            raise DataError(f"{where}: covariance must be positive definite")
    else:
        raise DataError(f"{where}: covariances must be ({k}, {d}, {d}) (or {native} for "
                        f"{ctype}), got {c.shape}")
    return Mixture(torch.from_numpy(w), torch.from_numpy(m), cov.clone(), ctype)


def load_init_file(path, ctype: str, d: int) -> Mixture:
    """A .npz with `weights` (K,), `means` (K,d), `covariances` (K,d,d); K comes from it."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file (gmm.init_file)")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise DataError(f"{path}: not a readable .npz file ({e})") from None
    missing = [k for k in ("weights", "means", "covariances") if k not in arrays]
    if missing:
        raise DataError(f"{path}: needs arrays weights, means, covariances (missing: "
                        f"{', '.join(missing)})")
    return mixture_from_arrays(arrays["weights"], arrays["means"], arrays["covariances"],
                               ctype, d, where=str(path))
