"""/api/seller/data/trade…, /alerts…: the 交易报表 (hourly, Excel/CSV) and 支付异常下跌 alerts of the caller's shop.

The shop comes from the caller's staff membership (data.view), never from the request: another shop's alert
is 404. Money is integer fen; dates are local (Asia/Shanghai) calendar days, both ends included.
"""

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wanshang.common.api_paging import Paged, PageOut, Rows
from wanshang.faces_common.datacenter_api import (
    XLSX,
    AlertOut,
    RangeQuery,
    TradeOut,
    export_doc,
    export_response,
)
from wanshang.insights.selectors import (
    alert_list,
    alerts_unread_count,
    trade_export,
    trade_range,
    trade_report,
)
from wanshang.insights.services import alert_mark_read, alerts_mark_all_read
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()

ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}


class ExportQuery(RangeQuery):
    report: str = Field("hours", description="CSV 导出哪张表：hours（按小时）或 days（按日）；xlsx 含全部")


class AlertPage(PageOut):
    """A page of the shop's alerts, with how many of all its alerts are unread."""

    unread_count: int


class ReadAllOut(Schema):
    changed: int


def _shop(request):
    return staff_require(user=request.user, perm=P.DATA_VIEW).shop


@router.get(
    "/trade",
    response={200: TradeOut, **ERRORS},
    summary="交易报表（按小时、按日）",
    auth=seller_auth(P.DATA_VIEW),
)
def trade(request, q: Query[RangeQuery]):
    shop = _shop(request)
    return trade_report(shop=shop, rng=trade_range(start=q.start, end=q.end))


def _export(request, q: ExportQuery, fmt: str):
    shop = _shop(request)
    report = trade_report(shop=shop, rng=trade_range(start=q.start, end=q.end))
    return export_response(trade_export(report, fmt=fmt, table=q.report))


@router.get(
    "/trade/export.xlsx",
    response={200: None, **ERRORS},
    openapi_extra=export_doc(XLSX),
    summary="导出交易报表 Excel（按小时、按日两张表）",
)
def trade_export_xlsx(request, q: Query[ExportQuery]):
    return _export(request, q, "xlsx")


@router.get(
    "/trade/export.csv",
    response={200: None, **ERRORS},
    openapi_extra=export_doc("text/csv; charset=utf-8"),
    summary="导出交易报表 CSV（UTF-8 BOM）",
)
def trade_export_csv(request, q: Query[ExportQuery]):
    return _export(request, q, "csv")


@router.get(
    "/alerts",
    response={200: list[AlertOut], **ERRORS},
    summary="异常提醒列表（支付异常下跌）",
    auth=seller_auth(P.DATA_VIEW),
)
@paginate(Paged, page_size=20, max_page_size=100, output=AlertPage)
def alerts(request, unread: bool = False):
    shop = _shop(request)
    return Rows(
        alert_list(shop=shop, unread_only=unread),
        extra={"unread_count": alerts_unread_count(shop)},
    )


@router.post(
    "/alerts/read-all",
    response={200: ReadAllOut, **ERRORS},
    summary="全部标记已读",
    auth=seller_auth(P.DATA_VIEW),
)
def alerts_read_all(request):
    return {"changed": alerts_mark_all_read(shop=_shop(request))}


@router.post(
    "/alerts/{alert_id}/read",
    response={200: AlertOut, **ERRORS},
    summary="标记提醒已读",
    auth=seller_auth(P.DATA_VIEW),
)
def alert_read(request, alert_id: int):
    return alert_mark_read(shop=_shop(request), alert_id=alert_id)
