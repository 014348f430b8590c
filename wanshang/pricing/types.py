"""The pricing pipeline's shared types, and the hook promotion kinds plug their steps into."""

from wanshang.pricing.engine import (
    Adjustment,
    ItemPrice,
    PricedCart,
    PricedLine,
    PricingOptions,
    ShopGroup,
    apply_discount,
    register_step,
)

__all__ = [
    "Adjustment",
    "ItemPrice",
    "PricedCart",
    "PricedLine",
    "PricingOptions",
    "ShopGroup",
    "apply_discount",
    "register_step",
]
