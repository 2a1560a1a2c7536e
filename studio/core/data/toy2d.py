"""Generated 2-D distributions with known modes (so mode coverage can be measured)."""
from __future__ import annotations

import numpy as np


def ring8(n: int, rng: np.random.Generator, radius: float = 1.0, sigma: float = 0.01):
    """8 Gaussians on a circle (PacGAN's ring: radius 1, sigma 0.01)."""
    angles = np.arange(8) * (2 * np.pi / 8)
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return _mixture(n, rng, centres, sigma), centres, sigma


def grid25(n: int, rng: np.random.Generator, sigma: float = 0.05):
    """5x5 Gaussians at {-4,-2,0,2,4}^2 (PacGAN's grid: sigma 0.05)."""
    ticks = np.arange(-4.0, 5.0, 2.0)
    centres = np.array([(x, y) for x in ticks for y in ticks])
    return _mixture(n, rng, centres, sigma), centres, sigma


def moons(n: int, rng: np.random.Generator, noise: float = 0.05):
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    pts = np.stack([x, y], 1) + rng.normal(0, noise, (n, 2))
    return pts - pts.mean(0), None, 0.0


def spiral(n: int, rng: np.random.Generator, noise: float = 0.03):
    t = np.sqrt(rng.uniform(0, 1, n)) * 3 * np.pi
    pts = np.stack([t * np.cos(t), t * np.sin(t)], 1) / (3 * np.pi)
    return pts + rng.normal(0, noise, (n, 2)), None, 0.0


def _mixture(n, rng, centres, sigma):
    k = rng.integers(0, len(centres), n)
    return centres[k] + rng.normal(0, sigma, (n, 2))


GENERATORS = {"ring8": ring8, "grid25": grid25, "moons": moons, "spiral": spiral}


def make_points(name: str, n: int, seed: int):
    """(points (n,2) float32, mode centres (K,2) or None, mode sigma)."""
    pts, centres, sigma = GENERATORS[name](n, np.random.default_rng(seed))
    return pts.astype(np.float32), centres, sigma
