"""What orders do to promotions: placed (coupons used, flash stock and points taken, group joined), paid
(group progress), cancelled or refunded (given back by the rules below), completed (points earned).

Give-back rules (shown to buyers on the coupon and points pages):
- Points spent on an order come back in full when that order is cancelled or refunded.
- A shop coupon comes back when its order is cancelled or refunded; a platform coupon when every order it
  was spread over is. A coupon that comes back keeps its own validity (an expired one stays expired).
- Flash-sale units go back to the flash stock; a buyer's per-person count goes down with them.
- Points earned on a completed order are not taken back (refunds happen before completion here).
Every function runs inside the caller's transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from wanshang.common.errors import Conflict, InvalidTransition, NotFound, ValidationError
from wanshang.common.money import allocate
from wanshang.marketing.coupons.services import coupons_give_back, coupons_use
from wanshang.marketing.flash.services import flash_units_give_back, flash_units_take
from wanshang.marketing.models import (
    GroupMember,
    GroupTeam,
    PointsAccount,
    PointsEntry,
    PromotionItem,
)
from wanshang.marketing.types import Kind
from wanshang.orders.models import OrderStatus
from wanshang.orders.services import order_cancel

# --- points ledger ---------------------------------------------------------------------------------------------

def points_change(*, user, delta: int, reason: str, order=None, note: str = "", ref: str = "") -> PointsEntry | None:
    """Add (or with a negative delta, take) points; the balance never goes below zero.

    `ref` ("earn:<order id>", "refund:<refund id>" …) makes an entry happen once however often it is called.
    """
    if delta == 0:
        return None
    if ref and PointsEntry.objects.filter(ref=ref).exists():
        return None
    PointsAccount.objects.get_or_create(user=user)
    qs = PointsAccount.objects.filter(user=user)
    if delta < 0:
        qs = qs.filter(balance__gte=-delta)
    if not qs.update(balance=F("balance") + delta):
        raise Conflict("积分余额不足，请刷新后重试")
    balance = PointsAccount.objects.get(user=user).balance
    return PointsEntry.objects.create(user=user, delta=delta, balance_after=balance, reason=reason, order=order,
                                      note=note[:100], ref=ref)


def points_returned(*, order) -> int:
    return sum(PointsEntry.objects.filter(order=order, reason="return").values_list("delta", flat=True))


# --- placing ---------------------------------------------------------------------------------------------------

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
            flash_units_take(buyer=buyer, item_id=info.item_id, quantity=line.quantity,
                             order=by_shop[line.product.shop_id], now=now, redis_claims=redis_claims)
        elif info.kind == Kind.GROUP_BUY:
            _group_join(buyer=buyer, line=line, order=by_shop[line.product.shop_id],
                        team_id=cart.options.group_buy.get(line.sku_id) or 0, now=now)
    if cart.points_used:
        points_change(user=buyer, delta=-cart.points_used, reason="redeem", note=f"支付单 {payment.no} 抵扣")


def _group_join(*, buyer, line, order, team_id: int, now) -> GroupMember:
    item = PromotionItem.objects.select_related("promotion").get(pk=line.item_price.item_id)
    promo = item.promotion
    if team_id:
        team = GroupTeam.objects.select_for_update().filter(pk=team_id, item=item).first()
        if team is None:
            raise NotFound("拼团不存在")
        if team.status != GroupTeam.Status.OPEN or team.expires_at <= now:
            raise Conflict("该团已结束，请开一个新团")
        if GroupMember.objects.filter(team=team, buyer=buyer).exists():
            raise Conflict("您已在这个团里")
        if GroupMember.objects.filter(team=team).count() >= team.size:
            raise Conflict("该团人数已满，请开一个新团或加入其他团")
    else:
        hours = promo.config["hours"]
        team = GroupTeam.objects.create(promotion=promo, shop_id=promo.shop_id, item=item, leader=buyer,
                                        size=promo.config["size"], expires_at=min(now + timedelta(hours=hours),
                                                                                  promo.ends_at))
    if order.pay_deadline > team.expires_at:  # nobody pays into a team after its time is up
        order.pay_deadline = team.expires_at
        order.save(update_fields=["pay_deadline"])
    return GroupMember.objects.create(team=team, shop_id=team.shop_id, buyer=buyer, order=order)


# --- paid, completed --------------------------------------------------------------------------------------------

def orders_paid(*, order_ids, now=None) -> None:
    """Group-buy members who paid count towards their team; the team completes at its size before it expires.

    A payment after the team's time ran out does not complete it (whether or not `group_teams_expire` has run yet):
    the job fails the team and refunds every paid member.
    """
    now = now or timezone.now()
    for member in GroupMember.objects.filter(order__in=list(order_ids), paid=False).order_by("team_id"):
        team = GroupTeam.objects.select_for_update().get(pk=member.team_id)
        member.paid = True
        member.save(update_fields=["paid"])
        team.paid_count += 1
        if team.paid_count >= team.size and team.status == GroupTeam.Status.OPEN and now < team.expires_at:
            team.status, team.completed_at = GroupTeam.Status.COMPLETE, now
        team.save(update_fields=["paid_count", "status", "completed_at"])


def order_completed(*, order) -> None:
    """Points earned: POINTS_EARN_PER_YUAN per whole yuan the buyer paid for goods (freight excluded)."""
    goods_paid = order.total_fen - order.freight_fen
    points = goods_paid // 100 * settings.WANSHANG["POINTS_EARN_PER_YUAN"]
    if points > 0:
        points_change(user=order.buyer, delta=points, reason="earn", order=order, note=f"订单 {order.no} 完成",
                      ref=f"earn:{order.pk}")


def shipping_blocked_reason(*, order_id) -> str:
    """Why a paid order may not ship yet ('' if it may): a group buy that has not completed."""
    member = GroupMember.objects.filter(order_id=order_id).select_related("team").first()
    if member and member.team.status != GroupTeam.Status.COMPLETE:
        return "拼团尚未成功，成团后才能发货"
    return ""


# --- cancelled or refunded ---------------------------------------------------------------------------------------

def order_released(*, order, refunded: bool = False, now=None) -> set[int]:
    """Give back what the order took (see the module rules). Idempotent.

    Returns the ids of flash-sale lines whose reserved units went back into the sale's set-aside stock (the
    caller must not release those to normal stock). A refund leaves flash units with normal stock.
    """
    kept = set() if refunded else flash_units_give_back(order=order, now=now)
    left = order.points_used - points_returned(order=order)
    if left > 0:
        points_change(user=order.buyer, delta=left, reason="return", order=order,
                      note=f"订单 {order.no} {'退款' if refunded else '取消'}退回", ref=f"return:{order.pk}")
    coupons_give_back(order=order)
    if not refunded:
        GroupMember.objects.filter(order=order, paid=False).delete()  # frees the place in the team
    return kept


def partial_refund_released(*, order, refund_no: str, refund_id: int) -> None:
    """A partial refund: the points spent come back in proportion to the goods refunded so far (coupons stay used
    until the whole order is refunded)."""
    if not order.points_used:
        return
    goods_total = sum(order.lines.values_list("payable_fen", flat=True))
    refunded_goods = sum(order.lines.values_list("refunded_fen", flat=True))  # includes this refund
    due = allocate(order.points_used, [refunded_goods, max(goods_total - refunded_goods, 0)])[0]
    give = due - points_returned(order=order)
    if give > 0:
        points_change(user=order.buyer, delta=give, reason="return", order=order,
                      note=f"退款 {refund_no} 按比例退回", ref=f"refund:{refund_id}")


# --- group buys that did not fill ---------------------------------------------------------------------------------

def group_teams_expire(*, now=None) -> int:
    """Teams past their time without enough payers fail, and their unpaid orders are cancelled. Their paid
    orders are refunded by after-sales (`aftersales.services.group_refunds_due`, its own job).

    Works from state, so it is idempotent and catches up.
    """
    now = now or timezone.now()
    failed = GroupTeam.objects.filter(status=GroupTeam.Status.OPEN, expires_at__lte=now).update(
        status=GroupTeam.Status.FAILED)
    unpaid = (GroupMember.objects.filter(team__status=GroupTeam.Status.FAILED,
                                         order__status=OrderStatus.PENDING_PAYMENT)
              .order_by("pk").values_list("order_id", flat=True)[:500])
    for order_id in list(unpaid):
        try:
            order_cancel(order_id=order_id, actor_kind="system", reason="拼团未成功，订单自动取消", now=now)
        except (InvalidTransition, Conflict, ValidationError, NotFound):
            continue
    return failed
