"""The patrol's scheduled job: each morning a report per shop (docs/patrol.md)."""

from wanshang.common.scheduler import register
from wanshang.patrol.services import patrol_daily


@register("patrol.daily", every_seconds=600)
def daily(now):
    """Reports of the day due for the shops still without one (a batch per run); idempotent per shop and day."""
    return patrol_daily(now=now)
