"""The marketing steps of the pricing pipeline (see `kinds.py` for the stacking policy).

    item stage   `item_prices`     lowest item-level price per line; then bundles on lines without one
    shop stage   `best_discounts`  the best allowed mix of 满减, shop coupons and one platform coupon
    platform     `redeem_points`   points the buyer chose to use

Everything a step needs is loaded once per cart (`load_context`), a handful of queries whatever the cart
size; the choice itself is pure computation (`choose`), which is what the property tests drive.
"""

from dataclasses import dataclass, field
from itertools import product as cartesian

from django.conf import settings
from django.db.models import Q, Sum

from wanshang.common.money import allocate
from wanshang.marketing.promotions.kinds import yuan
from wanshang.marketing.types import Kind, Scope
from wanshang.pricing.engine import (
    Adjustment,
    ItemPrice,
    PricedCart,
    PricedLine,
    apply_discount,
    register_step,
)

KIND_ORDER = {Kind.FLASH_SALE: 0, Kind.GROUP_BUY: 1, Kind.TIME_DISCOUNT: 2, Kind.MEMBER_PRICE: 3, Kind.WHOLESALE: 4}
MAX_JOINT = 4096  # combinations tried exactly before falling back to the per-shop best


def _authenticated(buyer) -> bool:
    return buyer is not None and getattr(buyer, "is_authenticated", False)


def in_scope(promotion, line) -> bool:
    if promotion.scope == Scope.ALL:
        return True
    ids = promotion.scope_ids or []
    if promotion.scope == Scope.PRODUCTS:
        return line.product.pk in ids
    if promotion.scope == Scope.SHOPS:
        return line.product.shop_id in ids
    if promotion.scope == Scope.CATEGORIES:
        path = line.product.category.path
        return any(f"/{c}/" in path for c in ids)
    return False


def scaled(price_fen: int, bps: int) -> int:
    """Price after a 万分比 discount, rounded half up to the fen, never below 1 fen."""
    return max(1, (price_fen * bps + 5000) // 10000)


# --- loading ------------------------------------------------------------------------------------------------

@dataclass
class Context:
    now: object
    items_by_sku: dict = field(default_factory=dict)
    shop_promotions: dict = field(default_factory=dict)   # shop_id -> [Promotion] (满减, 全店会员价)
    bundles: list = field(default_factory=list)           # [(Promotion, [PromotionItem])]
    ranks: dict = field(default_factory=dict)             # shop_id -> (rank, level name)
    used: dict = field(default_factory=dict)              # promotion_id -> units the buyer already bought
    flash_held: dict = field(default_factory=dict)        # item_id -> units the buyer holds
    flash_sold: dict = field(default_factory=dict)        # item_id -> units sold (read fresh)
    flash_held_units: dict = field(default_factory=dict)  # item_id -> units set aside, not in an order (fresh)
    coupons: list = field(default_factory=list)
    points_balance: int = 0


# --- the shops' promotions, kept per process until a promotion changes ----------------------------------------
# Promotions change seldom and are read on every price, so each process keeps the shops' running and coming
# promotions (with their items and member levels) and drops them when `snapshot_bump` (called by every
# marketing write) changes the token in the shared cache. Time is applied when reading, so a promotion that
# starts or ends needs no bump; flash-sale stock is never taken from here.

SNAPSHOT_KEY = "marketing:snapshot-token"
_snapshot: dict = {"token": None, "shops": {}}


@dataclass
class ShopPromotions:
    promotions: list                                   # active or paused, not ended
    items: list                                        # their PromotionItems, `.promotion` attached
    levels: list                                       # MemberLevel rows, by rank


def snapshot_bump() -> None:
    import uuid

    from django.core.cache import cache

    cache.set(SNAPSHOT_KEY, uuid.uuid4().hex, None)


def _snapshot_token() -> str:
    import uuid

    from django.core.cache import cache

    token = cache.get(SNAPSHOT_KEY)
    if token is None:  # a fresh cache: nothing a process holds can be trusted
        cache.add(SNAPSHOT_KEY, uuid.uuid4().hex, None)
        token = cache.get(SNAPSHOT_KEY)
    return token


def shop_promotions(shop_ids, now, fresh: set | None = None) -> dict[int, ShopPromotions]:
    """The shops' promotions; ids of shops read from the database by this call are added to `fresh`."""
    from wanshang.marketing.models import MemberLevel, Promotion, PromotionItem

    token = _snapshot_token()
    if _snapshot["token"] != token or len(_snapshot["shops"]) > 5000:
        _snapshot["token"], _snapshot["shops"] = token, {}
    held = _snapshot["shops"]
    missing = [sid for sid in shop_ids if sid not in held]
    if missing:
        loaded = {sid: ShopPromotions([], [], []) for sid in missing}
        promos = {p.pk: p for p in Promotion.objects.filter(
            shop_id__in=missing, status__in=[Promotion.Status.ACTIVE, Promotion.Status.PAUSED], ends_at__gt=now)}
        for promo in promos.values():
            loaded[promo.shop_id].promotions.append(promo)
        for item in PromotionItem.objects.filter(promotion_id__in=list(promos)).order_by("id"):
            item.promotion = promos[item.promotion_id]
            loaded[item.promotion.shop_id].items.append(item)
        for level in MemberLevel.objects.filter(shop_id__in=missing).order_by("rank"):
            loaded[level.shop_id].levels.append(level)
        held.update(loaded)  # whole entries only: other threads may read `held` meanwhile
        if fresh is not None:
            fresh.update(missing)
    return {sid: held[sid] for sid in shop_ids}


def _running_now(promo, now) -> bool:
    return promo.status == "active" and promo.starts_at <= now < promo.ends_at


def load_context(*, buyer, lines: list[PricedLine], now, with_coupons: bool = True) -> Context:
    from wanshang.marketing.models import Coupon, FlashClaim, PointsAccount, PromotionItem

    ctx = Context(now=now)
    if not lines:
        return ctx
    sku_ids = {line.sku_id for line in lines}
    fresh: set = set()
    snapshot = shop_promotions({line.product.shop_id for line in lines}, now, fresh)
    shop_ids = set(snapshot)
    bundles: dict = {}
    flash_ids = []
    for held in snapshot.values():
        for item in held.items:
            promo = item.promotion
            if not _running_now(promo, now):
                continue
            if promo.kind == Kind.BUNDLE:
                bundles.setdefault(promo.pk, (promo, []))[1].append(item)
            elif item.sku_id in sku_ids:
                ctx.items_by_sku.setdefault(item.sku_id, []).append(item)
                if promo.kind == Kind.FLASH_SALE:
                    if promo.shop_id in fresh:
                        ctx.flash_held_units[item.pk] = item.held
                    else:
                        flash_ids.append(item.pk)
        for promo in held.promotions:
            if promo.kind not in (Kind.FULL_REDUCTION, Kind.MEMBER_PRICE) or not _running_now(promo, now):
                continue
            if promo.kind == Kind.MEMBER_PRICE and not promo.config.get("level_bps"):
                continue
            ctx.shop_promotions.setdefault(promo.shop_id, []).append(promo)
    ctx.bundles = sorted(bundles.values(), key=lambda pair: pair[0].pk)
    if flash_ids:  # flash stock moves all the time: always read it fresh
        for pk, sold, held in PromotionItem.objects.filter(pk__in=flash_ids).values_list("pk", "sold", "held"):
            ctx.flash_sold[pk], ctx.flash_held_units[pk] = sold, held
    if not _authenticated(buyer):
        return ctx
    member_shops = {sid for sid, promos in ctx.shop_promotions.items() if any(p.kind == Kind.MEMBER_PRICE for p in promos)}
    member_shops |= {i.promotion.shop_id for items in ctx.items_by_sku.values() for i in items
                     if i.promotion.kind == Kind.MEMBER_PRICE}
    if member_shops:
        levels = [level for sid in sorted(member_shops) for level in snapshot[sid].levels]
        if levels:
            ctx.points_balance = PointsAccount.objects.filter(user=buyer).values_list("balance", flat=True).first() or 0
            spend = buyer_spend_by_shop(buyer=buyer, shop_ids=member_shops)
            for level in levels:
                reached = ((level.min_spend_fen == 0 and level.min_points == 0)
                           or (level.min_spend_fen and spend.get(level.shop_id, 0) >= level.min_spend_fen)
                           or (level.min_points and ctx.points_balance >= level.min_points))
                if reached:
                    ctx.ranks[level.shop_id] = (level.rank, level.name)
    limited = {i.promotion_id for items in ctx.items_by_sku.values() for i in items
               if i.promotion.per_buyer_limit and i.promotion.kind != Kind.FLASH_SALE}
    if limited:
        ctx.used = units_bought(buyer=buyer, promotion_ids=limited)
    flash = [i.pk for items in ctx.items_by_sku.values() for i in items if i.promotion.kind == Kind.FLASH_SALE]
    if flash:
        ctx.flash_held = dict(FlashClaim.objects.filter(item_id__in=flash, buyer=buyer).values_list("item_id", "quantity"))
    if with_coupons:
        ctx.coupons = list(
            Coupon.objects.filter(Q(shop_id__in=shop_ids) | Q(shop__isnull=True), buyer=buyer,
                                  status=Coupon.Status.UNUSED, valid_until__gt=now)
            .select_related("promotion").order_by("valid_until", "id")
        )
    return ctx


def buyer_spend_by_shop(*, buyer, shop_ids) -> dict[int, int]:
    """What the buyer has spent per shop on completed orders (membership levels)."""
    from wanshang.orders.models import Order, OrderStatus

    rows = (Order.objects.filter(buyer=buyer, shop_id__in=list(shop_ids), status=OrderStatus.COMPLETED)
            .values("shop_id").annotate(total=Sum("total_fen")))
    return {r["shop_id"]: r["total"] for r in rows}


def units_bought(*, buyer, promotion_ids) -> dict[int, int]:
    from wanshang.orders.models import OrderLine, OrderStatus

    rows = (OrderLine.objects.filter(order__buyer=buyer, promotion_id__in=list(promotion_ids))
            .exclude(order__status__in=[OrderStatus.CANCELLED, OrderStatus.REFUNDED])
            .values("promotion_id").annotate(n=Sum("quantity")))
    return {r["promotion_id"]: r["n"] for r in rows}


# --- item level ---------------------------------------------------------------------------------------------

def item_candidates(line: PricedLine, ctx: Context, *, buyer, group_buy: dict) -> list[tuple[int, ItemPrice]]:
    """Every item-level price this line could get now, with why others do not apply in `line.notes`."""
    base = line.list_price_fen
    out = []
    wholesale_buyer = _authenticated(buyer) and getattr(buyer, "account_type", "") == "wholesale"
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
                line.notes.append("秒杀已抢光，按原价购买" if left <= 0 else f"秒杀仅剩 {left} 件，超出按原价购买")
                continue
            if limit and held + qty > limit:
                line.notes.append(f"秒杀每人限购 {limit} 件" + (f"，您已抢 {held} 件" if held else "") + "，超出按原价购买")
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
                line.notes.append(f"{label}每人限购 {limit} 件" + (f"，您已购 {bought} 件" if bought else "") + "，超出按原价购买")
                continue
        out.append((price, ItemPrice(code=f"promo:{promo.pk}", label=label, kind=kind, promotion_id=promo.pk,
                                     item_id=item.pk, combine_with=tuple(promo.config.get("combine_with", ())))))
    rank = ctx.ranks.get(line.product.shop_id)
    for promo in ctx.shop_promotions.get(line.product.shop_id, []):
        if promo.kind != Kind.MEMBER_PRICE or not rank or not in_scope(promo, line):
            continue
        rates = [b for r, b in promo.config["level_bps"].items() if int(r) <= rank[0]]
        if rates:
            price = scaled(base, min(rates))
            if price < base:
                out.append((price, ItemPrice(code=f"promo:{promo.pk}", label=f"会员价（{rank[1]}）", kind=Kind.MEMBER_PRICE,
                                             promotion_id=promo.pk, item_id=0,
                                             combine_with=tuple(promo.config.get("combine_with", ())))))
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
        info = ItemPrice(code=f"promo:{promo.pk}", label=f"套餐：{promo.name}", kind=Kind.BUNDLE, promotion_id=promo.pk,
                         item_id=0, combine_with=tuple(promo.config.get("combine_with", ())))
        adj = Adjustment(code=f"promo:{promo.pk}", label=f"套餐 {promo.name}" + (f" ×{sets}" if sets > 1 else ""),
                         amount_fen=saving, stage="item")
        apply_discount(bundle_lines, adj)
        for line in bundle_lines:
            line.item_price = info
            taken.add(line.sku_id)
        applied.append((adj, bundle_lines))
    return applied


@register_step(stage="item", order=10, name="marketing.item_prices")
def item_prices(cart: PricedCart, now) -> None:
    lines = cart.valid_lines
    ctx = load_context(buyer=cart.buyer, lines=lines, now=now)
    cart.context["marketing"] = ctx
    for line in lines:
        best_item_price(line, ctx, buyer=cart.buyer, group_buy=cart.options.group_buy)
    for group in cart.groups:
        for adj, _lines in apply_bundles(group.valid_lines, ctx):
            group.adjustments.append(adj)


# --- shop and platform level: pure computation ----------------------------------------------------------------

def token_of(promotion) -> str:
    if promotion.kind == Kind.COUPON:
        return "platform_coupon" if promotion.shop_id is None else "coupon"
    return promotion.kind


def combinable(a, b) -> bool:
    """Two later-stage promotions share the same goods only if each allows the other."""
    return token_of(b) in a.config.get("combine_with", ()) and token_of(a) in b.config.get("combine_with", ())


def _combinable_memo():
    seen: dict = {}

    def check(a, b) -> bool:
        key = (id(a), id(b))
        if key not in seen:
            seen[key] = combinable(a, b)
        return seen[key]

    return check


def full_reduction_offer(promo, base_fen: int, qty: int) -> tuple[int, str, str]:
    """(discount, label, hint to reach the next tier) of a 满减 on `base_fen` of goods / `qty` pieces."""
    c = promo.config
    if c["mode"] == "tiers":
        off, label, hint = 0, "", ""
        for threshold, amount in c["tiers"]:
            if base_fen >= threshold:
                off, label = amount, f"满{yuan(threshold)}减{yuan(amount)}"
            else:
                hint = f"再买¥{yuan(threshold - base_fen)}可减¥{yuan(amount)}"
                break
        return off, label, hint
    if c["mode"] == "every":
        n = base_fen // c["every_fen"]
        off = n * c["off_fen"]
        if c.get("cap_fen"):
            off = min(off, c["cap_fen"])
        label = f"每满{yuan(c['every_fen'])}减{yuan(c['off_fen'])}"
        hint = "" if off else f"再买¥{yuan(c['every_fen'] - base_fen)}可减¥{yuan(c['off_fen'])}"
        return off, label if off else "", hint
    off, label, hint = 0, "", ""
    for min_qty, bps in c["tiers"]:
        if qty >= min_qty:
            off, label = base_fen - base_fen * bps // 10000, f"满{min_qty}件{bps / 1000:g}折"
        else:
            hint = f"再买{min_qty - qty}件享{bps / 1000:g}折"
            break
    return off, label, hint


def coupon_offer(coupon, base_fen: int, now) -> tuple[int, str]:
    """(discount, reason it does not apply) of a held coupon on `base_fen` of in-scope goods."""
    c = coupon.promotion.config
    if coupon.valid_from > now:
        return 0, "未到使用时间"
    if base_fen <= 0:
        return 0, "购物车中没有适用商品"
    if base_fen < c.get("threshold_fen", 0):
        return 0, f"还差{yuan(c['threshold_fen'] - base_fen)}元可用"
    if c["type"] == "amount":
        off = c["amount_fen"]
    else:
        off = base_fen - base_fen * c["discount_bps"] // 10000
        if c.get("cap_fen"):
            off = min(off, c["cap_fen"])
    return min(off, base_fen), ""


def coupon_label(promotion) -> str:
    c = promotion.config
    prefix = "平台券" if promotion.shop_id is None else "店铺券"
    if c["type"] == "amount":
        body = f"满{yuan(c['threshold_fen'])}减{yuan(c['amount_fen'])}" if c["threshold_fen"] else f"无门槛减{yuan(c['amount_fen'])}"
    else:
        body = (f"满{yuan(c['threshold_fen'])}" if c["threshold_fen"] else "") + f"{c['discount_bps'] / 1000:g}折"
        if c.get("cap_fen"):
            body += f"（最多减{yuan(c['cap_fen'])}）"
    return f"{prefix} {body}"


@dataclass
class Offer:
    """One later-stage promotion on a set of lines: `amount` before the cap at what the lines still cost."""

    promotion: object
    lines: list
    amount: int
    label: str
    coupon: object = None
    platform_bps: int = 0

    @property
    def code(self) -> str:
        return f"coupon:{self.coupon.pk}" if self.coupon else f"promo:{self.promotion.pk}"


@dataclass
class CouponView:
    coupon: object
    label: str
    usable: bool
    reason: str = ""
    chosen: bool = False
    amount_fen: int = 0


def simulate(payable: dict[int, int], offers: list[Offer]) -> tuple[int, dict[int, int]]:
    """Apply `offers` in order to a copy of line payables (keyed by id(line)); returns (total discount, payables)."""
    left = dict(payable)
    total = 0
    for offer in offers:
        keys = [id(line) for line in offer.lines if left[id(line)] > 0]
        amount = min(offer.amount, sum(left[k] for k in keys) - 1)  # as apply_discount: keep one fen
        if amount <= 0:
            continue
        for k, share in zip(keys, allocate(amount, [left[k] for k in keys]), strict=True):
            left[k] -= share
        total += amount
    return total, left


def shop_offers(group, ctx: Context, coupons: list, now) -> tuple[list[Offer], list[Offer], list[CouponView]]:
    lines = group.valid_lines
    frs, shop_coupons, views = [], [], []
    for promo in ctx.shop_promotions.get(group.shop.pk, []):
        if promo.kind != Kind.FULL_REDUCTION:
            continue
        scoped = [line for line in lines if line.allows("full_reduction") and in_scope(promo, line)]
        off, label, hint = full_reduction_offer(promo, sum(line.payable_fen for line in scoped),
                                                sum(line.quantity for line in scoped))
        if off > 0:
            frs.append(Offer(promo, scoped, off, label))
        if hint and scoped:
            group.hints.append(f"{promo.name}：{hint}")
    for coupon in coupons:
        if coupon.shop_id != group.shop.pk:
            continue
        scoped = [line for line in lines if line.allows("coupon") and in_scope(coupon.promotion, line)]
        off, reason = coupon_offer(coupon, sum(line.payable_fen for line in scoped), now)
        label = coupon_label(coupon.promotion)
        views.append(CouponView(coupon, label, off > 0, reason))
        if off > 0:
            shop_coupons.append(Offer(coupon.promotion, scoped, off, label, coupon=coupon))
    return frs, shop_coupons, views


def shop_combos(frs: list[Offer], coupons: list[Offer], platform: Offer | None) -> list[list[Offer]]:
    combos = [[]]
    for a in frs + coupons:
        combos.append([a])
    for fr in frs:
        for c in coupons:
            if combinable(fr.promotion, c.promotion):
                combos.append([fr, c])
    if platform is not None:
        combos = [c for c in combos if all(combinable(o.promotion, platform.promotion) for o in c)]
    return combos


def choose(groups: list, ctx: Context, coupons: list, now) -> tuple[list[list[Offer]], Offer | None, list[CouponView]]:
    """The best allowed mix of shop-level offers per shop and at most one platform coupon, exactly.

    For each platform choice (none, or each usable platform coupon), each shop's combinations are reduced to
    the ones not beaten on both "total saved" and "saved outside the platform coupon's lines"; the product of
    those (small) sets is tried exactly. Ties go to fewer coupons, then to the coupon expiring first.
    """
    per_shop = [shop_offers(g, ctx, coupons, now) for g in groups]
    views = [v for _, _, vs in per_shop for v in vs]
    all_lines = [line for g in groups for line in g.valid_lines]
    platform_offers: list[Offer | None] = [None]
    for coupon in coupons:
        if coupon.shop_id is not None:
            continue
        scoped = [line for line in all_lines if line.allows("platform_coupon") and in_scope(coupon.promotion, line)]
        off, reason = coupon_offer(coupon, sum(line.payable_fen for line in scoped), now)
        label = coupon_label(coupon.promotion)
        views.append(CouponView(coupon, label, off > 0, reason))
        if off > 0:
            platform_offers.append(Offer(coupon.promotion, scoped, off, label, coupon=coupon,
                                         platform_bps=coupon.promotion.platform_share_bps))
    payable = {id(line): line.payable_fen for line in all_lines}
    # Each shop's combinations are simulated once; a platform choice only filters them and reads what they
    # leave on its lines. Shops touch only their own lines, so a joint choice is scored by arithmetic:
    # Σ saved + what the platform coupon can still take (as `simulate` would: capped, keeping one fen).
    shop_scores = []
    for (frs, cps, _), g in zip(per_shop, groups, strict=True):
        own = {id(line): payable[id(line)] for line in g.valid_lines}
        shop_scores.append([(combo, *simulate(own, combo)) for combo in shop_combos(frs, cps, None)])
    best = None
    allowed = _combinable_memo()
    for p_offer in platform_offers:
        eligible = {id(line) for line in p_offer.lines if payable[id(line)] > 0} if p_offer else set()
        fronts = []
        for scores in shop_scores:
            scored = []
            for combo, saved, left in scores:
                if p_offer is not None and not all(allowed(o.promotion, p_offer.promotion) for o in combo):
                    continue
                inside = sum(payable[k] - left[k] for k in left if k in eligible)
                scored.append((saved, saved - inside, combo))
            front = [x for x in scored if not any((o[0] >= x[0] and o[1] >= x[1] and (o[0], o[1]) != (x[0], x[1]))
                                                  for o in scored)]
            # among equal scores keep the one with fewer coupons, then the earliest-expiring coupon
            front.sort(key=lambda x: (-x[0], -x[1], len(x[2]), _expiry_key(x[2])))
            dedup, seen = [], set()
            for x in front:
                if (x[0], x[1]) not in seen:
                    seen.add((x[0], x[1]))
                    dedup.append(x)
            fronts.append(dedup)
        size = 1
        for f in fronts:
            size *= len(f)
        choices = cartesian(*fronts) if size <= MAX_JOINT else [tuple(f[0] for f in fronts)]
        room = sum(payable[k] for k in eligible)
        for choice in choices:
            saved = sum(x[0] for x in choice)
            if p_offer is not None:
                taken_inside = sum(x[0] - x[1] for x in choice)
                saved += max(0, min(p_offer.amount, room - taken_inside - 1))
            offers = [o for x in choice for o in x[2]] + ([p_offer] if p_offer else [])
            key = (saved, -len(offers), -_expiry_key(offers)[0] if offers else 0)
            if best is None or key > best[0]:
                best = (key, [list(x[2]) for x in choice], p_offer)
    if best is None:
        return [[] for _ in groups], None, views
    return best[1], best[2], views


def _expiry_key(offers) -> tuple:
    stamps = [o.coupon.valid_until.timestamp() for o in offers if o.coupon is not None]
    return (min(stamps) if stamps else 0,)


@register_step(stage="shop", order=10, name="marketing.best_discounts")
def best_discounts(cart: PricedCart, now) -> None:
    ctx = cart.context.get("marketing")
    groups = [g for g in cart.groups if g.valid_lines]
    if ctx is None or not groups:
        return
    coupons = ctx.coupons
    if cart.options.coupon_ids is not None:
        wanted = {int(i) for i in cart.options.coupon_ids}
        coupons = [c for c in coupons if c.pk in wanted]
    per_group, platform, views = choose(groups, ctx, coupons, now)
    chosen = {}
    for group, offers in zip(groups, per_group, strict=True):
        for offer in offers:
            adj = Adjustment(code=offer.code, label=offer.label, amount_fen=offer.amount, stage="shop")
            if apply_discount(offer.lines, adj):
                group.adjustments.append(adj)
                if offer.coupon:
                    chosen[offer.coupon.pk] = adj.amount_fen
    if platform is not None:
        adj = Adjustment(code=platform.code, label=platform.label, amount_fen=platform.amount, stage="platform")
        if apply_discount(platform.lines, adj, platform_bps=platform.platform_bps):
            cart.adjustments.append(adj)
            chosen[platform.coupon.pk] = adj.amount_fen
    for view in views:
        if view.coupon.pk in chosen:
            view.chosen, view.amount_fen = True, chosen[view.coupon.pk]
        elif view.usable and not view.reason:
            view.reason = "已选更优惠的组合" if cart.options.coupon_ids is None else "未选择"
    seen = {v.coupon.pk for v in views}
    for coupon in ctx.coupons:  # held coupons of these shops that no line reached
        if coupon.pk not in seen:
            views.append(CouponView(coupon, coupon_label(coupon.promotion), False, "未选择"))
    cart.coupons = views
    cart.context["chosen_coupons"] = [v.coupon for v in views if v.chosen]


# --- points -----------------------------------------------------------------------------------------------------

def points_value_fen(points: int) -> int:
    return points * 100 // settings.WANSHANG["POINTS_PER_YUAN"]


def points_for_fen(fen: int) -> int:
    rate = settings.WANSHANG["POINTS_PER_YUAN"]
    return -(-fen * rate // 100)


@register_step(stage="platform", order=50, name="marketing.redeem_points")
def redeem_points(cart: PricedCart, now) -> None:
    from wanshang.marketing.models import PointsAccount

    lines = [line for line in cart.valid_lines if line.allows("points")]
    if not _authenticated(cart.buyer) or not lines:
        return
    ctx = cart.context.get("marketing")
    balance = PointsAccount.objects.filter(user=cart.buyer).values_list("balance", flat=True).first() or 0
    if ctx is not None:
        ctx.points_balance = balance
    cart.points_available = balance
    ceiling = sum(line.payable_fen for line in lines) * settings.WANSHANG["POINTS_MAX_RATIO_BPS"] // 10000
    fen = min(points_value_fen(balance), ceiling)
    cart.points_max = points_for_fen(fen) if fen > 0 else 0
    if not cart.options.use_points or fen <= 0:
        return
    adj = Adjustment(code="points", label=f"积分抵扣（{points_for_fen(fen)}积分）", amount_fen=fen, stage="platform")
    applied = apply_discount(lines, adj, platform_bps=10000)
    if applied:
        cart.points_used = points_for_fen(applied)
        cart.adjustments.append(adj)
