"""A category page served whole from the storefront's anonymous page cache (issue 13, Run 9g) still records its
数据中心 page view, with the category, for each visitor. Here rather than in the storefront's tests because it
reads the event log's model, which the faces may not import."""

from contextlib import nullcontext
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from wanshang.analytics.collector import ingest
from wanshang.analytics.models import Event

pytestmark = pytest.mark.django_db


def category_page(client, product, *, from_cache: bool):
    """The product's category page; with `from_cache`, asserting the view did not run (the page cache answered)."""
    view = "wanshang.storefront.views.catalog.category_get"
    with (
        mock.patch(view, side_effect=AssertionError("should come from the cache"))
        if from_cache
        else nullcontext()
    ):
        response = client.get(reverse("storefront:category", args=[product.category.slug]))
    assert response.status_code == 200


def test_a_cache_hit_still_records_the_page_view_with_its_category(client, make_shop, make_product):
    item = make_product(make_shop(), title="冰丝凉感睡衣套装", prices=(10000,))
    category_page(client, item, from_cache=False)
    category_page(client, item, from_cache=True)
    category_page(Client(), item, from_cache=True)

    ingest()
    views = list(Event.objects.filter(kind="pv").order_by("id"))
    assert [(v.page_type, v.category_id) for v in views] == [("category", item.category_id)] * 3
    assert len({v.visitor for v in views}) == 2
