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


def kept_goods(line, *, refunded_qty: int, refunded_fen: int) -> int:
    """What a line is worth to the shop once `refunded_qty` of its units (paid back `refunded_fen`) are refunded:
    what the buyer paid for the rest plus the platform's share of the rest's discounts (the refunded units'
    share is their cumulative split, as after-sales quotes them). The ledger's one split of a line: the sale
    entry and every reversal are differences of it, so they add up to the value of what the buyer kept."""
    return line.payable_fen - refunded_fen + line.platform_fen - _platform_share(line, refunded_qty)


def sale_amounts(lines, *, freight_fen: int, rate_of) -> tuple[int, int]:
    """(gross, commission) of a sale entry: the kept goods of each line plus the freight; commission per line
    at its category's rate (`rate_of(category_id)`, basis points) on its kept goods, never on freight."""
    gross, commission = freight_fen, 0
    for line in lines:
        goods = kept_goods(line, refunded_qty=line.refunded_qty, refunded_fen=line.refunded_fen)
        commission += percent_of(goods, rate_of(line.category_id))
        gross += goods
    return gross, commission


def refund_amounts(lines, refund_lines, *, freight_fen: int, rate_of) -> tuple[int, int]:
    """(gross, commission) a refund takes back, positive: per line the kept goods before it minus after it
    (`lines` as they stand after the refund), and its commission the same difference, so that a sale entry and
    its reversals always sum to the commission on what was finally kept, to the fen."""
    by_id = {line.line_id: line for line in lines}
    gross, commission = freight_fen, 0
    for line_id, qty, amount in refund_lines:
        line = by_id[line_id]
        after = kept_goods(line, refunded_qty=line.refunded_qty, refunded_fen=line.refunded_fen)
        before = kept_goods(
            line, refunded_qty=line.refunded_qty - qty, refunded_fen=line.refunded_fen - amount
        )
        rate = rate_of(line.category_id)
        commission += percent_of(before, rate) - percent_of(after, rate)
        gross += before - after
    return gross, commission


def _rates():
    """category id → commission rate (bps), each looked up once."""
    cache: dict[int, int] = {}

    def rate_of(category_id: int) -> int:
        if category_id not in cache:
            cache[category_id] = commission_bps_for_category(category=category_get(category_id=category_id))
        return cache[category_id]

    return rate_of


def settlement_record(*, order: OrderFacts, now=None) -> SettlementEntry:
    """Write the entry for a completed order (inside its transaction). Idempotent per order.

    The shop is owed what the buyer paid plus the platform's share of the discounts (platform coupons, points),
    for the units not refunded before completion (`sale_amounts`). Freight is not commissioned.
    """
    existing = SettlementEntry.objects.filter(order_id=order.order_id, kind=SettlementEntry.Kind.SALE).first()
    if existing:
        return existing
    now = now or timezone.now()
    gross, commission = sale_amounts(order.lines, freight_fen=order.freight_fen, rate_of=_rates())
    return SettlementEntry.objects.create(
        shop_id=order.shop_id,
        order_id=order.order_id,
        gross_fen=gross,
        commission_fen=commission,
        net_fen=gross - commission,
        settleable_at=now + timedelta(days=settings.WANSHANG["SETTLEMENT_DELAY_DAYS"]),
    )


def settlement_charge(*, shop_id: int, order_id: int, kind: str, amount_fen: int, ref: str = "", now=None):
    """Charge the shop `amount_fen` for an order (a late-shipment compensation, a return's postage): a new ledger
    entry with a negative net, settleable at once (可结算), so it comes off the shop's next settlement. Never edits
    another entry. Inside the caller's transaction; once per (order, kind, ref) — a second call returns the first."""
    if kind == SettlementEntry.Kind.SALE or kind not in SettlementEntry.Kind.values:
        raise ValueError(f"not a charge kind: {kind}")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0:
        raise ValueError("amount_fen must be a non-negative integer")
    return _settleable_entry(
        shop_id=shop_id, order_id=order_id, kind=kind, ref=ref, net_fen=-amount_fen, now=now
    )


def settlement_credit(*, shop_id: int, order_id: int, kind: str, amount_fen: int, ref: str, now=None):
    """Give the shop back `amount_fen` of an earlier charge (an affiliate commission clawed back after a refund): a
    new entry with a positive net, settleable at once. Never edits the charge. Once per (order, kind, ref)."""
    if kind not in (SettlementEntry.Kind.AFFILIATE_BACK,):
        raise ValueError(f"not a credit kind: {kind}")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0:
        raise ValueError("amount_fen must be a non-negative integer")
    return _settleable_entry(
        shop_id=shop_id, order_id=order_id, kind=kind, ref=ref, net_fen=amount_fen, now=now
    )


def _settleable_entry(*, shop_id: int, order_id: int, kind: str, ref: str, net_fen: int, now=None):
    """A charge or a credit: one entry per (order, kind, ref), settleable at once; a repeat returns the first."""
    existing = SettlementEntry.objects.filter(order_id=order_id, kind=kind, ref=ref).first()
    if existing:
        return existing
    return SettlementEntry.objects.create(
        shop_id=shop_id,
        order_id=order_id,
        kind=kind,
        ref=ref,
        gross_fen=0,
        commission_fen=0,
        net_fen=net_fen,
        status=SettlementEntry.Status.SETTLEABLE,
        settleable_at=now or timezone.now(),
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
    gross, commission = refund_amounts(order.lines, refund_lines, freight_fen=freight_fen, rate_of=_rates())
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
