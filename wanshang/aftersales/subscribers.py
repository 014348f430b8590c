"""What after-sales does when orders change (see common/events.py)."""

import logging

from wanshang.aftersales.models import OPEN_STATES, Case, CaseType, Refund
from wanshang.aftersales.services import refund_by_system
from wanshang.common import events
from wanshang.common.domain_events import LateShipmentDue, OrderShipping, PickupExpired
from wanshang.common.errors import Conflict, NotFound

log = logging.getLogger("wanshang.aftersales")


def on_order_shipping(event: OrderShipping) -> None:
    """An order is not shipped while a refund on it waits for the merchant, is approved or is paying out (a full
    refund shipped anyway would be paid back and the goods sent), nor while a 仅退款 case on it is open."""
    order_id = event.order.order_id
    refunds = Refund.objects.filter(order_id=order_id)
    paying = list(
        refunds.filter(status=Refund.Status.PROCESSING).values_list("case__instant_refund", flat=True)[:10]
    )
    if any(paying):
        raise Conflict("买家已极速退款，款项正在原路退回：已退款的商品不能发货")
    if paying:
        raise Conflict("该订单有退款正在原路退回，退款完成前不能发货")
    if refunds.filter(status=Refund.Status.REQUESTED).exists():
        raise Conflict("买家已申请退款，请先处理退款申请")
    if Case.objects.filter(order_id=order_id, type=CaseType.REFUND_ONLY, status__in=OPEN_STATES).exists():
        raise Conflict("买家已申请仅退款售后，请先在售后中处理")


def on_late_shipment_due(event: LateShipmentDue) -> None:
    """No late-shipment compensation when the buyer asked for their money back before the shipping deadline: the
    shop was not allowed to ship while the refund was open (the refusal exempts the order, with this reason)."""
    order_id, deadline = event.order.order_id, event.deadline
    asked = Refund.objects.filter(order_id=order_id, case__isnull=True, created_at__lt=deadline).exclude(
        status__in=[Refund.Status.WITHDRAWN, Refund.Status.REJECTED]
    )
    if asked.exists():
        raise Conflict("买家在最晚发货时间前申请了退款，商家不能发货")
    cases = Case.objects.filter(order_id=order_id, type=CaseType.REFUND_ONLY, created_at__lt=deadline)
    if cases.exclude(status__in=["cancelled", "rejected", "closed"]).exists():
        raise Conflict("买家在最晚发货时间前申请了仅退款售后，商家不能发货")


def on_pickup_expired(event: PickupExpired) -> None:
    """到店自提 not collected in time: refund the paid order in full, as a group buy that did not fill (the
    money through the gateway, retried by `refunds_retry`; the units back on hand). Idempotent: an order
    already refunded (by the buyer's request, or a first run of this handler) is left alone."""
    try:
        refund_by_system(order_id=event.order.order_id, reason="超过自提期限未提货，系统自动取消并退款")
    except (Conflict, NotFound) as exc:
        log.info("pickup of order %s expired, nothing to refund: %s", event.order.order_id, exc)


SUBSCRIPTIONS = [
    (OrderShipping, on_order_shipping, events.IN_TRANSACTION),
    (
        LateShipmentDue,
        on_late_shipment_due,
        events.IN_TRANSACTION,
    ),  # exempts an order the buyer asked to refund
    (PickupExpired, on_pickup_expired, events.AFTER_COMMIT),  # the gateway call runs outside the job's tx
]
