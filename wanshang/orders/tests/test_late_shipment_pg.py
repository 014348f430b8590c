"""延迟发货 on PostgreSQL: two runners of the job at the same moment compensate each order once."""

from datetime import timedelta

import pytest

from wanshang.common.tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_two_runners_compensate_each_order_once(buyer, make_shop, make_product, place_paid):
    from wanshang.marketing.models import PointsEntry
    from wanshang.orders.models import LateShipment
    from wanshang.orders.services import late_shipment_flag, late_shipments_flag
    from wanshang.payments.models import SettlementEntry

    shop = make_shop()
    product = make_product(shop, stock=20)
    orders = [place_paid(buyer, product) for _ in range(5)]
    later = max(o.ship_deadline for o in orders) + timedelta(hours=1)

    # the whole job twice at once, then the same order from eight threads at once
    results = run_concurrently(lambda: late_shipments_flag(now=later), [(), ()])
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(results) == 5
    extra = make_product(shop)
    last = place_paid(buyer, extra)
    results = run_concurrently(
        lambda: late_shipment_flag(order_id=last.pk, now=last.ship_deadline + timedelta(hours=1)),
        [()] * 8,
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert len([r for r in results if r is not None]) == 1

    assert LateShipment.objects.count() == 6
    assert SettlementEntry.objects.filter(kind="late").count() == 6
    assert PointsEntry.objects.filter(reason="compensate").count() == 6
    charged = -sum(SettlementEntry.objects.filter(kind="late").values_list("net_fen", flat=True))
    assert charged == sum(PointsEntry.objects.filter(reason="compensate").values_list("delta", flat=True))
