"""What is on screen right now, in two or three sentences, for the presentation sidebar.

Plain functions of the model family, the step and the latest metrics, so a teacher's
sidebar follows the run without anyone writing slides. No Qt here: the window translates
the returned text.
"""
from __future__ import annotations


def _f(metrics: dict, key: str) -> float | None:
    v = metrics.get(key)
    return float(v) if isinstance(v, (int, float)) else None


def gan_lesson(step: int, m: dict) -> tuple[str, str]:
    d_real, d_fake = _f(m, "d_real"), _f(m, "d_fake")
    if step == 0 or d_real is None or d_fake is None:
        return ("A generator and a discriminator",
                "G turns random noise z into samples; D outputs the probability that its input "
                "is real. They take turns: D learns to tell real from fake, G learns to fool D. "
                "Press Space to start.")
    modes = ""
    if _f(m, "modes_covered") is not None and _f(m, "modes_total") is not None:
        modes = f" G now covers {int(m['modes_covered'])} of {int(m['modes_total'])} modes."
    if d_real - d_fake > 0.3:
        return ("D is winning",
                f"D gives real data D(x) = {d_real:.2f} and fakes D(G(z)) = {d_fake:.2f}: it "
                f"tells them apart easily. G follows D's gradient (the arrows) towards the "
                f"regions D believes are real.{modes}")
    if abs(d_real - 0.5) < 0.12 and abs(d_fake - 0.5) < 0.12:
        return ("Close to equilibrium",
                f"D can hardly tell real from fake: D(x) = {d_real:.2f}, D(G(z)) = {d_fake:.2f}, "
                f"both near 1/2. This is what the game aims for: the generated distribution "
                f"matches the data where D can see.{modes}")
    if d_fake > d_real:
        return ("G is ahead",
                f"The fakes score higher than the real data (D(G(z)) = {d_fake:.2f} > D(x) = "
                f"{d_real:.2f}). D will catch up on the next steps: the two networks chase "
                f"each other, which is why the curves oscillate.{modes}")
    return ("The adversarial game",
            f"D(x) = {d_real:.2f}, D(G(z)) = {d_fake:.2f}. Each step D gets better at telling "
            f"real from fake, then G moves its samples to where D is fooled.{modes}")


def vae_lesson(model: str, step: int, m: dict) -> tuple[str, str]:
    if model == "ae":
        return ("An autoencoder",
                "The encoder compresses each image to one code, the decoder reconstructs it. "
                "Nothing organises the code space, so it has gaps: a random code decodes to "
                "noise. Compare with a VAE.")
    kl = _f(m, "kl") if _f(m, "kl") is not None else _f(m, "vae_kl")
    if model == "ae-vs-vae":
        return ("Why a VAE, not an AE",
                "Both are trained on the same batches. The AE's codes spread out with gaps; the "
                "VAE's KL term pulls its codes towards a standard normal, so they overlap and "
                "random codes decode to plausible images (bottom rows).")
    if step == 0 or kl is None:
        return ("A variational autoencoder",
                "The encoder outputs a mean and a variance for each image; a code is sampled "
                "from them and decoded. A KL term pulls the codes towards a standard normal.")
    return ("Reconstruction against KL",
            f"The loss is reconstruction plus beta x KL (KL now {kl:.1f} nats). The KL term makes "
            f"neighbouring codes overlap, so the points between two digits decode to "
            f"in-betweens: drag in the latent explorer to see it.")


def gmm_lesson(phase: str, step: int, m: dict) -> tuple[str, str]:
    ll = _f(m, "log_likelihood")
    ll_text = f" The mean log-likelihood is {ll:.3f}." if ll is not None else ""
    if phase == "M":
        return ("E-step done: responsibilities",
                "Each point's colour mixes its components' colours in proportion to "
                "r_nk = P(k | x_n), computed from the current weights, means and covariances."
                + ll_text + " Next, the M-step moves each Gaussian.")
    return ("M-step: re-estimate the Gaussians",
            "Each component's weight becomes the share of responsibility it took, its mean the "
            "responsibility-weighted average of the points, its covariance their weighted "
            "spread. EM never lowers the likelihood." + ll_text)


def lesson(model: str, step: int, metrics: dict, phase: str = "") -> tuple[str, str]:
    """(title, two or three sentences) describing the current state of a run."""
    if model == "gmm":
        return gmm_lesson(phase, step, metrics)
    if model in ("ae", "vae", "ae-vs-vae"):
        return vae_lesson(model, step, metrics)
    if model == "gan":
        return gan_lesson(step, metrics)
    return ("Training", f"Step {step}.")
