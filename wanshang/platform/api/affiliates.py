"""Platform JSON API for 淘宝客 (/api/platform/affiliates…): promoter applications and withdrawals to review."""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.affiliates import selectors as aff
from wanshang.affiliates.services import promoter_review, withdrawal_review
from wanshang.common.api_paging import Paged
from wanshang.platform.api.errors import ERRORS

router = Router(tags=["platform: affiliates"])


class PlatformPromoterOut(Schema):
    id: int
    user_id: int
    name: str
    code: str
    channels: str
    audience: str
    contact: str
    status: str = Field(description="pending / approved / rejected")
    reason: str
    created_at: datetime
    reviewed_at: datetime | None


class PlatformAffWithdrawalOut(Schema):
    id: int
    promoter_id: int
    promoter_name: str = Field(alias="promoter.name")
    amount_fen: int
    account: str
    status: str = Field(description="pending / approved（已打款）/ rejected")
    reason: str
    created_at: datetime
    reviewed_at: datetime | None


class PlatformAffDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject"]
    reason: str = Field("", max_length=300, description="驳回原因（驳回时必填）")


@router.get("/affiliates/promoters", response={200: list[PlatformPromoterOut], **ERRORS}, summary="达人申请")
@paginate(Paged, page_size=20, max_page_size=100)
def platform_aff_promoters(request, status: Literal["", "pending", "approved", "rejected"] = "pending"):
    return aff.platform_promoters(status=status)


@router.post(
    "/affiliates/promoters/{promoter_id}/review",
    response={200: PlatformPromoterOut, **ERRORS},
    summary="审核达人申请",
    description="错误：400 驳回未填原因；404 申请不存在；409 已审核。",
)
def platform_aff_promoter_review(request, promoter_id: int, payload: PlatformAffDecisionIn):
    return promoter_review(
        operator=request.user,
        promoter_id=promoter_id,
        approve=payload.decision == "approve",
        reason=payload.reason,
    )


@router.get(
    "/affiliates/withdrawals", response={200: list[PlatformAffWithdrawalOut], **ERRORS}, summary="提现申请"
)
@paginate(Paged, page_size=20, max_page_size=100)
def platform_aff_withdrawals(request, status: Literal["", "pending", "approved", "rejected"] = "pending"):
    return aff.platform_withdrawals(status=status)


@router.post(
    "/affiliates/withdrawals/{withdrawal_id}/review",
    response={200: PlatformAffWithdrawalOut, **ERRORS},
    summary="审核提现（通过即打款）",
    description="错误：400 驳回未填原因；404 申请不存在；409 已审核。",
)
def platform_aff_withdrawal_review(request, withdrawal_id: int, payload: PlatformAffDecisionIn):
    return withdrawal_review(
        operator=request.user,
        withdrawal_id=withdrawal_id,
        approve=payload.decision == "approve",
        reason=payload.reason,
    )
