"""The ads' hourly rollup (`AdStatHour`) and the reads over it with the live hours added.

**Building.** The `ads.rollup` job (`rollup_run`) reads the source rows added since its cursor — impressions,
clicks, conversions (by `paid_at`) and the ledger's invalid-click refunds (by their click's hour: a refund undoes
that click's charge) — and marks each local hour they fall in as pending (`AdRollupHour`). Every pending hour
that is over (plus `GRACE`, for the click statuses written just after the click row) is rebuilt whole from its
raw rows: delete + insert in one transaction, so a run repeated changes nothing, a late conversion or a refund
days later rebuilds its hour, and after downtime the cursor finds everything written meanwhile (at most
`HOURS_PER_TICK` hours a run; the rest are read live until built). Nothing here is incremental: an hour's rows
are always a function of its raw rows.

**Reading** (`stats`): hours before the cursor's `watermark` that are not pending come from the rollup; the
others — the current hour, the hours since the last run, pending hours — are aggregated from the raw rows with
the same grouping, so a report is exact up to the last run and live after it.

Hours are Asia/Shanghai (settings.TIME_ZONE), a fixed UTC+8: a local hour is a UTC hour.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import CharField, Count, Exists, Max, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Concat, TruncHour
from django.utils import timezone

from wanshang.ads.models import AdLedgerEntry, AdPlan
from wanshang.ads.rollup_models import AdRollupCursor, AdRollupHour, AdStatDay, AdStatHour
from wanshang.ads.traffic_models import AdClick, AdConversion, AdImpression

HOUR = timedelta(hours=1)
GRACE = timedelta(seconds=120)  # an hour is built this long after it ends
HOURS_PER_TICK = 24 * 7
DIMS = ("shop_id", "plan_id", "group_id", "keyword_id", "placement")
FIELDS = (
    "impressions",
    "clicks",
    "invalid_clicks",
    "unpaid_clicks",
    "spend_fen",
    "refunded_clicks",
    "refunded_fen",
    "conversions",
    "gmv_fen",
)
INVALID = (AdClick.Status.BOT, AdClick.Status.INVALID, AdClick.Status.DUPLICATE)
CLICK_REF = "adclick:"  # the charge's ledger reference of a click (traffic._charge), and so its refund's


def hour_floor(ts: datetime) -> datetime:
    """The start of the local hour `ts` falls in."""
    return timezone.localtime(ts).replace(minute=0, second=0, microsecond=0)


def advertisers() -> list[int]:
    """Every shop that has (had) an ad plan."""
    return list(AdPlan.objects.order_by().values_list("shop_id", flat=True).distinct())


def refunded_click():
    """A click whose charge was refunded: the ledger's refund entry carries the charge's reference."""
    ref = Concat(Value(CLICK_REF), Cast(OuterRef("pk"), CharField()))
    return Exists(AdLedgerEntry.objects.filter(kind=AdLedgerEntry.Kind.REFUND, reference=ref))


def _in(ranges, field: str) -> Q:
    q = Q(pk__in=[])
    for lo, hi in ranges:
        q |= Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
    return q


def aggregate(ranges: list[tuple[datetime, datetime]], *, shop_id=None, only=None) -> dict[tuple, dict]:
    """{(hour_start, shop_id, plan_id, group_id, keyword_id, placement): {field: value}} of the raw rows whose
    time falls in one of `ranges` ([lo, hi) instants on hour boundaries), one shop's or every shop's, narrowed by
    `only` (plan_id / group_id / keyword_id / placement)."""
    if not ranges:
        return {}
    tz = timezone.get_current_timezone()
    where = dict(only or {})
    # every shop's rows are read shop by shop through the (shop, time) indexes: the raw tables have no index on
    # the time alone, and every row comes from a plan of its shop (plans are never deleted)
    where["shop_id__in"] = [shop_id] if shop_id is not None else advertisers()
    out: dict[tuple, dict] = {}

    def add(rows):
        for r in rows:
            key = (timezone.localtime(r.pop("h"), tz), *(r.pop(d) for d in DIMS))
            acc = out.setdefault(key, dict.fromkeys(FIELDS, 0))
            for name, value in r.items():
                acc[name] += value or 0

    def grouped(model, ts_field):
        return (
            model.objects.filter(_in(ranges, ts_field), **where)
            .annotate(h=TruncHour(ts_field, tzinfo=tz))
            .values("h", *DIMS)
            .order_by()
        )

    add(grouped(AdImpression, "ts").annotate(impressions=Count("id")))
    charged = Q(status=AdClick.Status.CHARGED)
    add(
        grouped(AdClick, "ts").annotate(
            clicks=Count("id", filter=charged),
            spend_fen=Sum("charged_fen", filter=charged),
            invalid_clicks=Count("id", filter=Q(status__in=INVALID)),
            unpaid_clicks=Count("id", filter=Q(status=AdClick.Status.UNPAID)),
        ),
    )
    add(
        grouped(AdClick, "ts")
        .filter(charged, refunded_click())
        .annotate(refunded_clicks=Count("id"), refunded_fen=Sum("charged_fen"))
    )
    add(
        grouped(AdConversion, "paid_at").annotate(
            conversions=Count("order_id", distinct=True), gmv_fen=Sum("amount_fen")
        ),
    )
    return out


# --- building ---------------------------------------------------------------------------------------------------


def _cursor() -> AdRollupCursor:
    return AdRollupCursor.objects.get_or_create(pk=1)[0]


def _hours_of(qs, ts_field: str) -> set[datetime]:
    tz = timezone.get_current_timezone()
    return {
        timezone.localtime(h, tz)
        for h in qs.annotate(h=TruncHour(ts_field, tzinfo=tz))
        .values_list("h", flat=True)
        .distinct()
        .order_by()
    }


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _new_hours(cursor: AdRollupCursor) -> tuple[set[datetime], dict[str, int]]:
    """The hours of the source rows added since the cursor, and each source's newest id now."""
    upto = {
        "impression_id": AdImpression.objects.aggregate(m=Max("id"))["m"] or 0,
        "click_id": AdClick.objects.aggregate(m=Max("id"))["m"] or 0,
        "conversion_id": AdConversion.objects.aggregate(m=Max("id"))["m"] or 0,
        "refund_id": AdLedgerEntry.objects.filter(kind=AdLedgerEntry.Kind.REFUND).aggregate(m=Max("id"))["m"]
        or 0,
    }
    hours: set[datetime] = set()
    for model, name, ts in (
        (AdImpression, "impression_id", "ts"),
        (AdClick, "click_id", "ts"),
        (AdConversion, "conversion_id", "paid_at"),
    ):
        if upto[name] > getattr(cursor, name):
            hours |= _hours_of(model.objects.filter(id__gt=getattr(cursor, name), id__lte=upto[name]), ts)
    if upto["refund_id"] > cursor.refund_id:
        refs = AdLedgerEntry.objects.filter(
            kind=AdLedgerEntry.Kind.REFUND, id__gt=cursor.refund_id, id__lte=upto["refund_id"]
        ).values_list("reference", flat=True)
        ids = [
            int(r[len(CLICK_REF) :])
            for r in refs
            if r.startswith(CLICK_REF) and r[len(CLICK_REF) :].isdigit()
        ]
        for part in _chunks(ids):
            hours |= _hours_of(AdClick.objects.filter(pk__in=part), "ts")
    return hours, upto


def hours_mark(hours: Iterable[datetime]) -> int:
    """Mark hours pending (their facts changed): they are read live until rebuilt."""
    rows = [AdRollupHour(hour_start=h, pending=True) for h in hours]
    AdRollupHour.objects.bulk_create(
        rows, batch_size=1000, update_conflicts=True, unique_fields=["hour_start"], update_fields=["pending"]
    )
    return len(rows)


def hour_build(hour_start: datetime, *, now=None) -> int:
    """Rebuild one local hour of every shop from its raw rows (delete + insert). Returns the rows written."""
    hour_start = hour_floor(hour_start)
    rows = aggregate([(hour_start, hour_start + HOUR)])
    objs = [
        AdStatHour(
            hour_start=hour_start,
            day=hour_start.date(),
            hour=hour_start.hour,
            **dict(zip(DIMS, key[1:], strict=True)),
            **values,
        )
        for key, values in rows.items()
    ]
    with transaction.atomic():
        AdStatHour.objects.filter(hour_start=hour_start).delete()
        AdStatHour.objects.bulk_create(objs, batch_size=2000)
        AdRollupHour.objects.update_or_create(
            hour_start=hour_start,
            defaults={"pending": False, "built_at": now or timezone.now(), "rows": len(objs)},
        )
    return len(objs)


def day_build(day) -> int:
    """Rewrite one local day's `AdStatDay` rows as the sum of its built hours. Returns the rows written."""
    rows = (
        AdStatHour.objects.filter(day=day)
        .values(*DIMS)
        .annotate(**{f"s_{f}": Sum(f) for f in FIELDS})
        .order_by()
    )
    objs = [
        AdStatDay(day=day, **{d: r[d] for d in DIMS}, **{f: r[f"s_{f}"] or 0 for f in FIELDS}) for r in rows
    ]
    with transaction.atomic():
        AdStatDay.objects.filter(day=day).delete()
        AdStatDay.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def rollup_run(*, now=None) -> int:
    """The `ads.rollup` job: mark the hours with new source rows, rebuild the pending hours that are over (oldest
    first, at most HOURS_PER_TICK), move the cursor and the watermark. Idempotent. Returns the hours built."""
    now = now or timezone.now()
    cursor = _cursor()
    hours, upto = _new_hours(cursor)
    hours_mark(hours)
    closed = hour_floor(now - GRACE)  # hours before this one are over (and past the grace)
    due = list(
        AdRollupHour.objects.filter(pending=True, hour_start__lt=closed)
        .order_by("hour_start")
        .values_list("hour_start", flat=True)[:HOURS_PER_TICK]
    )
    for hour_start in due:  # each hour in its own transaction: a long catch-up never holds locks for long
        hour_build(hour_start, now=now)
    for day in sorted({timezone.localtime(h).date() for h in due}):
        day_build(day)
    AdRollupCursor.objects.filter(pk=1).update(**upto, watermark=closed, updated_at=now)
    return len(due)


def rollup_rebuild(*, start: datetime, end: datetime, now=None) -> int:
    """Rebuild every hour in [start, end) that is over, whatever its marks say (an operator's repair).
    Returns the hours built."""
    closed = hour_floor((now or timezone.now()) - GRACE)
    hour, built, days = hour_floor(start), 0, set()
    while hour < min(end, closed):
        hour_build(hour, now=now)
        days.add(hour.date())
        hour, built = hour + HOUR, built + 1
    for day in sorted(days):
        day_build(day)
    return built


# --- reading ----------------------------------------------------------------------------------------------------


def _merged(hours: list[datetime]) -> list[list[datetime]]:
    out: list[list[datetime]] = []
    for h in sorted(hours):
        if out and out[-1][1] == h:
            out[-1][1] = h + HOUR
        else:
            out.append([h, h + HOUR])
    return out


def split(lo: datetime, hi: datetime) -> tuple[tuple[datetime, datetime] | None, list, list]:
    """How [lo, hi) is read: (the stored range or None, the pending hours inside it that are read live, the live
    ranges)."""
    watermark = AdRollupCursor.objects.filter(pk=1).values_list("watermark", flat=True).first()
    cut = min(max(watermark, lo), hi) if watermark else lo
    if cut <= lo:
        return None, [], [(lo, hi)] if lo < hi else []
    pending = list(
        AdRollupHour.objects.filter(pending=True, hour_start__gte=lo, hour_start__lt=cut).values_list(
            "hour_start", flat=True
        )
    )
    live = [(a, b) for a, b in _merged(pending)]
    if cut < hi:
        if live and live[-1][1] == cut:
            live[-1] = (live[-1][0], hi)
        else:
            live.append((cut, hi))
    return (lo, cut), pending, live


def _whole_days(lo: datetime, hi: datetime) -> tuple[datetime, datetime] | None:
    """[first midnight, last midnight) of the local days lying wholly inside [lo, hi), or None."""
    first = hour_floor(lo).replace(hour=0)
    if first < lo:
        first += timedelta(days=1)
    last = hour_floor(hi).replace(hour=0)
    return (first, last) if first < last else None


def _stored_rows(stored, pending, keys, where) -> Iterable[dict]:
    """The stored part grouped by `keys`: whole days from AdStatDay when no key needs the hour, the rest (the
    edge days, days with a pending hour) from AdStatHour; pending hours are left out (they are read live)."""
    sums = {f: Sum(f) for f in FIELDS}
    hour_ranges = [stored]
    days = None if {"hour", "hour_start"} & set(keys) else _whole_days(*stored)
    if days:
        first, last = days
        pending_days = sorted({timezone.localtime(h).replace(hour=0) for h in pending})
        daily = AdStatDay.objects.filter(day__gte=first.date(), day__lt=last.date(), **where)
        if pending_days:
            daily = daily.exclude(day__in=[d.date() for d in pending_days])
        yield from daily.values(*keys).annotate(**sums).order_by()
        # the hours outside the whole days, and the whole days that have a pending hour
        hour_ranges = [
            (stored[0], first),
            (last, stored[1]),
            *((d, d + timedelta(days=1)) for d in pending_days),
        ]
        hour_ranges = [(a, b) for a, b in hour_ranges if a < b]
        if not hour_ranges:
            return
    hours = AdStatHour.objects.filter(_in(hour_ranges, "hour_start"), **where)
    if pending:
        hours = hours.exclude(hour_start__in=pending)
    yield from hours.values(*keys).annotate(**sums).order_by()


def stats(*, lo: datetime, hi: datetime, keys: tuple[str, ...], shop_id=None, only=None) -> dict[tuple, dict]:
    """{key tuple: {field: value}} over [lo, hi) grouped by `keys` (any of day, hour, hour_start and the DIMS),
    from the rollup where it is built (whole days from AdStatDay) and from the raw rows elsewhere; one shop's or
    every shop's."""
    stored, pending, live = split(lo, hi)
    out: dict[tuple, dict] = {}

    def acc(key) -> dict:
        return out.setdefault(key, dict.fromkeys(FIELDS, 0))

    if stored:
        where = dict(only or {})
        if shop_id is not None:
            where["shop_id"] = shop_id
        for r in _stored_rows(stored, pending, keys, where):
            got = acc(tuple(r[k] for k in keys))
            for f in FIELDS:
                got[f] += r[f] or 0
    for key, values in aggregate(live, shop_id=shop_id, only=only).items():
        hour_start = key[0]
        parts = {"hour_start": hour_start, "day": hour_start.date(), "hour": hour_start.hour}
        parts.update(zip(DIMS, key[1:], strict=True))
        got = acc(tuple(parts[k] for k in keys))
        for f in FIELDS:
            got[f] += values[f]
    return out
