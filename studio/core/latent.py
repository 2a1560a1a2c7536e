"""Latent-space geometry for the explorer: 2-D projections, ellipses, grids, image tiles.

Pure numpy, no Qt and no torch, so that it is cheap to call on every mouse move.
A projection is an orthonormal pair of directions P (2,D) through a centre c:
  project(z) = (z - c) @ P.T;   lift(p, base) moves `base` within that plane to p,
leaving the code's other coordinates (those the plot cannot show) as they were.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Projection:
    components: np.ndarray  # (2, D) orthonormal rows
    centre: np.ndarray  # (D,)
    name: str = ""

    @property
    def dim(self) -> int:
        return self.components.shape[1]

    def project(self, z: np.ndarray) -> np.ndarray:
        return (np.asarray(z, np.float64) - self.centre) @ self.components.T

    def lift(self, p: np.ndarray, base: np.ndarray) -> np.ndarray:
        """Codes (N,D) whose projection is p (N,2) and that otherwise equal `base` (D,)."""
        p = np.atleast_2d(np.asarray(p, np.float64))
        base = np.asarray(base, np.float64)
        return base + (p - self.project(base)) @ self.components

    def covariance(self, var: np.ndarray) -> np.ndarray:
        """(N,2,2) projected covariances of diagonal Gaussians with variances var (N,D)."""
        var = np.atleast_2d(var)
        return np.einsum("id,nd,jd->nij", self.components, var, self.components)


def axis_projection(dim: int, i: int, j: int) -> Projection:
    """Two latent coordinates as they are (i, j distinct, in range)."""
    if not (0 <= i < dim and 0 <= j < dim) or i == j:
        raise ValueError(f"need two different dimensions in 0..{dim - 1}, got {i}, {j}")
    comp = np.zeros((2, dim))
    comp[0, i] = comp[1, j] = 1.0
    return Projection(comp, np.zeros(dim), f"z{i} / z{j}")


def pca_projection(codes: np.ndarray) -> Projection:
    """The plane of the two largest principal components of `codes` (N,D)."""
    codes = np.asarray(codes, np.float64)
    centre = codes.mean(0)
    _, _, vt = np.linalg.svd(codes - centre, full_matrices=False)
    comp = vt[:2]
    if comp.shape[0] < 2:  # one code or D == 1: complete with any orthogonal direction
        comp = np.vstack([comp, np.eye(codes.shape[1])[:2]])[:2]
    # Sign convention: each component's largest entry positive, so refreshes don't flip the plot.
    signs = np.sign(comp[np.arange(2), np.abs(comp).argmax(1)])
    return Projection(comp * signs[:, None], centre, "PCA 1 / PCA 2")


def ellipse(mean2: np.ndarray, cov2: np.ndarray, n_sigma: float = 2.0, n: int = 49) -> np.ndarray:
    """(n,2) outline of the n-sigma ellipse of a 2-D Gaussian."""
    vals, vecs = np.linalg.eigh(np.asarray(cov2, np.float64))
    t = np.linspace(0, 2 * np.pi, n)
    circle = np.stack([np.cos(t), np.sin(t)], 1)
    return np.asarray(mean2) + n_sigma * (circle * np.sqrt(np.maximum(vals, 0))) @ vecs.T


def grid_points(x_range, y_range, n: int) -> np.ndarray:
    """(n*n, 2) cell centres, row-major from the top (high y) down, left to right."""
    xs = np.linspace(x_range[0], x_range[1], 2 * n + 1)[1::2]
    ys = np.linspace(y_range[1], y_range[0], 2 * n + 1)[1::2]
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], 1)


def interpolate(za: np.ndarray, zb: np.ndarray, n: int) -> np.ndarray:
    """(n, D) codes on the straight line from za to zb, both ends included."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1 - t) * np.asarray(za, np.float64) + t * np.asarray(zb, np.float64)


def tile(images: np.ndarray, ncol: int, pad: int = 1, pad_value: float = 0.5) -> np.ndarray:
    """Images (N,C,H,W) in [0,1] -> one (rows*H', ncol*W') gray or (.., .., 3) picture."""
    images = np.asarray(images, np.float32)
    n, c, h, w = images.shape
    rows = max(1, -(-n // ncol))
    out = np.full((rows * (h + pad) + pad, ncol * (w + pad) + pad, c), pad_value, np.float32)
    for k in range(n):
        r, q = divmod(k, ncol)
        y, x = pad + r * (h + pad), pad + q * (w + pad)
        out[y:y + h, x:x + w] = images[k].transpose(1, 2, 0)
    return np.clip(out[..., 0] if c == 1 else out, 0, 1)
