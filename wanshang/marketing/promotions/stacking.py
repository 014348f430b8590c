"""折上折 warnings for a 满减 (docs/promotions.md, "Stacking"): example baskets priced by the checkout's own
pipeline (`pricing.selectors.price_items`) for a made-up buyer who holds one of each of the shop's coupons and
has reached its top member level, compared with what the announced 满减 alone would make them cost.

A basket is flagged when the buyer's final price is more than STACKING_EXTRA_BPS below the announced rule's
price (the combination gives much more than the rule says: the page reads as one discount, the buyer gets a
discount on a discount), or when it is below STACKING_FLOOR_BPS of the list price (more than the shop's
declared deepest discount).
"""

from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone

from wanshang.catalog.selectors import active_skus_for_pricing
from wanshang.common.money import fen_to_yuan_str as y
from wanshang.marketing.models import Promotion
from wanshang.marketing.promotions.selectors import promotion_get
from wanshang.marketing.steps.context import in_scope, shop_promotions
from wanshang.marketing.steps.discounts import full_reduction_offer
from wanshang.marketing.types import Kind, StackingRow
from wanshang.pricing.selectors import price_items
from wanshang.pricing.types import PricingOptions

MAX_EXAMPLES = 5


def promotion_stacking_preview(*, shop, promotion_id, now=None) -> list[StackingRow]:
    """Up to MAX_EXAMPLES baskets of the shop's 满减 (one SKU per product, SKUs with an item-level price first),
    each the smallest
    quantity of one SKU that reaches the rule's top tier, priced when the 满减 runs (now, or at its start).
    Empty for another kind, a paused or an ended promotion. NotFound for another shop's promotion."""
    promo = promotion_get(shop=shop, promotion_id=promotion_id)
    now = now or timezone.now()
    if promo.kind != Kind.FULL_REDUCTION or promo.phase(now) not in ("running", "scheduled"):
        return []
    at = max(now, promo.starts_at)
    coupons = list(
        Promotion.objects.for_shop(shop)
        .filter(kind=Kind.COUPON, status=Promotion.Status.ACTIVE, starts_at__lte=at, ends_at__gt=at)
        .values_list("pk", flat=True)
    )
    example = {"coupon_promotion_ids": coupons, "top_member": True}
    return [_basket(promo, sku, at, example) for sku in _examples(shop, promo, at)]


def _examples(shop, promo, at) -> list:
    skus = [
        s
        for s in active_skus_for_pricing(shop_id=shop.pk)
        if s.product.status == "on_sale" and in_scope(promo, SimpleNamespace(product=s.product))
    ]
    held = shop_promotions({shop.pk}, at)[shop.pk]
    promoted = {
        sku_id
        for sku_id, items in held.items_by_sku.items()
        if any(
            i.promotion.status == "active" and i.promotion.starts_at <= at < i.promotion.ends_at
            for i in items
        )
    }
    out, seen = [], set()
    for sku in sorted(skus, key=lambda s: (s.pk not in promoted, s.pk)):  # one SKU per product
        if sku.product_id not in seen:
            seen.add(sku.product_id)
            out.append(sku)
    return out[:MAX_EXAMPLES]


def _quantity(promo, sku, unit_fen: int) -> int:
    c = promo.config
    if c["mode"] == "qty":
        q = c["tiers"][-1][0]
    else:
        target = c["tiers"][-1][0] if c["mode"] == "tiers" else c["every_fen"]
        q = -(-target // max(unit_fen, 1))
    if sku.product.is_wholesale:  # a wholesale product is sold from its minimum order up
        q = max(q, sku.product.min_order_qty)
    return max(1, min(q, settings.WANSHANG["MAX_LINE_QUANTITY"]))


def _price(sku, quantity: int, at, example: dict):
    cart = price_items(
        buyer=None, items=[(sku.pk, quantity)], now=at, options=PricingOptions(example=example)
    )
    return cart.lines[0]


def _basket(promo, sku, at, example: dict) -> StackingRow:
    one = _price(sku, sku.product.min_order_qty if sku.product.is_wholesale else 1, at, example)
    quantity = _quantity(promo, sku, one.unit_price_fen)
    line = _price(sku, quantity, at, example)
    list_total = sku.price_fen * quantity
    off, rule_label, _hint = full_reduction_offer(promo, list_total, quantity)
    row = StackingRow(
        sku=sku,
        quantity=quantity,
        list_total_fen=list_total,
        rule_total_fen=list_total - off,
        final_total_fen=line.payable_fen,
        rule_label=rule_label or promo.name,
    )
    if not line.ok:
        row.problem = line.problem
        return row
    if line.item_price is not None:
        row.discounts.append(f"{line.item_price.label} -¥{y(line.item_discount_fen)}")
    row.discounts += [f"{a.label} -¥{y(a.amount_fen)}" for a in line.adjustments]
    if not any(a.code == f"promo:{promo.pk}" for a in line.adjustments):
        row.discounts.append(
            f"（本满减未生效：{line.item_price.label if line.item_price else '未达门槛'}不与其叠加或更优）"
        )
    row.warnings = _warnings(row)
    return row


def _warnings(row: StackingRow) -> list[str]:
    cfg = settings.WANSHANG
    extra, floor = cfg["STACKING_EXTRA_BPS"], cfg["STACKING_FLOOR_BPS"]
    out = []
    below = row.rule_total_fen - row.final_total_fen
    if below * 10000 > row.rule_total_fen * extra:
        out.append(
            f"叠加后到手 ¥{y(row.final_unit_fen)}/件，比只按公布的“{row.rule_label}”计算的 "
            f"¥{y(row.rule_unit_fen)}/件再低 {below * 100 / row.rule_total_fen:.1f}%（超过 {extra / 100:g}%）："
            "买家看到的是折上折，请在活动页写明可叠加的优惠，或取消叠加"
        )
    if row.final_total_fen * 10000 < row.list_total_fen * floor:
        out.append(
            f"叠加后相当于 {row.final_total_fen * 10 / row.list_total_fen:.1f} 折，"
            f"低于店铺可承受的最低 {floor / 1000:g} 折"
        )
    return out
