"""转化漏斗: visit → product view → add to cart → order → pay, counted over the same people.

Each step counts the period's visitors (a page view in the scope) who reached that step *or a later one*, so
the steps never grow: a buyer who used 立即购买 without the cart still passed the cart step, and an order
placed with no visit in the scope (through the API without a page view) is not in this funnel — it is in
支付买家数. Orders and payments are matched to visitors by the visitor of their checkout (`Order.visitor`).
"""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_noop

from wanshang.analytics.readmodel import TRAFFIC_KINDS, EventKind, day_bounds
from wanshang.insights.metrics import Period, _ratio, days_of, events_of

STEPS = [
    ("visit", gettext_noop("访客")),
    ("product", gettext_noop("浏览商品")),
    ("cart", gettext_noop("加购")),
    ("order", gettext_noop("下单")),
    ("pay", gettext_noop("支付")),
]
CHUNK = 500


def _per_visitor(scope, period: Period):
    """Per visitor of the period: pv, product pv and carts (rollup for whole days, events for today)."""
    if period.live_end is None:
        return (
            days_of(scope)
            .filter(day__gte=period.start, day__lte=period.end)
            .values("visitor")
            .annotate(p=Sum("pv"), pp=Sum("product_pv"), c=Sum("carts"))
        )
    return (
        events_of(scope)
        .filter(ts__gte=day_bounds(period.start)[0], ts__lt=period.live_end, kind__in=TRAFFIC_KINDS)
        .exclude(visitor="")
        .values("visitor")
        .annotate(
            p=Count("id", filter=Q(kind=EventKind.PAGE_VIEW)),
            pp=Count("id", filter=Q(kind=EventKind.PAGE_VIEW, page_type="product")),
            c=Count("id", filter=Q(kind=EventKind.CART_ADD)),
        )
    )


def funnel_counts(scope, period: Period) -> dict[str, int]:
    start = day_bounds(period.start)[0]
    end = period.live_end or day_bounds(period.end)[1]
    trade = events_of(scope).filter(ts__gte=start, ts__lt=end).exclude(visitor="")
    ordered = set(trade.filter(kind=EventKind.ORDER_PLACED).values_list("visitor", flat=True))
    paid = set(trade.filter(kind=EventKind.ORDER_PAID).values_list("visitor", flat=True))
    per_visitor = _per_visitor(scope, period)
    totals = per_visitor.aggregate(
        visit=Count("visitor", filter=Q(p__gt=0)),
        product=Count("visitor", filter=Q(p__gt=0) & (Q(pp__gt=0) | Q(c__gt=0))),
        cart=Count("visitor", filter=Q(p__gt=0, c__gt=0)),
    )
    counts = {
        "visit": totals["visit"] or 0,
        "product": totals["product"] or 0,
        "cart": totals["cart"] or 0,
        "order": 0,
        "pay": 0,
    }
    buyers = sorted(ordered | paid)
    for i in range(0, len(buyers), CHUNK):  # the few visitors who ordered: where did they get to before?
        for row in per_visitor.filter(visitor__in=buyers[i : i + CHUNK]):
            if not row["p"]:
                continue  # ordered without a page view in the scope and period
            if not row["pp"] and not row["c"]:
                counts["product"] += 1
            if not row["c"]:
                counts["cart"] += 1
            counts["order"] += 1
            counts["pay"] += row["visitor"] in paid
    return counts


def funnel(scope, period: Period) -> list[dict]:
    """The steps with their counts, each step's share of the one before, its drop-off and share of visitors."""
    counts = funnel_counts(scope, period)
    steps, previous = [], None
    for key, label in STEPS:
        n = counts[key]
        steps.append(
            {
                "key": key,
                "label": label,
                "count": n,
                "of_previous": _ratio(n, previous) if previous is not None else None,
                "drop_off": (1 - _ratio(n, previous)) if previous else None,
                "of_visitors": _ratio(n, counts["visit"]),
            }
        )
        previous = n
    return steps
