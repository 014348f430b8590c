"""Real concurrency on PostgreSQL: staff shipping the same units at once ship them once."""

import pytest

from wanshang.common.errors import DomainError
from wanshang.common.tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_six_staff_shipping_the_same_units_ship_them_once(shop, order, lines):
    from wanshang.orders.models import OrderEvent
    from wanshang.shipping.models import Shipment, ShipmentLine
    from wanshang.shipping.services import shipment_create

    results = run_concurrently(
        lambda n: shipment_create(
            shop=shop,
            order_id=order.pk,
            carrier="SF",
            tracking_no=f"SF90000000{n}",
            items=[(lines[1].pk, 2)],
            actor=shop.owner,
        ),
        list(range(6)),
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, DomainError) for r in results if isinstance(r, Exception))
    assert Shipment.objects.count() == 1 and ShipmentLine.objects.get().quantity == 2
    assert OrderEvent.objects.filter(order=order, note__contains="包裹1").count() == 1

    everything = run_concurrently(
        lambda n: shipment_create(
            shop=shop, order_id=order.pk, carrier="ZTO", tracking_no=f"ZT90000000{n}", actor=shop.owner
        ),
        list(range(4)),
    )
    assert sum(not isinstance(r, Exception) for r in everything) == 1
    order.refresh_from_db()
    assert order.status == "shipped" and Shipment.objects.count() == 2
    assert OrderEvent.objects.filter(order=order, to_status="shipped", from_status="paid").count() == 1
