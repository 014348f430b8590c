"""Real concurrency on PostgreSQL: no oversell, no deadlock. Run by scripts/test with DATABASE_URL set.

Under CI=true these fail (not skip) when the database is not PostgreSQL.
"""

import uuid

import pytest

from wanshang.common.errors import DomainError
from wanshang.common.tests.concurrency import errors_of, run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "threads"
    ),  # scripts/test runs the thread races one at a time: each holds many connections
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def _totals(sku):
    from wanshang.inventory.models import Stock, StockMovement

    row = Stock.objects.get(sku=sku)
    moves = StockMovement.objects.filter(sku=sku)
    return row, sum(m.on_hand_delta for m in moves), sum(m.reserved_delta for m in moves)


def test_fifty_buyers_race_for_last_ten_units(make_shop, make_product, make_buyers):
    from wanshang.checkout.services import checkout_submit
    from wanshang.orders.models import Order
    from wanshang.payments.services import sandbox_pay

    shop = make_shop()
    sku = make_product(shop, stock=10).skus.first()

    def attempt(buyer, address):
        return checkout_submit(
            user=buyer,
            items=[(sku.pk, 1)],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            from_cart=False,
        )

    results = run_concurrently(attempt, make_buyers(50))
    assert errors_of(results, DomainError) == []
    payments = [p for p in results if not isinstance(p, DomainError)]
    assert len(payments) == 10
    assert Order.objects.filter(lines__sku=sku).count() == 10
    row, on_hand_sum, reserved_sum = _totals(sku)
    assert (row.on_hand, row.reserved) == (10, 10)
    assert (on_hand_sum, reserved_sum) == (10, 10)

    for payment in payments:
        sandbox_pay(buyer=payment.buyer, payment_no=payment.no)
    row, on_hand_sum, reserved_sum = _totals(sku)
    assert (row.on_hand, row.reserved) == (0, 0)
    assert (on_hand_sum, reserved_sum) == (0, 0)


def test_prepared_checkouts_completed_eight_at_a_time_never_oversell(make_shop, make_product, make_buyers):
    """30 checkouts all priced while 10 units show available, then completed by 8 workers: exactly 10."""
    from wanshang.checkout.services import checkout_preview, checkout_submit
    from wanshang.orders.models import Order

    shop = make_shop()
    sku = make_product(shop, stock=10).skus.first()
    prepared = []
    for buyer, address in make_buyers(30):
        cart, _ = checkout_preview(user=buyer, items=[(sku.pk, 1)], address_id=address.pk)
        assert not cart.problems  # every one of them was told the unit is available
        prepared.append((buyer, address, cart.payable_fen))

    def complete(buyer, address, expected):
        return checkout_submit(
            user=buyer,
            items=[(sku.pk, 1)],
            address_id=address.pk,
            idempotency_key=uuid.uuid4().hex,
            expected_payable_fen=expected,
            from_cart=False,
        )

    results = run_concurrently(complete, prepared, threads=8)
    assert errors_of(results, DomainError) == []
    assert sum(1 for r in results if not isinstance(r, DomainError)) == 10
    assert Order.objects.filter(lines__sku=sku).count() == 10
    row, on_hand_sum, reserved_sum = _totals(sku)
    assert row.on_hand - row.reserved == 0
    assert (on_hand_sum, reserved_sum) == (row.on_hand, row.reserved)


def test_opposite_sku_order_does_not_deadlock(make_shop, make_product, make_buyers):
    from wanshang.checkout.services import checkout_submit
    from wanshang.orders.models import Order

    shop = make_shop()
    a = make_product(shop, stock=1000).skus.first()
    b = make_product(shop, stock=1000).skus.first()
    buyers = make_buyers(20)

    def attempt(i):
        buyer, address = buyers[i]
        items = [(a.pk, 1), (b.pk, 1)] if i % 2 else [(b.pk, 1), (a.pk, 1)]
        for _ in range(3):
            checkout_submit(
                user=buyer,
                items=items,
                address_id=address.pk,
                idempotency_key=uuid.uuid4().hex,
                from_cart=False,
            )

    results = run_concurrently(attempt, range(20))
    assert errors_of(results) == []  # a deadlock would surface here as OperationalError
    assert Order.objects.count() == 60
    for sku in (a, b):
        row, on_hand_sum, reserved_sum = _totals(sku)
        assert row.reserved == 60
        assert (on_hand_sum, reserved_sum) == (row.on_hand, row.reserved)


def test_double_submit_with_same_key_in_parallel_creates_one_order(make_shop, make_product, make_buyers):
    from wanshang.checkout.services import checkout_submit
    from wanshang.orders.models import Order

    shop = make_shop()
    sku = make_product(shop, stock=10).skus.first()
    [(buyer, address)] = make_buyers(1)

    def attempt(_):
        return checkout_submit(
            user=buyer,
            items=[(sku.pk, 1)],
            address_id=address.pk,
            idempotency_key="double-click-key",
            from_cart=False,
        ).pk

    results = run_concurrently(attempt, range(6))
    assert errors_of(results, DomainError) == []
    assert Order.objects.count() == 1
    payment_ids = {r for r in results if isinstance(r, int)}
    assert len(payment_ids) == 1
