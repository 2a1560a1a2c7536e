"""What the latent explorer needs from a training AE/VAE, as a copy that crosses processes.

The explorer decodes on every mouse move, so it cannot wait for the training process. A
snapshot holds the decoder's weights (numpy, copied by value through a pipe) and the
explorer's subset encoded at that moment; the window decodes on its own CPU copy, and asks
for a new snapshot when it wants to follow training (at preview rate, never per move).
"""
from __future__ import annotations

import numpy as np
import torch

from .data import DataError

CHUNK = 1024


class LatentSnapshot:
    """Has the calls the explorer uses (latent_dim, variational, conditional, num_classes,
    encode_dataset(), decode(codes, labels)) on a CPU decoder of its own."""

    def __init__(self, name: str, vae_cfg, image_shape, variational: bool, num_classes: int,
                 decoder_state: dict, encoded: dict, decoder_script: bytes | None = None):
        self.name = name
        self.vae_cfg = vae_cfg
        self.image_shape = tuple(image_shape)
        self.variational = variational
        self.latent_dim = int(vae_cfg.latent_dim)
        self.num_classes = num_classes if vae_cfg.conditional else 0
        self.conditional = self.num_classes > 0
        self._all_classes = num_classes
        self.decoder_state = decoder_state
        self.encoded = encoded
        # A model file's decoder travels as TorchScript: the window never runs the file.
        self.decoder_script = decoder_script
        self._dec = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_dec"] = None  # built again on the other side, from the numbers
        return state

    def with_images(self, images: np.ndarray | None) -> "LatentSnapshot":
        """The same snapshot showing `images` (kept by the window from the first one)."""
        if images is not None and self.encoded.get("images") is None:
            self.encoded = {**self.encoded, "images": images}
        return self

    def encode_dataset(self) -> dict:
        images = self.encoded.get("images")
        if images is not None and images.dtype == np.uint8:
            images = images.astype(np.float32) / 255.0
        return {**self.encoded, "images": images}

    def _decoder(self):
        if self._dec is None and self.decoder_script is not None:
            from .models.user import load_traced

            self._dec = load_traced(self.decoder_script)
        if self._dec is None:
            from .models.ae import make_encoder_decoder

            _, dec = make_encoder_decoder(self.vae_cfg, self.image_shape, self.variational,
                                          self._all_classes)
            dec.load_state_dict({k: torch.from_numpy(v) for k, v in self.decoder_state.items()})
            self._dec = dec.eval()
        return self._dec

    def decode(self, codes, labels=None) -> np.ndarray:
        """Images (N,C,H,W) float32 in [0,1] for codes (N,D) or (D,)."""
        z = torch.as_tensor(np.atleast_2d(np.asarray(codes, np.float32)))
        if z.shape[1] != self.latent_dim:
            raise DataError(f"codes: expected {self.latent_dim} numbers per code, "
                            f"got {z.shape[1]}")
        y = None
        if self.conditional:
            lab = np.zeros(len(z), np.int64) if labels is None else labels
            y = torch.as_tensor(np.broadcast_to(np.asarray(lab, np.int64), (len(z),)).copy())
        dec, outs = self._decoder(), []
        with torch.inference_mode():
            for i in range(0, len(z), CHUNK):
                yi = None if y is None else y[i:i + CHUNK]
                zi = z[i:i + CHUNK]
                outs.append(torch.sigmoid(dec(zi) if yi is None else dec(zi, yi)).float())
        return torch.cat(outs).numpy() if outs else np.zeros((0, *self.image_shape), np.float32)


def snapshot(engine, model, with_images: bool) -> LatentSnapshot:
    """A snapshot of one of `engine`'s LatentModels (its training copy stays where it is)."""
    data = model.encode_dataset()
    images = data.get("images")
    encoded = {"mu": data["mu"], "logvar": data["logvar"], "labels": data["labels"],
               "images": (np.clip(images * 255 + 0.5, 0, 255).astype(np.uint8)
                          if with_images and images is not None else None)}
    script = None
    if getattr(model.dec, "user_model", False):
        from .models.user import traced_bytes

        z = torch.zeros(2, model.latent_dim)
        y = torch.zeros(2, dtype=torch.long)
        script = traced_bytes(model.dec, (z, y) if model.conditional else (z,))
        state = {}
    else:
        state = {k: v.detach().to("cpu", torch.float32).numpy().copy()
                 for k, v in model.dec.state_dict().items()}
    return LatentSnapshot(model.name, engine.cfg.vae, model.image_shape, model.variational,
                          engine.data.num_classes, state, encoded, script)


def latent_snapshots(engine, with_images: bool = False) -> dict[str, LatentSnapshot]:
    """name -> snapshot for every model of an AE/VAE engine ("ae", "vae" or both)."""
    models = getattr(engine, "models", None)
    if not models:
        raise ValueError("this model has no latent space to explore")
    return {name: snapshot(engine, m, with_images) for name, m in models.items()}
