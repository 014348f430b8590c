"""Flash-sale entry points: the platform's slots (秒杀场次) merchants enrol in, whether 立即抢购 may go on to
checkout, and the units an order takes from a sale and gives back to it (through the gate in `gate.py`).
"""

import time
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from wanshang.common.errors import Conflict, NotFound, OutOfStock, PermissionDenied, ValidationError
from wanshang.marketing.flash import gate
from wanshang.marketing.flash.selectors import flash_item_get
from wanshang.marketing.models import FlashClaim, FlashSlot, Promotion, PromotionItem
from wanshang.marketing.promotions.services import promotion_end
from wanshang.marketing.types import Kind


def flash_slot_save(*, actor, name: str, starts_at, ends_at, slot_id=None, is_open: bool = True) -> FlashSlot:
    if not (actor and actor.is_staff):
        raise PermissionDenied("只有平台运营可以设置秒杀场次")
    name = (name or "").strip()
    if not 2 <= len(name) <= 40:
        raise ValidationError("场次名称须为 2–40 个字", field="name")
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise ValidationError("请填写开始和结束时间", field="starts_at")
    if ends_at <= starts_at:
        raise ValidationError("结束时间须晚于开始时间", field="ends_at")
    if ends_at - starts_at > timedelta(hours=24):
        raise ValidationError("一个秒杀场次最长 24 小时", field="ends_at")
    with transaction.atomic():
        if slot_id:
            slot = FlashSlot.objects.select_for_update().filter(pk=slot_id).first()
            if slot is None:
                raise NotFound("秒杀场次不存在")
            if slot.promotions.exists() and (slot.starts_at, slot.ends_at) != (starts_at, ends_at):
                raise Conflict("已有商家报名，不能修改场次时间")
        else:
            slot = FlashSlot(created_by=actor)
        slot.name, slot.starts_at, slot.ends_at, slot.is_open = name, starts_at, ends_at, bool(is_open)
        try:
            slot.save()
        except IntegrityError:
            raise ValidationError("场次时间无效", field="ends_at") from None
    return slot


def flash_slot_remove_promotion(*, actor, promotion_id) -> Promotion:
    """The platform takes a merchant's flash sale out of its slot (ends it)."""
    if not (actor and actor.is_staff):
        raise PermissionDenied("只有平台运营可以操作")
    promo = Promotion.objects.filter(pk=promotion_id, kind=Kind.FLASH_SALE, slot__isnull=False).first()
    if promo is None:
        raise NotFound("报名记录不存在")
    return promotion_end(shop=promo.shop, promotion_id=promo.pk, actor=actor)


# --- 立即抢购 -------------------------------------------------------------------------------------------------

_FLASH_ITEMS: dict[int, tuple[float, object]] = {}
FLASH_ITEM_TTL = 2.0  # seconds a process trusts its copy of a flash item's rules (never its stock)


def _flash_item(item_id):
    """The flash item, from a 2-second in-process copy when Redis is the gate (losers then never reach the
    database); read fresh without Redis, where the database row is the gate."""
    if gate.redis_client() is None:
        return flash_item_get(item_id=item_id)
    try:
        key = int(item_id)
    except (TypeError, ValueError):
        raise NotFound("秒杀商品不存在") from None
    hit = _FLASH_ITEMS.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    item = flash_item_get(item_id=key)
    if len(_FLASH_ITEMS) > 5000:
        _FLASH_ITEMS.clear()
    _FLASH_ITEMS[key] = (time.monotonic() + FLASH_ITEM_TTL, item)
    return item


def _fast_sold_out(item) -> None:
    """Turn most losers away before pricing anything: one Redis GET, or one indexed read."""
    client = gate.redis_client()
    if client is not None:
        left = client.get(gate.redis_keys(item)[0])
        if left is not None and int(left) <= 0:
            raise OutOfStock(gate.SOLD_OUT)
    elif item.sold >= item.stock:
        raise OutOfStock(gate.SOLD_OUT)


def flash_buy_check(*, item_id, quantity: int, now=None):
    """Whether 立即抢购 may go on to checkout: the flash item, or OutOfStock (sold out, whichever step finds
    it), Conflict (not started, ended), NotFound.

    The rules may come from a copy up to 2 s old; the checkout behind re-prices from the database, so a sale
    paused meanwhile is still refused there. Checkout's `flash_buy` calls this first.
    """
    now = now or timezone.now()
    item = _flash_item(item_id)
    promo = item.promotion
    if promo.status != Promotion.Status.ACTIVE or promo.ends_at <= now:
        raise Conflict("秒杀已结束")
    if promo.starts_at > now:
        raise Conflict("秒杀尚未开始，请在开始后抢购")
    _fast_sold_out(item)
    return item


# --- an order takes units and gives them back ---------------------------------------------------------------

FLASH_PAYMENT_MINUTES = 15


def flash_units_take(*, buyer, item_id, quantity: int, order, now, redis_claims: list) -> None:
    """An order takes flash-sale units: at the Redis gate (the claim goes into `redis_claims` at once, for the
    caller to give back if the order fails), then in the database; the order must then be paid within
    FLASH_PAYMENT_MINUTES. Raises Conflict (sold out, over the buyer's limit)."""
    item = PromotionItem.objects.select_related("promotion").get(pk=item_id)
    claim = gate.redis_claim(item=item, buyer_id=buyer.pk, quantity=quantity)
    if claim is not None:
        redis_claims.append(claim)
    gate.db_claim(item=item, buyer=buyer, quantity=quantity)
    short = now + timedelta(minutes=FLASH_PAYMENT_MINUTES)
    if order.pay_deadline > short:
        order.pay_deadline = short
        order.save(update_fields=["pay_deadline"])


def flash_units_give_back(*, order, now=None) -> set[int]:
    """A cancelled order's flash-sale units go back to the sale; returns the ids of its lines whose units went
    back into the sale's set-aside stock (`gate.db_release`)."""
    kept: set[int] = set()
    for line in order.lines.all():
        if (
            line.promotion_item_id
            and FlashClaim.objects.filter(  # only flash-sale items have claims
                item_id=line.promotion_item_id, buyer_id=order.buyer_id
            ).exists()
        ):
            if gate.db_release(
                item_id=line.promotion_item_id, buyer=order.buyer, quantity=line.quantity, now=now
            ):
                kept.add(line.pk)
    return kept
