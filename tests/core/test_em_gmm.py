"""EM maths against scikit-learn's GaussianMixture, monotonicity, degenerate components."""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from studio.core.data.files import DataError
from studio.core.em import gmm as G
from studio.core.em.bench import bench_em
from studio.core.em.data import make_data, read_points
from studio.core.em.init import INIT_METHODS, init_mixture, load_init_file, mixture_from_arrays

torch.set_num_threads(1)


def _data(seed=0, offset=50.0):
    rng = np.random.default_rng(seed)
    parts = [rng.multivariate_normal(c, s, 250) for c, s in [
        ([0, 0], [[1, 0.6], [0.6, 1]]), ([4, 1], [[0.3, 0], [0, 1.5]]), ([-2, 4], [[0.5, -0.2], [-0.2, 0.4]])]]
    return np.concatenate(parts) + offset  # far from the origin: tests the centring


def _start(x, k, ctype, seed=1):
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(k) * 3)
    m = x[rng.choice(len(x), k, replace=False)]
    a = rng.normal(0, 0.5, (k, 2, 2))
    c = a @ a.transpose(0, 2, 1) + 0.5 * np.eye(2)
    cov = G.reduce_covariances(torch.from_numpy(c), ctype, torch.from_numpy(w)).numpy()
    return w, m, cov


def _sk_precisions(cov, ctype):
    return np.linalg.inv(cov) if ctype in ("full", "tied") else 1.0 / cov


@pytest.mark.parametrize("ctype", G.COVARIANCE_TYPES)
@pytest.mark.parametrize("reg_covar", [1e-6, 1e-2])
def test_log_likelihood_per_iteration_matches_sklearn(ctype, reg_covar):
    x = _data()
    w, m, cov = _start(x, 4, ctype)
    tol, iters = 1e-7, 40
    mix = G.Mixture(torch.from_numpy(w), torch.from_numpy(m), torch.from_numpy(cov), ctype)
    ours = G.fit(G.Points(torch.from_numpy(x)), mix, tol=tol, reg_covar=reg_covar, max_iter=iters)
    sk = GaussianMixture(4, covariance_type=ctype, tol=tol, reg_covar=reg_covar, max_iter=iters,
                         weights_init=w, means_init=m,
                         precisions_init=_sk_precisions(cov, ctype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(x)
    theirs = np.array(sk.lower_bounds_)
    assert len(ours.log_likelihoods) == len(theirs) > 3
    np.testing.assert_allclose(ours.log_likelihoods, theirs, rtol=1e-6)
    assert ours.converged == sk.converged_
    np.testing.assert_allclose(ours.mixture.means.numpy(), sk.means_, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(ours.mixture.covariances.numpy(), sk.covariances_, rtol=1e-5,
                               atol=1e-8)


@pytest.mark.parametrize("ctype", G.COVARIANCE_TYPES)
def test_bic_and_aic_match_sklearn(ctype):
    x = _data(3, offset=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = GaussianMixture(3, covariance_type=ctype, random_state=0, max_iter=20).fit(x)
    cov = sk.covariances_
    mix = G.Mixture(torch.from_numpy(sk.weights_), torch.from_numpy(sk.means_),
                    torch.from_numpy(cov), ctype)
    ll = float(G.e_step(G.Points(torch.from_numpy(x)), mix).log_likelihood)
    assert ll == pytest.approx(sk.score(x), rel=1e-9)
    assert G.bic(ll, len(x), 3, 2, ctype) == pytest.approx(sk.bic(x), rel=1e-9)
    assert G.aic(ll, len(x), 3, 2, ctype) == pytest.approx(sk.aic(x), rel=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(20, 300), k=st.integers(1, 4),
       d=st.integers(1, 2), ctype=st.sampled_from(G.COVARIANCE_TYPES),
       scale=st.floats(1e-3, 1e3), init=st.sampled_from(INIT_METHODS))
def test_log_likelihood_never_decreases(seed, n, k, d, ctype, scale, init):
    rng = np.random.default_rng(seed)
    # a random data set: a few random clusters of random shapes, at a random scale
    centres = rng.normal(0, 3, (rng.integers(1, 5), d))
    x = (centres[rng.integers(0, len(centres), n)] + rng.standard_normal((n, d))
         * rng.uniform(0.1, 2, d)) * scale
    pts = G.Points(torch.from_numpy(x))
    mix = init_mixture(pts, k, ctype, init, 0.0, rng)
    # reg_covar=0: plain EM, which never lowers the likelihood (regularised EM may, slightly)
    r = G.fit(pts, mix, tol=0.0, reg_covar=0.0, max_iter=25)
    assume(r.reseeded == 0)
    # A component shrunk onto a point (or, in 2-D, onto the line through two points) has a
    # variance made of rounding error (~1e-14): its density, hence the likelihood, moves with
    # that error, up or down.
    cov = r.mixture.covariances
    variances = torch.linalg.eigvalsh(cov) if ctype in ("full", "tied") else cov
    assume(float(variances.min()) > 1e-9 * float(x.var()))
    lls = np.array(r.log_likelihoods)
    assert np.isfinite(lls).all()
    assert (np.diff(lls) >= -1e-9 * np.maximum(1.0, np.abs(lls[1:]))).all(), lls


def _collapsing_start():
    """Two clusters and one outlier; component 3 starts on the outlier, very narrow."""
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (100, 2)), rng.normal(6, 1, (100, 2)), [[30.0, 30.0]]])
    w = np.array([0.45, 0.45, 0.1])
    m = np.array([[0.0, 0.0], [6.0, 6.0], [30.0, 30.0]])
    c = np.array([np.eye(2), np.eye(2), np.eye(2) * 1e-4])
    return x, w, m, c


def test_component_collapsing_on_one_point_is_handled_as_sklearn():
    x, w, m, c = _collapsing_start()
    mix = G.Mixture(*(torch.from_numpy(a) for a in (w, m, c)), "full")
    ours = G.fit(G.Points(torch.from_numpy(x)), mix, tol=1e-6, reg_covar=1e-6, max_iter=30)
    sk = GaussianMixture(3, tol=1e-6, reg_covar=1e-6, max_iter=30, weights_init=w,
                         means_init=m, precisions_init=np.linalg.inv(c)).fit(x)
    np.testing.assert_allclose(ours.log_likelihoods, sk.lower_bounds_, rtol=1e-6)
    assert np.isfinite(ours.mixture.covariances.numpy()).all()
    assert ours.mixture.covariances[2].diagonal().max() < 1e-5  # collapsed, kept invertible


def test_singular_component_is_reseeded_never_nan():
    x, w, m, c = _collapsing_start()
    mix = G.Mixture(*(torch.from_numpy(a) for a in (w, m, c)), "full")
    pts = G.Points(torch.from_numpy(x))
    with pytest.raises(ValueError, match="ill-defined"):
        GaussianMixture(3, reg_covar=0.0, max_iter=5, weights_init=w, means_init=m,
                        precisions_init=np.linalg.inv(c)).fit(x)
    r = G.fit(pts, mix, tol=0.0, reg_covar=0.0, max_iter=5)
    assert r.reseeded >= 1
    assert np.isfinite(r.log_likelihoods).all()
    assert torch.isfinite(r.mixture.covariances).all() and torch.isfinite(r.mixture.means).all()
    assert not torch.allclose(r.mixture.means[2], torch.tensor([30.0, 30.0], dtype=torch.float64))


def test_e_step_responsibilities_sum_to_one_and_match_sklearn():
    x = _data(5)
    w, m, cov = _start(x, 3, "full")
    mix = G.Mixture(torch.from_numpy(w), torch.from_numpy(m), torch.from_numpy(cov), "full")
    e = G.e_step(G.Points(torch.from_numpy(x)), mix)
    sk = GaussianMixture(3, weights_init=w, means_init=m, precisions_init=np.linalg.inv(cov))
    sk._initialize_parameters(x, np.random.RandomState(0))
    np.testing.assert_allclose(e.resp.sum(1).numpy(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(e.resp.numpy(), sk.predict_proba(x), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("method", INIT_METHODS)
@pytest.mark.parametrize("ctype", G.COVARIANCE_TYPES)
def test_init_methods_give_valid_mixtures(method, ctype):
    pts = G.Points(torch.from_numpy(_data(2)))
    mix = init_mixture(pts, 5, ctype, method, 1e-6, np.random.default_rng(0))
    assert mix.means.shape == (5, 2) and mix.weights.sum().item() == pytest.approx(1.0)
    _, bad = G.precision_cholesky(mix.covariances, ctype)
    assert not bad.any()


def test_kmeans_plusplus_finds_separated_clusters():
    x, truth = make_data("blobs", 3000, seed=4, true_k=4)
    mix = init_mixture(G.Points(torch.from_numpy(x)), 4, "full", "kmeans++", 1e-6,
                       np.random.default_rng(0))
    r = G.fit(G.Points(torch.from_numpy(x)), mix, tol=1e-6)
    dist = np.linalg.norm(r.mixture.means.numpy()[:, None] - truth.means.numpy()[None], axis=-1)
    assert sorted(dist.argmin(1)) == [0, 1, 2, 3]
    assert dist.min(1).max() < 0.3


def test_init_file_shapes(tmp_path):
    w, m = np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]])
    c = np.array([np.eye(2), 2 * np.eye(2)])
    np.savez(tmp_path / "ok.npz", weights=w, means=m, covariances=c)
    mix = load_init_file(tmp_path / "ok.npz", "diag", 2)
    np.testing.assert_allclose(mix.covariances.numpy(), [[1, 1], [2, 2]])
    assert load_init_file(tmp_path / "ok.npz", "tied", 2).covariances.shape == (2, 2)
    np.savez(tmp_path / "bad.npz", weights=w, means=m, covariances=c[:, :1])
    with pytest.raises(DataError, match="covariances must be"):
        load_init_file(tmp_path / "bad.npz", "full", 2)
    np.savez(tmp_path / "nopd.npz", weights=w, means=m, covariances=-c)
    with pytest.raises(DataError, match="positive definite"):
        load_init_file(tmp_path / "nopd.npz", "full", 2)
    with pytest.raises(DataError, match="sum to 1"):
        mixture_from_arrays([0.5, 0.6], m, c, "full", 2)
    with pytest.raises(DataError, match="missing: covariances"):
        np.savez(tmp_path / "miss.npz", weights=w, means=m)
        load_init_file(tmp_path / "miss.npz", "full", 2)


def test_read_points_csv_header_1d_and_errors(tmp_path):
    (tmp_path / "a.csv").write_text("x,y\n1,2\n3,4\n\n5,6\n")
    np.testing.assert_array_equal(read_points(tmp_path / "a.csv"), [[1, 2], [3, 4], [5, 6]])
    (tmp_path / "b.csv").write_text("value\n1.5\n2.5\n-1\n")
    assert read_points(tmp_path / "b.csv").shape == (3, 1)
    (tmp_path / "c.csv").write_text("1,2\nx,3\n")
    with pytest.raises(DataError, match="line 2"):
        read_points(tmp_path / "c.csv")
    np.savez(tmp_path / "d.npz", points=np.arange(10.0))
    assert read_points(tmp_path / "d.npz").shape == (10, 1)
    np.savez(tmp_path / "e.npz", points=np.zeros((5, 3)))
    with pytest.raises(DataError, match="shape"):
        read_points(tmp_path / "e.npz")


def test_sample_follows_the_mixture():
    mix = G.Mixture(torch.tensor([0.25, 0.75], dtype=torch.float64),
                    torch.tensor([[-5.0, 0.0], [5.0, 1.0]], dtype=torch.float64),
                    torch.tensor([0.25, 4.0], dtype=torch.float64), "spherical")
    pts, labels = G.sample(mix, 20000, torch.Generator().manual_seed(0))
    assert abs(labels.double().mean().item() - 0.75) < 0.02
    np.testing.assert_allclose(pts[labels == 1].mean(0).numpy(), [5, 1], atol=0.06)
    np.testing.assert_allclose(pts[labels == 1].var(0).numpy(), [4, 4], rtol=0.06)


def test_bench_em_reports_both():
    r = bench_em(n=2000, k=3, repeats=2)
    assert r["ours_s_per_iter"] > 0 and r["sklearn_s_per_iter"] > 0
    assert r["speedup"] == pytest.approx(r["sklearn_s_per_iter"] / r["ours_s_per_iter"])
    assert math.isfinite(r["ours_log_likelihood"])
