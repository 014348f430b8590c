"""Marketing reads for the seller center, the platform and the storefront.

Prices a buyer sees anywhere (lists, product page) come from `item_prices_for`, the same item-level step
the cart and checkout run, so a list can never show less than the product page charges (§20).
"""


from django.utils import timezone

from wanshang.common.errors import NotFound
from wanshang.marketing.coupons.selectors import claimed_counts, coupon_center, coupon_stats, my_coupons  # noqa: F401 (re-exported)
from wanshang.marketing.models import (
    FlashSlot,
    GroupMember,
    GroupTeam,
    MemberLevel,
    PointsAccount,
    PointsEntry,
    Promotion,
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


def flash_sale_board(*, now=None) -> list[dict]:
    """Flash sales running now or starting within 24 hours, grouped by start time, with what is left."""
    from datetime import timedelta

    now = now or timezone.now()
    items = (PromotionItem.objects.filter(promotion__kind=Kind.FLASH_SALE, promotion__status=Promotion.Status.ACTIVE,
                                          promotion__ends_at__gt=now, promotion__starts_at__lte=now + timedelta(hours=24),
                                          promotion__shop__status="open")
             .select_related("promotion__slot", "sku__product").order_by("promotion__starts_at", "id")[:200])
    sessions: dict = {}
    for item in items:
        promo = item.promotion
        key = (promo.starts_at, promo.ends_at)
        s = sessions.setdefault(key, {"starts_at": promo.starts_at, "ends_at": promo.ends_at,
                                      "name": promo.slot.name if promo.slot else "", "running": promo.starts_at <= now,
                                      "items": []})
        s["items"].append({"item": item, "sku": item.sku, "product": item.sku.product, "left": item.stock - item.sold,
                           "sold_out": item.sold >= item.stock})
    return list(sessions.values())


def flash_item_get(*, item_id) -> PromotionItem:
    item = PromotionItem.objects.select_related("promotion", "sku__product").filter(
        pk=item_id, promotion__kind=Kind.FLASH_SALE).first()
    if item is None:
        raise NotFound("秒杀商品不存在")
    return item


def flash_hold_warehouses(*, item_ids) -> dict[int, int | None]:
    """Where each flash-sale item's stock is set aside."""
    return dict(PromotionItem.objects.filter(pk__in=list(item_ids)).values_list("pk", "hold_warehouse_id"))


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


def flash_slots(*, upcoming_only: bool = False, now=None) -> list[FlashSlot]:
    now = now or timezone.now()
    qs = FlashSlot.objects.all()
    if upcoming_only:
        qs = qs.filter(ends_at__gt=now)
    return list(qs.prefetch_related("promotions__shop").order_by("starts_at")[:200])


def flash_slot_get(*, slot_id) -> FlashSlot:
    slot = FlashSlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("秒杀场次不存在")
    return slot


def failed_group_orders_to_refund(*, limit: int = 500) -> list[int]:
    """Paid orders of group-buy teams that failed, with no refund under way or done (after-sales refunds them)."""
    return list(GroupMember.objects.filter(team__status=GroupTeam.Status.FAILED, order__status=OrderStatus.PAID)
                .exclude(order__refunds__status__in=["processing", "refunded"])
                .order_by("pk").values_list("order_id", flat=True)[:limit])
