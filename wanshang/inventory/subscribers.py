"""What inventory does when other apps change things (see common/events.py)."""

from wanshang.catalog.selectors import seller_sku_get
from wanshang.common import events
from wanshang.common.domain_events import ProductSaved, ShopOpened
from wanshang.inventory.services import stock_set_default_warehouse, warehouse_create
from wanshang.merchants.selectors import shop_get


def on_shop_opened(event: ShopOpened) -> None:
    """A new shop gets its default warehouse, in the approval's transaction."""
    warehouse_create(
        shop=shop_get(shop_id=event.shop_id), name="默认仓", district_code=None, detail="", is_default=True
    )


def on_product_saved(event: ProductSaved) -> None:
    """The on-hand figures typed into the product's SKU matrix go to the shop's default warehouse."""
    if not event.stock:
        return
    shop = shop_get(shop_id=event.shop_id)
    for row in event.stock:
        sku = seller_sku_get(shop=shop, sku_id=row.sku_id)
        stock_set_default_warehouse(
            shop=shop, sku=sku, on_hand=row.on_hand, actor=event.actor_id, reason="商品编辑"
        )


SUBSCRIPTIONS = [
    (ShopOpened, on_shop_opened, events.IN_TRANSACTION),
    (ProductSaved, on_product_saved, events.IN_TRANSACTION),
]
