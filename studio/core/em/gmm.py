"""Gaussian mixture maths in float64 torch: E-step, M-step, log-likelihood, BIC/AIC.

The formulas follow scikit-learn's GaussianMixture (same reg_covar, the same 10*eps added
to N_k, log-densities through the Cholesky factor of each precision), so that from the
same start both give the same log-likelihood per iteration. It is vectorised over the
components: for full covariances the Mahalanobis terms of all K components come from one
(N,d) @ (d,K*d) product, and the M-step second moments from one (K,N) @ (N,d*d) product
against the per-point outer products, which are computed once per data set.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
EPS = float(torch.finfo(torch.float64).eps)
LOG_2PI = math.log(2 * math.pi)


@dataclass
class Mixture:
    """K weighted Gaussians; `covariances` has the shape its type asks for:
    full (K,d,d), tied (d,d), diag (K,d), spherical (K,)."""

    weights: torch.Tensor
    means: torch.Tensor
    covariances: torch.Tensor
    covariance_type: str = "full"

    @property
    def k(self) -> int:
        return int(self.weights.shape[0])

    @property
    def d(self) -> int:
        return int(self.means.shape[1])

    def full_covariances(self) -> torch.Tensor:
        """(K,d,d) whatever the type, for drawing and sampling."""
        return expand_covariances(self.covariances, self.covariance_type, self.k, self.d)

    def clone(self) -> "Mixture":
        return Mixture(self.weights.clone(), self.means.clone(), self.covariances.clone(),
                       self.covariance_type)

    def to(self, device) -> "Mixture":
        return Mixture(self.weights.to(device), self.means.to(device),
                       self.covariances.to(device), self.covariance_type)

    def numpy(self) -> dict:
        """Copies (never views of the tensors, which a later step may change in place)."""
        return {"weights": self.weights.cpu().numpy().copy(),
                "means": self.means.cpu().numpy().copy(),
                "covariances": self.full_covariances().cpu().numpy().copy()}


def expand_covariances(cov: torch.Tensor, ctype: str, k: int, d: int) -> torch.Tensor:
    if ctype == "full":
        return cov
    if ctype == "tied":
        return cov.expand(k, d, d).clone()
    eye = torch.eye(d, dtype=cov.dtype, device=cov.device)
    if ctype == "diag":
        return torch.diag_embed(cov)
    return cov[:, None, None] * eye


def reduce_covariances(full: torch.Tensor, ctype: str, weights: torch.Tensor) -> torch.Tensor:
    """(K,d,d) -> the shape of `ctype` (tied: the weight-averaged matrix)."""
    if ctype == "full":
        return full
    if ctype == "tied":
        return (weights[:, None, None] * full).sum(0) / weights.sum()
    diag = torch.diagonal(full, dim1=-2, dim2=-1)
    return diag if ctype == "diag" else diag.mean(-1)


class Points:
    """Data prepared once for many EM iterations: centred copy and per-point outer products.

    Centring on the data mean keeps the second-moment M-step (E[xx'] - mu mu') accurate
    when the data sit far from the origin.
    """

    def __init__(self, x: torch.Tensor, center: torch.Tensor | None = None, comm=None,
                 n_total: int | None = None):
        self.x = x.to(torch.float64)
        self.n, self.d = self.x.shape
        # One slice of a data set split across processes: `comm.sum` adds a tensor over
        # all slices (and `comm.broadcast` takes the first's), `n_total` counts all the
        # points and `center` is all the points' mean. Without comm this is the whole set.
        self.comm = comm
        self.n_total = self.n if n_total is None else int(n_total)
        self.center = self.x.mean(0) if center is None else center.to(self.x)
        self.xc = self.x - self.center
        self.outer = (self.xc[:, :, None] * self.xc[:, None, :]).reshape(self.n, self.d * self.d)
        self.sq = self.xc * self.xc
        self._work: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}

    def total(self, t: torch.Tensor) -> torch.Tensor:
        """A sum over this slice -> the sum over all the points."""
        return t if self.comm is None else self.comm.sum(t)

    def workspace(self, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Buffers (N, d*K) and (N, K) reused by every E-step: fresh 10 MB arrays each
        iteration cost more in page faults than the arithmetic on them."""
        if k not in self._work:
            self._work = {k: (torch.empty(self.n, self.d * k, dtype=torch.float64,
                                          device=self.x.device),
                              torch.empty(self.n, k, dtype=torch.float64, device=self.x.device))}
        return self._work[k]


def precision_cholesky(cov: torch.Tensor, ctype: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(precision Cholesky factor as scikit-learn's precisions_cholesky_, bad (K,) bool or
    a 0-d bool for tied): `bad` marks covariances that are not positive definite."""
    if ctype in ("full", "tied"):
        chol, info = torch.linalg.cholesky_ex(cov)
        bad = (info != 0) | ~torch.isfinite(cov).flatten(-2).all(-1)
        eye = torch.eye(cov.shape[-1], dtype=cov.dtype, device=cov.device)
        chol = torch.where(bad[..., None, None], eye, chol)
        prec = torch.linalg.solve_triangular(chol, eye.expand_as(chol), upper=False)
        return prec.mT, bad
    bad = ~(cov > 0).reshape(cov.shape[0], -1).all(-1)
    return torch.where(cov > 0, cov, torch.ones_like(cov)).rsqrt(), bad


def log_det_cholesky(prec_chol: torch.Tensor, ctype: str, d: int) -> torch.Tensor:
    if ctype in ("full", "tied"):
        return torch.diagonal(prec_chol, dim1=-2, dim2=-1).log().sum(-1)
    if ctype == "diag":
        return prec_chol.log().sum(-1)
    return d * prec_chol.log()


def weighted_log_prob(pts: Points, mix: Mixture, prec_chol: torch.Tensor) -> torch.Tensor:
    """log pi_k + log N(x_n | mu_k, Sigma_k), (N,K)."""
    k, d, ctype = mix.k, pts.d, mix.covariance_type
    mu = mix.means - pts.center
    y, maha = pts.workspace(k)
    if ctype in ("full", "tied"):
        pc = prec_chol if ctype == "full" else prec_chol.expand(k, d, d)
        # column j*K + k of y holds coordinate j of x @ P_k: each coordinate is a (N,K) block
        flat = pc.permute(1, 2, 0).reshape(d, d * k)
        shift = torch.einsum("kd,kde->ek", mu, pc).reshape(d * k)
        torch.mm(pts.xc, flat, out=y)
        y.sub_(shift).square_()
        maha.copy_(y[:, :k])
        for j in range(1, d):
            maha.add_(y[:, j * k:(j + 1) * k])
    else:
        prec = prec_chol.square()
        if ctype == "spherical":
            prec = prec[:, None].expand(k, d)
        torch.mm(pts.sq, prec.T, out=maha)
        maha.addmm_(pts.xc, (mu * prec).T, alpha=-2).add_((mu * mu * prec).sum(1))
    const = log_det_cholesky(prec_chol, ctype, d) + mix.weights.log() - 0.5 * d * LOG_2PI
    if ctype == "tied":
        const = const.expand(k) if const.dim() == 0 else const
    return maha.mul_(-0.5).add_(const)


@dataclass
class EStep:
    resp: torch.Tensor  # (N,K), rows sum to 1; a buffer of `pts` the next E-step overwrites
    log_norm: torch.Tensor  # (N,) log p(x_n)
    log_likelihood: torch.Tensor  # 0-d: mean of log_norm (scikit-learn's lower bound)


def e_step(pts: Points, mix: Mixture, prec_chol: torch.Tensor | None = None) -> EStep:
    if prec_chol is None:
        prec_chol, _ = precision_cholesky(mix.covariances, mix.covariance_type)
    lp = weighted_log_prob(pts, mix, prec_chol)
    top = lp.amax(1, keepdim=True)
    resp = lp.sub_(top).exp_()  # one exp serves both the normaliser and the responsibilities
    total = resp.sum(1, keepdim=True)
    resp.div_(total)
    log_norm = total.log_().add_(top).squeeze(1)
    ll = log_norm.mean() if pts.comm is None else pts.total(log_norm.sum()) / pts.n_total
    return EStep(resp, log_norm, ll)


@dataclass
class MStep:
    mixture: Mixture
    nk: torch.Tensor  # (K,) soft counts (with scikit-learn's 10*eps)
    bad: torch.Tensor  # (K,) components whose covariance is not positive definite
    prec_chol: torch.Tensor


def m_step(pts: Points, resp: torch.Tensor, ctype: str, reg_covar: float) -> MStep:
    k, d = resp.shape[1], pts.d
    nk = pts.total(resp.sum(0)) + 10 * EPS
    mu = pts.total(resp.T @ pts.xc) / nk[:, None]  # centred means
    if ctype in ("full", "tied"):
        second = pts.total(resp.T @ pts.outer).view(k, d, d)
        if ctype == "full":
            cov = second / nk[:, None, None] - mu[:, :, None] * mu[:, None, :]
        else:
            cov = (second.sum(0) - torch.einsum("k,ki,kj->ij", nk, mu, mu)) / nk.sum()
        cov = 0.5 * (cov + cov.mT)
        cov.diagonal(dim1=-2, dim2=-1).add_(reg_covar)
    else:
        cov = pts.total(resp.T @ pts.sq) / nk[:, None] - mu * mu + reg_covar
        if ctype == "spherical":
            cov = cov.mean(1)
    mix = Mixture(nk / nk.sum(), mu + pts.center, cov, ctype)
    prec_chol, bad = precision_cholesky(cov, ctype)
    return MStep(mix, nk, bad.reshape(-1).expand(k) if ctype == "tied" else bad, prec_chol)


def fallback_covariance(pts: Points, ctype: str, k: int, scale: float = 0.25) -> torch.Tensor:
    """A broad, well-conditioned covariance for re-seeding: a fraction of the data variance."""
    var = float(pts.sq.mean(0).mean()) * scale
    var = var if var > 1e-12 else 1.0
    full = torch.eye(pts.d, dtype=torch.float64, device=pts.x.device).expand(k, -1, -1) * var
    return reduce_covariances(full, ctype, torch.ones(k, dtype=torch.float64, device=pts.x.device))


def reseed(pts: Points, mix: Mixture, bad: torch.Tensor, log_norm: torch.Tensor | None) -> Mixture:
    """Move collapsed components onto the worst-explained points, with a broad covariance."""
    out = mix.clone()
    idx = torch.nonzero(bad).flatten()
    if len(idx) == 0:
        return out
    if out.covariance_type == "tied":
        out.covariances = fallback_covariance(pts, "tied", out.k)
    else:
        out.covariances[idx] = fallback_covariance(pts, out.covariance_type, len(idx))
    order = torch.argsort(log_norm) if log_norm is not None else torch.arange(pts.n)
    out.means[idx] = pts.x[order[: len(idx)].to(pts.x.device)]
    out.weights[idx] = 1.0 / out.k
    out.weights /= out.weights.sum()
    if pts.comm is not None:  # each slice chose its own worst points: all take the first's
        out = Mixture(pts.comm.broadcast(out.weights), pts.comm.broadcast(out.means),
                      pts.comm.broadcast(out.covariances), out.covariance_type)
    return out


def n_parameters(k: int, d: int, ctype: str) -> int:
    cov = {"full": k * d * (d + 1) // 2, "tied": d * (d + 1) // 2, "diag": k * d,
           "spherical": k}[ctype]
    return cov + k * d + k - 1


def bic(mean_ll: float, n: int, k: int, d: int, ctype: str) -> float:
    return -2 * mean_ll * n + n_parameters(k, d, ctype) * math.log(n)


def aic(mean_ll: float, n: int, k: int, d: int, ctype: str) -> float:
    return -2 * mean_ll * n + 2 * n_parameters(k, d, ctype)


def sample(mix: Mixture, n: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(points (n,d), component labels (n,))."""
    dev = gen.device
    labels = torch.multinomial(mix.weights.to(dev), n, replacement=True, generator=gen)
    chol = torch.linalg.cholesky(mix.full_covariances().to(dev))
    z = torch.randn(n, mix.d, dtype=torch.float64, device=dev, generator=gen)
    pts = mix.means.to(dev)[labels] + torch.einsum("nij,nj->ni", chol[labels], z)
    return pts, labels


@dataclass
class FitResult:
    mixture: Mixture
    log_likelihoods: list[float]
    converged: bool
    reseeded: int  # how many times a collapsed component was re-seeded


def fit(pts: Points, mix: Mixture, tol: float = 1e-3, reg_covar: float = 1e-6,
        max_iter: int = 100) -> FitResult:
    """EM from `mix` until the change in mean log-likelihood is below `tol`."""
    lls: list[float] = []
    prev, converged, reseeded = -math.inf, False, 0
    prec_chol, _ = precision_cholesky(mix.covariances, mix.covariance_type)
    for _ in range(max_iter):
        e = e_step(pts, mix, prec_chol)
        m = m_step(pts, e.resp, mix.covariance_type, reg_covar)
        mix, prec_chol = m.mixture, m.prec_chol
        if bool(m.bad.any()):
            mix = reseed(pts, mix, m.bad, e.log_norm)
            prec_chol, _ = precision_cholesky(mix.covariances, mix.covariance_type)
            reseeded += 1
        ll = float(e.log_likelihood)
        lls.append(ll)
        if abs(ll - prev) < tol:
            converged = True
            break
        prev = ll
    return FitResult(mix, lls, converged, reseeded)
