"""Sample diversity: how spread out generated samples are, relative to real data.

A collapsed generator makes near-identical images, so its samples' mean pairwise distance
falls far below that of real images. The ratio fake/real is about 1 for a healthy
generator, near 0 for full collapse, and above 1 for noise. It says nothing about quality.
"""
from __future__ import annotations

import torch

__all__ = ["mean_pairwise_distance", "diversity_ratio", "diversity_by_label"]


@torch.no_grad()
def mean_pairwise_distance(x: torch.Tensor, max_n: int = 512) -> float:
    """Mean Euclidean distance between distinct samples of (N, ...), per feature dimension.

    Uses the first max_n samples (pairs grow as N^2). Dividing by sqrt(features) makes
    the figure comparable across image sizes.
    """
    x = x[:max_n].flatten(1).float()
    if len(x) < 2:
        raise ValueError("need at least 2 samples to measure diversity")
    return float(torch.pdist(x).mean() / x.shape[1] ** 0.5)


@torch.no_grad()
def diversity_ratio(fake: torch.Tensor, real: torch.Tensor, max_n: int = 512) -> float:
    """mean_pairwise_distance(fake) / mean_pairwise_distance(real); both in the same range."""
    ref = mean_pairwise_distance(real, max_n)
    return mean_pairwise_distance(fake, max_n) / max(ref, 1e-12)


@torch.no_grad()
def diversity_by_label(fake: torch.Tensor, labels: torch.Tensor, real: torch.Tensor,
                       real_labels: torch.Tensor, max_n: int = 256) -> dict[int, float]:
    """diversity_ratio per class, for a conditional G (collapse within a class hides in the
    overall figure when the classes differ). Classes with fewer than 2 samples are left out."""
    out: dict[int, float] = {}
    for k in torch.unique(labels).tolist():
        f, r = fake[labels == k], real[real_labels == k]
        if len(f) >= 2 and len(r) >= 2:
            out[int(k)] = diversity_ratio(f, r, max_n)
    return out
