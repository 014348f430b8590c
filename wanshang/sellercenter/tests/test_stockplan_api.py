"""库存计划 and 入库单 through the seller API: plan rows, settings, receipts end to end, bad bodies refused with
a message and nothing written, another shop's receipt 404, a role without stock.edit 403."""

import datetime

import pytest
from django.utils import timezone

from wanshang.inventory.selectors import available_by_sku, receipt_list, warehouse_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_shop, make_product, client):
    shop = make_shop()
    sku = make_product(shop, title="不锈钢保温杯", stock=4).skus.get()
    other = make_shop()
    client.force_login(shop.owner)
    return {"shop": shop, "sku": sku, "other": other, "client": client}


def post(client, url, body=None, method="post"):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def body(scene, **change):
    data = {
        "warehouse_id": warehouse_list(shop=scene["shop"])[0].pk,
        "supplier_name": "宁波杯业",
        "expected_date": (timezone.localdate() + datetime.timedelta(days=6)).isoformat(),
        "lines": [{"sku_id": scene["sku"].pk, "quantity": 20}],
        "submit": True,
    }
    data.update(change)
    return data


def test_receipt_end_to_end_and_plan(scene):
    c, sku = scene["client"], scene["sku"]
    created = post(c, "/api/seller/inbound-receipts", body(scene))
    assert created.status_code == 201, created.content
    receipt = created.json()
    assert receipt["status"] == "in_transit" and receipt["lines"][0]["remaining"] == 20
    plan = c.get("/api/seller/stock-plan").json()
    assert plan["count"] == 1
    row = plan["items"][0]
    assert (row["sku_id"], row["available"], row["in_transit"], row["cover_days"]) == (sku.pk, 4, 20, None)
    line_id = receipt["lines"][0]["id"]
    part = post(
        c,
        f"/api/seller/inbound-receipts/{receipt['id']}/receive",
        {"lines": [{"line_id": line_id, "quantity": 5}]},
    )
    assert part.status_code == 200 and part.json()["status"] == "partly_received"
    over = post(
        c,
        f"/api/seller/inbound-receipts/{receipt['id']}/receive",
        {"lines": [{"line_id": line_id, "quantity": 16}]},
    )
    assert over.status_code == 400 and "最多可收 15 件" in over.json()["detail"]
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 9
    cancelled = post(c, f"/api/seller/inbound-receipts/{receipt['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    again = post(c, f"/api/seller/inbound-receipts/{receipt['id']}/submit")
    assert again.status_code == 409
    listed = c.get("/api/seller/inbound-receipts?status=cancelled").json()
    assert [r["no"] for r in listed["items"]] == [receipt["no"]]
    assert c.get("/api/seller/inbound-receipts?status=nope").status_code == 400


def test_settings_round_trip_and_refusals(scene):
    c = scene["client"]
    current = c.get("/api/seller/stock-plan/settings").json()
    assert current["window_days"] == 28
    new = {**current, "lead_days": 12, "window_days": 14}
    assert post(c, "/api/seller/stock-plan/settings", new, method="put").json()["lead_days"] == 12
    for change in (
        {"window_days": 15},
        {"lead_days": -1},
        {"lead_days": "7"},
        {"campaign_uplift_pct": 99},
        {"x": 1},
    ):
        response = post(c, "/api/seller/stock-plan/settings", {**new, **change}, method="put")
        assert response.status_code in (400, 422), change
        assert response.json()["detail"]
    assert c.get("/api/seller/stock-plan/settings").json()["window_days"] == 14
    assert c.get("/api/seller/stock-plan?sort=bogus").status_code == 400


@pytest.mark.parametrize(
    "change",
    [
        {"supplier_name": ""},
        {"expected_date": "2001-01-01"},
        {"expected_date": "soon"},
        {"warehouse_id": 99999999},
        {"lines": []},
        {"lines": [{"sku_id": 1, "quantity": 0}]},
        {"lines": [{"sku_id": "1", "quantity": 2}]},
        {"lines": "OTHER"},
        {"lines": "DUP"},
        {"submit": "yes"},
        {"extra": 1},
    ],
)
def test_bad_receipt_bodies_are_refused(scene, make_product, change):
    if change.get("lines") == "OTHER":
        change = {"lines": [{"sku_id": make_product(scene["other"]).skus.get().pk, "quantity": 1}]}
    elif change.get("lines") == "DUP":
        change = {"lines": [{"sku_id": scene["sku"].pk, "quantity": 1}] * 2}
    elif change.get("lines") == [{"sku_id": 1, "quantity": 0}]:
        change = {"lines": [{"sku_id": scene["sku"].pk, "quantity": 0}]}
    response = post(scene["client"], "/api/seller/inbound-receipts", body(scene, **change))
    assert response.status_code in (400, 404, 422), change
    assert response.json()["detail"]
    assert not receipt_list(shop=scene["shop"]).exists()


def test_other_shop_gets_404_and_sees_nothing(scene, client):
    receipt = post(scene["client"], "/api/seller/inbound-receipts", body(scene)).json()
    client.force_login(scene["other"].owner)
    for url in (f"/api/seller/inbound-receipts/{receipt['id']}",):
        assert client.get(url).status_code == 404
    for action in ("submit", "cancel"):
        assert post(client, f"/api/seller/inbound-receipts/{receipt['id']}/{action}").status_code == 404
    line_id = receipt["lines"][0]["id"]
    received = post(
        client,
        f"/api/seller/inbound-receipts/{receipt['id']}/receive",
        {"lines": [{"line_id": line_id, "quantity": 1}]},
    )
    assert received.status_code == 404
    assert client.get("/api/seller/inbound-receipts").json()["count"] == 0
    assert client.get("/api/seller/stock-plan").json()["count"] == 0


def test_role_without_stock_permission_is_refused(scene, make_staff, client):
    client.force_login(make_staff(scene["shop"], "service"))
    assert client.get("/api/seller/stock-plan").status_code == 403
    assert post(client, "/api/seller/inbound-receipts", body(scene)).status_code == 403


def test_sku_override_through_the_api(scene, make_product):
    c, sku = scene["client"], scene["sku"]
    url = f"/api/seller/stock-plan/skus/{sku.pk}"
    saved = post(c, url, {"lead_days": 3, "safety_units": 2, "pack_size": 12}, method="put")
    assert saved.status_code == 200 and saved.json()["pack_size"] == 12
    for bad in ({"pack_size": 0}, {"lead_days": 400}, {"safety_units": -1}, {"pack_size": "6"}):
        assert post(c, url, bad, method="put").status_code in (400, 422), bad
    other_sku = make_product(scene["other"]).skus.get()
    assert (
        post(c, f"/api/seller/stock-plan/skus/{other_sku.pk}", {"pack_size": 2}, method="put").status_code
        == 404
    )
