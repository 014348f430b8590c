"""数据中心 jobs: insert spooled events, roll up days that changed."""

from wanshang.analytics.collector import ingest
from wanshang.analytics.rollup import rollup_pending
from wanshang.common.scheduler import register


@register("analytics.ingest", every_seconds=10)
def ingest_events(now):
    return ingest(now=now.timestamp())


@register("analytics.rollup", every_seconds=60)
def rollup_events(now):
    return rollup_pending(now=now)
