"""Scenario fixtures shared by several apps' tests (a pytest plugin: the root conftest.py lists it in
`pytest_plugins`). The factories they build on (make_user, make_shop, make_product, …) are in conftest.py.

A test folder's conftest.py or a test module may still define a fixture of the same name when it needs a
different one (the storefront's shop has a name its pages show); define it there, not a copy of one of these.
"""

import uuid
from datetime import timedelta

import pytest


@pytest.fixture
def shop(make_shop):
    return make_shop()


@pytest.fixture
def other_shop(make_shop):
    """A second shop, for isolation tests: its rows must never show up for `shop`."""
    return make_shop()


@pytest.fixture
def address(buyer, make_address):
    """An address of `buyer`."""
    return make_address(buyer)


@pytest.fixture
def make_buyers(make_user, make_address):
    """make_buyers(n) → n fresh buyers as (user, address) pairs."""

    def make(n):
        out = []
        for _ in range(n):
            user = make_user()
            out.append((user, make_address(user)))
        return out

    return make


@pytest.fixture
def place():
    """Place an order through checkout: place(buyer, address, [(sku_id, qty)], key=None, **checkout options)
    → the payment (of one order per shop)."""
    from wanshang.checkout.services import checkout_submit

    def do(buyer, address, items, key=None, **kw):
        return checkout_submit(
            user=buyer,
            items=items,
            address_id=address.pk,
            idempotency_key=key or uuid.uuid4().hex,
            from_cart=False,
            **kw,
        )

    return do


@pytest.fixture
def promo():
    """Set up a promotion through the seller's service: promo(shop, kind, items=[...], config={...}, **fields).
    Running from a minute ago for a day unless `starts` / `ends` say otherwise; shop=None: a platform coupon."""
    from django.utils import timezone

    from wanshang.marketing.services import PromotionInput, promotion_save

    def make(shop, kind, *, actor=None, items=(), config=None, name=None, starts=None, ends=None, **fields):
        now = timezone.now()
        data = PromotionInput(
            kind=kind,
            name=name or f"测试{kind}",
            starts_at=starts or now - timedelta(minutes=1),
            ends_at=ends if ends is not None else now + timedelta(days=1),
            config=config or {},
            items=list(items),
            **fields,
        )
        return promotion_save(shop=shop, actor=actor or (shop.owner if shop else None), data=data)

    return make


@pytest.fixture
def place_paid(make_address):
    """place_paid(buyer, product, qty=1, confirm=False, address=None) → a paid order (checkout + sandbox
    payment); without `address` the buyer gets one (made once per test)."""
    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    addresses = {}

    def make(buyer, product, qty=1, confirm=False, address=None):
        if address is not None:
            addresses[buyer.pk] = address
        elif buyer.pk not in addresses:
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
