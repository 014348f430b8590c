"""What after-sales does when orders change (see common/events.py)."""

from wanshang.aftersales.models import Refund
from wanshang.common import events
from wanshang.common.domain_events import OrderShipping
from wanshang.common.errors import Conflict


def on_order_shipping(event: OrderShipping) -> None:
    """An order with an open refund request is not shipped until the merchant has answered it."""
    if Refund.objects.filter(order_id=event.order.order_id, status=Refund.Status.REQUESTED).exists():
        raise Conflict("买家已申请退款，请先处理退款申请")


SUBSCRIPTIONS = [
    (OrderShipping, on_order_shipping, events.IN_TRANSACTION),
]
