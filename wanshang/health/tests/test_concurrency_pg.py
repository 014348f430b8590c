"""Two workers running the deadlines job at the same moment: every overdue item earns its points once."""

from datetime import timedelta

import pytest
from django.db.models import Sum
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


def test_concurrent_deadline_runs_give_points_once(make_shop):
    from wanshang.health.models import PenaltyPoint
    from wanshang.health.services import deadlines_run, item_open

    shops = [make_shop() for _ in range(3)]
    start = timezone.now() - timedelta(days=3)
    items = [
        item_open(shop_id=s.pk, kind=kind, title="测试", now=start)
        for s in shops
        for kind in ("late_shipment", "refund_rate", "dsr")
    ]
    now = timezone.now()
    results = run_concurrently(lambda _n: deadlines_run(now=now), list(range(6)), threads=6)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert PenaltyPoint.objects.count() == len(items)
    assert PenaltyPoint.objects.aggregate(n=Sum("points"))["n"] == 3 * (3 + 2 + 2)
