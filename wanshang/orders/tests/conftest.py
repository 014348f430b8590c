import uuid

import pytest


@pytest.fixture
def place_paid(make_address):
    """place_paid(buyer, product, qty=1, confirm=False) → a paid order (checkout + sandbox payment)."""
    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    addresses = {}

    def make(buyer, product, qty=1, confirm=False):
        if buyer.pk not in addresses:
            addresses[buyer.pk] = make_address(buyer)
        sku = product.skus.filter(is_active=True).first()
        payment = checkout_submit(
            user=buyer,
            items=[(sku.pk, qty)],
            address_id=addresses[buyer.pk].pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
            confirm_no_return=confirm,
        )
        assert sandbox_pay(buyer=buyer, payment_no=payment.no) == "applied"
        order = payment.orders.get()
        order.refresh_from_db()
        return order

    return make
