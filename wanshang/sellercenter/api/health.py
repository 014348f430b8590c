"""Seller JSON API for the 体检中心 (/api/seller/health…): the board (indicators with definitions, points,
sanctions, credit), items (mark fixed, appeal), penalty points, and the rules center (read, acknowledge). The
shop is the caller's; another shop's items are 404. Permission health.handle."""

from datetime import datetime

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.common.api_paging import Paged, Rows
from wanshang.health.selectors import (
    credit_of,
    decorate_items,
    indicator_rows,
    item_appeals,
    points_summary,
    rules_for_shop,
    sanctions_of,
    seller_item_get,
    seller_item_list,
    seller_points,
)
from wanshang.health.services import appeal_submit, item_mark_fixed, rule_acknowledge
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
AUTH = seller_auth(P.HEALTH_HANDLE)


class HealthIndicatorOut(Schema):
    key: str
    label: str
    definition: str
    unit: str = Field(description="rate（0–1）/ count / score")
    value: float | None
    numerator: int
    denominator: int
    threshold: float
    higher_is_worse: bool
    min_base: int
    points: int
    warning: bool


class HealthSanctionOut(Schema):
    kind: str
    label: str


class HealthCreditOut(Schema):
    level: int = Field(description="1–5 钻")
    name: str
    sales_fen: int
    dsr: float | None
    points: int
    computed_at: datetime


class HealthBoardOut(Schema):
    indicators: list[HealthIndicatorOut]
    live_points: int
    next_expiry: datetime | None
    sanctions: list[HealthSanctionOut]
    credit: HealthCreditOut | None
    unacked_rules: int


class HealthAppealOut(Schema):
    id: int
    item_id: int
    reason: str
    evidence: str
    status: str = Field(description="pending / upheld / overturned")
    decision_note: str
    created_at: datetime
    decided_at: datetime | None


class HealthItemOut(Schema):
    id: int
    kind: str
    kind_label: str
    ref: str
    title: str
    detail: str
    status: str = Field(description="open / fixed / verified / penalised / overturned")
    opened_at: datetime
    deadline_at: datetime
    seconds_left: int = Field(description="到整改期限的秒数，已过期为 0")
    fix_note: str
    verify_note: str
    auto_verify: bool
    points: int | None = Field(description="已扣分值（未扣分为 null）")

    @staticmethod
    def resolve_seconds_left(obj) -> int:
        return max(0, int((obj.deadline_at - timezone.now()).total_seconds()))

    @staticmethod
    def resolve_points(obj) -> int | None:
        penalty = getattr(obj, "penalty", None)  # a reverse one-to-one: AttributeError when none
        return penalty.points if penalty is not None and penalty.cancelled_at is None else None


class HealthItemDetailOut(HealthItemOut):
    appeals: list[HealthAppealOut] = Field(alias="appeals_list")


class HealthFixIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(max_length=500, description="整改说明")


class HealthAppealIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=500)
    evidence: str = Field("", max_length=2000, description="证据说明：订单号、聊天记录等可核实的信息")


class HealthPointOut(Schema):
    id: int
    item_id: int
    kind: str
    points: int
    given_at: datetime
    expires_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str


class HealthRuleOut(Schema):
    id: int
    code: str
    version: int
    title: str
    body: str
    effective_at: datetime
    published_at: datetime
    acked: bool


class HealthAckOut(Schema):
    rule_id: int
    acked_at: datetime


def _staff(request):
    return staff_require(user=request.user, perm=P.HEALTH_HANDLE)


@router.get(
    "/health",
    response={200: HealthBoardOut, **ERRORS},
    summary="店铺体检：指标、扣分、处罚、信用等级",
    auth=AUTH,
)
def health_board(request):
    shop = _staff(request).shop
    points = points_summary(shop_id=shop.pk)
    credit = credit_of(shop_id=shop.pk)
    return {
        "indicators": indicator_rows(shop_id=shop.pk),
        "live_points": points.live,
        "next_expiry": points.next_expiry,
        "sanctions": [{"kind": k, "label": label} for k, label in sanctions_of(shop_id=shop.pk)],
        "credit": credit,
        "unacked_rules": sum(1 for r in rules_for_shop(shop=shop) if not r.acked),
    }


@router.get(
    "/health/items",
    response={200: list[HealthItemOut], **ERRORS},
    summary="体检项列表",
    description="`status`：open（待处理：待整改与待核验）/ fixed / verified / penalised / overturned；空为全部。",
    auth=AUTH,
)
@paginate(Paged, page_size=20, max_page_size=100)
def health_items(request, status: str = ""):
    return Rows(seller_item_list(shop=_staff(request).shop, status=status), decorate_items)


def _detail(shop, item_id):
    item = seller_item_get(shop=shop, item_id=item_id)
    item.appeals_list = item_appeals(item=item)
    return item


@router.get(
    "/health/items/{item_id}", response={200: HealthItemDetailOut, **ERRORS}, summary="体检项详情", auth=AUTH
)
def health_item(request, item_id: int):
    return _detail(_staff(request).shop, item_id)


@router.post(
    "/health/items/{item_id}/fix",
    response={200: HealthItemDetailOut, **ERRORS},
    summary="标记已整改（可自动复查的立即复查）",
    auth=AUTH,
)
def health_item_fix(request, item_id: int, payload: HealthFixIn):
    staff = _staff(request)
    item_mark_fixed(shop=staff.shop, actor=request.user, item_id=item_id, note=payload.note)
    return _detail(staff.shop, item_id)


@router.post(
    "/health/items/{item_id}/appeal",
    response={201: HealthAppealOut, **ERRORS},
    summary="对体检项或其扣分申诉",
    auth=AUTH,
)
def health_item_appeal(request, item_id: int, payload: HealthAppealIn):
    staff = _staff(request)
    return 201, appeal_submit(
        shop=staff.shop, actor=request.user, item_id=item_id, reason=payload.reason, evidence=payload.evidence
    )


@router.get("/health/points", response={200: list[HealthPointOut], **ERRORS}, summary="扣分记录", auth=AUTH)
@paginate(Paged, page_size=20, max_page_size=100)
def health_points(request):
    return seller_points(shop=_staff(request).shop)


@router.get(
    "/health/rules",
    response={200: list[HealthRuleOut], **ERRORS},
    summary="平台规则（各规则最新版本）及确认状态",
    auth=AUTH,
)
def health_rules(request):
    return rules_for_shop(shop=_staff(request).shop)


@router.post(
    "/health/rules/{rule_id}/ack", response={200: HealthAckOut, **ERRORS}, summary="确认已阅读规则", auth=AUTH
)
def health_rule_ack(request, rule_id: int):
    staff = _staff(request)
    return rule_acknowledge(shop=staff.shop, actor=request.user, rule_id=rule_id)
