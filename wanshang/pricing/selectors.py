"""The pricing pipeline's public reads: price a list of items for a buyer (with the registered steps)."""

from wanshang.pricing.engine import check_quantity, price_items

__all__ = ["check_quantity", "price_items"]
