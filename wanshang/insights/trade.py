"""交易报表: paid orders and amounts per local hour, daily totals, buyers and refunds, for a shop or the marketplace.

Definitions follow docs/data-center.md: 支付订单数 = `paid` events, 支付金额 = their amounts (freight included,
never reduced by refunds), 支付买家数 = distinct `user_id` of `paid` events (deduplicated over the whole period
for the total, per day for a day), 退款金额 = `refund` amounts. Hours and days are local (settings.TIME_ZONE).
Everything here is integer fen; yuan appears only at display and export.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from wanshang.analytics.readmodel import Event, EventKind
from wanshang.common.errors import ValidationError
from wanshang.insights import tradestore
from wanshang.merchants.selectors import shop_get, shop_list

DEFAULT_DAYS = 7
MAX_DAYS = 92
TRADE_KINDS = (EventKind.ORDER_PAID, EventKind.REFUND)


@dataclass(frozen=True)
class TradeRange:
    """Local calendar days `start`..`end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[first instant, instant after the last day) as aware datetimes."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


def _parse_day(value, *, field_name: str, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            _("%(label)s格式应为 YYYY-MM-DD") % {"label": label}, field=field_name
        ) from None


def trade_range(*, start=None, end=None, today: date | None = None) -> TradeRange:
    """The report's days from request text or dates. Defaults: `end` today, `start` six days before `end`
    (the last 7 days, today included so the current day's hours show).

    Raises ValidationError for a malformed date, start after end, an end after today, or more than 92 days.
    """
    today = today or timezone.localdate()
    start_day = _parse_day(start, field_name="start", label=_("开始日期"))
    end_day = _parse_day(end, field_name="end", label=_("结束日期"))
    end_day = end_day or today
    start_day = start_day or end_day - timedelta(days=DEFAULT_DAYS - 1)
    if end_day > today:
        raise ValidationError(_("结束日期不能晚于今天"), field="end")
    if start_day > end_day:
        raise ValidationError(_("开始日期不能晚于结束日期"), field="start")
    if (end_day - start_day).days + 1 > MAX_DAYS:
        raise ValidationError(_("查询范围最长 %(n)d 天，请缩短日期范围") % {"n": MAX_DAYS}, field="start")
    return TradeRange(start=start_day, end=end_day)


@dataclass
class HourRow:
    start: datetime  # aware, local
    orders: int = 0
    amount_fen: int = 0
    refund_fen: int = 0

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def hour(self) -> int:
        return self.start.hour

    @property
    def label(self) -> str:
        return f"{self.start.hour:02d}:00–{self.start.hour + 1:02d}:00"


@dataclass
class DayRow:
    day: date
    orders: int = 0
    amount_fen: int = 0
    buyers: int = 0
    refund_fen: int = 0
    hours: list[HourRow] = field(default_factory=list)


@dataclass
class Totals:
    orders: int = 0
    amount_fen: int = 0
    buyers: int = 0  # distinct over the whole range, not the sum of the days
    refund_fen: int = 0


@dataclass
class ShopRow:
    shop_id: int | None
    shop_name: str
    orders: int = 0
    amount_fen: int = 0
    buyers: int = 0
    refund_fen: int = 0


@dataclass
class TradeReport:
    range: TradeRange
    shop: object | None  # the shop, or None for the marketplace
    hours: list[HourRow]  # every local hour of the range that has begun, oldest first
    days: list[DayRow]  # every day of the range, oldest first
    totals: Totals
    shops: list[ShopRow] | None = None  # platform only: the range per shop, highest 支付金额 first


def _paid(**extra) -> Q:
    return Q(kind=EventKind.ORDER_PAID, **extra)


def _live_hours(qs, tz) -> dict[tuple[date, int], dict]:
    out = {}
    for row in (
        qs.annotate(h=TruncHour("ts", tzinfo=tz))
        .values("h")
        .annotate(
            orders=Count("id", filter=_paid()),
            amount=Sum("amount_fen", filter=_paid()),
            refund=Sum("amount_fen", filter=Q(kind=EventKind.REFUND)),
        )
    ):
        local = timezone.localtime(row["h"], tz)
        out[(local.date(), local.hour)] = row
    return out


# Ranges of at least this many days read their complete days from the stored rows (tradestore.py); shorter
# ones count every day from the events, which at 10 M events is cheaper than the stored path's statements
# (docs/benchmarks.md, Runs 9i and 9j)
STORED_FROM_DAYS = 8


def _split(rng: TradeRange, now: datetime) -> tuple[set[date], list]:
    """(the range's days read from the stored rows, the [lo, hi) instants counted from the events)."""
    days = rng.each_day()
    if len(days) < STORED_FROM_DAYS:  # a short range's money events are few: counting them is cheaper
        return set(), tradestore.live_ranges(days)
    stored = tradestore.stored_days(days, today=timezone.localdate(now))
    return stored, tradestore.live_ranges([d for d in days if d not in stored])


def _build(qs, rng: TradeRange, *, now: datetime, shop, scope: int, split=None) -> TradeReport:
    """The report: complete days with current stored rows (tradestore.py) read from them, every other day
    counted from the money events `qs` (one scope's). `split`: `_split(rng, now)` when the caller has it."""
    tz = timezone.get_current_timezone()
    stored, live = split or _split(rng, now)
    qs = qs.filter(tradestore.ranges_q(live), kind__in=TRADE_KINDS).order_by() if live else qs.none()

    by_hour = tradestore.stored_hours(scope, stored)
    by_hour.update(_live_hours(qs, tz) if live else {})
    buyers_by_day = tradestore.stored_day_buyers(scope, stored)
    if live:
        buyers_by_day.update(
            (row["d"], row["buyers"])
            for row in qs.filter(kind=EventKind.ORDER_PAID)
            .annotate(d=TruncDate("ts", tzinfo=tz))
            .values("d")
            .annotate(buyers=Count("user_id", distinct=True))
        )
    total_buyers = tradestore.distinct_buyers(scope=scope, stored=stored, live=live).get(scope, 0)

    hours, days, totals = [], [], Totals(buyers=total_buyers)
    for day in rng.each_day():
        day_row = DayRow(day=day, buyers=buyers_by_day.get(day, 0))
        for hour in range(24):
            start = datetime.combine(day, time(hour), tzinfo=tz)
            row = by_hour.get((day, hour))
            if start > now and row is None:
                continue  # an hour that has not begun yet
            hr = HourRow(start=start)
            if row:
                hr.orders, hr.amount_fen, hr.refund_fen = (
                    row["orders"],
                    row["amount"] or 0,
                    row["refund"] or 0,
                )
            day_row.hours.append(hr)
            day_row.orders += hr.orders
            day_row.amount_fen += hr.amount_fen
            day_row.refund_fen += hr.refund_fen
        hours.extend(day_row.hours)
        days.append(day_row)
        totals.orders += day_row.orders
        totals.amount_fen += day_row.amount_fen
        totals.refund_fen += day_row.refund_fen
    return TradeReport(range=rng, shop=shop, hours=hours, days=days, totals=totals)


def trade_report(*, shop, rng: TradeRange, now: datetime | None = None) -> TradeReport:
    """One shop's trade report (seller side: the shop comes from the staff membership)."""
    return _build(
        Event.objects.for_shop(shop),
        rng,
        now=now or timezone.now(),
        shop=shop,
        scope=tradestore.scope_of(shop),
    )


def platform_trade_report(
    *, rng: TradeRange, shop_id: int | None = None, now: datetime | None = None
) -> TradeReport:
    """The marketplace's trade report (every event), or one shop's when `shop_id` is given, with the range
    per shop. Raises NotFound for an unknown shop id."""
    now = now or timezone.now()
    shop = shop_get(shop_id=shop_id) if shop_id else None
    qs = Event.objects.all() if shop is None else Event.objects.for_shop(shop)
    scope = tradestore.scope_of(shop)
    stored, live = _split(rng, now)
    report = _build(qs, rng, now=now, shop=shop, scope=scope, split=(stored, live))

    per_shop = {
        (None if k == tradestore.NO_SHOP else k): row
        for k, row in tradestore.stored_per_shop(stored, None if shop is None else scope).items()
    }
    if live:
        for row in (
            qs.filter(tradestore.ranges_q(live), kind__in=TRADE_KINDS)
            .order_by()
            .values("shop_id")
            .annotate(
                orders=Count("id", filter=_paid()),
                amount=Sum("amount_fen", filter=_paid()),
                refund=Sum("amount_fen", filter=Q(kind=EventKind.REFUND)),
            )
        ):
            acc = per_shop.setdefault(row["shop_id"], {"orders": 0, "amount": 0, "refund": 0})
            for k in ("orders", "amount", "refund"):
                acc[k] = (acc[k] or 0) + (row[k] or 0)
    buyers = tradestore.distinct_buyers(scope=scope, stored=stored, live=live, per_shop=True)
    rows = [
        {**row, "shop_id": pk, "buyers": buyers.get(pk or tradestore.NO_SHOP, 0)}
        for pk, row in per_shop.items()
    ]
    names = dict(
        shop_list().filter(pk__in=[r["shop_id"] for r in rows if r["shop_id"]]).values_list("pk", "name")
    )
    report.shops = sorted(
        (
            ShopRow(
                shop_id=r["shop_id"],
                shop_name=names.get(r["shop_id"], _("（无店铺）")),
                orders=r["orders"],
                amount_fen=r["amount"] or 0,
                buyers=r["buyers"],
                refund_fen=r["refund"] or 0,
            )
            for r in rows
        ),
        key=lambda s: (-s.amount_fen, -s.orders, s.shop_id or 0),
    )
    return report


def trade_chart(report: TradeReport) -> dict:
    """What the hourly ECharts chart plots: one label per hour, orders and amounts in fen."""
    multi_day = report.range.days > 1
    day_hour = _("%(day)s %(hour)s时")
    return {
        "labels": [
            day_hour % {"day": f"{h.start:%m-%d}", "hour": f"{h.hour:02d}"}
            if multi_day
            else f"{h.hour:02d}:00"
            for h in report.hours
        ],
        "orders": [h.orders for h in report.hours],
        "amount_fen": [h.amount_fen for h in report.hours],
    }
