"""Sampling a trained VAE where its codes are: a Gaussian mixture fitted by EM (core.em) to
the means the encoder gives the training images, as in ex-post density estimation (Ghosh et
al. 2020) and the two-stage VAE (Dai & Wipf 2019).

After a short run the codes do not fill N(0, I) evenly: prior draws that land between them
decode to stroke soup, draws from the fitted mixture decode to digits. The mixture is small
(K means and K covariances of the latent size) and goes into the checkpoint, so `sample`
never reads the training data again.
"""
from __future__ import annotations

import numpy as np
import torch

from ..em.gmm import Mixture, Points, fit, sample
from ..em.init import init_mixture

K = 10
MAX_IMAGES = 10_000  # a seeded subset: the fit takes a second or two, not minutes
CHUNK = 1000
REG_COVAR = 1e-4


def fit_codes(model, data, seed: int) -> Mixture:
    """A K-component full-covariance mixture over the codes (means) of up to MAX_IMAGES of
    `data`'s images, from k-means++ seeds drawn with `seed`."""
    n = min(len(data), MAX_IMAGES)
    idx = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))[:n]
    codes = np.concatenate([
        model.encode_tensor(data.batch(idx[i:i + CHUNK].to(data.device)))[0]
        for i in range(0, n, CHUNK)])
    pts = Points(torch.from_numpy(codes))
    k = min(K, n)
    start = init_mixture(pts, k, "full", "kmeans++", REG_COVAR, np.random.default_rng(seed))
    return fit(pts, start, tol=1e-4, reg_covar=REG_COVAR, max_iter=200).mixture


def draw(mix: Mixture, n: int, gen: torch.Generator) -> np.ndarray:
    return sample(mix, n, gen)[0].float().cpu().numpy()


def to_state(mix: Mixture) -> dict:
    return {"weights": mix.weights.cpu(), "means": mix.means.cpu(),
            "covariances": mix.covariances.cpu()}


def from_state(s: dict) -> Mixture:
    return Mixture(s["weights"].double(), s["means"].double(), s["covariances"].double(), "full")
