"""Storefront JSON API for 店铺活动页: a shop's published campaign page (/api/store/shops/{slug}/pages/
{page_slug}, public) with its modules resolved — products with this buyer's price and the stock now, the
shop's claimable coupons (claim them with POST /api/store/coupons/claim). Outside its window the answer says
`not_started` or `ended` and carries no modules; a draft, an offline page or none is 404."""

from datetime import datetime

from django.utils import timezone
from ninja import Field, Router, Schema

from wanshang.common.money import fen_to_yuan_str
from wanshang.merchants.selectors import shop_get_public
from wanshang.shoppages.selectors import page_blocks, page_published, window_state
from wanshang.storefront.api.schemas import PUBLIC_ERRORS
from wanshang.storefront.promo_display import with_card_prices

router = Router()


class StorePageProductOut(Schema):
    id: int
    title: str
    price_fen: int = Field(description="此刻买家的价格（含进行中的促销）")
    price: str
    stock: int = Field(description="此刻可买件数（各规格合计）")
    image: str


class StorePageCouponOut(Schema):
    id: int
    name: str
    label: str = Field(description="如“店铺券 满199减20”")
    ends_at: datetime
    held: int = Field(description="当前买家已领张数（未登录为 0）")


class StorePageTargetOut(Schema):
    kind: str = Field(description="shop / product / coupon")
    id: int | None = None


class StorePageBlockOut(Schema):
    type: str
    text: str | None = None
    alt: str | None = None
    label: str | None = None
    image_url: str | None = None
    products: list[StorePageProductOut] = Field(default_factory=list)
    coupons: list[StorePageCouponOut] = Field(default_factory=list)
    target: StorePageTargetOut | None = None


class StorePageOut(Schema):
    shop: str
    shop_slug: str
    title: str
    slug: str
    starts_at: datetime | None
    ends_at: datetime | None
    window: str = Field(
        description="running 进行中 / not_started 活动未开始 / ended 活动已结束（后两者不带模块）"
    )
    blocks: list[StorePageBlockOut]


def _product(p) -> dict:
    price = p.card_price.price_fen if getattr(p, "card_price", None) else p.min_price_fen
    return {
        "id": p.pk,
        "title": p.title,
        "price_fen": price,
        "price": fen_to_yuan_str(price),
        "stock": p.stock,
        "image": p.main_image or "",
    }


def _block(b) -> dict:
    target = None
    if b.target_kind == "shop":
        target = {"kind": "shop", "id": None}
    elif b.target_kind == "product":
        target = {"kind": "product", "id": b.target_product.pk}
    elif b.target_kind == "coupon":
        target = {"kind": "coupon", "id": b.target_coupon.pk}
    return {
        "type": b.type,
        "text": b.data.get("text"),
        "alt": b.data.get("alt"),
        "label": b.data.get("label"),
        "image_url": b.image["url"] if b.image else None,
        "products": [_product(p) for p in b.products],
        "coupons": [
            {"id": c.pk, "name": c.name, "label": c.label, "ends_at": c.ends_at, "held": c.held}
            for c in b.coupons
        ],
        "target": target,
    }


@router.get(
    "/shops/{slug}/pages/{page_slug}",
    auth=None,
    response={200: StorePageOut, **PUBLIC_ERRORS},
    summary="店铺活动页",
    description="已发布的活动页及其模块；活动未开始或已结束时 `window` 说明、`blocks` 为空。",
)
def shop_page(request, slug: str, page_slug: str):
    shop = shop_get_public(slug=slug)
    page = page_published(shop=shop, slug=page_slug)
    now = timezone.now()
    window = window_state(page, now)
    blocks = page_blocks(page=page, buyer=request.user, now=now) if window == "running" else []
    with_card_prices([p for b in blocks for p in b.products], buyer=request.user)
    return {
        "shop": shop.name,
        "shop_slug": shop.slug,
        "title": page.title,
        "slug": page.slug,
        "starts_at": page.starts_at,
        "ends_at": page.ends_at,
        "window": window,
        "blocks": [_block(b) for b in blocks],
    }
