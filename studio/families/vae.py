"""Autoencoders: the AE, the VAE and the two trained side by side."""
from . import TRAIN_FORM, Curve, Family

_FORM = ("data.name", "data.path", "data.image_size", "data.crop", "data.flip",
         "vae.model_file", "vae.arch", "vae.latent_dim",
         "vae.hidden", "vae.recon", "vae.beta", "vae.warmup_steps", "vae.conditional",
         "vae.sample_from", "vae.lr") + TRAIN_FORM
_PLOTS = (("Losses", "loss per image"), ("KL divergence", "nats"))
_ENGINES = "studio.core.engines.vae:"
_COLOUR = (44, 160, 44)

FAMILIES = [
    Family(name="ae", section="vae", engine=_ENGINES + "AEEngine",
           form=tuple(k for k in _FORM if k not in ("vae.beta", "vae.warmup_steps")),
           curves=(Curve(0, "loss", "total", "#1f77b4"),
                   Curve(0, "recon", "reconstruction", "#2ca02c")),
           plots=_PLOTS, colour=_COLOUR),
    Family(name="vae", section="vae", engine=_ENGINES + "VAEEngine", form=_FORM,
           curves=(Curve(0, "loss", "total", "#1f77b4"),
                   Curve(0, "recon", "reconstruction", "#2ca02c"),
                   Curve(1, "kl", "KL", "#d62728")),
           plots=_PLOTS, colour=_COLOUR),
    Family(name="ae-vs-vae", section="vae", engine=_ENGINES + "AEvsVAEEngine", form=_FORM,
           curves=(Curve(0, "vae_loss", "VAE total", "#1f77b4"),
                   Curve(0, "vae_recon", "VAE reconstruction", "#2ca02c"),
                   Curve(0, "ae_loss", "AE total", "#9467bd"),
                   Curve(1, "vae_kl", "VAE KL", "#d62728")),
           plots=_PLOTS, colour=_COLOUR),
]
