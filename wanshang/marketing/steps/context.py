"""What the marketing steps read, loaded once per cart (`load_context`): a handful of queries whatever the
cart size. The shops' promotions are kept per process until a marketing write bumps the snapshot token.
"""

import functools
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection

from wanshang.common import rawsql
from wanshang.marketing.models import Coupon, FlashClaim, MemberLevel, PointsAccount, Promotion, PromotionItem
from wanshang.marketing.steps.labels import coupon_label
from wanshang.marketing.types import Kind, Scope
from wanshang.orders.selectors import buyer_spend_by_shop, units_bought
from wanshang.pricing.types import PricedLine


def authenticated(buyer) -> bool:
    return buyer is not None and getattr(buyer, "is_authenticated", False)


def in_scope(promotion, line) -> bool:
    scope = promotion.scope
    if scope == Scope.ALL:
        return True
    if scope == Scope.PRODUCTS:
        return line.product.pk in scope_set(promotion)
    if scope == Scope.SHOPS:
        return line.product.shop_id in scope_set(promotion)
    ids = promotion.scope_ids or []
    if promotion.scope == Scope.CATEGORIES:
        path = line.product.category.path
        return any(f"/{c}/" in path for c in ids)
    return False


def scope_set(promotion) -> frozenset | tuple:
    """The promotion's `scope_ids` as a set, kept on the promotion (the process's copy lives until the snapshot
    token changes) and built again whenever `scope_ids` is another list."""
    ids = promotion.scope_ids
    held = getattr(promotion, "_scope_set", None)
    if held is None or held[0] is not ids:
        try:
            found = frozenset(ids or ())
        except TypeError:  # unhashable ids match nothing a line has, as with the list
            found = tuple(ids or ())
        held = (ids, found)
        try:
            promotion._scope_set = held
        except AttributeError:  # an object that takes no attributes: the set is built per call
            pass
    return held[1]


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
    coupons: list = field(default_factory=list)  # HeldCoupon records
    points_balance: int = 0
    points_loaded: bool = False  # `points_balance` was read for this price (redeem_points reuses it)


@dataclass(eq=False)
class HeldCoupon:
    """A coupon the buyer holds, as pricing reads it: the row's fields and its promotion (the process's copy)."""

    pk: int
    promotion_id: int
    shop_id: int | None
    valid_from: object
    valid_until: object
    promotion: object
    label: str = ""  # `discounts.coupon_label` of the promotion, kept with the process's copy

    @property
    def id(self) -> int:
        return self.pk


# --- the shops' promotions, kept per process until a promotion changes ----------------------------------------
# Promotions change seldom and are read on every price, so each process keeps the shops' running and coming
# promotions (with their items and member levels) and drops them when `snapshot_bump` (called by every
# marketing write) changes the token in the shared cache. Time is applied when reading, so a promotion that
# starts or ends needs no bump; flash-sale stock is never taken from here.

SNAPSHOT_KEY = "marketing:snapshot-token"
_snapshot: dict = {"token": None, "shops": {}, "coupon_promotions": {}}


@dataclass
class ShopPromotions:
    """One shop's promotions as loaded, and the index `load_context` reads (built once per snapshot)."""

    promotions: list  # active or paused, not ended
    items: list  # their PromotionItems, `.promotion` attached
    levels: list  # MemberLevel rows, by rank
    items_by_sku: dict = field(default_factory=dict)  # sku_id -> [item] of item-level kinds, by item id
    bundles: list = field(default_factory=list)  # [(Promotion, [PromotionItem])] 套餐, by promotion id
    shop_level: list = field(default_factory=list)  # 满减 and shop-wide 会员价 (with level rates)

    def build_index(self) -> "ShopPromotions":
        bundles: dict = {}
        for item in self.items:
            if item.promotion.kind == Kind.BUNDLE:
                bundles.setdefault(item.promotion_id, (item.promotion, []))[1].append(item)
            else:
                self.items_by_sku.setdefault(item.sku_id, []).append(item)
        self.bundles = sorted(bundles.values(), key=lambda pair: pair[0].pk)
        self.shop_level = [
            p
            for p in self.promotions
            if p.kind == Kind.FULL_REDUCTION or (p.kind == Kind.MEMBER_PRICE and p.config.get("level_bps"))
        ]
        return self


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
    if (
        _snapshot["token"] != token
        or len(_snapshot["shops"]) > 5000
        or len(_snapshot["coupon_promotions"]) > 20000
    ):
        _snapshot["token"], _snapshot["shops"], _snapshot["coupon_promotions"] = token, {}, {}
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
        for entry in loaded.values():
            entry.build_index()
        held.update(loaded)  # whole entries only: other threads may read `held` meanwhile
        if fresh is not None:
            fresh.update(missing)
    return {sid: held[sid] for sid in shop_ids}


def _running_now(promo, now) -> bool:
    return promo.status == "active" and promo.starts_at <= now < promo.ends_at


def load_context(
    *, buyer, lines: list[PricedLine], now, with_coupons: bool = True, example: dict | None = None
) -> Context:
    """What the steps read for this cart. `example` (a seller's preview, `PricingOptions.example`) stands for a
    made-up buyer: `coupon_promotion_ids` are the coupons they hold (one of each, valid while its promotion
    runs) and `top_member` puts them at each shop's highest member level; nothing of a real buyer is read."""
    ctx = Context(now=now)
    if not lines:
        return ctx
    sku_ids = {line.sku_id for line in lines}
    fresh: set = set()
    snapshot = shop_promotions({line.product.shop_id for line in lines}, now, fresh)
    shop_ids = set(snapshot)
    bundles = []
    flash_ids = []
    for held in snapshot.values():
        for sku_id in sku_ids & held.items_by_sku.keys():
            for item in held.items_by_sku[sku_id]:
                promo = item.promotion
                if not _running_now(promo, now):
                    continue
                ctx.items_by_sku.setdefault(sku_id, []).append(item)
                if promo.kind == Kind.FLASH_SALE:
                    if promo.shop_id in fresh:
                        ctx.flash_held_units[item.pk] = item.held
                    else:
                        flash_ids.append(item.pk)
        bundles += [pair for pair in held.bundles if _running_now(pair[0], now)]
        for promo in held.shop_level:
            if _running_now(promo, now):
                ctx.shop_promotions.setdefault(promo.shop_id, []).append(promo)
    ctx.bundles = sorted(bundles, key=lambda pair: pair[0].pk)
    if flash_ids:  # flash stock moves all the time: always read it fresh
        for pk, sold, held in PromotionItem.objects.filter(pk__in=flash_ids).values_list(
            "pk", "sold", "held"
        ):
            ctx.flash_sold[pk], ctx.flash_held_units[pk] = sold, held
    if example:
        _example_buyer(ctx, example, snapshot)
        return ctx
    if not authenticated(buyer):
        return ctx
    if with_coupons:  # first: the same statement gives the points balance that member levels read
        ctx.coupons = held_coupons(buyer_id=buyer.pk, shop_ids=shop_ids, now=now, ctx=ctx)
    _buyer_ranks(ctx, buyer, snapshot)
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
    return ctx


def _example_buyer(ctx: Context, example: dict, snapshot: dict) -> None:
    promos = Promotion.objects.filter(
        pk__in=list(example.get("coupon_promotion_ids", ())), kind=Kind.COUPON
    ).order_by("pk")
    ctx.coupons = [
        HeldCoupon(-n, p.pk, p.shop_id, p.starts_at, p.ends_at, p, coupon_label(p))
        for n, p in enumerate(promos, start=1)
    ]
    if example.get("top_member"):
        for shop_id, held in snapshot.items():
            if held.levels:
                top = max(held.levels, key=lambda level: level.rank)
                ctx.ranks[shop_id] = (top.rank, top.name)


def _buyer_ranks(ctx: Context, buyer, snapshot: dict) -> None:
    """The buyer's member level in each shop with a member price among these promotions."""
    member_shops = {
        sid for sid, promos in ctx.shop_promotions.items() if any(p.kind == Kind.MEMBER_PRICE for p in promos)
    }
    member_shops |= {
        i.promotion.shop_id
        for items in ctx.items_by_sku.values()
        for i in items
        if i.promotion.kind == Kind.MEMBER_PRICE
    }
    if not member_shops:
        return
    levels = [level for sid in sorted(member_shops) for level in snapshot[sid].levels]
    if not levels:
        return
    points = points_balance(ctx, buyer)
    # spend is read only when a level asks for it (a level of points only, or for everyone, needs no orders)
    spend = (
        buyer_spend_by_shop(buyer=buyer, shop_ids=member_shops)
        if any(level.min_spend_fen for level in levels)
        else {}
    )
    for level in levels:
        reached = (
            (level.min_spend_fen == 0 and level.min_points == 0)
            or (level.min_spend_fen and spend.get(level.shop_id, 0) >= level.min_spend_fen)
            or (level.min_points and points >= level.min_points)
        )
        if reached:
            ctx.ranks[level.shop_id] = (level.rank, level.name)


def points_balance(ctx: Context | None, buyer) -> int:
    """The buyer's points, read once per price (member levels and the points step both need it)."""
    if ctx is not None and ctx.points_loaded:
        return ctx.points_balance
    found = rawsql.rows(_points_sql(), [buyer.pk], model=PointsAccount)
    balance = (found[0][0] if found else 0) or 0
    if ctx is not None:
        ctx.points_balance, ctx.points_loaded = balance, True
    return balance


@functools.cache
def _points_sql() -> str:
    balance, user = rawsql.column(PointsAccount, "balance"), rawsql.column(PointsAccount, "user")
    return f"SELECT {balance} FROM {rawsql.table(PointsAccount)} WHERE {user} = %s"  # noqa: S608


@functools.cache
def _coupons_sql() -> str:
    cols = ", ".join(
        [rawsql.column(Coupon, f) for f in ("id", "promotion", "shop", "valid_from", "valid_until")]
        + [f"({_points_sql()})"]  # the buyer's balance on every row: no second round trip for it
    )
    shop, until = rawsql.column(Coupon, "shop"), rawsql.column(Coupon, "valid_until")
    return (
        f"SELECT {cols} FROM {rawsql.table(Coupon)}"  # noqa: S608  (identifiers from the model's meta)
        f" WHERE {rawsql.column(Coupon, 'buyer')} = %s AND {rawsql.column(Coupon, 'status')} = %s"
        f" AND {until} > %s AND ({shop} IS NULL OR {shop} IN ({{shops}}))"
        f" ORDER BY {until}, {rawsql.column(Coupon, 'id')}"
    )


def held_coupons(*, buyer_id: int, shop_ids, now, ctx: Context | None = None) -> list[HeldCoupon]:
    """The buyer's unused, unexpired coupons of these shops and of the platform, earliest expiry first.

    One plain statement for the coupon rows; their promotions come from the process's copy (kept under the same
    snapshot token as the shops' promotions), read from the database only the first time one is seen. Each row
    also carries the buyer's points balance: with `ctx` (and at least one coupon) it is kept for this price, as
    `points_balance` would read it."""
    shops = sorted(shop_ids) or [0]
    sql = _coupons_sql().format(shops=rawsql.placeholders(len(shops)))
    when = connection.ops.adapt_datetimefield_value(now)
    found = rawsql.rows(sql, [buyer_id, buyer_id, Coupon.Status.UNUSED, when, *shops], model=Coupon)
    if found and ctx is not None and not ctx.points_loaded:
        ctx.points_balance, ctx.points_loaded = found[0][5] or 0, True
    promotions = _snapshot["coupon_promotions"]
    missing = {row[1] for row in found} - promotions.keys()
    if missing:
        promotions.update({pk: (p, coupon_label(p)) for pk, p in Promotion.objects.in_bulk(missing).items()})
    aware = rawsql.aware
    return [
        HeldCoupon(pk, pid, shop_id, aware(start), aware(until), *promotions[pid])
        for pk, pid, shop_id, start, until, _ in found
    ]
