"""Scheduled order jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.orders.services import late_shipments_flag, orders_auto_receive, orders_cancel_expired


@register("orders.cancel_expired", every_seconds=30)
def cancel_expired(now):
    return orders_cancel_expired(now=now)


@register("orders.auto_receive", every_seconds=600)
def auto_receive(now):
    return orders_auto_receive(now=now)


@register("orders.late_shipments", every_seconds=300)
def late_shipments(now):
    return late_shipments_flag(now=now)
