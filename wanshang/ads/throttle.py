"""Standard delivery (标准投放) in serving: throttle a plan through the day along the traffic curve.

The engine's controller (`engine/pacing.py`) decides, per 15-minute slot, the probability a with which a plan
enters an auction; after each slot it compares the day's spend with the budget's traffic-weighted share so far.
Here:

- the **traffic curve** is the share of ad page views per hour of the last 7 days (Asia/Shanghai), each hour
  spread over its four slots, or `DEFAULT_CURVE` while there were fewer than `MIN_CURVE_VIEWS`; computed once a
  day and kept in the shared cache;
- each plan's **state** (a, slots done, Σa, the spend at the last step) lives in the shared cache under the day, so every serving process
  throttles a plan alike; a process advances it at the first auction of a new slot, from the plan's spend so
  far (`AdPlanDay`). Two processes advancing one slot at once compute the same step from the same figures;
- the day's **first a** is `pacing.initial_rate_for(budget, forecast)`, the forecast being yesterday's spend ÷
  yesterday's mean a (what the plan would have spent unthrottled), else 1 (`FIRST_DAY`);
- the **draw** per auction and plan is a hash of the page view's seed and the plan: uniform, reproducible, and
  independent between plans.

Accelerated plans (加速投放) are never throttled. The hard stop stays in the stop list (`serving._stopped`).
"""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import ExtractHour
from django.utils import timezone

from wanshang.ads.engine import pacing
from wanshang.ads.models import AdPlanDay
from wanshang.ads.traffic_models import AdImpression

SLOT_MINUTES = 15
SLOTS_PER_HOUR = 60 // SLOT_MINUTES
CURVE_DAYS = 7
MIN_CURVE_VIEWS = 2_000
STATE_TTL = 3 * 86_400
# a marketplace day: quiet at night, a morning rise, a lunch and an evening peak (share of searches per hour)
DEFAULT_CURVE = (
    1.6, 0.9, 0.5, 0.3, 0.25, 0.3, 0.8, 1.8, 3.2, 4.6, 5.4, 5.6,
    5.0, 4.8, 5.0, 5.2, 5.0, 4.8, 4.6, 5.2, 6.4, 7.2, 6.6, 4.0,
)  # fmt: skip

# with no forecast a plan enters every auction until it gets ahead of its plan (the engine's 0.3 would leave a
# new plan's first searches without its ad for no reason)
FIRST_DAY = pacing.PacingSettings(initial_rate=1.0)
# per `budgets` dict (the keyword index's and the audience index's): its id → ((day, slot), rates, budgets)
_memo: dict = {}
MEMO_SIZE = 8


def slot_of(now) -> int:
    local = timezone.localtime(now)
    return local.hour * SLOTS_PER_HOUR + local.minute // SLOT_MINUTES


def _hourly_views(now) -> list[int]:
    since = now - timedelta(days=CURVE_DAYS)
    rows = (
        AdImpression.objects.filter(ts__gte=since, ts__lt=now)
        .annotate(h=ExtractHour("ts", tzinfo=timezone.get_current_timezone()))
        .values("h")
        .annotate(n=Count("page_view", distinct=True))
    )
    hours = [0] * 24
    for row in rows:
        hours[row["h"]] += row["n"]
    return hours


def traffic_weights(now=None) -> tuple[float, ...]:
    """96 slot weights of today's traffic curve (the shared cache keeps one per day)."""
    now = now or timezone.now()
    key = f"ads:pacing:curve:{timezone.localdate(now).isoformat()}"
    hours = cache.get(key)
    if hours is None:
        views = _hourly_views(now)
        hours = views if sum(views) >= MIN_CURVE_VIEWS and min(views) > 0 else list(DEFAULT_CURVE)
        cache.set(key, hours, 86_400)
    return tuple(h / SLOTS_PER_HOUR for h in hours for _ in range(SLOTS_PER_HOUR))


def _state_key(day, plan_id: int) -> str:
    return f"ads:pacing:{day.isoformat()}:{plan_id}"


def _first_states(budgets: dict, new: list[int], day, slot: int) -> dict[int, list]:
    """The day's first state of each plan in `new`: a from yesterday's spend at yesterday's mean a (one query
    and one cache read for all of them)."""
    yesterday = day - timedelta(days=1)
    spent = dict(
        AdPlanDay.objects.filter(plan_id__in=new, date=yesterday).values_list("plan_id", "spend_fen")
    )
    before = cache.get_many([_state_key(yesterday, pk) for pk in new])
    out = {}
    for pk in new:
        old, forecast = before.get(_state_key(yesterday, pk)), None
        if old and old[1] > 0 and old[2] > 0:
            forecast = int(spent.get(pk, 0) / (old[2] / old[1]))
        # [a, slots done, Σa over the slots done, the day's spend when a last moved]
        out[pk] = [pacing.initial_rate_for(budgets[pk][0], forecast, FIRST_DAY), slot, 0.0, 0]
    return out


def _advance(state: list, *, slot: int, spent: int, budget: int, slack: int, weights) -> list:
    rate, done, total, last = state
    s = pacing.PacingState(rate=rate, slots_done=done)
    while s.slots_done < slot:
        total += s.rate
        seen = _seen(spent, last, budget, slack, weights, s)
        s = pacing.after_slot(s, spent_fen=seen, budget_fen=budget, weights=weights)
        last = spent
    return [s.rate, s.slots_done, total, last]


def _seen(spent: int, last: int, budget: int, slack: int, weights, state) -> int:
    """The spend the controller compares with the plan. Two guards against a rate that winds down for hours:
    ahead by less than one click (`slack`: today's average click price, or the plan's highest bid before its
    first click) counts as on plan, since clicks come whole and at night one click is several slots' budget;
    and ahead with nothing spent since a last moved holds a (lowering it further cannot slow a plan that
    spends nothing; without this a night's few clicks left the morning's rate far too low)."""
    planned = pacing.planned_spend_fen(budget, weights, state.slots_done + 1)
    if spent > planned and (spent <= planned + slack or spent == last):
        return planned
    return spent


def pacing_rates(budgets: dict[int, tuple[int, int]], now=None) -> dict[int, float]:
    """plan id → its entry probability a in this slot, for the standard-paced plans `budgets` (id → (daily
    budget, highest bid) in fen). Advances each plan's shared state to the current slot; memoised per process
    for the slot and `budgets` dict (a held index's, one per build: keyword and audience serving each have one,
    and a plan in both shares its state in the cache)."""
    now = now or timezone.now()
    day, slot = timezone.localdate(now), slot_of(now)
    memo = _memo.get(id(budgets))
    if memo is not None and memo[2] is budgets and memo[0] == (day, slot):
        return memo[1]
    keys = {pk: _state_key(day, pk) for pk in budgets}
    held = cache.get_many(list(keys.values()))
    spend, click = {}, {}
    for pk, spent, clicks in AdPlanDay.objects.filter(plan_id__in=list(budgets), date=day).values_list(
        "plan_id", "spend_fen", "clicks"
    ):
        spend[pk], click[pk] = spent, (spent // clicks if clicks else 0)
    new = [pk for pk in budgets if keys[pk] not in held]
    first = _first_states(budgets, new, day, slot) if new else {}
    changed = {keys[pk]: state for pk, state in first.items()}
    weights = traffic_weights(now)
    rates = {}
    for pk, (budget, highest) in budgets.items():
        state = held.get(keys[pk]) or first[pk]
        if state[1] < slot:
            slack = click.get(pk) or highest  # one click: today's average price, else the highest bid
            state = _advance(
                state, slot=slot, spent=spend.get(pk, 0), budget=budget, slack=slack, weights=weights
            )
            changed[keys[pk]] = state
        rates[pk] = state[0]
    if changed:
        cache.set_many(changed, STATE_TTL)
    # keep `budgets` alive with its memo (and compare it by identity) so a later dict reusing its id is not fooled
    _memo.pop(id(budgets), None)
    # full: the oldest out (an index long replaced), not the other side's current memo with it
    while len(_memo) >= MEMO_SIZE:
        _memo.pop(next(iter(_memo)))
    _memo[id(budgets)] = ((day, slot), rates, budgets)
    return rates


def draw(seed: int, plan_id: int) -> float:
    """A uniform number in [0, 1) for this auction (seed) and plan: splitmix64 of the two."""
    x = (seed * 0x9E3779B97F4A7C15 + plan_id * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & (2**64 - 1)
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & (2**64 - 1)
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & (2**64 - 1)
    x ^= x >> 31
    return (x >> 11) / float(1 << 53)


class Excluded:
    """The plans left out of one auction, as a container for `KeywordIndex.auction(exclude_plans=…)`: a fixed set
    (stopped, not on this terminal) and the standard-paced plans whose draw for this auction (`seed`) is at or
    above their rate — drawn only for the plans the auction's merge meets, not for every plan served."""

    __slots__ = ("fixed", "rates", "seed")

    def __init__(self, fixed, rates: dict[int, float], seed: int):
        self.fixed, self.rates, self.seed = fixed, rates, seed

    def __bool__(self) -> bool:
        return bool(self.fixed) or bool(self.rates)

    def __contains__(self, plan_id) -> bool:
        if plan_id in self.fixed:
            return True
        rate = self.rates.get(plan_id)
        return rate is not None and draw(self.seed, plan_id) >= rate


def reset() -> None:
    """Forget this process's memo (tests, after a cache clear)."""
    _memo.clear()
