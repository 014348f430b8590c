import uuid

import pytest

from wanshang.merchants.tests.conftest import make_staff  # noqa: F401


@pytest.fixture
def pay():
    """pay(buyer, address, [(sku, qty)]) → a paid order (checkout + sandbox payment)."""
    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    def do(buyer, address, items):
        payment = checkout_submit(
            user=buyer,
            items=[(sku.pk, qty) for sku, qty in items],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )
        sandbox_pay(buyer=buyer, payment_no=payment.no)
        order = payment.orders.get()
        order.refresh_from_db()
        return order

    return do


@pytest.fixture
def product(shop, make_product):
    return make_product(shop, title="纯棉连衣裙", prices=(19900, 25900), stock=50)


@pytest.fixture
def order(buyer, address, product, pay):
    """A paid order with two lines: 1 unit of the first SKU, 2 of the second."""
    skus = list(product.skus.order_by("pk"))
    return pay(buyer, address, [(skus[0], 1), (skus[1], 2)])


@pytest.fixture
def lines(order):
    return list(order.lines.order_by("pk"))


@pytest.fixture
def sandbox_account(shop):
    from wanshang.shipping.services import account_save

    return account_save(shop=shop, provider="sandbox", carrier="ZTO", sender=SENDER)


SENDER = {
    "sender_name": "张仓管",
    "sender_phone": "13800000001",
    "sender_province": "浙江省",
    "sender_city": "杭州市",
    "sender_district": "余杭区",
    "sender_address": "仓前街道 梦想小镇 8 号仓",
}
