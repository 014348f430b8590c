"""库存计划 and 入库单 pages: plan, filters, export, settings, create from suggestions, receive; bad input is a
4xx with a message and changes nothing; another shop's receipts are 404; roles without stock.edit are refused."""

import datetime
import io
import uuid

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from wanshang.checkout.services import checkout_submit
from wanshang.inventory.selectors import (
    in_transit_by_sku,
    plan_headers,
    plan_settings_get,
    receipt_list,
    warehouse_list,
)
from wanshang.inventory.services import receipt_create
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_shop, make_product, buyer, make_address, client):
    """Shop A: a SKU that sold 14 units (0.5 a day over 28 days) with 1 left, and a slow one; shop B apart."""
    shop = make_shop()
    hot = make_product(shop, title="冬季加厚羽绒服", stock=15).skus.get()
    slow = make_product(shop, title="夏季凉席", stock=50).skus.get()
    payment = checkout_submit(
        user=buyer,
        items=[(hot.pk, 14)],
        address_id=make_address(buyer).pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
    other = make_shop()
    other_sku = make_product(other, title="别家的保温杯", stock=3).skus.get()
    client.force_login(shop.owner)
    return {"shop": shop, "hot": hot, "slow": slow, "other": other, "other_sku": other_sku, "client": client}


def new_receipt(shop, sku, qty=10, submit=True):
    return receipt_create(
        shop=shop,
        warehouse_id=warehouse_list(shop=shop)[0].pk,
        supplier_name="杭州织造厂",
        expected_date=timezone.localdate() + datetime.timedelta(days=3),
        lines=[(sku.pk, qty)],
        submit=submit,
    )


def test_plan_page_shows_numbers_filters_and_sorts(scene):
    c = scene["client"]
    body = c.get("/seller/stock/plan/").content.decode()
    assert "冬季加厚羽绒服" in body and "夏季凉席" in body and "别家的保温杯" not in body
    # 0.5 a day, safety ⌈1.5⌉ = 2, point ⌈3.5 + 2⌉ = 6, suggestion ⌈0.5 × 14 + 2 − 1⌉ = 8, cover 2.0 days
    assert f'value="{scene["hot"].pk}:8"' in body
    need = c.get("/seller/stock/plan/?need=on").content.decode()
    assert "冬季加厚羽绒服" in need and "夏季凉席" not in need
    assert "—" in body  # the slow SKU never sold: unbounded cover
    for sort in ("cover", "-suggested", "-rate", "available"):
        assert c.get(f"/seller/stock/plan/?sort={sort}").status_code == 200
    assert c.get("/seller/stock/plan/?sort=nonsense").status_code == 400


def test_in_transit_counts_toward_the_plan(scene):
    new_receipt(scene["shop"], scene["hot"], qty=8)
    body = scene["client"].get("/seller/stock/plan/?need=on").content.decode()
    assert "冬季加厚羽绒服" not in body  # 1 + 8 in transit is above the reorder point


def test_excel_export_opens_with_the_right_headers(scene):
    response = scene["client"].get("/seller/stock/plan/export/?need=on")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == plan_headers()
    assert rows[1][0] == "冬季加厚羽绒服" and rows[1][9] == 8
    assert len(rows) == 2


def test_settings_save_and_bad_input_changes_nothing(scene):
    c, shop = scene["client"], scene["shop"]
    good = {
        "lead_days": "10",
        "safety_days": "2",
        "safety_units": "",
        "review_days": "14",
        "window_days": "14",
        "campaign_uplift_pct": "200",
        "campaign_horizon_days": "7",
    }
    assert c.post("/seller/stock/plan/settings/", good).status_code == 302
    assert plan_settings_get(shop=shop).lead_days == 10
    for key, value in [
        ("lead_days", "-1"),
        ("lead_days", "abc"),
        ("window_days", "15"),
        ("campaign_uplift_pct", "50"),
        ("safety_units", "1.5"),
    ]:
        response = c.post("/seller/stock/plan/settings/", {**good, key: value, "review_days": "1"})
        assert response.status_code == 400, key
        assert "sc-form" in response.content.decode()
    assert plan_settings_get(shop=shop).review_days == 14


def test_sku_override_and_bad_pack_size(scene):
    c, hot = scene["client"], scene["hot"]
    assert c.post(f"/seller/stock/plan/skus/{hot.pk}/", {"pack_size": "0"}).status_code == 400
    assert c.post(f"/seller/stock/plan/skus/{hot.pk}/", {"pack_size": "6"}).status_code == 302
    body = c.get("/seller/stock/plan/").content.decode()
    assert f'value="{hot.pk}:12"' in body  # 8 rounded up to two cases of 6
    assert c.get(f"/seller/stock/plan/skus/{scene['other_sku'].pk}/").status_code == 404


def test_create_from_suggestions_then_receive(scene):
    c, shop, hot = scene["client"], scene["shop"], scene["hot"]
    form = c.get("/seller/stock/receipts/new/?from=plan").content.decode()
    assert f'<option value="{hot.pk}" selected>' in form and 'value="8"' in form
    wh = warehouse_list(shop=shop)[0]
    day = (timezone.localdate() + datetime.timedelta(days=4)).isoformat()
    response = c.post(
        "/seller/stock/receipts/new/",
        {
            "supplier_name": "杭州织造厂",
            "warehouse_id": wh.pk,
            "expected_date": day,
            "note": "",
            "submit_now": "on",
            "line_sku": [str(hot.pk), ""],
            "line_qty": ["8", ""],
        },
    )
    assert response.status_code == 302
    receipt = receipt_list(shop=shop).get()
    assert receipt.status == "in_transit"
    assert in_transit_by_sku(shop=shop, sku_ids=[hot.pk]) == {hot.pk: 8}
    line = receipt.lines.get()
    detail = c.get(f"/seller/stock/receipts/{receipt.pk}/").content.decode()
    assert receipt.no in detail and "收货入库" in detail
    bad = c.post(f"/seller/stock/receipts/{receipt.pk}/receive/", {f"qty_{line.pk}": "9"})
    assert bad.status_code == 400 and "最多可收 8 件" in bad.content.decode()
    assert c.post(f"/seller/stock/receipts/{receipt.pk}/receive/", {f"qty_{line.pk}": "x"}).status_code == 400
    ok = c.post(f"/seller/stock/receipts/{receipt.pk}/receive/", {f"qty_{line.pk}": "8"})
    assert ok.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == "received"
    assert c.get(f"/seller/stock/receipts/{receipt.pk}/receive/").status_code == 404
    assert "杭州织造厂" in c.get("/seller/stock/receipts/?status=received").content.decode()
    assert c.get("/seller/stock/receipts/?status=bogus").status_code == 400


@pytest.mark.parametrize(
    "change",
    [
        {"supplier_name": ""},
        {"expected_date": "2001-01-01"},
        {"expected_date": "not a date"},
        {"warehouse_id": "999999"},
        {"line_sku": ["", ""], "line_qty": ["", ""]},
        {"line_qty": ["0", ""]},
        {"line_qty": ["-3", ""]},
        {"line_sku": ["abc", ""]},
        {"line_sku": ["OTHER", ""]},
    ],
)
def test_bad_receipt_form_is_refused_and_nothing_is_written(scene, change):
    c, shop, hot = scene["client"], scene["shop"], scene["hot"]
    data = {
        "supplier_name": "杭州织造厂",
        "warehouse_id": str(warehouse_list(shop=shop)[0].pk),
        "expected_date": (timezone.localdate() + datetime.timedelta(days=4)).isoformat(),
        "line_sku": [str(hot.pk), ""],
        "line_qty": ["8", ""],
        **change,
    }
    if data["line_sku"] == ["OTHER", ""]:
        data["line_sku"] = [str(scene["other_sku"].pk), ""]
    response = c.post("/seller/stock/receipts/new/", data)
    assert response.status_code in (400, 404)
    assert "sc-errors" in response.content.decode() or "errorlist" in response.content.decode()
    assert not receipt_list(shop=shop).exists()


def test_transitions_from_the_pages(scene):
    c, shop, hot = scene["client"], scene["shop"], scene["hot"]
    draft = new_receipt(shop, hot, submit=False)
    assert c.post(f"/seller/stock/receipts/{draft.pk}/submit/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "in_transit"
    c.post(f"/seller/stock/receipts/{draft.pk}/cancel/")
    draft.refresh_from_db()
    assert draft.status == "cancelled"
    follow = c.post(f"/seller/stock/receipts/{draft.pk}/submit/", follow=True)
    assert "不能改为" in follow.content.decode()
    draft.refresh_from_db()
    assert draft.status == "cancelled"


def test_shop_b_never_sees_shop_a(scene, client):
    receipt = new_receipt(scene["shop"], scene["hot"])
    client.force_login(scene["other"].owner)
    for url in (
        f"/seller/stock/receipts/{receipt.pk}/",
        f"/seller/stock/receipts/{receipt.pk}/receive/",
        f"/seller/stock/plan/skus/{scene['hot'].pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/seller/stock/receipts/{receipt.pk}/cancel/").status_code in (302, 404)
    receipt.refresh_from_db()
    assert receipt.status == "in_transit"
    assert receipt.no not in client.get("/seller/stock/receipts/").content.decode()
    plan = client.get("/seller/stock/plan/").content.decode()
    assert "冬季加厚羽绒服" not in plan and "别家的保温杯" in plan
    rows = list(load_workbook(io.BytesIO(client.get("/seller/stock/plan/export/").content)).active.values)
    assert [r[0] for r in rows[1:]] == ["别家的保温杯"]


def test_roles_without_stock_permission_are_refused(scene, make_staff, client):
    client.force_login(make_staff(scene["shop"], "service"))
    for url in ("/seller/stock/plan/", "/seller/stock/receipts/", "/seller/stock/receipts/new/"):
        assert client.get(url).status_code == 403
    client.force_login(make_staff(scene["shop"], "warehouse"))
    assert client.get("/seller/stock/plan/").status_code == 200
