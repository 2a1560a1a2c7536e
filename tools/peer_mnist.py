"""The plain scripts the studio is compared with: pytorch/examples' DCGAN and VAE, on the same
.npz of MNIST digits for the same number of steps; each writes samples for tools/digit_judge.py.

DCGAN as in pytorch/examples dcgan/main.py (nz 100, ngf = ndf = 64, BCE, Adam 2e-4 beta1 0.5,
batch 64, N(0, 0.02) init), with its layer stack cut to 28 px (7 -> 14 -> 28) as for MNIST.
VAE as in pytorch/examples vae/main.py (784-400-20, BCE summed, Adam 1e-3, batch 128), with the
latent size given (16 to match vae-mnist).

    python tools/peer_mnist.py dcgan q/mnist_a.npz --steps 2000 --out q/peer_dcgan.npz
    python tools/peer_mnist.py vae q/mnist_a.npz --steps 3000 --latent 16 --out q/peer_vae.npz
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def _weights_init(m):
    name = m.__class__.__name__
    if "Conv" in name:
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif "BatchNorm" in name:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def dcgan(x: torch.Tensor, steps: int, n_out: int, batch: int = 64, nz: int = 100,
          ngf: int = 64, ndf: int = 64) -> torch.Tensor:
    G = nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 2, 7, 1, 0, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False), nn.Tanh())
    D = nn.Sequential(
        nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2),
        nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 2, 1, 7, 1, 0, bias=False), nn.Sigmoid())
    G.apply(_weights_init)
    D.apply(_weights_init)
    crit = nn.BCELoss()
    opt_d = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    data = x * 2 - 1
    for _ in range(steps):
        real = data[torch.randint(0, len(data), (batch,))]
        ones, zeros = torch.ones(batch), torch.zeros(batch)
        D.zero_grad()
        err_real = crit(D(real).view(-1), ones)
        fake = G(torch.randn(batch, nz, 1, 1))
        err_fake = crit(D(fake.detach()).view(-1), zeros)
        (err_real + err_fake).backward()
        opt_d.step()
        G.zero_grad()
        crit(D(fake).view(-1), ones).backward()
        opt_g.step()
    G.eval()
    with torch.no_grad():
        return (G(torch.randn(n_out, nz, 1, 1)) + 1) / 2


class VAE(nn.Module):
    def __init__(self, latent: int):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = nn.Linear(784, 400), nn.Linear(400, latent), nn.Linear(400, latent)
        self.fc3, self.fc4 = nn.Linear(latent, 400), nn.Linear(400, 784)

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        h = F.relu(self.fc1(x.view(-1, 784)))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode(z), mu, logvar


def vae(x: torch.Tensor, steps: int, n_out: int, latent: int = 20, batch: int = 128) -> torch.Tensor:
    model = VAE(latent)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    flat = x.view(len(x), -1)
    for _ in range(steps):
        xb = flat[torch.randint(0, len(flat), (batch,))]
        recon, mu, logvar = model(xb)
        bce = F.binary_cross_entropy(recon, xb, reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        opt.zero_grad()
        (bce + kld).backward()
        opt.step()
    with torch.no_grad():
        return model.decode(torch.randn(n_out, latent)).view(-1, 1, 28, 28)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", choices=("dcgan", "vae"))
    p.add_argument("data", type=Path, help=".npz with images (N,28,28) uint8")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--latent", type=int, default=20, help="VAE latent size")
    p.add_argument("--n", type=int, default=5000, help="samples to write")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    torch.manual_seed(a.seed)
    with np.load(a.data) as f:
        x = torch.from_numpy(f["images"]).float().div(255)[:, None]
    t0 = time.perf_counter()
    images = (dcgan(x, a.steps, a.n) if a.model == "dcgan"
              else vae(x, a.steps, a.n, latent=a.latent))
    np.savez(a.out, images=images.clamp(0, 1).numpy().astype(np.float32))
    print(f"{a.model}: {a.steps} steps in {time.perf_counter() - t0:.0f} s -> {a.out}")


if __name__ == "__main__":
    main()
