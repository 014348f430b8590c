"""Standard delivery on the audience placements: a simulated day of page views and clicks through
`audience_auction` and `ad_charge` spends the budget within ±10 % and along the traffic curve, as the keyword
test does (tests/serving/test_pacing_serving.py); accelerated plans are not throttled."""

import random
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wanshang.ads import throttle
from wanshang.ads.accounts import ad_charge
from wanshang.ads.audience_serving import Visitor, audience_auction
from wanshang.ads.serving import state_invalidate

pytestmark = pytest.mark.django_db


def _simulate_day(plan, group, *, views=3000, click_rate=0.15, seed=7):
    """Home-feed page views of a visitor in the plan's crowd along the default traffic curve over today
    (Asia/Shanghai), each a one-slot auction; a shown ad is clicked with `click_rate` and charged at its price.
    Returns (spend at each hour's end, auctions the ad was not in although the budget could take a click)."""
    rng = random.Random(seed)
    who = Visitor(frozenset({group.product.category_id}), frozenset(), ())
    midnight = datetime.combine(timezone.localdate(), datetime.min.time(), timezone.get_current_timezone())
    weights = throttle.traffic_weights(midnight)
    total = sum(weights)
    spent, by_hour, missed, n = 0, [], 0, 0
    for slot, w in enumerate(weights):
        count = round(views * w / total)
        for i in range(count):
            now = midnight + timedelta(minutes=15 * slot, seconds=int(900 * i / max(count, 1)))
            _index, result = audience_auction(
                placement="product",
                who=who,
                visitor_key="sim",
                terminal="pc",
                seed=rng.getrandbits(48),
                now=now,
            )
            win = next((w for w in result.wins if w.candidate.ad.plan_id == plan.pk), None)
            if win is None:
                missed += spent + 100 <= plan.daily_budget_fen  # not at the hard stop (bid 100)
                continue
            if rng.random() < click_rate:
                n += 1
                got = ad_charge(group_id=group.pk, price_fen=win.price_fen, ref=f"sim:{n}", now=now)
                state_invalidate()
                if got.charged:
                    spent += win.price_fen
        if slot % throttle.SLOTS_PER_HOUR == throttle.SLOTS_PER_HOUR - 1:
            by_hour.append(spent)
    return by_hour, missed


def _planned(budget, hour):
    weights = throttle.traffic_weights()
    return budget * sum(weights[: (hour + 1) * throttle.SLOTS_PER_HOUR]) / sum(weights)


def test_a_standard_audience_plan_spends_its_day_within_ten_percent_along_the_traffic_curve(live_audience):
    # unthrottled the day would bring ~450 clicks at the reserve (~10 fen): the budget takes a third of them
    _shop, plan, group, _ = live_audience(bid=100, daily=1500, cap=50)
    by_hour, missed = _simulate_day(plan, group)
    budget = plan.daily_budget_fen
    assert missed > 1000  # throttled: most page views go without the ad
    assert 0.9 * budget <= by_hour[-1] <= budget
    for hour, spent in enumerate(by_hour):
        assert abs(spent - _planned(budget, hour)) <= 0.1 * budget, (by_hour, hour)


def test_an_accelerated_audience_plan_is_never_throttled_and_stops_hard_at_its_budget(live_audience):
    _shop, plan, group, _ = live_audience(bid=100, daily=1500, cap=50, pacing="accelerated")
    by_hour, missed = _simulate_day(plan, group)
    budget = plan.daily_budget_fen
    assert missed == 0  # every page view shows the ad until the hard stop, hours ahead of the curve
    assert budget - 100 <= by_hour[-1] <= budget
    assert by_hour[15] > _planned(budget, 15) + 0.2 * budget


def test_keyword_and_audience_serving_keep_their_own_memo_and_share_a_plans_state(live_audience):
    _shop, plan, _group, _ = live_audience(bid=100, daily=1_000)
    now = datetime.combine(timezone.localdate(), datetime.min.time(), timezone.get_current_timezone())
    keyword_side, audience_side = {plan.pk: (1_000, 100)}, {plan.pk: (1_000, 100), plan.pk + 1: (500, 50)}
    # earlier indexes' memos, one short of full (the memo used to be cleared whole when full)
    for n in range(throttle.MEMO_SIZE - 1):
        throttle.pacing_rates({plan.pk: (1_000, 100 + n)}, now)
    first = throttle.pacing_rates(keyword_side, now)
    second = throttle.pacing_rates(audience_side, now)
    assert throttle.pacing_rates(keyword_side, now) is first  # memoised per dict, not thrown out by the other
    assert second[plan.pk] == first[plan.pk]  # one state per plan and day in the shared cache
