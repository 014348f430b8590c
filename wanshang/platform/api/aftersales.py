"""Platform JSON API for 售后 (/api/platform/aftersales…): the reasons buyers choose from, the 平台介入 queue,
a case with its thread, messages, the decision, and a shop's dispute figures."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from wanshang.aftersales.selectors import (
    arbitration_queue,
    platform_case_get,
    reason_get,
    reason_list,
    shop_dispute_stats,
)
from wanshang.aftersales.services import case_arbitrate, case_message_post, reason_save
from wanshang.common.api_paging import Paged
from wanshang.faces_common.aftersales_schemas import (
    AfterSalesCaseBase,
    AfterSalesCaseDetailBase,
    AfterSalesReasonOut,
)
from wanshang.platform.api.errors import ERRORS

router = Router(tags=["platform: aftersales"])


class PlatformCaseReasonOut(AfterSalesReasonOut):
    pass


class PlatformCaseReasonIn(Schema):
    name: str = Field(min_length=2, max_length=30)
    fault: str = Field(description="buyer 买家原因 / shop 商家原因")
    for_refund_only: bool = False
    for_return: bool = False
    for_exchange: bool = False
    no_reason: bool = Field(False, description="七天无理由：申请时校验商品是否支持")
    active: bool = True
    position: int = Field(0, ge=0, le=999)


@router.get("/aftersales/reasons", response={200: list[PlatformCaseReasonOut], **ERRORS}, summary="售后原因")
@paginate(Paged, page_size=50, max_page_size=200)
def reasons(request):
    return reason_list(active_only=False)


@router.post("/aftersales/reasons", response={201: PlatformCaseReasonOut, **ERRORS}, summary="添加售后原因")
def reason_create(request, payload: PlatformCaseReasonIn):
    return 201, reason_save(**payload.model_dump())


@router.put(
    "/aftersales/reasons/{reason_id}", response={200: PlatformCaseReasonOut, **ERRORS}, summary="修改售后原因"
)
def reason_update(request, reason_id: int, payload: PlatformCaseReasonIn):
    reason_get(reason_id=reason_id)
    return reason_save(reason_id=reason_id, **payload.model_dump())


class PlatformCaseOut(AfterSalesCaseBase):
    shop_name: str = Field(alias="shop.name")
    escalated_at: datetime | None


class PlatformCaseDetailOut(AfterSalesCaseDetailBase):
    shop_name: str = Field(alias="shop.name")
    buyer_name: str = Field(alias="buyer.username")


class PlatformCaseDecisionIn(Schema):
    decision: str = Field(
        description="refund_full 全额退款 / refund_partial 部分退款 / reject 驳回 / return_first 先退货"
    )
    note: str = Field(max_length=300)
    amount_fen: int | None = Field(None, description="部分退款金额（分）")


class PlatformCaseMessageIn(Schema):
    text: str = Field(max_length=500)


class PlatformDisputeStatsOut(Schema):
    disputes: int
    decided: int
    lost: int
    loss_rate: float


@router.get(
    "/aftersales/arbitration", response={200: list[PlatformCaseOut], **ERRORS}, summary="平台介入队列"
)
@paginate(Paged, page_size=20, max_page_size=100)
def arbitration(request):
    return arbitration_queue()


@router.get(
    "/aftersales/cases/{case_id}", response={200: PlatformCaseDetailOut, **ERRORS}, summary="售后详情"
)
def case_get(request, case_id: int):
    return platform_case_get(case_id=case_id)


@router.post(
    "/aftersales/cases/{case_id}/messages",
    response={200: PlatformCaseDetailOut, **ERRORS},
    summary="平台留言",
)
def case_message(request, case_id: int, payload: PlatformCaseMessageIn):
    case_message_post(case_id=case_id, user=request.user, role="platform", text=payload.text)
    return platform_case_get(case_id=case_id)


@router.post(
    "/aftersales/cases/{case_id}/decide", response={200: PlatformCaseDetailOut, **ERRORS}, summary="平台裁决"
)
def case_decide(request, case_id: int, payload: PlatformCaseDecisionIn):
    case_arbitrate(
        operator=request.user,
        case_id=case_id,
        decision=payload.decision,
        note=payload.note,
        amount_fen=payload.amount_fen,
    )
    return platform_case_get(case_id=case_id)


@router.get(
    "/aftersales/shops/{shop_id}/disputes",
    response={200: PlatformDisputeStatsOut, **ERRORS},
    summary="店铺纠纷率",
)
def shop_disputes(request, shop_id: int):
    return shop_dispute_stats(shop_id=shop_id)
