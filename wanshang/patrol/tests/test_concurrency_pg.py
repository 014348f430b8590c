"""Real concurrency on PostgreSQL: two workers patrolling one shop and day write one report; two clicks on one
fix write one audit row (the finding's row lock serialises them; the second sees it fixed)."""

import pytest
from django.utils import timezone

from wanshang.catalog.models import Product
from wanshang.common.errors import Conflict
from wanshang.common.tests.concurrency import run_concurrently
from wanshang.patrol.models import PatrolFinding, PatrolFix, PatrolReport
from wanshang.patrol.services import due_day, finding_fix, patrol_run_shop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_two_workers_write_one_report_and_two_clicks_one_fix(patrol_shop):
    shop, p = patrol_shop()
    Product.objects.filter(pk=p["bag"].pk).update(title="帆布托特包 大容量")
    day = due_day(timezone.now())
    results = run_concurrently(lambda: patrol_run_shop(shop=shop, day=day), [(), (), ()])
    assert all(isinstance(r, PatrolReport) for r in results), results
    assert PatrolReport.objects.filter(shop=shop, day=day).count() == 1
    assert (
        PatrolFinding.objects.filter(shop=shop).count() == PatrolReport.objects.get(shop=shop).findings_count
    )
    finding = PatrolFinding.objects.get(shop=shop, kind="stale_search")
    clicks = run_concurrently(
        lambda: finding_fix(shop=shop, finding_id=finding.pk, actor=shop.owner), [(), ()]
    )
    assert sorted(type(r).__name__ for r in clicks) == sorted(["PatrolFinding", "Conflict"]), clicks
    assert any(isinstance(r, Conflict) for r in clicks)
    assert PatrolFix.objects.filter(finding=finding).count() == 1
