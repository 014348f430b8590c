"""Image figures measured once per picture (docs/image-checks.md): pixel size, blur, perceptual hash, white
background. Pure functions over a decoded Pillow image; media.services stores what they return.

Blur is the variance of the Laplacian (3×3, 4-neighbour) of a greyscale copy whose longest side is at most
ANALYSIS_SIDE: a sharp picture has strong edges, so a wide spread of second derivatives; a blurred one little.
It is computed with numpy in floating point: Pillow's ImageFilter.Kernel writes 8-bit pixels, which clips the
negative half of every edge's response and the strong positives, and the variance of a clipped response says
less about sharpness the sharper the picture is.

The perceptual hash is imagehash's pHash (the 8×8 low frequencies of a 32×32 DCT against their median), the
implementation other tools compute too, taken over the same greyscale copy. A picture with almost no contrast
(one colour, a blank card) has no hash: its DCT terms are noise around zero, and two blank pictures from two
shops are not one stolen picture.
"""

from dataclasses import dataclass
from itertools import combinations

import imagehash
import numpy as np
from PIL import Image

ANALYSIS_SIDE = 512  # the greyscale copy's longest side: cheap on a 40-megapixel upload, stable across sizes
FLAT_STD = 2.0  # grey levels: below this standard deviation the picture is one flat colour
WHITE_LEVEL = 245  # a border pixel at least this light (0–255) counts as white
WHITE_SHARE = 0.97  # a white-background picture: this share of its 2-pixel border is white
BANDS = 4  # the 64-bit hash in four 16-bit bands (indexed columns)
BAND_BITS = 16


@dataclass(frozen=True)
class Figures:
    width: int
    height: int
    blur_score: float
    phash: int | None  # signed 64-bit (PostgreSQL's bigint); None for a flat picture
    white_background: bool

    @property
    def bands(self) -> tuple[int | None, ...]:
        return hash_bands(self.phash)


def to_signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def hash_bands(phash: int | None) -> tuple[int | None, ...]:
    """The hash's four 16-bit bands, most significant first (0–65535 each); Nones when there is no hash."""
    if phash is None:
        return (None,) * BANDS
    value = to_unsigned(phash)
    return tuple((value >> (16 * (BANDS - 1 - i))) & 0xFFFF for i in range(BANDS))


def band_probes(band: int, radius: int) -> list[int]:
    """The band's values within `radius` bits of `band` (radius 0: itself; 1: itself and its 16 one-bit
    neighbours; 2: 137 values). Two hashes within d bits of each other differ in at most d // 4 bits in at least
    one of the four bands (pigeonhole), so probing each band at radius d // 4 finds every pair within d."""
    values = [band]
    for r in range(1, radius + 1):
        for bits in combinations(range(BAND_BITS), r):
            flipped = band
            for bit in bits:
                flipped ^= 1 << bit
            values.append(flipped)
    return values


def hamming(a: int, b: int) -> int:
    """Bits that differ between two signed 64-bit hashes."""
    return (to_unsigned(a) ^ to_unsigned(b)).bit_count()


def _grey_copy(image: Image.Image) -> Image.Image:
    small = image.copy()
    small.thumbnail((ANALYSIS_SIDE, ANALYSIS_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if small.mode in ("RGBA", "LA", "PA", "P"):
        rgba = small.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        small = Image.alpha_composite(base, rgba)  # transparency reads as a white background
    return small.convert("L")


def laplacian_variance(pixels: np.ndarray) -> float:
    if pixels.shape[0] < 3 or pixels.shape[1] < 3:
        return 0.0
    centre = pixels[1:-1, 1:-1]
    lap = pixels[:-2, 1:-1] + pixels[2:, 1:-1] + pixels[1:-1, :-2] + pixels[1:-1, 2:] - 4 * centre
    return float(lap.var())


def _phash(grey: Image.Image) -> int:
    bits = imagehash.phash(grey).hash.flatten()  # 64 booleans, row by row
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return to_signed(value)


def _white_background(pixels: np.ndarray) -> bool:
    border = np.concatenate(
        [pixels[:2].ravel(), pixels[-2:].ravel(), pixels[:, :2].ravel(), pixels[:, -2:].ravel()]
    )
    return bool(border.size) and float((border >= WHITE_LEVEL).mean()) >= WHITE_SHARE


def analyse(image: Image.Image) -> Figures:
    """The figures of an upright, decoded picture (media.services passes the cleaned upload)."""
    grey = _grey_copy(image)
    pixels = np.asarray(grey, dtype=np.float64)
    flat = float(pixels.std()) < FLAT_STD
    return Figures(
        width=image.width,
        height=image.height,
        blur_score=round(laplacian_variance(pixels), 2),
        phash=None if flat else _phash(grey),
        white_background=_white_background(pixels),
    )
