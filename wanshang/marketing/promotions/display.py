"""Buyer prices computed ahead, per SKU and price group, so lists and the product page read one table instead
of loading every SKU of the listed products and pricing them per request (issue 13).

A price group is what the item step can tell buyers apart by, apart from their own history: 0 for a visitor
not logged in (or a buyer below every member level of the shop), n for the shop's member level of rank n.
Prices are written with the cart's own item step (`steps.items.best_item_price` over `steps.context.
load_context`), the step checkout runs, so list price = page price = checkout price (§20) — and for what
does depend on the buyer's own history or on a moving stock, the rows say so (`live` bits) and the reader
prices that product live, as before:

- a flash-sale price (the sale's stock left, the buyer's claims);
- a per-buyer limit (a logged-in buyer who used it up pays another price);
- a wholesale-only price (for wholesale accounts).

When rows are written (`refresh_shop`, `refresh_products`), inside the transaction of the change:
a promotion saved, paused, resumed or ended and the shop's member levels saved (`promotions_changed`); a
product or SKU price saved (catalog's `ProductSaved` / `SkuPriceChanged`, subscribers.py). A promotion that
starts or ends by the clock changes nothing in the database: each row holds `valid_until`, the shop's next
promotion start or end (at most MAX_AGE ahead), a reader treats an older row as missing and prices live,
and the `marketing.display_prices` job rewrites the shops whose rows expired (it catches up after downtime:
it selects by `valid_until`, not by what it missed). A row whose list price is not the SKU's (or product's)
current one is also treated as missing.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from wanshang.catalog.selectors import active_skus_for_pricing
from wanshang.catalog.services import listings_changed
from wanshang.marketing.models import (
    LIVE_FLASH,
    LIVE_LIMIT,
    LIVE_WHOLESALE,
    DisplayPriceShop,
    MemberLevel,
    PointsAccount,
    ProductDisplayPrice,
    PromotionItem,
    SkuDisplayPrice,
)
from wanshang.marketing.steps.context import authenticated, load_context, shop_promotions, snapshot_bump
from wanshang.marketing.steps.items import best_item_price
from wanshang.marketing.types import Kind, SkuPrice
from wanshang.merchants.selectors import shop_list
from wanshang.orders.selectors import buyer_spend_by_shop
from wanshang.pricing.types import PricedLine

MAX_AGE = timedelta(hours=6)  # every shop is rewritten at least this often, whatever was missed


# --- writing ----------------------------------------------------------------------------------------------


@dataclass
class _Row:
    sku: object
    price_fen: int
    label: str
    kind: str
    promotion_id: int | None
    ends_at: object

    def key(self):
        return (self.price_fen, self.label, self.promotion_id)


def _price_rows(skus, ctx, *, rank=None) -> list[_Row]:
    """Each SKU's price for one group: the item step on a one-unit line, as `item_prices_for` runs it."""
    ctx.ranks = {skus[0].shop_id: rank} if rank is not None else {}
    ends = {}
    for items in ctx.items_by_sku.values():
        for item in items:
            ends[item.promotion_id] = item.promotion.ends_at
    for promos in ctx.shop_promotions.values():
        for p in promos:
            ends[p.pk] = p.ends_at
    out = []
    for s in skus:
        line = PricedLine(
            sku=s, product=s.product, quantity=1, unit_price_fen=s.price_fen, list_price_fen=s.price_fen
        )
        best_item_price(line, ctx, buyer=None, group_buy={})
        info = line.item_price
        out.append(
            _Row(
                sku=s,
                price_fen=line.unit_price_fen,
                label=info.label if info else "",
                kind=info.kind if info else "",
                promotion_id=info.promotion_id if info else None,
                ends_at=ends.get(info.promotion_id) if info else None,
            )
        )
    return out


def _live_bits(held) -> dict[int, int]:
    bits: dict[int, int] = {}
    for item in held.items:
        promo = item.promotion
        bit = 0
        if promo.kind == Kind.FLASH_SALE:
            bit = LIVE_FLASH
        elif promo.kind == Kind.WHOLESALE and promo.config.get("wholesale_only"):
            bit = LIVE_WHOLESALE
        if promo.per_buyer_limit and promo.kind != Kind.FLASH_SALE:
            bit |= LIVE_LIMIT
        if bit:
            bits[item.sku_id] = bits.get(item.sku_id, 0) | bit
    return bits


def _valid_until(held, now):
    """The shop's next promotion start or end after `now` (a price may change then), MAX_AGE at most."""
    until = now + MAX_AGE
    for promo in held.promotions:
        edge = promo.starts_at if promo.starts_at > now else promo.ends_at
        if edge > now:  # the process's copy may still hold a promotion that has ended
            until = min(until, edge)
    return until


def _flash_state(ctx) -> dict[int, list]:
    """Per SKU, its running flash-sale items and whether each had a unit left (what the item step checks)."""
    out: dict[int, list] = {}
    for sku_id, items in ctx.items_by_sku.items():
        for item in items:
            if item.promotion.kind == Kind.FLASH_SALE:
                left = item.stock - ctx.flash_sold.get(item.pk, item.sold)
                out.setdefault(sku_id, []).append([item.pk, left >= 1])
    return out


def _tags(held, now) -> dict[int, list[str]]:
    """Per product, the short tags of its running item promotions, as `storefront.product_tags` gives them."""
    out: dict[int, list[str]] = {}
    for item in held.items:
        promo = item.promotion
        if not (promo.status == "active" and promo.starts_at <= now < promo.ends_at):
            continue
        if promo.kind in (Kind.MEMBER_PRICE, Kind.WHOLESALE):
            continue
        label = Kind(promo.kind).label.split("/")[0]
        tags = out.setdefault(item.product_id, [])
        if label not in tags:
            tags.append(label)
    return out


def _member_ranks(held) -> list[tuple[int, str]]:
    """The shop's member levels when a member price of the shop is running or coming; else none."""
    if not any(p.kind == Kind.MEMBER_PRICE for p in held.promotions):
        return []
    return [(level.rank, level.name) for level in held.levels]


def _compute(shop_id: int, skus: list, now):
    """(SKU rows, product rows) of these SKUs of one shop, every group."""
    held = shop_promotions({shop_id}, now)[shop_id]
    valid_until = _valid_until(held, now)
    live = _live_bits(held)
    lines = [
        PricedLine(
            sku=s, product=s.product, quantity=1, unit_price_fen=s.price_fen, list_price_fen=s.price_fen
        )
        for s in skus
    ]
    ctx = load_context(buyer=None, lines=lines, now=now, with_coupons=False)
    flash = _flash_state(ctx)
    tags = _tags(held, now)
    groups = {0: _price_rows(skus, ctx)}
    for rank in _member_ranks(held):
        groups[rank[0]] = _price_rows(skus, ctx, rank=rank)
    sku_rows, product_rows = [], []
    for group, rows in groups.items():
        by_product: dict[int, list[_Row]] = {}
        for row, base in zip(rows, groups[0], strict=True):
            if group and row.key() == base.key():
                continue
            by_product.setdefault(row.sku.product_id, []).append(row)
            sku_rows.append(
                SkuDisplayPrice(
                    shop_id=shop_id,
                    product_id=row.sku.product_id,
                    sku_id=row.sku.pk,
                    price_group=group,
                    list_price_fen=row.sku.price_fen,
                    price_fen=row.price_fen,
                    label=row.label,
                    kind=row.kind,
                    promotion_id=row.promotion_id,
                    ends_at=row.ends_at,
                    live=live.get(row.sku.pk, 0),
                    flash=flash.get(row.sku.pk, []),
                    valid_until=valid_until,
                )
            )
        for product_id, prows in by_product.items():
            if group:  # a member group's product row covers every SKU: those priced as group 0 too
                changed = {r.sku.pk: r for r in prows}
                prows = [changed.get(b.sku.pk, b) for b in groups[0] if b.sku.product_id == product_id]
            best = min(prows, key=lambda r: r.price_fen)  # the first cheapest in id order, as lists took it
            product_rows.append(
                ProductDisplayPrice(
                    shop_id=shop_id,
                    product_id=product_id,
                    price_group=group,
                    sku_id=best.sku.pk,
                    own_min_fen=best.sku.product.min_price_fen,
                    list_price_fen=best.sku.price_fen,
                    price_fen=best.price_fen,
                    max_price_fen=max(r.price_fen for r in prows),
                    label=best.label,
                    kind=best.kind,
                    promotion_id=best.promotion_id,
                    ends_at=best.ends_at,
                    live=_or(live.get(r.sku.pk, 0) for r in prows),
                    flash=[f for r in prows for f in flash.get(r.sku.pk, [])],
                    tags=tags.get(product_id, []),
                    valid_until=valid_until,
                )
            )
    return sku_rows, product_rows, valid_until


def _or(bits) -> int:
    out = 0
    for b in bits:
        out |= b
    return out


def refresh_shop(*, shop_id: int, now=None) -> int:
    """Rewrite every display price of the shop. Returns the number of SKU rows written."""
    now = now or timezone.now()
    skus = active_skus_for_pricing(shop_id=shop_id)
    sku_rows, product_rows, valid_until = _compute(shop_id, skus, now) if skus else ([], [], now + MAX_AGE)
    with transaction.atomic():
        SkuDisplayPrice.objects.filter(shop_id=shop_id).delete()
        ProductDisplayPrice.objects.filter(shop_id=shop_id).delete()
        SkuDisplayPrice.objects.bulk_create(sku_rows, batch_size=1000)
        ProductDisplayPrice.objects.bulk_create(product_rows, batch_size=1000)
        DisplayPriceShop.objects.update_or_create(
            shop_id=shop_id, defaults={"computed_at": now, "valid_until": valid_until}
        )
    return len(sku_rows)


def refresh_products(*, shop_id: int, product_ids, now=None) -> int:
    """Rewrite the display prices of some products of one shop (a product or a SKU price was saved)."""
    now = now or timezone.now()
    product_ids = list(product_ids)
    skus = active_skus_for_pricing(shop_id=shop_id, product_ids=product_ids)
    sku_rows, product_rows, valid_until = _compute(shop_id, skus, now) if skus else ([], [], None)
    with transaction.atomic():
        SkuDisplayPrice.objects.filter(shop_id=shop_id, product_id__in=product_ids).delete()
        ProductDisplayPrice.objects.filter(shop_id=shop_id, product_id__in=product_ids).delete()
        SkuDisplayPrice.objects.bulk_create(sku_rows, batch_size=1000)
        ProductDisplayPrice.objects.bulk_create(product_rows, batch_size=1000)
        if valid_until is not None:  # the job's list must come due no later than any row of the shop
            DisplayPriceShop.objects.filter(shop_id=shop_id, valid_until__gt=valid_until).update(
                valid_until=valid_until
            )
    return len(sku_rows)


def display_prices_refresh(*, shop_id: int, product_ids) -> int:
    """A safe repair (the daily patrol's 重算展示价): the products' display prices written again now, and the
    promotions snapshot and cached lists dropped so every process reads them afresh."""
    snapshot_bump()  # first: the rows are computed from the promotions as they are now, not a process's copy
    done = refresh_products(shop_id=shop_id, product_ids=product_ids)
    listings_changed()
    return done


def refresh_due(*, now=None, limit: int = 50) -> int:
    """The `marketing.display_prices` job: rewrite the shops whose prices expired (a promotion started or
    ended, or MAX_AGE passed) and the shops never written. Idempotent; a late run catches up."""
    now = now or timezone.now()
    due = list(
        DisplayPriceShop.objects.filter(valid_until__lte=now)
        .order_by("valid_until")
        .values_list("shop_id", flat=True)[:limit]
    )
    if len(due) < limit:
        known = set(DisplayPriceShop.objects.values_list("shop_id", flat=True))
        every = shop_list().order_by("pk").values_list("pk", flat=True)
        due += [sid for sid in every if sid not in known][: limit - len(due)]
    for shop_id in due:
        refresh_shop(shop_id=shop_id, now=now)
    return len(due)


# --- reading ----------------------------------------------------------------------------------------------


def buyer_ranks(*, buyer, shop_ids) -> dict[int, tuple[int, str]]:
    """The buyer's member level in each shop (by spend in the shop or by points), as the cart decides it
    (`steps.context.load_context`): shop_id -> (rank, name); shops where none is reached are absent."""
    if not authenticated(buyer) or not shop_ids:
        return {}
    levels = list(MemberLevel.objects.filter(shop_id__in=list(shop_ids)).order_by("shop_id", "rank"))
    if not levels:
        return {}
    balance = PointsAccount.objects.filter(user=buyer).values_list("balance", flat=True).first() or 0
    spend = buyer_spend_by_shop(buyer=buyer, shop_ids={level.shop_id for level in levels})
    ranks = {}
    for level in levels:
        reached = (
            (level.min_spend_fen == 0 and level.min_points == 0)
            or (level.min_spend_fen and spend.get(level.shop_id, 0) >= level.min_spend_fen)
            or (level.min_points and balance >= level.min_points)
        )
        if reached:
            ranks[level.shop_id] = (level.rank, level.name)
    return ranks


def _live_mask(buyer) -> int:
    if not authenticated(buyer):
        return LIVE_FLASH
    mask = LIVE_FLASH | LIVE_LIMIT
    if getattr(buyer, "account_type", "") == "wholesale":
        mask |= LIVE_WHOLESALE
    return mask


def _pick(rows, *, buyer, key, now, current: dict) -> tuple[dict, set]:
    """Per `key` (a product or SKU id), the row of the buyer's group; and the keys to price live instead."""
    by_key: dict[int, dict] = {}
    for row in rows:
        by_key.setdefault(getattr(row, key), {})[row.price_group] = row
    member_shops = {r.shop_id for groups in by_key.values() for g, r in groups.items() if g}
    ranks = buyer_ranks(buyer=buyer, shop_ids=member_shops) if member_shops else {}
    mask = _live_mask(buyer)
    chosen, live, flash = {}, set(), {}
    for k, own_fen in current.items():
        groups = by_key.get(k)
        base = groups and groups.get(0)
        if not base:
            live.add(k)
            continue
        rank = ranks.get(base.shop_id)
        row = groups.get(rank[0], base) if rank else base
        fresh = row.valid_until > now and (own_fen is None or own_fen == _own_fen(row))
        if not fresh or (row.live & mask and (row.live & mask != LIVE_FLASH or authenticated(buyer))):
            live.add(k)
        elif row.live & LIVE_FLASH:  # a visitor: the row holds while every sale has the stock it had then
            flash[k] = row
        else:
            chosen[k] = row
    if flash:
        left = flash_stock_left(item_ids={i for row in flash.values() for i, _ in row.flash})
        for k, row in flash.items():
            if all(left.get(i, False) == had for i, had in row.flash):
                chosen[k] = row
            else:
                live.add(k)
    return chosen, live


def flash_stock_left(*, item_ids) -> dict[int, bool]:
    """Whether each flash-sale item has a unit left now (read fresh, as the cart reads it)."""
    return {
        pk: stock - sold >= 1
        for pk, stock, sold in PromotionItem.objects.filter(pk__in=list(item_ids)).values_list(
            "pk", "stock", "sold"
        )
    }


def _own_fen(row) -> int:
    return row.own_min_fen if isinstance(row, ProductDisplayPrice) else row.list_price_fen


def _sku_price(row) -> SkuPrice:
    return SkuPrice(
        sku_id=row.sku_id,
        list_price_fen=row.list_price_fen,
        price_fen=row.price_fen,
        label=row.label,
        kind=row.kind,
        ends_at=row.ends_at,
    )


def product_rows(*, buyer, products, now) -> tuple[dict[int, SkuPrice], dict[int, list[str]], set[int]]:
    """One query (and one more for flash-sale stock, when a visitor's list shows one): per product, the
    SkuPrice of its cheapest SKU for this buyer's group, only where a promotion lowers it; the card's tags;
    and the products that must be priced live (no row, expired, list price moved, `live`)."""
    current = {p.pk: getattr(p, "min_price_fen", None) for p in products}
    qs = ProductDisplayPrice.objects.filter(product_id__in=list(current))
    if not authenticated(buyer):
        qs = qs.filter(price_group=0)
    chosen, live = _pick(list(qs), buyer=buyer, key="product_id", now=now, current=current)
    out = {
        pid: _sku_price(row)
        for pid, row in chosen.items()
        if row.label and row.price_fen < row.list_price_fen
    }
    return out, {pid: row.tags for pid, row in chosen.items() if row.tags}, live


def sku_rows(*, buyer, skus, now) -> tuple[dict[int, SkuPrice], list]:
    """One query: each SKU's price for this buyer's group; and the SKUs that must be priced live."""
    current = {s.pk: s.price_fen for s in skus}
    qs = SkuDisplayPrice.objects.filter(sku_id__in=list(current))
    if not authenticated(buyer):
        qs = qs.filter(price_group=0)
    chosen, live = _pick(list(qs), buyer=buyer, key="sku_id", now=now, current=current)
    return {sid: _sku_price(row) for sid, row in chosen.items()}, [s for s in skus if s.pk in live]
