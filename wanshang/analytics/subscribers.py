"""The 数据中心 event log's money events, written in the transaction of the change they record.

They are in-transaction handlers on purpose: they are rows of the same database that must count exactly once
with the order (a paid order that is not in 支付金额, or one counted twice, would be a wrong figure), and an
insert costs no more than an outbox row would. Page-side behaviour events go through the spool instead
(collector.py)."""

from wanshang.analytics.services import orders_paid_record, orders_placed_record, refund_record
from wanshang.common import events
from wanshang.common.domain_events import OrdersPaid, OrdersPlaced, RefundCompleted


def on_orders_placed(event: OrdersPlaced) -> None:
    orders_placed_record(orders=event.orders, now=event.at)


def on_orders_paid(event: OrdersPaid) -> None:
    orders_paid_record(orders=event.orders, now=event.at)


def on_refund_completed(event: RefundCompleted) -> None:
    refund_record(order=event.order, amount_fen=event.amount_fen, now=event.at)


SUBSCRIPTIONS = [
    (OrdersPlaced, on_orders_placed, events.IN_TRANSACTION),
    (OrdersPaid, on_orders_paid, events.IN_TRANSACTION),
    (RefundCompleted, on_refund_completed, events.IN_TRANSACTION),
]
