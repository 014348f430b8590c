"""What the catalog does when other apps change things (see common/events.py)."""

from wanshang.catalog.services import image_problems_for_asset_refresh, listings_changed, product_sales_add
from wanshang.common import events
from wanshang.common.domain_events import ImageDeclarationChanged, OrdersPaid, ShopChanged


def on_orders_paid(event: OrdersPaid) -> None:
    """Denormalised sales counts (list sorting), with the payment."""
    sales: dict[int, int] = {}
    for order in event.orders:
        for line in order.lines:
            sales[line.product_id] = sales.get(line.product_id, 0) + line.quantity
    product_sales_add(product_quantities=sales)


def on_shop_changed(event: ShopChanged) -> None:
    """Product cards show the shop's name and hide a suspended shop's goods: drop the cached lists."""
    listings_changed()


def on_image_declaration_changed(event: ImageDeclarationChanged) -> None:
    """A logo/portrait declaration changed: the products showing the picture open or close that problem with
    the change (so a rejection is a problem the moment it is decided)."""
    image_problems_for_asset_refresh(shop_id=event.shop_id, asset_id=event.asset_id)


SUBSCRIPTIONS = [
    (OrdersPaid, on_orders_paid, events.IN_TRANSACTION),
    (ShopChanged, on_shop_changed, events.AFTER_COMMIT),
    (ImageDeclarationChanged, on_image_declaration_changed, events.IN_TRANSACTION),
]
