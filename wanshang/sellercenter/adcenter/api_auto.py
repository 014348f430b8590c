"""Seller JSON API of 全站推广 (/api/seller/ads/auto-plans…): goal plans (products, daily budget, target 投产比 in
hundredths) and their report. Permission ads.manage; the shop is the caller's, another shop's plan is 404.
Status changes go through `POST /api/seller/ads/plans/{id}/status` like every plan.

Errors (JSON `{detail, code, field}`): 400 a refused value (no products, a product not the shop's or not on sale,
a target ≤ 0 or outside 0.50–50.00, a daily budget below one click); 404 another shop's plan; 409 an ended plan;
422 a malformed body or query.
"""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict, StrictBool

from wanshang.ads import selectors as ads
from wanshang.ads import services
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
AUTH = seller_auth(P.ADS_MANAGE)


def _shop(request):
    return staff_require(user=request.user, perm=P.ADS_MANAGE).shop


class SellerAutoPlanIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=40)
    product_ids: list[int] = Field(description="推广商品编号（本店出售中的商品，1–20 个）", max_length=100)
    daily_budget_fen: int = Field(description="日预算（分）：不低于一次点击的价格")
    target_roas_centi: int = Field(description="目标投产比 × 100（300 = 3.00），50–5000")
    start_date: date
    end_date: date | None = None
    pacing: str = Field("standard", description="standard 标准投放 / accelerated 加速投放")
    on_pc: StrictBool = True
    on_mobile: StrictBool = True


class SellerAutoPlanOut(Schema):
    id: int
    name: str
    status: str = Field(description="draft 草稿 / active 投放中 / paused 已暂停 / ended 已结束")
    daily_budget_fen: int
    start_date: date
    end_date: date | None
    pacing: str
    on_pc: bool
    on_mobile: bool
    target_roas_centi: int = Field(description="目标投产比 × 100")
    lambda_micro: int = Field(description="当前出价系数 λ × 10⁶（min(λ_目标, λ_预算)）")
    product_ids: list[int]
    updated_at: datetime


def _out(plan, auto) -> dict:
    return {
        "id": plan.pk,
        "name": plan.name,
        "status": plan.status,
        "daily_budget_fen": plan.daily_budget_fen,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "pacing": plan.pacing,
        "on_pc": plan.on_pc,
        "on_mobile": plan.on_mobile,
        "target_roas_centi": auto.target_roas_centi,
        "lambda_micro": min(auto.lambda_goal_micro, auto.lambda_budget_micro),
        "product_ids": [g.product_id for g in ads.autoplan_products(shop=plan.shop, plan_id=plan.pk)],
        "updated_at": plan.updated_at,
    }


class SellerAutoRoasRowOut(Schema):
    key: str = Field(description="日期（YYYY-MM-DD）或小时（0–23）")
    spend_fen: int
    gmv_fen: int = Field(description="归因成交金额（分，不含运费）")
    impressions: int
    clicks: int
    target_roas: float
    achieved_roas: float | None = Field(description="实际投产比 = 成交金额 ÷ 花费；无花费为空")
    lam: float | None = Field(None, description="该小时调整后的 λ（按小时）")


class SellerAutoPlacementOut(Schema):
    placement: str = Field(
        description="search 搜索结果 / home 首页猜你喜欢 / product 商品详情页推荐 / cart 购物车 / order_done 支付完成页"
    )
    label: str
    impressions: int
    clicks: int
    spend_fen: int = Field(description="花费（分，已扣除无效点击退款）")
    gmv_fen: int
    achieved_roas: float | None


class SellerAutoLimitOut(Schema):
    code: str = Field(description="budget 预算不足 / target 目标投产比过高 / quality 质量分偏低")
    text: str


class SellerAutoPlanReportOut(Schema):
    plan_id: int
    start: date
    end: date
    day: date = Field(description="分时数据的日期")
    target_roas: float
    achieved_roas: float | None
    spend_fen: int
    gmv_fen: int
    quality: float = Field(description="关键词质量分（1–10，按展现加权）")
    days: list[SellerAutoRoasRowOut]
    hours: list[SellerAutoRoasRowOut]
    limits: list[SellerAutoLimitOut] = Field(description="投放受限原因，最重要的在前；空为未受限")
    placements: list[SellerAutoPlacementOut] = Field(description="周期内分投放位置：搜索与人群推广位")


def _row(r) -> dict:
    return {
        "key": r.key.isoformat() if isinstance(r.key, date) else str(r.key),
        "spend_fen": r.spend_fen,
        "gmv_fen": r.gmv_fen,
        "impressions": r.impressions,
        "clicks": r.clicks,
        "target_roas": r.target,
        "achieved_roas": None if r.achieved is None else round(r.achieved, 4),
        "lam": None if r.lam is None else round(r.lam, 4),
    }


class SellerAutoReportQuery(Schema):
    days: int = Field(7, ge=1, le=90, description="最近多少天（含今天），1–90")
    day: date | None = Field(None, description="分时数据的日期，默认今天")


def _input(payload: SellerAutoPlanIn):
    return services.AutoPlanInput(**payload.model_dump())


@router.get(
    "/ads/auto-plans", response={200: list[SellerAutoPlanOut], **ERRORS}, summary="全站推广计划", auth=AUTH
)
def seller_auto_plans(request):
    return [_out(p, a) for p, a in ads.autoplan_list(shop=_shop(request))]


@router.post(
    "/ads/auto-plans",
    response={201: SellerAutoPlanOut, **ERRORS},
    summary="新建全站推广计划（草稿）",
    auth=AUTH,
)
def seller_auto_plan_create(request, payload: SellerAutoPlanIn):
    shop = _shop(request)
    plan = services.autoplan_create(shop=shop, data=_input(payload))
    return 201, _out(*ads.autoplan_get(shop=shop, plan_id=plan.pk))


@router.get(
    "/ads/auto-plans/{plan_id}",
    response={200: SellerAutoPlanOut, **ERRORS},
    summary="全站推广计划详情",
    auth=AUTH,
)
def seller_auto_plan(request, plan_id: int):
    return _out(*ads.autoplan_get(shop=_shop(request), plan_id=plan_id))


@router.put(
    "/ads/auto-plans/{plan_id}",
    response={200: SellerAutoPlanOut, **ERRORS},
    summary="修改全站推广计划（商品、预算、目标投产比）",
    auth=AUTH,
)
def seller_auto_plan_update(request, plan_id: int, payload: SellerAutoPlanIn):
    shop = _shop(request)
    ads.autoplan_get(shop=shop, plan_id=plan_id)  # another shop's: 404 before any check of the body
    services.autoplan_update(shop=shop, plan_id=plan_id, data=_input(payload))
    return _out(*ads.autoplan_get(shop=shop, plan_id=plan_id))


@router.get(
    "/ads/auto-plans/{plan_id}/report",
    response={200: SellerAutoPlanReportOut, **ERRORS},
    summary="全站推广报表：目标与实际投产比（按天、按小时）、花费、成交与投放受限原因",
    auth=AUTH,
)
def seller_auto_plan_report(request, plan_id: int, query: Query[SellerAutoReportQuery]):
    report = ads.autoplan_report(shop=_shop(request), plan_id=plan_id, days=query.days, day=query.day)
    return {
        "plan_id": report.plan.pk,
        "start": report.start,
        "end": report.end,
        "day": report.day,
        "target_roas": report.target,
        "achieved_roas": None if report.total.achieved is None else round(report.total.achieved, 4),
        "spend_fen": report.total.spend_fen,
        "gmv_fen": report.total.gmv_fen,
        "quality": report.quality,
        "days": [_row(r) for r in report.days],
        "hours": [_row(r) for r in report.hours],
        "limits": [{"code": x.code, "text": x.text} for x in report.limits],
        "placements": [
            {
                "placement": r.placement,
                "label": r.label,
                "impressions": r.impressions,
                "clicks": r.clicks,
                "spend_fen": r.spend_fen,
                "gmv_fen": r.gmv_fen,
                "achieved_roas": None if r.achieved is None else round(r.achieved, 4),
            }
            for r in report.placements
        ],
    }
