"""Gaussian mixtures fitted by EM, one E-step and M-step at a time in the window."""
from . import WINDOW, Curve, Family

FAMILIES = [Family(
    name="gmm", section="gmm", engine="studio.core.engines.gmm:GMMEngine",
    form=("data.name", "data.path", "data.n_points", "gmm.k", "gmm.covariance_type",
          "gmm.init", "gmm.reg_covar", "gmm.tol", "train.steps", "train.seed"),
    # What its run directories hold (main.py train); the window's EM panel draws its own.
    curves=(Curve(0, "log_likelihood", "log-likelihood", "#1f77b4"),
            Curve(1, "bic", "BIC", "#d62728"), Curve(1, "aic", "AIC", "#9467bd")),
    plots=(("Log-likelihood", "per point"), ("Model selection", "score")),
    runs_in=WINDOW, colour=(31, 119, 180))]
