"""The combination search as it was before it was optimised (issue 13), kept as the reference the fast one must
match exactly: same offers per shop, same platform coupon, same coupon views, ties broken the same way.

Straightforward on purpose: every shop combination is re-scored for every platform option, the Pareto front is
the quadratic filter, and every joint choice builds its offer list.
"""

from itertools import product as cartesian

from wanshang.marketing.steps.context import in_scope
from wanshang.marketing.steps.discounts import (
    MAX_JOINT,
    CouponView,
    Offer,
    combinable,
    coupon_label,
    coupon_offer,
    full_reduction_offer,
    held_label,
    shop_combos,
    simulate,
)
from wanshang.marketing.types import Kind


def shop_offers(group, ctx, coupons, now):
    """Each shop's 满减 offers, coupon offers and coupon views, scope-tested line by line (as before issue 13)."""
    lines = group.valid_lines
    frs, shop_coupons, views = [], [], []
    for promo in ctx.shop_promotions.get(group.shop.pk, []):
        if promo.kind != Kind.FULL_REDUCTION:
            continue
        scoped = [line for line in lines if line.allows("full_reduction") and in_scope(promo, line)]
        off, label, hint = full_reduction_offer(
            promo, sum(line.payable_fen for line in scoped), sum(line.quantity for line in scoped)
        )
        if off > 0:
            frs.append(Offer(promo, scoped, off, label))
        if hint and scoped:
            group.hints.append(f"{promo.name}：{hint}")
    for coupon in coupons:
        if coupon.shop_id != group.shop.pk:
            continue
        scoped = [line for line in lines if line.allows("coupon") and in_scope(coupon.promotion, line)]
        off, reason = coupon_offer(coupon, sum(line.payable_fen for line in scoped), now)
        label = held_label(coupon)
        views.append(CouponView(coupon, label, off > 0, reason))
        if off > 0:
            shop_coupons.append(Offer(coupon.promotion, scoped, off, label, coupon=coupon))
    return frs, shop_coupons, views


def _expiry_key(offers) -> tuple:
    stamps = [o.coupon.valid_until.timestamp() for o in offers if o.coupon is not None]
    return (min(stamps) if stamps else 0,)


def reference_choose(groups, ctx, coupons, now):
    per_shop = [shop_offers(g, ctx, coupons, now) for g in groups]
    views = [v for _, _, vs in per_shop for v in vs]
    all_lines = [line for g in groups for line in g.valid_lines]
    platform_offers = [None]
    for coupon in coupons:
        if coupon.shop_id is not None:
            continue
        scoped = [
            line for line in all_lines if line.allows("platform_coupon") and in_scope(coupon.promotion, line)
        ]
        off, reason = coupon_offer(coupon, sum(line.payable_fen for line in scoped), now)
        label = coupon_label(coupon.promotion)
        views.append(CouponView(coupon, label, off > 0, reason))
        if off > 0:
            platform_offers.append(
                Offer(
                    coupon.promotion,
                    scoped,
                    off,
                    label,
                    coupon=coupon,
                    platform_bps=coupon.promotion.platform_share_bps,
                )
            )
    payable = {id(line): line.payable_fen for line in all_lines}
    shop_scores = []
    for (frs, cps, _), g in zip(per_shop, groups, strict=True):
        own = {id(line): payable[id(line)] for line in g.valid_lines}
        shop_scores.append([(combo, *simulate(own, combo)) for combo in shop_combos(frs, cps, None)])
    best = None
    for p_offer in platform_offers:
        eligible = {id(line) for line in p_offer.lines if payable[id(line)] > 0} if p_offer else set()
        fronts = []
        for scores in shop_scores:
            scored = []
            for combo, saved, left in scores:
                if p_offer is not None and not all(combinable(o.promotion, p_offer.promotion) for o in combo):
                    continue
                inside = sum(payable[k] - left[k] for k in left if k in eligible)
                scored.append((saved, saved - inside, combo))
            front = [
                x
                for x in scored
                if not any((o[0] >= x[0] and o[1] >= x[1] and (o[0], o[1]) != (x[0], x[1])) for o in scored)
            ]
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
