"""The marketing steps of the pricing pipeline (see `promotions/kinds.py` for the stacking policy).

    item stage   `items.item_prices`         lowest item-level price per line; then bundles on lines without one
    shop stage   `discounts.best_discounts`  the best allowed mix of 满减, shop coupons and one platform coupon
    platform     `points.redeem_points`      points the buyer chose to use

Everything a step needs is loaded once per cart (`context.load_context`), a handful of queries whatever the
cart size; the choice itself is pure computation (`discounts.choose`), which is what the property tests drive.
Importing this package registers the three steps with `pricing.engine` (MarketingConfig.ready does).
"""

from wanshang.marketing.steps import discounts, items, points  # noqa: F401  (importing registers the steps)
