"""The anonymous page cache of category pages (issue 13, Run 9g): a hit skips the view, yet prices, the CSRF
token and the 数据中心 page view (tested in analytics/tests/test_page_cache_tracking.py) stay per request, and every listing change shows on the next request."""

import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from wanshang.catalog.services import product_set_status, sku_price_update

pytestmark = pytest.mark.django_db

VIEW = "wanshang.storefront.views.catalog.category_get"
TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]+)"')


def card_price(html: str, product) -> str | None:
    found = re.search(rf'data-card-price="{product.pk}">([\d.]+)<', html)
    return found.group(1) if found else None


def page(client, product, **extra):
    response = client.get(reverse("storefront:category", args=[product.category.slug]), **extra)
    assert response.status_code == 200
    return response


def cached(client, product):
    """The page, asserting it came from the page cache (the view did not run)."""
    with mock.patch(VIEW, side_effect=AssertionError("the page should come from the cache")):
        return page(client, product)


@pytest.fixture
def item(shop, make_product):
    return make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))


def test_a_second_visitor_gets_the_page_from_the_cache_with_its_own_csrf_token(client, item):
    first = page(client, item)
    other = Client()
    hit = cached(other, item)

    html = hit.content.decode()
    assert card_price(html, item) == "100.00" and "冰丝凉感睡衣套装" in html
    token = TOKEN.search(html).group(1)
    assert token != TOKEN.search(first.content.decode()).group(1)
    assert hit.cookies["csrftoken"].value  # this visitor's CSRF cookie, as a rendered page sets it
    assert "__ws_csrf_token__" not in html


def test_price_shelf_and_promotion_changes_show_on_the_next_request(client, shop, item, make_product, promo):
    page(client, item)

    promo(shop, "time_discount", items=[{"sku_id": item.skus.get().pk, "price_fen": 8000}])
    assert card_price(page(client, item).content.decode(), item) == "80.00"

    sku_price_update(staff=shop.owner_staff, sku_id=item.skus.get().pk, price_fen=12000)
    html = page(client, item).content.decode()
    assert card_price(html, item) in {"80.00", "120.00"}  # the discount's fixed price, or the new list price
    assert "冰丝凉感睡衣套装" in html

    product_set_status(staff=shop.owner_staff, product_ids=[item.pk], status="off_shelf")
    assert card_price(page(client, item).content.decode(), item) is None


def test_logged_in_buyers_and_session_holders_always_get_a_rendered_page(buyer_client, item):
    page(Client(), item)  # cached for visitors

    with mock.patch(VIEW, side_effect=AssertionError("rendered")):
        with pytest.raises(AssertionError, match="rendered"):
            page(buyer_client, item)
        other = Client()
        other.cookies["sessionid"] = "x" * 32
        with pytest.raises(AssertionError, match="rendered"):
            page(other, item)


def test_list_page_and_checkout_prices_agree_on_a_cached_page(buyer_client, shop, item, promo):
    promo(shop, "time_discount", items=[{"sku_id": item.skus.get().pk, "price_fen": 8000}])
    page(Client(), item)
    listed = card_price(cached(Client(), item).content.decode(), item)  # spliced into the cached page
    detail = buyer_client.get(reverse("storefront:product", args=[item.pk])).context["sku_rows"][0]
    charged = buyer_client.get(reverse("storefront:checkout"), {"sku": item.skus.get().pk, "qty": 1})

    assert listed == "80.00"
    assert detail.price.price_fen == 8000 == charged.context["cart"].lines[0].unit_price_fen


def test_a_filtered_url_is_rendered_every_time(client, item):
    url = reverse("storefront:category", args=[item.category.slug])
    client.get(url, {"max_price": "900"})

    with mock.patch(VIEW, side_effect=AssertionError("rendered")):
        with pytest.raises(AssertionError, match="rendered"):
            client.get(url, {"max_price": "900"})
