"""What orders does when other apps change things (see common/events.py)."""

from wanshang.common import events
from wanshang.common.domain_events import PaymentSucceeded
from wanshang.orders.services import orders_mark_paid


def on_payment_succeeded(event: PaymentSucceeded) -> None:
    """The payment's pending orders become paid, in the payment's transaction (its row is locked). A payment
    for something else (an ad account top-up) has no orders and is not ours: ignored, never refunded."""
    if event.purpose != "order":
        return
    orders_mark_paid(
        payment_id=event.payment_id, amount_fen=event.amount_fen, gateway=event.gateway, now=event.at
    )


SUBSCRIPTIONS = [
    (PaymentSucceeded, on_payment_succeeded, events.IN_TRANSACTION),
]
