"""Scheduled 淘宝客 jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.affiliates.services import commissions_settle
from wanshang.common.scheduler import register


@register("affiliates.settle", every_seconds=3600)
def settle_commissions(now):
    """Confirmed commissions past AFFILIATE_FREEZE_DAYS: settled, the shop's settlement charged once."""
    return commissions_settle(now=now)
