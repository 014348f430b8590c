"""Scheduled shipping jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.shipping.services import stalls_flag, tracking_poll


@register("shipping.tracking_poll", every_seconds=900)
def poll(now):
    return tracking_poll(now=now)


@register("shipping.stalls", every_seconds=1800)
def stalls(now):
    return stalls_flag(now=now)
