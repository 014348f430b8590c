"""What an order does to promotions of several kinds at once: placed (coupons used, flash stock and points
taken, group joined: `promotions_commit`), cancelled or refunded (given back by the rules below:
`order_released`). What concerns one kind only is with it: group-buy progress when paid (`groupbuy`), points
earned on completion and returned on partial refunds (`loyalty`); `subscribers.py` wires the order events.

Give-back rules (shown to buyers on the coupon and points pages):
- Points spent on an order come back in full when that order is cancelled or refunded.
- A shop coupon comes back when its order is cancelled or refunded; a platform coupon when every order it
  was spread over is. A coupon that comes back keeps its own validity (an expired one stays expired).
- Flash-sale units go back to the flash stock; a buyer's per-person count goes down with them.
- Points earned on a completed order are not taken back (refunds happen before completion here).
Every function runs inside the caller's transaction.
"""

from django.utils import timezone

from wanshang.marketing.coupons.services import coupons_give_back, coupons_use
from wanshang.marketing.flash.services import flash_units_give_back, flash_units_take
from wanshang.marketing.groupbuy.services import group_join, group_places_free
from wanshang.marketing.loyalty.services import points_change, points_give_back
from wanshang.marketing.types import Kind


def promotions_commit(*, buyer, cart, orders, payment, redis_claims: list, now=None) -> None:
    """Take what the priced cart used: coupons, flash-sale stock, points, group-buy places.

    Raises Conflict when something ran out since the buyer priced the cart (the caller's transaction rolls
    back; Redis units taken are listed in `redis_claims` for the caller to give back).
    """
    now = now or timezone.now()
    by_shop = {o.shop_id: o for o in orders}
    coupons_use(buyer=buyer, coupons=cart.context.get("chosen_coupons", []), payment=payment, now=now)
    for line in cart.valid_lines:
        info = line.item_price
        if info is None:
            continue
        if info.kind == Kind.FLASH_SALE:
            flash_units_take(
                buyer=buyer,
                item_id=info.item_id,
                quantity=line.quantity,
                order=by_shop[line.product.shop_id],
                now=now,
                redis_claims=redis_claims,
            )
        elif info.kind == Kind.GROUP_BUY:
            group_join(
                buyer=buyer,
                line=line,
                order=by_shop[line.product.shop_id],
                team_id=cart.options.group_buy.get(line.sku_id) or 0,
                now=now,
            )
    if cart.points_used:
        points_change(user=buyer, delta=-cart.points_used, reason="redeem", note=f"支付单 {payment.no} 抵扣")


def order_released(*, order, refunded: bool = False, now=None) -> set[int]:
    """Give back what the order took (see the module rules). Idempotent.

    Returns the ids of flash-sale lines whose reserved units went back into the sale's set-aside stock (the
    caller must not release those to normal stock). A refund leaves flash units with normal stock.
    """
    kept = set() if refunded else flash_units_give_back(order=order, now=now)
    points_give_back(order=order, refunded=refunded)
    coupons_give_back(order=order)
    if not refunded:
        group_places_free(order=order)
    return kept
