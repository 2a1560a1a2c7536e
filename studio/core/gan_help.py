"""Tooltips for the GAN loss and stabiliser settings, kept free of torch so that the config
(and with it `main.py presets`) loads without importing torch."""

LOSS_NAMES = ("bce", "lsgan", "hinge", "wgan")

# One-line tooltips for the hyperparameters these helpers expose (keys match gan.* fields).
HELP = {
    "loss": "GAN loss: bce (classic, non-saturating), lsgan (least squares, smoother "
            "gradients), hinge (used by SNGAN/BigGAN), wgan (needs gp_weight > 0).",
    "label_smoothing": "One-sided label smoothing: D aims for 1 - s on real images instead of 1, "
                       "so it grows less over-confident (bce and lsgan only). Typical 0.1.",
    "r1_gamma": "R1 penalty weight: penalises D's gradient on real data, keeping D smooth "
                "(0 = off; typical 0.1 for 28-32 px, up to 10 for larger images).",
    "gp_weight": "WGAN-GP gradient penalty weight: pushes D's gradient norm towards 1 between "
                 "real and fake (0 = off; typical 10 with the wgan loss).",
    "instance_noise": "Instance noise: std of Gaussian noise added to D's real and fake inputs "
                      "at the start, annealed to 0; makes D's task harder early on (0 = off).",
    "instance_noise_steps": "Steps over which the instance noise fades linearly to zero.",
    "pack": "PacGAN packing: D judges groups of this many samples at once, so it can spot "
            "a generator that makes the same thing twice (1 = off; 2-4 fights mode collapse).",
    "spectral_norm": "Spectral normalisation on D's layers: bounds how fast D can change "
                     "(SNGAN); replaces batch norm in D.",
    "minibatch_std": "Minibatch standard deviation feature in D: lets D see how varied a "
                     "batch is, which discourages mode collapse (ProGAN).",
}
