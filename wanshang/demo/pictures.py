"""Pictures for the demo's products: which ones a product gets (`picture_plan`) and where they are kept
(`pictures_store`).

A product gets five 主图 (the main picture and four gallery pictures, each another layout; two when the item is
marked `few_pictures`) and one picture for each further colour of its SKUs (up to three), composed by
demo/artwork.py. Identical pictures (same category,
colour and layout) are composed and written once and shared by URL.

Storage: `pictures_store` writes each JPEG once through Django's default storage under demo/ and returns the
URLs for `Product.images` (the list-of-URLs field the media app's pictures fall back to). The demo pictures do
not go through `media.services.image_upload`: that makes six renditions per picture per shop, which would
multiply the load time of the demo for pictures that are already small; a merchant's uploads always do.
"""

import hashlib
import os
import zlib
from concurrent.futures import ThreadPoolExecutor

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from wanshang.demo import artwork, content

COLOUR_AXES = ("颜色", "色号")
MAX_COLOUR_PICTURES = 3
# 主图: the 图片体检 asks for IMAGE_MIN_MAIN_COUNT (5) of them; each a different layout (artwork.LAYOUTS), far
# apart by pHash so the near-duplicate check does not pair them. A product marked `few_pictures` keeps two, so
# the 图片体检 has a 主图数量不足 to show.
MAIN_PICTURES = 5
FEW_MAIN_PICTURES = 2
STORAGE_DIR = "demo"

artwork.register_leaf_tops({leaf["slug"]: leaf["top_slug"] for leaf in content.leaf_categories()})


def picture_plan(item: dict) -> list[tuple[str, str | None, int]]:
    """(kind, colour, variant) of each picture of a content.products_for_shop() item, main picture first."""
    kind = item["category_slug"]
    colours: list[str | None] = [None]
    for axis in item.get("spec_axes") or []:
        if axis["name"] in COLOUR_AXES and axis["values"]:
            colours = list(axis["values"])
            break
    h = zlib.crc32(item["title"].encode())
    main_variant = h % 3  # products of one category and colour do not all look alike
    if item.get("few_pictures"):  # the shop put up two pictures and nothing more
        return [(kind, colours[0], (main_variant + k) % artwork.LAYOUTS) for k in range(FEW_MAIN_PICTURES)]
    plan = [(kind, colours[0], (main_variant + k) % artwork.LAYOUTS) for k in range(MAIN_PICTURES)]
    plan += [(kind, colour, main_variant) for colour in colours[1 : 1 + MAX_COLOUR_PICTURES]]
    return plan


class PictureStore:
    """Composes and writes each distinct picture once per load; a picture the storage already holds (from an
    earlier load) is neither composed nor written again. `prepare` composes many in parallel threads (Pillow
    releases the GIL while it resizes, blurs and encodes)."""

    def __init__(self):
        self.urls: dict[tuple, str] = {}
        self.written = 0

    @staticmethod
    def _name(kind: str, colour: str | None, variant: int) -> str:
        key = f"{artwork.STYLE}:{kind}:{colour or ''}:{variant}".encode()
        return f"{STORAGE_DIR}/{kind}/{hashlib.sha1(key, usedforsecurity=False).hexdigest()[:16]}.jpg"

    def _store(self, key: tuple, data: bytes | None) -> None:
        name = self._name(*key)
        if data is not None:
            name = default_storage.save(name, ContentFile(data))
            self.written += 1
        self.urls[key] = default_storage.url(name)

    def prepare(self, keys) -> None:
        todo = []
        for key in dict.fromkeys(keys):
            if key in self.urls:
                continue
            if default_storage.exists(self._name(*key)):
                self._store(key, None)
            else:
                todo.append(key)
        todo.sort(key=lambda k: (k[0], k[2], k[1] or ""))  # one category's motifs at a time: cache hits
        workers = min(4, os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pictures = pool.map(lambda k: artwork.product_picture(kind=k[0], colour=k[1], variant=k[2]), todo)
            for key, data in zip(todo, pictures, strict=True):
                self._store(key, data)
        artwork.caches_clear()

    def url(self, kind: str, colour: str | None, variant: int) -> str:
        key = (kind, colour, variant)
        if key not in self.urls:
            self.prepare([key])
        return self.urls[key]


def pictures_store(*, store: PictureStore, item: dict) -> list[str]:
    """The picture URLs of a demo product (for Product.images), composed and stored as needed."""
    return [store.url(kind, colour, variant) for kind, colour, variant in picture_plan(item)]
