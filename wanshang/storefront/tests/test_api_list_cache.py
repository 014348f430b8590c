"""GET /api/store/products keeps each page of products in the cache under the listing version (issue 13,
Run 9g): a hit runs neither the list query nor the count, while prices and page views stay per request."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from wanshang.analytics.collector import ingest
from wanshang.analytics.models import Event
from wanshang.catalog.services import product_set_status, sku_price_update

pytestmark = pytest.mark.django_db

PAGINATE = "wanshang.common.api_paging.Paginator"


def cards(client, **params) -> dict:
    response = client.get("/api/store/products", {"q": "睡衣", **params})
    assert response.status_code == 200, response.content
    return {c["id"]: c for c in response.json()["items"]}


def cached(client, **params) -> dict:
    with mock.patch(PAGINATE, side_effect=AssertionError("the page should come from the cache")):
        return cards(client, **params)


def test_a_repeated_list_is_served_from_the_cache_and_still_counts_its_page_view(client, shop, make_product):
    item = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    first = cards(client)
    again = cached(client)

    assert again == first and again[item.pk]["price_fen"] == 10000
    ingest()
    assert Event.objects.filter(kind="pv", page_type="search", query="睡衣").count() == 2


def test_other_filters_and_pages_are_other_entries(client, shop, make_product):
    make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    cards(client)
    with pytest.raises(AssertionError, match="from the cache"):
        cached(client, sort="price_asc")
    with pytest.raises(AssertionError, match="from the cache"):
        cached(client, page=2)


def test_a_discount_ending_by_the_clock_leaves_a_cached_page(client, shop, make_product, promo):
    item = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    promo(
        shop,
        "time_discount",
        items=[{"sku_id": item.skus.get().pk, "discount_bps": 9000}],
        ends=timezone.now() + timedelta(hours=1),
    )
    assert cards(client)[item.pk]["price_fen"] == 9000

    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        card = cached(client)[item.pk]
    assert (card["price_fen"], card["price_label"]) == (10000, "")


def test_price_and_shelf_changes_show_on_the_next_request(client, shop, make_product):
    item = make_product(shop, title="冰丝凉感睡衣套装", prices=(10000,))
    cards(client)

    sku_price_update(staff=shop.owner_staff, sku_id=item.skus.get().pk, price_fen=8800)
    assert cards(client)[item.pk]["price_fen"] == 8800

    product_set_status(staff=shop.owner_staff, product_ids=[item.pk], status="off_shelf")
    assert item.pk not in cards(client)
