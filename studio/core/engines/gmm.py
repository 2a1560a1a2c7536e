"""Gaussian mixture fitted by EM: one engine step = one EM iteration (E-step then M-step).

E and M are also callable one at a time (the EM panel animates them), every change is kept
in a short history so the panel can step back, and the data and starting parameters can
be edited between steps (clicked points, dragged means).
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..data.files import DataError
from ..devices import load_generator_state
from ..em import gmm as G
from ..em.data import make_data, read_points
from ..em.init import init_mixture, load_init_file
from .base import Engine, StepResult

MAX_HISTORY = 1000
# Starts per fit, the best kept (scikit-learn's n_init): a single k-means++ start lands in a
# poor optimum often enough to make BIC pick the wrong K on the default four blobs.
N_INIT = 5
MAX_PREVIEW_POINTS = 20000  # the panel shows a fixed subsample of bigger data sets
N_FAKE = 1000


@dataclass
class _Snapshot:
    mix: G.Mixture
    phase: str
    step: int
    n_ll: int
    prev_ll: float
    converged: bool
    message: str


def _vec(values, fmt: str = "{:.3g}", most: int = 6) -> str:
    vals = [fmt.format(v) for v in values]
    return "(" + ", ".join(vals[:most]) + (", …" if len(vals) > most else "") + ")"


class GMMEngine(Engine):
    kind = "gmm"
    metric_names = ("log_likelihood", "delta", "bic", "aic", "reseeded")

    def __init__(self, cfg, device: torch.device):
        super().__init__()
        self.cfg = cfg
        # float64 is the point of this engine and MPS has none: use the CPU there
        self.device = torch.device("cpu") if device.type == "mps" else torch.device(device)
        g = cfg.gmm
        self.ctype, self.reg_covar, self.tol = g.covariance_type, g.reg_covar, g.tol
        self.init_method = g.init
        self.n_init = N_INIT
        self.rng = np.random.default_rng(cfg.train.seed)
        self.gen = torch.Generator(device=self.device.type).manual_seed(cfg.train.seed)
        self.points_edited = False
        if cfg.data.path:
            x, truth = read_points(cfg.data.path), None
        else:
            x, truth = make_data(cfg.data.name, cfg.data.n_points, cfg.train.seed,
                                 g.true_k, g.dim)
        self.truth = truth
        self._set_points(x)
        if g.init_file:
            mix = load_init_file(g.init_file, self.ctype, self.pts.d).to(self.device)
            self.init_method = "file"
        else:
            mix = self._best_start(g.k)
        self._start(mix, f"Initial parameters ({self._starts_text()}). Press E-step.")

    # -- set-up ---------------------------------------------------------------------------
    def _set_points(self, x: np.ndarray) -> None:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
        self.pts = G.Points(torch.from_numpy(x).to(self.device))
        n = self.pts.n
        rng = np.random.default_rng(0)
        self._shown = (np.sort(rng.choice(n, MAX_PREVIEW_POINTS, replace=False))
                       if n > MAX_PREVIEW_POINTS else None)

    def shard(self, rank: int, world_size: int, comm) -> None:
        """Keep only slice `rank` of `world_size` of the points (one process of a
        distributed fit); `comm` sums the E-step statistics over all slices. The centre
        stays that of all the points, as in the single-process fit."""
        full = self.pts
        x = torch.tensor_split(full.x, world_size)[rank].clone()
        self.pts = G.Points(x, center=full.center, comm=comm, n_total=full.n_total)
        n = self.pts.n
        self._shown = (np.sort(np.random.default_rng(0).choice(n, MAX_PREVIEW_POINTS,
                                                                 replace=False))
                       if n > MAX_PREVIEW_POINTS else None)
        self._e = None

    def _best_start(self, k: int, method: str | None = None,
                    rng: np.random.Generator | None = None) -> G.Mixture:
        """Of n_init starting mixtures, the one whose EM fit ends with the highest
        likelihood (the fit itself is what the steps then show)."""
        best, best_ll = None, -math.inf
        for _ in range(max(1, self.n_init)):
            mix = init_mixture(self.pts, k, self.ctype, method or self.init_method,
                               self.reg_covar, rng if rng is not None else self.rng)
            if self.n_init <= 1:
                return mix
            ll = self._fitted_ll(mix)
            if best is None or ll > best_ll:
                best, best_ll = mix, ll
        return best

    def _fitted_ll(self, mix: G.Mixture, max_iter: int = 200) -> float:
        r = G.fit(self.pts, mix.clone(), self.tol, self.reg_covar, max_iter)
        return float(G.e_step(self.pts, r.mixture).log_likelihood)

    def _starts_text(self) -> str:
        return (f"{self.init_method}, best of {self.n_init} starts" if self.n_init > 1
                else self.init_method)

    def _start(self, mix: G.Mixture, message: str) -> None:
        """Begin a fresh run from `mix`: no iterations, no history but this start."""
        if mix.d != self.pts.d:
            raise DataError(f"gmm.init_file: means are {mix.d}-D, the data are {self.pts.d}-D")
        self.mix = mix
        self.prec_chol, bad = G.precision_cholesky(mix.covariances, mix.covariance_type)
        if bool(bad.any()):
            self.mix = G.reseed(self.pts, mix, bad.reshape(-1).expand(mix.k), None)
            self.prec_chol, _ = G.precision_cholesky(self.mix.covariances, self.ctype)
            message += " Some starting covariances were singular and were replaced."
        self.step_count, self.ll_history, self.prev_ll = 0, [], -math.inf
        self.converged, self.phase, self.message = False, "E", message
        self.e_done = False  # no responsibilities yet: the points are shown uncoloured
        self._e: G.EStep | None = None
        self._e_ll = math.nan
        self.history = [self._snapshot()]

    def _snapshot(self) -> _Snapshot:
        return _Snapshot(self.mix.clone(), self.phase, self.step_count, len(self.ll_history),
                         self.prev_ll, self.converged, self.message)

    def _push(self) -> None:
        self.history.append(self._snapshot())
        if len(self.history) > MAX_HISTORY:
            del self.history[1]  # keep the start so reset() can return to it

    @property
    def k(self) -> int:
        return self.mix.k

    @property
    def dim(self) -> int:
        return self.pts.d

    @property
    def n_points(self) -> int:
        return self.pts.n_total

    @property
    def max_steps(self) -> int:
        return int(self.cfg.train.steps)

    @property
    def done(self) -> bool:
        """True once converged: the CLI and the worker stop there."""
        return self.converged

    # -- EM ---------------------------------------------------------------------------------
    def e_step(self) -> str:
        """Responsibilities and log-likelihood under the current parameters."""
        if self.phase == "E":
            self._push()
        self._e = G.e_step(self.pts, self.mix, self.prec_chol)
        self._e_ll = float(self._e.log_likelihood)
        self.phase = "M"
        self.e_done = True
        r0 = self._e.resp[0].tolist()
        x0 = self.pts.x[0].tolist()
        self.message = (
            "E-step: r_nk = π_k N(x_n|μ_k,Σ_k) / Σ_j π_j N(x_n|μ_j,Σ_j).  "
            f"For x_1 = {_vec(x0)}: r_1 = {_vec(r0, '{:.2f}')}.  "
            f"Mean log-likelihood ℓ = (1/N) Σ_n log Σ_k π_k N(x_n|μ_k,Σ_k) = {self._e_ll:.5f}")
        return self.message

    def m_step(self) -> StepResult:
        """New weights, means and covariances from the responsibilities; ends an iteration."""
        if self.phase == "E":
            self.e_step()
        self._push()
        m = G.m_step(self.pts, self._e.resp, self.ctype, self.reg_covar)
        reseeded = int(m.bad.sum())
        self.mix, self.prec_chol = m.mixture, m.prec_chol
        if reseeded:
            self.mix = G.reseed(self.pts, m.mixture, m.bad, self._e.log_norm)
            self.prec_chol, _ = G.precision_cholesky(self.mix.covariances, self.ctype)
        ll, prev = self._e_ll, self.prev_ll
        delta = ll - prev
        self.converged = abs(delta) < self.tol
        self.prev_ll = ll
        self.ll_history.append(ll)
        self.step_count += 1
        self.phase = "E"
        self._e = None
        self.message = self._m_message(m, ll, prev, reseeded)
        n, k, d = self.pts.n_total, self.mix.k, self.pts.d
        return StepResult(self.step_count, {
            "log_likelihood": ll, "delta": delta if math.isfinite(delta) else 0.0,
            "bic": G.bic(ll, n, k, d, self.ctype), "aic": G.aic(ll, n, k, d, self.ctype),
            "reseeded": float(reseeded)})

    def _m_message(self, m: G.MStep, ll: float, prev: float, reseeded: int) -> str:
        cov = {"full": "Σ_k = Σ_n r_nk (x_n−μ_k)(x_n−μ_k)ᵀ / N_k",
               "tied": "Σ = Σ_k Σ_n r_nk (x_n−μ_k)(x_n−μ_k)ᵀ / N",
               "diag": "σ²_kj = Σ_n r_nk (x_nj−μ_kj)² / N_k",
               "spherical": "σ²_k = mean_j Σ_n r_nk (x_nj−μ_kj)² / N_k"}[self.ctype]
        change = f"Δ = {ll - prev:+.2e}" if math.isfinite(prev) else "first iteration"
        text = (f"M-step {self.step_count}: N_k = Σ_n r_nk = {_vec(m.nk.tolist(), '{:.1f}')}; "
                f"π_k = N_k/N = {_vec(self.mix.weights.tolist())}; μ_k = Σ_n r_nk x_n / N_k, "
                f"μ_1 = {_vec(self.mix.means[0].tolist())}; {cov} + {self.reg_covar:g}·I.  "
                f"ℓ = {ll:.5f} ({change})")
        if reseeded:
            text += (f".  {reseeded} component(s) collapsed (singular covariance) and were "
                     "re-seeded at the worst-explained points")
        if self.converged:
            text += f".  Converged: |Δℓ| < tol = {self.tol:g}"
        return text

    def step(self) -> StepResult:
        self.e_step()
        return self.m_step()

    def step_back(self) -> bool:
        """Undo the last E-step, M-step or edit of the parameters; False at the start."""
        if len(self.history) <= 1:
            return False
        s = self.history.pop()
        self.mix, self.phase, self.step_count = s.mix.clone(), s.phase, s.step
        del self.ll_history[s.n_ll:]
        self.prev_ll, self.converged, self.message = s.prev_ll, s.converged, s.message
        self.prec_chol, _ = G.precision_cholesky(self.mix.covariances, self.ctype)
        self._e = None
        if self.phase == "M":  # responsibilities are not kept in the history: recompute
            self._e = G.e_step(self.pts, self.mix, self.prec_chol)
            self._e_ll = float(self._e.log_likelihood)
        return True

    def reset(self) -> None:
        """Back to the starting parameters of this run."""
        s = self.history[0]
        self._start(s.mix.clone(), s.message)

    def reinit(self, method: str | None = None, k: int | None = None,
               covariance_type: str | None = None, n_init: int | None = None) -> None:
        """New starting parameters, the best of n_init (each call draws new random numbers)."""
        self.ctype = covariance_type or self.ctype
        self.init_method = method or (self.init_method if self.init_method != "file"
                                      else "kmeans++")
        self.n_init = self.n_init if n_init is None else max(1, int(n_init))
        k = self.mix.k if k is None else k
        self._start(self._best_start(k), f"Initial parameters ({self._starts_text()}, K={k}). "
                                         "Press E-step.")

    # -- editing ------------------------------------------------------------------------------
    def set_mean(self, i: int, xy) -> None:
        """Move component i (dragged by the user); before the first step it moves the start."""
        mix = self.mix.clone()
        mix.means[i] = torch.as_tensor(np.asarray(xy, np.float64)[: self.dim], device=self.device)
        msg = f"Moved the mean of component {i + 1} to {_vec(mix.means[i].tolist())}."
        if self.step_count == 0:
            self._start(mix, msg + " Press E-step.")
            return
        self._push()
        self.mix, self.phase, self._e, self.message = mix, "E", None, msg
        self.converged = False

    def set_parameters(self, mix: G.Mixture, message: str = "Given parameters.") -> None:
        self.ctype = mix.covariance_type
        self.init_method = "given"
        self._start(mix.to(self.device), message)

    def load_init(self, path) -> None:
        self.init_method = "file"
        self._start(load_init_file(path, self.ctype, self.dim).to(self.device),
                    f"Parameters from {Path(path).name}. Press E-step.")

    def set_data(self, x: np.ndarray, truth: G.Mixture | None = None, k: int | None = None,
                 edited: bool = False) -> None:
        """New points; a new run from fresh starting parameters when the dimension changes,
        else from the current parameters."""
        x = np.asarray(x, np.float64)
        x = x[:, None] if x.ndim == 1 else x
        if len(x) < max(2, self.mix.k if k is None else k):
            raise DataError(f"need at least {max(2, self.mix.k)} points, got {len(x)}")
        same_dim = x.shape[1] == self.dim
        self.truth, self.points_edited = truth, edited
        self._set_points(x)
        if same_dim and k is None:
            self._start(self.mix.clone(), f"{self.pts.n} points. Press E-step.")
        else:
            self._start(self._best_start(k or self.mix.k),
                        f"{self.pts.n} points, new start ({self._starts_text()}). Press E-step.")

    def generate(self, name: str, n: int, seed: int, true_k: int = 4, dim: int = 2) -> None:
        x, truth = make_data(name, n, seed, true_k, dim)
        self.set_data(x, truth, k=self.mix.k)

    def load_points(self, path) -> None:
        self.set_data(read_points(path), None, k=self.mix.k)

    def add_point(self, xy) -> None:
        x = self.pts.x.cpu().numpy()
        self.set_data(np.vstack([x, np.asarray(xy, np.float64)[: self.dim][None]]), self.truth,
                      edited=True)

    def remove_point(self, xy, radius: float) -> bool:
        """Remove the point nearest to xy if it lies within `radius`."""
        x = self.pts.x.cpu().numpy()
        d2 = ((x - np.asarray(xy, np.float64)[: self.dim]) ** 2).sum(1)
        i = int(d2.argmin())
        if d2[i] > radius ** 2 or len(x) <= max(2, self.mix.k):
            return False
        self.set_data(np.delete(x, i, axis=0), self.truth, edited=True)
        return True

    def set_hyperparameters(self, cfg) -> None:
        self.tol, self.reg_covar = cfg.gmm.tol, cfg.gmm.reg_covar

    # -- model selection ----------------------------------------------------------------------
    def score_k(self, k: int, max_iter: int = 200) -> dict:
        """Fit K components from n_init k-means++ starts, keep the best fit and score it:
        {k, bic, aic, log_likelihood, starts}."""
        rng = np.random.default_rng(k)
        best = None
        for _ in range(max(1, self.n_init)):
            mix = init_mixture(self.pts, k, self.ctype, "kmeans++", self.reg_covar, rng)
            r = G.fit(self.pts, mix, self.tol, self.reg_covar, max_iter)
            ll = float(G.e_step(self.pts, r.mixture).log_likelihood)
            if best is None or ll > best[0]:
                best = (ll, r.converged)
        ll, converged = best
        n, d = self.pts.n, self.pts.d
        return {"k": k, "log_likelihood": ll, "bic": G.bic(ll, n, k, d, self.ctype),
                "aic": G.aic(ll, n, k, d, self.ctype), "converged": converged,
                "starts": max(1, self.n_init)}

    # -- views and output -----------------------------------------------------------------------
    def responsibilities(self) -> torch.Tensor:
        """(N,K) responsibilities of the current parameters (the E-step's when one is pending)."""
        e = self._e if self._e is not None else G.e_step(self.pts, self.mix, self.prec_chol)
        return e.resp

    def shown_points(self) -> tuple[np.ndarray, np.ndarray]:
        """(points (M,d), responsibilities (M,K)) as float32 copies, M <= 20,000."""
        resp = self.responsibilities()
        x = self.pts.x
        if self._shown is not None:
            idx = torch.from_numpy(self._shown).to(self.device)
            x, resp = x[idx], resp[idx]
        return x.float().cpu().numpy(), resp.float().cpu().numpy()

    def params(self) -> dict:
        """weights (K,), means (K,d), covariances (K,d,d) as numpy copies."""
        return self.mix.numpy()

    def truth_params(self) -> dict | None:
        return None if self.truth is None else self.truth.numpy()

    @torch.no_grad()
    def preview(self) -> dict:
        x, resp = self.shown_points()
        out = {"kind": "gmm", "step": self.step_count, "dim": self.dim, "phase": self.phase,
               "covariance_type": self.ctype, "n_points": self.pts.n,
               "points": x, "resp": resp,
               "log_likelihood": np.array(self.ll_history, dtype=np.float64),
               "converged": self.converged, "message": self.message}
        out.update(self.mix.numpy())
        if self.truth is not None:
            out.update({f"true_{k}": v for k, v in self.truth.numpy().items()})
        fake = self.sample(N_FAKE)["points"]
        real = out["points"][:N_FAKE]
        pad = (lambda a: np.hstack([a, np.zeros_like(a)])) if self.dim == 1 else (lambda a: a)
        out["real"], out["fake"] = pad(real), pad(fake)  # what the run directory draws
        return out

    @torch.no_grad()
    def sample(self, n: int, **kwargs) -> dict:
        pts, _ = G.sample(self.mix.to(self.gen.device), n, self.gen)
        return {"points": pts.float().cpu().numpy()}

    def export(self, run_dir) -> Path:
        """Write the fitted mixture to RUN_DIR/gmm.npz (covariances always (K,d,d))."""
        from ..rundir import atomic_write_bytes

        n, k, d = self.pts.n_total, self.mix.k, self.dim
        ll = self.ll_history[-1] if self.ll_history else float(
            G.e_step(self.pts, self.mix, self.prec_chol).log_likelihood)
        buf = io.BytesIO()
        np.savez(buf, **self.mix.numpy(), covariance_type=np.array(self.ctype),
                 log_likelihood=np.array(self.ll_history, dtype=np.float64),
                 n_iter=np.array(self.step_count), converged=np.array(self.converged),
                 bic=np.array(G.bic(ll, n, k, d, self.ctype)),
                 aic=np.array(G.aic(ll, n, k, d, self.ctype)))
        out = Path(run_dir) / "gmm.npz"
        atomic_write_bytes(out, buf.getvalue())
        return out

    def state_dict(self) -> dict:
        state = {"weights": self.mix.weights.cpu(), "means": self.mix.means.cpu(),
                 "covariances": self.mix.covariances.cpu(), "covariance_type": self.ctype,
                 "step": self.step_count, "converged": int(self.converged),
                 "prev_ll": float(self.prev_ll),
                 "ll_history": torch.tensor(self.ll_history, dtype=torch.float64),
                 "rng": self.gen.get_state()}
        if self.points_edited:
            state["points"] = self.pts.x.cpu()
        return state

    def load_state_dict(self, state: dict) -> None:
        if "points" in state:
            self._set_points(state["points"].numpy())
            self.points_edited = True
        self.ctype = state["covariance_type"]
        mix = G.Mixture(state["weights"].to(self.device, torch.float64),
                        state["means"].to(self.device, torch.float64),
                        state["covariances"].to(self.device, torch.float64), self.ctype)
        self._start(mix, "Parameters from the checkpoint.")
        self.step_count = int(state["step"])
        self.converged = bool(state["converged"])
        self.prev_ll = float(state["prev_ll"])
        self.ll_history = state["ll_history"].tolist()
        load_generator_state(self.gen, state["rng"])
        self.history = [self._snapshot()]
