"""数据中心 · 服务评价 (the shop's DSR against its main category's peers and its daily trend) and 售后分析 (refund
and dispute rates, refund time, the reasons buyers give per product)."""

from datetime import date

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from wanshang.common.errors import ValidationError
from wanshang.insights.selectors import AFTERSALES_DAYS, aftersales_board, chat_board, chat_default_range
from wanshang.merchants import permissions as P
from wanshang.reviews.selectors import product_rating_totals
from wanshang.sellercenter.access import seller_render, seller_view
from wanshang.sellercenter.views.reviews import dsr_board

PERIODS = {"30d": 30, "90d": 90, "180d": 180}


@seller_view(P.DATA_VIEW)
def data_service(request):
    period = request.GET.get("period", "30d")
    period = period if period in PERIODS else "30d"
    return seller_render(
        request,
        "sellercenter/datacenter/service.html",
        {
            **dsr_board(request.shop, days=PERIODS[period]),
            "period": period,
            "periods": list(PERIODS),
            "totals": product_rating_totals(shop=request.shop),
        },
        active="data_service",
    )


@seller_view(P.DATA_VIEW)
def data_aftersales(request):
    raw = request.GET.get("days", "30")
    days = int(raw) if raw.isdigit() and int(raw) in AFTERSALES_DAYS else 30
    return seller_render(
        request,
        "sellercenter/datacenter/aftersales.html",
        {"board": aftersales_board(shop=request.shop, days=days), "periods": AFTERSALES_DAYS},
        active="data_aftersales",
    )


def _day(raw: str | None, default: date) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_("日期格式应为 YYYY-MM-DD")) from None


def wait_text(seconds) -> str:
    """45 → "45秒", 130 → "2分10秒", None → "—"."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return _("%(s)d秒") % {"s": seconds}
    return _("%(m)d分%(s)d秒") % {"m": seconds // 60, "s": seconds % 60}


@seller_view(P.DATA_VIEW)
def data_chat(request):
    """客服数据: first-response time p50/p90, answered within 3 minutes, 询单转化率, satisfaction, SLA breaches."""
    start, end = chat_default_range(timezone.localdate())
    date_from = _day(request.GET.get("from"), start)
    date_to = _day(request.GET.get("to"), end)
    board = chat_board(shop=request.shop, date_from=date_from, date_to=date_to)
    for row in [board["shop"], *board["agents"]]:
        row["p50_text"] = wait_text(row["first_response_p50"])
        row["p90_text"] = wait_text(row["first_response_p90"])
        total = row["ratings"] or 1
        row["dist"] = [
            (n, row["satisfaction_dist"][n], row["satisfaction_dist"][n] / total) for n in range(5, 0, -1)
        ]
    return seller_render(request, "sellercenter/datacenter/chat.html", {"board": board}, active="data_chat")


urlpatterns = [
    path("service/", data_service, name="data_service"),
    path("chat/", data_chat, name="data_chat"),
    path("aftersales/", data_aftersales, name="data_aftersales"),
]
