"""Storefront JSON API for promotions (/api/store/…): product promotions, coupons (claim, center, mine), points,
flash sales (board, buy) and group buys (start/join, team page). Mounted into `api.router`.

Same patterns as __init__.py: thin handlers over services and selectors whose objects the response schemas
read, domain errors → `{detail, code, field}`, purchases need an `Idempotency-Key` header and answer like `POST /orders` (201 with the payment).
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
from wanshang.storefront.api.schemas import (
    AUTHED_ERRORS,
    CSRF_ERRORS,
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
from wanshang.storefront.promo_display import sku_displays

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


def cashier(request, payment_no):
    """The buyer's payment as the cashier shows it (schemas.PaymentOut), with the gateways on offer."""
    payment = payment_get_for_buyer(buyer=request.user, payment_no=payment_no)
    payment.gateways = available_gateways()
    return payment


def _with_claimed(coupons, claimed: dict) -> list:
    """Public coupons, each with how many of it this buyer holds (`claimed`, schemas.CouponOfferOut)."""
    for coupon in coupons:
        coupon.claimed = claimed.get(coupon.pk, 0)
    return coupons


def _shown(product, promos, *, rows, claimed: dict, now):
    """What schemas.ProductPromotionsOut reads, set on marketing's ProductPromotions: the product, its SKU rows,
    the coupons claimed, and the flash sale's and group buy's items among the SKUs shown."""
    skus = {r.sku.pk: r.sku for r in rows}
    promos.product_id, promos.sku_rows = product.pk, rows
    _with_claimed(promos.coupons, claimed)
    if promos.flash:
        promos.flash.running = promos.flash.starts_at <= now
        promos.flash.shown_items = [
            {"item": item, "sku": skus[sku_id], "product": product}
            for sku_id, item in promos.flash_items.items()
            if sku_id in skus
        ]
    if promos.group_buy:
        promos.group_buy.open_teams = promos.open_teams
        promos.group_buy.shown_items = []
        for sku_id, item in promos.group_items.items():
            if sku_id in skus:
                item.shown_sku = skus[sku_id]
                promos.group_buy.shown_items.append(item)
    return promos


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
    return _shown(product, promos, rows=rows, claimed=claimed, now=now)


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
    return _with_claimed(coupons, claimed)


@router.post(
    "/coupons/{promotion_id}/claim",
    response={201: MyCouponOut, **ERRORS, **CSRF_ERRORS},
    summary="领取优惠券",
)
def coupon_claim(request, promotion_id: int):
    coupon = claim(buyer=request.user, promotion_id=promotion_id)
    return 201, next((c for c in coupons_of(buyer=request.user, state="unused") if c.pk == coupon.pk), coupon)


@router.get("/coupons", response={200: list[MyCouponOut], 400: Error, **AUTHED_ERRORS}, summary="我的优惠券")
def my_coupons(request, state: str = "unused"):
    """`state`: unused（未使用）/ used（已使用）/ expired（已过期）."""
    if state not in ("unused", "used", "expired"):
        raise ValidationError("state 须为 unused / used / expired", field="state")
    return coupons_of(buyer=request.user, state=state)


@router.get("/points", response={200: PointsOut, 401: Error}, summary="我的积分：余额与明细")
def points(request):
    balance, entries = points_of(user=request.user)
    return PointsOut(balance=balance, entries=entries)


# --- flash sales -------------------------------------------------------------------------------------------------


@router.get(
    "/flash-sales",
    auth=None,
    response=list[FlashSessionOut],
    summary="秒杀会场：进行中与 24 小时内开始的场次",
)
def flash_board(request):
    return flash_sale_board()


@router.post(
    "/flash-sales/items/{item_id}/buy",
    response={201: PaymentOut, **ERRORS, **CSRF_ERRORS},
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
    return 201, cashier(request, payment.no)


# --- group buys --------------------------------------------------------------------------------------------------


@router.post(
    "/group-buys/items/{item_id}",
    response={201: PaymentOut, **ERRORS, **CSRF_ERRORS},
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
    return 201, cashier(request, payment.no)


@router.get(
    "/group-teams/{team_id}",
    auth=OPTIONAL_AUTH,
    response={200: GroupTeamOut, **PUBLIC_ERRORS},
    summary="拼团详情（分享页）：成员（昵称打码）、剩余名额、截止时间、状态",
)
def group_team(request, team_id: int):
    return group_team_get(team_id=team_id)
