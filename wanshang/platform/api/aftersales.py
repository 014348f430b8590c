"""Platform JSON API for 售后 (/api/platform/aftersales…): the reasons buyers choose from, the 平台介入 queue,
a case with its thread, messages, the decision, and a shop's dispute figures."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from wanshang.accounts.selectors import users_by_ids
from wanshang.aftersales.selectors import (
    RISK_ACTIONS,
    InstantFigures,
    arbitration_queue,
    buyer_cases_with_risk,
    buyer_risk,
    buyer_risk_trail,
    buyers_instant_figures,
    case_risk,
    platform_case_get,
    platform_instant_figures,
    reason_get,
    reason_list,
    risky_buyers,
    risky_buyers_page,
    shop_dispute_stats,
)
from wanshang.aftersales.services import buyer_risk_flag_set, case_arbitrate, case_message_post, reason_save
from wanshang.common.api_paging import Paged, Rows
from wanshang.common.errors import NotFound, ValidationError
from wanshang.faces_common.aftersales_schemas import (
    AfterSalesCaseBase,
    AfterSalesCaseDetailBase,
    AfterSalesInstantReasonOut,
    AfterSalesReasonOut,
    AfterSalesRiskOut,
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
    risk_review: bool = Field(description="由退款风险转入的平台人工审核（不计入店铺纠纷）")
    risk: AfterSalesRiskOut | None = None
    instant_refund_reasons: list[AfterSalesInstantReasonOut] = Field(
        [], description="仅退款未极速退款的原因（申请时的判断）"
    )

    @staticmethod
    def resolve_risk(obj):
        return case_risk(case=obj)


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


class PlatformInstantFiguresOut(Schema):
    days: int
    count: int = Field(description="极速退款的售后单数")
    amount_fen: int = Field(description="极速退款金额（分，退款中与已退款）")


@router.get(
    "/aftersales/instant-refunds",
    response={200: PlatformInstantFiguresOut, **ERRORS},
    summary="极速退款统计（全部店铺）",
)
def instant_refunds(request, days: int = 30):
    """`days`: 1–365, the last so many days (by when the case was opened)."""
    if not 1 <= days <= 365:
        raise ValidationError("days 须在 1–365 之间", field="days")
    return platform_instant_figures(days=days)


@router.get(
    "/aftersales/shops/{shop_id}/disputes",
    response={200: PlatformDisputeStatsOut, **ERRORS},
    summary="店铺纠纷率",
)
def shop_disputes(request, shop_id: int):
    return shop_dispute_stats(shop_id=shop_id)


# --- 退款风险 (docs/refund-risk.md) ----------------------------------------------------------------------------------

RISK_LEVEL_FILTERS = {"high", "medium", "watch", "trusted"}


class PlatformRiskyBuyerOut(Schema):
    buyer_id: int
    username: str
    cases: int = Field(description="评估过的售后单数（全部店铺）")
    latest: AfterSalesRiskOut | None = Field(None, description="最近一次申请售后时的评估")
    flag: str = Field(description="'' / trusted / watch")
    flag_label: str
    flag_note: str
    instant: PlatformInstantFiguresOut = Field(description="近 30 天的极速退款（全部店铺）")


class PlatformRiskCaseOut(Schema):
    id: int
    no: str
    shop_id: int
    shop_name: str
    type: str
    reason_text: str
    status: str
    amount_fen: int
    instant_refund: bool
    created_at: datetime
    risk: AfterSalesRiskOut | None


class PlatformRiskDecisionOut(Schema):
    id: int
    action: str
    action_label: str
    role: str = Field(description="system / seller / platform")
    actor: str = ""
    shop_id: int | None
    case_id: int | None
    order_id: int | None
    score: int
    level: str
    reasons: list[dict]
    outcome: str
    created_at: datetime

    @staticmethod
    def resolve_action_label(obj):
        return RISK_ACTIONS.get(obj.action, obj.action)

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username if obj.actor_id else ""


class PlatformRiskBuyerOut(Schema):
    buyer_id: int
    username: str
    date_joined: datetime
    risk: AfterSalesRiskOut = Field(description="当前评估（实时计算）")
    instant: PlatformInstantFiguresOut = Field(description="近 30 天的极速退款（全部店铺）")
    cases: list[PlatformRiskCaseOut]
    trail: list[PlatformRiskDecisionOut] = Field(description="风控决策与人工干预记录，最新在前")


class PlatformRiskFlagIn(Schema):
    status: str = Field(description="trusted 已核实可信 / watch 重点关注 / '' 取消标记")
    note: str = Field(max_length=200)


def _buyer(buyer_id: int):
    buyer = users_by_ids(ids=[buyer_id]).get(buyer_id)
    if buyer is None:
        raise NotFound("买家不存在")
    return buyer


def _risk_profile(buyer) -> dict:
    return {
        "buyer_id": buyer.pk,
        "username": buyer.username,
        "date_joined": buyer.date_joined,
        "risk": buyer_risk(buyer=buyer),
        "instant": buyers_instant_figures(buyer_ids=[buyer.pk]).get(buyer.pk) or InstantFigures(0, 0),
        "cases": [
            {
                "id": c.pk,
                "no": c.no,
                "shop_id": c.shop_id,
                "shop_name": c.shop.name,
                "type": c.type,
                "reason_text": c.reason_text,
                "status": c.status,
                "amount_fen": c.amount_fen,
                "instant_refund": c.instant_refund,
                "created_at": c.created_at,
                "risk": r,
            }
            for c, r in buyer_cases_with_risk(buyer_id=buyer.pk)
        ],
        "trail": buyer_risk_trail(buyer_id=buyer.pk),
    }


@router.get(
    "/aftersales/risk/buyers", response={200: list[PlatformRiskyBuyerOut], **ERRORS}, summary="退款风险买家"
)
@paginate(Paged, page_size=20, max_page_size=100)
def risk_buyers(request, level: str = "high"):
    """`level`: high (default), medium (medium and above), watch (重点关注), trusted (已核实可信)."""
    if level not in RISK_LEVEL_FILTERS:
        raise ValidationError("level 只能是 high、medium、watch 或 trusted", field="level")
    return Rows(risky_buyers(level=level), risky_buyers_page)


@router.get(
    "/aftersales/risk/buyers/{buyer_id}",
    response={200: PlatformRiskBuyerOut, **ERRORS},
    summary="买家退款风险详情",
)
def risk_buyer(request, buyer_id: int):
    return _risk_profile(_buyer(buyer_id))


@router.post(
    "/aftersales/risk/buyers/{buyer_id}/flag",
    response={200: PlatformRiskBuyerOut, **ERRORS},
    summary="标记买家（已核实可信 / 重点关注 / 取消）",
)
def risk_buyer_flag(request, buyer_id: int, payload: PlatformRiskFlagIn):
    buyer = _buyer(buyer_id)
    buyer_risk_flag_set(operator=request.user, buyer=buyer, status=payload.status, note=payload.note)
    return _risk_profile(buyer)
