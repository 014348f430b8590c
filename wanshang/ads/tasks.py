"""Scheduled work of this context (registered with common.scheduler)."""

from wanshang.ads.serving import serving_refresh
from wanshang.common.scheduler import register


@register("ads.serving_refresh", every_seconds=60)
def ads_serving_refresh(now) -> int:
    """Rebuild the serving processes' keyword index when the ads structure changed without a version bump."""
    return serving_refresh(now)
