"""Real concurrency on PostgreSQL: many clicks charged at the same moment never spend past the plan's daily
budget, its total budget or the account's balance, and every charged click has exactly one ledger row."""

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


@pytest.mark.parametrize(
    ("balance", "daily", "total", "expected"),
    [
        (100_000, 1_050, None, 10),  # the daily budget binds: 10 clicks of ¥1.00 fit in ¥10.50
        (730, 5_000, None, 7),  # the balance binds
        (100_000, 1_000, 1_000, 4),  # the total budget binds: ¥6.00 of its ¥10.00 spent yesterday
    ],
)
def test_concurrent_clicks_never_spend_past_a_budget_or_the_balance(
    shop, fund, make_plan, make_group, balance, daily, total, expected
):
    from wanshang.ads import selectors
    from wanshang.ads.models import AdLedgerEntry, AdPlan, AdPlanDay
    from wanshang.ads.services import ad_charge

    fund(shop, balance)
    plan = make_plan(shop, daily=daily, total=total)
    group = make_group(shop, plan, bid=100)
    spent_before = 0
    if total:
        yesterday = timezone.now() - timedelta(days=1)
        assert ad_charge(group_id=group.pk, price_fen=600, ref="yesterday", now=yesterday).charged
        spent_before = 600
    clicks = [f"click-{n}" for n in range(40)]

    results = run_concurrently(
        lambda ref: ad_charge(group_id=group.pk, price_fen=100, ref=ref), clicks, threads=8
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    charged = [r for r in results if r.charged]
    assert len(charged) == expected, [r.reason for r in results]
    day = AdPlanDay.objects.get(plan=plan, date=timezone.localdate())
    plan = AdPlan.objects.get(pk=plan.pk)
    assert day.spend_fen == 100 * expected and plan.total_spend_fen == spent_before + 100 * expected
    assert day.spend_fen <= daily and (total is None or plan.total_spend_fen <= total)
    left = balance - spent_before - 100 * expected
    assert selectors.account_balance(shop=shop) == left >= 0
    assert AdLedgerEntry.objects.filter(kind="charge").exclude(reference="yesterday").count() == expected
    assert AdLedgerEntry.objects.filter(shop=shop).aggregate(s=Sum("amount_fen"))["s"] == left
    assert day.exhausted_at is not None


def test_the_same_click_charged_from_many_threads_counts_once(shop, fund, make_plan, make_group):
    from wanshang.ads import selectors
    from wanshang.ads.services import ad_charge

    fund(shop, 10_000)
    group = make_group(shop, make_plan(shop, daily=5000), bid=100)

    results = run_concurrently(lambda ref: ad_charge(group_id=group.pk, price_fen=100, ref=ref), ["one"] * 8)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.charged for r in results) == 1
    assert selectors.account_balance(shop=shop) == 9_900
