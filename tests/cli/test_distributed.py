"""Scale out: the same presets under torchrun, 2 CPU processes with gloo."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studio.config import RunConfig
from studio.presets import PRESETS
from studio.core import distributed
from studio.core.follow import RunFollower
from studio.core.rundir import load_checkpoint

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
for _k in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
    ENV.pop(_k, None)
GAN_STEPS = 60
GAN_ARGS = ["--preset", "gan-ring8", "--steps", str(GAN_STEPS), "--set", "data.n_points=1000",
            "--set", "gan.hidden=16", "--quiet"]
# Tight tolerance so EM runs all its iterations; an odd count splits unevenly over 2 ranks.
GMM_ARGS = ["--preset", "gmm-blobs", "--steps", "25", "--set", "data.n_points=2001",
            "--set", "gmm.tol=1e-13", "--quiet"]


def torchrun_cmd(*args):
    # torchrun of this interpreter; --standalone picks a free port on localhost
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
            str(ROOT / "main.py"), *map(str, args)]


def cli(*args):
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                       capture_output=True, text=True, timeout=300, cwd=ROOT, env=ENV)
    assert p.returncode == 0, p.stderr
    return p


def read_metrics(run: Path) -> dict[str, np.ndarray]:
    table = np.genfromtxt(run / "metrics.csv", delimiter=",", names=True)
    return {k: table[k] for k in table.dtype.names}


@pytest.fixture(scope="module")
def gan_run(tmp_path_factory):
    """A distributed GAN run, followed as the window's Runs panel follows it."""
    run = tmp_path_factory.mktemp("dist") / "gan"
    follower = RunFollower(run)
    steps, resets = [], 0
    with subprocess.Popen(torchrun_cmd("train", "--out", run, *GAN_ARGS), cwd=ROOT, env=ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        while p.poll() is None:
            u = follower.poll()
            resets += u.reset
            steps += list(u.rows.get("step", ()))
            try:
                p.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
        out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    u = follower.poll()
    resets += u.reset
    steps += list(u.rows.get("step", ()))
    return run, out, steps, resets


def test_one_run_directory_written_by_rank_0(gan_run):
    run, out, _, _ = gan_run
    assert out.count("trained gan on ring8") == 1  # only rank 0 reports
    assert sorted(p.name for p in run.parent.iterdir()) == ["gan"]
    assert {p.name for p in run.iterdir()} == {"config.json", "metrics.csv", "checkpoint.pt",
                                               "samples", ".lock"}
    assert [p.name for p in (run / "samples").iterdir()] == [f"step_{GAN_STEPS:07d}.png"]
    m = read_metrics(run)
    assert list(m["step"]) == list(range(1, GAN_STEPS + 1))  # one writer: no doubled rows
    cfg = json.loads((run / "config.json").read_text())
    d = cfg.pop("distributed")
    assert d["world_size"] == 2 and d["backend"] == "gloo" and d["lr_scaling"] == "none"
    bs = PRESETS["gan-ring8"].config().train.batch_size
    assert d["per_rank_batch"] == bs and d["effective_batch"] == 2 * bs
    assert RunConfig.from_dict(cfg).train.batch_size == bs


def test_metrics_are_the_mean_over_ranks(gan_run):
    # Step 1's D metrics come before any update: rebuild each rank's first step here and
    # check the written value is the mean of both (rank 1 draws its own batch).
    run, _, _, _ = gan_run
    import torch

    from studio.core.engines import make_engine

    cfg = load_checkpoint(run)["config"]
    per_rank = []
    for rank in (0, 1):
        engine = make_engine(cfg, torch.device("cpu"))
        distributed.reseed_rank(engine, distributed.Context(rank, 2, rank, torch.device("cpu"),
                                                            "gloo"))
        per_rank.append({k: float(v) for k, v in engine.step().metrics.items()})
    m = read_metrics(run)
    for key in ("loss_d", "d_real", "d_fake"):
        a, b = per_rank[0][key], per_rank[1][key]
        assert a != b
        assert m[key][0] == pytest.approx((a + b) / 2, rel=1e-5)


def test_follower_reads_every_row_of_the_distributed_run(gan_run):
    _, _, steps, resets = gan_run
    assert resets == 0
    assert steps == list(range(1, GAN_STEPS + 1))


def test_distributed_checkpoint_samples_and_resumes_on_one_process(gan_run, tmp_path):
    run, _, _, _ = gan_run
    cli("sample", run, "--n", 50, "--out", tmp_path / "s.npz")
    pts = np.load(tmp_path / "s.npz")["points"]
    assert pts.shape == (50, 2) and np.isfinite(pts).all()
    state = load_checkpoint(run)["engine"]
    assert not any(k.startswith("module.") for k in state["G"]) and "step" in state
    # the other way round: one process continues the distributed run
    single = tmp_path / "single"
    subprocess.run(["cp", "-r", str(run), str(single)], check=True)
    cli("train", "--out", single, "--resume", "--steps", GAN_STEPS + 10, "--quiet")
    assert list(read_metrics(single)["step"]) == list(range(1, GAN_STEPS + 11))


def test_em_on_two_ranks_equals_the_single_process_fit(tmp_path):
    dist_run, single = tmp_path / "dist", tmp_path / "single"
    p = subprocess.run(torchrun_cmd("train", "--out", dist_run, *GMM_ARGS), cwd=ROOT, env=ENV,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    cli("train", "--out", single, *GMM_ARGS)
    a, b = read_metrics(dist_run), read_metrics(single)
    assert len(a["step"]) == 25 and list(a["step"]) == list(b["step"])
    np.testing.assert_allclose(a["log_likelihood"], b["log_likelihood"], rtol=1e-9, atol=0)
    np.testing.assert_allclose(a["bic"], b["bic"], rtol=1e-9, atol=0)
    fa, fb = np.load(dist_run / "gmm.npz"), np.load(single / "gmm.npz")
    for key in ("weights", "means", "covariances"):
        np.testing.assert_allclose(fa[key], fb[key], rtol=1e-8, atol=1e-10)
    d = json.loads((dist_run / "config.json").read_text())["distributed"]
    assert d["world_size"] == 2 and d["points_total"] == 2001
