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

**CPM spend.** A CPM block (`CpmCharge`, charged) is spend of the hour of its last impression — the instant
`ad_charge` charged it for, so it counts on the plan day whose budget it used — split over its impressions'
(keyword, placement, crowd) in proportion to their per-mille prices (largest remainder, so the parts sum to the
charge). New blocks are found by the cursor's `cpm_id` and mark their hour pending like any late fact.

**Side tables** written with each hour: `AdStatGroupHour` (the hour summed over keywords and crowds: what the
hour-of-day report reads) and `AdTermHour` (each keyword's real queries, exact, kept `TERM_HOURS_KEPT_DAYS`);
with each day one of whose hours was built, `AdTermDay` (the top `TERMS_PER_KEYWORD` queries per keyword of its
built hours — today's so far — and a `rest` row).
Reads of the search terms: `rollup_terms.py`.

Hours are Asia/Shanghai (settings.TIME_ZONE), a fixed UTC+8: a local hour is a UTC hour.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import CharField, Count, Exists, Max, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Concat, TruncHour
from django.utils import timezone

from wanshang.ads.audience_models import CpmCharge
from wanshang.ads.models import AdLedgerEntry, AdPlan
from wanshang.ads.rollup_models import (
    AdRollupCursor,
    AdRollupHour,
    AdStatDay,
    AdStatGroupHour,
    AdStatHour,
    AdTermDay,
    AdTermHour,
)
from wanshang.ads.traffic_models import AdClick, AdConversion, AdImpression, Placement
from wanshang.common.dates import day_bounds

HOUR = timedelta(hours=1)
GRACE = timedelta(seconds=120)  # an hour is built this long after it ends
HOURS_PER_TICK = 24 * 7
DIMS = ("shop_id", "plan_id", "group_id", "keyword_id", "placement", "crowd_id")
GROUP_DIMS = ("shop_id", "plan_id", "group_id", "placement")  # AdStatGroupHour: no keyword, no crowd
TERM_DIMS = ("shop_id", "plan_id", "group_id", "keyword_id", "query")
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
TERM_FIELDS = (
    "impressions",
    "clicks",
    "spend_fen",
    "refunded_clicks",
    "refunded_fen",
    "conversions",
    "gmv_fen",
)
# A keyword's queries of a day beyond its top 50 by impressions, and those shown once and never clicked, are
# summed into one `rest` row (a query with an order is always kept): a long tail of one-off queries would
# otherwise store about a row per search every day — for a keyword with little traffic the top 50 alone never
# cuts — and the report shows the top of the list anyway. Today's exact queries stay in AdTermHour for 7 days.
TERMS_PER_KEYWORD = 50
TERM_MIN_IMPRESSIONS = 2  # a query kept needs this many impressions of the day, or a click
TERM_HOURS_KEPT_DAYS = 7
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


def _dims(model, terms: bool) -> list[str]:
    """The grouping columns of a source table: a conversion's crowd is its click's."""
    dims = [("click__crowd_id" if d == "crowd_id" and model is AdConversion else d) for d in DIMS]
    return [*dims, "query"] if terms else dims


def _where(model, only: dict) -> dict:
    if model is not AdConversion:
        return only
    return {(f"click__{k}" if k.startswith("crowd_id") else k): v for k, v in only.items()}


def aggregate(
    ranges: list[tuple[datetime, datetime]], *, shop_id=None, only=None, terms: bool = False
) -> dict[tuple, dict]:
    """{(hour_start, shop_id, plan_id, group_id, keyword_id, placement, crowd_id[, query]): {field: value}} of the
    raw rows (and CPM blocks) whose time falls in one of `ranges` ([lo, hi) instants on hour boundaries), one
    shop's or every shop's, narrowed by `only` (plan_id / group_id / keyword_id / placement / crowd_id, `__in`
    allowed); with `terms` the search query too (a CPM block's is "")."""
    if not ranges:
        return {}
    tz = timezone.get_current_timezone()
    where = dict(only or {})
    # every shop's rows are read shop by shop through the (shop, time) indexes: the raw tables have no index on
    # the time alone, and every row comes from a plan of its shop (plans are never deleted)
    where["shop_id__in"] = [shop_id] if shop_id is not None else advertisers()
    out: dict[tuple, dict] = {}

    def add(rows, dims):
        for r in rows:
            parts = [r.pop(d) for d in dims]
            parts[5] = parts[5] or 0  # no crowd
            key = (timezone.localtime(r.pop("h"), tz), *parts)
            acc = out.setdefault(key, dict.fromkeys(FIELDS, 0))
            for name, value in r.items():
                acc[name] += value or 0

    def grouped(model, ts_field):
        return (
            model.objects.filter(_in(ranges, ts_field), **_where(model, where))
            .annotate(h=TruncHour(ts_field, tzinfo=tz))
            .values("h", *_dims(model, terms))
            .order_by()
        )

    add(grouped(AdImpression, "ts").annotate(impressions=Count("id")), _dims(AdImpression, terms))
    charged = Q(status=AdClick.Status.CHARGED)
    add(
        grouped(AdClick, "ts").annotate(
            clicks=Count("id", filter=charged),
            spend_fen=Sum("charged_fen", filter=charged),
            invalid_clicks=Count("id", filter=Q(status__in=INVALID)),
            unpaid_clicks=Count("id", filter=Q(status=AdClick.Status.UNPAID)),
        ),
        _dims(AdClick, terms),
    )
    add(
        grouped(AdClick, "ts")
        .filter(charged, refunded_click())
        .annotate(refunded_clicks=Count("id"), refunded_fen=Sum("charged_fen")),
        _dims(AdClick, terms),
    )
    add(
        grouped(AdConversion, "paid_at").annotate(
            conversions=Count("order_id", distinct=True), gmv_fen=Sum("amount_fen")
        ),
        _dims(AdConversion, terms),
    )
    for key, fen in cpm_spend(ranges, shop_ids=where.pop("shop_id__in"), only=where).items():
        key = (*key, "") if terms else key
        out.setdefault(key, dict.fromkeys(FIELDS, 0))["spend_fen"] += fen
    return out


# --- CPM blocks -------------------------------------------------------------------------------------------------


def split_fen(amount: int, weights: dict) -> dict:
    """`amount` split over `weights`' keys in proportion (largest remainder, ties by key): the parts sum to it."""
    total = sum(weights.values())
    if amount <= 0 or not weights:
        return {}
    if total <= 0:
        weights, total = dict.fromkeys(weights, 1), len(weights)
    parts = {k: amount * w // total for k, w in weights.items()}
    left = amount - sum(parts.values())
    order = sorted(weights, key=lambda k: (-(amount * weights[k] % total), str(k)))
    for k in order[:left]:
        parts[k] += 1
    return parts


def _matches(parts: dict, only: dict) -> bool:
    for name, want in only.items():
        field, _sep, op = name.partition("__")
        got = parts.get(field)
        if field not in parts:
            continue  # plan / group filters were applied in the query
        if (op == "in" and got not in want) or (op != "in" and got != want):
            return False
    return True


def cpm_spend(ranges, *, shop_ids, only=None) -> dict[tuple, int]:
    """{(hour_start, shop, plan, group, keyword, placement, crowd): fen} of the charged CPM blocks whose last
    impression falls in one of `ranges`, each split over its impressions (see the module's docstring)."""
    only = only or {}
    tz = timezone.get_current_timezone()
    lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
    query = {k: v for k, v in only.items() if k.partition("__")[0] in ("plan_id", "group_id")}
    blocks = list(
        CpmCharge.objects.filter(
            status=CpmCharge.Status.CHARGED,
            shop_id__in=shop_ids,
            date__gte=timezone.localtime(lo, tz).date(),
            date__lte=timezone.localtime(hi - HOUR, tz).date(),
            **query,
        ).values("shop_id", "plan_id", "group_id", "date", "block", "last_impression_id", "amount_fen")
    )
    if not blocks:
        return {}
    ts_of: dict[int, datetime] = {}
    for part in _chunks([b["last_impression_id"] for b in blocks]):
        ts_of.update(AdImpression.objects.filter(pk__in=part).values_list("pk", "ts"))
    blocks = [
        b
        for b in blocks
        if b["last_impression_id"] in ts_of
        and any(a <= ts_of[b["last_impression_id"]] < z for a, z in ranges)
    ]
    out: dict[tuple, int] = {}
    for b in blocks:
        hour = hour_floor(ts_of[b["last_impression_id"]])
        for (keyword_id, placement, crowd_id), fen in _block_parts(b).items():
            parts = {"keyword_id": keyword_id, "placement": placement, "crowd_id": crowd_id}
            if _matches(parts, only):
                key = (hour, b["shop_id"], b["plan_id"], b["group_id"], keyword_id, placement, crowd_id)
                out[key] = out.get(key, 0) + fen
    return out


def _block_parts(block: dict) -> dict[tuple, int]:
    """A CPM block's charge split over its impressions' (keyword, placement, crowd) by their prices: the block
    is the group's impressions of the day after the previous block's last, up to its own last, in id order."""
    prev = (
        CpmCharge.objects.filter(group_id=block["group_id"], date=block["date"], block=block["block"] - 1)
        .values_list("last_impression_id", flat=True)
        .first()
        or 0
    )
    start, end = day_bounds(block["date"])
    rows = (
        AdImpression.objects.filter(
            shop_id=block["shop_id"],
            group_id=block["group_id"],
            pk__gt=prev,
            pk__lte=block["last_impression_id"],
            ts__gte=start,
            ts__lt=end,
        )
        .exclude(placement=Placement.SEARCH)
        .values("keyword_id", "placement", "crowd_id")
        .annotate(w=Sum("price_fen"))
        .order_by()
    )
    weights = {(r["keyword_id"], r["placement"], r["crowd_id"] or 0): r["w"] or 0 for r in rows}
    if not weights:  # never expected: keep the money on the group rather than lose it
        weights = {(0, Placement.HOME.value, 0): 1}
    return split_fen(block["amount_fen"], weights)


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
        "cpm_id": CpmCharge.objects.aggregate(m=Max("id"))["m"] or 0,
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
    if upto["cpm_id"] > cursor.cpm_id:  # a block counts in the hour of its last impression
        last = CpmCharge.objects.filter(id__gt=cursor.cpm_id, id__lte=upto["cpm_id"]).values_list(
            "last_impression_id", flat=True
        )
        for part in _chunks(list(last)):
            hours |= _hours_of(AdImpression.objects.filter(pk__in=part), "ts")
    return hours, upto


def hours_mark(hours: Iterable[datetime]) -> int:
    """Mark hours pending (their facts changed): they are read live until rebuilt."""
    rows = [AdRollupHour(hour_start=h, pending=True) for h in hours]
    AdRollupHour.objects.bulk_create(
        rows, batch_size=1000, update_conflicts=True, unique_fields=["hour_start"], update_fields=["pending"]
    )
    return len(rows)


def _sum_into(out: dict, key, values: dict, fields=FIELDS) -> None:
    acc = out.setdefault(key, dict.fromkeys(fields, 0))
    for f in fields:
        acc[f] += values[f]


def term_cutoff(now=None):
    """The first local day whose AdTermHour rows are kept (older days' are pruned; their terms are in AdTermDay)."""
    return timezone.localdate(now) - timedelta(days=TERM_HOURS_KEPT_DAYS)


def hour_build(hour_start: datetime, *, now=None) -> int:
    """Rebuild one local hour of every shop from its raw rows (delete + insert): AdStatHour, AdStatGroupHour and,
    within TERM_HOURS_KEPT_DAYS, AdTermHour. Returns the AdStatHour rows written."""
    hour_start = hour_floor(hour_start)
    rows = aggregate([(hour_start, hour_start + HOUR)], terms=True)
    stat: dict[tuple, dict] = {}
    group: dict[tuple, dict] = {}
    term: dict[tuple, dict] = {}
    for key, values in rows.items():
        dims = dict(zip(DIMS, key[1:-1], strict=True))
        _sum_into(stat, key[1:-1], values)
        _sum_into(group, tuple(dims[d] for d in GROUP_DIMS), values)
        if dims["placement"] == Placement.SEARCH and dims["keyword_id"]:
            _sum_into(term, (*(dims[d] for d in TERM_DIMS[:-1]), key[-1]), values, TERM_FIELDS)
    at = {"hour_start": hour_start, "day": hour_start.date()}
    stat_objs = [
        AdStatHour(**at, hour=hour_start.hour, **dict(zip(DIMS, k, strict=True)), **v)
        for k, v in stat.items()
    ]
    group_objs = [
        AdStatGroupHour(**at, hour=hour_start.hour, **dict(zip(GROUP_DIMS, k, strict=True)), **v)
        for k, v in group.items()
    ]
    keep_terms = hour_start.date() >= term_cutoff(now)
    term_objs = [AdTermHour(**at, **dict(zip(TERM_DIMS, k, strict=True)), **v) for k, v in term.items()]
    with transaction.atomic():
        AdStatHour.objects.filter(hour_start=hour_start).delete()
        AdStatHour.objects.bulk_create(stat_objs, batch_size=2000)
        AdStatGroupHour.objects.filter(hour_start=hour_start).delete()
        AdStatGroupHour.objects.bulk_create(group_objs, batch_size=2000)
        AdTermHour.objects.filter(hour_start=hour_start).delete()
        if keep_terms:
            AdTermHour.objects.bulk_create(term_objs, batch_size=2000)
        AdRollupHour.objects.update_or_create(
            hour_start=hour_start,
            defaults={"pending": False, "built_at": now or timezone.now(), "rows": len(stat_objs)},
        )
    return len(stat_objs)


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


def _day_terms(day, now) -> dict[tuple, dict]:
    """{(shop, plan, group, keyword, query): TERM_FIELDS} of a local day: from its AdTermHour rows while they are
    kept, else from the raw rows of the whole day."""
    if day >= term_cutoff(now):
        rows = (
            AdTermHour.objects.filter(day=day)
            .values(*TERM_DIMS)
            .annotate(**{f"s_{f}": Sum(f) for f in TERM_FIELDS})
            .order_by()
        )
        return {tuple(r[d] for d in TERM_DIMS): {f: r[f"s_{f}"] or 0 for f in TERM_FIELDS} for r in rows}
    out: dict[tuple, dict] = {}
    for key, values in aggregate([day_bounds(day)], only={"placement": Placement.SEARCH}, terms=True).items():
        if key[4]:  # a keyword
            _sum_into(out, (*key[1:5], key[-1]), values, TERM_FIELDS)
    return out


def term_day_build(day, *, now=None) -> int:
    """Rewrite one local day's `AdTermDay` rows from its built hours (a day not over yet: those so far): per
    keyword its top TERMS_PER_KEYWORD queries by impressions that were shown at least TERM_MIN_IMPRESSIONS times
    or clicked, every query with an order, and one `rest` row summing the others. Returns the rows written."""
    per_keyword: dict[tuple, list] = {}
    for key, values in _day_terms(day, now).items():
        per_keyword.setdefault(key[:4], []).append((key[4], values))
    objs = []
    for (shop_id, plan_id, group_id, keyword_id), queries in per_keyword.items():
        queries.sort(key=lambda q: (-q[1]["impressions"], -q[1]["clicks"], q[0]))
        rest = dict.fromkeys(TERM_FIELDS, 0)
        n_rest = 0
        ids = {
            "day": day,
            "shop_id": shop_id,
            "plan_id": plan_id,
            "group_id": group_id,
            "keyword_id": keyword_id,
        }
        for i, (query, values) in enumerate(queries):
            seen = values["impressions"] >= TERM_MIN_IMPRESSIONS or values["clicks"]
            if (i < TERMS_PER_KEYWORD and seen) or values["conversions"]:
                objs.append(AdTermDay(**ids, query=query, **values))
            else:
                _sum_into({0: rest}, 0, values, TERM_FIELDS)
                n_rest += 1
        if n_rest:
            objs.append(AdTermDay(**ids, query="", rest=True, queries=n_rest, **rest))
    with transaction.atomic():
        AdTermDay.objects.filter(day=day).delete()
        AdTermDay.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def rollup_run(*, now=None) -> int:
    """The `ads.rollup` job: mark the hours with new source rows, rebuild the pending hours that are over (oldest
    first, at most HOURS_PER_TICK), their days and the days' search terms, prune the term hours past
    TERM_HOURS_KEPT_DAYS, move the cursor and the watermark. Idempotent. Returns the hours built."""
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
        term_day_build(day, now=now)  # today's too: its built hours so far, what today's reads take
    AdTermHour.objects.filter(day__lt=term_cutoff(now)).delete()
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
        term_day_build(day, now=now)
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
    edge days, days with a pending hour, every hour when a key is the hour) from AdStatHour, or AdStatGroupHour
    when no key or filter is a keyword or crowd; pending hours are left out (they are read live)."""
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
    # AdStatGroupHour when neither the grouping nor a filter needs the keyword or the crowd: ~10x fewer rows
    fine = {"keyword_id", "crowd_id"} & {*keys, *(k.partition("__")[0] for k in where)}
    hours = (AdStatHour if fine else AdStatGroupHour).objects.filter(_in(hour_ranges, "hour_start"), **where)
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
