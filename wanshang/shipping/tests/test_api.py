"""Seller shipping API: a package by hand and by 电子面单, batch, import, account, alerts; bad input is 4xx with
a message and changes nothing."""

from io import BytesIO

import pytest
from openpyxl import Workbook

from wanshang.shipping.models import CarrierAccount, Shipment
from wanshang.shipping.tests.conftest import SENDER

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, shop):
    client.force_login(shop.owner)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_ship_in_two_packages_through_the_api(api, order, lines):
    first = _post(
        api,
        f"/api/seller/orders/{order.pk}/shipments",
        {"lines": [{"line_id": lines[1].pk, "quantity": 2}], "carrier": "SF", "tracking_no": "SF800000001"},
    )
    assert first.status_code == 201, first.content
    assert first.json()["package_no"] == 1 and first.json()["lines"][0]["quantity"] == 2
    again = _post(
        api,
        f"/api/seller/orders/{order.pk}/shipments",
        {"lines": [{"line_id": lines[1].pk, "quantity": 1}], "carrier": "SF", "tracking_no": "SF800000002"},
    )
    assert again.status_code == 400 and "最多还能发 0 件" in again.json()["detail"]
    rest = _post(
        api, f"/api/seller/orders/{order.pk}/shipments", {"carrier": "SF", "tracking_no": "SF800000003"}
    )
    assert rest.status_code == 201
    order.refresh_from_db()
    assert order.status == "shipped"
    listed = api.get("/api/seller/shipments").json()
    assert listed["count"] == 2 and {i["order_no"] for i in listed["items"]} == {order.no}


@pytest.mark.parametrize(
    "body",
    [
        {"carrier": "XX", "tracking_no": "SF800000001"},
        {"carrier": "SF", "tracking_no": "x"},
        {"lines": [{"line_id": 0, "quantity": 1}], "carrier": "SF", "tracking_no": "SF800000001"},
        {"lines": [{"line_id": 1, "quantity": -1}], "carrier": "SF", "tracking_no": "SF800000001"},
        {"carrier": "SF", "tracking_no": "SF800000001", "extra": 1},
        {"waybill": "yes"},
        {"waybill": True},  # no account
    ],
)
def test_bad_shipment_input(api, order, body):
    resp = _post(api, f"/api/seller/orders/{order.pk}/shipments", body)
    assert resp.status_code in (400, 422) and resp.json()["detail"]
    assert not Shipment.objects.exists()


def test_account_batch_waybill_and_labels(api, order):
    saved = api.put(
        "/api/seller/shipping-account",
        {**SENDER, "provider": "sandbox", "carrier": "YTO"},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["has_app_key"] is False
    results = _post(api, "/api/seller/shipments/batch-waybill", {"order_ids": [order.pk, 999999]}).json()
    assert [r["ok"] for r in results] == [True, False] and "订单不存在" in results[1]["message"]
    shipment = Shipment.objects.get()
    assert shipment.carrier == "YTO" and shipment.waybill
    pdf = api.get(f"/api/seller/shipments/labels.pdf?ids={shipment.pk}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    detail = api.get(f"/api/seller/shipments/{shipment.pk}").json()
    assert detail["tracking_no"] == shipment.tracking_no and detail["timeline"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"provider": "kdniao", "carrier": "ZTO"},  # no EBusinessID / AppKey
        {"provider": "sandbox", "carrier": "NOPE"},
        {"provider": "sandbox", "carrier": "ZTO", "sender_phone": "电话"},
        {"provider": "sandbox", "carrier": "ZTO", "app_key": "x" * 81},
    ],
)
def test_bad_account_input(api, body):
    resp = api.put("/api/seller/shipping-account", {**SENDER, **body}, content_type="application/json")
    assert resp.status_code in (400, 422) and resp.json()["detail"]
    assert not CarrierAccount.objects.exists()


def test_import_and_pick_list_through_the_api(api, order):
    book = Workbook()
    book.active.append(["订单号", "快递公司", "运单号"])
    book.active.append([order.no, "中通", "ZT900000001"])
    book.active.append(["NOPE", "中通", "ZT900000002"])
    out = BytesIO()
    book.save(out)
    picks = api.get(f"/api/seller/pick-list?order_ids={order.pk}").json()
    assert sum(r["quantity"] for r in picks) == 3
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = api.post("/api/seller/shipments/import", {"file": SimpleUploadedFile("a.xlsx", out.getvalue())})
    assert [r["ok"] for r in resp.json()] == [True, False]
    bad = api.post("/api/seller/shipments/import", {"file": SimpleUploadedFile("a.xlsx", b"nope")})
    assert bad.status_code == 400
    assert api.get("/api/seller/pick-list?order_ids=a,b").status_code == 400
    assert api.get("/api/seller/shipments?state=flying").status_code == 400


def test_a_role_without_ship_permission_is_403(client, shop, order, make_staff):
    client.force_login(make_staff(shop, "finance"))
    resp = _post(
        client, f"/api/seller/orders/{order.pk}/shipments", {"carrier": "SF", "tracking_no": "SF800000001"}
    )
    assert resp.status_code == 403
    assert client.get(f"/seller/orders/{order.pk}/packages/").status_code == 403
