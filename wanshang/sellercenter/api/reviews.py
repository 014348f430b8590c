"""Seller JSON API for 评价管理 (/api/seller/reviews…): the shop's reviews, one reply per review and per 追评, a
report to the platform with a reason, and the DSR with its trend. The shop is the caller's; another shop's
review ids are 404. Permission review.handle (the DSR also data.view)."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool

from wanshang.common.api_paging import Paged, Rows
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.reviews.selectors import (
    SELLER_FILTERS,
    decorate,
    seller_review_get,
    seller_review_list,
    shop_dsr,
    shop_dsr_trend,
)
from wanshang.reviews.services import review_reply, review_report
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}


class SellerReviewOut(Schema):
    id: int
    order_id: int
    product_id: int
    title: str
    spec_text: str
    author: str
    is_anonymous: bool
    is_default: bool
    stars: int
    text: str
    images: list[str] = Field(alias="image_urls")
    status: str = Field(description="published / pending（买家修改待审）/ hidden（平台已隐藏）")
    created_at: datetime
    reply: str
    replied_at: datetime | None
    followup_text: str
    followup_at: datetime | None
    followup_images: list[str] = Field(alias="followup_urls")
    followup_reply: str
    helpful_count: int


class SellerReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=500)
    followup: StrictBool = Field(False, description="true：回复追评")


class SellerReportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=300, description="举报理由，平台据此审核")


class SellerReportOut(Schema):
    id: int
    review_id: int
    reason: str
    status: str
    created_at: datetime


class SellerDsrItemOut(Schema):
    key: str
    label: str
    value: float | None
    peer: float | None
    trend: str
    percent: float | None


class SellerDsrDayOut(Schema):
    day: date
    counted: int
    description: float | None
    service: float | None
    logistics: float | None


class SellerDsrOut(Schema):
    counted: int
    peers: int
    items: list[SellerDsrItemOut]
    trend: list[SellerDsrDayOut]


@router.get(
    "/reviews",
    response={200: list[SellerReviewOut], **ERRORS},
    summary="评价列表",
    description=f"`kind`：{' / '.join(SELLER_FILTERS)}；`q`：商品名、内容或订单号。",
    auth=seller_auth(P.REVIEW_HANDLE),
)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_reviews(request, kind: str = "all", q: str = ""):
    staff = staff_require(user=request.user, perm=P.REVIEW_HANDLE)
    return Rows(seller_review_list(shop=staff.shop, kind=kind, q=q.strip()[:60]), decorate)


@router.post(
    "/reviews/{review_id}/reply",
    response={200: SellerReviewOut, **ERRORS},
    summary="回复评价或追评（各一次）",
    auth=seller_auth(P.REVIEW_HANDLE),
)
def seller_review_reply(request, review_id: int, payload: SellerReplyIn):
    staff = staff_require(user=request.user, perm=P.REVIEW_HANDLE)
    review_reply(
        shop=staff.shop, actor=request.user, review_id=review_id, text=payload.text, followup=payload.followup
    )
    return seller_review_get(shop=staff.shop, review_id=review_id)


@router.post(
    "/reviews/{review_id}/report",
    response={201: SellerReportOut, **ERRORS},
    summary="举报评价（平台审核后决定是否隐藏）",
    auth=seller_auth(P.REVIEW_HANDLE),
)
def seller_review_report(request, review_id: int, payload: SellerReportIn):
    staff = staff_require(user=request.user, perm=P.REVIEW_HANDLE)
    return 201, review_report(shop=staff.shop, actor=request.user, review_id=review_id, reason=payload.reason)


@router.get(
    "/reviews-dsr",
    response={200: SellerDsrOut, **ERRORS},
    summary="店铺评分（DSR）、同行对比与每日趋势",
    auth=seller_auth(P.REVIEW_HANDLE),
)
def seller_dsr(request, days: int = Query(30, ge=1, le=180)):
    staff = staff_require(user=request.user, perm=P.REVIEW_HANDLE)
    card = shop_dsr(shop_id=staff.shop.pk)
    return {
        "counted": card.counted,
        "peers": card.peers,
        "items": card.items,
        "trend": shop_dsr_trend(shop=staff.shop, days=days),
    }
