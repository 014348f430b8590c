"""Flash-sale stock set aside (锁定库存): reserved in one warehouse from set-up until the sale ends, so normal
orders cannot take the units promised to the sale; what is left goes back to normal sale when it ends.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wanshang.inventory.services import stock_hold, stock_unhold
from wanshang.marketing.models import Promotion, PromotionItem
from wanshang.marketing.types import Kind


def hold_set_aside(*, item, reason: str) -> None:
    """Reserve the sale's stock in one warehouse (at set-up)."""
    warehouse_id = stock_hold(sku_id=item.sku_id, quantity=item.stock, reason=reason)
    PromotionItem.objects.filter(pk=item.pk).update(hold_warehouse_id=warehouse_id, held=item.stock)
    item.hold_warehouse_id, item.held = warehouse_id, item.stock


def hold_give_back(*, item_id: int, reason: str) -> int:
    """The sale is over (or its items are replaced): what is still set aside goes back to normal sale."""
    item = PromotionItem.objects.select_for_update().get(pk=item_id)
    if not item.held or item.hold_warehouse_id is None:
        return 0
    stock_unhold(sku_id=item.sku_id, warehouse_id=item.hold_warehouse_id, quantity=item.held, reason=reason)
    given = item.held
    PromotionItem.objects.filter(pk=item.pk).update(held=0)
    return given


def flash_holds_release(*, now=None) -> int:
    """Flash sales past their end give what is still set aside back to normal sale. Idempotent, catches up."""
    now = now or timezone.now()
    done = 0
    for item_id in list(
        PromotionItem.objects.filter(held__gt=0, promotion__kind=Kind.FLASH_SALE)
        .filter(Q(promotion__ends_at__lte=now) | Q(promotion__status=Promotion.Status.ENDED))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    ):
        with transaction.atomic():
            if hold_give_back(item_id=item_id, reason="秒杀结束，释放锁定"):
                done += 1
    return done
