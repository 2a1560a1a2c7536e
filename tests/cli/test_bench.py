"""`main.py bench --quick --json F`, shrunk by GENERATIVE_STUDIO_BENCH_TINY to a few steps per
loop: every row is there with positive numbers. No timing assertions: the numbers of a tiny
run on a shared machine mean nothing."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_bench_row_is_a_valid_config():
    from studio.bench.rows import QUICK_ROWS, ROWS, TINY_ROWS, row_config

    assert set(QUICK_ROWS) | set(TINY_ROWS) <= set(ROWS)
    for name in ROWS:
        assert row_config(name, "cpu").train.device == "cpu"


def test_bench_quick_writes_every_part(tmp_path):
    out = tmp_path / "bench.json"
    env = dict(os.environ, GENERATIVE_STUDIO_BENCH_TINY="1", QT_QPA_PLATFORM="offscreen",
               GENERATIVE_STUDIO_RUNS=str(tmp_path / "runs"))
    p = subprocess.run([sys.executable, "main.py", "bench", "--quick", "--json", str(out)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    r = json.loads(out.read_text())
    assert set(r["rows"]) == {"dcgan28"}  # the tiny bench's one row (`gan2d` below)
    for row in r["rows"].values():
        for key in ("limit", "runner", "window", "script", "b_over_a", "c_over_a", "a_over_d",
                    "b_over_d"):
            assert row[key] > 0, key
        assert row["gui_latency_ms"]["samples"] > 0
        assert 0 <= row["gui_latency_ms"]["p50"] <= row["gui_latency_ms"]["max"]
    assert r["em"]["ours_s_per_iter"] > 0 and r["em"]["sklearn_s_per_iter"] > 0
    assert r["em"]["max_abs_mean_diff"] < 1e-6  # the same EM from the same start
    assert r["startup"]["window_shown_s"] > 0 and r["memory"]["peak_rss_mb"] > 0
    assert r["machine"]["torch_threads"] >= 1
    f = r["folder"]  # the folder row: 64 generated JPEGs and one step per loop when tiny
    assert f["images"] == 64 and f["cache_mb"] > 0
    for key in ("decode_images_per_s", "open_cache_s", "cache_steps_per_s", "device_steps_per_s",
                "script_steps_per_s", "cache_over_device", "cache_over_script"):
        assert f[key] > 0, key
    assert "b/a" in p.stdout and "EM" in p.stdout and "decoded into the cache" in p.stdout


def test_bench_rejects_bad_threads():
    p = subprocess.run([sys.executable, "main.py", "bench", "--threads", "0"], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "--threads" in lines[0]


def test_bench_without_qt_measures_the_other_loops(monkeypatch, capsys):
    """A GPU server with torch and no Qt: the window's loop and start-up are left out, said
    so, and every other number is there."""
    from studio import bench

    monkeypatch.setenv("GENERATIVE_STUDIO_BENCH_TINY", "1")
    monkeypatch.setattr(bench, "has_qt", lambda: False)
    monkeypatch.setattr(bench, "TINY_ROWS", ("gan2d",))
    r = bench.run_bench("cpu", quick=True, threads=1, say=print)
    row = r["rows"]["gan2d"]
    assert row["window"] is None and row["c_over_a"] is None and r["startup"] is None
    assert row["limit"] > 0 and row["runner"] > 0 and row["script"] > 0
    table = bench.format_table(r)
    assert "start-up: not measured" in table
    assert "the window loop (c) and the start-up time are left out" in capsys.readouterr().out
