"""Marketing's reads, as other apps and the faces call them. Only re-exports (see services.py): the code lives
by concept in the sub-packages. Prices a buyer sees anywhere (lists, product page) come from `item_prices_for`,
the same item-level step the cart and checkout run, so a list can never show less than checkout charges (§20).
"""

from wanshang.marketing.coupons.selectors import claimed_counts, coupon_center, coupon_stats, my_coupons
from wanshang.marketing.flash.selectors import (
    flash_hold_warehouses,
    flash_item_get,
    flash_sale_board,
    flash_slot_get,
    flash_slots,
)
from wanshang.marketing.groupbuy.selectors import (
    failed_group_orders_to_refund,
    group_item_get,
    group_team_get,
    my_group_teams,
)
from wanshang.marketing.loyalty.selectors import member_levels, points_of, points_returned
from wanshang.marketing.promotions.kinds import yuan
from wanshang.marketing.promotions.selectors import (
    platform_promotions,
    promotion_get,
    promotion_list,
    promotion_phase_label,
    promotion_preview,
    upcoming_campaigns,
)
from wanshang.marketing.promotions.stacking import promotion_stacking_preview
from wanshang.marketing.promotions.storefront import (
    card_prices,
    item_prices_for,
    list_prices,
    product_promotions,
    product_tags,
    running_item_skus,
    sku_prices,
)
from wanshang.marketing.steps.discounts import coupon_label

__all__ = [
    # promotions: the seller center's and the platform's
    "platform_promotions",
    "promotion_get",
    "promotion_list",
    "promotion_phase_label",
    "promotion_preview",
    "promotion_stacking_preview",
    "upcoming_campaigns",
    # what buyers see: prices, tags, the product page's offers
    "card_prices",
    "item_prices_for",
    "list_prices",
    "product_promotions",
    "product_tags",
    "running_item_skus",
    "sku_prices",
    # coupons
    "claimed_counts",
    "coupon_center",
    "coupon_label",
    "coupon_stats",
    "my_coupons",
    # flash sales
    "flash_hold_warehouses",
    "flash_item_get",
    "flash_sale_board",
    "flash_slot_get",
    "flash_slots",
    # group buys
    "failed_group_orders_to_refund",
    "group_item_get",
    "group_team_get",
    "my_group_teams",
    # points and member levels
    "member_levels",
    "points_of",
    "points_returned",
    # how promotion names write an amount: 300, 38.5, 0.01
    "yuan",
]
