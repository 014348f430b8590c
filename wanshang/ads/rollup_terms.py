"""Reads of the search terms over the rollup (`rollup.py` builds `AdTermDay` and `AdTermHour`): the days before
the job's watermark — and the watermark's day (today) up to it — from `AdTermDay`, which the job rewrites with
each hour it builds; an edge not starting at midnight from `AdTermHour`; and the rest — the hours since the last
run, and a day with a pending hour (a late refund or conversion until its hour is rebuilt) — from the raw rows, so
the report is exact up to the kept top queries and current.

A keyword's `rest` rows (its queries beyond the top TERMS_PER_KEYWORD of a day) are summed into one row per
keyword: over several days a query counts only on the days it was among its keyword's top, the rest row keeps
the keyword's totals exact."""

from datetime import datetime, timedelta

from django.db.models import Sum
from django.utils import timezone

from wanshang.ads import rollup
from wanshang.ads.rollup_models import AdTermDay, AdTermHour
from wanshang.ads.traffic_models import Placement
from wanshang.common.dates import day_bounds

TERM_FIELDS = rollup.TERM_FIELDS


def _plan(lo: datetime, hi: datetime) -> tuple[list, list, list]:
    """(days read from AdTermDay, hour ranges read from AdTermHour, ranges read raw) covering [lo, hi)."""
    stored, pending, live = rollup.split(lo, hi)
    if not stored:
        return [], [], live
    pending_days = {timezone.localtime(h).date() for h in pending}
    raw = [day_bounds(d) for d in sorted(pending_days)]
    days, hour_ranges = [], []
    whole = rollup._whole_days(*stored)  # noqa: SLF001  (the same day boundaries as the other reads)
    edges = [stored]
    if whole:
        first, last = whole
        days = [d for d in _dates(first, last) if d not in pending_days]
        edges = [(stored[0], first), (last, stored[1])]
    # the edges lie on the watermark's day, whose term hours the last run kept (it prunes only older days); the
    # part from its midnight to the watermark is that day's AdTermDay so far (rebuilt with each of its hours)
    for d, part in _day_parts(edges, pending_days):
        if part == (day_bounds(d)[0], stored[1]) and stored[1] < hi:
            days.append(d)
        else:
            hour_ranges.append(part)
    raw += [part for _d, part in _day_parts(live, pending_days)]  # the pending days are read whole above
    return sorted(days), hour_ranges, raw


def _day_parts(ranges, skip_days) -> list[tuple]:
    """(day, [a, b) within it) of each range cut at local midnights, leaving out `skip_days` and empty parts."""
    out = []
    for a, b in ranges:
        for d in _dates(a, b):
            part = (max(a, day_bounds(d)[0]), min(b, day_bounds(d)[1]))
            if d not in skip_days and part[0] < part[1]:
                out.append((d, part))
    return out


def _dates(a: datetime, b: datetime) -> list:
    if a >= b:
        return []
    first, last = timezone.localtime(a).date(), timezone.localtime(b - timedelta(microseconds=1)).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def term_stats(
    *, lo: datetime, hi: datetime, shop_id: int, only=None, top: int | None = None
) -> dict[tuple, list[int]]:
    """{(keyword_id, query, rest): [*TERM_FIELDS, queries]} of one shop's search terms over [lo, hi), narrowed by
    `only` (plan_id / group_id / keyword_id). Lists, not dicts: a month holds tens of thousands of queries.
    With `top`, at least the `top` first by (impressions, clicks, keyword, query) among the queries, exactly
    (`_top_terms`), without reading every query of the period when that can be proven."""
    only = dict(only or {})
    days, hour_ranges, raw = _plan(lo, hi)
    live = _live_terms(hour_ranges, raw, shop_id, only)
    if days and top is not None:
        found = _top_terms(_days_of(days, shop_id, only), live, top)
        if found is not None:
            return found
    out = _day_terms(days, shop_id, only) if days else {}
    for key, values in live.items():
        _acc(out, key, values, 1)
    return out


WIDTH = len(TERM_FIELDS)


def _acc(out: dict, key: tuple, values, queries: int) -> None:
    """Add one row's figures to `out[key]`. A rest row counts the queries it sums; a query is one."""
    got = out.get(key)
    if got is None:
        out[key] = [*(v or 0 for v in values[:WIDTH]), queries]
        return
    for i in range(WIDTH):
        got[i] += values[i] or 0
    if key[2]:
        got[WIDTH] += queries


def _day_terms(days: list, shop_id: int, only: dict) -> dict:
    out: dict[tuple, list[int]] = {}
    rows = (
        _days_of(days, shop_id, only)
        .values_list("keyword_id", "query", "rest")
        .annotate(*[Sum(f) for f in TERM_FIELDS], Sum("queries"))
        .order_by()
    )
    for kw, query, rest, *values, n in rows:
        _acc(out, (kw, query, bool(rest)), values, n or 0)
    return out


def _live_terms(hour_ranges: list, raw: list, shop_id: int, only: dict) -> dict:
    """The queries of the period's edges kept by the hour (AdTermHour) and of its raw ranges (since the last run,
    pending days)."""
    out: dict[tuple, list[int]] = {}
    if hour_ranges:
        rows = (
            AdTermHour.objects.filter(rollup._in(hour_ranges, "hour_start"), shop_id=shop_id, **only)  # noqa: SLF001
            .values_list("keyword_id", "query")
            .annotate(*[Sum(f) for f in TERM_FIELDS])
            .order_by()
        )
        for kw, query, *values in rows:
            _acc(out, (kw, query, False), values, 1)
    if raw:
        got = rollup.aggregate(raw, shop_id=shop_id, only={**only, "placement": Placement.SEARCH}, terms=True)
        for key, values in got.items():
            if key[4]:  # a keyword (the search placement always has one)
                _acc(out, (key[4], key[-1], False), [values[f] for f in TERM_FIELDS], 1)
    return out


def _days_of(days: list, shop_id: int, only: dict):
    """The AdTermDay rows of `days` (consecutive but for the gaps read otherwise)."""
    return AdTermDay.objects.filter(shop_id=shop_id, day__gte=days[0], day__lte=days[-1], **only).exclude(
        day__in=_gaps(days)
    )


LIVE_KEYS_MAX = 2000  # more (keyword, query) pairs outside the day table than this: read everything


def _top_terms(day_rows, live: dict, top: int) -> dict | None:
    """The `top` first queries (not rest rows) by (impressions, clicks, keyword, query) of the day rows plus
    `live` (the hours and raw rows of the period), or None when that cannot be proven cheaper than reading all.

    The database sums the day rows and returns only their `top` first; t = the last one's impressions. Every
    other query has at most t impressions in the day rows, so with no live part it ranks at most t. The live
    queries are summed exactly (their day rows fetched by key). If the `top`-th of the merged list has more than t
    impressions, nothing left out can reach it: the answer is exact. Otherwise (ties at the boundary, a period
    with few queries whose rest rows matter, too many live queries) the caller reads everything."""
    live = {k: v for k, v in live.items() if not k[2]}
    if len(live) > LIVE_KEYS_MAX:
        return None
    names = {f: f"s_{f}" for f in TERM_FIELDS}
    sums = {names[f]: Sum(f) for f in TERM_FIELDS}
    ordered = (
        day_rows.filter(rest=False)
        .values_list("keyword_id", "query")
        .annotate(**sums, s_queries=Sum("queries"))
    )
    head = list(
        ordered.order_by(f"-{names['impressions']}", f"-{names['clicks']}", "keyword_id", "query")[:top]
    )
    if len(head) < top:
        return None
    threshold = head[-1][2] or 0
    out = {(kw, q, False): [*(v or 0 for v in values), n or 0] for kw, q, *values, n in head}
    missing = {k for k in live if k not in out}
    if missing:  # one query for their keywords × queries (a superset), kept by key
        wanted = ordered.filter(
            keyword_id__in={k[0] for k in missing}, query__in={k[1] for k in missing}
        ).order_by()
        for kw, q, *values, n in wanted:
            if (kw, q, False) in missing:
                out[(kw, q, False)] = [*(v or 0 for v in values), n or 0]
    for key, values in live.items():
        got = out.setdefault(key, [0] * WIDTH + [values[WIDTH]])
        for i in range(WIDTH):
            got[i] += values[i]
    ranked = sorted(out.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0][0], kv[0][1]))[:top]
    if len(ranked) < top or ranked[-1][1][0] <= threshold:
        return None
    return dict(ranked)


def _gaps(days: list) -> list:
    """The dates between the first and the last of `days` that are not in it (read otherwise)."""
    want, out, day = set(days), [], days[0]
    while day <= days[-1]:
        if day not in want:
            out.append(day)
        day += timedelta(days=1)
    return out
