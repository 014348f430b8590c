"""The seller's side of 承诺发货时间, 7天无理由 exclusions and 延迟发货: forms, order filter, ledger, API."""

from datetime import timedelta

import pytest

from wanshang.catalog.selectors import seller_product_list
from wanshang.orders.services import late_shipments_flag, order_ship
from wanshang.sellercenter.tests.conftest import FOUR_ROWS, matrix_post

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_shop_settings_set_the_promised_shipping_time(owner_client, shop):
    page = owner_client.get("/seller/settings/").content.decode()
    assert 'name="ship_within_hours"' in page and 'value="48"' in page
    data = {"name": shop.name, "description": "", "logo_url": ""}
    bad = owner_client.post("/seller/settings/", {**data, "ship_within_hours": "0"})
    assert bad.status_code == 400
    owner_client.post("/seller/settings/", {**data, "ship_within_hours": "72"})
    shop.refresh_from_db()
    assert shop.ship_within_hours == 72


def test_shop_settings_api(owner_client, shop):
    assert owner_client.get("/api/seller/shop").json()["ship_within_hours"] == 48
    body = {"name": shop.name, "ship_within_hours": 24}
    assert owner_client.put("/api/seller/shop", body, content_type=JSON).json()["ship_within_hours"] == 24
    refused = owner_client.put("/api/seller/shop", {**body, "ship_within_hours": 721}, content_type=JSON)
    assert refused.status_code == 400 and "1–720" in refused.json()["detail"]
    shop.refresh_from_db()
    assert shop.ship_within_hours == 24


def test_product_form_saves_the_promise_and_the_exclusion(owner_client, shop):
    post = matrix_post(
        category_id=shop.test_category.pk,
        rows=FOUR_ROWS,
        ship_within_hours="24",
        no_return_kind="near_expiry",
        no_return_note="保质期至 2027-01",
    )
    response = owner_client.post("/seller/products/new/", post)
    assert response.status_code == 302, response.content.decode()[:2000]
    product = seller_product_list(shop=shop).get()
    assert (product.ship_within_hours, product.no_return_kind) == (24, "near_expiry")
    assert product.no_return_note == "保质期至 2027-01"
    page = owner_client.get(f"/seller/products/{product.pk}/").content.decode()
    assert 'value="near_expiry" selected' in page

    bad = matrix_post(category_id=shop.test_category.pk, rows=FOUR_ROWS, no_return_kind="fresh")
    assert owner_client.post("/seller/products/new/", bad).status_code == 400  # statutory: the platform's


def test_product_api_takes_the_promise_and_the_exclusion(owner_client, shop):
    payload = {
        "title": "试用装",
        "category_id": shop.test_category.pk,
        "skus": [{"spec_values": [], "price_fen": 990, "stock": 5}],
        "ship_within_hours": 12,
        "no_return_kind": "unsealed",
    }
    body = owner_client.post("/api/seller/products", payload, content_type=JSON).json()
    assert (body["ship_within_hours"], body["no_return_kind"]) == (12, "unsealed")
    refused = owner_client.post(
        "/api/seller/products", {**payload, "no_return_kind": "defect"}, content_type=JSON
    )
    assert refused.status_code == 400 and "瑕疵" in refused.json()["detail"]


def test_late_orders_tab_ledger_and_api(owner_client, shop, other_shop, make_product, buyer, place_paid):
    late = place_paid(buyer, make_product(shop, prices=(50000,)))  # ¥500 of goods: 10% is ¥50
    in_time = place_paid(buyer, make_product(shop))
    elsewhere = place_paid(buyer, make_product(other_shop))
    order_ship(shop=shop, order_id=in_time.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    assert late_shipments_flag(now=late.ship_deadline + timedelta(hours=1)) == 2  # ours and the other shop's

    page = owner_client.get("/seller/orders/?late=1").content.decode()
    assert late.no in page and in_time.no not in page and elsewhere.no not in page
    assert "延迟发货 · 赔付 ¥50.00" in page
    assert "延迟发货" in owner_client.get(f"/seller/orders/{late.pk}/").content.decode()

    ledger = owner_client.get("/seller/settlements/").content.decode()
    assert "延迟发货赔付" in ledger and late.no in ledger
    assert elsewhere.no not in ledger

    body = owner_client.get("/api/seller/orders", {"late": "true"}).json()
    assert [o["no"] for o in body["items"]] == [late.no]
    assert body["items"][0]["late_shipment"]["amount_fen"] == 5000
    rows = owner_client.get("/api/seller/settlements").json()
    assert [(r["kind"], r["net_fen"]) for r in rows["items"]] == [("late", -5000)]
    assert rows["totals"]["settleable"] == -5000
