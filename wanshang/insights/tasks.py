"""数据中心 insights jobs: the 支付异常 scan and the 活动库存不足 alerts."""

from wanshang.common.scheduler import register
from wanshang.insights.anomaly import anomaly_scan_due
from wanshang.insights.stockcover import stock_cover_alerts_scan


# The job keeps the name it had in the analytics app: the scan catches up from the last successful JobRun
# of this name (anomaly.JOB_NAME), so a rename would rescan as a first run.
@register("analytics.anomaly_scan", every_seconds=300)
def anomaly_scan(now):
    """支付异常下跌: flag the complete hours since the previous successful run (see anomaly.py)."""
    return anomaly_scan_due(now=now)


@register("insights.stock_cover_alerts", every_seconds=3600)
def stock_cover_alerts(now):
    """活动库存不足: SKUs of upcoming campaigns whose stock will not last (see stockcover.py)."""
    return stock_cover_alerts_scan(now=now)
