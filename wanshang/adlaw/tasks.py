"""Scheduled 广告法 jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.adlaw.services import texts_rescan
from wanshang.common.scheduler import register


@register("adlaw.rescan", every_seconds=24 * 3600)
def rescan(now):
    return texts_rescan(now=now)
