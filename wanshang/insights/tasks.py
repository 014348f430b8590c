"""数据中心 insights jobs: the 支付异常 scan, the 活动库存不足 alerts and the stored period boards."""

from wanshang.common.scheduler import register
from wanshang.insights.anomaly import anomaly_scan_due
from wanshang.insights.boards import boards_build_due
from wanshang.insights.rfmstore import rfm_days_build_due
from wanshang.insights.stockcover import stock_cover_alerts_scan
from wanshang.insights.tradestore import trade_days_build_due
from wanshang.merchants.selectors import shops_main_category


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


# Named to sort after "analytics.rollup": the scheduler runs a tick's jobs by name, so the boards see the days
# the rollup has just built.
@register("insights.boards", every_seconds=60)
def boards_build(now):
    """Stored 7/30-day boards of every scope whose days' build marks changed (see boards.py), and the 交易报表's
    stored days (tradestore.py) and the 客户分析 buyer days (rfmstore.py)."""
    return (
        boards_build_due(now=now, shop_ids=shops_main_category().keys())
        + trade_days_build_due(now=now)
        + rfm_days_build_due(now=now)
    )
