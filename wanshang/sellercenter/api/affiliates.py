"""Seller JSON API for 淘宝客 (/api/seller/affiliates…): the shop's commission plans (shop-wide rate, product
rates, targeted plans that invite promoters), ending a plan, approved promoters to invite, and each
promoter's results. Permission marketing.edit; the shop is the caller's, another shop's plan is 404."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictInt

from wanshang.affiliates import selectors as aff
from wanshang.affiliates.services import plan_end, product_rate_set, promoter_invite, shop_rate_set
from wanshang.common.api_paging import Paged
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
RATE = "佣金比例，万分之（1000 = 10%），须在平台设置的范围内"


class SellerAffPlanOut(Schema):
    id: int
    kind: str = Field(description="shop 全店通用 / product 单品 / targeted 定向")
    product_id: int | None
    product_title: str | None = Field(None, alias="product.title")
    promoter_id: int | None
    promoter_name: str | None = Field(None, alias="promoter.name")
    rate_bps: int
    status: str = Field(description="active / invited（待达人接受）/ declined / ended")
    note: str
    updated_at: datetime


class SellerAffPlansOut(Schema):
    shop_plan: SellerAffPlanOut | None
    product_plans: list[SellerAffPlanOut]
    targeted_plans: list[SellerAffPlanOut]


class SellerAffShopRateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    rate_bps: StrictInt | None = Field(description=RATE + "；null 关闭全店通用佣金")


class SellerAffProductRateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    product_id: StrictInt
    rate_bps: StrictInt = Field(description=RATE)
    note: str = Field("", max_length=200)


class SellerAffInviteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    promoter_code: str = Field(max_length=12, description="达人的推广者编号")
    rate_bps: StrictInt = Field(description=RATE + "，且高于全店通用佣金")
    note: str = Field("", max_length=200)


class SellerAffPromoterOut(Schema):
    id: int
    name: str
    code: str
    channels: str
    audience: str


class SellerAffResultOut(Schema):
    promoter_id: int
    name: str
    code: str
    clicks: int
    orders: int
    gmv_fen: int = Field(description="引导成交：商品实付（不含运费，扣除退款），已失效的不计")
    commission_fen: int


def _shop(request):
    return staff_require(user=request.user, perm=P.MARKETING).shop


@router.get(
    "/affiliates/plans",
    response={200: SellerAffPlansOut, **ERRORS},
    summary="佣金计划",
    auth=seller_auth(P.MARKETING),
)
def seller_aff_plans(request):
    return aff.seller_plans(shop=_shop(request))


@router.put(
    "/affiliates/plans/shop",
    response={200: SellerAffPlansOut, **ERRORS},
    summary="设置全店通用佣金",
    description="错误：400 比例超出范围（rate_out_of_range）。",
    auth=seller_auth(P.MARKETING),
)
def seller_aff_shop_rate(request, payload: SellerAffShopRateIn):
    shop = _shop(request)
    shop_rate_set(shop=shop, rate_bps=payload.rate_bps)
    return aff.seller_plans(shop=shop)


@router.post(
    "/affiliates/plans/products",
    response={200: SellerAffPlanOut, **ERRORS},
    summary="设置单品佣金",
    description="同一商品再次设置即修改。错误：400 比例超出范围；404 不是本店商品。",
    auth=seller_auth(P.MARKETING),
)
def seller_aff_product_rate(request, payload: SellerAffProductRateIn):
    shop = _shop(request)
    plan = product_rate_set(
        shop=shop, product_id=payload.product_id, rate_bps=payload.rate_bps, note=payload.note
    )
    return aff.seller_plan_get(shop=shop, plan_id=plan.pk)


@router.post(
    "/affiliates/plans/targeted",
    response={200: SellerAffPlanOut, **ERRORS},
    summary="邀请达人（定向计划）",
    description="达人接受后生效。错误：400 比例超出范围或不高于全店通用佣金（rate_too_low）；404 没有该编号的认证达人。",
    auth=seller_auth(P.MARKETING),
)
def seller_aff_invite(request, payload: SellerAffInviteIn):
    shop = _shop(request)
    plan = promoter_invite(
        shop=shop, promoter_code=payload.promoter_code, rate_bps=payload.rate_bps, note=payload.note
    )
    return aff.seller_plan_get(shop=shop, plan_id=plan.pk)


@router.post(
    "/affiliates/plans/{plan_id}/end",
    response={200: SellerAffPlanOut, **ERRORS},
    summary="结束佣金计划",
    description="已付款订单仍按付款时的比例计佣。错误：404 计划不存在（或属于其他店铺）；409 已结束。",
    auth=seller_auth(P.MARKETING),
)
def seller_aff_plan_end(request, plan_id: int):
    shop = _shop(request)
    plan_end(shop=shop, plan_id=plan_id)
    return aff.seller_plan_get(shop=shop, plan_id=plan_id)


@router.get(
    "/affiliates/promoters",
    response={200: list[SellerAffPromoterOut], **ERRORS},
    summary="可邀请的认证达人",
    auth=seller_auth(P.MARKETING),
)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_aff_promoters(request, q: str = ""):
    _shop(request)
    return aff.approved_promoters(q=q[:40])


@router.get(
    "/affiliates/results",
    response={200: list[SellerAffResultOut], **ERRORS},
    summary="达人推广效果",
    auth=seller_auth(P.MARKETING),
)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_aff_results(request):
    return aff.seller_promoter_results(shop=_shop(request))
