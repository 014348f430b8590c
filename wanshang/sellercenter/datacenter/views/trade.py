"""数据中心 · 交易报表 (hourly chart and table, Excel/CSV) and 异常提醒 (支付异常下跌) of the staff member's shop."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wanshang.common.errors import ValidationError
from wanshang.insights.selectors import (
    alert_list,
    alerts_unread_count,
    trade_chart,
    trade_export,
    trade_range,
    trade_report,
)
from wanshang.insights.services import alert_mark_read, alerts_mark_all_read
from wanshang.insights.types import MAX_DAYS
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view

ALERTS_PER_PAGE = 20


def _range_params(request) -> dict:
    return {"start": request.GET.get("start", ""), "end": request.GET.get("end", "")}


def quick_ranges() -> list[tuple[str, str, str]]:
    """(label, start, end) links: the last 7, 30 and 92 days up to today, and yesterday."""
    today = timezone.localdate()
    out = [(_("昨天"), today - timedelta(days=1), today - timedelta(days=1))]
    out += [(_("近 %(n)d 天") % {"n": n}, today - timedelta(days=n - 1), today) for n in (7, 30, MAX_DAYS)]
    return [(label, a.isoformat(), b.isoformat()) for label, a, b in out]


@seller_view(P.DATA_VIEW)
def data_trade(request):
    params = _range_params(request)
    try:
        rng = trade_range(**params)
    except ValidationError as exc:
        return seller_render(
            request,
            "sellercenter/datacenter/trade.html",
            {
                "error": exc.message,
                "params": params,
                "max_days": MAX_DAYS,
                "quick": quick_ranges(),
            },
            status=400,
            active="data_trade",
        )
    report = trade_report(shop=request.shop, rng=rng)
    return seller_render(
        request,
        "sellercenter/datacenter/trade.html",
        {
            "report": report,
            "chart": trade_chart(report),
            "params": params,
            "max_days": MAX_DAYS,
            "quick": quick_ranges(),
            "query": f"start={rng.start.isoformat()}&end={rng.end.isoformat()}",
        },
        active="data_trade",
    )


@seller_view(P.DATA_VIEW)
def data_trade_export(request, fmt: str):
    """GET with the page's range: .xlsx (按小时 + 按日 sheets) or .csv (?report=hours|days). Bad input → 400."""
    rng = trade_range(**_range_params(request))  # ValidationError → the 400 error page (seller_view)
    export = trade_export(
        trade_report(shop=request.shop, rng=rng), fmt=fmt, table=request.GET.get("report") or "hours"
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response


@seller_view(P.DATA_VIEW)
def data_alerts(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(alert_list(shop=request.shop, unread_only=unread_only), ALERTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return seller_render(
        request,
        "sellercenter/datacenter/alerts.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_count": alerts_unread_count(request.shop),
        },
        active="data_alerts",
    )


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("sellercenter:data_alerts")


@require_POST
@seller_view(P.DATA_VIEW)
def data_alert_read(request, alert_id: int):
    alert_mark_read(shop=request.shop, alert_id=alert_id)  # another shop's alert: NotFound → 404
    return _back(request)


@require_POST
@seller_view(P.DATA_VIEW)
def data_alerts_read_all(request):
    n = alerts_mark_all_read(shop=request.shop)
    messages.success(request, _("已将 %(n)d 条提醒标记为已读") % {"n": n})
    return _back(request)


urlpatterns = [
    path("trade/", data_trade, name="data_trade"),
    path("trade/export.<str:fmt>", data_trade_export, name="data_trade_export"),
    path("alerts/", data_alerts, name="data_alerts"),
    path("alerts/<int:alert_id>/read/", data_alert_read, name="data_alert_read"),
    path("alerts/read-all/", data_alerts_read_all, name="data_alerts_read_all"),
]
