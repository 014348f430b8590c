"""Platform JSON API for the 体检中心 (/api/platform/health…): every shop's health, items to verify, appeals
to decide, and the rules center (publish a version, who acknowledged)."""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.common.api_paging import Paged, Rows
from wanshang.health.selectors import (
    appeals_to_decide,
    decorate_items,
    items_to_verify,
    platform_appeal_get,
    platform_item_get,
    platform_shop_health,
    rule_acks,
    rule_get,
    rule_list,
    shop_health_decorate,
)
from wanshang.health.services import appeal_decide, item_verify, rule_publish
from wanshang.platform.api.errors import ERRORS

router = Router(tags=["platform: health"])


class PlatformShopHealthOut(Schema):
    shop_id: int = Field(alias="pk")
    name: str
    status: str
    warnings: int = Field(alias="health_warnings", description="最近一次计算中处于预警的指标数")
    open_items: int = Field(alias="health_open_items")
    live_points: int = Field(alias="health_points")
    credit_level: int | None


class PlatformHealthItemOut(Schema):
    id: int
    shop_id: int
    kind: str
    kind_label: str
    title: str
    detail: str
    status: str
    opened_at: datetime
    deadline_at: datetime
    fix_note: str
    fixed_at: datetime | None
    verify_note: str


class PlatformVerifyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    passed: bool
    note: str = Field("", max_length=300, description="核验说明（不通过时必填）")


class PlatformHealthAppealOut(Schema):
    id: int
    shop_id: int
    item_id: int
    item_title: str = Field(alias="item.title")
    item_status: str = Field(alias="item.status")
    reason: str
    evidence: str
    status: str = Field(description="pending / upheld / overturned")
    decision_note: str
    created_at: datetime
    decided_at: datetime | None


class PlatformAppealDecideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["uphold", "overturn"]
    note: str = Field(max_length=300, description="处理理由（必填，告知商家）")


class PlatformRuleOut(Schema):
    id: int
    code: str
    version: int
    title: str
    body: str
    effective_at: datetime
    published_at: datetime
    acknowledged: int = Field(alias="ack_count")


class PlatformRuleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=40, description="规则编号：同一编号再次发布即新版本")
    title: str = Field(max_length=100)
    body: str = Field(max_length=20000)
    effective_at: datetime


class PlatformRuleAckOut(Schema):
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    user_id: int
    acked_at: datetime


@router.get("/health/shops", response={200: list[PlatformShopHealthOut], **ERRORS}, summary="各店铺体检概况")
@paginate(Paged, page_size=50, max_page_size=200)
def health_shops(request, q: str = "", warning_only: bool = False):
    return Rows(platform_shop_health(q=q.strip()[:60], warning_only=warning_only), shop_health_decorate)


@router.get("/health/items", response={200: list[PlatformHealthItemOut], **ERRORS}, summary="待核验的整改")
@paginate(Paged, page_size=20, max_page_size=100)
def health_items(request):
    return Rows(items_to_verify(), decorate_items)


@router.post(
    "/health/items/{item_id}/verify", response={200: PlatformHealthItemOut, **ERRORS}, summary="核验整改"
)
def health_item_verify(request, item_id: int, payload: PlatformVerifyIn):
    item_verify(actor=request.user, item_id=item_id, passed=payload.passed, note=payload.note)
    return platform_item_get(item_id=item_id)


@router.get(
    "/health/appeals",
    response={200: list[PlatformHealthAppealOut], **ERRORS},
    summary="体检申诉列表",
    description="`status`：pending（默认）/ upheld / overturned。",
)
@paginate(Paged, page_size=20, max_page_size=100)
def health_appeals(request, status: Literal["pending", "upheld", "overturned"] = "pending"):
    return appeals_to_decide(status=status)


@router.post(
    "/health/appeals/{appeal_id}/decide",
    response={200: PlatformHealthAppealOut, **ERRORS},
    summary="处理申诉：维持或撤销（撤销即取消扣分并重新评估处罚）",
)
def health_appeal_decide(request, appeal_id: int, payload: PlatformAppealDecideIn):
    appeal_decide(actor=request.user, appeal_id=appeal_id, decision=payload.decision, note=payload.note)
    return platform_appeal_get(appeal_id=appeal_id)


@router.get("/health/rules", response={200: list[PlatformRuleOut], **ERRORS}, summary="平台规则（全部版本）")
@paginate(Paged, page_size=20, max_page_size=100)
def health_rules(request):
    return rule_list()


@router.post("/health/rules", response={201: PlatformRuleOut, **ERRORS}, summary="发布规则（同编号即新版本）")
def health_rule_publish(request, payload: PlatformRuleIn):
    rule = rule_publish(
        actor=request.user,
        code=payload.code,
        title=payload.title,
        body=payload.body,
        effective_at=payload.effective_at,
    )
    rule.ack_count = 0
    return 201, rule


@router.get(
    "/health/rules/{rule_id}/acks",
    response={200: list[PlatformRuleAckOut], **ERRORS},
    summary="已确认规则的店铺",
)
def health_rule_acks(request, rule_id: int):
    return rule_acks(rule=rule_get(rule_id=rule_id))
