"""Scheduled work of this context (registered with common.scheduler)."""

from wanshang.ads.adspool import ad_events_ingest
from wanshang.ads.audience_cpm import cpm_charge_due
from wanshang.ads.autoplans import autobid_tick
from wanshang.ads.rollup import rollup_run
from wanshang.ads.serving import serving_refresh
from wanshang.common.scheduler import register


@register("ads.ingest", every_seconds=10)
def ads_ingest(now) -> int:
    """Insert the spooled ad impressions and settle (record, charge) the spooled clicks (ads/adspool.py);
    exactly once per line, and a missed run's lines are read by the next one."""
    return ad_events_ingest(now=now.timestamp())


@register("ads.serving_refresh", every_seconds=60)
def ads_serving_refresh(now) -> int:
    """Rebuild the serving processes' keyword index when the ads structure changed without a version bump."""
    return serving_refresh(now)


@register("ads.autobid_tick", every_seconds=300)
def ads_autobid_tick(now) -> int:
    """全站推广: step each goal plan's λ through every whole hour that ended since its last step (once per hour;
    a missed hour is caught up at the next run)."""
    return autobid_tick(now)


@register("ads.audience_cpm_charge", every_seconds=60)
def ads_audience_cpm_charge(now) -> int:
    """Charge the CPM audience ads' impressions in blocks of 1000 (idempotent per block)."""
    return cpm_charge_due(now).charged


@register("ads.rollup", every_seconds=60)
def ads_rollup(now) -> int:
    """Roll the ads' impressions, clicks, refunds and conversions up into hours (AdStatHour); catches up."""
    return rollup_run(now=now)
