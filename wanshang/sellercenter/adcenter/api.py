"""Seller JSON API of 推广中心 (/api/seller/ads/…): the ad account (balance, ledger, top-ups), and the 直通车
plans, groups, keywords, negatives and creatives. Permission ads.manage; the shop is the caller's, another
shop's ids are 404. Money in integer fen.

Errors (JSON `{detail, code, field}`): 400 a refused value (a bid ≤ 0 or above the platform's maximum or below
its reserve, a keyword over 20 characters or already in the group, a daily budget below one click, dates out of
order, a product not on sale, a fifth creative, a top-up amount out of range); 404 not found or another shop's;
409 a plan's status does not allow the change (an ended plan), a top-up already credited, keywords, negatives or
creatives on an audience plan (it serves on crowds); 422 a malformed body.
"""

from datetime import date, datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool

from wanshang.ads import selectors as ads
from wanshang.ads import services
from wanshang.common.api_paging import Paged
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
AUTH = seller_auth(P.ADS_MANAGE)


def _shop(request):
    return staff_require(user=request.user, perm=P.ADS_MANAGE).shop


# --- schemas -------------------------------------------------------------------------------------------------


class SellerAdAccountOut(Schema):
    balance_fen: int = Field(description="账户余额（分）")
    topup_fen: int = Field(description="累计充值")
    charge_fen: int = Field(description="累计点击扣费（负数）")
    refund_fen: int = Field(description="累计无效点击退款")
    adjust_fen: int = Field(description="累计平台调账")


class SellerAdLedgerOut(Schema):
    id: int
    kind: str = Field(description="topup 充值 / charge 点击扣费 / refund 无效点击退款 / adjust 平台调账")
    kind_label: str = Field(alias="get_kind_display")
    amount_fen: int = Field(description="带符号：+ 进账，− 出账")
    balance_after_fen: int
    reference: str
    note: str
    plan_id: int | None
    group_id: int | None
    keyword_id: int | None
    created_at: datetime


class SellerAdTopUpIn(Schema):
    model_config = ConfigDict(extra="forbid")
    amount_fen: int = Field(description="充值金额（分），在平台设置的最低与最高之间")


class SellerAdTopUpOut(Schema):
    payment_no: str = Field(description="支付单号：用收银台的支付渠道付款，到账后余额自动增加")
    amount_fen: int
    status: str = Field(description="pending 待支付 / credited 已到账")
    created_at: datetime
    credited_at: datetime | None


class SellerAdPlanIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=40)
    daily_budget_fen: int = Field(description="日预算（分）：不低于计划内最高出价（一次点击的价格）")
    total_budget_fen: int | None = Field(None, description="总预算（分），可不填")
    start_date: date
    end_date: date | None = None
    hour_multipliers: list[int] = Field(
        default_factory=lambda: [100] * 24, description="24 个百分比（0–400），0 点到 23 点；0 为该时段不投放"
    )
    region_multipliers: dict[str, int] = Field(
        default_factory=dict,
        description='{省级编码: 百分比（0–500）}，如 {"310000": 120}；不写的省份为 100，0 为不投放；按买家默认收货地址的省份生效',
    )
    on_pc: StrictBool = True
    on_mobile: StrictBool = True
    pacing: str = Field("standard", description="standard 标准投放 / accelerated 加速投放")
    kind: str = Field("keyword", description="keyword 关键词推广 / audience 人群推广（新建时有效）")


class SellerAdPlanOut(Schema):
    id: int
    name: str
    kind: str
    status: str = Field(description="draft 草稿 / active 投放中 / paused 已暂停 / ended 已结束")
    status_label: str = Field(alias="get_status_display")
    daily_budget_fen: int
    total_budget_fen: int | None
    total_spend_fen: int
    start_date: date
    end_date: date | None
    hour_multipliers: list[int]
    region_multipliers: dict[str, int]
    on_pc: bool
    on_mobile: bool
    pacing: str
    today_spend_fen: int = 0
    today_clicks: int = 0
    stopped_today: str = Field(
        "", description="今日停投原因：daily_budget / total_budget / balance，空为未停投"
    )

    @staticmethod
    def resolve_today_spend_fen(obj):
        day = ads.plan_today(plan=obj)
        return day.spend_fen if day else 0

    @staticmethod
    def resolve_today_clicks(obj):
        day = ads.plan_today(plan=obj)
        return day.clicks if day else 0

    @staticmethod
    def resolve_stopped_today(obj):
        day = ads.plan_today(plan=obj)
        return day.exhausted_reason if day else ""


class SellerAdPlanStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")
    status: str = Field(description="active 开启 / paused 暂停 / ended 结束（不可恢复）")


class SellerAdGroupIn(Schema):
    model_config = ConfigDict(extra="forbid")
    product_id: int = Field(description="本店出售中的商品")
    default_bid_fen: int = Field(description="默认出价（分）")


class SellerAdGroupPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    default_bid_fen: int | None = None
    status: str | None = Field(None, description="active / paused")


class SellerAdGroupOut(Schema):
    id: int
    plan_id: int
    product_id: int
    product_title: str = Field(alias="product.title")
    default_bid_fen: int
    status: str
    created_at: datetime


class SellerAdKeywordIn(Schema):
    model_config = ConfigDict(extra="forbid")
    word: str = Field(max_length=100, description="最多 20 个字（规范化后：全角转半角、小写、空白合并）")
    bid_fen: int | None = Field(None, description="出价（分）；不填用单元默认出价")
    match_type: str = Field("broad", description="exact 精确 / phrase 短语 / broad 广泛")


class SellerAdKeywordsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    keywords: list[SellerAdKeywordIn] = Field(
        max_length=1000, description="全部成功或全部不加：出错时指出第几行"
    )


class SellerAdKeywordPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    bid_fen: int | None = None
    inherit: StrictBool = Field(False, description="true：改用单元默认出价")
    match_type: str | None = None
    status: str | None = Field(None, description="active / paused")


class SellerAdKeywordOut(Schema):
    id: int
    group_id: int
    word: str
    bid_fen: int | None
    effective_bid_fen: int
    match_type: str
    status: str


class SellerAdNegativeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    word: str = Field(max_length=100)
    match_type: str = Field("phrase", description="exact 精确否定 / phrase 短语否定")


class SellerAdNegativeOut(Schema):
    id: int
    plan_id: int
    group_id: int | None
    word: str
    match_type: str


class SellerAdCreativeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(
        max_length=60, description="建议 品牌词 + 核心功能词 + 信任背书，不超过 20 个字（超过只提醒）"
    )
    image_url: str = Field(max_length=300, description="该商品的一张图片（商品的 images 之一）")


class SellerAdTitleWarningOut(Schema):
    code: str = Field(
        description="too_long / no_brand / no_core_word / no_trust_word / adlaw（广告法提醒用语）"
    )
    message: str
    suggestion: str = Field(description="怎么改（docs/copywriting.md）")


class SellerAdCreativeOut(Schema):
    id: int
    group_id: int
    title: str
    image_url: str
    warnings: list[SellerAdTitleWarningOut]


def _creative_out(creative, warnings) -> dict:
    return {
        "id": creative.pk,
        "group_id": creative.group_id,
        "title": creative.title,
        "image_url": creative.image_url,
        "warnings": warnings,
    }


# --- account -------------------------------------------------------------------------------------------------


@router.get("/ads/account", response={200: SellerAdAccountOut, **ERRORS}, summary="推广账户余额", auth=AUTH)
def seller_ad_account(request):
    shop = _shop(request)
    totals = ads.ledger_totals(shop=shop)
    return {"balance_fen": ads.account_balance(shop=shop), **{f"{k}_fen": v for k, v in totals.items()}}


@router.get(
    "/ads/ledger",
    response={200: list[SellerAdLedgerOut], **ERRORS},
    summary="推广账户流水",
    description="`kind`：topup / charge / refund / adjust；不传为全部。流水只增不改，金额之和等于余额。",
    auth=AUTH,
)
@paginate(Paged, page_size=30, max_page_size=200)
def seller_ad_ledger(request, kind: str = ""):
    return ads.ledger_list(shop=_shop(request), kind=kind or None)


@router.get("/ads/topups", response={200: list[SellerAdTopUpOut], **ERRORS}, summary="充值记录", auth=AUTH)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_ad_topups(request):
    return ads.topup_list(shop=_shop(request))


@router.post(
    "/ads/topups",
    response={201: SellerAdTopUpOut, **ERRORS},
    summary="发起充值（生成支付单）",
    description="返回支付单号：用收银台的支付渠道付款（演示环境可调用 sandbox-pay），支付成功后余额到账一次。",
    auth=AUTH,
)
def seller_ad_topup_create(request, payload: SellerAdTopUpIn):
    return 201, services.topup_create(shop=_shop(request), user=request.user, amount_fen=payload.amount_fen)


@router.post(
    "/ads/topups/{payment_no}/sandbox-pay",
    response={200: SellerAdTopUpOut, **ERRORS},
    summary="沙箱支付充值单（演示环境）",
    description="错误：409 已到账；400 未启用沙箱支付。",
    auth=AUTH,
)
def seller_ad_topup_sandbox_pay(request, payment_no: str):
    shop = _shop(request)
    services.topup_pay_sandbox(shop=shop, payment_no=payment_no)
    return ads.topup_get(shop=shop, payment_no=payment_no)


# --- plans ---------------------------------------------------------------------------------------------------


def _plan_input(payload: SellerAdPlanIn) -> services.PlanInput:
    return services.PlanInput(**payload.dict())


@router.get("/ads/plans", response={200: list[SellerAdPlanOut], **ERRORS}, summary="推广计划列表", auth=AUTH)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_ad_plans(request, status: str = ""):
    return ads.plan_list(shop=_shop(request), status=status or None)


@router.post(
    "/ads/plans", response={201: SellerAdPlanOut, **ERRORS}, summary="新建关键词推广计划（草稿）", auth=AUTH
)
def seller_ad_plan_create(request, payload: SellerAdPlanIn):
    return 201, services.plan_create(shop=_shop(request), data=_plan_input(payload))


@router.get(
    "/ads/plans/{plan_id}", response={200: SellerAdPlanOut, **ERRORS}, summary="推广计划详情", auth=AUTH
)
def seller_ad_plan(request, plan_id: int):
    return ads.plan_get(shop=_shop(request), plan_id=plan_id)


@router.put(
    "/ads/plans/{plan_id}", response={200: SellerAdPlanOut, **ERRORS}, summary="修改推广计划", auth=AUTH
)
def seller_ad_plan_update(request, plan_id: int, payload: SellerAdPlanIn):
    return services.plan_update(shop=_shop(request), plan_id=plan_id, data=_plan_input(payload))


@router.post(
    "/ads/plans/{plan_id}/status",
    response={200: SellerAdPlanOut, **ERRORS},
    summary="开启、暂停或结束推广计划",
    description="草稿 → 投放中 ⇄ 已暂停 → 已结束；不允许的变化 409（code=invalid_transition）。",
    auth=AUTH,
)
def seller_ad_plan_status(request, plan_id: int, payload: SellerAdPlanStatusIn):
    return services.plan_set_status(shop=_shop(request), plan_id=plan_id, status=payload.status)


# --- groups --------------------------------------------------------------------------------------------------


@router.get(
    "/ads/plans/{plan_id}/groups",
    response={200: list[SellerAdGroupOut], **ERRORS},
    summary="推广单元列表",
    auth=AUTH,
)
@paginate(Paged, page_size=50, max_page_size=200)
def seller_ad_groups(request, plan_id: int):
    shop = _shop(request)
    return ads.group_list(shop=shop, plan_id=ads.plan_get(shop=shop, plan_id=plan_id).pk)


@router.post(
    "/ads/plans/{plan_id}/groups",
    response={201: SellerAdGroupOut, **ERRORS},
    summary="新建推广单元（一个出售中的商品）",
    auth=AUTH,
)
def seller_ad_group_create(request, plan_id: int, payload: SellerAdGroupIn):
    shop = _shop(request)
    group = services.group_create(
        shop=shop, plan_id=plan_id, product_id=payload.product_id, default_bid_fen=payload.default_bid_fen
    )
    return 201, ads.group_get(shop=shop, group_id=group.pk)


@router.get(
    "/ads/groups/{group_id}", response={200: SellerAdGroupOut, **ERRORS}, summary="推广单元详情", auth=AUTH
)
def seller_ad_group(request, group_id: int):
    return ads.group_get(shop=_shop(request), group_id=group_id)


@router.patch(
    "/ads/groups/{group_id}",
    response={200: SellerAdGroupOut, **ERRORS},
    summary="修改默认出价或状态",
    auth=AUTH,
)
def seller_ad_group_update(request, group_id: int, payload: SellerAdGroupPatchIn):
    shop = _shop(request)
    services.group_update(shop=shop, group_id=group_id, **payload.dict())
    return ads.group_get(shop=shop, group_id=group_id)


# --- keywords ------------------------------------------------------------------------------------------------


@router.get(
    "/ads/groups/{group_id}/keywords",
    response={200: list[SellerAdKeywordOut], **ERRORS},
    summary="单元关键词",
    auth=AUTH,
)
@paginate(Paged, page_size=100, max_page_size=1000)
def seller_ad_keywords(request, group_id: int):
    shop = _shop(request)
    return ads.keyword_list(shop=shop, group_id=ads.group_get(shop=shop, group_id=group_id).pk)


@router.post(
    "/ads/groups/{group_id}/keywords",
    response={201: list[SellerAdKeywordOut], **ERRORS},
    summary="批量添加关键词",
    description="全部成功或全部不加。400：空词、超过 20 个字、单元内重复、出价不合法或高于计划日预算、超过每单元上限。",
    auth=AUTH,
)
def seller_ad_keywords_add(request, group_id: int, payload: SellerAdKeywordsIn):
    shop = _shop(request)
    rows = [services.KeywordInput(**k.dict()) for k in payload.keywords]
    made = services.keywords_add(shop=shop, group_id=group_id, rows=rows)
    return 201, [ads.keyword_get(shop=shop, keyword_id=k.pk) for k in made]


@router.patch(
    "/ads/keywords/{keyword_id}",
    response={200: SellerAdKeywordOut, **ERRORS},
    summary="修改关键词",
    auth=AUTH,
)
def seller_ad_keyword_update(request, keyword_id: int, payload: SellerAdKeywordPatchIn):
    shop = _shop(request)
    services.keyword_update(shop=shop, keyword_id=keyword_id, **payload.dict())
    return ads.keyword_get(shop=shop, keyword_id=keyword_id)


@router.delete("/ads/keywords/{keyword_id}", response={204: None, **ERRORS}, summary="删除关键词", auth=AUTH)
def seller_ad_keyword_delete(request, keyword_id: int):
    services.keyword_delete(shop=_shop(request), keyword_id=keyword_id)
    return 204, None


# --- negatives -----------------------------------------------------------------------------------------------


@router.get(
    "/ads/plans/{plan_id}/negatives",
    response={200: list[SellerAdNegativeOut], **ERRORS},
    summary="计划否定词",
    auth=AUTH,
)
def seller_ad_plan_negatives(request, plan_id: int):
    shop = _shop(request)
    return list(ads.negative_list(shop=shop, plan_id=ads.plan_get(shop=shop, plan_id=plan_id).pk))


@router.post(
    "/ads/plans/{plan_id}/negatives",
    response={201: SellerAdNegativeOut, **ERRORS},
    summary="添加计划否定词",
    auth=AUTH,
)
def seller_ad_plan_negative_add(request, plan_id: int, payload: SellerAdNegativeIn):
    return 201, services.negative_add(shop=_shop(request), plan_id=plan_id, **payload.dict())


@router.get(
    "/ads/groups/{group_id}/negatives",
    response={200: list[SellerAdNegativeOut], **ERRORS},
    summary="单元否定词",
    auth=AUTH,
)
def seller_ad_group_negatives(request, group_id: int):
    shop = _shop(request)
    group = ads.group_get(shop=shop, group_id=group_id)
    return list(ads.negative_list(shop=shop, plan_id=group.plan_id, group_id=group.pk))


@router.post(
    "/ads/groups/{group_id}/negatives",
    response={201: SellerAdNegativeOut, **ERRORS},
    summary="添加单元否定词",
    auth=AUTH,
)
def seller_ad_group_negative_add(request, group_id: int, payload: SellerAdNegativeIn):
    shop = _shop(request)
    group = ads.group_get(shop=shop, group_id=group_id)
    return 201, services.negative_add(shop=shop, plan_id=group.plan_id, group_id=group.pk, **payload.dict())


@router.delete(
    "/ads/negatives/{negative_id}", response={204: None, **ERRORS}, summary="删除否定词", auth=AUTH
)
def seller_ad_negative_delete(request, negative_id: int):
    services.negative_delete(shop=_shop(request), negative_id=negative_id)
    return 204, None


# --- creatives -----------------------------------------------------------------------------------------------


@router.get(
    "/ads/groups/{group_id}/creatives",
    response={200: list[SellerAdCreativeOut], **ERRORS},
    summary="单元创意（含标题建议）",
    auth=AUTH,
)
def seller_ad_creatives(request, group_id: int):
    shop = _shop(request)
    group = ads.group_get(shop=shop, group_id=group_id)
    return [_creative_out(v.creative, v.warnings) for v in ads.creative_list(shop=shop, group=group)]


@router.post(
    "/ads/groups/{group_id}/creatives",
    response={201: SellerAdCreativeOut, **ERRORS},
    summary="添加创意（每单元最多 4 个）",
    description="标题不符合 品牌词 + 核心功能词 + 信任背书 或超过 20 个字时照常保存，`warnings` 说明原因；"
    "400：图片不是该商品的、已有 4 个创意、标题为空或超过 40 个字。",
    auth=AUTH,
)
def seller_ad_creative_add(request, group_id: int, payload: SellerAdCreativeIn):
    creative, warnings = services.creative_add(shop=_shop(request), group_id=group_id, **payload.dict())
    return 201, _creative_out(creative, warnings)


@router.delete("/ads/creatives/{creative_id}", response={204: None, **ERRORS}, summary="删除创意", auth=AUTH)
def seller_ad_creative_delete(request, creative_id: int):
    services.creative_delete(shop=_shop(request), creative_id=creative_id)
    return 204, None
