"""What promotions make goods cost a buyer on lists and the product page, and the tags and offers the product
page shows. Every price comes from `item_prices_for`, the same item-level step the cart and checkout run, so a
list can never show less than the product page charges (§20).
"""

from django.utils import timezone

from wanshang.catalog.selectors import active_skus_of_products, skus_by_ids
from wanshang.marketing.coupons.selectors import coupon_center
from wanshang.marketing.models import GroupTeam, Promotion, PromotionItem
from wanshang.marketing.promotions.display import product_rows, sku_rows
from wanshang.marketing.promotions.selectors import running_q
from wanshang.marketing.steps.context import authenticated, in_scope, load_context
from wanshang.marketing.steps.discounts import full_reduction_offer
from wanshang.marketing.steps.items import best_item_price
from wanshang.marketing.types import ITEM_KINDS, Kind, ProductPromotions, SkuPrice
from wanshang.pricing.types import PricedLine


def item_prices_for(*, buyer, skus, now=None, quantity: int = 1) -> dict[int, SkuPrice]:
    """The price each SKU costs this buyer now for `quantity` units: the cart's own item-level step."""
    now = now or timezone.now()
    lines = [
        PricedLine(
            sku=s,
            product=s.product,
            quantity=quantity,
            unit_price_fen=s.price_fen,
            list_price_fen=s.price_fen,
        )
        for s in skus
    ]
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
        out[line.sku_id] = SkuPrice(
            sku_id=line.sku_id,
            list_price_fen=line.list_price_fen,
            price_fen=line.unit_price_fen,
            label=info.label if info else "",
            kind=info.kind if info else "",
            ends_at=ends.get(info.promotion_id) if info else None,
            notes=line.notes,
        )
    return out


def list_prices(*, buyer, products, now=None) -> dict[int, SkuPrice]:
    """Per product, the lowest price a list may show this buyer (never below the product page, §20); only
    products a running promotion makes cheaper for this buyer are in the answer.

    Read from the prices computed ahead (`display.product_rows`: one query); a product without a valid row
    there, or whose price depends on more than the buyer's group (flash-sale stock, a per-buyer limit), is
    priced live with the cart's own step (`live_list_prices`).
    """
    now = now or timezone.now()
    products = list(products)
    if not products:
        return {}
    return card_prices(buyer=buyer, products=products, now=now)[0]


def card_prices(*, buyer, products, now=None) -> tuple[dict[int, SkuPrice], dict[int, list[str]]]:
    """`list_prices` and `product_tags` of the same products in one read of the prices computed ahead."""
    now = now or timezone.now()
    products = list(products)
    if not products:
        return {}, {}
    out, tags, live = product_rows(buyer=buyer, products=products, now=now)
    if live:
        out.update(live_list_prices(buyer=buyer, products=[p for p in products if p.pk in live], now=now))
        tags.update(product_tags(product_ids=live, now=now))
    return out, tags


def live_list_prices(*, buyer, products, now=None) -> dict[int, SkuPrice]:
    """`list_prices` computed now from the products' SKUs through the cart's item step (no table)."""
    now = now or timezone.now()
    product_ids = [p.pk for p in products]
    if not product_ids:
        return {}
    # A visitor who is not logged in has no member level: member prices (per SKU or shop-wide) cannot apply to
    # them (`load_context` gives them no rank), so their products need no SKU load.
    member = authenticated(buyer)
    kinds = ITEM_KINDS if member else [k for k in ITEM_KINDS if k != Kind.MEMBER_PRICE]
    promoted = set(
        PromotionItem.objects.filter(
            product_id__in=product_ids,
            promotion__kind__in=kinds,
            promotion__status=Promotion.Status.ACTIVE,
            promotion__starts_at__lte=now,
            promotion__ends_at__gt=now,
        ).values_list("product_id", flat=True)
    )
    if member:
        shops_with_member_price = set(
            Promotion.objects.filter(
                running_q(now), kind=Kind.MEMBER_PRICE, shop_id__in={p.shop_id for p in products}
            ).values_list("shop_id", flat=True)
        )
        promoted |= {p.pk for p in products if p.shop_id in shops_with_member_price}
    if not promoted:
        return {}
    skus = sorted(active_skus_of_products(product_ids=promoted), key=lambda s: s.pk)
    prices = item_prices_for(buyer=buyer, skus=skus, now=now)
    out: dict[int, SkuPrice] = {}
    for sku in skus:
        price = prices[sku.pk]
        best = out.get(sku.product_id)
        if best is None or price.price_fen < best.price_fen:
            out[sku.product_id] = price
    return {pid: p for pid, p in out.items() if p.label and p.price_fen < p.list_price_fen}


def sku_prices(*, buyer, skus, now=None) -> dict[int, SkuPrice]:
    """What each SKU costs this buyer now for one unit: `item_prices_for`, read from the prices computed
    ahead where they hold for this buyer (`display.sku_rows`: one query), the rest priced live."""
    now = now or timezone.now()
    out, live = sku_rows(buyer=buyer, skus=skus, now=now)
    if live:
        out.update(item_prices_for(buyer=buyer, skus=live, now=now))
    return out


def product_promotions(*, buyer, product, skus, now=None) -> ProductPromotions:
    """Everything the product page shows about promotions, for this buyer."""
    now = now or timezone.now()
    prices = sku_prices(buyer=buyer, skus=skus, now=now)
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
            fr_labels.append(
                full_reduction_offer(promo, c["every_fen"], 1)[1]
                + (f"，最多减{c['cap_fen'] / 100:g}元" if c.get("cap_fen") else "")
            )
        else:
            fr_labels.append("，".join(full_reduction_offer(promo, 10**9, t[0])[1] for t in c["tiers"]))
    if fr_labels:
        tags.append("满减")
    coupons = coupon_center(shop=product.shop, now=now, product=product, sku=skus[0] if skus else None)
    if coupons:
        tags.append("优惠券")
    result = ProductPromotions(
        prices=prices, tags=tags, coupons=coupons, full_reductions=fr_labels, bundles=[]
    )
    sku_ids = [s.pk for s in skus]
    for item in (
        PromotionItem.objects.filter(
            sku_id__in=sku_ids, promotion__status=Promotion.Status.ACTIVE, promotion__ends_at__gt=now
        )
        .select_related("promotion")
        .order_by("promotion__starts_at")
    ):
        promo = item.promotion
        if promo.kind == Kind.GROUP_BUY and promo.starts_at <= now:
            result.group_buy = promo
            result.group_items[item.sku_id] = item
        elif promo.kind == Kind.FLASH_SALE and (result.flash is None or result.flash.pk == promo.pk):
            result.flash = promo
            result.flash_items[item.sku_id] = item
        elif (
            promo.kind == Kind.BUNDLE
            and promo.starts_at <= now
            and all(r.pk != promo.pk for r, _, _ in result.bundles)
        ):
            members = list(promo.items.order_by("id"))
            member_skus = skus_by_ids(sku_ids=[m.sku_id for m in members])
            if len(member_skus) == len(members):
                whole = sum(member_skus[m.sku_id].price_fen * m.quantity for m in members)
                result.bundles.append((promo, [(m, member_skus[m.sku_id]) for m in members], whole))
    if result.group_buy:
        tags.append("拼团")
        result.open_teams = list(
            GroupTeam.objects.filter(
                promotion=result.group_buy, status=GroupTeam.Status.OPEN, expires_at__gt=now
            )
            .select_related("leader")
            .order_by("expires_at")[:5]
        )
    if result.bundles:
        tags.append("套餐")
    if result.flash and "秒杀" not in tags:
        tags.append("秒杀" if result.flash.starts_at <= now else "秒杀预告")
    return result


def product_tags(*, product_ids, now=None) -> dict[int, list[str]]:
    """Short promotion tags for list cards (限时折扣, 秒杀, 拼团 …): one query."""
    now = now or timezone.now()
    out: dict[int, list[str]] = {}
    for pid, kind in (
        PromotionItem.objects.filter(product_id__in=list(product_ids))
        .filter(
            promotion__status=Promotion.Status.ACTIVE,
            promotion__starts_at__lte=now,
            promotion__ends_at__gt=now,
        )
        .values_list("product_id", "promotion__kind")
        .distinct()
    ):
        label = Kind(kind).label.split("/")[0]
        if kind in (Kind.MEMBER_PRICE, Kind.WHOLESALE):
            continue
        out.setdefault(pid, [])
        if label not in out[pid]:
            out[pid].append(label)
    return out


def running_item_skus(*, product_ids, now=None) -> dict[int, list[tuple[int, int, str]]]:
    """product id -> (sku id, promotion id, promotion name) of the shop item promotions running now that set a
    price for a buyer at large (限时折扣, 拼团, 会员价, 阶梯价). Flash sales are left out: they sell their own
    units set aside, and selling out is their normal end."""
    now = now or timezone.now()
    out: dict[int, list[tuple[int, int, str]]] = {}
    rows = (
        PromotionItem.objects.filter(product_id__in=list(product_ids), promotion__shop__isnull=False)
        .filter(promotion__status=Promotion.Status.ACTIVE, promotion__starts_at__lte=now)
        .filter(
            promotion__ends_at__gt=now, promotion__kind__in=[k for k in ITEM_KINDS if k != Kind.FLASH_SALE]
        )
        .order_by("product_id", "sku_id", "promotion_id")
        .values_list("product_id", "sku_id", "promotion_id", "promotion__name")
    )
    for product_id, sku_id, promotion_id, name in rows:
        out.setdefault(product_id, []).append((sku_id, promotion_id, name))
    return out
