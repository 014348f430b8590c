"""售后 through the JSON API, buyer and shop: a return from request to refund, isolation (shop A never sees
B's cases, buyer A cannot open a case on B's order), bad input answered 4xx with nothing changed."""

import pytest

from wanshang.aftersales.selectors import buyer_case_list, reason_list
from wanshang.orders.services import order_confirm_receipt, order_ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop, make_product):
    return make_product(shop, title="羊毛围巾", prices=(12000,), stock=10)


@pytest.fixture
def received(shop, product, paid_order, buyer):
    order = paid_order(product, qty=2)
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF20261206001", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    return order


def _why(name):
    return next(r.pk for r in reason_list() if r.name == name)


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_return_one_unit_through_the_api(client, buyer, shop, received, owner_client):
    client.force_login(buyer)
    line = received.lines.get()
    reasons = client.get("/api/store/aftersales/reasons?type=return_refund").json()
    assert "七天无理由" in {r["name"] for r in reasons} and "未收到货" not in {r["name"] for r in reasons}
    made = _post(
        client,
        f"/api/store/orders/{received.pk}/cases",
        {
            "type": "return_refund",
            "lines": [{"line_id": line.pk, "quantity": 1}],
            "reason_id": _why("质量问题"),
        },
    )
    assert made.status_code == 201, made.content
    case = made.json()
    assert case["status"] == "requested" and case["deadline"]["party"] == "seller"
    assert case["items"][0]["quantity"] == 1 and case["timeline"][0]["role"] == "buyer"

    owner_client.force_login(shop.owner)
    no_address = _post(owner_client, f"/api/seller/cases/{case['id']}/approve")
    assert no_address.status_code == 400 and "退货地址" in no_address.json()["detail"]
    added = _post(
        owner_client,
        "/api/seller/return-addresses",
        {"contact": "李仓管", "phone": "021-55556666", "address": "上海市嘉定区安亭镇 8 号仓"},
    )
    assert added.status_code == 201 and added.json()["is_default"] is True
    listed = owner_client.get("/api/seller/cases?due=mine").json()
    assert listed["count"] == 1 and listed["items"][0]["buyer_name"] == buyer.username
    approved = _post(owner_client, f"/api/seller/cases/{case['id']}/approve").json()
    assert approved["status"] == "awaiting_return" and approved["return_address"]["contact"] == "李仓管"

    client.force_login(buyer)
    bad = _post(client, f"/api/store/cases/{case['id']}/return", {"carrier": "SF", "tracking_no": "坏单号"})
    assert bad.status_code == 400 and "运单号" in bad.json()["detail"]
    too_much = _post(
        client,
        f"/api/store/cases/{case['id']}/return",
        {"carrier": "SF", "tracking_no": "SF7654321000", "freight_fen": 100_000},
    )
    assert too_much.status_code == 400 and "退货运费" in too_much.json()["detail"]
    shipped = _post(
        client,
        f"/api/store/cases/{case['id']}/return",
        {"carrier": "SF", "tracking_no": "SF7654321000", "freight_fen": 800},  # 质量问题: the shop pays it
    )
    assert shipped.json()["status"] == "return_shipped" and shipped.json()["return_freight_fen"] == 800

    owner_client.force_login(shop.owner)
    done = _post(owner_client, f"/api/seller/cases/{case['id']}/receive").json()
    assert done["status"] == "done" and done["refund"]["status"] == "refunded"
    assert done["refund"]["amount_fen"] == 12000


def test_bad_input_is_4xx_and_changes_nothing(client, buyer, shop, product, paid_order, received):
    client.force_login(buyer)
    line = received.lines.get()
    too_many = _post(
        client,
        f"/api/store/orders/{received.pk}/cases",
        {
            "type": "return_refund",
            "lines": [{"line_id": line.pk, "quantity": 3}],
            "reason_id": _why("质量问题"),
        },
    )
    assert too_many.status_code == 400 and "1–2" in too_many.json()["detail"]
    unshipped = paid_order(product)
    early = _post(
        client,
        f"/api/store/orders/{unshipped.pk}/cases",
        {
            "type": "return_refund",
            "lines": [{"line_id": unshipped.lines.get().pk, "quantity": 1}],
            "reason_id": _why("质量问题"),
        },
    )
    assert early.status_code == 409 and "尚未发货" in early.json()["detail"]
    wrong_type = _post(
        client,
        f"/api/store/orders/{received.pk}/cases",
        {"type": "refund", "lines": [{"line_id": line.pk, "quantity": 1}], "reason_id": _why("质量问题")},
    )
    assert wrong_type.status_code == 400
    extra = _post(
        client,
        f"/api/store/orders/{received.pk}/cases",
        {
            "type": "refund_only",
            "lines": [{"line_id": line.pk, "quantity": 1}],
            "reason_id": 1,
            "amount_fen": 1,
        },
    )
    assert extra.status_code == 422
    assert list(buyer_case_list(buyer=buyer)) == []


def test_isolation_between_shops_and_buyers(
    client, buyer, make_user, shop, other_shop, make_product, paid_order, received
):
    client.force_login(buyer)
    line = received.lines.get()
    case = _post(
        client,
        f"/api/store/orders/{received.pk}/cases",
        {
            "type": "refund_only",
            "lines": [{"line_id": line.pk, "quantity": 1}],
            "reason_id": _why("少件/错发"),
        },
    ).json()
    stranger = make_user()
    client.force_login(stranger)
    assert client.get(f"/api/store/cases/{case['id']}").status_code == 404
    assert _post(client, f"/api/store/cases/{case['id']}/cancel").status_code == 404
    theirs = _post(
        client,
        f"/api/store/orders/{received.pk}/cases",
        {
            "type": "refund_only",
            "lines": [{"line_id": line.pk, "quantity": 1}],
            "reason_id": _why("少件/错发"),
        },
    )
    assert theirs.status_code == 404
    assert client.get("/api/store/cases").json()["count"] == 0

    client.force_login(other_shop.owner)
    assert client.get("/api/seller/cases").json()["count"] == 0
    for url in (f"/api/seller/cases/{case['id']}",):
        assert client.get(url).status_code == 404
    for action in ("approve", "receive"):
        assert _post(client, f"/api/seller/cases/{case['id']}/{action}").status_code == 404
    assert _post(client, f"/api/seller/cases/{case['id']}/reject", {"reason": "不是我的"}).status_code == 404
    bulk = _post(client, "/api/seller/cases/bulk-approve", {"ids": [case["id"]]}).json()
    assert bulk["approved"] == [] and bulk["errors"] == {str(case["id"]): "售后单不存在"}
    client.force_login(buyer)
    assert client.get(f"/api/store/cases/{case['id']}").json()["status"] == "requested"


def test_exchange_through_the_api(client, buyer, shop, make_product, paid_order):
    from django.test import Client

    from wanshang.aftersales.services import return_address_save

    owner_client = Client()
    owner_client.force_login(shop.owner)
    product = make_product(shop, title="运动袜", prices=(2900, 2900), stock=6)
    small, large = product.skus.order_by("pk")
    order = paid_order(product, qty=1)
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF20261206002", actor=shop.owner)
    return_address_save(shop=shop, contact="赵仓管", phone="13900001111", address="广州市白云区太和镇 3 号")
    client.force_login(buyer)
    case = _post(
        client,
        f"/api/store/orders/{order.pk}/cases",
        {
            "type": "exchange",
            "lines": [{"line_id": order.lines.get().pk, "quantity": 1}],
            "reason_id": _why("尺码/规格不合适"),
            "replacement_sku_id": large.pk,
        },
    ).json()
    assert case["type"] == "exchange" and case["replacement_sku_id"] == large.pk
    assert (
        _post(owner_client, f"/api/seller/cases/{case['id']}/approve").json()["status"] == "awaiting_return"
    )
    _post(client, f"/api/store/cases/{case['id']}/return", {"carrier": "ZTO", "tracking_no": "ZT55443322"})
    assert _post(owner_client, f"/api/seller/cases/{case['id']}/receive").json()["status"] == "reshipping"
    done = _post(
        owner_client,
        f"/api/seller/cases/{case['id']}/reship",
        {"carrier": "SF", "tracking_no": "SF8877665544"},
    )
    assert done.json()["status"] == "done" and done.json()["reship_tracking_no"] == "SF8877665544"
