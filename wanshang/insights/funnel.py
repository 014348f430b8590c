"""转化漏斗: visit → product view → add to cart → order → pay, counted over the same people.

Each step counts the period's visitors (a page view in the scope) who reached that step *or a later one*, so
the steps never grow: a buyer who used 立即购买 without the cart still passed the cart step, and an order
placed with no visit in the scope (through the API without a page view) is not in this funnel — it is in
支付买家数. Orders and payments are matched to visitors by the visitor of their checkout (`Order.visitor`).
"""

from django.utils.translation import gettext_noop

from wanshang.insights import grouped
from wanshang.insights.metrics import Period, _ratio

STEPS = [
    ("visit", gettext_noop("访客")),
    ("product", gettext_noop("浏览商品")),
    ("cart", gettext_noop("加购")),
    ("order", gettext_noop("下单")),
    ("pay", gettext_noop("支付")),
]


def funnel_counts(scope, period: Period) -> dict[str, int]:
    """The five steps' counts, in one statement (grouped.traffic_funnel)."""
    key = grouped.scope_key(scope)
    rows = grouped.traffic_funnel(scope, period.start, period.end, period.live_end)
    return rows.get(key, grouped.empty_traffic_funnel())["funnel"]


def funnel(scope, period: Period, counts: dict | None = None) -> list[dict]:
    """The steps with their counts, each step's share of the one before, its drop-off and share of visitors.
    `counts`: the steps' counts when already known (a stored board)."""
    counts = counts if counts is not None else funnel_counts(scope, period)
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
