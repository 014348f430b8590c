"""Scheduled 客服 jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.helpdesk.services import sla_patrol as patrol


@register("helpdesk.sla_patrol", every_seconds=60)
def sla_patrol(now):
    return patrol(now=now)
