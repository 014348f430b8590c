"""Throttling spends a simulated day's budget along the traffic curve; the hard stop holds."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wanshang.ads.engine.pacing import (
    PacingSettings,
    PacingState,
    after_slot,
    enters,
    hard_stopped,
    initial_rate_for,
    planned_spend_fen,
)

SLOTS = 96
CLICK_RATE = 0.3  # an entered auction brings a click (won, then clicked) this often
MAX_BID = 150


def symmetric_curve() -> list[float]:
    """A day's traffic per 15 minutes, symmetric around noon (quiet at night, peak at 12:00)."""
    return [1.2 + math.cos(2 * math.pi * (k + 0.5 - SLOTS / 2) / SLOTS) for k in range(SLOTS)]


def simulate_day(seed: int, opportunities: int, budget: int, *, accelerated: bool = False):
    """(spent per slot, cumulative), for a plan that would spend opportunities × 0.3 × ¥1 unthrottled."""
    rng = random.Random(seed)
    weights = symmetric_curve()
    total = sum(weights)
    forecast = int(opportunities * CLICK_RATE * 100 * random.Random(seed + 1).uniform(0.7, 1.3))  # ±30 % off
    state = PacingState(rate=initial_rate_for(budget, forecast), accelerated=accelerated)
    spent, cumulative = 0, []
    for k in range(SLOTS):
        for _ in range(int(opportunities * weights[k] / total)):
            if enters(state, rng.random(), remaining_fen=budget - spent, max_next_charge_fen=MAX_BID):
                if rng.random() < CLICK_RATE:
                    spent += rng.randint(50, MAX_BID)  # second price: anywhere up to the bid
        cumulative.append(spent)
        state = after_slot(state, spent_fen=spent, budget_fen=budget, weights=weights)
    return weights, cumulative


# budgets from 7 % to 93 % of what the plan would spend unthrottled (≥ 2,000 clicks a day)
CASES = [(100_000, 200_000), (100_000, 1_000_000), (50_000, 1_400_000)]


@pytest.mark.parametrize(("opportunities", "budget"), CASES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_standard_delivery_spends_the_budget_evenly(seed, opportunities, budget):
    weights, cumulative = simulate_day(seed, opportunities, budget)
    spent = cumulative[-1]
    # the day's spend within −10 % of the budget, never over it (the hard stop)
    assert 0.9 * budget <= spent <= budget
    # evenly: the traffic is symmetric around noon, so half the spend before 12:00 (±5 points) …
    assert 0.45 <= cumulative[SLOTS // 2 - 1] / spent <= 0.55
    # … and at the end of every hour within 10 % of the budget from the traffic-weighted plan B·Σw_k
    for hour in range(1, 25):
        plan = planned_spend_fen(budget, weights, hour * 4)
        assert abs(cumulative[hour * 4 - 1] - plan) <= 0.1 * budget


def test_accelerated_delivery_spends_early_then_stops_at_the_budget():
    _weights, cumulative = simulate_day(1, 100_000, 200_000, accelerated=True)
    assert cumulative[-1] <= 200_000
    assert cumulative[-1] > 200_000 - MAX_BID
    assert cumulative[SLOTS // 2 - 1] == cumulative[-1]  # all of it before noon


def test_hard_stop_when_the_next_click_could_pass_the_budget():
    state = PacingState(rate=1.0)
    assert hard_stopped(remaining_fen=149, max_next_charge_fen=150)
    assert not enters(state, 0.0, remaining_fen=149, max_next_charge_fen=150)
    assert enters(state, 0.0, remaining_fen=150, max_next_charge_fen=150)
    assert not enters(PacingState(rate=1.0, accelerated=True), 0.0, remaining_fen=0, max_next_charge_fen=1)


def test_rate_moves_by_the_step_toward_the_plan():
    weights = [1.0] * 4  # plan after slot 1: 25 of 100
    cfg = PacingSettings(step=0.1, min_rate=0.01)
    ahead = after_slot(PacingState(rate=0.5), spent_fen=40, budget_fen=100, weights=weights, settings=cfg)
    behind = after_slot(PacingState(rate=0.5), spent_fen=10, budget_fen=100, weights=weights, settings=cfg)
    on_plan = after_slot(PacingState(rate=0.5), spent_fen=25, budget_fen=100, weights=weights, settings=cfg)
    assert (ahead.rate, behind.rate, on_plan.rate) == (pytest.approx(0.45), pytest.approx(0.55), 0.5)
    assert ahead.slots_done == 1
    assert after_slot(PacingState(rate=1.0), spent_fen=0, budget_fen=100, weights=weights).rate == 1.0
    floor = after_slot(PacingState(rate=0.01), spent_fen=99, budget_fen=100, weights=weights, settings=cfg)
    assert floor.rate == 0.01


def test_initial_rate_from_the_forecast():
    assert initial_rate_for(100, 400) == 0.25
    assert initial_rate_for(500, 400) == 1.0
    assert initial_rate_for(100, None) == PacingSettings().initial_rate


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 50_000),
    st.integers(1, 500),
    st.lists(st.tuples(st.floats(0, 0.999), st.integers(1, 500)), max_size=300),
    st.booleans(),
)
def test_entering_only_when_a_bid_is_left_never_passes_the_budget(budget, max_bid, clicks, accelerated):
    state = PacingState(rate=0.7, accelerated=accelerated)
    spent = 0
    for draw, charge in clicks:
        if enters(state, draw, remaining_fen=budget - spent, max_next_charge_fen=max_bid):
            spent += min(charge, max_bid)  # GSP: a click costs at most the bid
    assert spent <= budget
