"""The user's own captioned pictures for text-to-image: a folder of images with a
captions.csv (rows "file,caption"; several rows per file allowed; a header row is optional)
or a captions.jsonl (one {"file": ..., "caption": ...} or {"file": ..., "captions": [...]}
a line), or both. Captions may be English or Chinese (tokenised as the shapes set's are).
The pictures are decoded once into the cache, like any folder; files the captions name that
are missing or unreadable are skipped and counted.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path, PurePosixPath
from typing import Callable

from .files import DataError
from .shapes import CaptionedImages

CAPTION_FILES = ("captions.csv", "captions.jsonl")
MAX_FILE_BYTES = 256 << 20  # a caption file larger than this is refused (read into memory)
MAX_CAPTION_CHARS = 1000  # longer captions are cut (the model reads 24 words at most)
MAX_PER_IMAGE = 10  # captions kept per picture
_FILE_KEYS = ("file", "filename", "image", "path")


def _read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError(f"{path}: {size / 2**20:.0f} MB is too large for a caption file "
                        f"(at most {MAX_FILE_BYTES >> 20} MB)")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None


def _clean_name(path: Path, line: int, name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise DataError(f"{path}: line {line} names no picture file")
    p = PurePosixPath(name.strip().replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts:
        raise DataError(f"{path}: line {line}: {name!r} is outside the folder (use a name "
                        f"relative to it)")
    return p.as_posix()


def _rows_csv(path: Path):
    reader = csv.reader(io.StringIO(_read_text(path)))
    for i, row in enumerate(reader, 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if i == 1 and cells[0].lower() in _FILE_KEYS:
            continue  # a header row
        if len(cells) < 2:
            raise DataError(f"{path}: line {i} needs two columns, file and caption")
        yield _clean_name(path, i, cells[0]), ",".join(cells[1:]).strip()


def _rows_jsonl(path: Path):
    for i, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(f"{path}: line {i} is not JSON ({e.msg})") from None
        if not isinstance(obj, dict):
            raise DataError(f"{path}: line {i} must be an object with file and caption")
        name = next((obj[k] for k in _FILE_KEYS if k in obj), None)
        caps = obj.get("captions", obj.get("caption"))
        caps = [caps] if isinstance(caps, str) else caps
        if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
            raise DataError(f"{path}: line {i} needs a caption (text) or captions (a list)")
        name = _clean_name(path, i, name)
        for c in caps:
            yield name, c.strip()


def read_captions(root: Path) -> dict[str, list[str]]:
    """{picture file (relative): its captions} from the folder's caption files, in file
    order; DataError naming the file and line for one that cannot be read."""
    found = [root / n for n in CAPTION_FILES if (root / n).is_file()]
    if not found:
        raise DataError(f"data.path: {root} has no captions.csv or captions.jsonl (rows of "
                        f"file and caption) for text-to-image")
    out: dict[str, list[str]] = {}
    for f in found:
        rows = _rows_csv(f) if f.suffix == ".csv" else _rows_jsonl(f)
        for name, caption in rows:
            if caption:
                caps = out.setdefault(name, [])
                if len(caps) < MAX_PER_IMAGE:
                    caps.append(caption[:MAX_CAPTION_CHARS])
    if not out:
        raise DataError(f"{found[0]}: no captions in it")
    return dict(sorted(out.items()))


def load_caption_folder(data_cfg, seed: int = 0, progress: Callable | None = None
                        ) -> CaptionedImages:
    """The captioned pictures of data.path, decoded at data.image_size (RGB, uint8, from the
    cache). Every picture gets the same number of captions (its own, repeated in turn)."""
    from .cache import decode_files
    from .folder import pick_subset

    root = Path(data_cfg.path).expanduser()
    if not root.is_dir():
        raise DataError(f"data.path: {root} is not a folder")
    table = read_captions(root)
    names = pick_subset(list(table), getattr(data_cfg, "limit", 0) or None, seed)
    dec = decode_files(root, [root / n for n in names], data_cfg.image_size, "RGB",
                       getattr(data_cfg, "crop", "centre"), progress,
                       variant=f"captions limit={data_cfg.limit} seed={seed}")
    if dec.n < 2:
        raise DataError(f"data.path: needs at least 2 readable pictures named in its captions, "
                        f"found {dec.n} of {len(names)}")
    caps = [table[names[i]] for i in dec.kept]
    k = max(len(c) for c in caps)
    caps = [[c[j % len(c)] for j in range(k)] for c in caps]
    return CaptionedImages(dec.images, caps, {}, "folder", n_skipped=len(names) - dec.n)


def example_captions(captions: list[list[str]], n: int = 6) -> list[str]:
    """n different captions from pictures spread over the set (the preview's rows)."""
    out: list[str] = []
    step = max(1, len(captions) // n)
    for caps in captions[::step] + captions:
        for c in caps:
            if c not in out:
                out.append(c)
                break
        if len(out) == n:
            break
    return out


__all__ = ["CAPTION_FILES", "example_captions", "load_caption_folder", "read_captions"]
