"""What search does when other apps change things: reindex after commit (retried by the outbox, never lost)."""

from wanshang.common import events
from wanshang.common.domain_events import (
    OrderCancelled,
    OrdersPaid,
    ProductRatingChanged,
    ProductSaved,
    ProductStatusChanged,
    ShopChanged,
    SkuPriceChanged,
)
from wanshang.search.services import index_products, index_shop


def on_product_saved(event: ProductSaved) -> None:
    index_products(product_ids=[event.product_id])


def on_product_status_changed(event: ProductStatusChanged) -> None:
    index_products(product_ids=event.product_ids)


def on_price_changed(event: SkuPriceChanged) -> None:
    index_products(product_ids=[event.product_id])


def on_shop_changed(event: ShopChanged) -> None:
    index_shop(shop_id=event.shop_id)


def on_orders_paid(event: OrdersPaid) -> None:
    """Sales counts (the 综合 and 销量 sorts) and stock (有货) moved."""
    index_products(product_ids={line.product_id for order in event.orders for line in order.lines})


def on_order_cancelled(event: OrderCancelled) -> None:
    """Stock came back: a sold-out product may be in stock again."""
    index_products(product_ids={line.product_id for line in event.order.lines})


def on_product_rating_changed(event: ProductRatingChanged) -> None:
    """A review moved the product's rating: its rating and 综合 popularity in the index."""
    index_products(product_ids=[event.product_id])


SUBSCRIPTIONS = [
    (ProductSaved, on_product_saved, events.AFTER_COMMIT),
    (ProductStatusChanged, on_product_status_changed, events.AFTER_COMMIT),
    (SkuPriceChanged, on_price_changed, events.AFTER_COMMIT),
    (ShopChanged, on_shop_changed, events.AFTER_COMMIT),
    (OrdersPaid, on_orders_paid, events.AFTER_COMMIT),
    (OrderCancelled, on_order_cancelled, events.AFTER_COMMIT),
    (ProductRatingChanged, on_product_rating_changed, events.AFTER_COMMIT),
]
