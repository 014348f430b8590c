import uuid
from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def promo():
    """Create a running promotion: promo(shop, kind, items=[...], config={...}, **fields). shop=None: platform."""
    from wanshang.marketing.services import PromotionInput, promotion_save

    def make(shop, kind, *, actor=None, items=(), config=None, name=None, starts=None, ends=None, **fields):
        now = timezone.now()
        data = PromotionInput(kind=kind, name=name or f"测试{kind}", starts_at=starts or now - timedelta(minutes=1),
                              ends_at=ends if ends is not None else now + timedelta(days=1), config=config or {},
                              items=list(items), **fields)
        return promotion_save(shop=shop, actor=actor or (shop.owner if shop else None), data=data)

    return make


@pytest.fixture
def place():
    from wanshang.checkout.services import checkout_submit

    def do(buyer, address, items, key=None, **kw):
        return checkout_submit(user=buyer, items=items, address_id=address.pk,
                               idempotency_key=key or uuid.uuid4().hex, from_cart=False, **kw)

    return do


@pytest.fixture
def shop(make_shop):
    return make_shop()


@pytest.fixture
def address(buyer, make_address):
    return make_address(buyer)
