"""Flash sales and coupon claims under real concurrency: never oversold, per-buyer limits hold.

Run by scripts/test with DATABASE_URL (PostgreSQL) and, for the Redis gate, REDIS_URL. Under CI=true these fail
(not skip) when PostgreSQL or Redis is missing.
"""

import os
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from wanshang.common.errors import DomainError
from wanshang.common.tests.concurrency import run_concurrently
from wanshang.marketing.flash import gate as flash

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "threads"
    ),  # scripts/test runs the thread races one at a time: each holds many connections
]

UNITS = 100
LIMIT = 2  # per buyer
BUYERS = 200
ATTEMPTS = 2000  # each buyer tries ATTEMPTS / BUYERS times, back to back (a buyer hammering the button)
THREADS = 16


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def gate(request, settings, monkeypatch):
    """The flash-sale path: the database alone (REDIS_URL unset), or the Redis gate in front of it."""
    if request.param == "database":
        settings.REDIS_URL = ""
    elif not settings.REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: REDIS_URL must point at a reachable Redis")
        pytest.skip("needs Redis: run scripts/test with a reachable server")
    monkeypatch.setattr(flash, "_client", None)  # connect afresh to what this test configured
    monkeypatch.setattr(flash, "_scripts", {})
    flash.redis_client()  # set up once, before the threads start
    return request.param


def _race(item_id, attempts, threads=THREADS):
    """Every attempt through flash_buy; returns (payments, domain refusals by message, unexpected errors)."""
    from wanshang.checkout.services import flash_buy

    def attempt(buyer, address):
        return flash_buy(
            buyer=buyer, item_id=item_id, address_id=address.pk, idempotency_key=uuid.uuid4().hex
        )

    results = run_concurrently(attempt, attempts, threads=threads)
    payments = [r for r in results if not isinstance(r, Exception)]
    refused = Counter(r.message for r in results if isinstance(r, DomainError))
    # an oversell would surface here as an IntegrityError, a deadlock likewise
    errors = [repr(r) for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    return payments, refused, errors


def _redis_left(item):
    value = flash.redis_client().get(flash.redis_keys(item)[0])
    return None if value is None else int(value)


def _check_sale(item, sku, *, sold):
    """The flash stock, the claims, the orders and the inventory ledger all agree on `sold` units."""
    from wanshang.inventory.models import Stock, StockMovement
    from wanshang.marketing.models import FlashClaim
    from wanshang.orders.models import OrderLine

    item.refresh_from_db()
    assert item.sold == sold <= item.stock
    assert (FlashClaim.objects.filter(item=item).aggregate(n=Sum("quantity"))["n"] or 0) == sold
    assert not FlashClaim.objects.filter(item=item, quantity__gt=LIMIT).exists()
    live = OrderLine.objects.filter(sku=sku).exclude(order__status="cancelled")
    assert live.count() == sold and all(line.unit_price_fen == item.price_fen for line in live)
    per_buyer = Counter(live.values_list("order__buyer_id", flat=True))
    assert max(per_buyer.values(), default=0) <= LIMIT
    row = Stock.objects.get(sku=sku)
    moves = StockMovement.objects.filter(sku=sku).aggregate(
        on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
    )
    assert (row.on_hand, row.reserved) == (moves["on_hand"], moves["reserved"])
    unpaid = live.filter(order__status="pending_payment").aggregate(n=Sum("quantity"))["n"] or 0
    # the sale's own stock stays set aside (reserved, in no order) until it ends: normal buyers never get it
    assert item.held == item.stock - sold
    assert row.reserved == unpaid + item.held
    assert row.on_hand - row.reserved == 150 - sold - item.held
    if flash.redis_client() is not None:
        assert _redis_left(item) == item.stock - sold
        held = {int(k): int(v) for k, v in flash.redis_client().hgetall(flash.redis_keys(item)[1]).items()}
        assert sum(held.values()) == sold and max(held.values(), default=0) <= LIMIT


def test_flash_sale_of_100_units_sells_exactly_100_and_cancelled_units_sell_again(
    gate, make_shop, make_product, make_buyers, promo
):
    from wanshang.orders.services import orders_cancel_expired
    from wanshang.payments.services import sandbox_pay

    shop = make_shop()
    sku = make_product(shop, prices=(9900,), stock=150).skus.get()
    sale = promo(
        shop,
        "flash_sale",
        items=[{"sku_id": sku.pk, "price_fen": 990, "stock": UNITS}],
        per_buyer_limit=LIMIT,
    )
    item = sale.items.get()
    buyers = make_buyers(BUYERS)
    attempts = [b for b in buyers for _ in range(ATTEMPTS // BUYERS)]

    payments, refused, errors = _race(item.pk, attempts)
    assert errors == []
    assert len(payments) == UNITS
    assert sum(refused.values()) == ATTEMPTS - UNITS
    assert all("抢光" in m or "限购" in m or "仅剩" in m for m in refused), (
        refused
    )  # sold out or over the limit
    _check_sale(item, sku, sold=UNITS)

    # 60 pay; the other 40 time out and their units go back on sale (and to the Redis gate)
    for payment in payments[:60]:
        sandbox_pay(buyer=payment.buyer, payment_no=payment.no)
    assert orders_cancel_expired(now=timezone.now() + timedelta(minutes=16)) == 40
    _check_sale(item, sku, sold=60)

    newcomers = make_buyers(40)
    payments, refused, errors = _race(item.pk, [b for b in newcomers for _ in range(5)], threads=8)
    assert errors == []
    assert len(payments) == 40
    _check_sale(item, sku, sold=UNITS)
    assert {p.buyer_id for p in payments} <= {b.pk for b, _ in newcomers}


def test_coupon_with_50_to_give_is_claimed_exactly_50_times_by_200_attempts(make_shop, make_user, promo):
    from wanshang.marketing.models import Coupon, Promotion
    from wanshang.marketing.services import coupon_claim

    shop = make_shop()
    c = promo(
        shop,
        "coupon",
        config={"type": "amount", "threshold_fen": 0, "amount_fen": 500},
        total_quantity=50,
        per_buyer_limit=2,
    )
    buyers = [make_user() for _ in range(40)]
    attempts = [b for b in buyers for _ in range(5)]  # 200 attempts, five back to back per buyer

    def claim(buyer):
        try:
            coupon_claim(buyer=buyer, promotion_id=c.pk)
            return "ok"
        except DomainError as exc:
            return exc.message

    results = Counter(
        r if isinstance(r, str) else f"error {r!r}"
        for r in run_concurrently(claim, attempts, threads=THREADS)
    )
    assert not [r for r in results if r.startswith("error")], results
    assert results["ok"] == 50
    assert Coupon.objects.filter(promotion=c).count() == 50
    assert Promotion.objects.get(pk=c.pk).issued_count == 50
    per_buyer = Counter(Coupon.objects.filter(promotion=c).values_list("buyer_id", flat=True))
    assert max(per_buyer.values()) <= 2
