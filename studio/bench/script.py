"""The script-style loop of `main.py bench` (d), run in a process of its own.

What pytorch/examples `dcgan/main.py` and its copies do: a Dataset of PIL images with
ToTensor (+ Normalize), a DataLoader, plain `optim.Adam`, `.item()` on the losses every step.
It runs as `python -m studio.bench.script --row NAME`, a plain Python process as a script
would be: none of the studio's process settings (studio.core.memory) apply. The protocol is
the window's (studio.ui.bench_gui): "ready" once set up, then each line "N" on stdin runs N
steps and answers {"steps", "seconds"}.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F

SCRIPT_WORKERS = 2  # DataLoader workers of the image loops (as in pytorch/examples dcgan)


class PILDigits(torch.utils.data.Dataset):
    """What a script would write: PIL images in memory, torchvision transforms per item."""

    def __init__(self, x: torch.Tensor, transform):
        from PIL import Image

        from ..core.data import to_u8

        u8 = to_u8(x.squeeze(1).cpu())
        self.images = [Image.fromarray(a, mode="L") for a in u8]
        self.transform = transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i):
        return self.transform(self.images[i]), 0


class ScriptLoop:
    """The studio's model (same weights: same seed), trained the way a script trains it."""

    def __init__(self, cfg):
        from ..core.engines import make_engine

        cfg = cfg.copy()
        cfg.train.precision, cfg.train.compile = "fp32", False  # as a plain script runs
        self.cfg = cfg
        e = self.engine = make_engine(cfg)
        nets = [e.G, e.D] if cfg.model == "gan" else [e.model.enc, e.model.dec]
        for m in nets:  # the default layout (the studio uses channels_last on CUDA)
            m.to(memory_format=torch.contiguous_format)
        self.device, self.bs = e.device, cfg.train.batch_size
        if cfg.model == "gan":
            g = cfg.gan
            self.opt_d = torch.optim.Adam(e.D.parameters(), lr=g.lr_d, betas=(g.beta1, g.beta2))
            self.opt_g = torch.optim.Adam(e.G.parameters(), lr=g.lr_g, betas=(g.beta1, g.beta2))
        else:
            m = e.model
            self.opt = torch.optim.Adam(list(m.enc.parameters()) + list(m.dec.parameters()),
                                        lr=cfg.vae.lr)
        if e.kind == "images":
            from torchvision import transforms

            tf = [transforms.ToTensor()]
            if cfg.model == "gan":
                tf.append(transforms.Normalize((0.5,), (0.5,)))  # to [-1, 1], G's tanh range
            ds = PILDigits(e.data.x, transforms.Compose(tf))
            self.workers = SCRIPT_WORKERS
        else:
            ds = torch.utils.data.TensorDataset(e.data.x.cpu(), torch.zeros(len(e.data)))
            self.workers = 0  # points: worker processes would only add overhead
        self.loader = torch.utils.data.DataLoader(ds, batch_size=self.bs, shuffle=True,
                                                  num_workers=self.workers, drop_last=True)
        self._it = self._batches()
        self.logged: list[tuple[float, ...]] = []

    def _batches(self):
        while True:  # epochs, as a script's outer loop
            for x, _ in self.loader:
                yield x

    def run(self, n: int) -> float:
        t = time.perf_counter()
        for _ in range(n):
            x = next(self._it).to(self.device)
            self.logged.append(self._gan(x) if self.cfg.model == "gan" else self._vae(x))
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - t

    def _gan(self, real) -> tuple[float, ...]:
        e = self.engine
        out_real = e.D(real)
        fake = e.G(torch.randn(len(real), self.cfg.gan.latent_dim, device=self.device))
        out_fake = e.D(fake.detach())
        err_d = (F.binary_cross_entropy_with_logits(out_real, torch.ones_like(out_real))
                 + F.binary_cross_entropy_with_logits(out_fake, torch.zeros_like(out_fake)))
        self.opt_d.zero_grad()
        err_d.backward()
        self.opt_d.step()
        out = e.D(fake)
        err_g = F.binary_cross_entropy_with_logits(out, torch.ones_like(out))
        self.opt_g.zero_grad()
        err_g.backward()
        self.opt_g.step()
        return (err_d.item(), err_g.item(), torch.sigmoid(out_real).mean().item(),
                torch.sigmoid(out_fake).mean().item(), torch.sigmoid(out).mean().item())

    def _vae(self, x) -> tuple[float, ...]:
        m = self.engine.model
        mu, logvar = m.encode(x)
        z = mu + (0.5 * logvar).exp() * torch.randn_like(mu)
        recon = F.binary_cross_entropy_with_logits(m.logits(z), x, reduction="sum") / len(x)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1).mean()
        loss = recon + self.engine.beta_now() * kl
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return (loss.item(),)

    def close(self) -> None:
        self._it.close()  # shuts the DataLoader's worker processes down


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m studio.bench.script")
    ap.add_argument("--row", required=True)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    from .rows import row_config

    torch.set_num_threads(args.threads)
    loop = ScriptLoop(row_config(args.row, args.device))

    def reply(obj: dict) -> None:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    reply({"ready": True, "workers": loop.workers})
    try:
        for line in sys.stdin:
            if line.strip() in ("", "quit"):
                break
            n = int(line)
            seconds = loop.run(n)
            reply({"steps": n, "seconds": seconds})
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
