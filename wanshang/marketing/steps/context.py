"""What the marketing steps read, loaded once per cart (`load_context`): a handful of queries whatever the
cart size. The shops' promotions are kept per process until a marketing write bumps the snapshot token.
"""

import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q

from wanshang.marketing.models import Coupon, FlashClaim, MemberLevel, PointsAccount, Promotion, PromotionItem
from wanshang.marketing.types import Kind, Scope
from wanshang.orders.selectors import buyer_spend_by_shop, units_bought
from wanshang.pricing.types import PricedLine


def authenticated(buyer) -> bool:
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
    shop_promotions: dict = field(default_factory=dict)  # shop_id -> [Promotion] (满减, 全店会员价)
    bundles: list = field(default_factory=list)  # [(Promotion, [PromotionItem])]
    ranks: dict = field(default_factory=dict)  # shop_id -> (rank, level name)
    used: dict = field(default_factory=dict)  # promotion_id -> units the buyer already bought
    flash_held: dict = field(default_factory=dict)  # item_id -> units the buyer holds
    flash_sold: dict = field(default_factory=dict)  # item_id -> units sold (read fresh)
    flash_held_units: dict = field(
        default_factory=dict
    )  # item_id -> units set aside, not in an order (fresh)
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
    promotions: list  # active or paused, not ended
    items: list  # their PromotionItems, `.promotion` attached
    levels: list  # MemberLevel rows, by rank


def snapshot_bump() -> None:
    cache.set(SNAPSHOT_KEY, uuid.uuid4().hex, None)


def _snapshot_token() -> str:
    token = cache.get(SNAPSHOT_KEY)
    if token is None:  # a fresh cache: nothing a process holds can be trusted
        cache.add(SNAPSHOT_KEY, uuid.uuid4().hex, None)
        token = cache.get(SNAPSHOT_KEY)
    return token


def shop_promotions(shop_ids, now, fresh: set | None = None) -> dict[int, ShopPromotions]:
    """The shops' promotions; ids of shops read from the database by this call are added to `fresh`."""
    token = _snapshot_token()
    if _snapshot["token"] != token or len(_snapshot["shops"]) > 5000:
        _snapshot["token"], _snapshot["shops"] = token, {}
    held = _snapshot["shops"]
    missing = [sid for sid in shop_ids if sid not in held]
    if missing:
        loaded = {sid: ShopPromotions([], [], []) for sid in missing}
        promos = {
            p.pk: p
            for p in Promotion.objects.filter(
                shop_id__in=missing,
                status__in=[Promotion.Status.ACTIVE, Promotion.Status.PAUSED],
                ends_at__gt=now,
            )
        }
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
        for pk, sold, held in PromotionItem.objects.filter(pk__in=flash_ids).values_list(
            "pk", "sold", "held"
        ):
            ctx.flash_sold[pk], ctx.flash_held_units[pk] = sold, held
    if not authenticated(buyer):
        return ctx
    member_shops = {
        sid for sid, promos in ctx.shop_promotions.items() if any(p.kind == Kind.MEMBER_PRICE for p in promos)
    }
    member_shops |= {
        i.promotion.shop_id
        for items in ctx.items_by_sku.values()
        for i in items
        if i.promotion.kind == Kind.MEMBER_PRICE
    }
    if member_shops:
        levels = [level for sid in sorted(member_shops) for level in snapshot[sid].levels]
        if levels:
            ctx.points_balance = (
                PointsAccount.objects.filter(user=buyer).values_list("balance", flat=True).first() or 0
            )
            spend = buyer_spend_by_shop(buyer=buyer, shop_ids=member_shops)
            for level in levels:
                reached = (
                    (level.min_spend_fen == 0 and level.min_points == 0)
                    or (level.min_spend_fen and spend.get(level.shop_id, 0) >= level.min_spend_fen)
                    or (level.min_points and ctx.points_balance >= level.min_points)
                )
                if reached:
                    ctx.ranks[level.shop_id] = (level.rank, level.name)
    limited = {
        i.promotion_id
        for items in ctx.items_by_sku.values()
        for i in items
        if i.promotion.per_buyer_limit and i.promotion.kind != Kind.FLASH_SALE
    }
    if limited:
        ctx.used = units_bought(buyer=buyer, promotion_ids=limited)
    flash = [
        i.pk for items in ctx.items_by_sku.values() for i in items if i.promotion.kind == Kind.FLASH_SALE
    ]
    if flash:
        ctx.flash_held = dict(
            FlashClaim.objects.filter(item_id__in=flash, buyer=buyer).values_list("item_id", "quantity")
        )
    if with_coupons:
        ctx.coupons = list(
            Coupon.objects.filter(
                Q(shop_id__in=shop_ids) | Q(shop__isnull=True),
                buyer=buyer,
                status=Coupon.Status.UNUSED,
                valid_until__gt=now,
            )
            .select_related("promotion")
            .order_by("valid_until", "id")
        )
    return ctx
