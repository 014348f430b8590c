"""What after-sales does when orders change (see common/events.py)."""

from wanshang.aftersales.models import OPEN_STATES, Case, CaseType, Refund
from wanshang.common import events
from wanshang.common.domain_events import OrderShipping
from wanshang.common.errors import Conflict


def on_order_shipping(event: OrderShipping) -> None:
    """An order is not shipped while a refund on it waits for the merchant, is approved or is paying out (a full
    refund shipped anyway would be paid back and the goods sent), nor while a 仅退款 case on it is open."""
    order_id = event.order.order_id
    refunds = Refund.objects.filter(order_id=order_id)
    if refunds.filter(status=Refund.Status.PROCESSING).exists():
        raise Conflict("该订单有退款正在原路退回，退款完成前不能发货")
    if refunds.filter(status=Refund.Status.REQUESTED).exists():
        raise Conflict("买家已申请退款，请先处理退款申请")
    if Case.objects.filter(order_id=order_id, type=CaseType.REFUND_ONLY, status__in=OPEN_STATES).exists():
        raise Conflict("买家已申请仅退款售后，请先在售后中处理")


SUBSCRIPTIONS = [
    (OrderShipping, on_order_shipping, events.IN_TRANSACTION),
]
