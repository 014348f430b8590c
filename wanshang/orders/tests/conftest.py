import uuid

import pytest


@pytest.fixture
def place():
    """Place an order through checkout for `buyer`: place(buyer, address, [(sku_id, qty)])."""
    from wanshang.checkout.services import checkout_submit

    def do(buyer, address, items, key=None):
        return checkout_submit(user=buyer, items=items, address_id=address.pk,
                               idempotency_key=key or uuid.uuid4().hex, from_cart=False)

    return do


@pytest.fixture
def shop(make_shop):
    return make_shop()


@pytest.fixture
def address(buyer, make_address):
    return make_address(buyer)
