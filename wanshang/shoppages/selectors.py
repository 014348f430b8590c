"""Reads of 店铺活动页: the seller's list and one page, the published page a buyer opens, and the page's
modules resolved for display — every product, coupon and picture the page names read in a few batched
queries whatever the number of modules (no query per module or per product)."""

from django.utils import timezone

from wanshang.adlaw.selectors import open_hits
from wanshang.catalog.selectors import active_skus_of_products, public_products_in_order, seller_product_list
from wanshang.common.errors import NotFound
from wanshang.inventory.selectors import available_by_sku
from wanshang.marketing.selectors import claimed_counts, coupon_center, promotion_list
from wanshang.media.selectors import assets_by_id, recent_assets
from wanshang.shoppages.models import ShopPage
from wanshang.shoppages.services import SOURCE, button_findings, limits
from wanshang.shoppages.types import MODULE_TYPES, STATE_LABELS, TARGET_KINDS, WINDOW_LABELS, Block

STATES = ShopPage.State.choices
PAGE_LIMITS = limits
__all__ = [
    "MODULE_TYPES",
    "PAGE_LIMITS",
    "STATES",
    "STATE_LABELS",
    "TARGET_KINDS",
    "WINDOW_LABELS",
    "button_findings",
]


def page_list(*, shop, state: str | None = None):
    qs = ShopPage.objects.for_shop(shop)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-updated_at", "-id")


def page_get(*, shop, page_id) -> ShopPage:
    """One of the shop's pages (another shop's, none or not a number: NotFound)."""
    try:
        pk = int(page_id)
    except (TypeError, ValueError):
        raise NotFound("活动页不存在") from None
    page = ShopPage.objects.for_shop(shop).filter(pk=pk).first()
    if page is None:
        raise NotFound("活动页不存在")
    return page


def page_published(*, shop, slug: str) -> ShopPage:
    """The shop's published page at `slug` (a draft, an offline page or none: NotFound)."""
    page = (
        ShopPage.objects.for_shop(shop)
        .filter(slug=str(slug or "")[:60], state=ShopPage.State.PUBLISHED)
        .first()
    )
    if page is None:
        raise NotFound("活动页不存在或已下线")
    return page


def pages_running(*, shop, now=None, limit: int = 10) -> list[ShopPage]:
    """The shop's published pages whose window covers `now` (the shop home links them), newest first."""
    now = now or timezone.now()
    qs = ShopPage.objects.for_shop(shop).filter(state=ShopPage.State.PUBLISHED)
    rows = [p for p in qs.order_by("-published_at", "-id")[: limit * 3] if window_state(p, now) == "running"]
    return rows[:limit]


def window_state(page, now=None) -> str:
    """running, not_started (before `starts_at`) or ended (at or after `ends_at`)."""
    now = now or timezone.now()
    if page.starts_at and now < page.starts_at:
        return "not_started"
    if page.ends_at and now >= page.ends_at:
        return "ended"
    return "running"


def page_hits(*, shop, page_id) -> dict:
    """field → its recorded open 广告法 hits (warnings shown inline in the editor)."""
    return {row.field: list(row.hits) for row in open_hits(shop=shop, source=SOURCE, source_id=page_id)}


# --- what the editor offers ------------------------------------------------------------------------------------


def pickable_products(*, shop, limit: int = 100) -> list:
    """The shop's products on sale, newest first (a product grid or a target picks among them)."""
    return list(seller_product_list(shop=shop, status="on_sale").prefetch_related(None)[:limit])


def pickable_coupons(*, shop, now=None) -> list:
    """The shop's coupons that have not ended (running or scheduled)."""
    now = now or timezone.now()
    return list(promotion_list(shop=shop, kind="coupon").filter(ends_at__gt=now, status="active")[:50])


def pickable_images(*, shop, limit: int = 40) -> list[dict]:
    return [
        {
            "id": a.pk,
            "thumb": ((a.renditions or {}).get("thumb") or {}).get("jpeg") or a.url,
            "size": f"{a.width}×{a.height}",
        }
        for a in recent_assets(shop=shop, limit=limit)
    ]


# --- what a buyer sees ----------------------------------------------------------------------------------------


def _banner_url(asset) -> str:
    renditions = asset.renditions or {}
    return (renditions.get("detail") or {}).get("jpeg") or asset.url


def page_blocks(*, page, buyer=None, now=None) -> list[Block]:
    """The page's modules resolved for display. Products are read once for the whole page (public ones of this
    shop only: one taken off sale since disappears), with their stock now; coupons are the shop's claimable
    ones now (with what this buyer holds); pictures the shop's own. A fixed number of queries."""
    now = now or timezone.now()
    modules = list(page.modules or [])
    product_ids, coupon_ids, image_ids = [], [], []
    for m in modules:
        product_ids += m.get("product_ids", [])
        coupon_ids += m.get("coupon_ids", [])
        if m.get("type") == "banner":
            image_ids.append(m.get("image_id"))
        target = m.get("target") or {}
        if target.get("kind") == "product":
            product_ids.append(target.get("id"))
        elif target.get("kind") == "coupon":
            coupon_ids.append(target.get("id"))
    products = {}
    if product_ids:
        ordered = public_products_in_order(product_ids=list(dict.fromkeys(product_ids)))
        products = {p.pk: p for p in ordered if p.shop_id == page.shop_id}
        skus = active_skus_of_products(product_ids=list(products)) if products else []
        stock = available_by_sku(sku_ids=[s.pk for s in skus])
        totals: dict[int, int] = {}
        for sku in skus:
            totals[sku.product_id] = totals.get(sku.product_id, 0) + stock.get(sku.pk, 0)
        for p in products.values():
            p.stock = totals.get(p.pk, 0)
    coupons = {}
    if coupon_ids:
        wanted = set(coupon_ids)
        coupons = {
            c.pk: c
            for c in coupon_center(shop=page.shop, now=now)
            if c.shop_id == page.shop_id and c.pk in wanted
        }
        held = claimed_counts(buyer=buyer, promotion_ids=list(coupons)) if coupons else {}
        for c in coupons.values():
            c.held = held.get(c.pk, 0)
    images = assets_by_id(shop=page.shop, ids=image_ids, own_only=True) if image_ids else {}
    return [_block(m, products=products, coupons=coupons, images=images) for m in modules]


def _block(m: dict, *, products: dict, coupons: dict, images: dict) -> Block:
    block = Block(type=m.get("type", ""), data=m)
    if block.type == "banner":
        asset = images.get(m.get("image_id"))
        block.image = (
            {"url": _banner_url(asset), "width": asset.width, "height": asset.height} if asset else None
        )
    elif block.type == "products":
        block.products = [products[i] for i in m.get("product_ids", []) if i in products]
    elif block.type == "coupons":
        block.coupons = [coupons[i] for i in m.get("coupon_ids", []) if i in coupons]
    target = m.get("target") or {}
    kind = target.get("kind") or ""
    if kind == "product":
        block.target_product = products.get(target.get("id"))
        kind = kind if block.target_product else ""
    elif kind == "coupon":
        block.target_coupon = coupons.get(target.get("id"))
        kind = kind if block.target_coupon else ""
    block.target_kind = kind
    return block
