"""延迟发货: a paid order not shipped within its promised time (Order.ship_deadline, set at payment from the
longest 承诺发货时间 of its lines, the shop's by default) is flagged once, the shop is charged the buyer's
compensation in its settlement ledger and the buyer gets it as points (marketing, through the
LateShipmentCompensated event). The rule and why these defaults: docs/aftersales-rules.md.

The job selects its work from the state ("paid, deadline passed, not shipped by it, not yet flagged"), so a run
missed while the worker was down catches up — including an order shipped late during the outage — and a
repeated or concurrent run does nothing twice: the order row is locked and LateShipment.order is unique.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from wanshang.common import events
from wanshang.common.domain_events import LateShipmentCompensated, LateShipmentDue
from wanshang.common.errors import DomainError
from wanshang.common.money import fen_to_yuan_str, percent_of
from wanshang.orders.models import LateShipment, Order, OrderEvent
from wanshang.orders.selectors import PAID_STATES, order_facts
from wanshang.payments.services import SETTLEMENT_KIND_LATE_SHIPMENT, settlement_charge

log = logging.getLogger("wanshang.orders")
BATCH = 500


def late_compensation_fen(
    goods_fen: int, *, rate_bps: int | None = None, floor_fen: int | None = None, cap_fen: int | None = None
) -> int:
    """The platform rule: `rate_bps` of the goods paid, at least `floor_fen`, at most `cap_fen` (the cap wins
    if an operator sets a floor above it), rounded down to a whole point's worth of fen."""
    rules = settings.WANSHANG
    rate_bps = rules["LATE_SHIPMENT_RATE_BPS"] if rate_bps is None else rate_bps
    floor_fen = rules["LATE_SHIPMENT_FLOOR_FEN"] if floor_fen is None else floor_fen
    cap_fen = rules["LATE_SHIPMENT_CAP_FEN"] if cap_fen is None else cap_fen
    amount = min(max(percent_of(max(goods_fen, 0), rate_bps), floor_fen), cap_fen)
    return points_to_fen(fen_to_points(max(amount, 0)))


def fen_to_points(amount_fen: int) -> int:
    return amount_fen * settings.WANSHANG["POINTS_PER_YUAN"] // 100


def points_to_fen(points: int) -> int:
    return points * 100 // settings.WANSHANG["POINTS_PER_YUAN"]


def _late_at_deadline() -> Q:
    """Paid, and at its deadline neither shipped nor refunded (an order shipped late while the job was not
    running is still late)."""
    return (
        Q(status__in=PAID_STATES, ship_deadline__isnull=False)
        & (Q(shipped_at__isnull=True) | Q(shipped_at__gt=F("ship_deadline")))
        & (Q(refunded_at__isnull=True) | Q(refunded_at__gt=F("ship_deadline")))
    )


def late_shipments_due(*, now, limit: int = BATCH) -> list[int]:
    return list(
        Order.objects.filter(_late_at_deadline(), ship_deadline__lte=now, late_shipment__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def late_shipment_flag(*, order_id, now=None) -> LateShipment | None:
    """Flag one order late and compensate its buyer, once. Returns the new row, or None when the order is not
    late (any more) or was flagged already (by another runner that held the lock first). A LateShipmentDue
    subscriber that refuses makes the row an exemption: recorded once, nobody charged or paid."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or LateShipment.objects.filter(order_id=order_id).exists():
            return None
        if not Order.objects.filter(_late_at_deadline(), pk=order_id, ship_deadline__lte=now).exists():
            return None
        goods = order.total_fen - order.freight_fen
        facts = order_facts(order)
        try:
            with transaction.atomic():  # a refusing subscriber's writes go, the lock stays
                events.publish(LateShipmentDue(order=facts, deadline=order.ship_deadline, at=now))
            exempt = ""
        except DomainError as exc:
            exempt = exc.message[:200] or "免赔"
        amount = 0 if exempt else late_compensation_fen(goods)
        try:
            with transaction.atomic():
                row = LateShipment.objects.create(
                    shop_id=order.shop_id,
                    order=order,
                    buyer_id=order.buyer_id,
                    deadline=order.ship_deadline,
                    goods_fen=goods,
                    rate_bps=settings.WANSHANG["LATE_SHIPMENT_RATE_BPS"],
                    amount_fen=amount,
                    points=fen_to_points(amount),
                    flagged_at=now,
                    exempt_reason=exempt,
                )
        except IntegrityError:  # another runner got here first (the constraint, should the lock be missing)
            return None
        if exempt:
            _audit(order, f"超过承诺发货时间，免赔：{exempt}")
            return row
        entry = settlement_charge(
            shop_id=order.shop_id,
            order_id=order.pk,
            kind=SETTLEMENT_KIND_LATE_SHIPMENT,
            amount_fen=amount,
            now=now,
        )
        row.settlement_entry_id = entry.pk
        row.save(update_fields=["settlement_entry_id"])
        _audit(order, f"延迟发货：超过承诺发货时间，赔付买家 ¥{fen_to_yuan_str(amount)}（{row.points} 积分）")
        events.publish(LateShipmentCompensated(order=facts, amount_fen=amount, points=row.points, at=now))
    return row


def _audit(order, note: str) -> None:
    OrderEvent.objects.create(
        order=order,
        shop_id=order.shop_id,
        from_status=order.status,
        to_status=order.status,
        actor_kind="system",
        note=note[:300],
    )


def late_shipments_flag(*, now=None) -> int:
    """The scheduled job: flag every order late at its deadline and not yet flagged. Each order in its own
    transaction, so one that fails is logged and retried next run without holding up the others."""
    now = now or timezone.now()
    done = 0
    for order_id in late_shipments_due(now=now):
        try:
            if late_shipment_flag(order_id=order_id, now=now) is not None:
                done += 1
        except Exception:  # one bad row must not stop the batch; it stays due and is retried next run
            log.exception("late shipment of order %s failed", order_id)
    return done
