"""/api/platform/data/trade…, /alerts…: the marketplace's 交易报表 (or one shop's) with the range per shop, and the
支付异常下跌 alerts of every shop and of the marketplace. Operators only (the parent router's auth)."""

from ninja import Field, Query, Router, Schema

from wanshang.common.api_paging import MAX_OFFSET
from wanshang.faces_common import datacenter_api as shared
from wanshang.insights.selectors import (
    platform_alert_list,
    platform_alerts_unread_count,
    platform_trade_report,
    trade_export,
    trade_range,
)
from wanshang.insights.services import platform_alert_mark_read
from wanshang.platform.api.errors import ERRORS

router = Router()

MAX_LIMIT = 200


class PlatformRangeQuery(shared.RangeQuery):
    shop_id: int | None = Field(None, description="只看一个店铺；留空为全平台")


class PlatformExportQuery(PlatformRangeQuery):
    report: str = Field("hours", description="CSV 导出哪张表：hours、days 或 shops；xlsx 含全部")


class PlatformAlertQuery(shared.In):
    scope: str = Field("all", description="all 全部、platform 仅全平台、shops 仅店铺")
    shop_id: int | None = None
    unread: bool = False
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PlatformShopRowOut(Schema):
    shop_id: int | None
    shop_name: str
    orders: int
    amount_fen: int
    buyers: int
    refund_fen: int


class PlatformTradeOut(shared.TradeOut):
    shop_id: int | None
    shops: list[PlatformShopRowOut]


class PlatformAlertOut(shared.AlertOut):
    shop_id: int | None
    shop_name: str


class PlatformAlertPage(Schema):
    count: int
    platform_unread_count: int
    items: list[PlatformAlertOut]


def _report(q: PlatformRangeQuery):
    return platform_trade_report(rng=trade_range(start=q.start, end=q.end), shop_id=q.shop_id)


def _alert(alert) -> dict:
    return {
        **shared.alert_out(alert),
        "shop_id": alert.shop_id,
        "shop_name": alert.shop.name if alert.shop_id else "",
    }


@router.get(
    "/trade",
    response={200: PlatformTradeOut, **ERRORS},
    summary="交易报表（全平台或单个店铺，按小时、按日、按店铺）",
)
def trade(request, q: Query[PlatformRangeQuery]):
    report = _report(q)
    return {
        **shared.trade_out(report),
        "shop_id": report.shop.pk if report.shop else None,
        "shops": [
            {
                "shop_id": s.shop_id,
                "shop_name": s.shop_name,
                "orders": s.orders,
                "amount_fen": s.amount_fen,
                "buyers": s.buyers,
                "refund_fen": s.refund_fen,
            }
            for s in report.shops or []
        ],
    }


def _export(q: PlatformExportQuery, fmt: str):
    return shared.export_response(trade_export(_report(q), fmt=fmt, table=q.report))


@router.get(
    "/trade/export.xlsx",
    response={200: None, **ERRORS},
    openapi_extra=shared.export_doc(shared.XLSX),
    summary="导出交易报表 Excel（按小时、按日、按店铺三张表）",
)
def trade_export_xlsx(request, q: Query[PlatformExportQuery]):
    return _export(q, "xlsx")


@router.get(
    "/trade/export.csv",
    response={200: None, **ERRORS},
    openapi_extra=shared.export_doc("text/csv; charset=utf-8"),
    summary="导出交易报表 CSV（UTF-8 BOM；report=hours|days|shops）",
)
def trade_export_csv(request, q: Query[PlatformExportQuery]):
    return _export(q, "csv")


@router.get("/alerts", response={200: PlatformAlertPage, **ERRORS}, summary="异常提醒（各店铺与全平台）")
def alerts(request, q: Query[PlatformAlertQuery]):
    qs = platform_alert_list(scope=q.scope, shop_id=q.shop_id, unread_only=q.unread)
    return {
        "count": qs.count(),
        "platform_unread_count": platform_alerts_unread_count(),
        "items": [_alert(a) for a in qs[q.offset : q.offset + q.limit]],
    }


@router.post(
    "/alerts/{alert_id}/read",
    response={200: PlatformAlertOut, **ERRORS},
    summary="标记全平台提醒已读（店铺的提醒由店铺处理）",
)
def alert_read(request, alert_id: int):
    alert = platform_alert_mark_read(alert_id=alert_id)
    return _alert(alert)
