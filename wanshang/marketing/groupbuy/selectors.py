"""Reads of group buys: the group item, a team and its members (shared by link), a buyer's teams, and the paid
orders of failed teams that after-sales refunds.
"""

from wanshang.common.errors import NotFound
from wanshang.marketing.models import GroupMember, GroupTeam, PromotionItem
from wanshang.marketing.types import Kind
from wanshang.orders.types import OrderStatus


def group_item_get(*, item_id) -> PromotionItem:
    item = (
        PromotionItem.objects.select_related("promotion", "sku__product")
        .filter(pk=item_id, promotion__kind=Kind.GROUP_BUY)
        .first()
    )
    if item is None:
        raise NotFound("拼团商品不存在")
    return item


def group_team_get(*, team_id) -> GroupTeam:
    """A team and its members (shared by link: anyone may look, only logged-in buyers join)."""
    team = (
        GroupTeam.objects.select_related("promotion", "item__sku__product", "leader")
        .prefetch_related("members__buyer")
        .filter(pk=team_id)
        .first()
    )
    if team is None:
        raise NotFound("拼团不存在")
    return team


def my_group_teams(*, buyer) -> list[GroupMember]:
    return list(
        GroupMember.objects.filter(buyer=buyer)
        .select_related("team__item__sku__product", "order")
        .order_by("-id")[:50]
    )


def failed_group_orders_to_refund(*, limit: int = 500) -> list[int]:
    """Paid orders of group-buy teams that failed, with no refund under way or done (after-sales refunds them)."""
    return list(
        GroupMember.objects.filter(team__status=GroupTeam.Status.FAILED, order__status=OrderStatus.PAID)
        .exclude(order__refunds__status__in=["processing", "refunded"])
        .order_by("pk")
        .values_list("order_id", flat=True)[:limit]
    )
