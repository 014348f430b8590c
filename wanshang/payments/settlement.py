"""Settlement ledger: per completed order, what the shop is owed after the platform's commission."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from wanshang.catalog.selectors import category_get
from wanshang.common.domain_events import OrderCompleted, OrderFacts
from wanshang.common.money import allocate, percent_of
from wanshang.merchants.selectors import commission_bps_for_category
from wanshang.payments.models import SettlementEntry


def on_order_completed(event: OrderCompleted) -> None:
    settlement_record(order=event.order, now=event.at)


def settlement_record(*, order: OrderFacts, now=None) -> SettlementEntry:
    """Write the entry for a completed order (inside its transaction). Idempotent per order.

    The shop is owed what the buyer paid plus the platform's share of the discounts (platform coupons, points).
    Commission is charged on each line's goods amount (paid + platform share) at its category's rate; freight
    is not commissioned.
    """
    existing = SettlementEntry.objects.filter(order_id=order.order_id, kind=SettlementEntry.Kind.SALE).first()
    if existing:
        return existing
    now = now or timezone.now()
    commission = 0
    gross = order.freight_fen
    rates: dict[int, int] = {}
    for line in order.lines:
        if line.category_id not in rates:
            rates[line.category_id] = commission_bps_for_category(
                category=category_get(category_id=line.category_id)
            )
        kept = line.quantity - line.refunded_qty  # units partly refunded before shipping are not settled
        platform = (
            allocate(line.platform_fen, [kept, line.refunded_qty])[0]
            if line.refunded_qty
            else line.platform_fen
        )
        goods = line.payable_fen - line.refunded_fen + platform
        commission += percent_of(goods, rates[line.category_id])
        gross += goods
    return SettlementEntry.objects.create(
        shop_id=order.shop_id,
        order_id=order.order_id,
        gross_fen=gross,
        commission_fen=commission,
        net_fen=gross - commission,
        settleable_at=now + timedelta(days=settings.WANSHANG["SETTLEMENT_DELAY_DAYS"]),
    )


def settlement_charge(*, shop_id: int, order_id: int, kind: str, amount_fen: int, now=None):
    """Charge the shop `amount_fen` for an order (a late-shipment compensation): a new ledger entry with a
    negative net, settleable at once (可结算), so it comes off the shop's next settlement. Never edits another entry.
    Inside the caller's transaction; once per (order, kind) — a second call returns the first entry."""
    if kind == SettlementEntry.Kind.SALE or kind not in SettlementEntry.Kind.values:
        raise ValueError(f"not a charge kind: {kind}")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0:
        raise ValueError("amount_fen must be a non-negative integer")
    existing = SettlementEntry.objects.filter(order_id=order_id, kind=kind).first()
    if existing:
        return existing
    now = now or timezone.now()
    return SettlementEntry.objects.create(
        shop_id=shop_id,
        order_id=order_id,
        kind=kind,
        gross_fen=0,
        commission_fen=0,
        net_fen=-amount_fen,
        status=SettlementEntry.Status.SETTLEABLE,
        settleable_at=now,
    )


def settlement_refund_post(
    *, order: OrderFacts, refund_no: str, refund_lines, freight_fen: int
) -> SettlementEntry | None:
    """A refund finished after the order's sale entry was written: post a reversing entry (inside the refund's
    transaction). The shop gives back the refunded goods with the platform's share of their discounts, and the
    freight refunded; the commission on those goods comes back to it. Idempotent per refund; None when the
    order has no sale entry yet (the sale entry, written at completion, leaves refunded units out itself)."""
    sale = SettlementEntry.objects.filter(order_id=order.order_id, kind=SettlementEntry.Kind.SALE).first()
    if sale is None:
        return None
    existing = SettlementEntry.objects.filter(
        order_id=order.order_id, kind=SettlementEntry.Kind.REFUND, ref=refund_no
    ).first()
    if existing:
        return existing
    lines = {line.line_id: line for line in order.lines}
    gross = freight_fen
    commission = 0
    for line_id, qty, amount in refund_lines:
        line = lines[line_id]
        # the platform's share of these units' discounts: the cumulative split, as the sale entry used
        before = line.refunded_qty - qty
        platform = _platform_share(line, line.refunded_qty) - _platform_share(line, before)
        goods = amount + platform
        rate = commission_bps_for_category(category=category_get(category_id=line.category_id))
        commission += percent_of(goods, rate)
        gross += goods
    status = (
        SettlementEntry.Status.SETTLEABLE
        if sale.status != SettlementEntry.Status.PENDING
        else SettlementEntry.Status.PENDING
    )
    return SettlementEntry.objects.create(
        shop_id=order.shop_id,
        order_id=order.order_id,
        kind=SettlementEntry.Kind.REFUND,
        ref=refund_no,
        gross_fen=-gross,
        commission_fen=-commission,
        net_fen=-(gross - commission),
        status=status,
        settleable_at=max(sale.settleable_at, timezone.now())
        if status == SettlementEntry.Status.PENDING
        else timezone.now(),
    )


def _platform_share(line, units: int) -> int:
    if units <= 0:
        return 0
    if units >= line.quantity:
        return line.platform_fen
    return allocate(line.platform_fen, [units, line.quantity - units])[0]


def settlements_mature(*, now=None) -> int:
    """Entries past their settleable date become settleable. Idempotent."""
    now = now or timezone.now()
    return SettlementEntry.objects.filter(
        status=SettlementEntry.Status.PENDING, settleable_at__lte=now
    ).update(status=SettlementEntry.Status.SETTLEABLE)
