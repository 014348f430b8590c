"""数据中心 reads for the faces: one call per page, the same for the seller center, the platform and the API.

`scope` is a shop (seller side, always the caller's own) or `metrics.MARKETPLACE` (the platform).
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from wanshang.analytics.types import LEVEL1, LEVEL1_ORDER
from wanshang.insights import metrics
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
from wanshang.insights.metrics import MARKETPLACE, METRICS, PERIODS, counts_for, period_for
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
    """Figures of a period against the previous one and the category average, funnel, trend, source mix."""
    now = now or timezone.now()
    period = period_for(period_key, now=now)
    current, previous = counts_for(scope, period), counts_for(scope, period.previous)
    average = category_average(shop=scope, period=period) if scope != MARKETPLACE else None
    trend_end = period.end if period.live_end is None else period.end - timedelta(days=1)
    trend_days = 30 if period.key == "30d" else 7
    trend = metrics.daily_series(scope, trend_end - timedelta(days=trend_days - 1), trend_end)
    if period.live_end is not None:  # today so far, as the last point
        trend.append({"day": period.start, **current.as_dict()})
    return {
        "period": period,
        "periods": PERIODS,
        "counts": current,
        "previous": previous,
        "cards": metric_cards(current, previous, average),
        "category_avg": average,
        "funnel": funnel(scope, period),
        "trend": trend,
        "sources": metrics.sources(scope, period),
        "bounce_definition": BOUNCE_DEFINITION,
        "now": now,
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
    """Platform only: shops by paid amount in the period, with visitors and conversion."""
    period = period_for(period_key, now=now)
    paid = metrics.paid_by_shop(period)
    shops = shops_by_ids(ids=list(paid)[: limit * 3])
    rows = []
    for shop_id, fen in sorted(paid.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
        shop = shops.get(shop_id)
        if shop is None:
            continue
        c = counts_for(shop, period)
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
