"""Reads of flash sales: the storefront's board of sessions running now or soon, one flash item, where each
item's stock is set aside, and the platform's slots.
"""

from datetime import timedelta

from django.utils import timezone

from wanshang.common.errors import NotFound
from wanshang.marketing.models import FlashSlot, Promotion, PromotionItem
from wanshang.marketing.types import Kind


def flash_sale_board(*, now=None) -> list[dict]:
    """Flash sales running now or starting within 24 hours, grouped by start time, with what is left."""
    now = now or timezone.now()
    items = (
        PromotionItem.objects.filter(
            promotion__kind=Kind.FLASH_SALE,
            promotion__status=Promotion.Status.ACTIVE,
            promotion__ends_at__gt=now,
            promotion__starts_at__lte=now + timedelta(hours=24),
            promotion__shop__status="open",
        )
        .select_related("promotion__slot", "sku__product")
        .order_by("promotion__starts_at", "id")[:200]
    )
    sessions: dict = {}
    for item in items:
        promo = item.promotion
        key = (promo.starts_at, promo.ends_at)
        s = sessions.setdefault(
            key,
            {
                "starts_at": promo.starts_at,
                "ends_at": promo.ends_at,
                "name": promo.slot.name if promo.slot else "",
                "running": promo.starts_at <= now,
                "items": [],
            },
        )
        s["items"].append(
            {
                "item": item,
                "sku": item.sku,
                "product": item.sku.product,
                "left": item.stock - item.sold,
                "sold_out": item.sold >= item.stock,
            }
        )
    return list(sessions.values())


def flash_item_get(*, item_id) -> PromotionItem:
    item = (
        PromotionItem.objects.select_related("promotion", "sku__product")
        .filter(pk=item_id, promotion__kind=Kind.FLASH_SALE)
        .first()
    )
    if item is None:
        raise NotFound("秒杀商品不存在")
    return item


def flash_hold_warehouses(*, item_ids) -> dict[int, int | None]:
    """Where each flash-sale item's stock is set aside."""
    return dict(PromotionItem.objects.filter(pk__in=list(item_ids)).values_list("pk", "hold_warehouse_id"))


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
