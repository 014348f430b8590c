"""Marketing writes: set up, pause and end promotions; coupons claimed and issued; member levels; flash slots.

What happens to promotions when orders are placed, paid, cancelled, completed or refunded: `lifecycle.py`.
"""


from django.db import transaction
from django.utils import timezone

from wanshang.common.errors import Conflict, ValidationError
from wanshang.marketing.coupons.services import coupon_claim, coupon_issue, coupons_expire_cleanup  # noqa: F401 (re-exported)
from wanshang.marketing.flash.holds import flash_holds_release, hold_give_back, hold_set_aside  # noqa: F401 (re-exported)
from wanshang.marketing.flash.services import flash_buy_check, flash_slot_remove_promotion, flash_slot_save  # noqa: F401 (re-exported)
from wanshang.marketing.models import MemberLevel, Promotion
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


# --- buying at a flash-sale or group price -----------------------------------------------------------------------


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
