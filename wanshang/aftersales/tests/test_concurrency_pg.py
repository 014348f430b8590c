"""Real concurrency on PostgreSQL: two partial cases on the same line, approved at the same moment, never refund
more than the line was paid. The second run takes the locks away and must overpay (strict xfail), which shows
that the first run passes because of the locks and not by luck of timing."""

import time

import pytest

from wanshang.common.tests.concurrency import errors_of, run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


@pytest.mark.parametrize(
    "locked",
    [
        True,
        pytest.param(
            False, marks=pytest.mark.xfail(strict=True, reason="without the row locks both quote unit 1")
        ),
    ],
)
def test_two_partial_cases_on_one_line_never_refund_more_than_paid(
    locked, shop, make_product, make_order, monkeypatch, without_case_locks
):
    from wanshang.aftersales import money
    from wanshang.aftersales.models import Refund
    from wanshang.aftersales.selectors import reason_list
    from wanshang.aftersales.services import case_approve, case_open
    from wanshang.common.errors import DomainError
    from wanshang.orders.models import Order, OrderLine

    sku = make_product(shop, title="保温杯", prices=(1000,), stock=10).skus.get()
    order = make_order(items=[(sku.pk, 2)])
    line = order.lines.get()
    # a 1-fen discount over 2 units: unit 1 is owed 1000 fen, unit 2 999 — quoting unit 1 twice overpays
    OrderLine.objects.filter(pk=line.pk).update(payable_fen=1999)
    Order.objects.filter(pk=order.pk).update(total_fen=1999 + order.freight_fen)
    why = next(r for r in reason_list(case_type="refund_only") if r.name == "不想要了")
    ids = [
        case_open(
            buyer=order.buyer,
            order_id=order.pk,
            case_type="refund_only",
            lines=[(line.pk, 1)],
            reason_id=why.pk,
        ).pk
        for _ in range(2)
    ]
    real_committed = money.committed

    def slow_committed(**kw):
        out = real_committed(**kw)
        time.sleep(0.4)  # widen the window between reading what is committed and writing the refund
        return out

    monkeypatch.setattr(money, "committed", slow_committed)
    if not locked:
        without_case_locks()

    results = run_concurrently(
        lambda case_id: case_approve(shop=shop, case_id=case_id, actor=shop.owner), ids
    )
    assert errors_of(results, DomainError) == []
    line.refresh_from_db()
    refunds = list(Refund.objects.filter(order=order, status="refunded").values_list("amount_fen", flat=True))
    assert sum(refunds) <= 1999 + order.freight_fen
    assert line.refunded_fen <= line.payable_fen
    assert sorted(refunds) == sorted([1000, 999 + order.freight_fen])
