"""Gaussian mixtures fitted by EM, one E-step and M-step at a time in the window."""
from . import WINDOW, Family

FAMILIES = [Family(
    name="gmm", section="gmm", engine="studio.core.engines.gmm:GMMEngine",
    form=("data.name", "data.path", "data.n_points", "gmm.k", "gmm.covariance_type",
          "gmm.init", "gmm.reg_covar", "gmm.tol", "train.steps", "train.seed"),
    runs_in=WINDOW, colour=(31, 119, 180))]
