"""Recommendation test helpers: hand-made events in the log, real paid orders, a build."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def midday():
    """Yesterday at noon, Shanghai time: 看了又看 pairs views of one visitor-day, so a test that spreads views over
    a few hours before "now" must not straddle midnight (it did when the suite ran at 00:00–03:00 there)."""
    return timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)


@pytest.fixture
def view():
    """view(visitor, product, at=None, user=None, kind="pv"): one product touch in the event log."""
    from wanshang.analytics.models import Event

    def do(visitor, product, *, at=None, user=None, kind="pv"):
        return Event.objects.create(
            ts=at or timezone.now() - timedelta(hours=1),
            kind=kind,
            visitor=visitor,
            user_id=user.pk if user else None,
            shop_id=product.shop_id,
            product_id=product.pk,
            category_id=product.category_id,
            page_type="product" if kind == "pv" else "",
        )

    return do


@pytest.fixture
def buy(make_address):
    """buy(user, *products): one paid payment for one unit of each product's first SKU."""
    from wanshang.checkout.services import checkout_submit
    from wanshang.payments.services import sandbox_pay

    addresses = {}

    def do(user, *products):
        if user.pk not in addresses:
            addresses[user.pk] = make_address(user, is_default=True)
        payment = checkout_submit(
            user=user,
            items=[(p.skus.order_by("pk").first().pk, 1) for p in products],
            address_id=addresses[user.pk].pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )
        sandbox_pay(buyer=user, payment_no=payment.no)
        return payment

    return do


@pytest.fixture
def build():
    from wanshang.recommendations.services import recommendations_build

    def do(**kw):
        return recommendations_build(force=True, **kw)

    return do


@pytest.fixture
def related():
    """related(kind) → {product_id: [related ids in rank order]} read straight from the table."""
    from wanshang.recommendations.models import RelatedProduct

    def do(kind):
        out = {}
        for row in RelatedProduct.objects.filter(kind=kind).order_by("product_id", "rank"):
            out.setdefault(row.product_id, []).append(row.related_id)
        return out

    return do
