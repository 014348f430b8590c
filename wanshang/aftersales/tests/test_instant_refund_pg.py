"""Real concurrency on PostgreSQL: a buyer's 极速退款 and the shop's shipment of the same units, at the same
moment. Exactly one wins: the order ships first and the case waits for the shop as an ordinary 仅退款, or the
instant refund commits first and the package is refused with the reason. The last run takes the case's row locks
away and must let both win (strict xfail), which shows the first runs pass because of the locks."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

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
    "first, locked",
    [
        ("refund", True),
        ("ship", True),
        pytest.param(
            None,
            False,
            marks=pytest.mark.xfail(
                strict=True, reason="without the row locks the refund and the package both win"
            ),
        ),
    ],
    ids=["refund-first", "ship-first", "no-locks"],
)
def test_instant_refund_and_shipment_exactly_one_wins(
    first, locked, buyer, make_order, reason, monkeypatch, without_case_locks
):
    from wanshang.aftersales import cases
    from wanshang.aftersales.models import Case
    from wanshang.aftersales.services import case_open
    from wanshang.common.errors import Conflict, DomainError
    from wanshang.shipping import services as shipping
    from wanshang.shipping.models import Shipment

    buyer.date_joined = timezone.now() - timedelta(days=60)
    buyer.save(update_fields=["date_joined"])
    order = make_order()
    everything = [(line.pk, line.quantity) for line in order.lines.order_by("pk")]
    why = reason("不想要了")

    real_quote, real_plan = cases.refund_quote, shipping._plan

    def slow_quote(**kw):  # the refund has read what is shipped and not yet written its case
        time.sleep(0.2)
        return real_quote(**kw)

    def slow_plan(*args):  # the package holds the order's lock a while before it is written
        time.sleep(0.4)
        return real_plan(*args)

    monkeypatch.setattr(cases, "refund_quote", slow_quote)
    monkeypatch.setattr(shipping, "_plan", slow_plan)
    if not locked:
        without_case_locks()

    def act(who: str, delay: float):
        time.sleep(delay)
        if who == "refund":
            return case_open(
                buyer=buyer, order_id=order.pk, case_type="refund_only", lines=everything, reason_id=why.pk
            )
        return shipping.shipment_create(
            shop=order.shop,
            order_id=order.pk,
            carrier="SF",
            tracking_no="SF7770001112",
            actor=order.shop.owner,
        )

    # the other side starts a moment later, so the first takes the order's lock; without locks both start at once
    calls = [
        ("refund", 0.0 if first in ("refund", None) else 0.15),
        ("ship", 0.0 if first in ("ship", None) else 0.15),
    ]
    refunded, shipped = run_concurrently(act, calls)

    instant = Case.objects.filter(order=order, instant_refund=True).exists()
    packages = Shipment.objects.filter(order=order).count()
    assert instant != bool(packages), "exactly one of the instant refund and the shipment wins"
    assert errors_of([refunded, shipped], DomainError) == []
    if first == "refund":
        assert instant and isinstance(shipped, Conflict) and "买家已极速退款" in shipped.message
        case = Case.objects.get(order=order)
        assert case.refunds.get().status == "refunded"
        order.refresh_from_db()
        assert order.status == "refunded"
    else:
        assert packages == 1 and not instant
        case = Case.objects.get(order=order)  # an ordinary 仅退款 after shipping, waiting for the shop
        assert case.status == "requested" and case.order_shipped
        assert {r["code"] for r in case.instant_refund_reasons} == {"shipped"}
        assert not case.refunds.exists()
