"""Recommendation jobs: rebuild 看了又看, 买了又买 and popularity from the event log and paid orders."""

from wanshang.common.scheduler import register
from wanshang.recommendations.services import recommendations_build


@register("recommendations.build", every_seconds=3600)
def build(now):
    """Hourly: a full recompute when events arrived since the last build (or it is a day old); see services."""
    return recommendations_build(now=now)
