"""Platform JSON API for 评价审核 (/api/platform/reviews…): merchants' reports (hide with a reason or reject)
and edited reviews waiting to be shown again (approve, or hide with a reason)."""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.common.api_paging import Paged, Rows
from wanshang.platform.api.errors import ERRORS
from wanshang.reviews.selectors import (
    decorate,
    moderation_edited,
    moderation_reports,
    platform_report_get,
    platform_review_get,
)
from wanshang.reviews.services import report_decide, review_moderate

router = Router(tags=["platform: reviews"])


class PlatformReviewOut(Schema):
    id: int
    shop_id: int
    product_id: int
    title: str
    spec_text: str
    author: str
    stars: int
    text: str
    images: list[str] = Field(alias="image_urls")
    status: str
    created_at: datetime
    edited_at: datetime | None
    followup_text: str


class PlatformReviewReportOut(Schema):
    id: int
    shop_id: int
    reason: str
    status: str = Field(description="pending 待处理 / approved 已隐藏评价 / rejected 已驳回")
    decision_note: str
    created_at: datetime
    decided_at: datetime | None
    review: PlatformReviewOut


class PlatformReportDecideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["hide", "reject"]
    note: str = Field(max_length=300, description="处理说明（必填，告知商家）")


class PlatformModerateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "hide"]
    note: str = Field("", max_length=300, description="处理说明（隐藏时必填）")


def _with_reviews(reports):
    reports = list(reports)
    decorate([r.review for r in reports])
    return reports


@router.get(
    "/reviews/reports",
    response={200: list[PlatformReviewReportOut], **ERRORS},
    summary="评价举报列表",
    description="`status`：pending（默认）/ approved / rejected。",
)
@paginate(Paged, page_size=20, max_page_size=100)
def reports_list(request, status: Literal["pending", "approved", "rejected"] = "pending"):
    return Rows(moderation_reports(status=status), _with_reviews)


@router.get("/reviews/edited", response={200: list[PlatformReviewOut], **ERRORS}, summary="修改待审的评价")
@paginate(Paged, page_size=20, max_page_size=100)
def edited_list(request):
    return Rows(moderation_edited(), decorate)


@router.post(
    "/reviews/reports/{report_id}/decide",
    response={200: PlatformReviewReportOut, **ERRORS},
    summary="处理举报：hide 隐藏评价 / reject 驳回",
)
def report_decide_post(request, report_id: int, payload: PlatformReportDecideIn):
    report_decide(
        operator=request.user, report_id=report_id, approve=payload.decision == "hide", note=payload.note
    )
    return platform_report_get(report_id=report_id)


@router.post(
    "/reviews/{review_id}/moderate",
    response={200: PlatformReviewOut, **ERRORS},
    summary="审核修改过的评价：approve 重新展示 / hide 隐藏",
)
def review_moderate_post(request, review_id: int, payload: PlatformModerateIn):
    review_moderate(
        operator=request.user, review_id=review_id, approve=payload.decision == "approve", note=payload.note
    )
    return platform_review_get(review_id=review_id)
