"""Platform 数据中心 · 交易报表 (the marketplace or one shop, hourly, with the range per shop; Excel/CSV) and
支付异常下跌 alerts across shops (the platform marks only the marketplace-wide ones read)."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import DomainError
from wanshang.insights.selectors import (
    platform_alert_list,
    platform_alerts_unread_count,
    platform_trade_report,
    trade_chart,
    trade_export,
    trade_range,
)
from wanshang.insights.services import platform_alert_mark_read
from wanshang.insights.types import MAX_DAYS
from wanshang.merchants.selectors import shop_list
from wanshang.platform.access import operator_view

ALERTS_PER_PAGE = 30


def _shop_id(request) -> int | None:
    value = request.GET.get("shop", "")
    return int(value) if value.isdigit() else None


def _quick_ranges() -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    out = [(_("昨天"), today - timedelta(days=1), today - timedelta(days=1))]
    out += [(_("近 %(n)d 天") % {"n": n}, today - timedelta(days=n - 1), today) for n in (7, 30, MAX_DAYS)]
    return [(label, a.isoformat(), b.isoformat()) for label, a, b in out]


@operator_view
def data_trade(request):
    params = {"start": request.GET.get("start", ""), "end": request.GET.get("end", "")}
    shop_id = _shop_id(request)
    context = {
        "nav": "data",
        "params": params,
        "shop_id": shop_id,
        "shops": shop_list().order_by("name"),
        "quick": _quick_ranges(),
        "max_days": MAX_DAYS,
        "platform_unread": platform_alerts_unread_count(),
    }
    try:
        rng = trade_range(**params)
        report = platform_trade_report(rng=rng, shop_id=shop_id)
    except DomainError as exc:
        return render(
            request,
            "platform/datacenter/trade.html",
            {**context, "error": exc.message},
            status=exc.status_code,
        )
    query = f"start={rng.start.isoformat()}&end={rng.end.isoformat()}" + (
        f"&shop={shop_id}" if shop_id else ""
    )
    return render(
        request,
        "platform/datacenter/trade.html",
        {
            **context,
            "report": report,
            "chart": trade_chart(report),
            "query": query,
        },
    )


@operator_view
def data_trade_export(request, fmt: str):
    """.xlsx (按小时, 按日, 按店铺 sheets) or .csv (?report=hours|days|shops) with the page's parameters."""
    rng = trade_range(start=request.GET.get("start"), end=request.GET.get("end"))
    report = platform_trade_report(rng=rng, shop_id=_shop_id(request))
    export = trade_export(report, fmt=fmt, table=request.GET.get("report") or "hours")
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response


@operator_view
def data_alerts(request):
    scope = request.GET.get("scope", "all")
    unread_only = request.GET.get("unread") == "1"
    shop_id = _shop_id(request)
    qs = platform_alert_list(scope=scope, shop_id=shop_id, unread_only=unread_only)
    page = Paginator(qs, ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "platform/datacenter/alerts.html",
        {
            "nav": "data",
            "page": page,
            "scope": scope,
            "unread_only": unread_only,
            "shop_id": shop_id,
            "shops": shop_list().order_by("name"),
            "platform_unread": platform_alerts_unread_count(),
        },
    )


@operator_view
@require_POST
def data_alert_read(request, alert_id: int):
    platform_alert_mark_read(alert_id=alert_id)
    messages.success(request, _("已标记为已读"))
    return redirect("platform:data_alerts")


urlpatterns = [
    path("trade/", data_trade, name="data_trade"),
    path("trade/export.<str:fmt>", data_trade_export, name="data_trade_export"),
    path("alerts/", data_alerts, name="data_alerts"),
    path("alerts/<int:alert_id>/read/", data_alert_read, name="data_alert_read"),
]
