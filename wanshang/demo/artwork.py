"""Demo product pictures, composed offline with Pillow from vendored OpenMoji artwork.

`product_picture(kind=..., colour=..., variant=...)` returns JPEG bytes: a background in the SKU colour (or the
category's palette) with a soft gradient and blurred shapes, one emoji from wanshang/demo/artwork/ large in the
middle, and for the later gallery variants a different layout (a second motif, a close-up, a label band).

The artwork is OpenMoji 17.0.0 (CC BY-SA 4.0, see artwork/NOTICE.md), vendored as small PNGs by
scripts/vendor-demo-artwork from the npm package `openmoji`; nothing is downloaded at run time. The composed
pictures are adaptations of it and carry the same licence.

Pure Pillow and stdlib (no Django), so scripts and tests can use it as is.
"""

from __future__ import annotations

import colorsys
import io
import zlib
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ARTWORK_DIR = Path(__file__).resolve().parent / "artwork"

# Leaf category slug → OpenMoji codes (the first is the main picture's motif; the others vary the gallery).
LEAF_ART: dict[str, tuple[str, ...]] = {
    "dresses": ("1F457", "1F452", "1F45B"),
    "womens-tshirts": ("1F45A", "1F455"),
    "womens-sweaters": ("1F9F6", "1F9E5"),
    "mens-shirts": ("1F454", "1F455"),
    "mens-jackets": ("1F9E5", "1F454"),
    "mens-casual-pants": ("1F456",),
    "pajamas": ("1F45A", "1F319"),
    "socks": ("1F9E6",),
    "smartphones": ("1F4F1", "1F4F2"),
    "phone-cases": ("1F4F1",),
    "chargers": ("1F50C", "1F50B"),
    "earbuds": ("1F3A7",),
    "smartwatches": ("231A",),
    "power-banks": ("1F50B", "1F50C"),
    "laptops": ("1F4BB",),
    "keyboards": ("2328", "1F4BB"),
    "mice": ("1F5B1",),
    "rice-cookers": ("1F35A", "1F359"),
    "air-fryers": ("1F35F", "1F357"),
    "blenders": ("1F964", "1F34A"),
    "vacuums": ("1F9F9",),
    "fans": ("1F300", "1F32C"),
    "humidifiers": ("1F4A7",),
    "hair-dryers": ("1F487", "1F4A8"),
    "electric-toothbrushes": ("1FAA5", "1F9B7"),
    "nuts": ("1F95C", "1F330"),
    "biscuits": ("1F36A", "1F950"),
    "tea": ("1F375", "1FAD6"),
    "coffee": ("2615",),
    "fruits": ("1F34E", "1F34A", "1F95D", "1F96D"),
    "seafood": ("1F990", "1F41F", "1F991"),
    "rice": ("1F33E", "1F359"),
    "cooking-oil": ("1FAD2", "1F33B"),
    "face-creams": ("1F9F4",),
    "serums": ("1F9EA", "1F4A7"),
    "face-masks": ("1F9D6",),
    "lipsticks": ("1F484", "1F48B"),
    "foundations": ("1FA9E",),
    "shampoos": ("1F9F4", "1FAE7"),
    "body-washes": ("1F9FC", "1F6C1"),
    "bedding-sets": ("1F6CF",),
    "pillows": ("1F6CC", "1F6CF"),
    "towels": ("1F6C1",),
    "woks": ("1F373",),
    "tableware": ("1F37D", "1F962"),
    "vacuum-flasks": ("1F964", "2615"),
    "storage-boxes": ("1F4E6", "1F5C3"),
    "hangers": ("1F9E5", "1FA9D"),
    "diapers": ("1F476", "1F37C"),
    "baby-wipes": ("1F9FB",),
    "baby-bottles": ("1F37C",),
    "building-blocks": ("1F9F1", "1F3F0"),
    "plush-toys": ("1F9F8", "1F43B", "1F430"),
    "puzzle-toys": ("1F9E9",),
    "kids-sets": ("1F455", "1F9D2"),
    "kids-shoes": ("1F45F",),
    "running-shoes": ("1F45F", "1F3C3"),
    "sports-tshirts": ("1F3BD",),
    "tents": ("26FA", "1F3D5"),
    "hardshell-jackets": ("1F9E5", "1F3D4"),
    "hiking-backpacks": ("1F392", "1F3D4"),
    "yoga-mats": ("1F9D8",),
    "dumbbells": ("1F3CB",),
}
# Top-level category slug → (fallback motif, palette of background colours).
TOP_ART: dict[str, tuple[str, tuple[str, ...]]] = {
    "apparel": ("1F457", ("#f6d5dc", "#e9dcf5", "#fbe6c8")),
    "digital": ("1F4F1", ("#d4e4fb", "#d9f1ef", "#e4e1f7")),
    "appliances": ("1F50C", ("#dff0e6", "#fbefd6", "#dde8f3")),
    "food": ("1F34E", ("#fde3c8", "#e5f3d0", "#fbd9cf")),
    "beauty": ("1F484", ("#fadbe4", "#f3e2f5", "#fde8dc")),
    "home": ("1F3E0", ("#efe6d8", "#dcebe5", "#e7e3f2")),
    "baby": ("1F37C", ("#fdf0c7", "#dcf0f7", "#f9dfe8")),
    "sports": ("26BD", ("#d7f0df", "#d6e6f7", "#fbe3c8")),
}
STYLE = "v1"  # bump when the composition changes: stored demo pictures are named by it
SPARKLE = "2728"
LAYOUTS = 6  # variants 0–5 are six different compositions; 6+ repeat layout 3 with the next motif
DEFAULT_ART = "2728"

# SKU colour names of the demo catalogue (and a few common ones) → RGB hex.
COLOURS: dict[str, str] = {
    "黑色": "#2b2b2e",
    "白色": "#f4f3ef",
    "浅灰": "#c9ccd1",
    "深灰": "#5c6066",
    "灰色": "#9a9ea5",
    "藏青色": "#27385e",
    "藏青": "#27385e",
    "雾霾蓝": "#8fa7c0",
    "燕麦色": "#d9c7a7",
    "碎花米白": "#efe4cf",
    "米白": "#efe6d4",
    "米色": "#e8dcc2",
    "酒红色": "#7d2234",
    "奶杏色": "#ecd3b4",
    "薄荷绿": "#a8dcc5",
    "焦糖色": "#b26b34",
    "卡其色": "#c3a57a",
    "军绿色": "#5d6b3f",
    "墨绿色": "#2f5245",
    "天蓝色": "#8cc7ec",
    "浅蓝色": "#a9cbe8",
    "牛仔蓝": "#4a6d96",
    "深蓝": "#1f3a68",
    "蓝色": "#3b6fc4",
    "宝蓝": "#2449a8",
    "红色": "#d23b3b",
    "中国红": "#c8161d",
    "粉色": "#f2b4c3",
    "樱花粉": "#f6c6d2",
    "紫色": "#8a63b8",
    "香芋紫": "#b9a2d6",
    "黄色": "#f3cf45",
    "柠檬黄": "#f5e26b",
    "橙色": "#f08a3c",
    "活力橙": "#f27a2a",
    "绿色": "#4ea56b",
    "棕色": "#7b5537",
    "咖啡色": "#6b4a35",
    "银色": "#c7cbd1",
    "金色": "#d8b25e",
    "玫瑰金": "#e2b1a0",
    "星空灰": "#4b5058",
    "午夜黑": "#1f2024",
    "月光白": "#f1f1ee",
    "远峰蓝": "#8eb2d4",
    "晨曦金": "#e9cf9b",
    "透明": "#e8eef2",
    "透明白": "#eef1f3",
    "灰粉": "#d8aab0",
    "雾粉": "#e6b9bf",
    "奶白": "#f5efe2",
    "象牙白": "#f3ecdc",
    "浅紫": "#cbb8e3",
    "豆沙色": "#b9787a",
    "姜黄色": "#d9a23b",
    "荧光绿": "#a6e05a",
}


def colour_hex(name: str | None, *, kind: str, variant: int = 0) -> str:
    """The background colour for a SKU colour name: a known colour, a colour word inside the name (浅灰蓝 → 灰),
    else a stable pick from the category's palette."""
    if name:
        if name in COLOURS:
            return COLOURS[name]
        for known in sorted(COLOURS, key=len, reverse=True):
            if known.rstrip("色") and known.rstrip("色") in name:
                return COLOURS[known]
    palette = TOP_ART.get(_top_of(kind), ("", ("#ece7f3",)))[1]
    seed = zlib.crc32(f"{kind}:{name or ''}".encode())
    return palette[(seed + variant) % len(palette)]


_LEAF_TOP: dict[str, str] = {}


def register_leaf_tops(mapping: dict[str, str]) -> None:
    """Tell the composer each leaf's top-level slug (for palettes and fallbacks); demo/pictures.py does it."""
    _LEAF_TOP.update(mapping)


def _top_of(kind: str) -> str:
    return kind if kind in TOP_ART else _LEAF_TOP.get(kind, "")


def art_codes(kind: str) -> tuple[str, ...]:
    """The motifs for a leaf slug (or top-level slug)."""
    if kind in LEAF_ART:
        return LEAF_ART[kind]
    top = _top_of(kind)
    return (TOP_ART[top][0],) if top in TOP_ART else (DEFAULT_ART,)


def all_codes() -> list[str]:
    """Every code the composer may draw: what scripts/vendor-demo-artwork vendors."""
    codes = {SPARKLE, DEFAULT_ART, *(c for cs in LEAF_ART.values() for c in cs)}
    codes |= {code for code, _ in TOP_ART.values()}
    return sorted(codes)


@lru_cache(maxsize=256)
def _art(code: str) -> Image.Image:
    path = ARTWORK_DIR / f"{code}.png"
    if not path.exists():
        path = ARTWORK_DIR / f"{DEFAULT_ART}.png"
    with Image.open(path) as im:
        return im.convert("RGBA")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _shade(rgb, *, light: float = 0.0, sat: float = 1.0) -> tuple[int, int, int]:
    """Move the lightness by `light` (-1..1) and scale the saturation."""
    h, li, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    li = min(1.0, max(0.0, li + light))
    s = min(1.0, max(0.0, s * sat))
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, li, s))


def _luma(rgb) -> float:
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def _background(size: int, rgb, variant: int, seed: int) -> Image.Image:
    """A soft vertical gradient in the colour with a few blurred round shapes, drawn small and scaled up."""
    small = max(64, size // 8)
    dark = _luma(rgb) < 90
    top = _shade(rgb, light=0.10 if dark else 0.06, sat=0.9)
    bottom = _shade(rgb, light=-0.04 if dark else -0.08, sat=1.05)
    grad = Image.linear_gradient("L").resize((small, small))
    base = Image.composite(
        Image.new("RGB", (small, small), bottom), Image.new("RGB", (small, small), top), grad
    )
    glow = _shade(rgb, light=0.18 if not dark else 0.22, sat=0.8)
    deep = _shade(rgb, light=-0.12, sat=1.1)
    blobs = [((small / 2, small / 2), small * 0.36, glow, 170)]
    for k in range(3):
        x = ((seed >> (k * 5)) % 100) / 100 * small
        y = ((seed >> (k * 5 + 3)) % 100) / 100 * small
        rr = small * (0.12 + 0.06 * ((seed >> (k * 7)) % 3))
        blobs.append(((x, y), rr, deep if (k + variant) % 2 else glow, 90))
    for (
        x,
        y,
    ), rr, colour, alpha in blobs:  # a blurred mask per shape: no dark fringes from transparent black
        mask = Image.new("L", (small, small), 0)
        ImageDraw.Draw(mask).ellipse((x - rr, y - rr, x + rr, y + rr), fill=alpha)
        mask = mask.filter(ImageFilter.GaussianBlur(small / 14))
        base = Image.composite(Image.new("RGB", (small, small), colour), base, mask)
    return base.resize((size, size), Image.Resampling.BILINEAR).convert("RGBA")


@lru_cache(maxsize=48)  # a few MB each: enough for one category's motifs at every layout's size
def _sized(code: str, width: int, shadow: bool) -> tuple[Image.Image, Image.Image | None]:
    """The motif at `width` and its soft drop shadow (cached: the same few motifs recur in many pictures)."""
    art = _art(code).resize((width, width), Image.Resampling.LANCZOS)
    if not shadow:
        return art, None
    # a small blurred silhouette, scaled up: as soft as blurring at full size, at a fraction of the cost
    small = art.getchannel("A").reduce(4).point(lambda a: a * 0.28)
    small = small.filter(ImageFilter.GaussianBlur(width / 28 / 4))
    shade = Image.new("RGBA", art.size, (0, 0, 0, 0))
    shade.putalpha(small.resize(art.size, Image.Resampling.BILINEAR))
    return art, shade


def _place(canvas: Image.Image, code: str, *, centre: tuple[float, float], width: int, shadow: bool = True):
    art, shade = _sized(code, width, shadow)
    x, y = int(centre[0] - width / 2), int(centre[1] - width / 2)
    if shade is not None:
        off = max(2, width // 30)
        canvas.alpha_composite(shade, (x + off, y + off * 2))
    canvas.alpha_composite(art, (x, y))


def caches_clear() -> None:
    """Free the cached motifs and pictures (a demo load composes hundreds, then needs none of them)."""
    _art.cache_clear()
    _sized.cache_clear()
    _picture.cache_clear()


def _grid(canvas: Image.Image, rgb, codes: tuple[str, ...], size: int) -> None:
    """Layout 4, the range at a glance: four smaller motifs on light tiles, two by two."""
    draw = ImageDraw.Draw(canvas)
    tile = (*_shade(rgb, light=0.16, sat=0.7), 235)
    edge = size * 0.06
    cell = (size - 3 * edge) / 2
    for k in range(4):
        x0 = edge + (k % 2) * (cell + edge)
        y0 = edge + (k // 2) * (cell + edge)
        draw.rounded_rectangle((x0, y0, x0 + cell, y0 + cell), radius=int(size * 0.04), fill=tile)
        code = codes[k % len(codes)] if k != 3 or len(codes) > 1 else SPARKLE
        _place(canvas, code, centre=(x0 + cell / 2, y0 + cell / 2), width=int(cell * 0.72), shadow=False)


def _panel(canvas: Image.Image, rgb, code: str, size: int) -> None:
    """Layout 5, a detail card: a dark panel on the right third with stripes, the motif large on the left."""
    draw = ImageDraw.Draw(canvas)
    dark = _luma(rgb) < 90
    panel = (*_shade(rgb, light=0.3 if dark else -0.3, sat=1.1), 255)
    left = int(size * 0.64)
    draw.rectangle((left, 0, size, size), fill=panel)
    line = (*_shade(rgb, light=0.15 if dark else 0.25), 255)
    for k in range(4):
        y = size * (0.22 + 0.16 * k)
        draw.rounded_rectangle(
            (left + size * 0.06, y, size - size * 0.06 - (k % 2) * size * 0.08, y + size * 0.045),
            radius=int(size * 0.02),
            fill=line,
        )
    _place(canvas, code, centre=(size * 0.33, size * 0.62), width=int(size * 0.5))


def product_picture(*, kind: str, colour: str | None = None, variant: int = 0, size: int = 800) -> bytes:
    """An 800×800 (by default) JPEG for a demo product of category `kind` (leaf slug) in `colour` (a SKU colour
    name, or None for the category's palette). Variant 0 is the main picture; 1 adds a second motif, 2 is a
    close-up with small repeats, 3 has a light band at the bottom, 4 is a grid of four motifs, 5 a detail card
    with a side panel; 6+ cycle through the motifs in layout 3. Deterministic."""
    return _picture(kind, colour or "", variant, size)


def banner_picture(*, kind: str, key: str = "", width: int = 1200, height: int = 480) -> bytes:
    """A wide JPEG for a demo campaign page's banner: the category's palette with its motifs and a few
    sparkles, laid out by `key` (the shop's slug) so that no two shops' banners look alike (the image checks
    would take them for copies). Deterministic."""
    codes = art_codes(kind)
    seed = zlib.crc32(f"banner:{kind}:{key}".encode())
    rgb = _rgb(colour_hex(None, kind=kind, variant=seed % 7))
    canvas = _background(width, rgb, seed % 3, seed)
    canvas = canvas.crop((0, (width - height) // 2, width, (width + height) // 2))
    shift = (seed % 5) * 0.03
    for k, x in enumerate((0.2 + shift, 0.5, 0.8 - shift)):
        code = codes[(k + seed) % len(codes)]
        size = 0.66 if k == (seed % 3) else 0.42
        y = 0.5 + ((seed >> (k * 3)) % 5 - 2) * 0.04
        _place(canvas, code, centre=(width * x, height * y), width=int(height * size))
    for k in range(3 + seed % 3):
        x = ((seed >> (k * 4)) % 97) / 100
        y = 0.1 + ((seed >> (k * 4 + 2)) % 30) / 100
        _place(canvas, SPARKLE, centre=(width * x, height * y), width=int(height * 0.08), shadow=False)
    out = io.BytesIO()
    canvas.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


@lru_cache(maxsize=32)
def _picture(kind: str, colour: str, variant: int, size: int) -> bytes:
    codes = art_codes(kind)
    rgb = _rgb(colour_hex(colour or None, kind=kind, variant=variant))
    seed = zlib.crc32(f"{kind}:{colour}:{variant}".encode())
    canvas = _background(size, rgb, variant, seed)
    main = codes[variant % len(codes)] if variant >= 3 else codes[0]
    layout = variant if variant < LAYOUTS else 3
    if layout == 0:
        _place(canvas, main, centre=(size / 2, size / 2), width=int(size * 0.58))
    elif layout == 1:
        other = codes[1] if len(codes) > 1 else SPARKLE
        _place(canvas, main, centre=(size * 0.43, size * 0.47), width=int(size * 0.52))
        _place(canvas, other, centre=(size * 0.76, size * 0.74), width=int(size * 0.26))
    elif layout == 2:
        _place(canvas, main, centre=(size * 0.5, size * 0.56), width=int(size * 0.78))
        _place(canvas, SPARKLE, centre=(size * 0.18, size * 0.17), width=int(size * 0.14), shadow=False)
        _place(canvas, SPARKLE, centre=(size * 0.84, size * 0.24), width=int(size * 0.09), shadow=False)
    elif layout == 4:
        _grid(canvas, rgb, codes, size)
    elif layout == 5:
        _panel(canvas, rgb, main, size)
    else:
        band = Image.new("RGBA", (size, int(size * 0.16)), (255, 255, 255, 120))
        canvas.alpha_composite(band, (0, int(size * 0.84)))
        _place(canvas, main, centre=(size / 2, size * 0.44), width=int(size * 0.54))
        dots = ImageDraw.Draw(canvas)
        step = size // 12
        tone = (*_shade(rgb, light=-0.2), 200)
        for k in range(5):
            cx = size / 2 + (k - 2) * step
            dots.ellipse(
                (cx - size / 80, size * 0.92 - size / 80, cx + size / 80, size * 0.92 + size / 80), fill=tone
            )
    out = io.BytesIO()
    canvas.convert("RGB").save(out, "JPEG", quality=84)
    return out.getvalue()
