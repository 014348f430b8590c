"""Marketing reads for the seller center, the platform and the storefront.

Prices a buyer sees anywhere (lists, product page) come from `item_prices_for`, the same item-level step
the cart and checkout run, so a list can never show less than the product page charges (§20).
"""



from wanshang.common.errors import NotFound
from wanshang.marketing.coupons.selectors import claimed_counts, coupon_center, coupon_stats, my_coupons  # noqa: F401 (re-exported)
from wanshang.marketing.flash.selectors import (  # noqa: F401 (re-exported)
    flash_hold_warehouses,
    flash_item_get,
    flash_sale_board,
    flash_slot_get,
    flash_slots,
)
from wanshang.marketing.models import (
    GroupMember,
    GroupTeam,
    MemberLevel,
    PointsAccount,
    PointsEntry,
    PromotionItem,
)
from wanshang.marketing.promotions.selectors import (  # noqa: F401 (re-exported)
    platform_promotions,
    promotion_get,
    promotion_list,
    promotion_phase_label,
    promotion_preview,
    running_q,
)
from wanshang.marketing.promotions.storefront import (  # noqa: F401 (re-exported)
    item_prices_for,
    list_prices,
    product_promotions,
    product_tags,
)
from wanshang.marketing.steps.discounts import coupon_label, full_reduction_offer  # noqa: F401 (re-exported)
from wanshang.marketing.types import Kind
from wanshang.orders.models import OrderStatus

# --- seller center -------------------------------------------------------------------------------------------


def member_levels(*, shop) -> list[MemberLevel]:
    return list(MemberLevel.objects.for_shop(shop).order_by("rank"))


# --- storefront: prices ---------------------------------------------------------------------------------------


# --- storefront: coupons, flash sales, group buys ---------------------------------------------------------------


def group_item_get(*, item_id) -> PromotionItem:
    item = PromotionItem.objects.select_related("promotion", "sku__product").filter(
        pk=item_id, promotion__kind=Kind.GROUP_BUY).first()
    if item is None:
        raise NotFound("拼团商品不存在")
    return item


def group_team_get(*, team_id) -> GroupTeam:
    """A team and its members (shared by link: anyone may look, only logged-in buyers join)."""
    team = (GroupTeam.objects.select_related("promotion", "item__sku__product", "leader")
            .prefetch_related("members__buyer").filter(pk=team_id).first())
    if team is None:
        raise NotFound("拼团不存在")
    return team


def my_group_teams(*, buyer) -> list[GroupMember]:
    return list(GroupMember.objects.filter(buyer=buyer).select_related("team__item__sku__product", "order")
                .order_by("-id")[:50])


def points_of(*, user) -> tuple[int, list[PointsEntry]]:
    balance = PointsAccount.objects.filter(user=user).values_list("balance", flat=True).first() or 0
    return balance, list(PointsEntry.objects.filter(user=user)[:100])


# --- platform ------------------------------------------------------------------------------------------------


def failed_group_orders_to_refund(*, limit: int = 500) -> list[int]:
    """Paid orders of group-buy teams that failed, with no refund under way or done (after-sales refunds them)."""
    return list(GroupMember.objects.filter(team__status=GroupTeam.Status.FAILED, order__status=OrderStatus.PAID)
                .exclude(order__refunds__status__in=["processing", "refunded"])
                .order_by("pk").values_list("order_id", flat=True)[:limit])
