import io

import pytest
from PIL import Image


def image_bytes(size=(1000, 800), fmt="JPEG", color=(200, 40, 40), exif=None, mode="RGB") -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (39.0, 54.0, 27.0)
    gps[3] = "E"
    gps[4] = (116.0, 23.0, 31.0)
    if orientation:
        exif[0x0112] = orientation
    return exif


@pytest.fixture
def img():
    return image_bytes


# --- generated pictures for the image checks (docs/image-checks.md) -----------------------------------------


def checkerboard(size: int = 800, cell: int = 50) -> Image.Image:
    """Black and white squares: as sharp as a picture gets."""
    from PIL import ImageDraw

    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    for y in range(0, size, cell):
        for x in range(0, size, cell):
            if (x // cell + y // cell) % 2:
                draw.rectangle([x, y, x + cell - 1, y + cell - 1], fill=(20, 20, 20))
    return image


def scene(seed: int, size=(900, 900)) -> Image.Image:
    """A made-up product shot: a coloured background and 25 shapes placed by `seed`."""
    import random

    from PIL import ImageDraw

    r = random.Random(seed)
    image = Image.new("RGB", size, (r.randrange(256), r.randrange(256), r.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y = r.randrange(size[0]), r.randrange(size[1])
        w, h = r.randrange(40, 300), r.randrange(40, 300)
        colour = (r.randrange(256), r.randrange(256), r.randrange(256))
        (draw.ellipse if r.random() < 0.5 else draw.rectangle)([x, y, x + w, y + h], fill=colour)
    return image


def encoded(image: Image.Image, fmt: str = "JPEG", quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return out.getvalue()
