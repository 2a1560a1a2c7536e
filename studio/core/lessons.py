"""What is on screen right now, in two or three sentences, for the presentation sidebar.

Plain functions of the model family, the step and the latest metrics, so a teacher's
sidebar follows the run without anyone writing slides. No Qt here: `lesson_parts` returns
fixed templates and their values, so the window translates the templates (context
"lessons") before it fills the numbers in; `lesson` fills them in English.
"""
from __future__ import annotations

Part = tuple[str, dict]  # (str.format template, values)


def _f(metrics: dict, key: str) -> float | None:
    v = metrics.get(key)
    return float(v) if isinstance(v, (int, float)) else None


def _modes(m: dict) -> list[Part]:
    if _f(m, "modes_covered") is None or _f(m, "modes_total") is None:
        return []
    return [("G now covers {covered} of {total} modes.",
             {"covered": int(m["modes_covered"]), "total": int(m["modes_total"])})]


def gan_lesson(step: int, m: dict) -> tuple[str, list[Part]]:
    d_real, d_fake = _f(m, "d_real"), _f(m, "d_fake")
    if step == 0 or d_real is None or d_fake is None:
        return ("A generator and a discriminator",
                [("G turns random noise z into samples; D outputs the probability that its "
                  "input is real. They take turns: D learns to tell real from fake, G learns "
                  "to fool D. Press Space to start.", {})])
    v = {"d_real": d_real, "d_fake": d_fake}
    if d_real - d_fake > 0.3:
        return ("D is winning",
                [("D gives real data D(x) = {d_real:.2f} and fakes D(G(z)) = {d_fake:.2f}: it "
                  "tells them apart easily. G follows D's gradient (the arrows) towards the "
                  "regions D believes are real.", v)] + _modes(m))
    if abs(d_real - 0.5) < 0.12 and abs(d_fake - 0.5) < 0.12:
        return ("Close to equilibrium",
                [("D can hardly tell real from fake: D(x) = {d_real:.2f}, D(G(z)) = "
                  "{d_fake:.2f}, both near 1/2. This is what the game aims for: the generated "
                  "distribution matches the data where D can see.", v)] + _modes(m))
    if d_fake > d_real:
        return ("G is ahead",
                [("The fakes score higher than the real data (D(G(z)) = {d_fake:.2f} > D(x) = "
                  "{d_real:.2f}). D will catch up on the next steps: the two networks chase "
                  "each other, which is why the curves oscillate.", v)] + _modes(m))
    return ("The adversarial game",
            [("D(x) = {d_real:.2f}, D(G(z)) = {d_fake:.2f}. Each step D gets better at telling "
              "real from fake, then G moves its samples to where D is fooled.", v)] + _modes(m))


def vae_lesson(model: str, step: int, m: dict) -> tuple[str, list[Part]]:
    if model == "ae":
        return ("An autoencoder",
                [("The encoder compresses each image to one code, the decoder reconstructs it. "
                  "Nothing organises the code space, so it has gaps: a random code decodes to "
                  "noise. Compare with a VAE.", {})])
    kl = _f(m, "kl") if _f(m, "kl") is not None else _f(m, "vae_kl")
    if model == "ae-vs-vae":
        return ("Why a VAE, not an AE",
                [("Both are trained on the same batches. The AE's codes spread out with gaps; "
                  "the VAE's KL term pulls its codes towards a standard normal, so they overlap "
                  "and random codes decode to plausible images (bottom rows).", {})])
    if step == 0 or kl is None:
        return ("A variational autoencoder",
                [("The encoder outputs a mean and a variance for each image; a code is sampled "
                  "from them and decoded. A KL term pulls the codes towards a standard normal.",
                  {})])
    return ("Reconstruction against KL",
            [("The loss is reconstruction plus beta x KL (KL now {kl:.1f} nats). The KL term "
              "makes neighbouring codes overlap, so the points between two digits decode to "
              "in-betweens: drag in the latent explorer to see it.", {"kl": kl})])


def gmm_lesson(phase: str, step: int, m: dict) -> tuple[str, list[Part]]:
    ll = _f(m, "log_likelihood")
    ll_part = [("The mean log-likelihood is {ll:.3f}.", {"ll": ll})] if ll is not None else []
    if phase == "M":
        return ("E-step done: responsibilities",
                [("Each point's colour mixes its components' colours in proportion to "
                  "r_nk = P(k | x_n), computed from the current weights, means and "
                  "covariances.", {})] + ll_part
                + [("Next, the M-step moves each Gaussian.", {})])
    return ("M-step: re-estimate the Gaussians",
            [("Each component's weight becomes the share of responsibility it took, its mean "
              "the responsibility-weighted average of the points, its covariance their "
              "weighted spread. EM never lowers the likelihood.", {})] + ll_part)


def lesson_parts(model: str, step: int, metrics: dict, phase: str = "") -> tuple[str, list[Part]]:
    """(title, [(template, values)]): the sentences of `lesson`, not yet filled in."""
    if model == "gmm":
        return gmm_lesson(phase, step, metrics)
    if model in ("ae", "vae", "ae-vs-vae"):
        return vae_lesson(model, step, metrics)
    if model == "gan":
        return gan_lesson(step, metrics)
    return ("Training", [("Step {step}.", {"step": step})])


def lesson(model: str, step: int, metrics: dict, phase: str = "") -> tuple[str, str]:
    """(title, two or three sentences) describing the current state of a run."""
    title, parts = lesson_parts(model, step, metrics, phase)
    return title, " ".join(t.format(**v) for t, v in parts)


# Every template lesson_parts can return (for the translation tool).
TEMPLATES = sorted({t for m, ph in (("gan", ""), ("vae", ""), ("ae", ""), ("ae-vs-vae", ""),
                                    ("gmm", "E"), ("gmm", "M"), ("other", ""))
                    for s, mt in ((0, {}), (5, {"d_real": 0.9, "d_fake": 0.1, "kl": 1.0,
                                                "modes_covered": 1, "modes_total": 8,
                                                "log_likelihood": -1.0}),
                                  (5, {"d_real": 0.5, "d_fake": 0.5}),
                                  (5, {"d_real": 0.3, "d_fake": 0.7}),
                                  (5, {"d_real": 0.7, "d_fake": 0.5}))
                    for t in [lesson_parts(m, s, mt, ph)[0]]
                    + [p[0] for p in lesson_parts(m, s, mt, ph)[1]]})
