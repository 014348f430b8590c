"""insights' writes for the faces: alerts read, crowd packs, A/B tests, a buyer's deletion request.

The public surface of the app (with selectors.py and types.py): the faces import these names, never the
modules behind them.
"""

from wanshang.insights.anomaly import alert_mark_read, alerts_mark_all_read, platform_alert_mark_read
from wanshang.insights.crowds import (
    crowd_pack_create,
    crowd_pack_delete,
    crowd_pack_issue_coupon,
    crowd_pack_refresh,
)
from wanshang.insights.experiments import experiment_save, experiment_start, experiment_stop
from wanshang.insights.privacy import buyer_events_delete
from wanshang.insights.stockcover import stock_cover_alerts_scan

__all__ = [
    "alert_mark_read",
    "alerts_mark_all_read",
    "buyer_events_delete",
    "crowd_pack_create",
    "crowd_pack_delete",
    "crowd_pack_issue_coupon",
    "crowd_pack_refresh",
    "experiment_save",
    "experiment_start",
    "experiment_stop",
    "platform_alert_mark_read",
    "stock_cover_alerts_scan",
]
