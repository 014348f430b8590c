"""数据中心 reads for the faces: one call per page, the same for the seller center, the platform and the API.

`scope` is a shop (seller side, always the caller's own) or `metrics.MARKETPLACE` (the platform).
"""

from django.utils import timezone
from django.utils.translation import gettext_noop

from wanshang.analytics.types import LEVEL1, LEVEL1_ORDER
from wanshang.insights import boards, metrics
from wanshang.insights.aftersales import PERIOD_DAYS as AFTERSALES_DAYS  # noqa: F401 - for the faces
from wanshang.insights.aftersales import aftersales_board as aftersales_board
from wanshang.insights.anomaly import (
    alert_list,
    alerts_recent,
    alerts_unread_count,
    platform_alert_list,
    platform_alerts_unread_count,
)
from wanshang.insights.chat import chat_board as chat_board
from wanshang.insights.chat import default_range as chat_default_range  # noqa: F401 - for the faces
from wanshang.insights.customers import (
    buyer_logins,
    cohort_months_check,
    cohorts,
    crowd_pack_built_at,
    crowd_pack_get,
    crowd_pack_members,
    crowd_packs,
    repurchase,
    rfm_compute,
    rfm_segment_buyers,
    rfm_segment_rows,
    rule_label,
    segment_check,
    window_check,
)
from wanshang.insights.experiments import (
    experiment_get,
    experiment_list,
    experiment_products,
    experiment_results_open,
    experiment_variant_for,
)
from wanshang.insights.exports import trade_export
from wanshang.insights.funnel import funnel
from wanshang.insights.metrics import MARKETPLACE, METRICS, PERIODS, period_for
from wanshang.insights.peers import category_average
from wanshang.insights.peers import competition as compare
from wanshang.insights.products import MIN_VISITORS, product_analysis
from wanshang.insights.stockcover import stock_cover_alerts_unread
from wanshang.insights.trade import platform_trade_report, trade_chart, trade_range, trade_report
from wanshang.merchants.selectors import shops_by_ids

BOUNCE_DEFINITION = gettext_noop(
    "跳失率 = 统计期内只浏览了一个页面就离开的访客数 ÷ 访客数（按访客去重，“无后续点击”口径）"
)


def _change(now, before):
    if now is None or before in (None, 0):
        return None
    return (now - before) / before


def metric_cards(current, previous, average: dict | None) -> list[dict]:
    cards = []
    for attr, label, kind in METRICS:
        value, prev = getattr(current, attr), getattr(previous, attr)
        cards.append(
            {
                "key": attr,
                "label": label,
                "kind": kind,
                "value": value,
                "previous": prev,
                "change": _change(value, prev),
                "category_avg": (average or {}).get("values", {}).get(attr) if average else None,
            }
        )
    return cards


def dashboard(*, scope, period_key: str = "today", now=None) -> dict:
    """Figures of a period against the previous one and the category average, funnel, trend, source mix.

    The figures come from the stored boards (boards.py) when they are fresh: 7 and 30 days as of the last
    rollup, today as of the boards job's last tick (`live_at`, at most LIVE_MAX_AGE old), with the stored
    7-day board's days as its trend; otherwise they are computed now. `precomputed` says which."""
    now = now or timezone.now()
    period = period_for(period_key, now=now)
    average = category_average(shop=scope, period=period) if scope != MARKETPLACE else None
    board = boards.board(scope, period)
    current, steps = board.counts, funnel(scope, period, counts=board.funnel)
    source_mix = metrics.sources_from(board.sources)
    precomputed = board.precomputed
    if period.live_end is None:
        previous, trend = boards.board(scope, period.previous, parts=()).counts, board.series
    else:  # the stored 7 days before today as the trend, today so far as its last point
        previous = board.previous
        week = boards.board(scope, period_for("7d", now=now), parts=("series",))
        trend = [*week.series, {"day": period.start, **current.as_dict()}]
        precomputed = precomputed and week.precomputed
    return {
        "period": period,
        "periods": PERIODS,
        "counts": current,
        "previous": previous,
        "cards": metric_cards(current, previous, average),
        "category_avg": average,
        "funnel": steps,
        "trend": trend,
        "sources": source_mix,
        "bounce_definition": BOUNCE_DEFINITION,
        "now": now,
        "live_at": board.live_at,
        "precomputed": precomputed,
    }


def products(*, shop, period_key: str = "7d", now=None) -> dict:
    period = period_for(period_key, now=now)
    return {
        "period": period,
        "periods": PERIODS,
        "rows": product_analysis(shop=shop, period=period),
        "min_visitors": MIN_VISITORS,
    }


def competition(*, shop, period_key: str = "7d", now=None) -> dict:
    period = period_for(period_key, now=now)
    data = compare(shop=shop, period=period)
    rows = [
        {
            "code": code,
            "label": str(LEVEL1[code]),
            "mine": data["mine"]["mix"].get(code),
            "top": data["top"]["mix"].get(code) if data["top"] else None,
        }
        for code in LEVEL1_ORDER
    ]
    return {"period": period, "periods": PERIODS, **data, "mix_rows": rows}


def top_shops(*, period_key: str = "7d", now=None, limit: int = 20) -> list[dict]:
    """Platform only: shops by paid amount in the period, with visitors and conversion (the shops' stored
    boards for 7/30 days, else one grouped count for all shops)."""
    period = period_for(period_key, now=now)
    counts = boards.counts_of_every_shop(period)
    if counts is not None:
        paid = {pk: c.paid_fen for pk, c in counts.items() if c.paid_fen}
    else:
        paid = metrics.paid_by_shop(period)
    ranked = sorted(paid.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    shops = shops_by_ids(ids=[pk for pk, _fen in ranked])
    if counts is None:
        counts, _stored = boards.counts_of_shops([pk for pk, _fen in ranked if pk in shops], period)
    rows = []
    for shop_id, fen in ranked:
        shop = shops.get(shop_id)
        if shop is None:
            continue
        c = counts[shop_id]
        rows.append(
            {
                "shop": shop,
                "paid_fen": fen,
                "uv": c.uv,
                "paid_buyers": c.paid_buyers,
                "conversion": c.pay_conversion,
                "per_buyer_fen": c.per_buyer_fen,
            }
        )
    return rows


# The reports' reads, re-exported so the faces need only this module (with services.py and types.py).
__all__ = [
    "BOUNCE_DEFINITION",
    "alert_list",
    "alerts_recent",
    "alerts_unread_count",
    "buyer_logins",
    "cohort_months_check",
    "cohorts",
    "competition",
    "crowd_pack_built_at",
    "crowd_pack_get",
    "crowd_pack_members",
    "crowd_packs",
    "dashboard",
    "experiment_get",
    "experiment_list",
    "experiment_products",
    "experiment_results_open",
    "experiment_variant_for",
    "metric_cards",
    "platform_alert_list",
    "platform_alerts_unread_count",
    "stock_cover_alerts_unread",
    "platform_trade_report",
    "products",
    "repurchase",
    "rfm_compute",
    "rfm_segment_buyers",
    "rfm_segment_rows",
    "rule_label",
    "segment_check",
    "top_shops",
    "trade_chart",
    "trade_export",
    "trade_range",
    "trade_report",
    "window_check",
]
