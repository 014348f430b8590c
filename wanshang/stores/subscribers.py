"""What the stores app does when orders change (see common/events.py)."""

from wanshang.common import events
from wanshang.common.domain_events import OrderCancelled, OrdersPaid, RefundCompleted
from wanshang.stores.services import pickup_close, pickups_paid


def on_orders_paid(event: OrdersPaid) -> None:
    """A paid pickup order gets its pickup code and deadline, in the payment's transaction."""
    pickups_paid(order_ids=[o.order_id for o in event.orders], now=event.at)


def on_order_cancelled(event: OrderCancelled) -> None:
    pickup_close(order_id=event.order.order_id, now=event.at)


def on_refund_completed(event: RefundCompleted) -> None:
    """Refunded in full (the buyer's refund, the expiry job's): the code no longer opens anything."""
    if event.is_full:
        pickup_close(order_id=event.order.order_id, now=event.at)


SUBSCRIPTIONS = [
    (OrdersPaid, on_orders_paid, events.IN_TRANSACTION),  # the pickup code
    (OrderCancelled, on_order_cancelled, events.IN_TRANSACTION),
    (RefundCompleted, on_refund_completed, events.IN_TRANSACTION),
]
