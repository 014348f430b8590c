"""Scheduled store jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.stores.services import pickups_expire


@register("stores.pickups_expire", every_seconds=600)
def expire_pickups(now):
    """Unclaimed pickups past PICKUP_EXPIRE_DAYS: closed, then refunded by after-sales (PickupExpired)."""
    return pickups_expire(now=now)
