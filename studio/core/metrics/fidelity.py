"""How close generated samples are to the data, in some feature space: the Fréchet distance
(Heusel et al. 2017; FID when the features are Inception's) and precision/recall from k-NN
radii (Kynkäänniemi et al. 2019), plus FID itself through torchmetrics."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

# torch-fidelity's Inception weights (what torchmetrics' FID loads): the file name and where
# torch's own cache keeps downloaded weights.
INCEPTION_FILE = "weights-inception-2015-12-05-6726825d.pth"
INCEPTION_URL = ("https://github.com/toshas/torch-fidelity/releases/download/v0.2.0/"
                 + INCEPTION_FILE)
CHUNK = 1024  # rows of a distance matrix at a time: n x n floats would not fit for large n


def frechet_distance(a, b) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)) of two sets of feature rows."""
    import warnings

    from scipy import linalg

    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    with warnings.catch_warnings():
        # A feature that is constant over a set (a dead ReLU) makes the product singular.
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(s_a @ s_b)
        if not np.isfinite(covmean).all():  # nudge both, as the reference FID code does
            eps = np.eye(len(s_a)) * 1e-6
            covmean = linalg.sqrtm((s_a + eps) @ (s_b + eps))
    covmean = np.real(covmean)
    d = float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * np.trace(covmean))
    return max(d, 0.0)


def _kth_radii(x: torch.Tensor, k: int) -> torch.Tensor:
    """Each row's distance to its k-th nearest other row."""
    out = []
    for start in range(0, len(x), CHUNK):
        d = torch.cdist(x[start:start + CHUNK], x)
        out.append(d.topk(k + 1, dim=1, largest=False).values[:, k])  # [:, 0] is itself
    return torch.cat(out)


def _inside(points: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    """Whether each point lies within some centre's ball."""
    out = []
    for start in range(0, len(points), CHUNK):
        d = torch.cdist(points[start:start + CHUNK], centres)
        out.append((d <= radii[None, :]).any(1))
    return torch.cat(out)


def precision_recall(real, fake, k: int = 3) -> tuple[float, float]:
    """Precision: the share of fakes inside the real manifold (balls around each real row
    reaching its k-th nearest real neighbour); recall: the share of reals inside the fake
    manifold, built the same way."""
    real = torch.as_tensor(np.asarray(real), dtype=torch.float64)
    fake = torch.as_tensor(np.asarray(fake), dtype=torch.float64)
    if min(len(real), len(fake)) <= k:
        raise ValueError(f"precision/recall with k={k} needs more than {k} samples of each")
    precision = _inside(fake, real, _kth_radii(real, k)).double().mean().item()
    recall = _inside(real, fake, _kth_radii(fake, k)).double().mean().item()
    return precision, recall


# -- FID with Inception features --------------------------------------------------------------
def inception_weights() -> Path:
    """Where the weights must be for FID to run offline (torch's hub cache)."""
    return Path(torch.hub.get_dir()) / "checkpoints" / INCEPTION_FILE


def fid_unavailable() -> str:
    """Why FID cannot be computed here ("" when it can): torch-fidelity missing, or its
    Inception weights not in the cache (never downloaded here: one line says what to place
    where)."""
    path = inception_weights()
    try:
        import torch_fidelity  # noqa: F401
        import torchmetrics  # noqa: F401
    except ImportError:  # both things it needs, so that one reading is enough offline
        return (f"FID needs torchmetrics and torch-fidelity (pip install -e \".[fid]\") and "
                f"the Inception weights {INCEPTION_FILE} (from {INCEPTION_URL}) at {path}")
    if not path.is_file():
        return (f"FID skipped: no Inception weights; place {INCEPTION_FILE} (from "
                f"{INCEPTION_URL}) at {path}")
    return ""


def fid(real: torch.Tensor, fake: torch.Tensor, feature=None, batch: int = 64) -> float:
    """FID between image sets (N, C, H, W) float in [0, 1], by torchmetrics: with the
    standard Inception network (weights from inception_weights()) or `feature`, a module
    mapping such images (3 channels) to feature rows (tests pass a small stand-in)."""
    import warnings

    from torchmetrics.image.fid import FrechetInceptionDistance

    with warnings.catch_warnings():
        # torchmetrics warns about its own internals on some torch versions
        warnings.simplefilter("ignore")
        if feature is None:
            metric = FrechetInceptionDistance(
                feature=2048, normalize=True,
                feature_extractor_weights_path=str(inception_weights()))
        else:
            metric = FrechetInceptionDistance(feature=feature, normalize=True)
        metric.eval()
        for images, is_real in ((real, True), (fake, False)):
            for start in range(0, len(images), batch):
                x = images[start:start + batch].float()
                if x.shape[1] == 1:
                    x = x.expand(-1, 3, -1, -1)
                metric.update(x, real=is_real)
        return float(metric.compute())
