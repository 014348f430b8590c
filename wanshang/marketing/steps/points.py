"""Platform stage, last (`marketing.redeem_points`): the points the buyer chose to use, capped at
POINTS_MAX_RATIO_BPS of what the allowed lines still cost."""

from django.conf import settings

from wanshang.marketing.steps.context import authenticated, points_balance
from wanshang.pricing.types import Adjustment, PricedCart, apply_discount, register_step


def points_value_fen(points: int) -> int:
    return points * 100 // settings.WANSHANG["POINTS_PER_YUAN"]


def points_for_fen(fen: int) -> int:
    rate = settings.WANSHANG["POINTS_PER_YUAN"]
    return -(-fen * rate // 100)


@register_step(stage="platform", order=50, name="marketing.redeem_points")
def redeem_points(cart: PricedCart, now) -> None:
    lines = [line for line in cart.valid_lines if line.allows("points")]
    if not authenticated(cart.buyer) or not lines:
        return
    balance = points_balance(cart.context.get("marketing"), cart.buyer)
    cart.points_available = balance
    ceiling = sum(line.payable_fen for line in lines) * settings.WANSHANG["POINTS_MAX_RATIO_BPS"] // 10000
    fen = min(points_value_fen(balance), ceiling)
    cart.points_max = points_for_fen(fen) if fen > 0 else 0
    if not cart.options.use_points or fen <= 0:
        return
    adj = Adjustment(
        code="points", label=f"积分抵扣（{points_for_fen(fen)}积分）", amount_fen=fen, stage="platform"
    )
    applied = apply_discount(lines, adj, platform_bps=10000)
    if applied:
        cart.points_used = points_for_fen(applied)
        cart.adjustments.append(adj)
