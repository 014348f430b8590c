"""Stored boards: each complete period's 数据中心 figures, computed once by a job, read by the pages.

A 7- or 30-day period is made of complete days, which change only when the rollup rebuilds one of them (late
events, a buyer's deletion request). So the job (`insights.boards`, every minute, right after
`analytics.rollup`) computes the current 7- and 30-day periods and the periods before them (counts only, for
the comparison) for every scope at once — one grouped statement per figure for all shops and the marketplace
(grouped.py) — and stores one `PeriodBoard` row per scope and period with the period's build mark.

The mark is a digest of the `RollupState` rows of the period's days (the newest event each build covered and
when it was built). A page computes the current mark (one small query) and reads the board only if the marks
match; otherwise it computes the figures itself (`Board.precomputed` is False) and never stores them: the
job does, on its next tick. Figures are exact: the same definitions and the same SQL as the live path.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction

from wanshang.analytics.readmodel import build_marks
from wanshang.insights import grouped
from wanshang.insights.grouped import MARKETPLACE, MKT, TRADE_FIELDS, TRAFFIC_FIELDS
from wanshang.insights.metrics import Counts, Period, counts_for, daily_series, period_for
from wanshang.insights.models import PeriodBoard

VERSION = "1"  # bump when what a board holds changes: every stored board is then stale
LIVE_MAX_AGE = timedelta(seconds=150)  # today's stored board is used while younger than this (2.5 job ticks)
FULL_PARTS = ("funnel", "sources", "series", "products", "sales")


def _scope_name(key: int) -> str:
    return "m" if key == MKT else str(key)


def marks(start: date, end: date) -> dict[date, str]:
    return build_marks(start=start, end=end)


def period_mark(states: dict[date, str], start: date, end: date) -> str:
    """The digest of the build marks of start..end (days without events have none)."""
    h = hashlib.sha1(VERSION.encode(), usedforsecurity=False)
    day = start
    while day <= end:
        h.update(f"|{day}:{states.get(day, '')}".encode())
        day += timedelta(days=1)
    return h.hexdigest()


@dataclass
class Board:
    counts: Counts
    funnel: dict | None = None
    sources: dict | None = None  # level-2 code → [visitors, paying]
    series: list | None = None  # [{"day": date, **Counts.as_dict()}]
    products: dict | None = None  # product id → [uv, pv, cart visitors]
    sales: dict | None = None  # product id → [paid buyers, paid fen, units]
    precomputed: bool = False
    parts: tuple = field(default=(), repr=False)
    previous: Counts | None = None  # today's board: yesterday up to the same time of day
    live_at: datetime | None = None  # today's board: the moment it counts up to


def _series_rows(raw: list[dict]) -> list[dict]:
    out = []
    for row in raw:
        c = Counts(**{k: row.get(k, 0) for k in (*TRAFFIC_FIELDS, *TRADE_FIELDS)})
        out.append({"day": date.fromisoformat(row["day"]), **c.as_dict()})
    return out


def _from_row(row: PeriodBoard, parts) -> Board:
    return Board(
        counts=Counts(**row.counts),
        funnel=row.funnel if "funnel" in parts else None,
        sources=row.sources if "sources" in parts else None,
        series=_series_rows(row.series) if "series" in parts else None,
        products={int(k): v for k, v in row.products.items()} if "products" in parts else None,
        sales={int(k): v for k, v in (row.sales or {}).items()} if "sales" in parts else None,
        precomputed=True,
        parts=tuple(parts),
    )


def _counts_of(key: int, tf: dict, tr: dict) -> Counts:
    return Counts(
        **tf.get(key, grouped.empty_traffic_funnel())["traffic"],
        **tr.get(key, dict.fromkeys(TRADE_FIELDS, 0)),
    )


def compute(scope, period: Period, parts=FULL_PARTS) -> Board:
    """A board computed now from the rollup (or, for today, the events): what the job stores, for one scope."""
    key = grouped.scope_key(scope)
    tf = grouped.traffic_funnel(scope, period.start, period.end, period.live_end)
    tr = grouped.trade(scope, period.start, period.end, period.live_end)
    board = Board(counts=_counts_of(key, tf, tr), parts=tuple(parts))
    if "funnel" in parts:
        board.funnel = tf.get(key, grouped.empty_traffic_funnel())["funnel"]
    if "sources" in parts:
        board.sources = grouped.sources(scope, period.start, period.end, period.live_end).get(key, {})
    if "series" in parts and period.live_end is None:
        board.series = daily_series(scope, period.start, period.end)
    if "products" in parts:  # the marketplace has no product rows
        shop = None if scope == MARKETPLACE else scope
        if shop is None:
            board.products = {}
        elif period.live_end is None:
            board.products = grouped.product_traffic(shop, period.start, period.end).get(key, {})
        else:
            board.products = grouped.product_traffic_live(shop, period.start, period.live_end).get(key, {})
    if "sales" in parts:
        board.sales = (
            {}
            if scope == MARKETPLACE
            else grouped.product_sales(scope, period.start, period.end, period.live_end).get(key, {})
        )
    return board


def _live_row(scopes: list[str] | None, period: Period, fields):
    """Today's stored boards of `scopes` that count up to at most `period.live_end` and are recent enough."""
    rows = PeriodBoard.objects.filter(
        start=period.start,
        end=period.end,
        live_at__lte=period.live_end,
        live_at__gt=period.live_end - LIVE_MAX_AGE,
    ).only(*fields)
    return rows if scopes is None else rows.filter(scope__in=scopes)


def board(scope, period: Period, parts=FULL_PARTS) -> Board:
    """The period's board for one scope: stored if fresh, else computed now (never stored from here).

    Today (a live period): the job's board of the last minute or so, which counts up to its `live_at`;
    without one, today counted now."""
    name = _scope_name(grouped.scope_key(scope))
    if period.live_end is not None:
        row = _live_row([name], period, ["counts", "previous", "live_at", *FULL_PARTS]).first()
        if row is not None and ("sales" not in parts or row.sales is not None):
            stored = _from_row(row, [p for p in parts if p != "series"])
            stored.previous, stored.live_at = Counts(**row.previous), row.live_at
            return stored
        live = compute(scope, period, parts)
        live.previous = counts_for(scope, period.previous) if period.previous else None
        live.live_at = period.live_end
        return live
    if period.live_end is None:
        mark = period_mark(marks(period.start, period.end), period.start, period.end)
        wanted = ["counts", *(p for p in parts if p in FULL_PARTS)]
        row = (
            PeriodBoard.objects.filter(
                start=period.start, end=period.end, scope=_scope_name(grouped.scope_key(scope)), mark=mark
            )
            .only(*wanted, "full")
            .first()
        )
        if row is not None and (row.full or not set(parts) & set(FULL_PARTS)):
            if "sales" not in parts or row.sales is not None:
                return _from_row(row, parts)
    return compute(scope, period, parts)


def counts_of_shops(shop_ids, period: Period) -> tuple[dict[int, Counts], bool]:
    """{shop id: Counts} of the period for many shops (peers, the platform's ranking): stored boards when
    they are fresh, else one grouped computation for all shops. Returns (counts, precomputed)."""
    shop_ids = list(shop_ids)
    if period.live_end is not None:
        rows = dict(
            _live_row([str(pk) for pk in shop_ids], period, ["counts"]).values_list("shop_id", "counts")
        )
    else:
        mark = period_mark(marks(period.start, period.end), period.start, period.end)
        rows = dict(
            PeriodBoard.objects.filter(
                start=period.start, end=period.end, mark=mark, scope__in=[str(pk) for pk in shop_ids]
            ).values_list("shop_id", "counts")
        )
    if len(rows) == len(shop_ids):
        return {pk: Counts(**c) for pk, c in rows.items()}, True
    tf = grouped.traffic_funnel(None, period.start, period.end, period.live_end)
    tr = grouped.trade(None, period.start, period.end, period.live_end)
    return {pk: _counts_of(pk, tf, tr) for pk in shop_ids}, False


def counts_of_every_shop(period: Period) -> dict[int, Counts] | None:
    """{shop id: Counts} from the stored boards of every shop for the period, or None when they are not
    fresh (the platform's ranking then counts from the events)."""
    if period.live_end is not None:
        rows = _live_row(None, period, ["shop_id", "counts"]).exclude(scope="m")
    else:
        mark = period_mark(marks(period.start, period.end), period.start, period.end)
        rows = PeriodBoard.objects.filter(start=period.start, end=period.end, mark=mark).exclude(scope="m")
    if period.live_end is None and not rows.exists():  # never built for these marks
        return None
    found = {pk: Counts(**c) for pk, c in rows.values_list("shop_id", "counts")}
    return found or None


def sources_of_shops(shop_ids, period: Period) -> dict[int, dict]:
    """{shop id: {level-2 code: [visitors, paying]}} for a group of shops (竞争情报's pooled top shops)."""
    shop_ids = list(shop_ids)
    if period.live_end is None:
        mark = period_mark(marks(period.start, period.end), period.start, period.end)
        rows = dict(
            PeriodBoard.objects.filter(
                start=period.start,
                end=period.end,
                mark=mark,
                full=True,
                scope__in=[str(pk) for pk in shop_ids],
            ).values_list("shop_id", "sources")
        )
        if len(rows) == len(shop_ids):
            return rows
    raw = grouped.sources(None, period.start, period.end, period.live_end)
    return {pk: raw.get(pk, {}) for pk in shop_ids}


# --- the job --------------------------------------------------------------------------------------------------


def periods_due(now) -> list[tuple[Period, bool]]:
    """(period, full) of every board the pages read on `now`'s day: 7 and 30 days, and the periods before."""
    out = []
    for key in ("7d", "30d"):
        p = period_for(key, now=now)
        out += [(p, True), (p.previous, False)]
    return out


def _build(period: Period, full: bool, mark: str, shop_ids: set[int]) -> int:
    """Every scope's board of one period, from one grouped statement per figure."""
    tf = grouped.traffic_funnel(None, period.start, period.end)
    tr = grouped.trade(None, period.start, period.end)
    keys = {MKT} | set(tf) | set(tr) | shop_ids
    extra: dict = {}
    if full:
        extra["sources"] = grouped.sources(None, period.start, period.end)
        extra["products"] = grouped.product_traffic(None, period.start, period.end)
        extra["sales"] = grouped.product_sales(None, period.start, period.end)
        extra["series"] = grouped.daily(None, period.start, period.end)
    rows = []
    for key in keys:
        counts = _counts_of(key, tf, tr)
        row = PeriodBoard(
            start=period.start,
            end=period.end,
            shop_id=None if key == MKT else key,
            scope=_scope_name(key),
            mark=mark,
            full=full,
            counts={k: getattr(counts, k) for k in (*TRAFFIC_FIELDS, *TRADE_FIELDS)},
        )
        if full:
            row.funnel = tf.get(key, grouped.empty_traffic_funnel())["funnel"]
            row.sources = extra["sources"].get(key, {})
            row.products = {str(k): v for k, v in extra["products"].get(key, {}).items()}
            row.sales = {str(k): v for k, v in extra["sales"].get(key, {}).items()}
            days = extra["series"].get(key, {})
            row.series = [
                {"day": d.isoformat(), **days.get(d, {})}
                for d in (
                    period.start + timedelta(days=i) for i in range((period.end - period.start).days + 1)
                )
            ]
        rows.append(row)
    with transaction.atomic():
        PeriodBoard.objects.filter(start=period.start, end=period.end).delete()
        PeriodBoard.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _build_live(now, shop_ids: set[int]) -> int:
    """Today's board of every scope, up to `now`, with yesterday up to the same time: what 今日实时 shows."""
    period = period_for("today", now=now)
    prev = period.previous
    tf = grouped.traffic_funnel(None, period.start, period.end, now)
    tr = grouped.trade(None, period.start, period.end, now)
    tf_prev = grouped.traffic_funnel(None, prev.start, prev.end, prev.live_end)
    tr_prev = grouped.trade(None, prev.start, prev.end, prev.live_end)
    src = grouped.sources(None, period.start, period.end, now)
    products = grouped.product_traffic_live(None, period.start, now)
    sales = grouped.product_sales(None, period.start, period.end, now)
    rows = []
    for key in {MKT} | set(tf) | set(tr) | set(tf_prev) | set(tr_prev) | shop_ids:
        counts, before = _counts_of(key, tf, tr), _counts_of(key, tf_prev, tr_prev)
        rows.append(
            PeriodBoard(
                start=period.start,
                end=period.end,
                shop_id=None if key == MKT else key,
                scope=_scope_name(key),
                mark="live",
                counts={k: getattr(counts, k) for k in (*TRAFFIC_FIELDS, *TRADE_FIELDS)},
                previous={k: getattr(before, k) for k in (*TRAFFIC_FIELDS, *TRADE_FIELDS)},
                funnel=tf.get(key, grouped.empty_traffic_funnel())["funnel"],
                sources=src.get(key, {}),
                products={str(k): v for k, v in products.get(key, {}).items()},
                sales={str(k): v for k, v in sales.get(key, {}).items()},
                live_at=now,
            )
        )
    with transaction.atomic():
        PeriodBoard.objects.filter(start=period.start, end=period.end).delete()
        PeriodBoard.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def boards_build_due(*, now, shop_ids=()) -> int:
    """Build every due 7/30-day board whose stored mark is not the current one, and today's boards (always);
    drop boards of other periods. Idempotent: a second run with nothing new rebuilds only today.
    Returns the boards written."""
    due = periods_due(now)
    first = min(p.start for p, _full in due)
    last = max(p.end for p, _full in due)
    states = marks(first, last)
    written = 0
    keep = []
    for period, full in due:
        keep.append((period.start, period.end))
        mark = period_mark(states, period.start, period.end)
        stored = PeriodBoard.objects.filter(start=period.start, end=period.end, scope="m").first()
        if stored is not None and stored.mark == mark and (stored.full or not full):
            if not full or stored.sales is not None:  # a board stored before `sales` existed is rebuilt
                continue
        written += _build(period, full, mark, set(shop_ids))
    today = period_for("today", now=now)
    written += _build_live(now, set(shop_ids))  # today moves on every tick
    keep.append((today.start, today.end))
    stale = PeriodBoard.objects.all()
    for start, end in keep:
        stale = stale.exclude(start=start, end=end)
    stale.delete()
    return written


def boards_forget_stale() -> int:
    """Delete every stored board whose period's marks changed (after a buyer's deletion request, so no
    figure that still counts them is kept until the job's next tick). Returns the boards deleted."""
    deleted = 0
    for start, end in set(PeriodBoard.objects.filter(live_at__isnull=True).values_list("start", "end")):
        mark = period_mark(marks(start, end), start, end)
        n, _ = PeriodBoard.objects.filter(start=start, end=end).exclude(mark=mark).delete()
        deleted += n
    n, _ = PeriodBoard.objects.filter(live_at__isnull=False).delete()  # today's: rebuilt on the next tick
    return deleted + n
