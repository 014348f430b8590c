"""Receiving the same inbound line from many threads at once on PostgreSQL never over-receives."""

import datetime

import pytest
from django.utils import timezone

from wanshang.common.errors import DomainError
from wanshang.common.tests.concurrency import run_concurrently
from wanshang.inventory.models import InboundLine, Stock, StockMovement
from wanshang.inventory.selectors import warehouse_list
from wanshang.inventory.services import receipt_create, receipt_receive

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_concurrent_receiving_of_one_line_never_over_receives(make_shop, make_product):
    shop = make_shop()
    a, b = make_product(shop, prices=(100, 200), stock=0).skus.order_by("pk")
    receipt = receipt_create(
        shop=shop,
        warehouse_id=warehouse_list(shop=shop)[0].pk,
        supplier_name="并发供应商",
        expected_date=timezone.localdate() + datetime.timedelta(days=1),
        lines=[(a.pk, 10), (b.pk, 10)],
        submit=True,
    )
    la, lb = receipt.lines.order_by("pk")
    # 24 attempts of 3 units on line a (only 3 fit: 9 of 10), some also taking line b, crossing the order
    calls = [({la.pk: 3, lb.pk: 1} if i % 2 else {lb.pk: 1, la.pk: 3},) for i in range(24)]

    def receive(quantities):
        return receipt_receive(shop=shop, receipt_id=receipt.pk, quantities=quantities)

    results = run_concurrently(receive, calls, threads=8)
    unexpected = [repr(r) for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    assert unexpected == []
    done = [r for r in results if not isinstance(r, Exception)]
    assert len(done) == 3
    assert list(
        InboundLine.objects.filter(receipt=receipt).order_by("pk").values_list("received", flat=True)
    ) == [
        9,
        3,
    ]
    assert Stock.objects.get(sku=a).on_hand == 9
    assert Stock.objects.get(sku=b).on_hand == 3
    inbound = StockMovement.objects.filter(shop=shop, kind=StockMovement.Kind.INBOUND)
    assert sum(inbound.filter(sku=a).values_list("on_hand_delta", flat=True)) == 9
    assert sum(inbound.filter(sku=b).values_list("on_hand_delta", flat=True)) == 3
