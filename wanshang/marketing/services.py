"""Marketing's writes, as other apps, the faces, jobs and tests call them. Only re-exports: the code lives by
concept in the sub-packages (promotions/, coupons/, flash/, groupbuy/, loyalty/) and in lifecycle.py (what an
order does to promotions), and callers import from here so they need not know that layout.
"""

from wanshang.marketing.coupons.services import coupon_claim, coupon_issue, coupons_expire_cleanup
from wanshang.marketing.flash.gate import SOLD_OUT, redis_release
from wanshang.marketing.flash.holds import flash_holds_release
from wanshang.marketing.flash.services import flash_buy_check, flash_slot_remove_promotion, flash_slot_save
from wanshang.marketing.groupbuy.services import group_buy_check, group_teams_expire
from wanshang.marketing.lifecycle import promotions_commit
from wanshang.marketing.loyalty.services import member_levels_save, points_change
from wanshang.marketing.promotions.display import display_prices_refresh
from wanshang.marketing.promotions.services import (
    MAX_ITEMS,
    promotion_end,
    promotion_pause,
    promotion_resume,
    promotion_save,
    promotions_price_rise_patrol,
)
from wanshang.marketing.types import PromotionInput

__all__ = [
    "SOLD_OUT",
    # promotions: set up, edit before the start, pause, resume, end
    "MAX_ITEMS",
    "PromotionInput",
    "promotion_end",
    "promotion_pause",
    "promotion_resume",
    "promotion_save",
    "promotions_price_rise_patrol",
    # display prices written again for some products (a safe repair)
    "display_prices_refresh",
    # coupons
    "coupon_claim",
    "coupon_issue",
    "coupons_expire_cleanup",
    # flash sales
    "flash_buy_check",
    "flash_holds_release",
    "flash_slot_remove_promotion",
    "flash_slot_save",
    "redis_release",
    # group buys
    "group_buy_check",
    "group_teams_expire",
    # points and member levels
    "member_levels_save",
    "points_change",
    # an order placed with the priced cart
    "promotions_commit",
]
