"""On a CUDA GPU: what mixed precision, channels_last and torch.compile buy, and what bf16 costs
in quality. Run from the repository root:

    python tools/gpu_speed.py [--quality-steps 2000]

Speed: images/s of the studio's runner (core.runner.run, metrics and previews as `main.py
train` has them) for DCGAN on 28x28 digits (batch 128), DCGAN at 64x64 (width 64, batch 256)
and the convolutional VAE (batch 256), each with train.precision fp32 and bf16 (with
channels_last), and DCGAN 64 also compiled. Medians over interleaved rounds.
Quality: dcgan-digits and vae-digits trained the same number of steps from the same seed in
fp32 and in bf16; a small CNN trained on the digits judges the DCGAN's samples (classes
seen, largest class share, confidence), and the VAEs' losses are compared.
(`--device cpu` runs the same on the CPU, slowly: a check of the script itself.)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.core.engines import make_engine  # noqa: E402
from studio.core.runner import run  # noqa: E402
from studio.presets import PRESETS  # noqa: E402

CASES = {
    "DCGAN 28x28, batch 128": ("dcgan-digits", {"train.batch_size": 128}),
    "DCGAN 64x64 width 64, batch 256": ("dcgan-digits", {"data.image_size": 64, "gan.width": 64,
                                                         "train.batch_size": 256}),
    "VAE conv 28x28, batch 256": ("vae-mnist", {"data.name": "digits", "train.batch_size": 256}),
}


DEVICE = "cuda"


def sync() -> None:
    if DEVICE == "cuda":
        torch.cuda.synchronize()


def config(preset: str, sets: dict, **more):
    cfg = PRESETS[preset].config()
    for k, v in {**sets, "train.device": DEVICE, **more}.items():
        cfg.set(k, v)
    return cfg.validate()


def timed(engine, steps: int) -> float:
    sync()
    t = time.perf_counter()
    list(run(engine, engine.step_count + steps, every=20,  # as `main.py train` runs it
             preview_every=engine.cfg.train.preview_every, headless=True))
    sync()
    return steps * engine.cfg.train.batch_size / (time.perf_counter() - t)


def speed(rounds: int, seconds: float) -> None:
    print(f"{'case':<34}{'variant':<22}{'images/s':>12}{'x fp32':>8}")
    for title, (preset, sets) in CASES.items():
        variants = {"fp32": config(preset, sets),
                    "bf16 + channels_last": config(preset, sets, **{"train.precision": "bf16"})}
        if "64x64" in title:
            variants["fp32 + compile"] = config(preset, sets, **{"train.compile": True})
        engines = {}
        for name, cfg in variants.items():
            t = time.perf_counter()
            try:
                engines[name] = make_engine(cfg)
                timed(engines[name], 30)  # warm-up: cuDNN autotuning, compilation
            except Exception as e:  # one variant failing must not hide the others' numbers
                engines.pop(name, None)
                print(f"  ({title}: {name} failed: {type(e).__name__}: {str(e)[:300]})")
                continue
            print(f"  ({title}: {name} ready in {time.perf_counter() - t:.0f} s)", flush=True)
            if engines[name].compile_problem():
                print(f"  ({name}: compiled steps failed, measured uncompiled: "
                      f"{engines[name].compile_problem()})")
        steps = {n: max(20, int(seconds * timed(e, 20) / e.cfg.train.batch_size))
                 for n, e in engines.items()}
        rates: dict[str, list[float]] = {n: [] for n in engines}
        for _ in range(rounds):
            for n, e in engines.items():
                rates[n].append(timed(e, steps[n]))
        base = statistics.median(rates["fp32"])
        for n, r in rates.items():
            med = statistics.median(r)
            print(f"{title:<34}{n:<22}{med:>12,.0f}{med / base:>8.2f}", flush=True)


def judge(images: torch.Tensor, seed: int = 0):
    """Judge samples with a CNN trained on scikit-learn's digits at 28x28 (on the CPU): its
    held-out accuracy, the classes it sees, the largest class share, its mean confidence."""
    from check_gan_digits import train_classifier

    from studio.core.data import load_digits_images

    x, y = (torch.from_numpy(a) for a in load_digits_images(28))
    net, acc = train_classifier(x, y, epochs=30, seed=seed)
    with torch.no_grad():
        prob = net(images.cpu()).softmax(1)
    share = torch.bincount(prob.argmax(1), minlength=10).float() / len(prob)
    return acc, int((share > 0.02).sum()), float(share.max()), float(prob.max(1).values.mean())


def quality(steps: int) -> None:
    print(f"\nquality after {steps} steps, seed 0 (fp32 | bf16):")
    out = {}
    for precision in ("fp32", "bf16"):
        e = make_engine(config("dcgan-digits", {}, **{"train.precision": precision}))
        t = time.perf_counter()
        list(run(e, steps, every=100, preview_every=10**9))
        took = time.perf_counter() - t
        e.gen.manual_seed(1)
        acc, classes, largest, conf = judge(torch.from_numpy(e.sample(1000)["images"]))
        out[precision] = (classes, largest, conf, took, acc)
    (c1, l1, f1, t1, acc), (c2, l2, f2, t2, _) = out["fp32"], out["bf16"]
    print(f"  dcgan-digits: classes seen {c1} | {c2} of 10, largest share {l1:.2f} | {l2:.2f}, "
          f"judge's confidence {f1:.3f} | {f2:.3f} (judge's held-out accuracy {acc:.3f}); "
          f"{t1:.0f} | {t2:.0f} s")
    losses = {}
    for precision in ("fp32", "bf16"):
        e = make_engine(config("vae-digits", {}, **{"train.precision": precision}))
        hist = [r.metrics["loss"] for b in run(e, steps, every=100, preview_every=10**9)
                for r in b]
        x = e.fixed_x
        with torch.no_grad():
            mu, logvar = e.model.encode(x)
            rec = F.binary_cross_entropy_with_logits(e.model.logits(mu), x,
                                                     reduction="sum") / len(x)
        losses[precision] = (float(np.mean(hist[-100:])), float(rec))
    (a1, r1), (a2, r2) = losses["fp32"], losses["bf16"]
    print(f"  vae-digits: training loss (last 100 steps) {a1:.2f} | {a2:.2f}; reconstruction "
          f"of the fixed digits from their means {r1:.2f} | {r2:.2f} nats per image")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=1.5)
    ap.add_argument("--quality-steps", type=int, default=2000)
    ap.add_argument("--device", default="cuda")
    a = ap.parse_args()
    global DEVICE
    DEVICE = a.device
    if DEVICE == "cuda" and not torch.cuda.is_available():
        print("no CUDA GPU here", file=sys.stderr)
        return 2
    name = torch.cuda.get_device_name() if DEVICE == "cuda" else DEVICE
    print(f"{name}, torch {torch.__version__}")
    speed(a.rounds, a.seconds)
    quality(a.quality_steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
