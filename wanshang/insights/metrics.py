"""生意参谋 figures for a shop or the whole marketplace: the counts, the ratios, trends and sources (the
funnel is in funnel.py).

Definitions are in docs/data-center.md. Every seller-side read goes through `Model.objects.for_shop(shop)`;
the platform passes `MARKETPLACE` instead of a shop. Whole days are read from the rollup (`VisitorDay`);
today (and the same hours yesterday, for comparison) are counted from the events directly, so they are
as fresh as the last ingest.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_noop

from wanshang.analytics.readmodel import TRAFFIC_KINDS, Event, EventKind, VisitorDay, day_bounds
from wanshang.analytics.types import LEVEL1, LEVEL1_ORDER, SOURCES, level1_of
from wanshang.insights import grouped
from wanshang.insights.grouped import MARKETPLACE, TRADE_FIELDS, TRAFFIC_FIELDS

__all__ = ["MARKETPLACE", "TRADE_FIELDS", "TRAFFIC_FIELDS"]


def events_of(scope):
    return Event.objects.all() if scope == MARKETPLACE else Event.objects.for_shop(scope)


def days_of(scope):
    qs = (
        VisitorDay.objects.filter(shop__isnull=True)
        if scope == MARKETPLACE
        else VisitorDay.objects.for_shop(scope)
    )
    return qs.filter(product_id__isnull=True)


def _ratio(part, whole) -> float | None:
    return part / whole if whole else None


def _per(fen: int, n: int) -> int | None:
    """fen / n rounded half up to a whole fen (money shown per buyer/visitor)."""
    return (2 * fen + n) // (2 * n) if n else None


@dataclass
class Counts:
    uv: int = 0
    pv: int = 0
    bounced: int = 0
    stay_ms: int = 0
    product_visitors: int = 0
    cart_visitors: int = 0
    fav_visitors: int = 0
    paid_buyers: int = 0
    paid_fen: int = 0
    paid_orders: int = 0
    ordered_buyers: int = 0
    refund_fen: int = 0

    # the ratios 生意参谋 shows (None when the base is 0)
    @property
    def bounce_rate(self):
        return _ratio(self.bounced, self.uv)

    @property
    def avg_stay_seconds(self):
        return _ratio(self.stay_ms / 1000, self.uv)

    @property
    def pay_conversion(self):
        return _ratio(self.paid_buyers, self.uv)

    @property
    def per_buyer_fen(self):  # 客单价
        return _per(self.paid_fen, self.paid_buyers)

    @property
    def per_order_fen(self):  # 笔单价
        return _per(self.paid_fen, self.paid_orders)

    @property
    def uv_value_fen(self):  # UV价值
        return _per(self.paid_fen, self.uv)

    @property
    def cart_rate(self):
        return _ratio(self.cart_visitors, self.uv)

    @property
    def fav_rate(self):
        return _ratio(self.fav_visitors, self.uv)

    @property
    def refund_rate(self):
        return _ratio(self.refund_fen, self.paid_fen)

    def as_dict(self) -> dict:
        out = {name: getattr(self, name) for name in (*TRAFFIC_FIELDS, *TRADE_FIELDS)}
        for name in METRIC_NAMES:
            out[name] = getattr(self, name)
        return out


# (attribute, label, kind) of every figure on the dashboard; kind: count / fen / rate / seconds
METRICS = [
    ("uv", gettext_noop("访客数"), "count"),
    ("pv", gettext_noop("浏览量"), "count"),
    ("bounce_rate", gettext_noop("跳失率"), "rate"),
    ("avg_stay_seconds", gettext_noop("平均停留时长"), "seconds"),
    ("paid_buyers", gettext_noop("支付买家数"), "count"),
    ("paid_fen", gettext_noop("支付金额"), "fen"),
    ("pay_conversion", gettext_noop("支付转化率"), "rate"),
    ("per_buyer_fen", gettext_noop("客单价"), "fen"),
    ("uv_value_fen", gettext_noop("UV价值"), "fen"),
    ("cart_rate", gettext_noop("加购率"), "rate"),
    ("fav_rate", gettext_noop("收藏率"), "rate"),
    ("refund_rate", gettext_noop("退款率"), "rate"),
    ("paid_orders", gettext_noop("支付订单数"), "count"),
    ("per_order_fen", gettext_noop("笔单价"), "fen"),
    ("refund_fen", gettext_noop("退款金额"), "fen"),
]
METRIC_NAMES = [m[0] for m in METRICS if m[0] not in TRAFFIC_FIELDS + TRADE_FIELDS]


def _visitor_totals(per_visitor) -> dict:
    """Aggregate a per-visitor queryset (annotated p, pp, s, c, f) into the traffic counts."""
    agg = per_visitor.aggregate(
        uv=Count("visitor", filter=Q(p__gt=0)),
        pv=Sum("p"),
        bounced=Count("visitor", filter=Q(p=1)),
        stay_ms=Sum("s"),
        product_visitors=Count("visitor", filter=Q(pp__gt=0)),
        cart_visitors=Count("visitor", filter=Q(c__gt=0)),
        fav_visitors=Count("visitor", filter=Q(f__gt=0)),
    )
    return {k: int(agg[k] or 0) for k in TRAFFIC_FIELDS}


def traffic_days(scope, start: date, end: date) -> dict:
    """Traffic counts over whole days start..end (inclusive), visitors deduplicated over the period."""
    per_visitor = (
        days_of(scope)
        .filter(day__gte=start, day__lte=end)
        .values("visitor")
        .annotate(p=Sum("pv"), pp=Sum("product_pv"), s=Sum("stay_ms"), c=Sum("carts"), f=Sum("favs"))
    )
    return _visitor_totals(per_visitor)


def traffic_live(scope, start: datetime, end: datetime) -> dict:
    """The same counts straight from the events in [start, end) (today, in real time)."""
    per_visitor = (
        events_of(scope)
        .filter(ts__gte=start, ts__lt=end, kind__in=TRAFFIC_KINDS)
        .exclude(visitor="")
        .values("visitor")
        .annotate(
            p=Count("id", filter=Q(kind=EventKind.PAGE_VIEW)),
            pp=Count("id", filter=Q(kind=EventKind.PAGE_VIEW, page_type="product")),
            s=Sum("duration_ms", filter=Q(kind=EventKind.STAY)),
            c=Count("id", filter=Q(kind=EventKind.CART_ADD)),
            f=Count("id", filter=Q(kind=EventKind.FAVOURITE)),
        )
    )
    return _visitor_totals(per_visitor)


def trade(scope, start: datetime, end: datetime) -> dict:
    """Paid buyers/amount/orders, buyers who placed orders, and refunds in [start, end), from the events."""
    events = events_of(scope).filter(ts__gte=start, ts__lt=end)
    paid = events.filter(kind=EventKind.ORDER_PAID).aggregate(
        paid_buyers=Count("user_id", distinct=True), paid_fen=Sum("amount_fen"), paid_orders=Count("id")
    )
    ordered = events.filter(kind=EventKind.ORDER_PLACED).aggregate(n=Count("user_id", distinct=True))["n"]
    refund = events.filter(kind=EventKind.REFUND).aggregate(s=Sum("amount_fen"))["s"]
    return {
        "paid_buyers": paid["paid_buyers"] or 0,
        "paid_fen": paid["paid_fen"] or 0,
        "paid_orders": paid["paid_orders"] or 0,
        "ordered_buyers": ordered or 0,
        "refund_fen": refund or 0,
    }


def counts_days(scope, start: date, end: date) -> Counts:
    return Counts(**traffic_days(scope, start, end), **trade(scope, day_bounds(start)[0], day_bounds(end)[1]))


def counts_live(scope, start: datetime, end: datetime) -> Counts:
    return Counts(**traffic_live(scope, start, end), **trade(scope, start, end))


# --- periods -------------------------------------------------------------------------------------------------

PERIODS = {"today": gettext_noop("今日实时"), "7d": gettext_noop("最近7天"), "30d": gettext_noop("最近30天")}


@dataclass
class Period:
    key: str
    label: str
    start: date
    end: date
    live_end: datetime | None = None  # today: counted up to this moment
    previous: "Period | None" = field(default=None, repr=False)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def period_for(key: str, *, now=None) -> Period:
    """today (live, compared with yesterday up to the same time) or the last 7/30 complete days (compared
    with the 7/30 days before). Unknown keys fall back to today."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if key in ("7d", "30d"):
        n = 7 if key == "7d" else 30
        end = today - timedelta(days=1)
        start = end - timedelta(days=n - 1)
        prev = Period(key, gettext_noop("上一周期"), start - timedelta(days=n), start - timedelta(days=1))
        return Period(key, PERIODS[key], start, end, previous=prev)
    yesterday = today - timedelta(days=1)
    prev = Period("today", gettext_noop("昨日同时段"), yesterday, yesterday, live_end=now - timedelta(days=1))
    return Period("today", PERIODS["today"], today, today, live_end=now, previous=prev)


def counts_for(scope, period: Period) -> Counts:
    if period.live_end is not None:
        return counts_live(scope, day_bounds(period.start)[0], period.live_end)
    return counts_days(scope, period.start, period.end)


# --- trends and sources ---------------------------------------------------------------------------------------


def daily_series(scope, start: date, end: date) -> list[dict]:
    """One row per day: the day's counts and ratios (each day's visitors deduplicated within that day)."""
    traffic = {
        row["day"]: row
        for row in days_of(scope)
        .filter(day__gte=start, day__lte=end)
        .values("day")
        .annotate(
            uv=Count("id", filter=Q(pv__gt=0)),
            pv_sum=Sum("pv"),
            bounced=Count("id", filter=Q(pv=1)),
            stay=Sum("stay_ms"),
            product_visitors=Count("id", filter=Q(product_pv__gt=0)),
            cart_visitors=Count("id", filter=Q(carts__gt=0)),
            fav_visitors=Count("id", filter=Q(favs__gt=0)),
        )
    }
    tz = timezone.get_current_timezone()
    events = events_of(scope).filter(ts__gte=day_bounds(start)[0], ts__lt=day_bounds(end)[1])
    paid = {
        row["d"]: row
        for row in events.filter(kind=EventKind.ORDER_PAID)
        .annotate(d=TruncDate("ts", tzinfo=tz))
        .values("d")
        .annotate(buyers=Count("user_id", distinct=True), fen=Sum("amount_fen"), n=Count("id"))
    }
    ordered = dict(
        events.filter(kind=EventKind.ORDER_PLACED)
        .annotate(d=TruncDate("ts", tzinfo=tz))
        .values("d")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("d", "n")
    )
    refunds = dict(
        events.filter(kind=EventKind.REFUND)
        .annotate(d=TruncDate("ts", tzinfo=tz))
        .values("d")
        .annotate(s=Sum("amount_fen"))
        .values_list("d", "s")
    )
    out = []
    day = start
    while day <= end:
        t, p = traffic.get(day, {}), paid.get(day, {})
        c = Counts(
            uv=t.get("uv", 0),
            pv=t.get("pv_sum") or 0,
            bounced=t.get("bounced", 0),
            stay_ms=t.get("stay") or 0,
            product_visitors=t.get("product_visitors", 0),
            cart_visitors=t.get("cart_visitors", 0),
            fav_visitors=t.get("fav_visitors", 0),
            paid_buyers=p.get("buyers", 0),
            paid_fen=p.get("fen") or 0,
            paid_orders=p.get("n", 0),
            ordered_buyers=ordered.get(day, 0),
            refund_fen=refunds.get(day) or 0,
        )
        out.append({"day": day, **c.as_dict()})
        day += timedelta(days=1)
    return out


def sources(scope, period: Period) -> dict:
    """Visitors per traffic source (level 2 and level 1) and each source's payment conversion.

    A visitor counts once per source they arrived by in the period (entry of a day), so sources can add up
    to more than 访客数. Conversion of a source = its visitors who are paying buyers of the period (matched
    by the logged-in buyer) / its visitors. Counted in SQL (grouped.sources)."""
    rows = grouped.sources(scope, period.start, period.end, period.live_end)
    return sources_from(rows.get(grouped.scope_key(scope), {}))


def sources_from(by_source: dict[str, list[int]]) -> dict:
    """The page's source table from {level-2 code: [visitors, paying visitors]}."""
    level2 = []
    level1: dict[str, dict] = {code: {"visitors": 0, "paying": 0} for code in LEVEL1_ORDER}
    for code in SOURCES:
        pair = by_source.get(code)
        if not pair:
            continue
        row = {"visitors": pair[0], "paying": pair[1]}
        group = level1_of(code)
        level2.append(
            {
                "code": code,
                "label": str(SOURCES[code][1]),
                "level1": group,
                **row,
                "conversion": _ratio(row["paying"], row["visitors"]),
            }
        )
        level1[group]["visitors"] += row["visitors"]
        level1[group]["paying"] += row["paying"]
    total = sum(r["visitors"] for r in level2)
    for r in level2:
        r["share"] = _ratio(r["visitors"], total)
    groups = [
        {
            "code": code,
            "label": str(LEVEL1[code]),
            **level1[code],
            "share": _ratio(level1[code]["visitors"], total),
            "conversion": _ratio(level1[code]["paying"], level1[code]["visitors"]),
        }
        for code in LEVEL1_ORDER
    ]
    return {"level1": groups, "level2": level2, "total": total}


def paid_by_shop(period: Period, shop_ids=None) -> dict[int, int]:
    """{shop id: 支付金额} in the period (the platform's ranking; peers use it with their ids)."""
    end = period.live_end or day_bounds(period.end)[1]
    rows = Event.objects.filter(kind=EventKind.ORDER_PAID, ts__gte=day_bounds(period.start)[0], ts__lt=end)
    if shop_ids is not None:
        rows = rows.filter(shop_id__in=list(shop_ids))
    return dict(rows.values("shop_id").annotate(s=Sum("amount_fen")).values_list("shop_id", "s"))
