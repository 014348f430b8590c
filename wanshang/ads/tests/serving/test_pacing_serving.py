"""Standard delivery in serving: a simulated day of searches and clicks through `serving.search_auction` and
`ad_charge` spends the budget within ±10 % and along the traffic curve; accelerated plans are not throttled."""

import random
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wanshang.ads import serving, throttle
from wanshang.ads.accounts import ad_charge
from wanshang.search.selectors import query_words

pytestmark = pytest.mark.django_db

WORDS = tuple(query_words("连衣裙"))


def _simulate_day(plan, group, *, searches=3000, click_rate=0.15, seed=7):
    """Searches along the default traffic curve over today (Asia/Shanghai), each a one-slot auction; a shown
    ad is clicked with `click_rate` and charged at its price. Returns (spend at each hour's end, auctions
    the ad was not shown in although the plan's budget could take a click)."""
    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    day = timezone.localdate()
    midnight = datetime.combine(day, datetime.min.time(), tz)
    weights = throttle.traffic_weights(midnight)
    total = sum(weights)
    spent, by_hour, missed = 0, [], 0
    n = 0
    for slot, w in enumerate(weights):
        count = round(searches * w / total)
        for i in range(count):
            now = midnight + timedelta(minutes=15 * slot, seconds=int(900 * i / max(count, 1)))
            result = serving.search_auction(
                words=WORDS, terminal="pc", slots=1, seed=rng.getrandbits(48), now=now
            ).result
            win = next((w for w in result.wins if w.candidate.ad.plan_id == plan.pk), None)
            if win is None:
                missed += spent + 100 <= plan.daily_budget_fen  # not at the hard stop (bid 100)
                continue
            if rng.random() < click_rate:
                n += 1
                got = ad_charge(group_id=group.pk, price_fen=win.price_fen, ref=f"sim:{n}", now=now)
                serving.state_invalidate()
                if got.charged:
                    spent += win.price_fen
        if slot % throttle.SLOTS_PER_HOUR == throttle.SLOTS_PER_HOUR - 1:
            by_hour.append(spent)
    return by_hour, missed


def _planned(budget, hour):
    weights = throttle.traffic_weights()
    return budget * sum(weights[: (hour + 1) * throttle.SLOTS_PER_HOUR]) / sum(weights)


def test_a_standard_plan_spends_its_day_within_ten_percent_along_the_traffic_curve(live_ad):
    # unthrottled the day would bring ~450 clicks at the reserve (~10 fen): the budget takes a third of them
    _shop, plan, group, _ = live_ad(bid=100, daily=1500)
    by_hour, missed = _simulate_day(plan, group)
    budget = plan.daily_budget_fen
    assert missed > 1000  # throttled: most searches go without the ad
    assert 0.9 * budget <= by_hour[-1] <= budget
    for hour, spent in enumerate(by_hour):
        assert abs(spent - _planned(budget, hour)) <= 0.1 * budget, (by_hour, hour)


def test_an_accelerated_plan_is_never_throttled_and_stops_hard_at_its_budget(live_ad):
    _shop, plan, group, _ = live_ad(bid=100, daily=1500, pacing="accelerated")
    by_hour, missed = _simulate_day(plan, group)
    budget = plan.daily_budget_fen
    # every search shows the ad until the hard stop, which comes hours ahead of the traffic curve
    assert missed == 0
    assert budget - 100 <= by_hour[-1] <= budget
    assert by_hour[15] > _planned(budget, 15) + 0.2 * budget


def test_a_standard_plan_ahead_of_its_plan_sits_out_more_and_more_auctions(live_ad):
    from wanshang.ads.models import AdPlanDay

    _shop, plan, _group, _ = live_ad(bid=100, daily=100_000)
    tz = timezone.get_current_timezone()
    start = datetime.combine(timezone.localdate(), datetime.min.time(), tz) + timedelta(hours=1)
    # far ahead of the plan from 01:00 and still spending: the rate falls slot by slot
    day = AdPlanDay.objects.create(plan=plan, shop_id=plan.shop_id, date=timezone.localdate(), spend_fen=0)
    entered = 0
    for k in range(40):  # ten hours of slots, one auction each
        AdPlanDay.objects.filter(pk=day.pk).update(spend_fen=1_000 * (k + 1), clicks=10 * (k + 1))
        now = start + timedelta(minutes=15 * k)
        result = serving.search_auction(words=WORDS, terminal="pc", slots=1, seed=k, now=now).result
        entered += bool(result.wins)
    assert entered < 25
    rate = throttle.pacing_rates({plan.pk: (plan.daily_budget_fen, 100)}, start + timedelta(hours=10))[
        plan.pk
    ]
    assert rate < 0.1


def test_the_draw_is_uniform_and_differs_between_plans():
    draws = [throttle.draw(seed, 1) for seed in range(20_000)]
    assert all(0 <= d < 1 for d in draws)
    assert abs(sum(d < 0.3 for d in draws) / len(draws) - 0.3) < 0.02
    assert sum(throttle.draw(s, 1) < 0.5 and throttle.draw(s, 2) < 0.5 for s in range(20_000)) / 20_000 == (
        pytest.approx(0.25, abs=0.02)
    )


def test_the_day_starts_from_yesterdays_spend_at_yesterdays_mean_rate(live_ad):
    from django.core.cache import cache

    from wanshang.ads.models import AdPlanDay

    _shop, plan, _group, _ = live_ad(bid=100, daily=1_000)
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    # yesterday: 96 slots at a mean rate of 0.5, 1,000 fen spent → 2,000 fen unthrottled
    cache.set(throttle._state_key(yesterday, plan.pk), [0.4, 96, 48.0, 1_000])
    AdPlanDay.objects.create(plan=plan, shop_id=plan.shop_id, date=yesterday, spend_fen=1_000)
    now = datetime.combine(today, datetime.min.time(), timezone.get_current_timezone())
    assert throttle.pacing_rates({plan.pk: (1_000, 100)}, now)[plan.pk] == pytest.approx(0.5)
    # a plan with no yesterday enters every auction until it gets ahead
    assert throttle.pacing_rates({plan.pk + 1: (1_000, 100)}, now)[plan.pk + 1] == 1.0
