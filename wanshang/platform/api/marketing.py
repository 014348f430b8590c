"""Platform JSON API for marketing and price compliance (/api/platform): 平台券, 秒杀场次, 价格合规.

The same services as the operator pages; amounts in fen, rates in 万分比 (bps). Operators (is_staff) only.
"""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.common.api_paging import Paged, Rows
from wanshang.common.errors import NotFound
from wanshang.compliance.selectors import price_alerts
from wanshang.compliance.services import price_alert_resolve
from wanshang.marketing.selectors import flash_slot_get, flash_slots, platform_promotions, promotion_get
from wanshang.marketing.selectors import promotion_phase_label as phase_label
from wanshang.marketing.services import (
    coupon_issue,
    flash_slot_remove_promotion,
    flash_slot_save,
    promotion_end,
    promotion_pause,
    promotion_resume,
    promotion_save,
)
from wanshang.marketing.types import Kind
from wanshang.platform.access import OPERATOR_AUTH
from wanshang.platform.api.errors import ERRORS
from wanshang.platform.marketing import SLOT_PHASES, aware, coupon_input, decorate, evidence_rows, slot_phase

router = Router(auth=OPERATOR_AUTH)

MAX_PAGE_SIZE = 200  # the slots and alerts selectors answer at most 200 rows: one default page holds them all


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class CouponIn(In):
    name: str = Field(..., max_length=40, description="券名称（2–40 字）")
    type: str = Field("amount", description="amount 满减券 / percent 折扣券")
    threshold_fen: int = Field(0, description="使用门槛（分），0 为无门槛")
    amount_fen: int | None = Field(None, description="满减券面额（分），须小于门槛")
    discount_bps: int | None = Field(None, description="折扣券折扣，万分比（8500 = 8.5 折）")
    cap_fen: int = Field(0, description="折扣券最多优惠（分），0 不封顶")
    starts_at: datetime
    ends_at: datetime
    valid_days: int = Field(0, description="领取后有效天数，0 为活动期内有效")
    public: bool = Field(True, description="公开领取（领券中心）")
    total_quantity: int = Field(..., description="发放总量（张）")
    per_buyer_limit: int = Field(0, description="每人限领，0 不限")
    scope: str = Field("all", description="all 全场 / shops 指定店铺 / categories 指定类目")
    scope_ids: list[int] = Field(default_factory=list, description="店铺或类目编号")
    platform_share_bps: int = Field(0, description="平台承担比例，万分比（5000 = 平台出一半），0–10000")
    combine_with: list[str] | None = Field(
        None, description="可同时使用：full_reduction / coupon / points；不传为全部"
    )


class IssueIn(In):
    buyer_ids: list[int] = Field(..., description="买家编号（1–10000 个）")


class SlotIn(In):
    name: str = Field(..., max_length=40)
    starts_at: datetime
    ends_at: datetime
    is_open: bool = True


class AlertFilter(Schema):
    include_resolved: bool = False


class CouponOut(Schema):
    """A platform coupon `Promotion` after `decorate` (label, phase, remaining)."""

    id: int
    name: str
    label: str
    status: str
    phase: str = Field(alias="phase_key")
    phase_label: str
    starts_at: datetime
    ends_at: datetime
    config: dict
    scope: str
    scope_ids: list[int]
    total_quantity: int
    per_buyer_limit: int
    issued: int = Field(alias="issued_count")
    used: int = Field(alias="used_count")
    remaining: int | None = Field(description="剩余可领张数；不限量时为空")
    platform_share_bps: int

    @staticmethod
    def resolve_scope_ids(promo) -> list[int]:
        return promo.scope_ids or []


class IssueOut(Schema):
    issued: int
    skipped: int


class PlatformFlashItemOut(Schema):
    """A flash sale's `PromotionItem`."""

    id: int
    sku_id: int
    product_id: int
    title: str = Field(alias="sku.product.title")
    spec_text: str = Field(alias="sku.spec_text")
    price_fen: int
    list_price_fen: int = Field(alias="sku.price_fen", description="SKU 原价（分）")
    stock: int
    sold: int


class EnrolmentOut(Schema):
    """A shop's flash sale `Promotion` in a slot, after `_enrolment` (phase label)."""

    promotion_id: int = Field(alias="pk")
    name: str
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    status: str
    phase_label: str
    per_buyer_limit: int
    items: list[PlatformFlashItemOut]


class SlotOut(Schema):
    """A `FlashSlot` after `_slot_phase` (phase at this moment)."""

    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    is_open: bool
    phase: str = Field(alias="phase_key")
    phase_label: str
    enrolled: int = Field(description="未结束的商家报名数")

    @staticmethod
    def resolve_enrolled(slot) -> int:
        return sum(1 for p in slot.promotions.all() if p.status != "ended")


class SlotDetailOut(SlotOut):
    enrolments: list[EnrolmentOut]


class EvidenceOut(Schema):
    """A row of `evidence_rows` (platform.marketing)."""

    at: str
    price_fen: int | None
    old_price_fen: int | None

    @staticmethod
    def resolve_at(row) -> str:
        at = row["at"]
        return at.isoformat() if hasattr(at, "isoformat") else str(at or "")


class PlatformPriceAlertOut(Schema):
    """A `PriceAlert` (compliance)."""

    id: int
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    sku_id: int
    product_id: int = Field(alias="sku.product_id")
    title: str = Field(alias="sku.product.title")
    spec_text: str = Field(alias="sku.spec_text")
    rule: str
    rule_label: str = Field(alias="get_rule_display")
    message: str
    promotion_id: int | None
    evidence: list[EvidenceOut]
    resolved: bool
    created_at: datetime

    @staticmethod
    def resolve_evidence(alert) -> list[dict]:
        return evidence_rows(alert.evidence)


# --- 平台券 -----------------------------------------------------------------------------------------------------


def _coupons_shown(promos) -> list:
    now = timezone.now()
    return [decorate(p, now=now) for p in promos]


def _platform_coupon(promotion_id: int):
    promo = promotion_get(shop=None, promotion_id=promotion_id)
    if promo.kind != Kind.COUPON:
        raise NotFound("平台券不存在")
    return promo


def _save(request, payload: CouponIn, promotion_id=None):
    data = coupon_input(**payload.model_dump())
    return promotion_save(shop=None, actor=request.auth, data=data, promotion_id=promotion_id)


@router.get("/coupons", response={200: list[CouponOut], **ERRORS}, summary="平台券列表")
@paginate(Paged, page_size=50, max_page_size=200)
def coupons(request: HttpRequest):
    return Rows(platform_promotions(kind=Kind.COUPON), _coupons_shown)


@router.post("/coupons", response={201: CouponOut, **ERRORS}, summary="新建平台券")
def coupon_create(request: HttpRequest, payload: CouponIn):
    return 201, decorate(_save(request, payload))


@router.get(
    "/coupons/{promotion_id}", response={200: CouponOut, **ERRORS}, summary="平台券详情（含已领、已用、总量）"
)
def coupon_get(request: HttpRequest, promotion_id: int):
    return decorate(_platform_coupon(promotion_id))


@router.put(
    "/coupons/{promotion_id}", response={200: CouponOut, **ERRORS}, summary="修改平台券（仅未开始的）"
)
def coupon_update(request: HttpRequest, promotion_id: int, payload: CouponIn):
    _platform_coupon(promotion_id)
    return decorate(_save(request, payload, promotion_id=promotion_id))


def _transition(service, request, promotion_id):
    promo = _platform_coupon(promotion_id)
    return decorate(service(shop=None, promotion_id=promo.pk, actor=request.auth, platform=True))


@router.post(
    "/coupons/{promotion_id}/pause", response={200: CouponOut, **ERRORS}, summary="暂停平台券（已领的仍可用）"
)
def coupon_pause(request: HttpRequest, promotion_id: int):
    return _transition(promotion_pause, request, promotion_id)


@router.post("/coupons/{promotion_id}/resume", response={200: CouponOut, **ERRORS}, summary="恢复平台券")
def coupon_resume(request: HttpRequest, promotion_id: int):
    return _transition(promotion_resume, request, promotion_id)


@router.post("/coupons/{promotion_id}/end", response={200: CouponOut, **ERRORS}, summary="结束平台券")
def coupon_end(request: HttpRequest, promotion_id: int):
    return _transition(promotion_end, request, promotion_id)


@router.post("/coupons/{promotion_id}/issue", response={200: IssueOut, **ERRORS}, summary="定向发放平台券")
def coupon_issue_api(request: HttpRequest, promotion_id: int, payload: IssueIn):
    promo = _platform_coupon(promotion_id)
    issued = coupon_issue(
        shop=None, actor=request.auth, promotion_id=promo.pk, buyer_ids=payload.buyer_ids, platform=True
    )
    return {"issued": issued, "skipped": len(set(payload.buyer_ids)) - issued}


# --- 秒杀场次 ---------------------------------------------------------------------------------------------------


def _slot_phase(slot, now):
    slot.phase_key = slot_phase(slot, now)
    slot.phase_label = SLOT_PHASES[slot.phase_key]
    return slot


def _slots_shown(slots) -> list:
    now = timezone.now()
    return [_slot_phase(s, now) for s in slots]


def _enrolment(promo, now):
    promo.phase_label = phase_label(promo, now)
    return promo


def _slot_detail(slot):
    now = timezone.now()
    slot.enrolments = [_enrolment(p, now) for p in slot.promotions.all()]
    return _slot_phase(slot, now)


@router.get("/flash-slots", response={200: list[SlotOut], **ERRORS}, summary="秒杀场次列表")
@paginate(Paged, page_size=MAX_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def slots(request: HttpRequest, upcoming_only: bool = False):
    return Rows(flash_slots(upcoming_only=upcoming_only, now=timezone.now()), _slots_shown)


@router.post("/flash-slots", response={201: SlotDetailOut, **ERRORS}, summary="新建秒杀场次")
def slot_create(request: HttpRequest, payload: SlotIn):
    slot = flash_slot_save(
        actor=request.auth,
        name=payload.name,
        starts_at=aware(payload.starts_at),
        ends_at=aware(payload.ends_at),
        is_open=payload.is_open,
    )
    return 201, _slot_detail(slot)


@router.get(
    "/flash-slots/{slot_id}",
    response={200: SlotDetailOut, **ERRORS},
    summary="秒杀场次详情（含商家报名的秒杀）",
)
def slot_get(request: HttpRequest, slot_id: int):
    return _slot_detail(flash_slot_get(slot_id=slot_id))


@router.put(
    "/flash-slots/{slot_id}",
    response={200: SlotDetailOut, **ERRORS},
    summary="修改秒杀场次（已有报名时不能改时间）",
)
def slot_update(request: HttpRequest, slot_id: int, payload: SlotIn):
    slot = flash_slot_save(
        actor=request.auth,
        name=payload.name,
        starts_at=aware(payload.starts_at),
        ends_at=aware(payload.ends_at),
        slot_id=flash_slot_get(slot_id=slot_id).pk,
        is_open=payload.is_open,
    )
    return _slot_detail(slot)


def _toggle(request, slot_id: int, is_open: bool):
    slot = flash_slot_get(slot_id=slot_id)
    slot = flash_slot_save(
        actor=request.auth,
        name=slot.name,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        slot_id=slot.pk,
        is_open=is_open,
    )
    return _slot_detail(slot)


@router.post("/flash-slots/{slot_id}/open", response={200: SlotDetailOut, **ERRORS}, summary="开放报名")
def slot_open(request: HttpRequest, slot_id: int):
    return _toggle(request, slot_id, True)


@router.post("/flash-slots/{slot_id}/close", response={200: SlotDetailOut, **ERRORS}, summary="停止报名")
def slot_close(request: HttpRequest, slot_id: int):
    return _toggle(request, slot_id, False)


@router.post(
    "/flash-promotions/{promotion_id}/remove",
    response={200: EnrolmentOut, **ERRORS},
    summary="撤下商家报名的秒杀（立即结束）",
)
def flash_remove(request: HttpRequest, promotion_id: int):
    promo = flash_slot_remove_promotion(actor=request.auth, promotion_id=promotion_id)
    return _enrolment(promo, timezone.now())


# --- 价格合规 ---------------------------------------------------------------------------------------------------


@router.get(
    "/price-alerts", response={200: list[PlatformPriceAlertOut], **ERRORS}, summary="价格合规提醒（全部店铺）"
)
@paginate(Paged, page_size=MAX_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def alerts(request: HttpRequest, filters: Query[AlertFilter]):
    return price_alerts(shop=None, include_resolved=filters.include_resolved)


@router.post(
    "/price-alerts/{alert_id}/resolve",
    response={200: PlatformPriceAlertOut, **ERRORS},
    summary="标记价格提醒为已处理",
)
def alert_resolve(request: HttpRequest, alert_id: int):
    return price_alert_resolve(alert_id=alert_id)
