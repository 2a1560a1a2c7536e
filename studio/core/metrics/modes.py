"""Mode coverage on 2-D sets with known modes, counted as PacGAN (2018) counts them.

A sample is high quality when it lies within 3 standard deviations of its nearest mode;
a mode is covered when at least `min_count` high-quality samples fall on it.
"""
from __future__ import annotations

import torch


def mode_metrics(points: torch.Tensor, centres: torch.Tensor, sigma: float,
                 min_count: int = 1) -> dict:
    """Modes covered and the high-quality fraction as 0-d tensors on the points' device: no
    host sync and no boolean indexing (the GAN engine measures them during training)."""
    dist, nearest = torch.cdist(points.float(), centres.float()).min(1)
    good = (dist <= 3 * sigma).float()
    counts = torch.zeros(len(centres), device=points.device).scatter_add_(0, nearest, good)
    return {"modes_covered": (counts >= min_count).sum().float(), "high_quality": good.mean()}


def mode_stats(points, centres, sigma: float, min_count: int = 1) -> dict:
    """mode_metrics as numbers (and the number of modes), for arrays or tensors."""
    points = torch.as_tensor(points)
    centres = torch.as_tensor(centres, device=points.device)
    if not len(points):
        return {"modes_covered": 0, "modes_total": len(centres), "high_quality": 0.0}
    m = mode_metrics(points, centres, sigma, min_count)
    covered, quality = torch.stack([m["modes_covered"], m["high_quality"]]).tolist()
    return {"modes_covered": int(covered), "modes_total": len(centres), "high_quality": quality}
