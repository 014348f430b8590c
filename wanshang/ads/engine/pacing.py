"""Budget pacing: spend a plan's daily budget along the day's traffic instead of by breakfast.

Throttling (after Agarwal et al., LinkedIn, KDD 2014): the plan enters each auction it is eligible for with
probability a. The day is cut into time slots (15 minutes: 96 a day) with traffic weights w_k (the share
of the day's searches in slot k, from yesterday's or last week's curve); after slot k the plan should have
spent B·Σ_{j≤k} w_j ÷ Σw. The controller compares: behind the plan, a ← min(1, a·(1 + r)); ahead of it,
a ← max(a_min, a·(1 − r)). The step is in proportion to a, so a plan that needs 3 % of its traffic and one
that needs 80 % both settle within a few slots (a fixed ±r overshoots the small rates).

Accelerated delivery (加速投放) keeps a = 1 until the budget runs out.

The hard stop holds whatever the mode: a plan does not enter an auction when its remaining budget is below
the largest charge the next click can bring, which is its highest bid (GSP never charges above the bid).
So a day's spend never passes the budget by the engine's decisions; the charge itself is still an atomic
conditional update in the ads services (a click on an ad shown before the stop).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

SLOTS_PER_DAY = 96


@dataclass(frozen=True, slots=True)
class PacingSettings:
    step: float = 0.1  # r
    min_rate: float = 0.001
    initial_rate: float = 0.3  # used when there is no forecast (initial_rate_for)


@dataclass(frozen=True, slots=True)
class PacingState:
    rate: float
    slots_done: int = 0
    accelerated: bool = False


def initial_rate_for(
    budget_fen: int, forecast_spend_fen: int | None, settings: PacingSettings = PacingSettings()
) -> float:
    """The day's first a: the budget's share of what the plan would spend unthrottled (yesterday's figure)."""
    if not forecast_spend_fen or forecast_spend_fen <= 0:
        return settings.initial_rate
    return min(1.0, max(settings.min_rate, budget_fen / forecast_spend_fen))


def planned_spend_fen(budget_fen: int, weights: Sequence[float], slots_done: int) -> int:
    """B·Σ_{j<slots_done} w_j ÷ Σw: what the plan should have spent by the end of slot `slots_done` − 1."""
    total = sum(weights)
    if total <= 0:
        return budget_fen * min(slots_done, len(weights)) // max(len(weights), 1)
    return int(budget_fen * sum(weights[:slots_done]) / total)


def after_slot(
    state: PacingState,
    *,
    spent_fen: int,
    budget_fen: int,
    weights: Sequence[float],
    settings: PacingSettings = PacingSettings(),
) -> PacingState:
    """The state for the next slot, given what the plan spent so far today."""
    done = state.slots_done + 1
    if state.accelerated:
        return replace(state, rate=1.0, slots_done=done)
    plan = planned_spend_fen(budget_fen, weights, done)
    if spent_fen > plan:
        rate = max(settings.min_rate, state.rate * (1 - settings.step))
    elif spent_fen < plan:
        rate = min(1.0, state.rate * (1 + settings.step))
    else:
        rate = state.rate
    return replace(state, rate=rate, slots_done=done)


def hard_stopped(remaining_fen: int, max_next_charge_fen: int) -> bool:
    """True when the next click could cost more than what is left."""
    return remaining_fen < max_next_charge_fen


def enters(state: PacingState, draw: float, *, remaining_fen: int, max_next_charge_fen: int) -> bool:
    """Does the plan enter this auction? `draw` is a uniform number in [0, 1) from the caller's generator."""
    if hard_stopped(remaining_fen, max_next_charge_fen):
        return False
    return state.accelerated or draw < state.rate
