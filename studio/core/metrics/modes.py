"""Mode coverage on 2-D sets with known modes, counted as PacGAN (2018) counts them.

A sample is high quality when it lies within 3 standard deviations of its nearest mode;
a mode is covered when at least `min_count` high-quality samples fall on it.
"""
from __future__ import annotations

import numpy as np


def mode_stats(points: np.ndarray, centres: np.ndarray, sigma: float, min_count: int = 1) -> dict:
    d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
    nearest = d2.argmin(1)
    good = np.sqrt(d2[np.arange(len(points)), nearest]) <= 3 * sigma
    counts = np.bincount(nearest[good], minlength=len(centres))
    return {"modes_covered": int((counts >= min_count).sum()), "modes_total": len(centres),
            "high_quality": float(good.mean()) if len(points) else 0.0}
