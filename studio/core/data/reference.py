"""What a trained model needs from its data, kept in its checkpoint: the kind and shape of the
data, class names, the mode centres of a 2-D set and a few reference examples. With it,
`sample`, `encode`, `decode` and File > Open work from the checkpoint alone, after the data
file was moved or on another machine. Images are kept as uint8, points as float32."""
from __future__ import annotations

import numpy as np
import torch

from . import Dataset
from .domains import DomainPair

N_REFERENCE = 256  # examples kept: enough for previews, the explorer's map and the 2-D view


def _pick(n: int) -> torch.Tensor:
    # The same examples for every save of a run (seeded), spread over the whole set.
    if n <= N_REFERENCE:
        return torch.arange(n)
    return torch.randperm(n, generator=torch.Generator().manual_seed(0))[:N_REFERENCE].sort()[0]


def _small(x: torch.Tensor, idx: torch.Tensor, images: bool) -> torch.Tensor:
    part = x.index_select(0, idx.to(x.device)).detach().cpu()
    if images and part.dtype != torch.uint8:
        part = part.float().mul(255).round_().clamp_(0, 255).to(torch.uint8)
    return part.contiguous() if images else part.float().contiguous()


def _labels(y, idx):
    return None if y is None else y.index_select(0, idx.to(y.device)).detach().cpu().long()


def reference_of(data) -> dict | None:
    """The small, plain part of `data` a checkpoint keeps (None for data the studio makes
    again from the config alone, such as the captioned shapes)."""
    if isinstance(data, Dataset):
        idx = _pick(len(data))
        images = data.kind == "images"
        return {"type": "dataset", "kind": data.kind, "x": _small(data.x, idx, images),
                "labels": _labels(data.labels, idx), "num_classes": int(data.num_classes),
                "classes": list(data.classes) if data.classes else None, "name": data.name,
                "modes": None if data.modes is None else torch.as_tensor(
                    np.asarray(data.modes, dtype=np.float32)),
                "mode_sigma": float(data.mode_sigma)}
    if isinstance(data, DomainPair):
        ia, ib = _pick(len(data.a)), _pick(len(data.b))
        return {"type": "domains", "a": _small(data.a, ia, True), "b": _small(data.b, ib, True),
                "labels_a": _labels(data.labels_a, ia), "labels_b": _labels(data.labels_b, ib),
                "names": list(data.names), "name": data.name}
    return None


def reference_for(engine) -> dict | None:
    """The reference of the data an engine trains on, made once per data set (a Snapshot of
    the engine carries its engine's)."""
    data = getattr(engine, "data", None)
    cached = getattr(engine, "_data_reference", None)
    if cached is not None and (data is None or cached[0] is data):
        return cached[1]
    ref = reference_of(data)
    engine._data_reference = (data, ref)
    return ref


def data_from_reference(ref: dict, device) -> Dataset | DomainPair:
    """The data set a checkpoint's reference stands for (small: for sampling, not training)."""
    if ref["type"] == "domains":
        la, lb = ref.get("labels_a"), ref.get("labels_b")
        return DomainPair(ref["a"].to(device), ref["b"].to(device),
                          None if la is None else la.to(device),
                          None if lb is None else lb.to(device),
                          tuple(ref["names"]), ref.get("name", ""))
    x = ref["x"].to(device)  # images stay uint8, as data sets hold them
    y = ref.get("labels")
    modes = ref.get("modes")
    return Dataset(ref["kind"], x, None if y is None else y.to(device), int(ref["num_classes"]),
                   modes=None if modes is None else modes.numpy().astype(np.float64),
                   mode_sigma=float(ref.get("mode_sigma", 0.0)), name=ref.get("name", ""),
                   classes=ref.get("classes"))


def _tensor(ref, key, dtype, ndim, optional=False) -> str:
    v = ref.get(key)
    if v is None and optional:
        return ""
    if not torch.is_tensor(v) or v.dtype != dtype or v.ndim != ndim or len(v) > N_REFERENCE \
            or (ndim > 1 and len(v) == 0):
        return f"its data reference's {key!r} is not a tensor of {N_REFERENCE} or fewer " \
               f"{dtype} {'examples' if ndim > 1 else 'labels'}"
    return ""


def reference_problem(ref) -> str:
    """What is wrong with a checkpoint's data reference ("" when it is well formed)."""
    if not isinstance(ref, dict) or ref.get("type") not in ("dataset", "domains"):
        return "its data reference is not a table of a known type"
    if ref["type"] == "domains":
        checks = [_tensor(ref, "a", torch.uint8, 4), _tensor(ref, "b", torch.uint8, 4),
                  _tensor(ref, "labels_a", torch.int64, 1, True),
                  _tensor(ref, "labels_b", torch.int64, 1, True)]
        names = ref.get("names")
        if not (isinstance(names, list) and len(names) == 2 and all(isinstance(n, str)
                                                                   for n in names)):
            checks.append("its data reference's domain names are not two words")
        return next((c for c in checks if c), "")
    kind = ref.get("kind")
    if kind not in ("points", "images"):
        return "its data reference's kind is neither points nor images"
    images = kind == "images"
    checks = [_tensor(ref, "x", torch.uint8 if images else torch.float32, 4 if images else 2),
              _tensor(ref, "labels", torch.int64, 1, True),
              _tensor(ref, "modes", torch.float32, 2, True)]
    k, classes, y = ref.get("num_classes"), ref.get("classes"), ref.get("labels")
    if not isinstance(k, int) or not 0 <= k <= 100_000:
        checks.append("its data reference's number of classes is not a whole number")
    elif torch.is_tensor(y) and len(y) and not checks[1] and (y.min() < 0 or y.max() >= k):
        checks.append("its data reference's labels are outside its classes")
    if classes is not None and not (isinstance(classes, list) and len(classes) <= 100_000
                                    and all(isinstance(c, str) for c in classes)):
        checks.append("its data reference's class names are not a list of words")
    return next((c for c in checks if c), "")
