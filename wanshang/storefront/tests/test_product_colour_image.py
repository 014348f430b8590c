"""The product page knows each colour's uploaded picture, so choosing a colour shows it."""

import json
import re

import pytest

from wanshang.catalog.services import MediaInput, product_media_set
from wanshang.media.services import image_upload
from wanshang.media.tests.conftest import image_bytes

pytestmark = pytest.mark.django_db


def sku_data(html: str) -> dict:
    return json.loads(
        re.search(r'<script id="sku-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )


def test_colour_pictures_reach_the_sku_picker(client, shop, make_product):
    product = make_product(shop, prices=(9900, 10900))  # one axis 款式: 款1, 款2 (the colour-like axis)
    blue = image_upload(shop=shop, file=image_bytes((300, 300), color=(0, 0, 255)), purpose="sku")
    product_media_set(
        staff=shop.owner_staff, product_id=product.pk, media=MediaInput(sku_images={"款2": blue.pk})
    )
    data = sku_data(client.get(f"/p/{product.pk}/").content.decode())
    assert data["colourAxis"] == 0
    assert data["colourImages"] == {"款2": blue.renditions["detail"]["jpeg"]}


def test_a_product_without_axes_has_no_colour_pictures(client, shop, make_product):
    data = sku_data(client.get(f"/p/{make_product(shop).pk}/").content.decode())
    assert (data["colourAxis"], data["colourImages"]) == (-1, {})
