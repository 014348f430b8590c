"""Real concurrency on PostgreSQL: CPM charging runs at the same moment (two workers' jobs) charge every block
of impressions exactly once and never past the daily budget."""

import pytest
from django.utils import timezone

from wanshang.ads.tests.audience.test_cpm import _impressions
from wanshang.common.tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_concurrent_cpm_runs_charge_each_block_once_within_the_budget(live_audience):
    from wanshang.ads.models import AdLedgerEntry, AdPlanDay, CpmCharge
    from wanshang.ads.services import cpm_charge_due

    shop, plan, group, _ = live_audience(bid=2000, billing="cpm", daily=3000, balance=100_000)
    _impressions(group, 5000, price=800)  # five blocks of ¥8 against a ¥30 day: three fit

    results = run_concurrently(lambda _n: cpm_charge_due(), list(range(6)), threads=6)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    charges = AdLedgerEntry.objects.filter(kind="charge")
    assert charges.count() == 3
    assert len({c.reference for c in charges}) == 3
    assert sorted(CpmCharge.objects.values_list("block", "status")) == [
        (0, "charged"),
        (1, "charged"),
        (2, "charged"),
        (3, "unpaid"),
        (4, "unpaid"),
    ]
    day = AdPlanDay.objects.get(plan=plan, date=timezone.localdate())
    assert day.spend_fen == 2400 <= plan.daily_budget_fen
    assert sum(r.charged for r in results) == 3  # each block counted by the one run that wrote it
