"""The GAN family: vanilla MLP GAN, DCGAN and their conditional forms."""
from . import TRAIN_FORM, Curve, Family

FAMILIES = [Family(
    name="gan", section="gan", engine="studio.core.engines.gan:GANEngine",
    form=("data.name", "data.path", "data.image_size", "data.crop", "data.flip",
          "gan.model_file", "gan.arch", "gan.conditional",
          "gan.latent_dim", "gan.hidden", "gan.layers", "gan.width", "gan.depth", "gan.embed_dim",
          "gan.aux_weight",
          "gan.loss", "gan.lr_g", "gan.lr_d", "gan.beta1", "gan.beta2", "gan.d_steps",
          "gan.label_smoothing", "gan.instance_noise", "gan.instance_noise_steps",
          "gan.r1_gamma", "gan.gp_weight", "gan.pack", "gan.spectral_norm",
          "gan.minibatch_std", "gan.ema", "gan.truncation") + TRAIN_FORM,
    curves=(Curve(0, "loss_g", "G loss", "#e4572e"), Curve(0, "loss_d", "D loss", "#2e86ab"),
            Curve(1, "d_real", "D(x)", "#3bb273"), Curve(1, "d_fake", "D(G(z))", "#e1a100"),
            Curve(2, "grad_norm_g", "|grad G|", "#e4572e"),
            Curve(2, "grad_norm_d", "|grad D|", "#2e86ab")),
    plots=(("Losses", "loss"), ("Discriminator output", "D"), ("Gradient norms", "norm")),
    colour=(228, 87, 46))]
