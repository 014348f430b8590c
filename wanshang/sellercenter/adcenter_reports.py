"""推广报表 pages under /seller/ads/reports/: the keyword ads' figures by day, plan, group and keyword with the
daily chart (ECharts), the search terms, the audience plans' crowds (引力魔方), each keyword's quality score
explained, and the Excel export. Over
`ads.selectors`; another shop's plan, group or keyword id is 404, a bad filter a 400 with the reason."""

from datetime import date
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wanshang.ads import selectors as ads
from wanshang.common.errors import ValidationError
from wanshang.common.money import fen_to_yuan_str
from wanshang.merchants import permissions as P
from wanshang.sellercenter.access import seller_render, seller_view

PERM = P.ADS_MANAGE
PERIODS = (7, 14, 30)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# marked for makemessages (translated when shown): "按广告位" had no English entry and showed in Chinese
BY_LABELS = (
    ("day", gettext_noop("按天")),
    ("hour", gettext_noop("按小时")),
    ("plan", gettext_noop("按计划")),
    ("group", gettext_noop("按单元")),
    ("keyword", gettext_noop("按关键词")),
    ("placement", gettext_noop("按广告位")),
)


def _id(raw, name: str):
    if raw in (None, ""):
        return None
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:  # "²" is a digit to isdigit(), not to int()
        raise ValidationError(_("%(name)s编号无效") % {"name": name}, field=name)
    return int(raw)


def _date(raw, name: str) -> date | None:
    if raw in (None, ""):
        return None
    text = str(raw)
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("日期格式须是 YYYY-MM-DD"), field=name) from None


def filters(get) -> dict:
    """The report's filters from a query string; ValidationError (400) for one that makes no sense. A period
    is the last 7, 14 or 30 days, or start..end (both dates, checked by `ads.traffic_report`)."""
    start, end = _date(get.get("start"), "start"), _date(get.get("end"), "end")
    days = get.get("days", "7")
    if start is None and end is None and days not in {str(d) for d in PERIODS}:
        raise ValidationError(_("统计周期须是 7、14 或 30 天"), field="days")
    by = get.get("by", "day")
    if by not in dict(BY_LABELS):
        raise ValidationError(_("报表维度须是 day / hour / plan / group / keyword / placement"), field="by")
    placement = get.get("placement") or None
    if placement is not None and placement not in dict(ads.PLACEMENTS):
        raise ValidationError(_("广告位不存在"), field="placement")
    custom = start is not None or end is not None
    return {
        "days": None if custom else int(days),
        "start": start,
        "end": end,
        "by": by,
        "plan_id": _id(get.get("plan"), _("计划")),
        "group_id": _id(get.get("group"), _("单元")),
        "placement": placement,
    }


def _scope(f: dict) -> dict:
    return {k: f[k] for k in ("days", "start", "end", "plan_id", "group_id", "placement")}


def crowds_for(shop, f: dict):
    """The crowd report of the selected audience plan, or of all the shop's audience plans when none is selected;
    None for a keyword plan, a group, or a shop without audience data."""
    if f["group_id"] is not None:
        return None
    period = {k: f[k] for k in ("days", "start", "end")}
    try:
        report = ads.crowd_report(shop=shop, plan_id=f["plan_id"], **period)
    except ValidationError:  # a keyword plan has no crowds
        return None
    return report if report.rows or report.plan is not None else None


def trend_chart(rows, *, hourly: bool = False) -> dict:
    """Impressions and clicks (bars and a line) with spend (net of refunds) and GMV in yuan on the second axis,
    by day or by hour of day."""
    names = [_("展现量"), _("点击量"), _("花费(元)"), _("成交金额(元)")]
    return {
        "tooltip": {"trigger": "axis"},
        # a scroll legend keeps one line: wrapped at phone width it covered the axis names
        "legend": {"data": names, "top": 0, "type": "scroll"},
        "grid": {"left": 48, "right": 56, "top": 56, "bottom": 28},
        "xAxis": {
            "type": "category",
            "data": [r.label if hourly else r.key.strftime("%m-%d") for r in rows],
        },
        "yAxis": [{"type": "value", "name": _("次")}, {"type": "value", "name": _("元")}],
        "series": [
            {
                "name": names[0],
                "type": "bar",
                "data": [r.impressions for r in rows],
                "itemStyle": {"opacity": 0.4},
            },
            {"name": names[1], "type": "line", "data": [r.clicks for r in rows]},
            {
                "name": names[2],
                "type": "line",
                "yAxisIndex": 1,
                "data": [float(fen_to_yuan_str(r.spend_fen)) for r in rows],
            },
            {
                "name": names[3],
                "type": "line",
                "yAxisIndex": 1,
                "data": [float(fen_to_yuan_str(r.gmv_fen)) for r in rows],
            },
        ],
    }


daily_chart = trend_chart


@seller_view(PERM)
def reports_view(request):
    f = filters(request.GET)
    scope = _scope(f)
    daily = ads.traffic_report(shop=request.shop, by="day", **scope)
    hourly = ads.traffic_report(shop=request.shop, by="hour", **scope)
    table = {"day": daily, "hour": hourly}.get(f["by"]) or ads.traffic_report(
        shop=request.shop, by=f["by"], **scope
    )
    terms_scope = {k: v for k, v in scope.items() if k != "placement"}
    terms = ads.search_terms(shop=request.shop, **terms_scope, limit=50)
    quality = ads.keyword_quality(shop=request.shop, group_id=f["group_id"]) if f["group_id"] else []
    crowds = crowds_for(request.shop, f)
    return seller_render(
        request,
        "sellercenter/ads/reports.html",
        {
            "f": f,
            "daily": daily,
            "hourly": hourly,
            "table": table,
            "terms": terms,
            "crowds": crowds,
            "quality": quality,
            "chart": trend_chart(daily.rows),
            "hour_chart": trend_chart(hourly.rows, hourly=True),
            "plans": ads.report_plans(shop=request.shop),
            "periods": PERIODS,
            "placements": ads.PLACEMENTS,
            "by_labels": [(k, _(v)) for k, v in BY_LABELS],
            "query": request.GET.urlencode(),
            "period_query": _period_query(f),
        },
        active="ads_reports",
    )


def _period_query(f: dict) -> str:
    if f["days"] is not None:
        return urlencode({"days": f["days"]})
    return urlencode({"start": f["start"].isoformat(), "end": f["end"].isoformat()})


@seller_view(PERM)
def reports_export(request):
    f = filters(request.GET)
    scope = _scope(f)
    report = ads.traffic_report(shop=request.shop, by=f["by"], **scope)
    hourly = report if f["by"] == "hour" else ads.traffic_report(shop=request.shop, by="hour", **scope)
    terms = ads.search_terms(shop=request.shop, **{k: v for k, v in scope.items() if k != "placement"})
    crowds = crowds_for(request.shop, f)
    response = HttpResponse(ads.report_xlsx(report, terms, hourly=hourly, crowds=crowds), content_type=XLSX)
    name = f"ads-report-{request.shop.pk}-{f['by']}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@seller_view(PERM)
def keyword_quality_view(request, keyword_id: int):
    """One keyword's quality score with its three components and what to do (a 404 for another shop's)."""
    found = ads.keyword_quality(shop=request.shop, keyword_id=keyword_id)[0]
    return seller_render(
        request, "sellercenter/ads/report_quality.html", {"item": found}, active="ads_reports"
    )


urlpatterns = [
    path("", reports_view, name="ads_reports"),
    path("export.xlsx", reports_export, name="ads_reports_export"),
    path("keywords/<int:keyword_id>/quality/", keyword_quality_view, name="ads_keyword_quality"),
]
