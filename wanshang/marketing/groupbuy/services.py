"""Group buys (拼团): whether a buyer may go on to checkout, joining or opening a team with the order, progress
as members pay, no shipping before the team completes, and teams that did not fill in time failing.
"""

from datetime import timedelta

from django.utils import timezone

from wanshang.common.errors import Conflict, InvalidTransition, NotFound, ValidationError
from wanshang.marketing.groupbuy.selectors import group_item_get
from wanshang.marketing.models import GroupMember, GroupTeam, Promotion, PromotionItem
from wanshang.orders.services import order_cancel
from wanshang.orders.types import OrderStatus


def group_buy_check(*, item_id, quantity: int, team_id=None, now=None):
    """Whether a group buy may go on to checkout: (the group item, the team id or 0 for a new team).

    Raises Conflict (not running), ValidationError (over the per-buyer limit, bad team id), NotFound.
    """
    now = now or timezone.now()
    item = group_item_get(item_id=item_id)
    promo = item.promotion
    if promo.status != Promotion.Status.ACTIVE or not promo.starts_at <= now < promo.ends_at:
        raise Conflict("拼团活动未在进行中")
    if promo.per_buyer_limit and quantity > promo.per_buyer_limit:
        raise ValidationError(f"拼团每人限购 {promo.per_buyer_limit} 件", field="quantity")
    try:
        team_id = int(team_id) if team_id not in (None, "", 0, "0") else 0
    except (TypeError, ValueError):
        raise ValidationError("拼团编号无效", field="team_id") from None
    return item, team_id


def group_join(*, buyer, line, order, team_id: int, now) -> GroupMember:
    """The buyer joins the team (`team_id`) or opens a new one; the order must be paid before the team expires.

    Raises NotFound (no such team), Conflict (the team ended, is full, or already has this buyer)."""
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
        team = GroupTeam.objects.create(
            promotion=promo,
            shop_id=promo.shop_id,
            item=item,
            leader=buyer,
            size=promo.config["size"],
            expires_at=min(now + timedelta(hours=hours), promo.ends_at),
        )
    if order.pay_deadline > team.expires_at:  # nobody pays into a team after its time is up
        order.pay_deadline = team.expires_at
        order.save(update_fields=["pay_deadline"])
    return GroupMember.objects.create(team=team, shop_id=team.shop_id, buyer=buyer, order=order)


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


def shipping_blocked_reason(*, order_id) -> str:
    """Why a paid order may not ship yet ('' if it may): a group buy that has not completed."""
    member = GroupMember.objects.filter(order_id=order_id).select_related("team").first()
    if member and member.team.status != GroupTeam.Status.COMPLETE:
        return "拼团尚未成功，成团后才能发货"
    return ""


def group_places_free(*, order) -> None:
    """A cancelled order frees its place in the team (a paid member stays: a refund leaves the team as it is)."""
    GroupMember.objects.filter(order=order, paid=False).delete()


def group_teams_expire(*, now=None) -> int:
    """Teams past their time without enough payers fail, and their unpaid orders are cancelled. Their paid
    orders are refunded by after-sales (`aftersales.services.group_refunds_due`, its own job).

    Works from state, so it is idempotent and catches up.
    """
    now = now or timezone.now()
    failed = GroupTeam.objects.filter(status=GroupTeam.Status.OPEN, expires_at__lte=now).update(
        status=GroupTeam.Status.FAILED
    )
    unpaid = (
        GroupMember.objects.filter(
            team__status=GroupTeam.Status.FAILED, order__status=OrderStatus.PENDING_PAYMENT
        )
        .order_by("pk")
        .values_list("order_id", flat=True)[:500]
    )
    for order_id in list(unpaid):
        try:
            order_cancel(order_id=order_id, actor_kind="system", reason="拼团未成功，订单自动取消", now=now)
        except (InvalidTransition, Conflict, ValidationError, NotFound):
            continue
    return failed
