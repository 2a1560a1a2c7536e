"""Model files a user might write (gan.model_file, vae.model_file), for the tests to save.

Each bad file has its fault on a known line (the comment `# line N` marks it)."""
from pathlib import Path

MARKER = "ONLY_IN_THE_SOURCE_4471"  # appears in the files, never in a checkpoint

MLP_GAN_2D = f'''from torch import nn

# {MARKER}
def generator(latent_dim, shape):
    return nn.Sequential(nn.Linear(latent_dim, 32), nn.ReLU(), nn.Linear(32, shape[0]))


class Critic(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(shape[0], 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))

    def forward(self, x):
        return self.net(x)


def discriminator(shape):
    return Critic(shape)
'''

CONV_GAN = '''import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self, latent_dim, shape):
        super().__init__()
        c, h, w = shape
        self.side = h // 4
        self.fc = nn.Linear(latent_dim, 16 * self.side * self.side)
        self.up = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(16, 8, 4, 2, 1), nn.BatchNorm2d(8),
                                nn.ReLU(), nn.ConvTranspose2d(8, c, 4, 2, 1), nn.Tanh())

    def forward(self, z):
        return self.up(self.fc(z).view(-1, 16, self.side, self.side))


class Discriminator(nn.Module):
    def __init__(self, shape):
        super().__init__()
        c, h, w = shape
        self.net = nn.Sequential(nn.Conv2d(c, 8, 4, 2, 1), nn.LeakyReLU(0.2),
                                 nn.Conv2d(8, 16, 4, 2, 1), nn.LeakyReLU(0.2), nn.Flatten(),
                                 nn.Linear(16 * (h // 4) * (w // 4), 1))

    def forward(self, x):
        return self.net(x)


generator, discriminator = Generator, Discriminator
'''

VAE_PAIR = '''import math

from torch import nn


class Encoder(nn.Module):
    def __init__(self, shape, latent_dim):
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), 32), nn.ReLU())
        self.mu, self.logvar = nn.Linear(32, latent_dim), nn.Linear(32, latent_dim)

    def forward(self, x):
        h = self.body(x)
        return self.mu(h), self.logvar(h)


class Decoder(nn.Module):
    def __init__(self, latent_dim, shape):
        super().__init__()
        self.shape = tuple(shape)
        self.net = nn.Sequential(nn.Linear(latent_dim, 32), nn.ReLU(),
                                 nn.Linear(32, math.prod(shape)))

    def forward(self, z):
        return self.net(z).view(-1, *self.shape)


encoder, decoder = Encoder, Decoder
'''

# (source, the line the message must name, words it must hold)
SYNTAX_ERROR = ('''from torch import nn


def generator(latent_dim, shape):
    return nn.Linear(latent_dim, shape[0]


def discriminator(shape):
    return nn.Linear(shape[0], 1)
''', 5, "SyntaxError")

WRONG_SHAPE = ('''from torch import nn


class G(nn.Module):
    def __init__(self, latent_dim, shape):
        super().__init__()
        self.fc = nn.Linear(latent_dim, 3)

    def forward(self, z):
        return self.fc(z)


generator = G


def discriminator(shape):
    return nn.Linear(shape[0], 1)
''', 10, "the generator returned (2, 3)")

FAILS_TO_BUILD = ('''from torch import nn


def generator(latent_dim, shape):
    width = latent_dim // 0
    return nn.Linear(latent_dim, width)


def discriminator(shape):
    return nn.Linear(shape[0], 1)
''', 5, "ZeroDivisionError")

# Running it leaves a file beside it: proof that something ran the file.
LEAVES_A_TRACE = MLP_GAN_2D + '''
from pathlib import Path as _Path

(_Path(__file__).parent / "the_file_ran").write_text("yes")
'''


def write(folder, name: str, source: str) -> Path:
    path = Path(folder) / name
    path.write_text(source)
    return path
