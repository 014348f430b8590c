"""Storefront JSON API for promotions (/api/store/…): product promotions, coupons (claim, center, mine), points,
flash sales (board, buy) and group buys (start/join, team page). Mounted into `api.router`.

Same patterns as api.py: thin handlers over services and selectors, domain errors → `{detail, code, field}`,
purchases need an `Idempotency-Key` header and answer like `POST /orders` (201 with the payment).
"""

from django.utils import timezone
from ninja import Router

from wanshang.accounts.api_auth import AUTH
from wanshang.catalog.selectors import product_get_public
from wanshang.checkout.services import flash_buy as buy
from wanshang.checkout.services import group_buy as group_buy_for
from wanshang.common.errors import ValidationError
from wanshang.inventory.selectors import available_by_sku
from wanshang.marketing.selectors import claimed_counts, flash_sale_board, group_team_get, points_of
from wanshang.marketing.selectors import coupon_center as center
from wanshang.marketing.selectors import my_coupons as coupons_of
from wanshang.marketing.selectors import product_promotions as promotions_of
from wanshang.marketing.services import coupon_claim as claim
from wanshang.merchants.selectors import shop_get_public
from wanshang.payments.selectors import available_gateways, payment_get_for_buyer
from wanshang.storefront.api import serializers as out
from wanshang.storefront.api.schemas import (
    AUTHED_ERRORS,
    ERRORS,
    PUBLIC_ERRORS,
    CouponOfferOut,
    Error,
    FlashBuyIn,
    FlashSessionOut,
    GroupBuyIn,
    GroupTeamOut,
    MyCouponOut,
    PaymentOut,
    PointsOut,
    ProductPromotionsOut,
)
from wanshang.storefront.promo_display import GIVE_BACK_RULES, POINTS_REASONS, sku_displays

router = Router()

IDEMPOTENCY_HEADER = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": True,
            "schema": {"type": "string", "minLength": 8, "maxLength": 100},
            "description": "客户端生成的唯一键（如 UUID）；重试时使用同一个键不会重复下单",
        }
    ]
}


def _anyone(request):
    """Public endpoints whose answer depends on who asks (member prices, coupons held): a token or a session
    identifies the buyer when present, anyone else is answered as a visitor."""
    return True


OPTIONAL_AUTH = [*AUTH, _anyone]


def _idempotency_key(request) -> str:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        raise ValidationError(
            "缺少 Idempotency-Key 请求头：请为每次下单生成一个唯一键（如 UUID），重试时复用",
            code="idempotency_key_required",
            field="Idempotency-Key",
        )
    return key


def _payment_out(request, payment_no):
    payment = payment_get_for_buyer(buyer=request.user, payment_no=payment_no)
    return out.payment(payment, gateways=available_gateways())


# --- product page ------------------------------------------------------------------------------------------------


@router.get(
    "/products/{product_id}/promotions",
    auth=OPTIONAL_AUTH,
    response={200: ProductPromotionsOut, **PUBLIC_ERRORS},
    summary="商品促销：该买家的各 SKU 价格、标签、满减、可领券、秒杀、拼团、套餐",
)
def product_promotions(request, product_id: int):
    now = timezone.now()
    product = product_get_public(product_id=product_id)
    skus = list(product.skus.all())
    promos = promotions_of(buyer=request.user, product=product, skus=skus, now=now)
    rows = sku_displays(
        product=product,
        skus=skus,
        prices=promos.prices,
        stock=available_by_sku(sku_ids=[s.pk for s in skus]),
        now=now,
    )
    claimed = (
        claimed_counts(buyer=request.user, promotion_ids=[c.pk for c in promos.coupons])
        if promos.coupons
        else {}
    )
    return out.product_promotions(product, promos, rows=rows, claimed=claimed, now=now)


# --- coupons -----------------------------------------------------------------------------------------------------


@router.get(
    "/coupons/center",
    auth=OPTIONAL_AUTH,
    response={200: list[CouponOfferOut], **PUBLIC_ERRORS},
    summary="领券中心：可领取的优惠券",
)
def coupon_center(request, shop: str = ""):
    """`shop`: a shop slug — that shop's coupons and the platform's."""
    coupons = center(shop=shop_get_public(slug=shop) if shop else None)
    claimed = claimed_counts(buyer=request.user, promotion_ids=[c.pk for c in coupons]) if coupons else {}
    return [out.coupon_offer(c, claimed=claimed.get(c.pk, 0)) for c in coupons]


@router.post("/coupons/{promotion_id}/claim", response={201: MyCouponOut, **ERRORS}, summary="领取优惠券")
def coupon_claim(request, promotion_id: int):
    coupon = claim(buyer=request.user, promotion_id=promotion_id)
    labelled = next((c for c in coupons_of(buyer=request.user, state="unused") if c.pk == coupon.pk), coupon)
    return 201, out.my_coupon(labelled)


@router.get("/coupons", response={200: list[MyCouponOut], 400: Error, **AUTHED_ERRORS}, summary="我的优惠券")
def my_coupons(request, state: str = "unused"):
    """`state`: unused（未使用）/ used（已使用）/ expired（已过期）."""
    if state not in ("unused", "used", "expired"):
        raise ValidationError("state 须为 unused / used / expired", field="state")
    return [out.my_coupon(c) for c in coupons_of(buyer=request.user, state=state)]


@router.get("/points", response={200: PointsOut, 401: Error}, summary="我的积分：余额与明细")
def points(request):
    balance, entries = points_of(user=request.user)
    return out.points(balance, entries, reasons=POINTS_REASONS, rules=GIVE_BACK_RULES)


# --- flash sales -------------------------------------------------------------------------------------------------


@router.get(
    "/flash-sales",
    auth=None,
    response=list[FlashSessionOut],
    summary="秒杀会场：进行中与 24 小时内开始的场次",
)
def flash_board(request):
    return [out.flash_session(s) for s in flash_sale_board()]


@router.post(
    "/flash-sales/items/{item_id}/buy",
    response={201: PaymentOut, **ERRORS},
    openapi_extra=IDEMPOTENCY_HEADER,
    summary="立即抢购（按秒杀价下单，返回支付单）",
)
def flash_buy(request, item_id: int, payload: FlashBuyIn):
    payment = buy(
        buyer=request.user,
        item_id=item_id,
        quantity=payload.quantity,
        address_id=payload.address_id,
        idempotency_key=_idempotency_key(request),
        buyer_note=payload.buyer_note,
    )
    return 201, _payment_out(request, payment.no)


# --- group buys --------------------------------------------------------------------------------------------------


@router.post(
    "/group-buys/items/{item_id}",
    response={201: PaymentOut, **ERRORS},
    openapi_extra=IDEMPOTENCY_HEADER,
    summary="拼团下单：发起新团（不传 team_id）或参加一个团",
)
def group_buy(request, item_id: int, payload: GroupBuyIn):
    payment = group_buy_for(
        buyer=request.user,
        item_id=item_id,
        team_id=payload.team_id,
        quantity=payload.quantity,
        address_id=payload.address_id,
        idempotency_key=_idempotency_key(request),
        buyer_note=payload.buyer_note,
    )
    return 201, _payment_out(request, payment.no)


@router.get(
    "/group-teams/{team_id}",
    auth=OPTIONAL_AUTH,
    response={200: GroupTeamOut, **PUBLIC_ERRORS},
    summary="拼团详情（分享页）：成员（昵称打码）、剩余名额、截止时间、状态",
)
def group_team(request, team_id: int):
    return out.group_team(group_team_get(team_id=team_id), viewer=request.user, now=timezone.now())
