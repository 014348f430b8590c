"""/api/platform/data/trade…, /alerts…: the marketplace's 交易报表 (or one shop's) with the range per shop, and the
支付异常下跌 alerts of every shop and of the marketplace. Operators only (the parent router's auth)."""

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wanshang.common.api_paging import Paged, PageOut, Rows
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


class PlatformRangeQuery(shared.RangeQuery):
    shop_id: int | None = Field(None, description="只看一个店铺；留空为全平台")


class PlatformExportQuery(PlatformRangeQuery):
    report: str = Field("hours", description="CSV 导出哪张表：hours、days 或 shops；xlsx 含全部")


class PlatformAlertQuery(shared.In):
    scope: str = Field("all", description="all 全部、platform 仅全平台、shops 仅店铺")
    shop_id: int | None = None
    unread: bool = False


class PlatformShopRowOut(Schema):
    shop_id: int | None
    shop_name: str
    orders: int
    amount_fen: int
    buyers: int
    refund_fen: int


class PlatformTradeOut(shared.TradeOut):
    shop_id: int | None = Field(description="只看的店铺；全平台为空")
    shops: list[PlatformShopRowOut] = Field(description="范围内各店铺的合计，支付金额高的在前")

    @staticmethod
    def resolve_shop_id(report) -> int | None:
        return report.shop.pk if report.shop else None

    @staticmethod
    def resolve_shops(report) -> list:
        return report.shops or []


class PlatformAlertOut(shared.AlertOut):
    shop_id: int | None = Field(description="店铺；全平台的提醒为空")
    shop_name: str

    @staticmethod
    def resolve_shop_name(alert) -> str:
        return alert.shop.name if alert.shop_id else ""


class PlatformAlertPage(PageOut):
    """A page of the alerts, with how many of the marketplace's own alerts are unread."""

    platform_unread_count: int = Field(description="全平台未读提醒数（店铺的提醒由店铺处理）")


def _report(q: PlatformRangeQuery):
    return platform_trade_report(rng=trade_range(start=q.start, end=q.end), shop_id=q.shop_id)


@router.get(
    "/trade",
    response={200: PlatformTradeOut, **ERRORS},
    summary="交易报表（全平台或单个店铺，按小时、按日、按店铺）",
)
def trade(request, q: Query[PlatformRangeQuery]):
    return _report(q)


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


@router.get("/alerts", response={200: list[PlatformAlertOut], **ERRORS}, summary="异常提醒（各店铺与全平台）")
@paginate(Paged, page_size=50, max_page_size=200, output=PlatformAlertPage)
def alerts(request, q: Query[PlatformAlertQuery]):
    return Rows(
        platform_alert_list(scope=q.scope, shop_id=q.shop_id, unread_only=q.unread),
        extra={"platform_unread_count": platform_alerts_unread_count()},
    )


@router.post(
    "/alerts/{alert_id}/read",
    response={200: PlatformAlertOut, **ERRORS},
    summary="标记全平台提醒已读（店铺的提醒由店铺处理）",
)
def alert_read(request, alert_id: int):
    return platform_alert_mark_read(alert_id=alert_id)
