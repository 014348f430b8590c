"""Marketing reads for the seller center, the platform and the storefront.

Prices a buyer sees anywhere (lists, product page) come from `item_prices_for`, the same item-level step
the cart and checkout run, so a list can never show less than the product page charges (§20).
"""

from dataclasses import dataclass, field

from django.utils import timezone

from wanshang.common.errors import NotFound
from wanshang.marketing.coupons.selectors import claimed_counts, coupon_center, coupon_stats, my_coupons  # noqa: F401 (re-exported)
from wanshang.marketing.models import (
    FlashSlot,
    GroupMember,
    GroupTeam,
    MemberLevel,
    PointsAccount,
    PointsEntry,
    Promotion,
    PromotionItem,
)
from wanshang.marketing.promotions.selectors import (  # noqa: F401 (re-exported)
    platform_promotions,
    promotion_get,
    promotion_list,
    promotion_phase_label,
    promotion_preview,
    running_q,
)
from wanshang.marketing.steps.context import in_scope, load_context
from wanshang.marketing.steps.discounts import coupon_label, full_reduction_offer  # noqa: F401 (re-exported)
from wanshang.marketing.steps.items import best_item_price
from wanshang.marketing.types import ITEM_KINDS, Kind
from wanshang.orders.models import OrderStatus
from wanshang.pricing.engine import PricedLine

# --- seller center -------------------------------------------------------------------------------------------


def member_levels(*, shop) -> list[MemberLevel]:
    return list(MemberLevel.objects.for_shop(shop).order_by("rank"))


# --- storefront: prices ---------------------------------------------------------------------------------------

@dataclass
class SkuPrice:
    sku_id: int
    list_price_fen: int
    price_fen: int
    label: str = ""
    kind: str = ""
    ends_at: object = None
    notes: list[str] = field(default_factory=list)


def item_prices_for(*, buyer, skus, now=None, quantity: int = 1) -> dict[int, SkuPrice]:
    """The price each SKU costs this buyer now for `quantity` units: the cart's own item-level step."""
    now = now or timezone.now()
    lines = [PricedLine(sku=s, product=s.product, quantity=quantity, unit_price_fen=s.price_fen,
                        list_price_fen=s.price_fen) for s in skus]
    ctx = load_context(buyer=buyer, lines=lines, now=now, with_coupons=False)
    ends = {}
    for items in ctx.items_by_sku.values():
        for item in items:
            ends[item.promotion_id] = item.promotion.ends_at
    for promos in ctx.shop_promotions.values():
        for p in promos:
            ends[p.pk] = p.ends_at
    out = {}
    for line in lines:
        best_item_price(line, ctx, buyer=buyer, group_buy={})
        info = line.item_price
        out[line.sku_id] = SkuPrice(sku_id=line.sku_id, list_price_fen=line.list_price_fen,
                                    price_fen=line.unit_price_fen, label=info.label if info else "",
                                    kind=info.kind if info else "", ends_at=ends.get(info.promotion_id) if info else None,
                                    notes=line.notes)
    return out


def list_prices(*, buyer, products, now=None) -> dict[int, SkuPrice]:
    """Per product, the lowest price a list may show this buyer (never below the product page, §20).

    Products without a running item-level promotion keep their own minimum price and cost no query.
    """
    from wanshang.catalog.selectors import active_skus_of_products

    now = now or timezone.now()
    product_ids = [p.pk for p in products]
    if not product_ids:
        return {}
    promoted = set(PromotionItem.objects.filter(
        product_id__in=product_ids, promotion__kind__in=ITEM_KINDS, promotion__status=Promotion.Status.ACTIVE,
        promotion__starts_at__lte=now, promotion__ends_at__gt=now).values_list("product_id", flat=True))
    shops_with_member_price = set(Promotion.objects.filter(
        running_q(now), kind=Kind.MEMBER_PRICE, shop_id__in={p.shop_id for p in products}).values_list("shop_id", flat=True))
    promoted |= {p.pk for p in products if p.shop_id in shops_with_member_price}
    if not promoted:
        return {}
    skus = active_skus_of_products(product_ids=promoted)
    prices = item_prices_for(buyer=buyer, skus=skus, now=now)
    out: dict[int, SkuPrice] = {}
    for sku in skus:
        price = prices[sku.pk]
        best = out.get(sku.product_id)
        if best is None or price.price_fen < best.price_fen:
            out[sku.product_id] = price
    return out


@dataclass
class ProductPromotions:
    prices: dict                     # sku_id -> SkuPrice
    tags: list[str]
    coupons: list                    # claimable public coupons (Promotion)
    full_reductions: list[str]
    bundles: list                    # [(Promotion, [(PromotionItem, Sku)], whole_fen)]
    group_buy: object = None         # Promotion or None
    group_items: dict = field(default_factory=dict)  # sku_id -> PromotionItem
    open_teams: list = field(default_factory=list)
    flash: object = None             # Promotion (running or next) or None
    flash_items: dict = field(default_factory=dict)  # sku_id -> PromotionItem
    member_level: str = ""


def product_promotions(*, buyer, product, skus, now=None) -> ProductPromotions:
    """Everything the product page shows about promotions, for this buyer."""
    from wanshang.catalog.selectors import skus_by_ids

    now = now or timezone.now()
    prices = item_prices_for(buyer=buyer, skus=skus, now=now)
    tags = []
    for p in prices.values():
        if p.label and p.label.split("（")[0] not in tags:
            tags.append(p.label.split("（")[0])
    fr_labels = []
    for promo in Promotion.objects.filter(running_q(now), shop_id=product.shop_id, kind=Kind.FULL_REDUCTION):
        line = PricedLine(sku=skus[0], product=product, quantity=1, unit_price_fen=0) if skus else None
        if line is None or not in_scope(promo, line):
            continue
        c = promo.config
        if c["mode"] == "tiers":
            fr_labels.append("，".join(full_reduction_offer(promo, t[0], 1)[1] for t in c["tiers"]))
        elif c["mode"] == "every":
            fr_labels.append(full_reduction_offer(promo, c["every_fen"], 1)[1] +
                             (f"，最多减{c['cap_fen'] / 100:g}元" if c.get("cap_fen") else ""))
        else:
            fr_labels.append("，".join(full_reduction_offer(promo, 10**9, t[0])[1] for t in c["tiers"]))
    if fr_labels:
        tags.append("满减")
    coupons = coupon_center(shop=product.shop, now=now, product=product, sku=skus[0] if skus else None)
    if coupons:
        tags.append("优惠券")
    result = ProductPromotions(prices=prices, tags=tags, coupons=coupons, full_reductions=fr_labels, bundles=[])
    sku_ids = [s.pk for s in skus]
    for item in (PromotionItem.objects.filter(sku_id__in=sku_ids, promotion__status=Promotion.Status.ACTIVE,
                                              promotion__ends_at__gt=now)
                 .select_related("promotion").order_by("promotion__starts_at")):
        promo = item.promotion
        if promo.kind == Kind.GROUP_BUY and promo.starts_at <= now:
            result.group_buy = promo
            result.group_items[item.sku_id] = item
        elif promo.kind == Kind.FLASH_SALE and (result.flash is None or result.flash.pk == promo.pk):
            result.flash = promo
            result.flash_items[item.sku_id] = item
        elif promo.kind == Kind.BUNDLE and promo.starts_at <= now and all(r.pk != promo.pk for r, _, _ in result.bundles):
            members = list(promo.items.order_by("id"))
            member_skus = skus_by_ids(sku_ids=[m.sku_id for m in members])
            if len(member_skus) == len(members):
                whole = sum(member_skus[m.sku_id].price_fen * m.quantity for m in members)
                result.bundles.append((promo, [(m, member_skus[m.sku_id]) for m in members], whole))
    if result.group_buy:
        tags.append("拼团")
        result.open_teams = list(GroupTeam.objects.filter(promotion=result.group_buy, status=GroupTeam.Status.OPEN,
                                                          expires_at__gt=now).select_related("leader")
                                 .order_by("expires_at")[:5])
    if result.bundles:
        tags.append("套餐")
    if result.flash and "秒杀" not in tags:
        tags.append("秒杀" if result.flash.starts_at <= now else "秒杀预告")
    return result


def product_tags(*, product_ids, now=None) -> dict[int, list[str]]:
    """Short promotion tags for list cards (限时折扣, 秒杀, 拼团 …): one query."""
    now = now or timezone.now()
    out: dict[int, list[str]] = {}
    for pid, kind in (PromotionItem.objects.filter(product_id__in=list(product_ids))
                      .filter(promotion__status=Promotion.Status.ACTIVE, promotion__starts_at__lte=now,
                              promotion__ends_at__gt=now)
                      .values_list("product_id", "promotion__kind").distinct()):
        label = Kind(kind).label.split("/")[0]
        if kind in (Kind.MEMBER_PRICE, Kind.WHOLESALE):
            continue
        out.setdefault(pid, [])
        if label not in out[pid]:
            out[pid].append(label)
    return out


# --- storefront: coupons, flash sales, group buys ---------------------------------------------------------------


def flash_sale_board(*, now=None) -> list[dict]:
    """Flash sales running now or starting within 24 hours, grouped by start time, with what is left."""
    from datetime import timedelta

    now = now or timezone.now()
    items = (PromotionItem.objects.filter(promotion__kind=Kind.FLASH_SALE, promotion__status=Promotion.Status.ACTIVE,
                                          promotion__ends_at__gt=now, promotion__starts_at__lte=now + timedelta(hours=24),
                                          promotion__shop__status="open")
             .select_related("promotion__slot", "sku__product").order_by("promotion__starts_at", "id")[:200])
    sessions: dict = {}
    for item in items:
        promo = item.promotion
        key = (promo.starts_at, promo.ends_at)
        s = sessions.setdefault(key, {"starts_at": promo.starts_at, "ends_at": promo.ends_at,
                                      "name": promo.slot.name if promo.slot else "", "running": promo.starts_at <= now,
                                      "items": []})
        s["items"].append({"item": item, "sku": item.sku, "product": item.sku.product, "left": item.stock - item.sold,
                           "sold_out": item.sold >= item.stock})
    return list(sessions.values())


def flash_item_get(*, item_id) -> PromotionItem:
    item = PromotionItem.objects.select_related("promotion", "sku__product").filter(
        pk=item_id, promotion__kind=Kind.FLASH_SALE).first()
    if item is None:
        raise NotFound("秒杀商品不存在")
    return item


def flash_hold_warehouses(*, item_ids) -> dict[int, int | None]:
    """Where each flash-sale item's stock is set aside."""
    return dict(PromotionItem.objects.filter(pk__in=list(item_ids)).values_list("pk", "hold_warehouse_id"))


def group_item_get(*, item_id) -> PromotionItem:
    item = PromotionItem.objects.select_related("promotion", "sku__product").filter(
        pk=item_id, promotion__kind=Kind.GROUP_BUY).first()
    if item is None:
        raise NotFound("拼团商品不存在")
    return item


def group_team_get(*, team_id) -> GroupTeam:
    """A team and its members (shared by link: anyone may look, only logged-in buyers join)."""
    team = (GroupTeam.objects.select_related("promotion", "item__sku__product", "leader")
            .prefetch_related("members__buyer").filter(pk=team_id).first())
    if team is None:
        raise NotFound("拼团不存在")
    return team


def my_group_teams(*, buyer) -> list[GroupMember]:
    return list(GroupMember.objects.filter(buyer=buyer).select_related("team__item__sku__product", "order")
                .order_by("-id")[:50])


def points_of(*, user) -> tuple[int, list[PointsEntry]]:
    balance = PointsAccount.objects.filter(user=user).values_list("balance", flat=True).first() or 0
    return balance, list(PointsEntry.objects.filter(user=user)[:100])


# --- platform ------------------------------------------------------------------------------------------------


def flash_slots(*, upcoming_only: bool = False, now=None) -> list[FlashSlot]:
    now = now or timezone.now()
    qs = FlashSlot.objects.all()
    if upcoming_only:
        qs = qs.filter(ends_at__gt=now)
    return list(qs.prefetch_related("promotions__shop").order_by("starts_at")[:200])


def flash_slot_get(*, slot_id) -> FlashSlot:
    slot = FlashSlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("秒杀场次不存在")
    return slot


def failed_group_orders_to_refund(*, limit: int = 500) -> list[int]:
    """Paid orders of group-buy teams that failed, with no refund under way or done (after-sales refunds them)."""
    return list(GroupMember.objects.filter(team__status=GroupTeam.Status.FAILED, order__status=OrderStatus.PAID)
                .exclude(order__refunds__status__in=["processing", "refunded"])
                .order_by("pk").values_list("order_id", flat=True)[:limit])
