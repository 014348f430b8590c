"""/api/platform/data/trade…, /alerts…: the marketplace's 交易报表 (or one shop's) with the range per shop, and the
支付异常下跌 alerts of every shop and of the marketplace. Operators only (the parent router's auth)."""

from datetime import date, datetime

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from wanshang.analytics.anomaly import (
    platform_alert_list,
    platform_alert_mark_read,
    platform_alerts_unread_count,
)
from wanshang.analytics.exports import trade_export
from wanshang.analytics.trade import platform_trade_report, trade_range

router = Router()

MAX_LIMIT = 200


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class RangeQuery(In):
    start: str | None = Field(None, description="开始日期 YYYY-MM-DD（默认结束日期前 6 天）")
    end: str | None = Field(None, description="结束日期 YYYY-MM-DD（默认今天；最长 92 天）")
    shop_id: int | None = Field(None, description="只看一个店铺；留空为全平台")


class ExportQuery(RangeQuery):
    report: str = Field("hours", description="CSV 导出哪张表：hours、days 或 shops；xlsx 含全部")


class AlertQuery(In):
    scope: str = Field("all", description="all 全部、platform 仅全平台、shops 仅店铺")
    shop_id: int | None = None
    unread: bool = False
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class TotalsOut(Schema):
    orders: int
    amount_fen: int
    buyers: int
    refund_fen: int


class HourOut(Schema):
    start: datetime
    day: date
    hour: int
    label: str
    orders: int
    amount_fen: int
    refund_fen: int


class DayOut(Schema):
    day: date
    orders: int
    amount_fen: int
    buyers: int
    refund_fen: int


class ShopRowOut(Schema):
    shop_id: int | None
    shop_name: str
    orders: int
    amount_fen: int
    buyers: int
    refund_fen: int


class TradeOut(Schema):
    start: date
    end: date
    shop_id: int | None
    totals: TotalsOut
    days: list[DayOut]
    hours: list[HourOut]
    shops: list[ShopRowOut]


class AlertOut(Schema):
    id: int
    shop_id: int | None
    shop_name: str
    kind: str
    kind_label: str
    hour: datetime
    observed: int
    expected: float
    detail: str
    read: bool
    read_at: datetime | None
    created_at: datetime


class AlertPage(Schema):
    count: int
    platform_unread_count: int
    items: list[AlertOut]


def _report(q: RangeQuery):
    return platform_trade_report(rng=trade_range(start=q.start, end=q.end), shop_id=q.shop_id)


def _alert(alert) -> dict:
    return {
        "id": alert.pk, "shop_id": alert.shop_id, "shop_name": alert.shop.name if alert.shop_id else "",
        "kind": alert.kind, "kind_label": alert.get_kind_display(), "hour": alert.hour, "observed": alert.observed,
        "expected": alert.expected, "detail": alert.detail, "read": alert.read_at is not None,
        "read_at": alert.read_at, "created_at": alert.created_at,
    }


@router.get("/trade", response=TradeOut, summary="交易报表（全平台或单个店铺，按小时、按日、按店铺）")
def trade(request, q: Query[RangeQuery]):
    report = _report(q)
    t = report.totals
    return {
        "start": report.range.start, "end": report.range.end, "shop_id": report.shop.pk if report.shop else None,
        "totals": {"orders": t.orders, "amount_fen": t.amount_fen, "buyers": t.buyers, "refund_fen": t.refund_fen},
        "days": [{"day": d.day, "orders": d.orders, "amount_fen": d.amount_fen, "buyers": d.buyers,
                  "refund_fen": d.refund_fen} for d in report.days],
        "hours": [{"start": h.start, "day": h.day, "hour": h.hour, "label": h.label, "orders": h.orders,
                   "amount_fen": h.amount_fen, "refund_fen": h.refund_fen} for h in report.hours],
        "shops": [{"shop_id": s.shop_id, "shop_name": s.shop_name, "orders": s.orders, "amount_fen": s.amount_fen,
                   "buyers": s.buyers, "refund_fen": s.refund_fen} for s in report.shops or []],
    }


def _export(q: ExportQuery, fmt: str) -> HttpResponse:
    export = trade_export(_report(q), fmt=fmt, table=q.report)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response


@router.get("/trade/export.xlsx", summary="导出交易报表 Excel（按小时、按日、按店铺三张表）")
def trade_export_xlsx(request, q: Query[ExportQuery]):
    return _export(q, "xlsx")


@router.get("/trade/export.csv", summary="导出交易报表 CSV（UTF-8 BOM；report=hours|days|shops）")
def trade_export_csv(request, q: Query[ExportQuery]):
    return _export(q, "csv")


@router.get("/alerts", response=AlertPage, summary="异常提醒（各店铺与全平台）")
def alerts(request, q: Query[AlertQuery]):
    qs = platform_alert_list(scope=q.scope, shop_id=q.shop_id, unread_only=q.unread)
    return {"count": qs.count(), "platform_unread_count": platform_alerts_unread_count(),
            "items": [_alert(a) for a in qs[q.offset:q.offset + q.limit]]}


@router.post("/alerts/{alert_id}/read", response=AlertOut, summary="标记全平台提醒已读（店铺的提醒由店铺处理）")
def alert_read(request, alert_id: int):
    alert = platform_alert_mark_read(alert_id=alert_id)
    return _alert(alert)
