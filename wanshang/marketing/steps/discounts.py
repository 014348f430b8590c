"""Shop and platform stage (`marketing.best_discounts`): the best allowed mix of 满减/满折, shop coupons and one
platform coupon. Pure computation on the item-priced lines (`choose`), which is what the property tests drive.
"""

from dataclasses import dataclass, field
from itertools import product as cartesian

from wanshang.common.money import allocate
from wanshang.marketing.promotions.kinds import yuan
from wanshang.marketing.steps.context import Context, in_scope, scope_set
from wanshang.marketing.steps.labels import coupon_label
from wanshang.marketing.types import Kind, Scope
from wanshang.pricing.types import Adjustment, PricedCart, apply_discount, register_step

MAX_JOINT = 4096  # combinations tried exactly before falling back to the per-shop best


def token_of(promotion) -> str:
    if promotion.kind == Kind.COUPON:
        return "platform_coupon" if promotion.shop_id is None else "coupon"
    return promotion.kind


def combinable(a, b) -> bool:
    """Two later-stage promotions share the same goods only if each allows the other."""
    return token_of(b) in a.config.get("combine_with", ()) and token_of(a) in b.config.get("combine_with", ())


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


def held_label(coupon) -> str:
    """A held coupon's label: worked out once per promotion when pricing loaded it (`HeldCoupon.label`)."""
    return getattr(coupon, "label", "") or coupon_label(coupon.promotion)


@dataclass
class Offer:
    """One later-stage promotion on a set of lines: `amount` before the cap at what the lines still cost."""

    promotion: object
    lines: list
    amount: int
    label: str
    coupon: object = None
    platform_bps: int = 0
    # worked out once per offer: what `combinable` and the expiry tie-break read
    token: str = field(init=False, repr=False, compare=False)
    combine: frozenset = field(init=False, repr=False, compare=False)
    stamp: float = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.token = token_of(self.promotion)
        self.combine = frozenset(self.promotion.config.get("combine_with", ()))
        self.stamp = self.coupon.valid_until.timestamp() if self.coupon is not None else 0

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
        total += _take(left, offer)
    return total, left


def _take(left: dict[int, int], offer: Offer) -> int:
    """Apply one offer to `left` in place (as `apply_discount`: capped, keeping one fen); returns the amount."""
    keys = [k for k in map(id, offer.lines) if left[k] > 0]
    weights = [left[k] for k in keys]
    amount = min(offer.amount, sum(weights) - 1)
    if amount <= 0:
        return 0
    for k, share in zip(keys, allocate(amount, weights), strict=True):
        left[k] -= share
    return amount


def _scoped(promotion, rows: list) -> list:
    """The (line, payable, quantity) rows in the promotion's scope (`in_scope`, with the scope's set kept)."""
    scope = promotion.scope
    if scope == Scope.ALL:
        return rows
    if scope == Scope.PRODUCTS:
        ids = scope_set(promotion)
        return [row for row in rows if row[0].product.pk in ids]
    return [row for row in rows if in_scope(promotion, row[0])]


def shop_offers(group, ctx: Context, coupons: list, now) -> tuple[list[Offer], list[Offer], list[CouponView]]:
    """The shop's 满减 offers, usable coupon offers and a view of each of its held coupons (`coupons` may hold
    other shops' and platform coupons: they are skipped)."""
    shop_id = group.shop.pk
    return _shop_offers(group, ctx, [c for c in coupons if c.shop_id == shop_id], now)


def _shop_offers(
    group, ctx: Context, coupons: list, now
) -> tuple[list[Offer], list[Offer], list[CouponView]]:
    rows = [(line, line.payable_fen, line.quantity) for line in group.valid_lines]
    frs, shop_coupons, views = [], [], []
    promos = [p for p in ctx.shop_promotions.get(group.shop.pk, ()) if p.kind == Kind.FULL_REDUCTION]
    if promos:
        allowed = [row for row in rows if row[0].allows("full_reduction")]
        for promo in promos:
            scoped = _scoped(promo, allowed)
            off, label, hint = full_reduction_offer(
                promo, sum(row[1] for row in scoped), sum(row[2] for row in scoped)
            )
            if off > 0:
                frs.append(Offer(promo, [row[0] for row in scoped], off, label))
            if hint and scoped:
                group.hints.append(f"{promo.name}：{hint}")
    if coupons:
        allowed = [row for row in rows if row[0].allows("coupon")]
        bases: dict = {}  # id(promotion) -> (scoped rows, their payable): coupons of one promotion share it
        for coupon in coupons:
            promo = coupon.promotion
            found = bases.get(id(promo))
            if found is None:
                scoped = _scoped(promo, allowed)
                found = bases[id(promo)] = (scoped, sum(row[1] for row in scoped))
            off, reason = coupon_offer(coupon, found[1], now)
            label = held_label(coupon)
            views.append(CouponView(coupon, label, off > 0, reason))
            if off > 0:
                shop_coupons.append(Offer(promo, [row[0] for row in found[0]], off, label, coupon=coupon))
    return frs, shop_coupons, views


def shop_combos(frs: list[Offer], coupons: list[Offer], platform: Offer | None) -> list[list[Offer]]:
    combos = [[]]
    for a in frs + coupons:
        combos.append([a])
    for fr in frs:
        for c in coupons:
            if _offers_combine(fr, c):
                combos.append([fr, c])
    if platform is not None:
        combos = [c for c in combos if all(_offers_combine(o, platform) for o in c)]
    return combos


def _offers_combine(a: Offer, b: Offer) -> bool:
    """`combinable(a.promotion, b.promotion)` from what each offer worked out once."""
    return b.token in a.combine and a.token in b.combine


def choose(
    groups: list, ctx: Context, coupons: list, now
) -> tuple[list[list[Offer]], Offer | None, list[CouponView]]:
    """The best allowed mix of shop-level offers per shop and at most one platform coupon, exactly.

    For each platform choice (none, or each usable platform coupon), each shop's combinations are reduced to
    the ones not beaten on both "total saved" and "saved outside the platform coupon's lines"; the product of
    those (small) sets is tried exactly. Ties go to fewer coupons, then to the coupon expiring first.
    """
    by_shop: dict = {}
    for coupon in coupons:
        if coupon.shop_id is not None:
            by_shop.setdefault(coupon.shop_id, []).append(coupon)
    per_shop = [_shop_offers(g, ctx, by_shop.get(g.shop.pk, []), now) for g in groups]
    views = [v for _, _, vs in per_shop for v in vs]
    all_lines = [line for g in groups for line in g.valid_lines]
    platform_offers = _platform_offers(all_lines, coupons, views, now)
    payable = {id(line): line.payable_fen for line in all_lines}
    # Each shop's combinations are simulated once; a platform choice only filters them and reads what they
    # take from its lines. Shops touch only their own lines, so a joint choice is scored by arithmetic:
    # Σ saved + what the platform coupon can still take (as `simulate` would: capped, keeping one fen).
    shop_scores = [
        _shop_scores(frs, cps, g, payable) for (frs, cps, _), g in zip(per_shop, groups, strict=True)
    ]
    best = None
    seen_fronts: dict = {}  # platform coupons with the same lines and the same combining rule share the fronts
    for p_offer in platform_offers:
        eligible = {id(line) for line in p_offer.lines if payable[id(line)] > 0} if p_offer else set()
        rule = (p_offer.token, p_offer.combine) if p_offer else None
        fronts = seen_fronts.get((rule, frozenset(eligible)))
        if fronts is None:
            fronts = [_front(scores, p_offer, eligible) for scores in shop_scores]
            seen_fronts[(rule, frozenset(eligible))] = fronts
        size = 1
        for f in fronts:
            size *= len(f)
        choices = cartesian(*fronts) if size <= MAX_JOINT else [tuple(f[0] for f in fronts)]
        room = sum(payable[k] for k in eligible)
        key = _joint_best(choices, p_offer, room)
        if key is not None and (best is None or key[0] > best[0]):
            best = (key[0], [list(x[2]) for x in key[1]], p_offer)
    if best is None:
        return [[] for _ in groups], None, views
    return best[1], best[2], views


def _platform_offers(all_lines: list, coupons: list, views: list, now) -> list:
    """None (no platform coupon) and an Offer per usable platform coupon; a view for each held one."""
    out: list[Offer | None] = [None]
    allowed = None
    for coupon in coupons:
        if coupon.shop_id is not None:
            continue
        if allowed is None:
            allowed = [(line, line.payable_fen, 0) for line in all_lines if line.allows("platform_coupon")]
        scoped = _scoped(coupon.promotion, allowed)
        off, reason = coupon_offer(coupon, sum(row[1] for row in scoped), now)
        label = held_label(coupon)
        views.append(CouponView(coupon, label, off > 0, reason))
        if off > 0:
            out.append(
                Offer(
                    coupon.promotion,
                    [row[0] for row in scoped],
                    off,
                    label,
                    coupon=coupon,
                    platform_bps=coupon.promotion.platform_share_bps,
                )
            )
    return out


class _Scored:
    """One allowed combination of a shop: what it saves, and (worked out only when a platform coupon covers
    part of the shop's lines) what it takes from each line."""

    __slots__ = ("combo", "count", "expiry", "ids", "own", "saved", "_taken")

    def __init__(self, combo: list, saved: int, own: dict):
        self.combo, self.saved, self.own, self._taken = combo, saved, own, None
        self.count, self.ids = len(combo), tuple(map(id, combo))
        stamp = None  # `_expiry_key(combo)`, written out: it runs for every combination of every shop
        for offer in combo:
            if offer.coupon is not None and (stamp is None or offer.stamp < stamp):
                stamp = offer.stamp
        self.expiry = (0 if stamp is None else stamp,)

    def taken(self) -> dict[int, int]:
        if self._taken is None:
            _, left = simulate(self.own, self.combo)
            self._taken = {k: self.own[k] - v for k, v in left.items() if v != self.own[k]}
        return self._taken


def _shop_scores(frs: list, cps: list, group, payable: dict) -> tuple[frozenset, list[_Scored], list]:
    """The shop's lines that still cost something, and each allowed combination with what it saves.

    What an offer takes is capped by what its lines still cost (`_take`), and that needs no split: a second
    offer's lines lost exactly the first's amount when they hold all the first's lines, nothing when they
    share none. Only partly shared lines are simulated."""
    own = {id(line): payable[id(line)] for line in group.valid_lines}
    positive = frozenset(k for k, fen in own.items() if fen > 0)
    keys = {id(o): frozenset(map(id, o.lines)) & positive for o in frs + cps}

    room = {i: sum(own[k] for k in ks) for i, ks in keys.items()}

    def alone(offer, lost: int = 0) -> int:
        amount = min(offer.amount, room[id(offer)] - lost - 1)
        return amount if amount > 0 else 0

    rows = []
    for combo in shop_combos(frs, cps, None):
        if len(combo) == 1:
            saved = alone(combo[0])
        elif len(combo) == 2:
            first, second = combo
            taken_first = alone(first)
            shared = keys[id(first)] & keys[id(second)]
            if not taken_first or not shared:
                saved = taken_first + alone(second)
            elif shared == keys[id(first)]:
                saved = taken_first + alone(second, taken_first)
            else:
                saved = simulate(own, combo)[0]
        else:
            saved = simulate(own, combo)[0]
        rows.append(_Scored(combo, saved, own))
    return positive, rows, frs + cps


def _front(scores: tuple, p_offer, eligible: set) -> list[tuple]:
    """The shop's combinations not beaten on both (saved, saved outside `eligible`), best first.

    Among equal scores the one with fewer offers wins, then the earliest-expiring coupon, then the first."""
    positive, rows, offers = scores
    covered = positive & eligible
    ok = {id(o) for o in offers if _offers_combine(o, p_offer)} if p_offer is not None else None
    best: dict[tuple, tuple] = {}
    for row in rows:
        combo, saved = row.combo, row.saved
        if ok is not None and not ok.issuperset(row.ids):
            continue
        if not covered:
            inside = 0
        elif covered == positive:
            inside = saved
        else:
            inside = sum(fen for k, fen in row.taken().items() if k in eligible)
        pair = (saved, saved - inside)
        held = best.get(pair)
        if held is None or (row.count, row.expiry) < (held[3], held[4]):
            best[pair] = (saved, saved - inside, combo, row.count, row.expiry)
    front, top = [], None
    for pair in sorted(best, key=lambda p: (-p[0], -p[1])):
        # sorted by saved (then outside) descending: a pair is beaten iff an earlier one has outside >= its own
        if top is None or pair[1] > top:
            front.append(best[pair])
            top = pair[1] if top is None else max(top, pair[1])
    return front


def _joint_best(choices, p_offer, room: int):
    """The best (key, choice) of the joint choices for one platform option (first wins a tie), None if none."""
    p_amount = p_offer.amount if p_offer is not None else 0
    p_count = 1 if p_offer is not None else 0
    p_stamp = p_offer.stamp if p_offer is not None else 0
    best = None
    for choice in choices:
        saved = count = taken_inside = 0
        stamp = p_stamp
        for x in choice:
            saved += x[0]
            taken_inside += x[0] - x[1]
            count += x[3]
            if x[4][0] and (not stamp or x[4][0] < stamp):
                stamp = x[4][0]
        if p_offer is not None:
            saved += max(0, min(p_amount, room - taken_inside - 1))
        key = (saved, -(count + p_count), -stamp if count + p_count else 0)
        if best is None or key > best[0]:
            best = (key, choice)
    return best


def _expiry_key(offers) -> tuple:
    stamps = [o.stamp for o in offers if o.coupon is not None]
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
        adj = Adjustment(
            code=platform.code, label=platform.label, amount_fen=platform.amount, stage="platform"
        )
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
            views.append(CouponView(coupon, held_label(coupon), False, "未选择"))
    cart.coupons = views
    cart.context["chosen_coupons"] = [v.coupon for v in views if v.chosen]
