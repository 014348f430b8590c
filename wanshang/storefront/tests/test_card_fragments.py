"""List pages join cached per-product card fragments (issue 13, Run 9g): reused across URLs, renewed by the
listing version, one per language, and never holding a buyer's price."""

import re
from unittest import mock

import pytest
from django.urls import reverse

from wanshang.catalog.services import sku_price_update

pytestmark = pytest.mark.django_db

RENDER = "wanshang.storefront.templatetags.storefront.get_template"


def card_price(html: str, product) -> str:
    found = re.search(rf'data-card-price="{product.pk}">([\d.]+)<', html)
    assert found, f"no card for product {product.pk}"
    return found.group(1)


def search(client, **params):
    response = client.get(reverse("storefront:search"), {"q": "睡衣", **params})
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_list_url_joins_the_cards_already_rendered(client, shop, make_product):
    product = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    first = search(client)

    # another URL (its block misses the listing cache) renders no card again
    with mock.patch(RENDER, side_effect=AssertionError("the card should come from the cache")):
        other = search(client, max_price="900")
        category = client.get(reverse("storefront:category", args=[product.category.slug]))

    assert card_price(other, product) == card_price(first, product) == "100.00"
    assert card_price(category.content.decode(), product) == "100.00"
    assert "冰丝凉感睡衣套装" in other


def test_a_price_change_renders_the_card_afresh(client, shop, make_product):
    product = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    assert card_price(search(client), product) == "100.00"

    sku_price_update(staff=shop.owner_staff, sku_id=product.skus.get().pk, price_fen=8800)

    assert card_price(search(client, max_price="900"), product) == "88.00"


def test_each_language_has_its_own_card(client, shop, make_product):
    make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    assert "已售" in search(client)

    english = client.get(
        reverse("storefront:search"), {"q": "睡衣", "max_price": "900"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert " sold" in english and "已售" not in english


def test_the_cached_card_carries_the_buyers_promotion_price_spliced_in(client, shop, make_product, promo):
    product = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    assert card_price(search(client), product) == "100.00"  # the card is cached without a promotion

    promo(shop, "time_discount", items=[{"sku_id": product.skus.get().pk, "price_fen": 8000}])

    listed = search(client, max_price="900")
    assert card_price(listed, product) == "80.00"
    assert "限时折扣" in listed
