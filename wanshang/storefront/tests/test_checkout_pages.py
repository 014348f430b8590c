"""Checkout → cashier → sandbox pay → my orders, through the web pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def add(client, sku, qty=1):
    client.post(reverse("storefront:cart_add"), {"sku_id": sku.pk, "quantity": qty})


def checkout_form(client, **params):
    response = client.get(reverse("storefront:checkout"), params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response, dict(response.context["form"].initial)


def place_direct(client, sku, qty=1):
    _, data = checkout_form(client, sku=sku.pk, qty=qty)
    response = client.post(reverse("storefront:checkout"), data)
    assert response.status_code == 302, response.content.decode()[:800]
    return response["Location"].rstrip("/").split("/")[-1]


def test_checkout_from_cart_creates_one_order_per_shop_under_one_payment(
    buyer, buyer_client, address, make_shop, make_product, orders_of
):
    a, b = make_shop(), make_shop()
    pa, pb = make_product(a, prices=(12900,)), make_product(b, prices=(5000,))
    add(buyer_client, pa.skus.first(), 1)
    add(buyer_client, pb.skus.first(), 2)

    response, data = checkout_form(buyer_client)
    assert data["expected_payable_fen"] == 12900 + 10000 + response.context["cart"].freight_fen
    assert data["mode"] == "cart" and len(data["idempotency_key"]) == 32
    data["buyer_note"] = "请尽快发货"
    response = buyer_client.post(reverse("storefront:checkout"), data)
    assert response.status_code == 302
    assert response["Location"].startswith("/pay/")

    orders = orders_of(buyer)
    assert len(orders) == 2
    assert {o.shop_id for o in orders} == {a.pk, b.pk}
    assert len({o.payment_id for o in orders}) == 1
    assert all(o.buyer_note == "请尽快发货" for o in orders)
    assert buyer_client.get(reverse("storefront:cart")).context["cart"].lines == []

    # The same form posted again (double click, back + resubmit) creates nothing new.
    again = buyer_client.post(reverse("storefront:checkout"), data)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert len(orders_of(buyer)) == 2


def test_direct_buy_goes_to_the_cashier_with_the_amount(buyer_client, address, product):
    sku = product.skus.first()
    payment_no = place_direct(buyer_client, sku, 2)
    response = buyer_client.get(reverse("storefront:cashier", args=[payment_no]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "确认支付（沙箱）" in html
    assert response.context["payment"].amount_fen >= 2 * 19900
    assert response.context["deadline"] is not None


def test_stock_gone_re_renders_with_the_message_and_creates_nothing(
    buyer, buyer_client, address, shop, product, set_stock, orders_of
):
    sku = product.skus.first()
    _, data = checkout_form(buyer_client, sku=sku.pk, qty=3)
    set_stock(shop, sku, 1)
    response = buyer_client.post(reverse("storefront:checkout"), data)
    assert response.status_code == 409
    assert "“纯棉连衣裙”库存不足，仅剩 1 件" in response.content.decode()
    assert orders_of(buyer) == []


def test_price_changed_since_shown_is_refused(buyer, buyer_client, address, shop, product, orders_of):
    from wanshang.catalog.services import sku_price_update

    sku = product.skus.first()
    _, data = checkout_form(buyer_client, sku=sku.pk, qty=1)
    sku_price_update(staff=shop.owner_staff, sku_id=sku.pk, price_fen=29900)
    response = buyer_client.post(reverse("storefront:checkout"), data)
    assert "价格已变化" in response.content.decode()
    assert orders_of(buyer) == []
    # The page now shows the new total; submitting it works.
    fresh = dict(response.context["form"].initial)
    assert fresh["expected_payable_fen"] != data["expected_payable_fen"]
    assert buyer_client.post(reverse("storefront:checkout"), fresh).status_code == 302


def test_checkout_without_address_cannot_submit(buyer_client, product):
    response, data = checkout_form(buyer_client, sku=product.skus.first().pk, qty=1)
    assert response.context["can_submit"] is False
    assert "新增收货地址" in response.content.decode()


def test_direct_buy_with_bad_quantity_shows_the_error(buyer_client, address, product):
    response = buyer_client.get(reverse("storefront:checkout"), {"sku": product.skus.first().pk, "qty": 0})
    assert response.status_code == 400
    assert "购买数量至少为 1" in response.content.decode()


def test_sandbox_pay_marks_orders_paid(buyer, buyer_client, address, product, orders_of, available):
    sku = product.skus.first()
    payment_no = place_direct(buyer_client, sku, 2)
    response = buyer_client.post(reverse("storefront:pay_sandbox", args=[payment_no]))
    assert response.status_code == 302
    assert response["Location"] == reverse("storefront:pay_done", args=[payment_no])
    done = buyer_client.get(response["Location"])
    assert "支付成功" in done.content.decode()
    [order] = orders_of(buyer)
    assert order.status == "paid"
    assert available(sku) == 8
    # The cashier of a paid payment forwards to the result page; paying twice is refused politely.
    assert buyer_client.get(reverse("storefront:cashier", args=[payment_no])).status_code == 302
    again = buyer_client.post(reverse("storefront:pay_sandbox", args=[payment_no]), follow=True)
    assert "不能支付" in again.content.decode() or "支付成功" in again.content.decode()


def test_cancel_own_unpaid_order_releases_stock(buyer, buyer_client, address, product, orders_of, available):
    sku = product.skus.first()
    place_direct(buyer_client, sku, 4)
    assert available(sku) == 6
    [order] = orders_of(buyer)
    response = buyer_client.post(reverse("storefront:order_cancel", args=[order.pk]), {"reason": "不想要了"})
    assert response.status_code == 302
    [order] = orders_of(buyer)
    assert order.status == "cancelled"
    assert available(sku) == 10
    detail = buyer_client.get(reverse("storefront:order_detail", args=[order.pk]))
    assert "订单已取消" in detail.content.decode()


def test_refund_request_and_withdraw_then_confirm_receipt(
    buyer, buyer_client, address, shop, product, orders_of
):
    from wanshang.orders.services import order_ship

    payment_no = place_direct(buyer_client, product.skus.first(), 1)
    buyer_client.post(reverse("storefront:pay_sandbox", args=[payment_no]))
    [order] = orders_of(buyer)
    url = reverse("storefront:order_detail", args=[order.pk])

    response = buyer_client.post(
        reverse("storefront:order_refund", args=[order.pk]), {"reason": "拍错了尺码"}, follow=True
    )
    assert "退款申请已提交" in response.content.decode()
    assert response.context["refund"].status == "requested"
    response = buyer_client.post(reverse("storefront:order_refund_withdraw", args=[order.pk]), follow=True)
    assert "退款申请已撤销" in response.content.decode()

    order_ship(shop=shop, order_id=order.pk, carrier="SF", tracking_no="SF1234567890", actor=shop.owner)
    detail = buyer_client.get(url).content.decode()
    assert "顺丰速运" in detail and "SF1234567890" in detail and "确认收货" in detail
    response = buyer_client.post(reverse("storefront:order_confirm", args=[order.pk]), follow=True)
    assert "交易成功" in response.content.decode()


def test_cancel_of_a_paid_order_is_refused_with_a_message(buyer, buyer_client, address, product, orders_of):
    payment_no = place_direct(buyer_client, product.skus.first(), 1)
    buyer_client.post(reverse("storefront:pay_sandbox", args=[payment_no]))
    [order] = orders_of(buyer)
    response = buyer_client.post(reverse("storefront:order_cancel", args=[order.pk]), follow=True)
    assert "不能变为" in response.content.decode()
    assert orders_of(buyer)[0].status == "paid"


def test_order_list_tabs(buyer, buyer_client, address, product, orders_of):
    place_direct(buyer_client, product.skus.first(), 1)
    paid_no = place_direct(buyer_client, product.skus.first(), 1)
    buyer_client.post(reverse("storefront:pay_sandbox", args=[paid_no]))
    assert len(buyer_client.get(reverse("storefront:orders")).context["orders"]) == 2
    assert len(buyer_client.get(reverse("storefront:orders"), {"tab": "unpaid"}).context["orders"]) == 1
    to_ship = buyer_client.get(reverse("storefront:orders"), {"tab": "to_ship"})
    assert [o.payment.no for o in to_ship.context["orders"]] == [paid_no]
    assert len(buyer_client.get(reverse("storefront:orders"), {"tab": "refund"}).context["orders"]) == 0


def test_another_buyers_order_and_payment_are_404(
    buyer, buyer_client, address, product, make_user, orders_of
):
    from django.test import Client

    payment_no = place_direct(buyer_client, product.skus.first(), 1)
    [order] = orders_of(buyer)
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get(reverse("storefront:order_detail", args=[order.pk])).status_code == 404
    assert stranger.post(reverse("storefront:order_cancel", args=[order.pk])).status_code == 404
    assert stranger.get(reverse("storefront:cashier", args=[payment_no])).status_code == 404
    assert stranger.post(reverse("storefront:pay_sandbox", args=[payment_no])).status_code == 404
    assert orders_of(buyer)[0].status == "pending_payment"


def test_unconfigured_gateway_is_refused_and_status_poll_redirects_once_paid(buyer_client, address, product):
    payment_no = place_direct(buyer_client, product.skus.first(), 1)
    response = buyer_client.post(
        reverse("storefront:pay_start", args=[payment_no]), {"gateway": "nope"}, follow=True
    )
    assert "不支持的支付方式" in response.content.decode()
    poll = reverse("storefront:pay_status", args=[payment_no])
    assert buyer_client.get(poll, HTTP_HX_REQUEST="true").status_code == 204
    buyer_client.post(reverse("storefront:pay_sandbox", args=[payment_no]))
    response = buyer_client.get(poll, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("storefront:pay_done", args=[payment_no])
