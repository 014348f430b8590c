"""The demo's product pictures: five different 主图 per product, far apart by perceptual hash (the image check's
near-duplicate search would pair near-identical ones), and the few products planned with too few."""

import io
from itertools import combinations

import pytest
from django.conf import settings
from PIL import Image

from wanshang.demo import artwork
from wanshang.demo.pictures import FEW_MAIN_PICTURES, MAIN_PICTURES, picture_plan
from wanshang.media.analysis import analyse, hamming


def _item(kind, title, colours=None):
    axes = [{"name": "颜色", "values": colours}] if colours else []
    return {"category_slug": kind, "title": title, "spec_axes": axes}


def test_a_product_gets_five_main_pictures_in_five_layouts_then_its_colours():
    plan = picture_plan(_item("dresses", "碎花连衣裙", ["黑色", "白色", "粉色"]))
    main = plan[:MAIN_PICTURES]
    assert len({variant for _k, _c, variant in main}) == MAIN_PICTURES
    assert {colour for _k, colour, _v in main} == {"黑色"}
    assert [colour for _k, colour, _v in plan[MAIN_PICTURES:]] == ["白色", "粉色"]
    few = picture_plan({**_item("dresses", "碎花连衣裙", ["黑色", "白色"]), "few_pictures": True})
    assert len(few) == FEW_MAIN_PICTURES


@pytest.mark.parametrize("kind", ["socks", "smartphones", "fruits", "face-masks", "tents"])
def test_the_five_main_pictures_are_not_near_duplicates(kind):
    try:
        plan = picture_plan(_item(kind, f"{kind} 演示商品"))
        hashes = [
            analyse(Image.open(io.BytesIO(artwork.product_picture(kind=k, colour=c, variant=v)))).phash
            for k, c, v in plan
        ]
    finally:
        artwork.caches_clear()
    limit = settings.WANSHANG["IMAGE_DUPLICATE_MAX_DISTANCE"]
    assert all(h is not None for h in hashes)
    assert min(hamming(a, b) for a, b in combinations(hashes, 2)) > limit
