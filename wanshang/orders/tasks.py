"""Scheduled order jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.orders.services import orders_auto_receive, orders_cancel_expired


@register("orders.cancel_expired", every_seconds=30)
def cancel_expired(now):
    return orders_cancel_expired(now=now)


@register("orders.auto_receive", every_seconds=600)
def auto_receive(now):
    return orders_auto_receive(now=now)
