"""Item stage (`marketing.item_prices`): the lowest item-level price per line (会员价, 限时折扣, 秒杀价, 拼团价,
阶梯批发价 never stack: the engine takes the lowest), then bundles (套餐) on the lines left without one.
"""

from wanshang.marketing.steps.context import Context, authenticated, in_scope, load_context, scaled
from wanshang.marketing.types import Kind
from wanshang.pricing.types import (
    Adjustment,
    ItemPrice,
    PricedCart,
    PricedLine,
    apply_discount,
    register_step,
)

KIND_ORDER = {
    Kind.FLASH_SALE: 0,
    Kind.GROUP_BUY: 1,
    Kind.TIME_DISCOUNT: 2,
    Kind.MEMBER_PRICE: 3,
    Kind.WHOLESALE: 4,
}


def item_candidates(line: PricedLine, ctx: Context, *, buyer, group_buy: dict) -> list[tuple[int, ItemPrice]]:
    """Every item-level price this line could get now, with why others do not apply in `line.notes`."""
    base = line.list_price_fen
    out = []
    wholesale_buyer = authenticated(buyer) and getattr(buyer, "account_type", "") == "wholesale"
    for item in ctx.items_by_sku.get(line.sku_id, []):
        promo = item.promotion
        kind, qty, price, label = promo.kind, line.quantity, None, ""
        limit = promo.per_buyer_limit
        if kind == Kind.TIME_DISCOUNT:
            price = item.price_fen or scaled(base, item.discount_bps or 10000)
            label = "限时折扣"
        elif kind == Kind.MEMBER_PRICE:
            rank = ctx.ranks.get(promo.shop_id)
            prices = [p for r, p in (item.level_prices or {}).items() if rank and int(r) <= rank[0]]
            if prices:
                price, label = min(prices), f"会员价（{rank[1]}）"
        elif kind == Kind.FLASH_SALE:
            left = item.stock - ctx.flash_sold.get(item.pk, item.sold)
            held = ctx.flash_held.get(item.pk, 0)
            if left < qty:
                line.notes.append(
                    "秒杀已抢光，按原价购买" if left <= 0 else f"秒杀仅剩 {left} 件，超出按原价购买"
                )
                line.promo_sold_out = True
                continue
            if limit and held + qty > limit:
                line.notes.append(
                    f"秒杀每人限购 {limit} 件" + (f"，您已抢 {held} 件" if held else "") + "，超出按原价购买"
                )
                continue
            price, label = item.price_fen, "秒杀价"
            limit = 0
        elif kind == Kind.GROUP_BUY:
            if line.sku_id in group_buy:
                price, label = item.price_fen, f"拼团价（{promo.config.get('size')}人团）"
        elif kind == Kind.WHOLESALE:
            if promo.config.get("wholesale_only") and not wholesale_buyer:
                continue
            for min_qty, tier_price in item.tiers:
                if qty >= min_qty:
                    price, label = tier_price, f"批发价（{min_qty}件起）"
        if price is None or price >= base:
            continue
        if limit and kind != Kind.FLASH_SALE:
            bought = ctx.used.get(promo.pk, 0)
            if bought + qty > limit:
                line.notes.append(
                    f"{label}每人限购 {limit} 件"
                    + (f"，您已购 {bought} 件" if bought else "")
                    + "，超出按原价购买"
                )
                continue
        out.append(
            (
                price,
                ItemPrice(
                    code=f"promo:{promo.pk}",
                    label=label,
                    kind=kind,
                    promotion_id=promo.pk,
                    item_id=item.pk,
                    combine_with=tuple(promo.config.get("combine_with", ())),
                ),
            )
        )
    rank = ctx.ranks.get(line.product.shop_id)
    for promo in ctx.shop_promotions.get(line.product.shop_id, []):
        if promo.kind != Kind.MEMBER_PRICE or not rank or not in_scope(promo, line):
            continue
        rates = [b for r, b in promo.config["level_bps"].items() if int(r) <= rank[0]]
        if rates:
            price = scaled(base, min(rates))
            if price < base:
                out.append(
                    (
                        price,
                        ItemPrice(
                            code=f"promo:{promo.pk}",
                            label=f"会员价（{rank[1]}）",
                            kind=Kind.MEMBER_PRICE,
                            promotion_id=promo.pk,
                            item_id=0,
                            combine_with=tuple(promo.config.get("combine_with", ())),
                        ),
                    )
                )
    return out


def best_item_price(line: PricedLine, ctx: Context, *, buyer, group_buy: dict) -> None:
    candidates = item_candidates(line, ctx, buyer=buyer, group_buy=group_buy)
    if not candidates:
        return
    price, info = min(candidates, key=lambda c: (c[0], KIND_ORDER.get(c[1].kind, 9), c[1].promotion_id))
    line.unit_price_fen, line.item_price = price, info
    if info.kind == Kind.FLASH_SALE:  # the units set aside for the sale are this buyer's to take
        line.available += ctx.flash_held_units.get(info.item_id, 0)


def apply_bundles(lines: list[PricedLine], ctx: Context) -> list[tuple[Adjustment, list[PricedLine]]]:
    """Bundles take lines that have no item-level price; the biggest saving first, each line in one bundle."""
    by_sku = {line.sku_id: line for line in lines if line.ok and line.item_price is None}
    offers = []
    for promo, items in ctx.bundles:
        if not all(i.sku_id in by_sku for i in items):
            continue
        sets = min(by_sku[i.sku_id].quantity // i.quantity for i in items)
        if sets < 1:
            continue
        whole = sum(by_sku[i.sku_id].list_price_fen * i.quantity for i in items)
        saving = (whole - promo.config["price_fen"]) * sets
        if saving > 0:
            offers.append((saving, promo, items, sets))
    applied = []
    taken: set[int] = set()
    for saving, promo, items, sets in sorted(offers, key=lambda o: (-o[0], o[1].pk)):
        if any(i.sku_id in taken for i in items):
            continue
        bundle_lines = [by_sku[i.sku_id] for i in items]
        info = ItemPrice(
            code=f"promo:{promo.pk}",
            label=f"套餐：{promo.name}",
            kind=Kind.BUNDLE,
            promotion_id=promo.pk,
            item_id=0,
            combine_with=tuple(promo.config.get("combine_with", ())),
        )
        adj = Adjustment(
            code=f"promo:{promo.pk}",
            label=f"套餐 {promo.name}" + (f" ×{sets}" if sets > 1 else ""),
            amount_fen=saving,
            stage="item",
        )
        apply_discount(bundle_lines, adj)
        for line in bundle_lines:
            line.item_price = info
            taken.add(line.sku_id)
        applied.append((adj, bundle_lines))
    return applied


@register_step(stage="item", order=10, name="marketing.item_prices")
def item_prices(cart: PricedCart, now) -> None:
    lines = cart.valid_lines
    ctx = load_context(buyer=cart.buyer, lines=lines, now=now, example=cart.options.example)
    cart.context["marketing"] = ctx
    for line in lines:
        best_item_price(line, ctx, buyer=cart.buyer, group_buy=cart.options.group_buy)
    for group in cart.groups:
        for adj, _lines in apply_bundles(group.valid_lines, ctx):
            group.adjustments.append(adj)
