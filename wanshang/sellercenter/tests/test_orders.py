"""订单 and 退款: list, detail, 发货, 同意/拒绝退款."""

import pytest

from wanshang.aftersales.selectors import seller_refund_get
from wanshang.inventory.selectors import available_by_sku
from wanshang.orders.selectors import seller_order_get

pytestmark = pytest.mark.django_db


def test_order_list_tabs_and_search(owner_client, shop, make_product, paid_order):
    order = paid_order(make_product(shop, title="蓝牙耳机"))
    body = owner_client.get("/seller/orders/?status=paid").content.decode()
    assert order.no in body and "蓝牙耳机" in body and "待发货" in body
    assert order.no not in owner_client.get("/seller/orders/?status=shipped").content.decode()
    assert order.no in owner_client.get(f"/seller/orders/?q={order.no}").content.decode()
    assert order.no in owner_client.get("/seller/orders/?q=张三").content.decode()
    assert order.no not in owner_client.get("/seller/orders/?q=不存在的商品").content.decode()
    assert (
        order.no
        not in owner_client.get("/seller/orders/?date_from=2000-01-01&date_to=2000-01-02").content.decode()
    )


def test_order_detail_shows_lines_address_amounts_and_events(owner_client, shop, make_product, paid_order):
    order = paid_order(make_product(shop, title="机械键盘", prices=(29900,)))
    body = owner_client.get(f"/seller/orders/{order.pk}/").content.decode()
    assert "机械键盘" in body and "张三" in body and "望京街道阜通东大街6号" in body
    assert "299.00" in body and "买家下单" in body and "确认发货" in body


def test_ship_an_order(owner_client, shop, make_product, paid_order):
    order = paid_order(make_product(shop))
    response = owner_client.post(
        f"/seller/orders/{order.pk}/ship/", {"carrier": "SF", "tracking_no": "SF1234567890"}
    )
    assert response.status_code == 302
    order = seller_order_get(shop=shop, order_id=order.pk)
    assert (order.status, order.carrier, order.tracking_no) == ("shipped", "SF", "SF1234567890")
    assert "SF1234567890" in owner_client.get(f"/seller/orders/{order.pk}/").content.decode()


def test_ship_with_bad_tracking_number_is_a_form_error(owner_client, shop, make_product, paid_order):
    order = paid_order(make_product(shop))
    response = owner_client.post(f"/seller/orders/{order.pk}/ship/", {"carrier": "SF", "tracking_no": "坏"})
    assert response.status_code == 400
    assert "运单号须为" in response.content.decode()
    assert seller_order_get(shop=shop, order_id=order.pk).status == "paid"


def test_ship_is_refused_while_a_refund_request_is_open(
    owner_client, shop, make_product, paid_order, refund_requested
):
    order = paid_order(make_product(shop))
    refund_requested(order)
    response = owner_client.post(
        f"/seller/orders/{order.pk}/ship/", {"carrier": "SF", "tracking_no": "SF1234567890"}
    )
    assert response.status_code == 409
    assert "请先处理退款申请" in response.content.decode()
    assert seller_order_get(shop=shop, order_id=order.pk).status == "paid"


def test_service_role_cannot_ship(client, shop, make_product, paid_order, make_staff):
    order = paid_order(make_product(shop))
    client.force_login(make_staff(shop, "service"))
    assert "确认发货" not in client.get(f"/seller/orders/{order.pk}/").content.decode()
    response = client.post(
        f"/seller/orders/{order.pk}/ship/", {"carrier": "SF", "tracking_no": "SF1234567890"}
    )
    assert response.status_code == 403


def test_refund_approve_returns_stock_and_refunds_order(
    owner_client, shop, make_product, paid_order, refund_requested
):
    product = make_product(shop, stock=10)
    sku = product.skus.get()
    order = paid_order(product, qty=3)
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 7
    refund = refund_requested(order, reason="拍错了尺码")
    listing = owner_client.get("/seller/refunds/?status=requested").content.decode()
    assert refund.no in listing and "拍错了尺码" in listing
    assert "同意退款" in owner_client.get(f"/seller/refunds/{refund.pk}/").content.decode()

    response = owner_client.post(f"/seller/refunds/{refund.pk}/approve/", follow=True)
    assert "已原路退回" in response.content.decode()
    assert seller_refund_get(shop=shop, refund_id=refund.pk).status == "refunded"
    assert seller_order_get(shop=shop, order_id=order.pk).status == "refunded"
    assert available_by_sku(sku_ids=[sku.pk])[sku.pk] == 10


def test_refund_reject_needs_a_reason(owner_client, shop, make_product, paid_order, refund_requested):
    refund = refund_requested(paid_order(make_product(shop)))
    empty = owner_client.post(f"/seller/refunds/{refund.pk}/reject/", {"note": ""})
    assert empty.status_code == 400 and "请填写拒绝理由" in empty.content.decode()
    assert seller_refund_get(shop=shop, refund_id=refund.pk).status == "requested"
    response = owner_client.post(f"/seller/refunds/{refund.pk}/reject/", {"note": "商品已打包出库"})
    assert response.status_code == 302
    refund = seller_refund_get(shop=shop, refund_id=refund.pk)
    assert (refund.status, refund.seller_note) == ("rejected", "商品已打包出库")


def test_approving_twice_shows_the_error(owner_client, shop, make_product, paid_order, refund_requested):
    refund = refund_requested(paid_order(make_product(shop)))
    owner_client.post(f"/seller/refunds/{refund.pk}/approve/")
    again = owner_client.post(f"/seller/refunds/{refund.pk}/approve/", follow=True)
    assert "不能同意" in again.content.decode()


def test_dashboard_counts_today(owner_client, shop, make_product, paid_order):
    paid_order(make_product(shop, prices=(12345,)))
    response = owner_client.get("/seller/")
    today = response.context["today"]
    assert today["placed"] == 1 and today["paid_orders"] == 1 and today["to_ship"] == 1
    assert today["paid_fen"] >= 12345
