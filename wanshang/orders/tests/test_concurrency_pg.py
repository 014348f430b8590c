"""Real concurrency on PostgreSQL: no oversell, no deadlock. Run by scripts/test with DATABASE_URL set.

Under CI=true these fail (not skip) when the database is not PostgreSQL.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from wanshang.common.errors import DomainError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return run


def _buyers(make_user, make_address, n):
    out = []
    for _ in range(n):
        user = make_user()
        out.append((user, make_address(user)))
    return out


def _totals(sku):
    from wanshang.inventory.models import Stock, StockMovement

    row = Stock.objects.get(sku=sku)
    moves = StockMovement.objects.filter(sku=sku)
    return row, sum(m.on_hand_delta for m in moves), sum(m.reserved_delta for m in moves)


def test_fifty_buyers_race_for_last_ten_units(make_shop, make_product, make_user, make_address):
    from wanshang.checkout.services import checkout_submit
    from wanshang.orders.models import Order
    from wanshang.payments.services import sandbox_pay

    shop = make_shop()
    sku = make_product(shop, stock=10).skus.first()
    buyers = _buyers(make_user, make_address, 50)
    barrier = threading.Barrier(50)

    @_in_thread
    def attempt(buyer_address):
        buyer, address = buyer_address
        barrier.wait()
        try:
            return checkout_submit(user=buyer, items=[(sku.pk, 1)], address_id=address.pk,
                                   idempotency_key=uuid.uuid4().hex, from_cart=False)
        except DomainError:
            return None

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(attempt, buyers))
    payments = [p for p in results if p is not None]
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


def test_prepared_checkouts_completed_eight_at_a_time_never_oversell(make_shop, make_product, make_user,
                                                                     make_address):
    """30 checkouts all priced while 10 units show available, then completed by 8 workers: exactly 10."""
    from wanshang.checkout.services import checkout_preview, checkout_submit
    from wanshang.orders.models import Order

    shop = make_shop()
    sku = make_product(shop, stock=10).skus.first()
    buyers = _buyers(make_user, make_address, 30)
    prepared = []
    for buyer, address in buyers:
        cart, _ = checkout_preview(user=buyer, items=[(sku.pk, 1)], address_id=address.pk)
        assert not cart.problems  # every one of them was told the unit is available
        prepared.append((buyer, address, cart.payable_fen))

    @_in_thread
    def complete(item):
        buyer, address, expected = item
        try:
            return checkout_submit(user=buyer, items=[(sku.pk, 1)], address_id=address.pk,
                                   idempotency_key=uuid.uuid4().hex, expected_payable_fen=expected,
                                   from_cart=False)
        except DomainError:
            return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(complete, prepared))
    assert sum(1 for r in results if r is not None) == 10
    assert Order.objects.filter(lines__sku=sku).count() == 10
    row, on_hand_sum, reserved_sum = _totals(sku)
    assert row.on_hand - row.reserved == 0
    assert (on_hand_sum, reserved_sum) == (row.on_hand, row.reserved)


def test_opposite_sku_order_does_not_deadlock(make_shop, make_product, make_user, make_address):
    from wanshang.checkout.services import checkout_submit
    from wanshang.orders.models import Order

    shop = make_shop()
    a = make_product(shop, stock=1000).skus.first()
    b = make_product(shop, stock=1000).skus.first()
    buyers = _buyers(make_user, make_address, 20)
    barrier = threading.Barrier(20)
    errors = []

    @_in_thread
    def attempt(i):
        buyer, address = buyers[i]
        items = [(a.pk, 1), (b.pk, 1)] if i % 2 else [(b.pk, 1), (a.pk, 1)]
        barrier.wait()
        for _ in range(3):
            try:
                checkout_submit(user=buyer, items=items, address_id=address.pk,
                                idempotency_key=uuid.uuid4().hex, from_cart=False)
            except Exception as exc:  # a deadlock would surface here as OperationalError
                errors.append(repr(exc))

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(attempt, range(20)))
    assert errors == []
    assert Order.objects.count() == 60
    for sku in (a, b):
        row, on_hand_sum, reserved_sum = _totals(sku)
        assert row.reserved == 60
        assert (on_hand_sum, reserved_sum) == (row.on_hand, row.reserved)


def test_double_submit_with_same_key_in_parallel_creates_one_order(make_shop, make_product, make_user,
                                                                   make_address):
    from wanshang.checkout.services import checkout_submit
    from wanshang.orders.models import Order

    shop = make_shop()
    sku = make_product(shop, stock=10).skus.first()
    buyer = make_user()
    address = make_address(buyer)
    barrier = threading.Barrier(6)

    @_in_thread
    def attempt(_):
        barrier.wait()
        try:
            return checkout_submit(user=buyer, items=[(sku.pk, 1)], address_id=address.pk,
                                   idempotency_key="double-click-key", from_cart=False).pk
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(attempt, range(6)))
    assert Order.objects.count() == 1
    payment_ids = {r for r in results if isinstance(r, int)}
    assert len(payment_ids) == 1
