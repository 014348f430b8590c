"""CPM audience ads are charged per block of 1000 impressions, once per block, within the budgets."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from wanshang.ads.engine import audience as eng
from wanshang.ads.models import AdAccount, AdImpression, AdLedgerEntry, AdPlanDay, CpmCharge
from wanshang.ads.services import cpm_charge_due
from wanshang.ads.tests.audience.conftest import new_visitor, serve

pytestmark = pytest.mark.django_db


def _impressions(group, n, *, price=500, at=None):
    at = at or timezone.now()
    AdImpression.objects.bulk_create(
        AdImpression(
            ts=at,
            page_view=f"pv{i}",
            shop_id=group.shop_id,
            plan_id=group.plan_id,
            group_id=group.pk,
            keyword_id=0,
            product_id=group.product_id,
            position=1,
            price_fen=price,
            placement="home",
            crowd_id=1,
        )
        for i in range(n)
    )


def test_full_blocks_are_charged_once_and_a_past_days_rest_at_its_end(live_audience):
    shop, plan, group, _ = live_audience(bid=2000, billing="cpm", daily=50_000, balance=100_000)
    today = timezone.now()
    yesterday = today - timedelta(days=1)
    _impressions(group, 2500, price=500, at=today)  # 2 full blocks of ¥5, 500 waiting
    _impressions(group, 1300, price=700, at=yesterday)  # a full block of ¥7, then 300 × 0.7 = ¥2.10

    run = cpm_charge_due()
    assert (run.charged, run.fen) == (4, 500 + 500 + 700 + 210)
    refs = sorted(AdLedgerEntry.objects.filter(kind="charge").values_list("reference", "amount_fen"))
    day, before = timezone.localdate(today).isoformat(), timezone.localdate(yesterday).isoformat()
    assert refs == sorted(
        [
            (f"adcpm:{group.pk}:{day}:0", -500),
            (f"adcpm:{group.pk}:{day}:1", -500),
            (f"adcpm:{group.pk}:{before}:0", -700),
            (f"adcpm:{group.pk}:{before}:1", -210),
        ]
    )
    assert AdPlanDay.objects.get(plan=plan, date=timezone.localdate(today)).clicks == 0  # not clicks
    again = cpm_charge_due()
    assert (again.charged, again.fen) == (0, 0)
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 4
    _impressions(group, 500, price=500, at=today)  # today's third block fills up
    assert cpm_charge_due().fen == 500
    assert AdAccount.objects.get(shop=shop).balance_fen == 100_000 - 2410


def test_a_run_that_died_after_the_charge_does_not_charge_again(live_audience):
    from wanshang.ads.services import ad_charge

    shop, plan, group, _ = live_audience(bid=2000, billing="cpm", daily=50_000)
    _impressions(group, 1000, price=300)
    ref = f"adcpm:{group.pk}:{timezone.localdate().isoformat()}:0"
    assert ad_charge(group_id=group.pk, price_fen=300, ref=ref, clicks=0).charged  # then the process died
    run = cpm_charge_due()
    assert run.charged == 1
    assert AdLedgerEntry.objects.filter(kind="charge").count() == 1
    assert CpmCharge.objects.get().status == "charged"


def test_a_block_over_the_budget_is_unpaid_and_the_budget_is_never_passed(live_audience):
    shop, plan, group, _ = live_audience(bid=2000, billing="cpm", daily=2000, balance=10_000)
    _impressions(group, 3000, price=900)  # three blocks of ¥9 against a ¥20 day
    run = cpm_charge_due()
    assert (run.charged, run.unpaid) == (2, 1)
    day = AdPlanDay.objects.get(plan=plan)
    assert day.spend_fen == 1800 <= plan.daily_budget_fen
    assert day.exhausted_reason == "daily_budget"
    assert cpm_charge_due().unpaid == 0  # an unpaid block is not retried for ever


def test_cpm_debt_not_yet_charged_stops_serving(live_audience, make_shop, make_product, make_category, touch):
    category = make_category()
    shop, plan, group, _ = live_audience(bid=1000, billing="cpm", daily=1000, category=category)
    visitor = new_visitor()
    touch(visitor, make_product(make_shop(category=category)))
    assert len(serve("home", visitor=visitor)) == 1
    _impressions(group, 999, price=1000)  # ¥10 owed with the one above, no block charged yet, of a ¥10 day
    from wanshang.ads.serving import state_invalidate

    state_invalidate()
    assert serve("home", visitor=new_visitor()) == []
    assert serve("home", visitor=visitor) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=9999), min_size=0, max_size=1500))
def test_a_block_costs_the_sum_of_its_per_mille_prices_rounded_down(prices):
    fen = eng.cpm_block_fen(prices)
    assert fen * 1000 <= sum(prices) < (fen + 1) * 1000
    assert fen <= max(prices, default=0) * len(prices) // 1000  # never above its bids
