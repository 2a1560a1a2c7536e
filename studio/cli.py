"""Command line: presets, train, sample, encode, decode. No Qt is imported here.

Bad input exits with status 2 and one line naming the field or file and why.
"""
from __future__ import annotations

import argparse
import sys
import time
from array import array
from pathlib import Path

from .config import ConfigError, RunConfig
from .presets import PRESETS


class UsageError(Exception):
    """One-line error for the user; exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="main.py", description="Generative Studio: train generative models.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("presets", help="list the presets")

    t = sub.add_parser("train", help="train a preset headless, writing a run directory")
    t.add_argument("--preset", required=True, help="preset name (see `presets`)")
    t.add_argument("--out", required=True, help="run directory to write")
    t.add_argument("--steps", type=int, help="training steps (overrides the preset)")
    t.add_argument("--seed", type=int, help="random seed")
    t.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], help="where to train")
    t.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a setting, e.g. --set gan.lr_g=1e-4 (repeatable)")
    t.add_argument("--resume", action="store_true", help="continue from RUN_DIR/checkpoint.pt")
    t.add_argument("--quiet", action="store_true", help="no progress bar")

    s = sub.add_parser("sample", help="draw samples from a trained run")
    s.add_argument("run_dir", help="a run directory written by `train`")
    s.add_argument("--n", type=int, default=64, help="how many samples")
    s.add_argument("--out", required=True, help="output .npz file")
    s.add_argument("--seed", type=int, default=0, help="random seed for the noise")
    s.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda", "mps"])
    s.add_argument("--input", help=".npz of images: write the model's reconstruction/"
                                   "translation of them instead of new samples")
    s.add_argument("--label", help="class to draw (conditional models): index or class name")
    s.add_argument("--caption", help="text-to-image runs: the caption to draw")

    for name, what in (("encode", "images -> latent codes (means; log-variances for a VAE)"),
                       ("decode", "latent codes -> images")):
        c = sub.add_parser(name, help=f"{what}, for AE/VAE runs")
        c.add_argument("run_dir", help="a run directory written by `train`")
        c.add_argument("--input", required=True,
                       help=".npz with images (encode) or codes (decode), optional labels")
        c.add_argument("--out", required=True, help="output .npz file")
        c.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda", "mps"])

    b = sub.add_parser("bench", help="measure training speed, GUI latency, EM and start-up; "
                                     "print a table")
    b.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda", "mps"])
    b.add_argument("--quick", action="store_true", help="fewer rows and repeats (a few minutes)")
    b.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    b.add_argument("--threads", type=int, help="torch intra-op threads (default: the window's, "
                                               "one core left to the GUI)")
    return p


def config_from_args(args) -> RunConfig:
    if args.preset not in PRESETS:
        raise UsageError(f"--preset: unknown preset {args.preset!r} "
                         f"(one of: {', '.join(PRESETS)})")
    cfg = PRESETS[args.preset].config()
    if args.steps is not None:
        cfg.set("train.steps", args.steps)
    if args.seed is not None:
        cfg.set("train.seed", args.seed)
    if args.device is not None:
        cfg.set("train.device", args.device)
    for item in args.set:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise UsageError(f"--set {item!r}: expected KEY=VALUE")
        cfg.set(key.strip(), value)
    return cfg.validate()


def cmd_presets(args) -> int:
    for p in PRESETS.values():
        when = f"~{p.cpu_minutes:g} min" if p.cpu_minutes is not None else "-"
        print(f"{p.name:<24} {p.model:<10} {p.data:<14} {when:<10} {p.description}")
    print("(times: a whole run on a 2-core CPU, measured)")
    return 0


def cmd_train(args) -> int:
    from .core import distributed

    done = False
    try:
        rc = _train(args)
        done = True
        return rc
    finally:
        # A no-op unless torchrun started this process; after an error, no waiting for the
        # other ranks (they may never get here).
        distributed.shutdown(wait=done)


def _train(args) -> int:
    from .core import distributed
    from .core.engines import make_engine
    from .core.rundir import RunDir, load_checkpoint
    from .core.runner import record, run, steps_per_batch

    cfg = config_from_args(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a directory")
    history = None
    if args.resume:
        ck = load_checkpoint(out)
        steps = cfg.train.steps
        cfg = ck["config"]
        cfg.train.steps = max(steps, ck["step"])
    # Under torchrun every rank trains and rank 0 alone writes the run directory.
    ctx = distributed.init(cfg.train.device)
    main = ctx is None or ctx.is_main
    engine = make_engine(cfg, None if ctx is None else ctx.device)
    if engine.cpu_threads:
        import torch

        torch.set_num_threads(engine.cpu_threads)
    if args.resume:
        engine.load_state_dict(ck["engine"])
        history = ck["history"]
    extra = None if ctx is None else {"distributed": distributed.prepare(engine, ctx)}
    rd = RunDir(out, cfg, resume=args.resume, extra=extra) if main else distributed.NullRunDir()
    if args.resume:
        rd.truncate_metrics(engine.step_count)
    hist = {k: array("d", v) for k, v in (history or {}).items()}
    bar = None
    if not args.quiet and main:
        from tqdm import tqdm
        bar = tqdm(total=cfg.train.steps, initial=engine.step_count, unit="step",
                   dynamic_ncols=True, file=sys.stderr)
    last_ck = engine.step_count
    start = time.perf_counter()
    reduce = None if ctx is None else distributed.make_metrics_reducer(ctx)
    compile_told = False
    every = steps_per_batch(engine, 20, cfg.train.checkpoint_every)
    for batch in run(engine, cfg.train.steps, every=every, preview_every=cfg.train.preview_every,
                     reduce_metrics=reduce, headless=True):
        if not compile_told and engine.compile_problem():
            compile_told = True
            print(f"warning: torch.compile failed here ({engine.compile_problem()}); "
                  f"training goes on uncompiled", file=sys.stderr)
        rd.append_metrics(batch)
        record(hist, batch)
        if batch[-1].diverged:
            # Keep the last good checkpoint: saving now would overwrite it with NaN weights.
            kept = (f"the last good checkpoint (step {last_ck}) is kept"
                    if (out / "checkpoint.pt").exists() else "no checkpoint was written yet")
            print(f"error: step {batch[-1].step}: {batch[-1].diverged} became NaN/Inf; "
                  f"training stopped; {kept}; try a lower learning rate", file=sys.stderr)
            return 3
        if batch[-1].preview is not None:
            rd.save_preview(batch[-1].step, batch[-1].preview)
        if engine.step_count - last_ck >= cfg.train.checkpoint_every:
            rd.save_checkpoint(engine, hist)
            last_ck = engine.step_count
        if bar is not None:
            bar.update(len(batch))
            bar.set_postfix({k: f"{v:.3g}" for k, v in list(batch[-1].metrics.items())[:3]},
                            refresh=False)
    rd.save_checkpoint(engine, hist)
    if hasattr(engine, "export") and main:
        engine.export(out)
    if bar is not None:
        bar.close()
    took = time.perf_counter() - start
    if not main:
        return 0
    print(f"trained {cfg.model} on {cfg.data.path or cfg.data.name} for {engine.step_count} steps "
          f"in {took:.1f} s -> {out}")
    return 0


def load_run(run_dir, device: str = "cpu"):
    """(config, engine) restored from a run directory's checkpoint."""
    from .core.devices import pick_device
    from .core.engines import make_engine
    from .core.rundir import load_checkpoint

    ck = load_checkpoint(run_dir)
    cfg = ck["config"]
    cfg.train.device = device
    engine = make_engine(cfg, pick_device(device))
    engine.load_state_dict(ck["engine"])
    return cfg, engine


def cmd_sample(args) -> int:
    import numpy as np
    import torch

    if args.n < 1:
        raise UsageError("--n: must be at least 1")
    out = _npz_out(args.out)
    cfg, engine = load_run(args.run_dir, args.device)
    torch.manual_seed(args.seed)
    if hasattr(engine, "gen"):
        engine.gen.manual_seed(args.seed)
    kwargs = {}
    if args.input:
        inp = _read_npz(args.input, "images")
        kwargs = {"input": inp["images"], "labels": inp.get("labels")}
    if args.label is not None:
        kwargs["label"] = args.label
    if args.caption is not None:
        kwargs["caption"] = args.caption
    try:
        arrays = engine.sample(args.n, **kwargs)
    except TypeError:
        flag = "--caption" if args.caption is not None and cfg.model != "text2img" else "--input"
        what = "draw from a caption" if flag == "--caption" else "translate or reconstruct inputs"
        raise UsageError(f"{flag}: a {cfg.model} run cannot {what}") from None
    return _write(out, arrays)


def _npz_out(path) -> Path:
    out = Path(path)
    if out.suffix != ".npz":
        raise UsageError(f"--out {out}: must end in .npz")
    return out


def _read_npz(path, key: str) -> dict:
    import zipfile

    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise UsageError(f"--input {path}: not a readable .npz file ({e})") from None
    if key not in arrays:
        raise UsageError(f"--input {path}: needs an array named {key!r}")
    return arrays


def _write(out: Path, arrays: dict) -> int:
    import numpy as np

    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, **{k: np.asarray(v) for k, v in arrays.items()})
    print(f"wrote {', '.join(f'{k} {tuple(np.shape(v))}' for k, v in arrays.items())} -> {out}")
    return 0


def cmd_encode_decode(args) -> int:
    out = _npz_out(args.out)
    cfg, engine = load_run(args.run_dir, args.device)
    if cfg.model not in ("ae", "vae", "ae-vs-vae"):
        raise UsageError(f"{args.command}: needs an AE or VAE run, this one is {cfg.model}")
    from .core.engines.vae import decode_arrays, encode_arrays

    if args.command == "encode":
        inp = _read_npz(args.input, "images")
        return _write(out, encode_arrays(engine, inp["images"], inp.get("labels")))
    inp = _read_npz(args.input, "codes")
    return _write(out, decode_arrays(engine, inp["codes"], inp.get("labels")))


def cmd_bench(args) -> int:
    if args.threads is not None and args.threads < 1:
        raise UsageError("--threads: must be at least 1")
    if args.json and Path(args.json).is_dir():
        raise UsageError(f"--json {args.json}: is a directory")
    from .bench import main as bench_main

    return bench_main(args.device, args.quick, args.json, args.threads)


COMMANDS = {"presets": cmd_presets, "train": cmd_train, "sample": cmd_sample,
            "encode": cmd_encode_decode, "decode": cmd_encode_decode, "bench": cmd_bench}


def main(argv: list[str]) -> int:
    from .core.data import DataError
    from .core.devices import DeviceError
    from .core.rundir import CheckpointError

    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError("expected a command: presets, train, sample, encode, decode "
                             "or bench")
        return COMMANDS[args.command](args)
    except (UsageError, ConfigError, DataError, DeviceError, CheckpointError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as e:  # disk full, permission denied: what was written before is intact
        print(f"error: {e}", file=sys.stderr)
        return 1
