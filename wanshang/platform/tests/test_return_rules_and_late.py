"""The platform's side: categories never eligible for 7天无理由 (form, list, API) and the 延迟发货 list."""

from datetime import timedelta

import pytest

from wanshang.catalog.selectors import category_get
from wanshang.orders.services import late_shipments_flag

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_category_form_sets_the_statutory_mark_and_the_list_shows_inheritance(op_client, make_category):
    leaf = make_category()
    top = leaf.parent.parent
    page = op_client.get(f"/platform/categories/{top.pk}/edit/").content.decode()
    assert 'name="never_return_kind"' in page
    response = op_client.post(
        f"/platform/categories/{top.pk}/edit/",
        {"name": top.name, "is_active": "on", "never_return_kind": "fresh"},
    )
    assert response.status_code == 302
    assert category_get(category_id=top.pk).never_return_kind == "fresh"

    listing = op_client.get("/platform/categories/").content.decode()
    assert "鲜活易腐的商品（继承上级）" in listing
    leaf_page = op_client.get(f"/platform/categories/{leaf.pk}/edit/").content.decode()
    assert "上级类目已标为不支持7天无理由（鲜活易腐的商品）" in leaf_page

    bad = op_client.post(
        f"/platform/categories/{top.pk}/edit/", {"name": top.name, "never_return_kind": "near_expiry"}
    )
    assert bad.status_code == 400
    assert category_get(category_id=top.pk).never_return_kind == "fresh"


def test_category_api_sets_and_clears_the_mark(op_client, make_category):
    leaf = make_category()
    body = op_client.patch(
        f"/api/platform/categories/{leaf.pk}", {"never_return_kind": "digital"}, content_type=JSON
    ).json()
    assert body["never_return_kind"] == "digital" and body["name"] == leaf.name
    refused = op_client.patch(
        f"/api/platform/categories/{leaf.pk}", {"never_return_kind": "whatever"}, content_type=JSON
    )
    assert refused.status_code == 400 and refused.json()["field"] == "never_return_kind"
    op_client.patch(f"/api/platform/categories/{leaf.pk}", {"never_return_kind": ""}, content_type=JSON)
    assert category_get(category_id=leaf.pk).never_return_kind == ""
    created = op_client.post(
        "/api/platform/categories",
        {"name": "报刊", "slug": "newspapers-x", "never_return_kind": "periodical"},
        content_type=JSON,
    )
    assert created.status_code == 201 and created.json()["never_return_kind"] == "periodical"


def test_late_shipment_list_page_and_api(op_client, make_shop, make_product, buyer, place_paid):
    shop, other = make_shop(), make_shop()
    order = place_paid(buyer, make_product(shop))
    place_paid(buyer, make_product(other))
    assert late_shipments_flag(now=order.ship_deadline + timedelta(days=1)) == 2

    page = op_client.get("/platform/late-shipments/").content.decode()
    assert order.no in page and "延迟发货赔付" in page
    only = op_client.get("/platform/late-shipments/", {"shop": shop.pk}).content.decode()
    assert order.no in only and other.name not in only.split("<tbody>")[1]

    body = op_client.get("/api/platform/late-shipments", {"shop_id": shop.pk}).json()
    assert body["count"] == 1
    row = body["items"][0]
    assert (row["order_no"], row["amount_fen"], row["points"]) == (order.no, 990, 990)


def test_buyers_and_sellers_cannot_see_the_list(client, buyer):
    client.force_login(buyer)
    assert client.get("/platform/late-shipments/").status_code in (302, 403, 404)
    assert client.get("/api/platform/late-shipments").status_code in (401, 403)
