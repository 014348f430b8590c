"""交易报表 storage: each complete local day's trade per hour and its paid buyers, stored once by the boards job.

A complete day's money events change only when the rollup rebuilds the day (a late event), which changes the
day's build mark (`RollupState`). So the boards job stores, for each complete day of the last `STORE_DAYS`
whose mark changed, every scope's hours (`TradeHour`: paid orders, paid fen, refunded fen) and paid buyers
(`TradeBuyerDay`: one row per scope, day and buyer), with the day's mark (`TradeDay`). The report
(trade.py) reads a day from these rows when the stored mark is the current one, and counts every other day
(today, a day not built yet, a day rebuilt since) from the events, as before. Figures are exact: the distinct
支付买家数 of a range is counted over the union of stored buyer rows and the live days' paid events.

Scopes: -1 the marketplace, 0 events without a shop, else the shop id.
"""

from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from wanshang.analytics.readmodel import Event, EventKind, build_marks
from wanshang.common.dates import day_bounds
from wanshang.insights.grouped import _day, _ts
from wanshang.insights.models import TradeBuyerDay, TradeDay, TradeHour

MKT_SCOPE = -1
NO_SHOP = 0
STORE_DAYS = 92  # the longest range the report allows (trade.MAX_DAYS)
DAYS_PER_TICK = 16  # a first build spreads over ticks; the report counts the rest live meanwhile
TRADE_KINDS = (EventKind.ORDER_PAID, EventKind.REFUND)


def scope_of(shop) -> int:
    return MKT_SCOPE if shop is None else shop.pk


def stored_days(days: list[date], *, today: date) -> set[date]:
    """The days of `days` (complete ones only) whose stored rows are current: stored mark = build mark."""
    complete = [d for d in days if d < today]
    if not complete:
        return set()
    current = build_marks(start=min(complete), end=max(complete))
    stored = dict(
        TradeDay.objects.filter(day__gte=min(complete), day__lte=max(complete)).values_list("day", "mark")
    )
    return {d for d in complete if d in stored and stored[d] == current.get(d, "")}


def _build_day(day: date, mark: str) -> tuple[int, int]:
    """Every scope's hours and buyers of one complete day, from its events. Returns (hour rows, buyer rows)."""
    tz = timezone.get_current_timezone()
    lo, hi = day_bounds(day)
    events = Event.objects.filter(kind__in=TRADE_KINDS, ts__gte=lo, ts__lt=hi).order_by()
    paid, refund = Q(kind=EventKind.ORDER_PAID), Q(kind=EventKind.REFUND)
    hours: dict[tuple[int, int], list[int]] = {}
    for row in (
        events.annotate(h=TruncHour("ts", tzinfo=tz))
        .values("shop_id", "h")
        .annotate(
            orders=Count("id", filter=paid),
            amount=Sum("amount_fen", filter=paid),
            refund=Sum("amount_fen", filter=refund),
        )
    ):
        hour = timezone.localtime(row["h"], tz).hour
        vals = [row["orders"], row["amount"] or 0, row["refund"] or 0]
        for scope in (row["shop_id"] or NO_SHOP, MKT_SCOPE):
            acc = hours.setdefault((scope, hour), [0, 0, 0])
            for i, v in enumerate(vals):
                acc[i] += v
    pairs = set(
        events.filter(paid, user_id__isnull=False).values_list("shop_id", "user_id").distinct().iterator()
    )
    buyers = {(shop_id or NO_SHOP, user_id) for shop_id, user_id in pairs}
    buyers |= {(MKT_SCOPE, user_id) for _shop, user_id in pairs}

    def shop_id(scope):
        return scope if scope > 0 else None

    with transaction.atomic():
        TradeHour.objects.filter(day=day).delete()
        TradeBuyerDay.objects.filter(day=day).delete()
        TradeHour.objects.bulk_create(
            [
                TradeHour(scope=s, shop_id=shop_id(s), day=day, hour=h, orders=o, amount_fen=a, refund_fen=r)
                for (s, h), (o, a, r) in hours.items()
            ],
            batch_size=2000,
        )
        TradeBuyerDay.objects.bulk_create(
            [TradeBuyerDay(scope=s, shop_id=shop_id(s), day=day, user_id=u) for s, u in buyers],
            batch_size=5000,
        )
        TradeDay.objects.update_or_create(day=day, defaults={"mark": mark})
    return len(hours), len(buyers)


def days_due(model, *, today: date, store_days: int) -> tuple[date, list[date], dict[date, str]]:
    """(the first day kept, the complete days of the last `store_days` whose mark stored in `model` (a day →
    mark table) is not their current build mark, newest first, and the current marks)."""
    first = today - timedelta(days=store_days)
    current = build_marks(start=first, end=today - timedelta(days=1))
    stored = dict(model.objects.filter(day__gte=first).values_list("day", "mark"))
    due = [
        d
        for d in (today - timedelta(days=i) for i in range(1, store_days + 1))
        if stored.get(d) != current.get(d, "")
    ]
    return first, due, current


def trade_days_build_due(*, now) -> int:
    """Store the complete days of the last STORE_DAYS whose build mark changed (newest first, at most
    DAYS_PER_TICK a run) and drop older ones. Idempotent. Returns the days built."""
    first, due, current = days_due(TradeDay, today=timezone.localdate(now), store_days=STORE_DAYS)
    for day in due[:DAYS_PER_TICK]:
        _build_day(day, current.get(day, ""))
    for model in (TradeDay, TradeHour, TradeBuyerDay):
        model.objects.filter(day__lt=first).delete()
    return len(due[:DAYS_PER_TICK])


# --- reads ----------------------------------------------------------------------------------------------------


def stored_hours(scope: int, days: set[date]) -> dict[tuple[date, int], dict]:
    """{(day, hour): {orders, amount, refund}} of one scope's stored days."""
    if not days:
        return {}
    return {
        (day, hour): {"orders": o, "amount": a, "refund": r}
        for day, hour, o, a, r in TradeHour.objects.filter(scope=scope, day__in=days).values_list(
            "day", "hour", "orders", "amount_fen", "refund_fen"
        )
    }


def stored_day_buyers(scope: int, days: set[date]) -> dict[date, int]:
    if not days:
        return {}
    return dict(
        TradeBuyerDay.objects.filter(scope=scope, day__in=days)
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )


def stored_per_shop(days: set[date], scope: int | None = None) -> dict[int, dict]:
    """{scope (0 = no shop): {orders, amount, refund}} summed over the stored days, every shop or one."""
    if not days:
        return {}
    rows = TradeHour.objects.filter(day__in=days)
    rows = rows.filter(scope__gte=NO_SHOP) if scope is None else rows.filter(scope=scope)
    return {
        r["scope"]: r
        for r in rows.values("scope").annotate(
            orders=Sum("orders"), amount=Sum("amount_fen"), refund=Sum("refund_fen")
        )
    }


def live_ranges(days: list[date]) -> list[tuple[datetime, datetime]]:
    """[lo, hi) instants covering `days`, consecutive days merged."""
    out: list[list] = []
    for day in sorted(days):
        lo, hi = day_bounds(day)
        if out and out[-1][1] == lo:
            out[-1][1] = hi
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def ranges_q(ranges) -> Q:
    """Events whose ts falls in one of `ranges`."""
    q = Q(pk__in=[])
    for lo, hi in ranges:
        q |= Q(ts__gte=lo, ts__lt=hi)
    return q


_STORED_BUYERS = "SELECT scope AS sk, user_id FROM insights_tradebuyerday WHERE {where} AND day IN ({days})"
_LIVE_BUYERS = (
    "SELECT {sk} AS sk, user_id FROM analytics_event WHERE kind = 'paid' AND user_id IS NOT NULL "
    "AND ts >= %s AND ts < %s{where}"
)
# COUNT(DISTINCT …) sorts each scope's rows; hashing the pairs first (SELECT DISTINCT, then COUNT(*)) was
# measured slower at 10 M (docs/benchmarks.md, Run 9j)
_DISTINCT = "SELECT sk, COUNT(DISTINCT user_id) FROM ({parts}) u GROUP BY sk"


def distinct_buyers(
    *, scope: int, stored: set[date], live: list[tuple[datetime, datetime]], per_shop: bool = False
) -> dict[int, int]:
    """Distinct paid buyers over the stored days' buyer rows and the live ranges' paid events, exactly:
    {scope: n} for `scope` or, with per_shop, for every shop (0 = events without a shop) of `scope`."""
    every_shop = per_shop and scope == MKT_SCOPE
    parts, params = [], []
    if stored:
        where = "scope >= 0" if every_shop else "scope = %s"
        parts.append(_STORED_BUYERS.format(where=where, days=", ".join(["%s"] * len(stored))))
        params += ([] if every_shop else [scope]) + [_day(d) for d in sorted(stored)]
    sk = "COALESCE(shop_id, 0)" if per_shop or scope != MKT_SCOPE else "-1"
    where = "" if scope == MKT_SCOPE else " AND shop_id = %s"
    for lo, hi in live:
        parts.append(_LIVE_BUYERS.format(sk=sk, where=where))
        params += [_ts(lo), _ts(hi)] + ([] if scope == MKT_SCOPE else [scope])
    if not parts:
        return {}
    with connection.cursor() as cur:
        cur.execute(_DISTINCT.format(parts=" UNION ALL ".join(parts)), params)
        return {int(sk): int(n) for sk, n in cur.fetchall()}
