"""淘宝客's reactions to order changes, inside the order's transaction (commission money must agree with the
order): attribution at payment, confirmation at receipt, invalid on cancellation, lowered or clawed back on a
refund."""

from wanshang.affiliates.services import (
    clicks_forget,
    commission_attribute,
    commission_cancel,
    commission_confirm,
    commission_refund,
)
from wanshang.common import events
from wanshang.common.domain_events import (
    BuyerDataDeleted,
    OrderCancelled,
    OrderCompleted,
    OrderReceived,
    OrdersPaid,
    RefundCompleted,
)


def on_orders_paid(event: OrdersPaid) -> None:
    """Each paid order goes to the last affiliate click of its visitor on its shop within the window."""
    for order in event.orders:
        commission_attribute(order=order, at=event.at)


def on_order_received(event: OrderReceived) -> None:
    commission_confirm(order_id=event.order.order_id, at=event.at)


def on_order_completed(event: OrderCompleted) -> None:
    """Completion follows receipt; confirming again does nothing (a pickup's 核销 publishes both too)."""
    commission_confirm(order_id=event.order.order_id, at=event.at)


def on_order_cancelled(event: OrderCancelled) -> None:
    commission_cancel(order_id=event.order.order_id, reason="订单已取消")


def on_refund_completed(event: RefundCompleted) -> None:
    commission_refund(order=event.order, refund_no=event.refund_no, is_full=event.is_full, at=event.at)


def on_buyer_data_deleted(event: BuyerDataDeleted) -> None:
    """A buyer's data deletion: their affiliate clicks lose the user and browser link."""
    clicks_forget(user_id=event.user_id, visitors=event.visitors)


SUBSCRIPTIONS = [
    (OrdersPaid, on_orders_paid, events.IN_TRANSACTION),
    (OrderReceived, on_order_received, events.IN_TRANSACTION),
    (OrderCompleted, on_order_completed, events.IN_TRANSACTION),
    (OrderCancelled, on_order_cancelled, events.IN_TRANSACTION),
    (RefundCompleted, on_refund_completed, events.IN_TRANSACTION),
    (BuyerDataDeleted, on_buyer_data_deleted, events.IN_TRANSACTION),
]
