"""The product page's lower part (shop card with DSR and best sellers, detail section) is rendered once per
product, language and listing version (issue 13, Run 9k); prices, stock and promotions stay per request."""

import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from wanshang.catalog.services import listings_changed
from wanshang.compliance.services import reference_prices

pytestmark = pytest.mark.django_db

SEARCH = "wanshang.storefront.views.catalog.product_search"
DSR = "wanshang.storefront.views.catalog.shop_dsr"
REFS = "wanshang.storefront.promo_display.reference_prices"


def page(client, product, **headers) -> str:
    response = client.get(reverse("storefront:product", args=[product.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def card_price(html: str, product) -> str:
    found = re.search(rf'data-card-price="{product.pk}">([\d.]+)<', html)
    assert found, f"no card for product {product.pk}"
    return found.group(1)


def test_a_second_visit_reuses_the_body_without_its_queries(client, shop, make_product):
    product = make_product(shop, title="纯棉圆领T恤", prices=(9900,))
    other = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    first = page(client, product)
    assert "店铺热销" in first and card_price(first, other) == "100.00"

    with (
        mock.patch(SEARCH, side_effect=AssertionError("best sellers should come from the cache")),
        mock.patch(DSR, side_effect=AssertionError("the DSR should come from the cache")),
    ):
        again = page(client, product)

    assert card_price(again, other) == "100.00"
    assert 'class="detail-html"' in again


def test_a_best_sellers_promotion_price_is_spliced_in_on_a_hit(client, shop, make_product, promo):
    product = make_product(shop, title="纯棉圆领T恤", prices=(9900,))
    other = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    promo(shop, "time_discount", items=[{"sku_id": other.skus.get().pk, "price_fen": 8000}])
    page(client, product)

    with mock.patch(SEARCH, side_effect=AssertionError("the body should come from the cache")):
        shown = page(client, product)

    assert card_price(shown, other) == "80.00"  # the fragment holds the list price; the buyer's is spliced


def test_a_product_change_shows_on_the_next_request(client, shop, make_product):
    product = make_product(shop, title="纯棉圆领T恤", prices=(9900,))
    assert "商家暂未填写商品详情" in page(client, product)

    type(product).objects.filter(pk=product.pk).update(detail_html="<p>新的详情</p>")
    listings_changed()  # what product_save does (catalog/tests/test_price_and_shelf.py)

    assert "<p>新的详情</p>" in page(client, product)


def test_each_language_has_its_own_body(client, shop, make_product):
    product = make_product(shop, title="纯棉圆领T恤", prices=(9900,))
    assert "商品详情" in page(client, product)

    english = page(client, product, HTTP_ACCEPT_LANGUAGE="en")

    assert "商品详情" not in english.split('class="pd-body"')[1].split('id="reviews"')[0]


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_product_page_runs_a_bounded_number_of_queries(
    signed_in, buyer_client, shop, make_product, django_assert_max_num_queries
):
    web = buyer_client if signed_in else Client()  # `client` is the buyer's once buyer_client is asked for
    product = make_product(shop, prices=tuple(1000 + i for i in range(12)), stock=5)
    make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    page(web, product)  # fills the body cache and the shop's A/B experiment cache

    # session + user (signed in) / none; product, SKUs, stock, display prices, 3 for product_promotions
    # (none running), the stored rating, the best seller's card price; the cart count (signed in)
    with django_assert_max_num_queries(12 if signed_in else 9):
        page(web, product)


def test_the_reference_prices_are_read_once_and_again_after_a_price_change(client, shop, make_product):
    from wanshang.catalog.services import sku_price_update

    product = make_product(shop, prices=(9900,))
    sku = product.skus.get()
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=9900, original_price_fen=12900)
    first = page(client, product)

    with mock.patch(REFS, side_effect=AssertionError("the §16 references should come from the cache")):
        again = page(client, product)
    assert "data-original" in again and again.count("¥129.00") == first.count("¥129.00")

    # a lower list price bumps the listing version: the references are read again, and the 划线价 is checked
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=8800, original_price_fen=12900)
    with mock.patch(REFS, wraps=reference_prices) as read:
        page(client, product)
    assert read.call_count == 1
