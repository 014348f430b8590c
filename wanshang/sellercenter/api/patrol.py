"""Seller JSON API for 日常巡检 (/api/seller/patrol…, permission product.edit).

The latest report with its findings grouped by kind, a report of the history, and the one-click safe fixes
(POST; the finding is checked again after the fix and the answer says whether the problem is gone). The shop is
the caller's; another shop's report or finding id is a 404.
"""

from datetime import date, datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from wanshang.common.api_paging import Paged
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.patrol.selectors import findings_by_kind, latest_report, report_get, report_history
from wanshang.patrol.services import finding_fix
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}


class PatrolDiffOut(Schema):
    field: str = Field(description="title / image / list_price / price / stock / promotion / visible")
    label: str
    values: list[list[str]] = Field(
        description="[[来源, 值], …]：实际、列表卡片、详情页、API、搜索索引、缓存"
    )


class PatrolFindingOut(Schema):
    id: int
    kind: str = Field(
        description="stale_cache / stale_display / ended_tag / stale_search / stale_page / promo_oos / below_cost / image"
    )
    kind_label: str = Field(alias="get_kind_display")
    product_id: int
    product_title: str
    sku_id: int | None
    message: str
    diffs: list[PatrolDiffOut]
    fix: str = Field(description="一键修复：refresh_cache / reprice / reindex；空：需到对应页面处理")
    fix_label: str = Field(alias="get_fix_display")
    status: str = Field(description="open（待处理）/ fixed（已修复，复查通过）")
    checked_at: datetime


class PatrolKindOut(Schema):
    kind: str
    label: str
    open_count: int
    findings: list[PatrolFindingOut]


class PatrolReportSummaryOut(Schema):
    id: int
    day: date
    finished_at: datetime | None
    products_checked: int
    findings_count: int


class PatrolReportHistoryOut(PatrolReportSummaryOut):
    open_count: int


class PatrolReportOut(Schema):
    report: PatrolReportSummaryOut | None = Field(description="还没有巡检报告时为 null")
    groups: list[PatrolKindOut]


def _answer(shop, report) -> dict:
    return {"report": report, "groups": findings_by_kind(shop=shop, report=report) if report else []}


@router.get(
    "/patrol",
    response={200: PatrolReportOut, **ERRORS},
    summary="日常巡检：最新报告（按问题类型分组）",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def seller_patrol(request):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return _answer(staff.shop, latest_report(shop=staff.shop))


@router.get(
    "/patrol/reports",
    response={200: list[PatrolReportHistoryOut], **ERRORS},
    summary="日常巡检：历史报告",
    auth=seller_auth(P.PRODUCT_EDIT),
)
@paginate(Paged, page_size=30, max_page_size=100)
def seller_patrol_reports(request):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return report_history(shop=staff.shop, limit=366)


@router.get(
    "/patrol/reports/{report_id}",
    response={200: PatrolReportOut, **ERRORS},
    summary="日常巡检：某天的报告",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def seller_patrol_report(request, report_id: int):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return _answer(staff.shop, report_get(shop=staff.shop, report_id=report_id))


@router.post(
    "/patrol/findings/{finding_id}/fix",
    response={200: PatrolFindingOut, **ERRORS},
    summary="日常巡检：一键修复并复查",
    description="只对有一键修复的问题（`fix` 非空）：刷新商品缓存、重算展示价或重建搜索索引，随后复查该问题。"
    "409：没有一键修复或已修复；404：不是本店的问题。",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def seller_patrol_fix(request, finding_id: int):
    staff = staff_require(user=request.user, perm=P.PRODUCT_EDIT)
    return finding_fix(shop=staff.shop, finding_id=finding_id, actor=request.user)
