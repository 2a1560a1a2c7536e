"""Command line: presets, train, sample, encode, decode. No Qt is imported here.

Bad input exits with status 2 and one line naming the field or file and why.
"""
from __future__ import annotations

import argparse
import sys
import time
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
    t.add_argument("--preset", help="preset name (see `presets`); optional with --resume")
    t.add_argument("--out", required=True, help="run directory to write")
    t.add_argument("--steps", type=int, help="training steps (overrides the preset)")
    t.add_argument("--seed", type=int, help="random seed")
    t.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], help="where to train")
    t.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a setting, e.g. --set gan.lr_g=1e-4 (repeatable)")
    t.add_argument("--resume", action="store_true",
                   help="continue from RUN_DIR/checkpoint.pt (--steps, --device and --set of "
                        "learning rates and other live settings may change)")
    t.add_argument("--overwrite", action="store_true",
                   help="replace the run already in --out (without it, train refuses)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.add_argument("--model-changed-ok", action="store_true",
                   help="with --resume: train on although the run's model file "
                        "(gan.model_file / vae.model_file) changed since the checkpoint")

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

    e = sub.add_parser("evaluate", help="FID, a classifier's Fréchet distance and "
                                        "precision/recall of a trained run -> "
                                        "RUN_DIR/evaluation.json")
    e.add_argument("run_dir", help="a run directory written by `train`")
    e.add_argument("--n", type=int, default=1000, help="samples to draw (and real rows to "
                                                       "compare with)")
    e.add_argument("--seed", type=int, default=0, help="random seed for the samples")

    x = sub.add_parser("export", help="the generator (or VAE decoder) as TorchScript (and ONNX "
                                      "with onnx installed) plus a generate.py that needs only "
                                      "torch")
    x.add_argument("run_dir", help="a run directory written by `train`")
    x.add_argument("--out", required=True, help="folder to write the files into")
    x.add_argument("--overwrite", action="store_true", help="replace an export already there")

    b = sub.add_parser("bench", help="measure training speed, GUI latency, EM and start-up; "
                                     "print a table")
    b.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda", "mps"])
    b.add_argument("--quick", action="store_true", help="fewer rows and repeats (a few minutes)")
    b.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    b.add_argument("--threads", type=int, help="torch intra-op threads (default: the window's, "
                                               "one core left to the GUI)")
    b.add_argument("--folder-images", type=int, metavar="N",
                   help="pictures in the folder row (default 50000, with --quick 2000; 0 "
                        "leaves the row out)")
    return p


def config_from_args(args) -> RunConfig:
    if args.preset not in PRESETS:
        raise UsageError(f"--preset: unknown preset {args.preset!r} "
                         f"(one of: {', '.join(PRESETS)})")
    cfg = PRESETS[args.preset].config()
    _apply_args(cfg, args)
    if args.seed is not None:
        cfg.set("train.seed", args.seed)
    return cfg.validate()


def _apply_args(cfg: RunConfig, args) -> None:
    if args.steps is not None:
        cfg.set("train.steps", args.steps)
    if args.device is not None:
        cfg.set("train.device", args.device)
    for item in args.set:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise UsageError(f"--set {item!r}: expected KEY=VALUE")
        cfg.set(key.strip(), value)


def resume_config(saved: RunConfig, args) -> RunConfig:
    """The checkpoint's config (or --preset's) with the arguments applied, where only what may
    change on resume changes: steps, device, cadence, learning rates and the other live
    fields. Anything that shapes the model or its data is refused with one line."""
    from .config import fixed_changes

    if args.seed is not None:
        raise UsageError("--seed: a resumed run continues its checkpoint's random state; "
                         "leave --seed out")
    if args.preset is not None and args.preset not in PRESETS:
        raise UsageError(f"--preset: unknown preset {args.preset!r}")
    cfg = PRESETS[args.preset].config() if args.preset else saved.copy()
    if args.preset:
        cfg.train.seed = saved.train.seed
    _apply_args(cfg, args)
    if args.device is None and cfg.train.device in ("cuda", "mps"):
        from .core.devices import DeviceError, pick_device

        try:
            pick_device(cfg.train.device)
        except DeviceError:  # a run written on a GPU resumes on what this machine has
            cfg.train.device = "auto"
    bad = fixed_changes(saved, cfg)
    if bad:
        key = bad[0]
        where = f"--set {key}" if any(i.split("=")[0].strip() == key for i in args.set) \
            else f"--preset {args.preset}"
        raise UsageError(f"{where}: {key} is {cfg.get(key)!r} but the run was trained with "
                         f"{saved.get(key)!r}; it cannot change when resuming (it shapes the "
                         f"model or its data): train into a new folder instead")
    return cfg.validate()


def cmd_presets(args) -> int:
    for p in PRESETS.values():
        when = f"~{p.cpu_minutes:g} min" if p.cpu_minutes is not None else "-"
        print(f"{p.name:<24} {p.model:<10} {p.data:<14} {when:<10} {p.description}")
    print("(times: a whole run on a 2-core CPU, measured)")
    return 0


# Exit statuses of `train` besides 0 and 2 (bad input).
EXIT_FAILED, EXIT_DIVERGED, EXIT_OUT_OF_MEMORY = 1, 3, 4
EXIT_INTERRUPTED = {"SIGINT": 130, "SIGTERM": 143}


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
    from .core.rundir import load_checkpoint
    from .core.session import Controls, TrainingSession

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a directory")
    resume = None
    if args.resume and args.overwrite:
        raise UsageError("--overwrite: cannot be used with --resume (one continues the run, "
                         "the other replaces it)")
    if args.resume:
        resume = load_checkpoint(out)
        cfg = resume_config(resume["config"], args)
        _check_model_file(resume, args.model_changed_ok)
    else:
        if args.preset is None:
            raise UsageError("--preset: needed for a new run (see `main.py presets`)")
        cfg = config_from_args(args)
    # Under torchrun every rank trains and rank 0 alone writes the run directory.
    ctx = distributed.init(cfg.train.device)
    main = ctx is None or ctx.is_main
    mode = "resume" if args.resume else ("overwrite" if args.overwrite else "new")
    extra = {}

    def prepare(engine) -> None:
        if ctx is not None:
            extra["distributed"] = distributed.prepare(engine, ctx)

    def make_run_dir(cfg, engine):
        from .core.rundir import RunDir

        return RunDir(out, cfg, mode=mode, checkpoint=resume, extra=extra or None) \
            if main else None

    controls = Controls()
    sink = CliSink(cfg, quiet=args.quiet or not main)
    interrupted = _stop_on_signals(controls)
    session = TrainingSession(
        cfg, sink, make_run_dir=make_run_dir, resume=resume, controls=controls,
        headless=True, batch_steps=20, device=None if ctx is None else ctx.device,
        reduce_metrics=None if ctx is None else distributed.make_metrics_reducer(ctx),
        prepare=prepare)
    start = time.perf_counter()
    outcome = session.run()
    sink.close()
    if not main:
        return 0 if outcome == "finished" else EXIT_FAILED
    return sink.report(outcome, interrupted, out, time.perf_counter() - start)


def _check_model_file(checkpoint: dict, go_on: bool) -> None:
    """A run on the user's own networks resumes with the file it was trained with (its
    checkpoint holds the file's sha256), or with a changed one when told to go on."""
    from .core.models.user import accept_current, changed

    why = changed(checkpoint)
    if why and not go_on:
        raise UsageError(f"{why}; put the old file back, or resume with --model-changed-ok "
                         f"to train on with the file as it is now")
    if why:
        accept_current(checkpoint)


def _stop_on_signals(controls) -> list[str]:
    """Ctrl-C and SIGTERM stop the session between two steps; it saves a checkpoint at the
    last finished step. The list receives the signal's name."""
    import signal
    import threading

    got: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        return got

    def handler(signum, _frame) -> None:
        if got:  # a second Ctrl-C while it saves: the save is atomic, quitting is safe
            raise KeyboardInterrupt
        got.append(signal.Signals(signum).name)
        controls.stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)
    return got


class CliSink:
    """Prints a session's events: a progress bar on stderr, a line per problem."""

    def __init__(self, cfg: RunConfig, quiet: bool):
        self.cfg, self.quiet = cfg, quiet
        self.bar = self.decode_bar = None
        self.finished = None
        self.problem: str = ""
        self.failure: tuple[str, bool] | None = None

    def __call__(self, event) -> None:
        from .core import messages

        kind, d = event.kind, event.data
        if kind == "decode" and not self.quiet:  # a folder decoded into the cache
            from tqdm import tqdm

            if self.decode_bar is None:
                self.decode_bar = tqdm(total=d["total"], unit="picture", desc="decoding",
                                       dynamic_ncols=True, file=sys.stderr)
            self.decode_bar.update(d["done"] - self.decode_bar.n)
            if d["done"] >= d["total"]:
                self.decode_bar.close()
        elif kind == "started" and not self.quiet:
            from tqdm import tqdm

            self.bar = tqdm(total=d["total"], initial=d["step"], unit="step",
                            dynamic_ncols=True, file=sys.stderr)
        elif kind == "progress" and self.bar is not None:
            self.bar.update(d["step"] - self.bar.n)
        elif kind == "metrics" and self.bar is not None:
            cols = d["columns"]
            shown = [k for k in cols if k != "step"][:3]
            self.bar.set_postfix({k: f"{cols[k][-1]:.3g}" for k in shown}, refresh=False)
        elif kind in ("diverged", "out_of_memory"):
            self.problem = messages.text(event)
        elif kind in messages.TEMPLATES:
            self._line("warning: " + messages.text(event))
        elif kind == "failed":
            self.failure = (d["message"], d["user_error"])
        elif kind == "finished":
            self.finished = d

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.clear()
        print(text, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def report(self, outcome: str, interrupted: list[str], out: Path, took: float) -> int:
        """One closing line; the exit status."""
        d = self.finished or {}
        if outcome == "failed":
            message, user_error = self.failure or ("training failed", False)
            if user_error:
                raise UsageError(message)
            print(f"error: {message}", file=sys.stderr)
            return EXIT_FAILED
        if outcome in ("diverged", "out_of_memory"):
            print(f"error: {self.problem}", file=sys.stderr)
            return EXIT_DIVERGED if outcome == "diverged" else EXIT_OUT_OF_MEMORY
        if outcome == "stopped":
            sig = interrupted[0] if interrupted else "SIGINT"
            print(f"interrupted ({sig}) at step {d.get('step')}: checkpoint saved in {out}; "
                  f"continue with --resume", file=sys.stderr)
            return EXIT_INTERRUPTED.get(sig, 130)
        print(f"trained {self.cfg.model} on {self.cfg.data.path or self.cfg.data.name} for "
              f"{d.get('step')} steps in {took:.1f} s -> {out}")
        return 0


def load_run(run_dir, device: str = "cpu"):
    """(config, engine) restored from a run directory's checkpoint."""
    from .core.trained import load_run as load

    cfg, engine, _ = load(run_dir, device)
    return cfg, engine


def cmd_sample(args) -> int:
    import numpy as np
    import torch

    from .core.budget import sample_limits

    if args.n < 1:
        raise UsageError("--n: must be at least 1")
    out = _npz_out(args.out)
    cfg, engine = load_run(args.run_dir, args.device)
    limits = sample_limits(cfg, engine.device)
    limits.check(args.n)
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
        if args.input:  # as many as the input holds (its file was checked when read)
            arrays = engine.sample(args.n, **kwargs)
        else:  # in batches that fit the device, however many are asked for
            parts = [engine.sample(b, **kwargs) for b in limits.batches(args.n)]
            arrays = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
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


def cmd_evaluate(args) -> int:
    from .core.evaluate import evaluate_run, summary

    if not Path(args.run_dir).is_dir():
        raise UsageError(f"{args.run_dir}: not a run directory")

    def progress(stage: str, done: int, total: int) -> None:
        print(f"{stage}{f' {done}/{total}' if total else ''}…", file=sys.stderr)

    result = evaluate_run(args.run_dir, args.n, args.seed, progress=progress)
    for note in ("features_note", "fid_note"):
        if result.get(note):
            print(note.split("_")[0] + ": " + result[note], file=sys.stderr)
    print(f"{summary(result)} (n={result['n_fake']}, step {result['step']}) -> "
          f"{Path(args.run_dir) / 'evaluation.json'}")
    return 0


def cmd_export(args) -> int:
    from .core.export_model import export_run

    done = export_run(args.run_dir, args.out, args.overwrite)
    if done["note"]:
        print(f"note: {done['note']}", file=sys.stderr)
    print(f"wrote {', '.join(done['files'])} -> {args.out}")
    return 0


def cmd_bench(args) -> int:
    if args.threads is not None and args.threads < 1:
        raise UsageError("--threads: must be at least 1")
    if args.json and Path(args.json).is_dir():
        raise UsageError(f"--json {args.json}: is a directory")
    if args.folder_images is not None and args.folder_images < 0:
        raise UsageError("--folder-images: must be at least 0")
    from .bench import main as bench_main

    return bench_main(args.device, args.quick, args.json, args.threads, args.folder_images)


COMMANDS = {"presets": cmd_presets, "train": cmd_train, "sample": cmd_sample,
            "encode": cmd_encode_decode, "decode": cmd_encode_decode, "evaluate": cmd_evaluate,
            "export": cmd_export, "bench": cmd_bench}


def main(argv: list[str]) -> int:
    from .core.data import DataError
    from .core.devices import DeviceError
    from .core.rundir import CheckpointError, RunDirError

    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError("expected a command: presets, train, sample, encode, decode, "
                             "evaluate, export or bench")
        return COMMANDS[args.command](args)
    except (UsageError, ConfigError, DataError, DeviceError, CheckpointError, RunDirError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as e:  # disk full, permission denied: what was written before is intact
        print(f"error: {e}", file=sys.stderr)
        return 1
