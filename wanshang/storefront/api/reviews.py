"""Storefront JSON API for 评价 (/api/store/…): a product's rating and reviews (public), a shop's DSR (public),
and the buyer's review, picture upload, 追评, edit and “有用” vote. Mounted into `api.router`; the same
services as the pages (wanshang.reviews)."""

from datetime import datetime
from functools import partial

from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool

from wanshang.catalog.selectors import product_get_public
from wanshang.common.api_paging import Paged, Rows
from wanshang.merchants.selectors import shop_get
from wanshang.reviews.selectors import (
    FILTERS,
    SORTS,
    buyer_review_get,
    buyer_review_list,
    decorate,
    product_rating,
    product_review_list,
    shop_dsr,
)
from wanshang.reviews.services import (
    review_create,
    review_edit,
    review_followup,
    review_image_upload,
    review_vote,
)
from wanshang.storefront.api.schemas import AUTHED_ERRORS, CSRF_ERRORS, PUBLIC_ERRORS, Error

router = Router()
ERRORS = {400: Error, 404: Error, 409: Error, **AUTHED_ERRORS, **CSRF_ERRORS}


class StoreRatingOut(Schema):
    count: int = Field(description="展示中的评价数（含系统默认好评）")
    average: float | None = Field(description="买家所写评价的平均星级（不含默认好评）；无则为空")
    good_rate: float | None = Field(description="好评率 %（4–5 星，含默认好评 ÷ 全部）")
    good: int
    mid: int
    bad: int
    with_images: int
    with_followup: int


class StoreReviewOut(Schema):
    id: int
    author: str = Field(description="昵称；匿名评价只显示首尾字符")
    is_anonymous: bool
    is_default: bool = Field(description="系统默认好评")
    stars: int
    text: str
    spec_text: str = Field(description="购买的规格")
    images: list[str] = Field(alias="image_urls")
    created_at: datetime
    reply: str
    followup_text: str
    followup_at: datetime | None
    followup_images: list[str] = Field(alias="followup_urls")
    followup_reply: str
    helpful_count: int
    voted: bool = Field(description="当前用户已点“有用”")


class StoreMyReviewOut(StoreReviewOut):
    line_id: int
    order_id: int
    product_id: int
    status: str = Field(description="published 已发布 / pending 修改待审核 / hidden 已隐藏")
    edited_at: datetime | None


class StoreDsrItemOut(Schema):
    key: str
    label: str
    value: float | None
    peer: float | None = Field(description="同行（主营类目相同的店铺）平均")
    trend: str = Field(description="higher 高于同行 / lower 低于同行 / equal 持平 / 空：无对比")
    percent: float | None = Field(description="与同行相差的百分比（相对同行）")


class StoreDsrOut(Schema):
    counted: int = Field(description="近 180 天计入的评分次数")
    peers: int
    items: list[StoreDsrItemOut]


class StoreReviewImageOut(Schema):
    id: int
    url: str


class StoreDsrIn(Schema):
    model_config = ConfigDict(extra="forbid")
    description: int = Field(ge=1, le=5)
    service: int = Field(ge=1, le=5)
    logistics: int = Field(ge=1, le=5)


class StoreReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    stars: int = Field(ge=1, le=5, description="商品评分 1–5")
    text: str = Field("", max_length=500, description="纯文本，不能含 HTML")
    is_anonymous: StrictBool = False
    dsr: StoreDsrIn | None = Field(None, description="店铺评分；订单的第一条评价必填")
    image_ids: list[int] = Field(
        default_factory=list, max_length=9, description="先上传的图片编号，最多 9 张"
    )


class StoreFollowupIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=500)
    image_ids: list[int] = Field(default_factory=list, max_length=9)


class StoreReviewEditIn(Schema):
    model_config = ConfigDict(extra="forbid")
    stars: int = Field(ge=1, le=5)
    text: str = Field("", max_length=500)


class StoreHelpfulOut(Schema):
    helpful_count: int


@router.get(
    "/products/{product_id}/rating",
    auth=None,
    response={200: StoreRatingOut, **PUBLIC_ERRORS},
    summary="商品评分：平均星级、评价数、好评率与各筛选项数量",
)
def product_rating_get(request, product_id: int):
    product_get_public(product_id=product_id)
    return product_rating(product_id=product_id)


@router.get(
    "/products/{product_id}/reviews",
    auth=None,
    response={200: list[StoreReviewOut], **PUBLIC_ERRORS},
    summary="商品评价列表",
    description=f"`kind`：{' / '.join(FILTERS)}；`sort`：{' / '.join(SORTS)}（最新 / 最有用）。",
)
@paginate(Paged, page_size=10, max_page_size=50)
def product_reviews(request, product_id: int, kind: str = "all", sort: str = "recent"):
    product_get_public(product_id=product_id)
    rows = product_review_list(product_id=product_id, kind=kind, sort=sort)
    return Rows(rows, partial(decorate, viewer=request.user))


@router.get(
    "/shops/{shop_id}/dsr",
    auth=None,
    response={200: StoreDsrOut, **PUBLIC_ERRORS},
    summary="店铺评分（DSR）与同行对比",
)
def shop_dsr_get(request, shop_id: int):
    shop_get(shop_id=shop_id)
    return shop_dsr(shop_id=shop_id)


@router.post(
    "/order-lines/{line_id}/review-images",
    response={201: StoreReviewImageOut, **ERRORS},
    summary="上传评价图片（multipart `file`）",
    description="按内容校验（JPEG/PNG/WebP/GIF），去除 EXIF/GPS；返回的编号用于发表评价或追评的 image_ids。",
)
def review_image_create(request, line_id: int, file: File[UploadedFile]):
    asset = review_image_upload(buyer=request.user, line_id=line_id, file=file)
    return 201, {"id": asset.pk, "url": asset.url}


@router.post(
    "/order-lines/{line_id}/review",
    response={201: StoreMyReviewOut, **ERRORS},
    summary="评价已收货的订单商品（订单的第一条评价同时给店铺打分）",
)
def review_post(request, line_id: int, payload: StoreReviewIn):
    review = review_create(
        buyer=request.user,
        line_id=line_id,
        stars=payload.stars,
        text=payload.text,
        is_anonymous=payload.is_anonymous,
        dsr=payload.dsr.model_dump() if payload.dsr else None,
        image_ids=payload.image_ids,
    )
    return 201, buyer_review_get(buyer=request.user, review_id=review.pk)


@router.get(
    "/reviews",
    response={200: list[StoreMyReviewOut], **ERRORS},
    summary="我的评价（最新在前，含审核中与已隐藏）",
)
@paginate(Paged, page_size=10, max_page_size=50)
def my_reviews(request):
    return Rows(buyer_review_list(buyer=request.user), partial(decorate, viewer=request.user))


@router.get("/reviews/{review_id}", response={200: StoreMyReviewOut, **ERRORS}, summary="我的一条评价")
def my_review_get(request, review_id: int):
    return buyer_review_get(buyer=request.user, review_id=review_id)


@router.post(
    "/reviews/{review_id}/followup",
    response={200: StoreMyReviewOut, **ERRORS},
    summary="追加评价（一次，评价后 180 天内）",
)
def review_followup_post(request, review_id: int, payload: StoreFollowupIn):
    review_followup(buyer=request.user, review_id=review_id, text=payload.text, image_ids=payload.image_ids)
    return buyer_review_get(buyer=request.user, review_id=review_id)


@router.put(
    "/reviews/{review_id}",
    response={200: StoreMyReviewOut, **ERRORS},
    summary="修改评价（一次；修改后待平台审核）",
)
def review_put(request, review_id: int, payload: StoreReviewEditIn):
    review_edit(buyer=request.user, review_id=review_id, stars=payload.stars, text=payload.text)
    return buyer_review_get(buyer=request.user, review_id=review_id)


@router.post(
    "/reviews/{review_id}/helpful",
    response={200: StoreHelpfulOut, **ERRORS},
    summary="评价“有用”（每人一次）",
)
def review_helpful_post(request, review_id: int):
    return {"helpful_count": review_vote(user=request.user, review_id=review_id)}
