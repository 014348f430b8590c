"""The 数据中心 figures of a period for one scope or for every scope at once, each in one SQL statement.

`scope` is a shop, `MARKETPLACE`, or None for every scope together: then each query groups by shop as well,
and the marketplace is one more group (key 0) over every row. The boards job (`boards.py`) calls these with
None, one statement per figure for all shops; a page that has no fresh stored board calls them with its own
scope. Results are keyed by scope key: the shop id, or 0 for the marketplace.

A period is given as (`start`, `end`) local days and `live_end`: without `live_end` the days are complete and
read from the rollup (`VisitorDay`); with it, the events of [start of `start`, `live_end`) are read directly
(today). The SQL runs on PostgreSQL and SQLite alike (window functions, no `FILTER`).
"""

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from wanshang.analytics.readmodel import Event, EventKind, VisitorDay, day_bounds

MARKETPLACE = "marketplace"  # the platform's scope: every shop's events and the marketplace-wide rollup rows
MKT = 0  # the marketplace's scope key
TRAFFIC_FIELDS = ("uv", "pv", "bounced", "stay_ms", "product_visitors", "cart_visitors", "fav_visitors")
TRADE_FIELDS = ("paid_buyers", "paid_fen", "paid_orders", "ordered_buyers", "refund_fen")
FUNNEL_FIELDS = ("visit", "product", "cart", "order", "pay")


def scope_key(scope) -> int:
    return MKT if scope == MARKETPLACE else scope.pk


def _bounds(start, end, live_end):
    return day_bounds(start)[0], (live_end or day_bounds(end)[1])


def _ts(value):
    return connection.ops.adapt_datetimefield_value(value)


def _day(value):
    return connection.ops.adapt_datefield_value(value)


def _events_scoped(template: str, params: list, scope) -> tuple[str, list]:
    """`template` over the events, per shop ({sk} = shop_id, {group} adds the shop) and for the marketplace
    ({sk} = 0, every row). {where} must be the last place holding parameters."""
    parts, out = [], []
    if scope is None or scope != MARKETPLACE:
        where = " AND shop_id IS NOT NULL" if scope is None else " AND shop_id = %s"
        parts.append(template.format(sk="shop_id", where=where, group=", shop_id"))
        out += [*params, *([] if scope is None else [scope.pk])]
    if scope is None or scope == MARKETPLACE:
        parts.append(template.format(sk="0", where="", group=""))
        out += params
    return " UNION ALL ".join(parts), out


def _days_where(scope) -> tuple[str, list]:
    if scope is None:
        return "", []
    if scope == MARKETPLACE:
        return " AND shop_id IS NULL", []
    return " AND shop_id = %s", [scope.pk]


_V_DAYS = (
    "SELECT COALESCE(shop_id, 0) AS sk, visitor, SUM(pv) AS p, SUM(product_pv) AS pp, SUM(stay_ms) AS s, "
    "SUM(carts) AS c, SUM(favs) AS f FROM analytics_visitorday "
    "WHERE product_id IS NULL AND day >= %s AND day <= %s{where} GROUP BY COALESCE(shop_id, 0), visitor"
)
_V_LIVE = (
    "SELECT {sk} AS sk, visitor, SUM(CASE WHEN kind = 'pv' THEN 1 ELSE 0 END) AS p, "
    "SUM(CASE WHEN kind = 'pv' AND page_type = 'product' THEN 1 ELSE 0 END) AS pp, "
    "SUM(CASE WHEN kind = 'stay' THEN duration_ms ELSE 0 END) AS s, "
    "SUM(CASE WHEN kind = 'cart' THEN 1 ELSE 0 END) AS c, SUM(CASE WHEN kind = 'fav' THEN 1 ELSE 0 END) AS f "
    "FROM analytics_event WHERE ts >= %s AND ts < %s AND kind IN ('pv', 'stay', 'cart', 'fav') "
    "AND visitor <> ''{where} GROUP BY visitor{group}"
)
_ORDERED = (
    "SELECT {sk} AS sk, visitor, MAX(CASE WHEN kind = 'paid' THEN 1 ELSE 0 END) AS paid FROM analytics_event "
    "WHERE kind IN ('order', 'paid') AND ts >= %s AND ts < %s AND visitor <> ''{where} GROUP BY visitor{group}"
)
_TRAFFIC_FUNNEL = """WITH v AS ({v}), o AS ({o})
SELECT v.sk,
  SUM(CASE WHEN v.p > 0 THEN 1 ELSE 0 END), SUM(v.p), SUM(CASE WHEN v.p = 1 THEN 1 ELSE 0 END), SUM(v.s),
  SUM(CASE WHEN v.pp > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN v.c > 0 THEN 1 ELSE 0 END),
  SUM(CASE WHEN v.f > 0 THEN 1 ELSE 0 END),
  SUM(CASE WHEN v.p > 0 AND (v.pp > 0 OR v.c > 0 OR o.visitor IS NOT NULL) THEN 1 ELSE 0 END),
  SUM(CASE WHEN v.p > 0 AND (v.c > 0 OR o.visitor IS NOT NULL) THEN 1 ELSE 0 END),
  SUM(CASE WHEN v.p > 0 AND o.visitor IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN v.p > 0 AND o.paid = 1 THEN 1 ELSE 0 END)
FROM v LEFT JOIN o ON o.sk = v.sk AND o.visitor = v.visitor
GROUP BY v.sk"""


def traffic_funnel(scope, start, end, live_end=None) -> dict[int, dict]:
    """{scope key: {"traffic": {uv, pv, bounced, …}, "funnel": {visit, product, cart, order, pay}}}.

    Traffic: visitors deduplicated over the period. Funnel (funnel.py): the period's visitors who reached a
    step or a later one; orders and payments matched by the visitor of their checkout. One statement."""
    t0, t1 = _bounds(start, end, live_end)
    if live_end is None:
        where, wp = _days_where(scope)
        v_sql, v_params = _V_DAYS.format(where=where), [_day(start), _day(end), *wp]
    else:
        v_sql, v_params = _events_scoped(_V_LIVE, [_ts(t0), _ts(t1)], scope)
    o_sql, o_params = _events_scoped(_ORDERED, [_ts(t0), _ts(t1)], scope)
    out: dict[int, dict] = {}
    with connection.cursor() as cur:
        cur.execute(_TRAFFIC_FUNNEL.format(v=v_sql, o=o_sql), [*v_params, *o_params])
        for sk, *vals in cur.fetchall():
            vals = [int(x or 0) for x in vals]
            out[sk] = {
                "traffic": dict(zip(TRAFFIC_FIELDS, vals[:7], strict=True)),
                "funnel": dict(zip(FUNNEL_FIELDS, [vals[0], *vals[7:]], strict=True)),
            }
    return out


def empty_traffic_funnel() -> dict:
    return {"traffic": dict.fromkeys(TRAFFIC_FIELDS, 0), "funnel": dict.fromkeys(FUNNEL_FIELDS, 0)}


_TRADE_AGGS = {
    "paid_buyers": Count("user_id", distinct=True, filter=Q(kind=EventKind.ORDER_PAID)),
    "paid_fen": Sum("amount_fen", filter=Q(kind=EventKind.ORDER_PAID)),
    "paid_orders": Count("id", filter=Q(kind=EventKind.ORDER_PAID)),
    "ordered_buyers": Count("user_id", distinct=True, filter=Q(kind=EventKind.ORDER_PLACED)),
    "refund_fen": Sum("amount_fen", filter=Q(kind=EventKind.REFUND)),
}


def trade(scope, start, end, live_end=None) -> dict[int, dict]:
    """{scope key: paid buyers/amount/orders, buyers who ordered, refunds} from the money events."""
    t0, t1 = _bounds(start, end, live_end)
    events = Event.objects.filter(
        ts__gte=t0,
        ts__lt=t1,
        kind__in=[EventKind.ORDER_PAID, EventKind.ORDER_PLACED, EventKind.REFUND],
    )
    out: dict[int, dict] = {}
    if scope is None or scope != MARKETPLACE:
        shops = events.filter(shop__isnull=False) if scope is None else events.filter(shop_id=scope.pk)
        for row in shops.values("shop_id").annotate(**_TRADE_AGGS):
            out[row["shop_id"]] = {k: int(row[k] or 0) for k in TRADE_FIELDS}
    if scope is None or scope == MARKETPLACE:
        row = events.aggregate(**_TRADE_AGGS)
        out[MKT] = {k: int(row[k] or 0) for k in TRADE_FIELDS}
    return out


_R_DAYS = (
    "SELECT COALESCE(shop_id, 0) AS sk, visitor, user_id, "
    "CASE WHEN source = '' THEN 'other' ELSE source END AS src FROM analytics_visitorday "
    "WHERE product_id IS NULL AND pv > 0 AND day >= %s AND day <= %s{where}"
)
_R_LIVE = (
    "SELECT sk, visitor, user_id, src FROM (SELECT {sk} AS sk, visitor, user_id, "
    "CASE WHEN source = '' THEN 'other' ELSE source END AS src, "
    "ROW_NUMBER() OVER (PARTITION BY visitor{group} ORDER BY ts, id) AS rn FROM analytics_event "
    "WHERE kind = 'pv' AND ts >= %s AND ts < %s AND visitor <> ''{where}) firsts WHERE rn = 1"
)
_PAYERS = (
    "SELECT DISTINCT {sk} AS sk, user_id FROM analytics_event "
    "WHERE kind = 'paid' AND ts >= %s AND ts < %s AND user_id IS NOT NULL{where}"
)
_SOURCES = """WITH r AS ({r}), pay AS ({pay}),
vp AS (SELECT DISTINCT r.sk, r.visitor FROM r JOIN pay ON pay.sk = r.sk AND pay.user_id = r.user_id)
SELECT r.sk, r.src, COUNT(DISTINCT r.visitor), COUNT(DISTINCT vp.visitor)
FROM r LEFT JOIN vp ON vp.sk = r.sk AND vp.visitor = r.visitor
GROUP BY r.sk, r.src"""


def sources(scope, start, end, live_end=None) -> dict[int, dict[str, list[int]]]:
    """{scope key: {level-2 source: [visitors, paying visitors]}}.

    A visitor counts once per source they entered by on a day of the period (today: their first page view);
    a paying visitor is one whose logged-in buyer id (on any of those visitor-days) has a `paid` event in the
    scope and period."""
    t0, t1 = _bounds(start, end, live_end)
    if live_end is None:
        where, wp = _days_where(scope)
        r_sql, r_params = _R_DAYS.format(where=where), [_day(start), _day(end), *wp]
    else:
        r_sql, r_params = _events_scoped(_R_LIVE, [_ts(t0), _ts(t1)], scope)
    p_sql, p_params = _events_scoped(_PAYERS, [_ts(t0), _ts(t1)], scope)
    out: dict[int, dict] = {}
    with connection.cursor() as cur:
        cur.execute(_SOURCES.format(r=r_sql, pay=p_sql), [*r_params, *p_params])
        for sk, src, visitors, paying in cur.fetchall():
            out.setdefault(sk, {})[src] = [int(visitors), int(paying)]
    return out


def product_traffic(shop, start, end) -> dict[int, dict[int, list[int]]]:
    """{shop id: {product id: [uv, pv, cart visitors]}} over complete days, for one shop or (None) all."""
    rows = VisitorDay.objects.filter(product_id__isnull=False, day__gte=start, day__lte=end)
    if shop is not None:
        rows = rows.filter(shop_id=shop.pk)
    out: dict[int, dict] = {}
    for r in rows.values("shop_id", "product_id").annotate(
        uv=Count("visitor", distinct=True, filter=Q(pv__gt=0)),
        pv_sum=Sum("pv"),
        cart_visitors=Count("visitor", distinct=True, filter=Q(carts__gt=0)),
    ):
        out.setdefault(r["shop_id"], {})[r["product_id"]] = [r["uv"], r["pv_sum"] or 0, r["cart_visitors"]]
    return out


def product_sales(shop, start, end, live_end=None) -> dict[int, dict[int, list[int]]]:
    """{shop id: {product id: [paid buyers, paid fen, units]}} from the `item_paid` events of the period (or of
    [start of `start`, live_end)), for one shop or (None) all: 商品分析's sales half."""
    t0, t1 = _bounds(start, end, live_end)
    rows = Event.objects.filter(
        kind=EventKind.ITEM_PAID, ts__gte=t0, ts__lt=t1, product_id__isnull=False, shop__isnull=False
    )
    if shop is not None:
        rows = rows.filter(shop_id=shop.pk)
    out: dict[int, dict] = {}
    for r in rows.values("shop_id", "product_id").annotate(
        buyers=Count("user_id", distinct=True), fen=Sum("amount_fen"), units=Sum("quantity")
    ):
        out.setdefault(r["shop_id"], {})[r["product_id"]] = [r["buyers"], r["fen"] or 0, r["units"] or 0]
    return out


def product_traffic_live(shop, start, live_end) -> dict[int, dict[int, list[int]]]:
    """The same as `product_traffic` from the events of [start of `start`, live_end) (today)."""
    rows = Event.objects.filter(
        product_id__isnull=False,
        shop__isnull=False,
        ts__gte=day_bounds(start)[0],
        ts__lt=live_end,
        kind__in=[EventKind.PAGE_VIEW, EventKind.CART_ADD],
    ).exclude(visitor="")
    if shop is not None:
        rows = rows.filter(shop_id=shop.pk)
    out: dict[int, dict] = {}
    for r in rows.values("shop_id", "product_id").annotate(
        uv=Count("visitor", distinct=True, filter=Q(kind=EventKind.PAGE_VIEW)),
        pv_sum=Count("id", filter=Q(kind=EventKind.PAGE_VIEW)),
        cart_visitors=Count("visitor", distinct=True, filter=Q(kind=EventKind.CART_ADD)),
    ):
        out.setdefault(r["shop_id"], {})[r["product_id"]] = [r["uv"], r["pv_sum"], r["cart_visitors"]]
    return out


def daily(scope, start, end) -> dict[int, dict]:
    """{scope key: {day: counts of that day}} over complete days (visitors deduplicated within a day)."""
    days = VisitorDay.objects.filter(product_id__isnull=True, day__gte=start, day__lte=end)
    if scope is not None:
        days = days.filter(shop__isnull=True) if scope == MARKETPLACE else days.filter(shop_id=scope.pk)
    out: dict[int, dict] = {}
    for row in days.values("shop_id", "day").annotate(
        uv=Count("id", filter=Q(pv__gt=0)),
        pv_sum=Sum("pv"),
        bounced=Count("id", filter=Q(pv=1)),
        stay=Sum("stay_ms"),
        product_visitors=Count("id", filter=Q(product_pv__gt=0)),
        cart_visitors=Count("id", filter=Q(carts__gt=0)),
        fav_visitors=Count("id", filter=Q(favs__gt=0)),
    ):
        out.setdefault(row["shop_id"] or MKT, {})[row["day"]] = {
            "uv": row["uv"],
            "pv": row["pv_sum"] or 0,
            "bounced": row["bounced"],
            "stay_ms": row["stay"] or 0,
            "product_visitors": row["product_visitors"],
            "cart_visitors": row["cart_visitors"],
            "fav_visitors": row["fav_visitors"],
        }
    tz = timezone.get_current_timezone()
    events = Event.objects.filter(
        ts__gte=day_bounds(start)[0],
        ts__lt=day_bounds(end)[1],
        kind__in=[EventKind.ORDER_PAID, EventKind.ORDER_PLACED, EventKind.REFUND],
    ).annotate(d=TruncDate("ts", tzinfo=tz))
    groups = []
    if scope is None or scope != MARKETPLACE:
        shops = events.filter(shop__isnull=False) if scope is None else events.filter(shop_id=scope.pk)
        groups.append((shops.values("shop_id", "d"), "shop_id"))
    if scope is None or scope == MARKETPLACE:
        groups.append((events.values("d"), None))
    for rows, key in groups:
        for row in rows.annotate(**_TRADE_AGGS):
            day = out.setdefault(row[key] if key else MKT, {}).setdefault(row["d"], {})
            day.update({k: int(row[k] or 0) for k in TRADE_FIELDS})
    return out
