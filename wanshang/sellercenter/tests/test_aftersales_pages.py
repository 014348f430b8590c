"""售后工作台 pages: filters, bulk approve of 仅退款, a return approved with an address from the book and
confirmed received, the address book's CRUD, and another shop's staff getting 404."""

import pytest

from wanshang.aftersales.selectors import reason_list, return_address_list
from wanshang.aftersales.services import case_open, case_return_ship
from wanshang.orders.services import order_confirm_receipt, order_ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop, make_product):
    return make_product(shop, title="亚麻衬衫", prices=(15900,), stock=10)


def _why(name):
    return next(r.pk for r in reason_list() if r.name == name)


def _open(order, buyer, kind, reason):
    line = order.lines.get()
    return case_open(
        buyer=buyer, order_id=order.pk, case_type=kind, lines=[(line.pk, 1)], reason_id=_why(reason)
    )


def test_workbench_filters_and_bulk_approve(owner_client, shop, buyer, product, paid_order):
    a = _open(paid_order(product), buyer, "refund_only", "不想要了")
    b = _open(paid_order(product), buyer, "refund_only", "拍错/多拍")
    page = owner_client.get("/seller/aftersales/?due=mine").content.decode()
    assert a.no in page and b.no in page and "data-bulk-approve" in page
    assert a.no not in owner_client.get("/seller/aftersales/?status=done").content.decode()
    done = owner_client.post("/seller/aftersales/bulk-approve/", {"ids": [a.pk, b.pk]})
    assert done.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == b.status == "done"
    assert a.no in owner_client.get("/seller/aftersales/?status=done").content.decode()


def test_return_approved_with_the_book_address_and_received(owner_client, shop, buyer, product, paid_order):
    order = paid_order(product)
    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF55667788", actor=shop.owner)
    order_confirm_receipt(buyer=buyer, order_id=order.pk)
    case = _open(order, buyer, "return_refund", "质量问题")
    page = owner_client.get(f"/seller/aftersales/{case.pk}/").content.decode()
    assert "请先添加退货地址" in page
    bad = owner_client.post(
        "/seller/aftersales/addresses/new/", {"contact": "", "phone": "1", "address": "x"}
    )
    assert bad.status_code == 400 and not return_address_list(shop=shop)
    owner_client.post(
        "/seller/aftersales/addresses/new/",
        {"contact": "周仓管", "phone": "0571-88886666", "address": "杭州市滨江区网商路 699 号"},
    )
    [address] = return_address_list(shop=shop)
    assert address.is_default
    owner_client.post(f"/seller/aftersales/{case.pk}/approve/", {"address_id": address.pk})
    case.refresh_from_db()
    assert case.status == "awaiting_return" and case.return_address["contact"] == "周仓管"
    case_return_ship(buyer=buyer, case_id=case.pk, carrier="YTO", tracking_no="YT1234567890")
    assert "data-confirm-receipt" in owner_client.get(f"/seller/aftersales/{case.pk}/").content.decode()
    owner_client.post(f"/seller/aftersales/{case.pk}/receive/")
    case.refresh_from_db()
    assert case.status == "done"
    owner_client.post(f"/seller/aftersales/addresses/{address.pk}/delete/")
    assert not return_address_list(shop=shop)


def test_reject_needs_a_reason(owner_client, buyer, product, paid_order):
    case = _open(paid_order(product), buyer, "refund_only", "不想要了")
    bad = owner_client.post(f"/seller/aftersales/{case.pk}/reject/", {"reason": ""})
    assert bad.status_code == 400 and "请填写拒绝理由" in bad.content.decode()
    owner_client.post(f"/seller/aftersales/{case.pk}/reject/", {"reason": "已按约定发货"})
    case.refresh_from_db()
    assert case.status == "rejected" and case.reject_reason == "已按约定发货"


def test_other_shop_staff_get_404(client, other_shop, buyer, product, paid_order):
    case = _open(paid_order(product), buyer, "refund_only", "不想要了")
    client.force_login(other_shop.owner)
    assert case.no not in client.get("/seller/aftersales/").content.decode()
    assert client.get(f"/seller/aftersales/{case.pk}/").status_code == 404
    assert client.post(f"/seller/aftersales/{case.pk}/approve/").status_code == 404
    assert client.post(f"/seller/aftersales/{case.pk}/receive/").status_code == 404
    case.refresh_from_db()
    assert case.status == "requested"


def test_shipping_is_refused_while_a_refund_pays_out(
    owner_client, shop, buyer, product, paid_order, monkeypatch
):
    """The known defect: an approved refund whose gateway call failed must block shipping, on the page and API."""
    from wanshang.aftersales.services import case_approve
    from wanshang.payments.gateways.base import RefundResult
    from wanshang.payments.gateways.sandbox import SandboxGateway

    monkeypatch.setattr(
        SandboxGateway, "refund", lambda self, **kw: RefundResult(ok=False, message="渠道维护中")
    )
    order = paid_order(product)
    case = _open(order, buyer, "refund_only", "不想要了")
    case_approve(shop=shop, case_id=case.pk, actor=shop.owner)
    page = owner_client.get(f"/seller/orders/{order.pk}/").content.decode()
    assert "data-paying-refund" in page and case.no in page
    shipped = owner_client.post(
        f"/seller/orders/{order.pk}/ship/", {"carrier": "SF", "tracking_no": "SF12345678"}
    )
    assert shipped.status_code == 409 and "退款完成前不能发货" in shipped.content.decode()
    api = owner_client.post(
        f"/api/seller/orders/{order.pk}/ship",
        {"carrier": "SF", "tracking_no": "SF12345678"},
        content_type="application/json",
    )
    assert api.status_code == 409 and "退款完成前不能发货" in api.json()["detail"]
    order.refresh_from_db()
    assert order.status == "paid"
    assert "data-cases-waiting" in owner_client.get("/seller/").content.decode()


def test_workbench_and_my_cases_do_not_query_per_case(owner_client, client, shop, buyer, product, paid_order):
    """Query budget: the workbench and the buyer's list run the same number of queries for 2 cases as for 6."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(c, url):
        c.get(url)  # warm: the first request of a session does one-time work
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    for _ in range(2):
        _open(paid_order(product), buyer, "refund_only", "不想要了")
    from django.test import Client

    me = Client()
    me.force_login(buyer)
    few = (
        count(owner_client, "/seller/aftersales/"),
        count(me, "/aftersales/"),
        count(me, "/api/store/cases"),
    )
    for _ in range(4):
        _open(paid_order(product), buyer, "refund_only", "不想要了")
    many = (
        count(owner_client, "/seller/aftersales/"),
        count(me, "/aftersales/"),
        count(me, "/api/store/cases"),
    )
    assert few == many, (few, many)
