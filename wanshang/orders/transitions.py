"""The order state machine: the one place that changes `Order.status`, and logs it in the same transaction."""

from django.utils import timezone

from wanshang.common.errors import InvalidTransition
from wanshang.orders.models import Order, OrderEvent, OrderStatus

S = OrderStatus

ALLOWED: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.PAID, S.CANCELLED},
    # A pickup order (`is_pickup`) is received without shipping, when the store verifies its code; the
    # other orders are shipped first (checked in `transition`).
    S.PAID: {S.SHIPPED, S.RECEIVED, S.REFUNDED},
    # An after-sales case may refund the last units of a delivered order (退货退款, 仅退款 agreed without return).
    S.SHIPPED: {S.RECEIVED, S.REFUNDED},
    S.RECEIVED: {S.COMPLETED, S.REFUNDED},
    S.COMPLETED: {S.REFUNDED},
    S.CANCELLED: set(),
    S.REFUNDED: set(),
}

TIMESTAMP = {
    S.PAID: "paid_at",
    S.SHIPPED: "shipped_at",
    S.RECEIVED: "received_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "cancelled_at",
    S.REFUNDED: "refunded_at",
}


def transition(
    order: Order,
    to: str,
    *,
    actor=None,
    actor_kind: str,
    note: str = "",
    now=None,
    extra_fields: dict | None = None,
) -> Order:
    """Move a locked order to `to`. Raises InvalidTransition with a message naming both states."""
    current = order.status
    if to not in ALLOWED.get(current, set()):
        raise InvalidTransition(f"订单{order.no}当前为“{S(current).label}”，不能变为“{S(to).label}”")
    if (current, to) == (S.PAID, S.RECEIVED) and not order.is_pickup:
        raise InvalidTransition(f"订单{order.no}尚未发货，不能确认收货")
    if (current, to) == (S.PAID, S.SHIPPED) and order.is_pickup:
        raise InvalidTransition(f"订单{order.no}为到店自提订单，无需发货，请在门店核销提货码")
    now = now or timezone.now()
    order.status = to
    fields = {"status": to, TIMESTAMP[to]: now, **(extra_fields or {})}
    for key, value in fields.items():
        setattr(order, key, value)
    # Conditional on the old status: a concurrent transition that got here first makes this a no-op we detect.
    updated = Order.objects.filter(pk=order.pk, status=current).update(**fields)
    if updated != 1:
        raise InvalidTransition(f"订单{order.no}状态已变化，请刷新后重试")
    OrderEvent.objects.create(
        order=order,
        shop_id=order.shop_id,
        from_status=current,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_kind=actor_kind,
        note=note[:300],
    )
    return order
