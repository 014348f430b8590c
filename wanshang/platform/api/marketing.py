"""Platform JSON API for marketing and price compliance (/api/platform): 平台券, 秒杀场次, 价格合规.

The same services as the operator pages; amounts in fen, rates in 万分比 (bps). Operators (is_staff) only.
"""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from wanshang.common.api_paging import MAX_OFFSET
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

MAX_LIMIT = 200


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


class PlatformPageFilter(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class AlertFilter(Schema):
    include_resolved: bool = False


class CouponOut(Schema):
    id: int
    name: str
    label: str
    status: str
    phase: str
    phase_label: str
    starts_at: datetime
    ends_at: datetime
    config: dict
    scope: str
    scope_ids: list[int]
    total_quantity: int
    per_buyer_limit: int
    issued: int
    used: int
    remaining: int | None
    platform_share_bps: int


class IssueOut(Schema):
    issued: int
    skipped: int


class PlatformFlashItemOut(Schema):
    id: int
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    price_fen: int
    list_price_fen: int
    stock: int
    sold: int


class EnrolmentOut(Schema):
    promotion_id: int
    name: str
    shop_id: int
    shop_name: str
    status: str
    phase_label: str
    per_buyer_limit: int
    items: list[PlatformFlashItemOut]


class SlotOut(Schema):
    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    is_open: bool
    phase: str
    phase_label: str
    enrolled: int


class SlotDetailOut(SlotOut):
    enrolments: list[EnrolmentOut]


class EvidenceOut(Schema):
    at: str
    price_fen: int | None
    old_price_fen: int | None


class PlatformPriceAlertOut(Schema):
    id: int
    shop_id: int
    shop_name: str
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    rule: str
    rule_label: str
    message: str
    promotion_id: int | None
    evidence: list[EvidenceOut]
    resolved: bool
    created_at: datetime


# --- 平台券 -----------------------------------------------------------------------------------------------------


def _coupon(promo) -> dict:
    decorate(promo)
    return {
        "id": promo.pk,
        "name": promo.name,
        "label": promo.label,
        "status": promo.status,
        "phase": promo.phase_key,
        "phase_label": promo.phase_label,
        "starts_at": promo.starts_at,
        "ends_at": promo.ends_at,
        "config": promo.config,
        "scope": promo.scope,
        "scope_ids": promo.scope_ids or [],
        "total_quantity": promo.total_quantity,
        "per_buyer_limit": promo.per_buyer_limit,
        "issued": promo.issued_count,
        "used": promo.used_count,
        "remaining": promo.remaining,
        "platform_share_bps": promo.platform_share_bps,
    }


def _platform_coupon(promotion_id: int):
    promo = promotion_get(shop=None, promotion_id=promotion_id)
    if promo.kind != Kind.COUPON:
        raise NotFound("平台券不存在")
    return promo


def _save(request, payload: CouponIn, promotion_id=None):
    data = coupon_input(**payload.model_dump())
    return promotion_save(shop=None, actor=request.auth, data=data, promotion_id=promotion_id)


@router.get("/coupons", response={200: list[CouponOut], **ERRORS}, summary="平台券列表")
def coupons(request: HttpRequest, filters: Query[PlatformPageFilter]):
    rows = platform_promotions(kind=Kind.COUPON)[filters.offset : filters.offset + filters.limit]
    return [_coupon(p) for p in rows]


@router.post("/coupons", response={201: CouponOut, **ERRORS}, summary="新建平台券")
def coupon_create(request: HttpRequest, payload: CouponIn):
    return 201, _coupon(_save(request, payload))


@router.get(
    "/coupons/{promotion_id}", response={200: CouponOut, **ERRORS}, summary="平台券详情（含已领、已用、总量）"
)
def coupon_get(request: HttpRequest, promotion_id: int):
    return _coupon(_platform_coupon(promotion_id))


@router.put(
    "/coupons/{promotion_id}", response={200: CouponOut, **ERRORS}, summary="修改平台券（仅未开始的）"
)
def coupon_update(request: HttpRequest, promotion_id: int, payload: CouponIn):
    _platform_coupon(promotion_id)
    return _coupon(_save(request, payload, promotion_id=promotion_id))


def _transition(service, request, promotion_id):
    promo = _platform_coupon(promotion_id)
    return _coupon(service(shop=None, promotion_id=promo.pk, actor=request.auth, platform=True))


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


def _slot(slot, now) -> dict:
    phase = slot_phase(slot, now)
    return {
        "id": slot.pk,
        "name": slot.name,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "is_open": slot.is_open,
        "phase": phase,
        "phase_label": SLOT_PHASES[phase],
        "enrolled": sum(1 for p in slot.promotions.all() if p.status != "ended"),
    }


def _enrolment(promo, now) -> dict:
    return {
        "promotion_id": promo.pk,
        "name": promo.name,
        "shop_id": promo.shop_id,
        "shop_name": promo.shop.name,
        "status": promo.status,
        "phase_label": phase_label(promo, now),
        "per_buyer_limit": promo.per_buyer_limit,
        "items": [
            {
                "id": i.pk,
                "sku_id": i.sku_id,
                "product_id": i.product_id,
                "title": i.sku.product.title,
                "spec_text": i.sku.spec_text,
                "price_fen": i.price_fen,
                "list_price_fen": i.sku.price_fen,
                "stock": i.stock,
                "sold": i.sold,
            }
            for i in promo.items.all()
        ],
    }


def _slot_detail(slot) -> dict:
    now = timezone.now()
    return {**_slot(slot, now), "enrolments": [_enrolment(p, now) for p in slot.promotions.all()]}


@router.get("/flash-slots", response={200: list[SlotOut], **ERRORS}, summary="秒杀场次列表")
def slots(request: HttpRequest, upcoming_only: bool = False):
    now = timezone.now()
    return [_slot(s, now) for s in flash_slots(upcoming_only=upcoming_only, now=now)]


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


def _toggle(request, slot_id: int, is_open: bool) -> dict:
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
    return _enrolment(
        flash_slot_remove_promotion(actor=request.auth, promotion_id=promotion_id), timezone.now()
    )


# --- 价格合规 ---------------------------------------------------------------------------------------------------


def _alert(alert) -> dict:
    evidence = [
        {
            "at": e["at"].isoformat() if hasattr(e["at"], "isoformat") else str(e["at"] or ""),
            "price_fen": e["price_fen"],
            "old_price_fen": e["old_price_fen"],
        }
        for e in evidence_rows(alert.evidence)
    ]
    return {
        "id": alert.pk,
        "shop_id": alert.shop_id,
        "shop_name": alert.shop.name,
        "sku_id": alert.sku_id,
        "product_id": alert.sku.product_id,
        "title": alert.sku.product.title,
        "spec_text": alert.sku.spec_text,
        "rule": alert.rule,
        "rule_label": alert.get_rule_display(),
        "message": alert.message,
        "promotion_id": alert.promotion_id,
        "evidence": evidence,
        "resolved": alert.resolved,
        "created_at": alert.created_at,
    }


@router.get(
    "/price-alerts", response={200: list[PlatformPriceAlertOut], **ERRORS}, summary="价格合规提醒（全部店铺）"
)
def alerts(request: HttpRequest, filters: Query[AlertFilter]):
    return [_alert(a) for a in price_alerts(shop=None, include_resolved=filters.include_resolved)]


@router.post(
    "/price-alerts/{alert_id}/resolve",
    response={200: PlatformPriceAlertOut, **ERRORS},
    summary="标记价格提醒为已处理",
)
def alert_resolve(request: HttpRequest, alert_id: int):
    return _alert(price_alert_resolve(alert_id=alert_id))
