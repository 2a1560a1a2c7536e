"""The folder row of `main.py bench`: a folder of generated 64x64 JPEGs (made here, in ten
class sub-folders), decoded once into the studio's cache on every core, opened again from it,
and DCGAN at 64 px (the dcgan-folder-64 preset) trained three ways on it:
  cache    batches streamed from the memory-mapped cache (gathered ahead into pinned memory)
  device   the same uint8 set held whole on the device (a batch is an index slice)
  script   a pytorch/examples-style loop: DataLoader(ImageFolder(Resize, CenterCrop,
           ToTensor, Normalize)) with a worker per core, feeding the same networks and step
and the peak resident memory of `main.py train --preset dcgan-folder-64` on the folder.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

SIZE = 64
CLASSES = 10


def make_jpegs(root: Path, n: int, seed: int = 0) -> None:
    """n SIZE x SIZE JPEGs: smooth colour gradients with a bright disc (so they compress and
    decode as photos do, not as noise)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    for k in range(CLASSES):
        (root / f"c{k}").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        a, b, c = rng.random((3, 3)).astype(np.float32)
        img = a[:, None, None] + b[:, None, None] * xx + c[:, None, None] * yy
        cx, cy, r = rng.random(3) * [SIZE, SIZE, SIZE / 4]
        img += ((xx * SIZE - cx) ** 2 + (yy * SIZE - cy) ** 2 < (r + 4) ** 2) * 0.8
        px = (np.clip(img / 2.5, 0, 1) * 255).astype(np.uint8).transpose(1, 2, 0)
        Image.fromarray(px).save(root / f"c{i % CLASSES}" / f"{i:06d}.jpg", quality=90)


def _engine(folder: Path, device: str, batch: int):
    from ..core.engines import make_engine
    from ..presets import PRESETS

    cfg = PRESETS["dcgan-folder-64"].config()
    cfg.data.path, cfg.train.device, cfg.train.batch_size = str(folder), device, batch
    cfg.train.precision, cfg.train.compile = "fp32", False
    cfg.data.flip = False  # the script loop does not flip either
    return make_engine(cfg.validate())


def _rates(steppers: dict, steps: int, rounds: int, sync) -> dict:
    """{name: median steps/s} and {name/other: median of each round's own ratio}: the loops
    take turns, a segment of `steps` steps each per round (after one warm-up step each), so
    that load from other processes hits them alike."""
    for step in steppers.values():
        step()
    sync()
    seen: dict = {k: [] for k in steppers}
    for _ in range(rounds):
        for name, step in steppers.items():
            t = time.perf_counter()
            for _ in range(steps):
                step()
            sync()
            seen[name].append(steps / (time.perf_counter() - t))
    med = {k: statistics.median(v) for k, v in seen.items()}
    ratio = lambda a, b: statistics.median(x / y for x, y in zip(seen[a], seen[b]))  # noqa: E731
    return med, ratio


class _ScriptBatches:
    """What a script feeds the step: DataLoader(ImageFolder) batches, to [-1, 1] on the
    device (a fresh epoch when one ends)."""

    def __init__(self, folder: Path, batch: int, device: torch.device, workers: int):
        from torchvision import datasets, transforms

        tf = transforms.Compose([transforms.Resize(SIZE), transforms.CenterCrop(SIZE),
                                 transforms.ToTensor(), transforms.Normalize((0.5,) * 3,
                                                                             (0.5,) * 3)])
        ds = datasets.ImageFolder(str(folder), transform=tf)
        self.loader = torch.utils.data.DataLoader(
            ds, batch_size=batch, shuffle=True, num_workers=workers, drop_last=True,
            pin_memory=device.type == "cuda", persistent_workers=workers > 0)
        self.device, self._it = device, iter(self.loader)

    def __call__(self, n: int):
        try:
            x, _ = next(self._it)
        except StopIteration:
            self._it = iter(self.loader)
            x, _ = next(self._it)
        return x.to(self.device, non_blocking=True), None


def bench_folder(n: int, device: str, s: dict, say=lambda msg: None,
                 threads: int | None = None) -> dict:
    from ..core import data as data_mod
    from ..core.data import cache
    from ..core.data.decode import cpu_workers
    from ..core.data.folder import load_image_folder
    from .loops import peak_rss_mb

    dev = torch.device(device)
    sync = (lambda: torch.cuda.synchronize(dev)) if dev.type == "cuda" else (lambda: None)
    tiny = s.get("rounds", 2) <= 1  # tests: one step per loop, no memory runs
    batch = 8 if tiny else 64
    steps, rounds = (1, 1) if tiny else (s["folder_steps"], 5)
    out = {"images": n, "size": SIZE, "batch": batch, "workers": cpu_workers()}
    old_env = os.environ.get(cache.ENV_VAR)
    with tempfile.TemporaryDirectory(prefix="studio-bench-folder-") as tmp:
        tmp = Path(tmp)
        folder = tmp / "pictures"
        os.environ[cache.ENV_VAR] = str(tmp / "cache")
        try:
            say(f"  writing {n:,} {SIZE}x{SIZE} JPEGs ...")
            t = time.perf_counter()
            make_jpegs(folder, n)
            out["write_s"] = time.perf_counter() - t
            out["folder_mb"] = sum(f.stat().st_size for f in folder.rglob("*.jpg")) / 2**20
            say("  decoding into the cache ...")
            from torchvision.transforms.v2 import functional  # noqa: F401  (imported already
            # in a run: its import is start-up, not decoding)

            first = load_image_folder(folder, SIZE, "auto")
            out["decode_s"] = first.cache.seconds
            out["decode_images_per_s"] = n / first.cache.seconds
            out["cache_mb"] = cache.cache_size(first.cache.path) / 2**20
            again = [load_image_folder(folder, SIZE, "auto").cache.seconds for _ in range(3)]
            out["open_cache_s"] = statistics.median(again)
            del first
            say("  DCGAN 64 px from the cache, on the device, and from a DataLoader ...")
            share = data_mod.DEVICE_SHARE
            data_mod.DEVICE_SHARE = 0.0  # too large for the device: streamed from the cache
            try:
                t = time.perf_counter()
                streamed = _engine(folder, device, batch)
                out["engine_start_from_cache_s"] = time.perf_counter() - t
            finally:
                data_mod.DEVICE_SHARE = share
            assert streamed.data.stream is not None
            held = _engine(folder, device, batch)
            held.data.x = held.data.x.clone() if dev.type == "cpu" else held.data.x  # in memory
            script = _engine(folder, device, batch)  # the same networks (same seed)
            workers = cpu_workers()
            script._real_batch = _ScriptBatches(folder, batch, dev, workers)
            out["script_workers"], out["rounds"] = workers, rounds
            med, ratio = _rates({"cache": streamed.step, "device": held.step,
                                 "script": script.step}, steps, rounds, sync)
            for k, v in med.items():
                out[f"{k}_steps_per_s"] = v
            out["cache_over_device"] = ratio("cache", "device")
            out["cache_over_script"] = ratio("cache", "script")
            streamed.data.stream.close()
            del streamed, held, script
            out["set_uint8_mb"] = n * 3 * SIZE * SIZE / 2**20
            if tiny:
                return out
            say("  peak memory of a run on the folder ...")
            root = Path(__file__).resolve().parents[2]
            main_py = ("import runpy; sys.argv = sys.argv[1:]; "
                       "runpy.run_path(sys.argv[0], run_name='__main__')")
            args = [str(root / "main.py"), "train", "--preset", "dcgan-folder-64", "--out",
                    str(tmp / "run"), "--steps", str(max(2, steps * 2)), "--device", device,
                    "--quiet", "--set", f"data.path={folder}", "--set",
                    f"train.batch_size={batch}"]
            out["run_peak_rss_mb"] = peak_rss_mb(main_py, args, root, str(tmp))
            small = tmp / "small" / "c0"  # the same run on 64 of the pictures: its baseline
            small.mkdir(parents=True)
            for f in sorted(folder.rglob("*.jpg"))[:64]:
                os.link(f, small / f.name)
            args[args.index(f"data.path={folder}")] = f"data.path={small.parent}"
            args[args.index(str(tmp / "run"))] = str(tmp / "run-small")
            out["baseline_rss_mb"] = peak_rss_mb(main_py, args, root, str(tmp))
            out["import_torch_rss_mb"] = peak_rss_mb("import torch", [], root, str(tmp))
        finally:
            if old_env is None:
                os.environ.pop(cache.ENV_VAR, None)
            else:
                os.environ[cache.ENV_VAR] = old_env
    return out


def format_folder(f: dict) -> str:
    return (f"folder: {f['images']:,} {f['size']}x{f['size']} JPEGs ({f['folder_mb']:.0f} MB): "
            f"decoded into the cache at {f['decode_images_per_s']:,.0f} images/s "
            f"({f['workers']} worker(s), {f['decode_s']:.1f} s; cache {f['cache_mb']:.0f} MB), "
            f"opened again in {f['open_cache_s']:.2f} s\n"
            f"  DCGAN 64 px, batch {f['batch']}: from the cache {f['cache_steps_per_s']:.2f} "
            f"steps/s, held on the device {f['device_steps_per_s']:.2f}, DataLoader(ImageFolder, "
            f"{f['script_workers']} workers) {f['script_steps_per_s']:.2f} (medians of "
            f"{f['rounds']} interleaved rounds); cache/device "
            f"{f['cache_over_device']:.2f}, cache/DataLoader {f['cache_over_script']:.2f}"
            + ("" if "run_peak_rss_mb" not in f else
            f"\n  peak memory of a run on it: {f['run_peak_rss_mb']:.0f} MB; the same run on 64 "
            f"of the pictures {f['baseline_rss_mb']:.0f} MB; the set as uint8 "
            f"{f['set_uint8_mb']:.0f} MB (run - baseline = "
            f"{(f['run_peak_rss_mb'] - f['baseline_rss_mb']) / f['set_uint8_mb']:.2f}x the set); "
            f"`import torch` alone {f['import_torch_rss_mb']:.0f} MB"))


if __name__ == "__main__":  # python -m studio.bench.folder N [device]
    import json

    r = bench_folder(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "cpu",
                     {"rounds": 3, "folder_steps": 2}, say=lambda m: print(m, file=sys.stderr))
    print(format_folder(r))
    print(json.dumps(r))
