"""CycleGAN: two generators translate between two unpaired image domains."""
from . import TRAIN_FORM, Curve, Family

FAMILIES = [Family(
    name="cyclegan", section="cyclegan", engine="studio.core.engines.cyclegan:CycleGANEngine",
    # The loss weights are set by sliders in the family's panel.
    form=("data.name", "data.path", "data.image_size", "data.crop", "data.flip",
          "cyclegan.width", "cyclegan.downsample", "cyclegan.norm", "cyclegan.blocks",
          "cyclegan.d_width", "cyclegan.d_layers", "cyclegan.lr", "cyclegan.lr_decay_from",
          "cyclegan.beta1",
          "cyclegan.pool_size") + TRAIN_FORM,
    curves=(Curve(0, "loss_g_ab", "G adv (A→B)", "#e4572e"),
            Curve(0, "loss_g_ba", "F adv (B→A)", "#e1a100"),
            Curve(0, "loss_d_a", "D_A", "#2e86ab"), Curve(0, "loss_d_b", "D_B", "#3bb273"),
            Curve(1, "cycle_a", "cycle A", "#e4572e"), Curve(1, "cycle_b", "cycle B", "#2e86ab"),
            Curve(2, "idt_a", "identity A", "#e4572e"),
            Curve(2, "idt_b", "identity B", "#2e86ab")),
    plots=(("Adversarial (LSGAN)", "loss"), ("Cycle L1", "|F(G(a)) - a|"),
           ("Identity L1", "|G(b) - b|")),
    colour=(148, 103, 189))]
