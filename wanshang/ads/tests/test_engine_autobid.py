"""Target-ROAS bidding converges toward the target on simulated traffic; the diagnosis names the limit."""

import math
import random

import pytest

from wanshang.ads.engine.autobid import (
    AutoBidState,
    DeliveryStats,
    after_hour,
    limits,
    target_roas_bid,
)
from wanshang.ads.engine.pacing import planned_spend_fen

ORDER_VALUE = 20_000  # ¥200 expected order value
HOURLY = [0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.0, 1.1, 1.2, 1.2, 1.1, 1.0, 1.0, 1.0, 1.1, 1.2, 1.4,
          1.6, 1.7, 1.3, 0.7]  # fmt: skip


def simulate(*, target: float, days: int, budget: int | None = None, seed: int = 1, per_day: int = 6000):
    """Click auctions against a competitor's rank (log-normal, median ¥3, σ 0.6); our QS 1.0, pCVR exact.

    Returns per-day (spend, gmv, entered, won) and the final state."""
    rng = random.Random(seed)
    state = AutoBidState()
    total_w = sum(HOURLY)
    out = []
    for _day in range(days):
        spend = gmv = entered = won = 0
        for hour, w in enumerate(HOURLY):
            h_spend = h_gmv = 0
            for _ in range(int(per_day * w / total_w)):
                pcvr = rng.uniform(0.01, 0.08)
                bid = target_roas_bid(
                    lam=state.lam, pcvr=pcvr, order_value_fen=ORDER_VALUE, target_roas=target
                )
                competitor = 300 * math.exp(rng.gauss(0, 0.6))
                if bid < 1 or (budget is not None and budget - spend - h_spend < bid):
                    continue  # no bid, or the hard stop: the next click could pass the budget
                entered += 1
                if bid < competitor:
                    continue
                won += 1
                h_spend += min(bid, math.ceil(competitor) + 1)  # second price, never above the bid
                if rng.random() < pcvr:
                    h_gmv += int(ORDER_VALUE * rng.uniform(0.5, 1.5))
            spend, gmv = spend + h_spend, gmv + h_gmv
            planned = planned_spend_fen(budget, HOURLY, hour + 1) if budget is not None else None
            state = after_hour(
                state, spend_fen=h_spend, gmv_fen=h_gmv, target_roas=target,
                spent_today_fen=spend if budget is not None else None, planned_today_fen=planned,
            )  # fmt: skip
        out.append((spend, gmv, entered, won))
    return out, state


def roas(days) -> float:
    return sum(d[1] for d in days) / sum(d[0] for d in days)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("target", [3.0, 5.0])
def test_converges_toward_the_target_roas(target, seed):
    days, state = simulate(target=target, days=8, seed=seed)
    # from the fourth day on, the achieved 投产比 is within ±10 % of the target …
    assert abs(roas(days[3:]) / target - 1) <= 0.10
    # … with λ above 1: second price charges below the bid, so bidding the click's value at the target
    # (λ = 1) would return more than the target and buy less traffic than the merchant asked for
    assert state.lambda_goal > 1.0


def test_budget_caps_spend_and_delivery_is_diagnosed_as_budget_limited():
    unlimited, _ = simulate(target=3.0, days=4)
    budget = unlimited[-1][0] // 3
    days, state = simulate(target=3.0, days=4, budget=budget)
    assert all(d[0] <= budget for d in days)
    assert days[-1][0] >= 0.9 * budget
    assert roas(days[1:]) >= 3.0 * 0.95  # the budget binds first: bids are lower, return higher
    spend, gmv, entered, won = days[-1]
    stats = DeliveryStats(
        budget_fen=budget, spent_fen=spend, gmv_fen=gmv, target_roas=3.0, auctions_entered=entered,
        auctions_won=won, mean_quality_display=6, budget_limited_hours=state.budget_limited_hours,
        hours=state.hours, lambda_goal=state.lambda_goal,
    )  # fmt: skip
    assert [limit.code for limit in limits(stats)] == ["budget"]
    assert "预算" in limits(stats)[0].text


def test_a_target_too_high_is_diagnosed():
    days, state = simulate(target=60.0, days=3)
    spend, gmv, entered, won = days[-1]
    stats = DeliveryStats(
        budget_fen=10_000_000, spent_fen=spend, gmv_fen=gmv, target_roas=60.0, auctions_entered=entered,
        auctions_won=won, mean_quality_display=3.5, lambda_goal=state.lambda_goal,
    )  # fmt: skip
    assert [limit.code for limit in limits(stats)] == ["target", "quality"]


def test_nothing_limited_gives_no_reason():
    stats = DeliveryStats(
        budget_fen=100_000, spent_fen=40_000, gmv_fen=160_000, target_roas=4.0, auctions_entered=1000,
        auctions_won=400, mean_quality_display=7,
    )  # fmt: skip
    assert limits(stats) == []


def test_bid_formula():
    # λ 1.2 × pCVR 3 % × ¥200 ÷ 4 = 180 fen
    assert target_roas_bid(lam=1.2, pcvr=0.03, order_value_fen=20_000, target_roas=4.0) == 180
    assert target_roas_bid(lam=1.0, pcvr=0.5, order_value_fen=10**9, target_roas=1.0) == 99_900  # the cap
    with pytest.raises(ValueError):
        target_roas_bid(lam=1.0, pcvr=0.03, order_value_fen=20_000, target_roas=0)


def test_lambda_moves_with_the_achieved_roas():
    up = after_hour(AutoBidState(), spend_fen=100_000, gmv_fen=800_000, target_roas=4.0)
    down = after_hour(AutoBidState(), spend_fen=100_000, gmv_fen=200_000, target_roas=4.0)
    on_target = after_hour(AutoBidState(), spend_fen=100_000, gmv_fen=400_000, target_roas=4.0)
    idle = after_hour(AutoBidState(), spend_fen=0, gmv_fen=0, target_roas=4.0)
    assert up.lambda_goal > 1.0 > down.lambda_goal
    assert on_target.lambda_goal == pytest.approx(1.0)
    assert idle.lambda_goal == pytest.approx(1.05)  # no spend at all: bid a little higher to learn
    # one hour moves λ by at most √2 (achieved ÷ target clipped to [0.5, 2], gain 0.5)
    crash = after_hour(AutoBidState(), spend_fen=100_000, gmv_fen=0, target_roas=4.0)
    assert crash.lambda_goal >= 0.5**0.5 - 1e-9
