"""Text to image: a caption encoder conditions the generator; D judges realism and fit."""
from . import TRAIN_FORM, Curve, Family

FAMILIES = [Family(
    name="text2img", section="text2img", engine="studio.core.engines.text2img:Text2ImgEngine",
    form=("data.name", "data.path", "data.image_size", "data.crop",
          "text2img.latent_dim", "text2img.width",
          "text2img.word_dim", "text2img.text_dim", "text2img.cond_dim", "text2img.lr_g",
          "text2img.lr_d", "text2img.beta1", "text2img.match_weight",
          "text2img.word_noise", "text2img.diversity_weight") + TRAIN_FORM,
    curves=(Curve(0, "loss_g", "G loss", "#e4572e"), Curve(0, "loss_d", "D loss", "#2e86ab"),
            Curve(1, "d_real", "real, right text", "#3bb273"),
            Curve(1, "d_wrong", "real, wrong text", "#9467bd"),
            Curve(1, "d_fake", "fake, right text", "#e1a100")),
    plots=(("Losses", "loss"), ("Discriminator output", "P(real and matching)")),
    colour=(23, 190, 207))]
