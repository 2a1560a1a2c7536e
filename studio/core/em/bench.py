"""EM iteration speed, ours against scikit-learn's GaussianMixture on the same data and start."""
from __future__ import annotations

import statistics
import time
import warnings

import numpy as np
import torch

from . import gmm as G


def _blobs(n: int, d: int, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = rng.uniform(-6, 6, (k, d))
    return centres[rng.integers(0, k, n)] + rng.normal(0, 1.0, (n, d))


def bench_em(n: int = 100_000, d: int = 2, k: int = 8, covariance_type: str = "full",
             repeats: int = 7, seed: int = 0, device: str = "cpu", sklearn: bool = True) -> dict:
    """Median seconds per EM iteration (one E-step + one M-step) for us and for scikit-learn.

    Both start from the same parameters (means at k data points, identity covariances,
    equal weights) and iterate on the same float64 data; the first iteration of each is a
    warm-up and is not counted. Returns a dict of plain numbers and strings.
    """
    rng = np.random.default_rng(seed)
    x = _blobs(n, d, k, rng)
    w0 = np.full(k, 1.0 / k)
    m0 = x[rng.choice(n, k, replace=False)]
    c0 = np.repeat(np.eye(d)[None], k, axis=0)
    dev = torch.device(device)
    pts = G.Points(torch.from_numpy(x).to(dev))
    cov0 = G.reduce_covariances(torch.from_numpy(c0), covariance_type, torch.from_numpy(w0))
    mix = G.Mixture(torch.from_numpy(w0), torch.from_numpy(m0), cov0, covariance_type).to(dev)

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    ours: list[float] = []
    prec = None
    for i in range(repeats + 1):
        sync()
        t = time.perf_counter()
        e = G.e_step(pts, mix, prec)
        m = G.m_step(pts, e.resp, covariance_type, 1e-6)
        mix, prec = m.mixture, m.prec_chol
        ll = float(e.log_likelihood)  # a host sync, as the engine does each step
        sync()
        if i:
            ours.append(time.perf_counter() - t)
    out = {"n": n, "d": d, "k": k, "covariance_type": covariance_type, "device": str(dev),
           "torch_threads": torch.get_num_threads(), "repeats": repeats,
           "ours_s_per_iter": statistics.median(ours), "ours_log_likelihood": ll}
    if sklearn:
        out.update(_bench_sklearn(x, w0, m0, c0, covariance_type, repeats))
        out["speedup"] = out["sklearn_s_per_iter"] / out["ours_s_per_iter"]
    return out


def _bench_sklearn(x, w0, m0, c0, ctype: str, repeats: int) -> dict:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    prec = np.linalg.inv(c0)
    prec = {"full": prec, "tied": prec[0], "diag": np.diagonal(prec, axis1=1, axis2=2),
            "spherical": np.diagonal(prec, axis1=1, axis2=2).mean(1)}[ctype]
    times: list[float] = []
    gm = GaussianMixture(len(w0), covariance_type=ctype, reg_covar=1e-6, tol=0.0,
                         max_iter=1, warm_start=True, weights_init=w0, means_init=m0,
                         precisions_init=prec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for i in range(repeats + 1):
            # fit() with max_iter=1 and warm_start does one E+M, plus validation and one extra
            # E-step for the labels; time the iteration alone through the same methods it calls
            if i == 0:
                gm.fit(x)
                continue
            t = time.perf_counter()
            _, log_resp = gm._e_step(x)
            gm._m_step(x, log_resp)
            times.append(time.perf_counter() - t)
    return {"sklearn_s_per_iter": statistics.median(times)}


def format_bench(r: dict) -> str:
    line = (f"EM iteration, {r['n']:,} points, d={r['d']}, K={r['k']} {r['covariance_type']}: "
            f"ours {r['ours_s_per_iter'] * 1e3:.1f} ms ({r['device']})")
    if "sklearn_s_per_iter" in r:
        line += (f", scikit-learn {r['sklearn_s_per_iter'] * 1e3:.1f} ms, "
                 f"{r['speedup']:.1f}x faster")
    return line
