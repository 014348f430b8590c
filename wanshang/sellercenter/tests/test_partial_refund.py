"""A buyer refunds some units; the merchant sees which and approves; the rest still ships."""

import uuid

import pytest

from wanshang.aftersales.services import refund_request
from wanshang.checkout.services import checkout_submit
from wanshang.payments.services import sandbox_pay

pytestmark = pytest.mark.django_db


def test_partial_refund_shows_the_units_and_keeps_the_order_shippable(
    owner_client, shop, buyer, address, make_product
):
    a = make_product(shop, title="羊毛围巾", prices=(12000,), stock=5).skus.get()
    b = make_product(shop, title="皮手套", prices=(8000,), stock=5).skus.get()
    payment = checkout_submit(
        user=buyer,
        items=[(a.pk, 2), (b.pk, 1)],
        address_id=address.pk,
        idempotency_key=uuid.uuid4().hex,
        from_cart=False,
    )
    order = payment.orders.get()
    sandbox_pay(buyer=buyer, payment_no=payment.no)
    line = order.lines.get(sku=a)
    refund = refund_request(buyer=buyer, order_id=order.pk, reason="多拍了一条", lines=[(line.pk, 1)])
    assert refund.amount_fen == 12000 and not refund.is_full

    page = owner_client.get(f"/seller/refunds/{refund.pk}/").content.decode()
    assert "部分商品" in page and "羊毛围巾" in page and "× 1" in page
    api = owner_client.get("/api/seller/refunds").json()["items"][0]
    assert api["is_full"] is False and api["items"][0]["quantity"] == 1

    owner_client.post(f"/seller/refunds/{refund.pk}/approve/")
    order.refresh_from_db()
    assert order.status == "paid"
    resp = owner_client.post(
        f"/seller/orders/{order.pk}/ship/", {"carrier": "SF", "tracking_no": "SF1234567890"}
    )
    order.refresh_from_db()
    assert resp.status_code in (200, 302) and order.status == "shipped"
