"""{% picture %}: a product image as <picture> with WebP srcset and a JPEG fallback, lazy, with its size.

`pictures` is the product's {url: renditions} (Product.pictures, kept by catalog.services): an image that came
from an upload gets every rendition; a pasted URL a plain <img>; no image the placeholder tile.
"""

from django import template

register = template.Library()

SIZES = {
    "thumb": "(max-width: 640px) 50vw, 240px",
    "detail": "(max-width: 840px) 100vw, 460px",
    "zoom": "100vw",
    "mini": "80px",
}
FALLBACK = {"thumb": "thumb", "mini": "thumb", "detail": "detail", "zoom": "zoom"}


def _srcset(renditions: dict, fmt: str) -> str:
    seen, parts = set(), []
    for entry in sorted(renditions.values(), key=lambda e: e["w"]):
        if entry["w"] in seen or not entry.get(fmt):
            continue
        seen.add(entry["w"])
        parts.append(f"{entry[fmt]} {entry['w']}w")
    return ", ".join(parts)


@register.inclusion_tag("media/picture.html")
def picture(url, pictures=None, size="thumb", alt="", title="", cls="", lazy=True):
    """{% picture p.main_image p.pictures "thumb" alt=p.title title=p.title %}."""
    renditions = (pictures or {}).get(url) if url else None
    context = {
        "url": url,
        "alt": alt,
        "cls": cls,
        "lazy": lazy,
        "initial": (str(title or alt).strip()[:1] or "商"),
    }
    if renditions:
        main = renditions.get(FALLBACK.get(size, "detail")) or next(iter(renditions.values()))
        context.update(
            renditions=True,
            webp=_srcset(renditions, "webp"),
            jpeg=_srcset(renditions, "jpeg"),
            src=main["jpeg"],
            width=main["w"],
            height=main["h"],
            sizes=SIZES.get(size, SIZES["detail"]),
        )
    return context
