"""Scheduled chat jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.service.services import conversations_assign_waiting, noreply_due


@register("service.noreply", every_seconds=60)
def noreply(now):
    """The "no agent has answered in N minutes" message, once per waiting stretch."""
    return noreply_due(now=now)


@register("service.assign", every_seconds=30)
def assign(now):
    """Waiting conversations nobody took yet go to agents who came online since."""
    return conversations_assign_waiting(now=now)
