"""Draw samples from a model exported by Generative Studio, with plain torch and numpy.

  python generate.py --n 16 --seed 0 --out samples.npz [--label K]

Writes images (N, C, H, W) float32 in [0, 1] (or points (N, 2)), and labels for a
conditional model, like the studio's `main.py sample`; the same seed draws the same noise.
"""
import argparse
import json
import warnings
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent


def main() -> None:
    meta = json.loads((HERE / "model.json").read_text())
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=16, help="how many samples")
    p.add_argument("--seed", type=int, default=0, help="random seed for the noise")
    p.add_argument("--out", default="samples.npz", help="output .npz file")
    p.add_argument("--label", type=int, help="class to draw (conditional models)")
    args = p.parse_args()
    if args.n < 1:
        p.error("--n must be at least 1")
    k = meta["num_classes"]
    if args.label is not None and not 0 <= args.label < max(k, 1):
        p.error(f"--label must be between 0 and {k - 1}" if k else
                "--label: this model is not conditional")
    with warnings.catch_warnings():  # torch marks TorchScript deprecated; it still loads
        warnings.simplefilter("ignore")
        model = torch.jit.load(str(HERE / "generator.pt"), map_location="cpu").eval()
    gen = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    outs, labels = [], []
    with torch.no_grad():
        for start in range(0, args.n, meta["batch"]):  # the studio draws noise per batch too
            b = min(meta["batch"], args.n - start)
            z = torch.randn(b, meta["latent_dim"], generator=gen)
            if k:
                y = (torch.full((b,), args.label) if args.label is not None
                     else torch.arange(b) % k).long()
                outs.append(model(z, y))
                labels.append(y)
            else:
                outs.append(model(z))
    arrays = {meta["output"]: torch.cat(outs).numpy()}
    if k:
        arrays["labels"] = torch.cat(labels).numpy()
    np.savez(args.out, **arrays)
    print(f"wrote {', '.join(f'{n} {a.shape}' for n, a in arrays.items())} -> {args.out}")


if __name__ == "__main__":
    main()
