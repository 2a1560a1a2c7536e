"""The user's own image folder: classes, conversion, cropping, and unreadable files."""
import io

import numpy as np
import pytest
from PIL import Image

from studio.core.data.files import DataError
from studio.core.data.folder import list_image_files, load_image_folder


def save(path, size=(20, 20), color=(200, 30, 30), mode="RGB"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path)


def png_bytes(size=(16, 16)):
    buf = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def classes_dir(tmp_path):
    root = tmp_path / "pets"
    save(root / "cat" / "c1.png", (40, 30))
    save(root / "cat" / "c2.jpg", (30, 40), 90, mode="L")
    save(root / "dog" / "sub" / "d1.png", (10, 10), (0, 0, 255, 255), mode="RGBA")
    (root / "dog" / "corrupt.png").write_bytes(b"\x89PNG not really an image")
    (root / "dog" / "empty.jpg").write_bytes(b"")
    (root / "dog" / "truncated.png").write_bytes(png_bytes((64, 64))[:60])
    (root / "dog" / "notes.txt").write_text("not an image")
    save(root / "dog" / ".hidden.png")
    (root / "empty_class").mkdir()
    save(root / "loose.png")  # beside class folders: ignored, as ImageFolder does
    return root


def test_class_folders_become_labels_and_bad_files_are_named(classes_dir):
    seen = []
    out = load_image_folder(classes_dir, 16, progress=lambda *a: seen.append(a))
    assert out.classes == ["cat", "dog"]
    assert out.images.shape == (3, 3, 16, 16) and out.images.dtype == np.uint8
    assert out.labels.tolist() == [0, 0, 1] and out.labels.dtype == np.int64
    assert sorted(out.skipped) == ["dog/corrupt.png", "dog/empty.jpg", "dog/truncated.png"]
    assert out.n_skipped == 3
    assert seen[-1] == (6, 6, "decode")
    assert tuple(out.images[0, :, 8, 8]) == (200, 30, 30)
    assert tuple(out.images[1, :, 8, 8]) == (90, 90, 90)  # grayscale file, RGB output
    assert tuple(out.images[2, :, 8, 8]) == (0, 0, 255)


def test_grayscale_and_auto_modes(classes_dir, tmp_path):
    gray = load_image_folder(classes_dir, 8, mode="L")
    assert gray.images.shape == (3, 1, 8, 8)
    assert load_image_folder(classes_dir, 8, mode="auto").images.shape[1] == 3
    flat = tmp_path / "gray"
    save(flat / "a.png", color=10, mode="L")
    save(flat / "b.png", color=250, mode="L")
    auto = load_image_folder(flat, 8, mode="auto")
    assert auto.images.shape == (2, 1, 8, 8) and auto.images[1].min() == 250
    with pytest.raises(ValueError, match="mode"):
        load_image_folder(flat, 8, mode="CMYK")


def test_a_flat_folder_is_one_class(tmp_path):
    root = tmp_path / "faces"
    for i in range(3):
        save(root / f"{i}.png")
    out = load_image_folder(root, 12)
    assert out.classes == ["faces"] and out.labels.tolist() == [0, 0, 0] and out.skipped == []


def test_wide_images_are_centre_cropped_not_squashed(tmp_path):
    im = Image.new("RGB", (40, 20), (255, 0, 0))
    im.paste((0, 255, 0), (10, 0, 30, 20))  # the centre 20x20 square is green
    (tmp_path / "w").mkdir()
    im.save(tmp_path / "w" / "wide.png")
    px = load_image_folder(tmp_path / "w", 8).images[0]
    # Squashing would leave red in the outer quarters; the filter bleeds only a little.
    assert (px[1] >= 200).all() and (px[0] <= 40).all()


def test_transparent_pixels_become_white(tmp_path):
    save(tmp_path / "t" / "clear.png", (8, 8), (0, 0, 0, 0), mode="RGBA")
    assert (load_image_folder(tmp_path / "t", 4).images == 255).all()


def test_a_class_with_no_readable_file_is_dropped(tmp_path):
    save(tmp_path / "r" / "a" / "1.png")
    (tmp_path / "r" / "b").mkdir()
    (tmp_path / "r" / "b" / "bad.png").write_bytes(b"junk")
    save(tmp_path / "r" / "c" / "1.png")
    out = load_image_folder(tmp_path / "r", 4)
    assert out.classes == ["a", "c"] and out.labels.tolist() == [0, 1]
    assert out.skipped == ["b/bad.png"]


def test_limit_reads_a_fixed_random_subset(tmp_path):
    for i in range(6):
        save(tmp_path / "many" / f"{i}.png", color=(i * 40, 0, 0))
    a = load_image_folder(tmp_path / "many", 4, limit=3, seed=1)
    b = load_image_folder(tmp_path / "many", 4, limit=3, seed=1)
    assert len(a.images) == 3 and np.array_equal(a.images, b.images)
    assert len(set(a.images[:, 0, 0, 0].tolist())) == 3


def test_nothing_readable_is_an_error(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.png").write_bytes(b"")
    (bad / "y.jpg").write_bytes(b"nope")
    with pytest.raises(DataError, match=r"none of the 2 image files could be read \(x.png, y.jpg\)"):
        load_image_folder(bad, 8)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.txt").write_text("hi")
    with pytest.raises(DataError, match="no image files"):
        load_image_folder(empty, 8)
    with pytest.raises(DataError, match="not a folder"):
        list_image_files(tmp_path / "missing")
