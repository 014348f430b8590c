"""What a refund returns, and sending it back. Shared by the plain 仅退款 request and after-sales cases.

Every unit gets back its exact share of what its line was paid (`_cumulative_share`: the line's part of every
coupon, 满减, platform subsidy and points already taken off, split by `common.money.allocate`), counted
cumulatively: the first k units of a line always return the same fen, whatever the order in which refunds ask
for them. What is *committed* — units and fen of refunds done (on the order lines) plus refunds paying out
(`processing`) — is read under the order's row lock and its lines' (order, then lines, in id order), so two
refunds quoted at once cannot both claim the same fen. Freight comes back with the last units, or once with a
case whose reason is the shop's fault. The per-order sum is checked against what the order was paid.

Money goes back through the gateway outside any transaction; a refund whose call failed stays `processing`
and `refunds_retry` tries it again, each row on its own.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from wanshang.aftersales.models import Case, CaseStatus, Refund
from wanshang.aftersales.transitions import case_transition
from wanshang.common import events
from wanshang.common.domain_events import RefundCompleted
from wanshang.common.errors import Conflict, ValidationError
from wanshang.common.money import allocate
from wanshang.inventory.services import stock_return
from wanshang.orders.selectors import order_facts
from wanshang.orders.services import order_lines_lock, order_lock, order_refunded
from wanshang.payments.services import gateway_refund, settlement_refund_post

log = logging.getLogger("wanshang.aftersales")

PAYING = (Refund.Status.PROCESSING, Refund.Status.REFUNDED)


@dataclass
class RefundQuote:
    lines: list[list[int]]  # [[line_id, quantity, amount_fen]]
    amount_fen: int
    is_full: bool
    freight_fen: int = 0


@dataclass
class Committed:
    """What is refunded or paying out on an order: units and fen per line, freight, the order's total."""

    qty: dict[int, int]
    fen: dict[int, int]
    freight_fen: int
    amount_fen: int


def _cumulative_share(line, units: int) -> int:
    """What the first `units` units of a line were paid: exact fen, and all units sum to the line's payable."""
    if units >= line.quantity:
        return line.payable_fen
    if units <= 0:
        return 0
    return allocate(line.payable_fen, [units, line.quantity - units])[0]


def committed(*, order, order_lines) -> Committed:
    """Units and money refunded or on their way back, per line and for the order (read it under the locks)."""
    qty = {line.pk: line.refunded_qty for line in order_lines}
    fen = {line.pk: line.refunded_fen for line in order_lines}
    freight = amount = 0
    for status, lines, amount_fen, freight_fen in Refund.objects.filter(
        order_id=order.pk, status__in=PAYING
    ).values_list("status", "lines", "amount_fen", "freight_fen"):
        amount += amount_fen
        freight += freight_fen
        if status == Refund.Status.PROCESSING:  # done refunds are on the lines already
            for line_id, q, a in lines:
                qty[line_id] = qty.get(line_id, 0) + q
                fen[line_id] = fen.get(line_id, 0) + a
    return Committed(qty=qty, fen=fen, freight_fen=freight, amount_fen=amount)


def _wanted(order_lines, done: Committed, lines) -> dict[int, int]:
    by_id = {line.pk: line for line in order_lines}
    if lines is None:
        return {
            line.pk: line.quantity - done.qty[line.pk]
            for line in order_lines
            if line.quantity > done.qty[line.pk]
        }
    wanted: dict[int, int] = {}
    for raw in lines:
        try:
            line_id, qty = int(raw[0]), int(raw[1])
        except (TypeError, ValueError, IndexError):
            raise ValidationError("退款商品格式错误", field="lines") from None
        line = by_id.get(line_id)
        if line is None:
            raise ValidationError("退款商品不属于该订单", field="lines")
        left = line.quantity - done.qty[line_id] - wanted.get(line_id, 0)
        if not 1 <= qty <= left:
            raise ValidationError(
                f"“{line.title}”可退数量为 1–{left} 件" if left > 0 else f"“{line.title}”已全部退款",
                field="lines",
            )
        wanted[line_id] = wanted.get(line_id, 0) + qty
    return wanted


def refund_quote(*, order, lines=None, order_lines=None, shop_fault: bool = False) -> RefundQuote:
    """How much a refund of `lines` ([(line_id, quantity)], None: everything not yet refunded) returns.

    Each unit gets back its share of what its line was paid; freight comes back only when the refund takes the
    rest of the order, or (`shop_fault`) once with a case that is the shop's fault. `order_lines`: the lines
    as locked by the caller (read afresh otherwise). ValidationError for a quantity above what is left;
    Conflict if the order's refunds would pass what it was paid.
    """
    order_lines = list(order_lines) if order_lines is not None else list(order.lines.order_by("pk"))
    done = committed(order=order, order_lines=order_lines)
    wanted = _wanted(order_lines, done, lines)
    if not wanted:
        raise ValidationError("没有可退款的商品", field="lines")
    by_id = {line.pk: line for line in order_lines}
    out, goods = [], 0
    for line_id, qty in wanted.items():
        line = by_id[line_id]
        # never below 0: a partial refund decided by the platform (fen without units) may have paid these already
        amount = max(_cumulative_share(line, done.qty[line_id] + qty) - done.fen[line_id], 0)
        out.append([line_id, qty, amount])
        goods += amount
    is_full = all(line.quantity - done.qty[line.pk] == wanted.get(line.pk, 0) for line in order_lines)
    freight = max(order.freight_fen - done.freight_fen, 0) if (is_full or shop_fault) else 0
    total = goods + freight
    if done.amount_fen + total > order.total_fen:
        raise Conflict("退款总额将超过订单实付金额，已拒绝")
    return RefundQuote(lines=out, amount_fen=total, is_full=is_full, freight_fen=freight)


def refund_pay_back(refund: Refund, *, actor=None) -> Refund:
    """Send a `processing` refund's money back through the gateway (outside any transaction), then finish it:
    the order marks its refunded units, the units go back on hand (`restock`), a settled order gets a reversing
    ledger entry, RefundCompleted tells marketing and the 数据中心, and the case it belongs to is done.
    A failed gateway call leaves it processing with `last_error` for `refunds_retry`."""
    if refund.amount_fen == 0:
        # Discounts took everything these units cost (a line can pay less than a fen per unit): there is no money
        # to send back, and gateways refuse a 0-fen refund, which would leave the refund processing forever.
        ok, gateway_no, error = True, "", ""
    else:
        ok, gateway_no, error = gateway_refund(
            payment_id=refund.order.payment_id,
            amount_fen=refund.amount_fen,
            reason=refund.reason,
            order_refund_id=refund.pk,
        )
    with transaction.atomic():
        order = order_lock(
            refund.order_id
        )  # order, lines, then the refund and its case: the fixed lock order
        order_lines_lock(order)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PROCESSING:
            return refund  # finished by a concurrent retry
        if not ok:
            refund.last_error = (error or "")[:300]
            refund.save(update_fields=["last_error"])
            return refund
        _finish(refund, order=order, gateway_no=gateway_no, actor=actor)
    return refund


def _finish(refund: Refund, *, order, gateway_no: str, actor) -> None:
    units = order_refunded(
        order=order,
        refund_no=refund.no,
        amount_fen=refund.amount_fen,
        is_full=refund.is_full,
        refund_lines=refund.lines,
        actor=actor,
    )
    if refund.restock and units:
        stock_return(allocations=units, order_id=order.pk, actor=actor)
    facts = order_facts(order)
    settlement_refund_post(
        order=facts, refund_no=refund.no, refund_lines=refund.lines, freight_fen=refund.freight_fen
    )
    events.publish(
        RefundCompleted(
            refund_id=refund.pk,
            refund_no=refund.no,
            amount_fen=refund.amount_fen,
            is_full=refund.is_full,
            order=facts,
        )
    )
    refund.status = Refund.Status.REFUNDED
    refund.gateway_refund_no = gateway_no
    refund.refunded_at = timezone.now()
    refund.last_error = ""
    refund.save()
    if refund.case_id:
        case = Case.objects.select_for_update().get(pk=refund.case_id)
        if case.status == CaseStatus.REFUNDING:
            case_transition(case, CaseStatus.DONE, role="system", note=f"退款 {refund.no} 已原路退回")


def refunds_retry(*, now=None) -> int:
    """Retry refunds whose gateway call failed. Idempotent: the gateway refund row is keyed by refund. Each row
    on its own: one that raises is logged and noted on the row, and the others still run."""
    done = 0
    ids = list(
        Refund.objects.filter(status=Refund.Status.PROCESSING)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    for refund_id in ids:
        try:
            refund = Refund.objects.select_related("order").get(pk=refund_id)
            if refund_pay_back(refund).status == Refund.Status.REFUNDED:
                done += 1
        except Exception as exc:  # noqa: BLE001 — one bad row must not block the others
            log.exception("refund %s retry failed", refund_id)
            Refund.objects.filter(pk=refund_id).update(last_error=f"{type(exc).__name__}: {exc}"[:300])
    return done
