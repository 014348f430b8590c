"""What promotions do when orders change (see common/events.py and the give-back rules in lifecycle.py)."""

from wanshang.common import events
from wanshang.common.domain_events import (
    LateShipmentCompensated,
    OrderCancelled,
    OrderCompleted,
    OrderShipping,
    OrdersPaid,
    ProductSaved,
    RefundCompleted,
    ReturnFreightCompensated,
    SkuPriceChanged,
)
from wanshang.common.errors import Conflict
from wanshang.inventory.services import Allocation, stock_release
from wanshang.marketing.groupbuy.services import orders_paid, shipping_blocked_reason
from wanshang.marketing.lifecycle import order_released
from wanshang.marketing.loyalty.services import (
    earned_points_reverse,
    late_shipment_compensate,
    order_completed,
    partial_refund_released,
    return_freight_compensate,
)
from wanshang.marketing.promotions.display import refresh_products
from wanshang.orders.selectors import order_get


def on_orders_paid(event: OrdersPaid) -> None:
    orders_paid(order_ids=[o.order_id for o in event.orders], now=event.at)


def on_order_cancelled(event: OrderCancelled) -> None:
    """Give back what the order took; flash-sale units go back to the sale (still set aside) when they can,
    and the other promotion lines' units back to normal stock (orders released the lines without one)."""
    order = order_get(order_id=event.order.order_id)
    kept = order_released(order=order, now=event.at)
    allocations = [
        Allocation(sku_id=line.sku_id, warehouse_id=w, quantity=q)
        for line in order.lines.all()
        if line.promotion_item_id and line.pk not in kept
        for w, q in line.allocations
    ]
    if allocations:
        stock_release(allocations=allocations, order_id=order.pk, actor=event.actor_id, reason=event.reason)


def on_order_shipping(event: OrderShipping) -> None:
    blocked = shipping_blocked_reason(order_id=event.order.order_id)
    if blocked:
        raise Conflict(blocked)


def on_order_completed(event: OrderCompleted) -> None:
    order_completed(order=order_get(order_id=event.order.order_id))


def on_late_shipment_compensated(event: LateShipmentCompensated) -> None:
    late_shipment_compensate(order=order_get(order_id=event.order.order_id), points=event.points)


def on_return_freight_compensated(event: ReturnFreightCompensated) -> None:
    return_freight_compensate(
        order=order_get(order_id=event.order.order_id), case_no=event.case_no, points=event.points
    )


def on_refund_completed(event: RefundCompleted) -> None:
    order = order_get(order_id=event.order.order_id)
    if event.is_full:
        order_released(order=order, refunded=True)
    else:
        partial_refund_released(order=order, refund_no=event.refund_no, refund_id=event.refund_id)
    earned_points_reverse(order=order, refund_no=event.refund_no, refund_id=event.refund_id)


def on_product_saved(event: ProductSaved) -> None:
    """Its SKUs, prices or category may have changed: price it again for lists and the product page."""
    refresh_products(shop_id=event.shop_id, product_ids=[event.product_id], now=event.at)


def on_sku_price_changed(event: SkuPriceChanged) -> None:
    refresh_products(shop_id=event.shop_id, product_ids=[event.product_id], now=event.at)


SUBSCRIPTIONS = [
    (OrdersPaid, on_orders_paid, events.IN_TRANSACTION),  # group-buy progress
    (OrderCancelled, on_order_cancelled, events.IN_TRANSACTION),  # coupons, points, flash units, team places
    (OrderShipping, on_order_shipping, events.IN_TRANSACTION),  # no shipping before a group buy completes
    (OrderCompleted, on_order_completed, events.IN_TRANSACTION),  # points earned
    (LateShipmentCompensated, on_late_shipment_compensated, events.IN_TRANSACTION),  # the buyer's points
    (ReturnFreightCompensated, on_return_freight_compensated, events.IN_TRANSACTION),  # the buyer's points
    (RefundCompleted, on_refund_completed, events.IN_TRANSACTION),  # coupons and points back
    # display prices move with the price, in its transaction: a list never shows a price checkout won't charge
    (ProductSaved, on_product_saved, events.IN_TRANSACTION),
    (SkuPriceChanged, on_sku_price_changed, events.IN_TRANSACTION),
]
