"""Marketing writes: set up, pause and end promotions; coupons claimed and issued; member levels; flash slots.

What happens to promotions when orders are placed, paid, cancelled, completed or refunded: `lifecycle.py`.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wanshang.marketing.coupons.services import coupon_claim, coupon_issue, coupons_expire_cleanup  # noqa: F401 (re-exported)
from wanshang.marketing.flash import gate
from wanshang.marketing.flash.holds import flash_holds_release, hold_give_back, hold_set_aside  # noqa: F401 (re-exported)
from wanshang.marketing.models import FlashSlot, MemberLevel, Promotion
from wanshang.marketing.promotions.services import (  # noqa: F401 (re-exported)
    MAX_ITEMS,
    promotion_end,
    promotion_lock,
    promotion_pause,
    promotion_resume,
    promotion_save,
    promotions_changed,
)
from wanshang.marketing.selectors import group_item_get
from wanshang.marketing.types import Kind, PromotionInput  # noqa: F401 (re-exported)

# --- member levels and flash slots ---------------------------------------------------------------------------

def member_levels_save(*, shop, levels: list[dict]) -> list[MemberLevel]:
    """Replace the shop's membership levels: [{"rank", "name", "min_spend_fen", "min_points"}], ranks 1..9."""
    if not isinstance(levels, list) or len(levels) > 9:
        raise ValidationError("最多设置 9 个会员等级", field="levels")
    cleaned = []
    for raw in levels:
        try:
            rank = int(raw["rank"])
            spend = int(raw.get("min_spend_fen") or 0)
            points = int(raw.get("min_points") or 0)
        except (KeyError, TypeError, ValueError):
            raise ValidationError("会员等级格式错误", field="levels")
        name = str(raw.get("name") or "").strip()
        if not 1 <= rank <= 9 or not 1 <= len(name) <= 20 or spend < 0 or points < 0:
            raise ValidationError("等级须为 1–9，名称 1–20 字，门槛不能为负", field="levels")
        cleaned.append((rank, name, spend, points))
    ranks = [c[0] for c in cleaned]
    if len(set(ranks)) != len(ranks):
        raise ValidationError("会员等级不能重复", field="levels")
    cleaned.sort()
    for (_, _, s1, p1), (_r2, n2, s2, p2) in zip(cleaned, cleaned[1:], strict=False):
        if s2 < s1 or p2 < p1:
            raise ValidationError(f"“{n2}”的门槛不能低于上一等级", field="levels")
    with transaction.atomic():
        MemberLevel.objects.for_shop(shop).delete()
        levels = MemberLevel.objects.bulk_create([
            MemberLevel(shop=shop, rank=r, name=n, min_spend_fen=s, min_points=p) for r, n, s, p in cleaned
        ])
        promotions_changed()
    return levels


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
            raise ValidationError("场次时间无效", field="ends_at")
    return slot


def flash_slot_remove_promotion(*, actor, promotion_id) -> Promotion:
    """The platform takes a merchant's flash sale out of its slot (ends it)."""
    if not (actor and actor.is_staff):
        raise PermissionDenied("只有平台运营可以操作")
    promo = Promotion.objects.filter(pk=promotion_id, kind=Kind.FLASH_SALE, slot__isnull=False).first()
    if promo is None:
        raise NotFound("报名记录不存在")
    return promotion_end(shop=promo.shop, promotion_id=promo.pk, actor=actor)


# --- buying at a flash-sale or group price -----------------------------------------------------------------------

_FLASH_ITEMS: dict[int, tuple[float, object]] = {}
FLASH_ITEM_TTL = 2.0  # seconds a process trusts its copy of a flash item's rules (never its stock)


def _flash_item(item_id):
    """The flash item, from a 2-second in-process copy when Redis is the gate (losers then never reach the
    database); read fresh without Redis, where the database row is the gate."""
    import time

    from wanshang.marketing.selectors import flash_item_get

    if gate.redis_client() is None:
        return flash_item_get(item_id=item_id)
    try:
        key = int(item_id)
    except (TypeError, ValueError):
        raise NotFound("秒杀商品不存在")
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
            raise Conflict("手慢了，秒杀商品已抢光")
    elif item.sold >= item.stock:
        raise Conflict("手慢了，秒杀商品已抢光")


def flash_buy_check(*, item_id, quantity: int, now=None):
    """Whether 立即抢购 may go on to checkout: the flash item, or Conflict (not started, ended, sold out).

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
        raise ValidationError("拼团编号无效", field="team_id")
    return item, team_id
