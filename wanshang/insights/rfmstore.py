"""客户分析 storage: each shop's buyers per complete local day (paid orders, paid fen, last paid moment).

RFM over a window (90 / 180 / 365 days ending now) used to group every `paid` event of the shop in the window on
every call. A complete day's money events change only when the rollup rebuilds the day (a late event), which
changes the day's build mark (`RollupState`). So the boards job stores, for each complete day of the last
`STORE_DAYS` whose mark changed, one row per shop and buyer (`RfmBuyerDay`: orders, fen, the last paid moment),
with the day's mark (`RfmDay`). A read sums F and M over the stored days whose mark is current and takes the
newest last-paid moment (R is computed from it as of the read, to the microsecond), and counts everything else
of the window from the events: the window's partial first day, today, and any day not stored yet or rebuilt
since. Exact: the same rows the events would give, grouped per buyer over the union.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from wanshang.analytics.readmodel import Event, EventKind, build_marks
from wanshang.common.dates import day_bounds
from wanshang.insights.grouped import _day, _ts
from wanshang.insights.models import RfmBuyerDay, RfmDay
from wanshang.insights.tradestore import days_due, live_ranges

STORE_DAYS = 366  # the longest window (customers.WINDOWS) and its partial first day
DAYS_PER_TICK = 32  # a first build spreads over ticks; reads count the rest live meanwhile


def _build_day(day: date, mark: str) -> int:
    """Every shop's buyer rows of one complete day, from its `paid` events. Returns the rows written."""
    lo, hi = day_bounds(day)
    rows = (
        Event.objects.filter(
            kind=EventKind.ORDER_PAID,
            ts__gte=lo,
            ts__lt=hi,
            shop_id__isnull=False,
            user_id__isnull=False,
        )
        .order_by()
        .values("shop_id", "user_id")
        .annotate(orders=Count("id"), fen=Sum("amount_fen"), last=Max("ts"))
    )
    with transaction.atomic():
        RfmBuyerDay.objects.filter(day=day).delete()
        made = RfmBuyerDay.objects.bulk_create(
            [
                RfmBuyerDay(
                    shop_id=r["shop_id"],
                    day=day,
                    user_id=r["user_id"],
                    orders=r["orders"],
                    amount_fen=r["fen"] or 0,
                    last_paid_at=r["last"],
                )
                for r in rows.iterator()
            ],
            batch_size=5000,
        )
        RfmDay.objects.update_or_create(day=day, defaults={"mark": mark})
    return len(made)


def rfm_days_build_due(*, now) -> int:
    """Store the complete days of the last STORE_DAYS whose build mark changed (newest first, at most
    DAYS_PER_TICK a run) and drop older ones. Idempotent. Returns the days built."""
    first, due, current = days_due(RfmDay, today=timezone.localdate(now), store_days=STORE_DAYS)
    for day in due[:DAYS_PER_TICK]:
        _build_day(day, current.get(day, ""))
    RfmDay.objects.filter(day__lt=first).delete()
    RfmBuyerDay.objects.filter(day__lt=first).delete()
    return len(due[:DAYS_PER_TICK])


def stored_days(start: date, end: date) -> set[date]:
    """The days start..end whose stored rows are current (stored mark = build mark)."""
    if start > end:
        return set()
    current = build_marks(start=start, end=end)
    stored = RfmDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "mark")
    return {d for d, mark in stored if mark == current.get(d, "")}


# One row per buyer of the window: F, M and the last paid moment over the stored days and the live ranges
_STORED = (
    "SELECT user_id, orders AS f, amount_fen AS m, last_paid_at AS last FROM insights_rfmbuyerday "
    "WHERE shop_id = %s AND day >= %s AND day <= %s{skip}"
)
_LIVE = (
    "SELECT user_id, 1 AS f, amount_fen AS m, ts AS last FROM analytics_event WHERE shop_id = %s "
    "AND kind = 'paid' AND user_id IS NOT NULL AND ts > %s AND ts <= %s AND ({ranges})"
)


def window_rows_sql(shop_id: int, since: datetime, now: datetime, *, store: bool = True) -> tuple[str, list]:
    """SQL (and its parameters) of the window's paid rows of one shop (user_id, f, m, last): the stored complete
    days read from `RfmBuyerDay`, every other instant of (since, now] from the `paid` events. Grouping it per
    buyer gives exactly what grouping the window's events would. `store=False`: the events only."""
    first, today = timezone.localdate(since), timezone.localdate(now)
    days = stored_days(first + timedelta(days=1), today - timedelta(days=1)) if store else set()
    parts, params = [], []
    if days:
        lo, hi = min(days), max(days)
        skip = [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
        skip = [d for d in skip if d not in days]
        parts.append(
            _STORED.format(skip=f" AND day NOT IN ({', '.join(['%s'] * len(skip))})" if skip else "")
        )
        params += [shop_id, _day(lo), _day(hi), *(_day(d) for d in skip)]
    window = (first + timedelta(days=i) for i in range((today - first).days + 1))
    live = live_ranges([d for d in window if d not in days])  # today is never stored: never empty
    parts.append(_LIVE.format(ranges=" OR ".join(["(ts >= %s AND ts < %s)"] * len(live))))
    params += [shop_id, _ts(since), _ts(now)]
    for lo_, hi_ in live:
        params += [_ts(lo_), _ts(hi_)]
    return " UNION ALL ".join(parts), params
