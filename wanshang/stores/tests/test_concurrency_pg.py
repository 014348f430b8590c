"""Real concurrency on PostgreSQL: the same pickup code verified from two counters at the same moment completes
the order once; the other gets a clear refusal. And the expiry job racing a verification: one of them wins."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_double_verification_succeeds_once(shop, buyer, make_product, make_store, store_clerk, pickup_order):
    from wanshang.common.errors import DomainError
    from wanshang.orders.models import OrderEvent
    from wanshang.payments.models import SettlementEntry
    from wanshang.stores.selectors import pickup_of_order
    from wanshang.stores.services import pickup_verify

    product = make_product(shop, prices=(5000,), stock=5)
    store = make_store(shop)
    clerks = [store_clerk(shop, store) for _ in range(4)]
    order = pickup_order(buyer, product, store)
    code = pickup_of_order(order_id=order.pk).code

    results = run_concurrently(lambda c: pickup_verify(staff=c, store_id=store.pk, code=code), clerks)

    ok = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(ok) == 1 and len(refused) == 3, results
    assert all("不能重复使用" in r.message or "状态已变化" in r.message for r in refused), [
        r.message for r in refused
    ]
    order.refresh_from_db()
    assert order.status == "completed"
    assert OrderEvent.objects.filter(order=order, to_status="received").count() == 1
    assert SettlementEntry.objects.filter(order_id=order.pk, kind="sale").count() == 1


def test_expiry_and_verification_race(shop, buyer, make_product, make_store, store_clerk, pickup_order):
    from wanshang.stores.selectors import pickup_of_order
    from wanshang.stores.services import pickup_verify, pickups_expire

    product = make_product(shop, prices=(5000,), stock=5)
    store = make_store(shop)
    clerk = store_clerk(shop, store)
    order = pickup_order(buyer, product, store)
    code = pickup_of_order(order_id=order.pk).code
    late = timezone.now() + timedelta(days=30)

    run_concurrently(
        lambda job: (
            pickups_expire(now=late)
            if job == "expire"
            else pickup_verify(staff=clerk, store_id=store.pk, code=code)
        ),
        ["expire", "verify"],
    )

    pickup = pickup_of_order(order_id=order.pk)
    order.refresh_from_db()
    assert (pickup.status, order.status) in {
        ("picked_up", "completed"),
        ("expired", "paid"),
        ("expired", "refunded"),
    }
