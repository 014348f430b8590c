"""The hourly λ tick under real concurrency on PostgreSQL: ticks running at the same moment step each hour of a
goal plan once (the plan's row lock, then the unique (plan, hour) row)."""

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


def test_concurrent_ticks_step_each_hour_once(shop, fund, make_product):
    from wanshang.ads.autoplan_models import AutoPlan, AutoPlanHour
    from wanshang.ads.models import AdPlan
    from wanshang.ads.services import AutoPlanInput, autobid_tick, autoplan_create, plan_set_status

    fund(shop, 10_000)
    product = make_product(shop, title="夏季碎花连衣裙")
    plan = autoplan_create(
        shop=shop,
        data=AutoPlanInput(
            name="全站推广",
            product_ids=[product.pk],
            daily_budget_fen=5_000,
            target_roas_centi=300,
            start_date=timezone.localdate(),
        ),
    )
    plan_set_status(shop=shop, plan_id=plan.pk, status="active")
    hour = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    AdPlan.objects.filter(pk=plan.pk).update(updated_at=hour - timedelta(hours=12))
    AutoPlan.objects.filter(plan=plan).update(stepped_hour=hour - timedelta(hours=7))

    results = run_concurrently(lambda _n: autobid_tick(), list(range(6)), threads=6)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 6  # hours −6 … −1, stepped by whichever tick got the lock first
    assert AutoPlanHour.objects.filter(plan=plan).count() == 6
    assert AutoPlan.objects.get(plan=plan).hours == 6


def test_concurrent_keyword_refreshes_of_one_product_change_it_once(shop, fund, make_product):
    from wanshang.ads.models import AdKeyword
    from wanshang.ads.services import AutoPlanInput, autoplan_create, autoplan_keywords_refresh
    from wanshang.catalog.models import Product

    fund(shop, 10_000)
    product = make_product(shop, title="夏季碎花连衣裙")
    plan = autoplan_create(
        shop=shop,
        data=AutoPlanInput(
            name="全站推广",
            product_ids=[product.pk],
            daily_budget_fen=5_000,
            target_roas_centi=300,
            start_date=timezone.localdate(),
        ),
    )
    Product.objects.filter(pk=product.pk).update(title="冬季羊毛围巾")

    results = run_concurrently(
        lambda _n: autoplan_keywords_refresh(product_id=product.pk), list(range(6)), threads=6
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 1  # the first under the plan's lock; the others find nothing to change
    words = list(AdKeyword.objects.filter(group__plan=plan, status="active").values_list("word", flat=True))
    assert "围巾" in words and "碎花" not in words and len(words) == len(set(words))
