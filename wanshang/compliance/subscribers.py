"""What the price rules record when orders change (see common/events.py)."""

from wanshang.common import events
from wanshang.common.domain_events import OrdersPaid
from wanshang.compliance.services import transaction_prices_record


def on_orders_paid(event: OrdersPaid) -> None:
    """§16: each SKU's lowest charged price of the day, the reference for later promotions."""
    transaction_prices_record(orders=event.orders, now=event.at)


SUBSCRIPTIONS = [
    (OrdersPaid, on_orders_paid, events.IN_TRANSACTION),
]
