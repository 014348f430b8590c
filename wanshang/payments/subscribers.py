"""What payments does when other apps change things (see common/events.py)."""

from wanshang.common import events
from wanshang.common.domain_events import OrderCompleted
from wanshang.payments.settlement import on_order_completed

SUBSCRIPTIONS = [
    (OrderCompleted, on_order_completed, events.IN_TRANSACTION),  # 结算台账 entry, with the completion
]
