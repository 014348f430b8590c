"""Shared-kernel jobs."""

from wanshang.common import events
from wanshang.common.scheduler import register


@register("events.retry", every_seconds=30)
def events_retry(now):
    """After-commit event handlers that failed, or whose process stopped before running them."""
    return events.retry_due(now=now)
