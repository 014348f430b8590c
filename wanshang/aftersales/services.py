"""Refunds of paid, unshipped orders (仅退款): buyer requests, merchant approves or rejects.

Money goes back through the gateway outside any transaction; a refund whose gateway call failed stays
`processing` and the scheduler retries it (`refunds_retry`). When the money is back, the order marks its
refunded units (`orders.services.order_refunded`), the units go back on hand, and RefundCompleted tells
marketing (coupons, points) and the 数据中心.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from wanshang.aftersales.models import Refund
from wanshang.common import events
from wanshang.common.domain_events import RefundCompleted
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.common.money import allocate
from wanshang.common.numbers import new_no
from wanshang.inventory.services import stock_return
from wanshang.marketing.selectors import failed_group_orders_to_refund
from wanshang.orders.selectors import order_facts
from wanshang.orders.services import order_lock, order_refunded
from wanshang.orders.types import OrderStatus
from wanshang.payments.services import gateway_refund

S = OrderStatus


@dataclass
class RefundQuote:
    lines: list[list[int]]  # [[line_id, quantity, amount_fen]]
    amount_fen: int
    is_full: bool


def _cumulative_share(line, units: int) -> int:
    """What the first `units` units of a line were paid: exact fen, and all units sum to the line's payable."""
    if units >= line.quantity:
        return line.payable_fen
    return allocate(line.payable_fen, [units, line.quantity - units])[0]


def refund_quote(*, order, lines=None) -> RefundQuote:
    """How much a refund of `lines` ([(line_id, quantity)], None: everything not yet refunded) returns.

    Each unit gets back its share of what its line was paid (the line's part of every coupon, 满减 and points
    already taken off); freight comes back only when the refund takes the rest of the order.
    """
    order_lines = list(order.lines.all())
    by_id = {line.pk: line for line in order_lines}
    wanted: dict[int, int] = {}
    if lines is None:
        wanted = {
            line.pk: line.quantity - line.refunded_qty
            for line in order_lines
            if line.quantity > line.refunded_qty
        }
    else:
        for raw in lines:
            try:
                line_id, qty = int(raw[0]), int(raw[1])
            except (TypeError, ValueError, IndexError):
                raise ValidationError("退款商品格式错误", field="lines") from None
            line = by_id.get(line_id)
            if line is None:
                raise ValidationError("退款商品不属于该订单", field="lines")
            left = line.quantity - line.refunded_qty - wanted.get(line_id, 0)
            if not 1 <= qty <= left:
                raise ValidationError(
                    f"“{line.title}”可退数量为 1–{left} 件" if left else f"“{line.title}”已全部退款",
                    field="lines",
                )
            wanted[line_id] = wanted.get(line_id, 0) + qty
    if not wanted:
        raise ValidationError("没有可退款的商品", field="lines")
    out, total = [], 0
    for line_id, qty in wanted.items():
        line = by_id[line_id]
        amount = _cumulative_share(line, line.refunded_qty + qty) - line.refunded_fen
        out.append([line_id, qty, amount])
        total += amount
    is_full = all(line.quantity - line.refunded_qty == wanted.get(line.pk, 0) for line in order_lines)
    if is_full:
        total += order.freight_fen
    return RefundQuote(lines=out, amount_fen=total, is_full=is_full)


def refund_request(*, buyer, order_id, reason: str, lines=None) -> Refund:
    """The buyer asks for money back on a paid, unshipped order: all of it, or some units (`lines`)."""
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 200:
        raise ValidationError("请填写退款原因（2–200 字）", field="reason")
    with transaction.atomic():
        order = order_lock(order_id, buyer=buyer)
        if order.status != S.PAID:
            raise Conflict(f"订单当前为“{S(order.status).label}”，只有已付款未发货的订单可以申请退款")
        if Refund.objects.filter(
            order=order, status__in=[Refund.Status.REQUESTED, Refund.Status.PROCESSING]
        ).exists():
            raise Conflict("该订单已有进行中的退款申请")
        quote = refund_quote(order=order, lines=lines)
        return Refund.objects.create(
            no=new_no("R"),
            order=order,
            shop_id=order.shop_id,
            buyer=buyer,
            amount_fen=quote.amount_fen,
            lines=quote.lines,
            is_full=quote.is_full,
            reason=reason,
        )


def refund_withdraw(*, buyer, refund_id) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().filter(pk=refund_id, buyer=buyer).first()
        if refund is None:
            raise NotFound("退款申请不存在")
        if refund.status != Refund.Status.REQUESTED:
            raise Conflict(f"退款当前为“{refund.get_status_display()}”，不能撤销")
        refund.status = Refund.Status.WITHDRAWN
        refund.save(update_fields=["status"])
    return refund


def refund_reject(*, shop, refund_id, actor, note: str) -> Refund:
    note = (note or "").strip()
    if not 2 <= len(note) <= 200:
        raise ValidationError("请填写拒绝理由（2–200 字）", field="note")
    with transaction.atomic():
        refund = Refund.objects.for_shop(shop).select_for_update().filter(pk=refund_id).first()
        if refund is None:
            raise NotFound("退款申请不存在")
        if refund.status != Refund.Status.REQUESTED:
            raise Conflict(f"退款当前为“{refund.get_status_display()}”，不能拒绝")
        refund.status = Refund.Status.REJECTED
        refund.seller_note = note
        refund.decided_by = actor
        refund.decided_at = timezone.now()
        refund.save()
    return refund


def refund_approve(*, shop, refund_id, actor) -> Refund:
    """Approve: mark processing, pay back through the gateway, then finish (order refunded, stock back)."""
    with transaction.atomic():
        refund = Refund.objects.for_shop(shop).select_for_update().filter(pk=refund_id).first()
        if refund is None:
            raise NotFound("退款申请不存在")
        if refund.status != Refund.Status.REQUESTED:
            raise Conflict(f"退款当前为“{refund.get_status_display()}”，不能同意")
        order = order_lock(refund.order_id)
        if order.status != S.PAID:
            raise Conflict(f"订单当前为“{S(order.status).label}”，不能退款")
        refund.status = Refund.Status.PROCESSING
        refund.decided_by = actor
        refund.decided_at = timezone.now()
        refund.save()
    return _refund_pay_back(refund, actor=actor)


def refund_by_system(*, order_id, reason: str) -> Refund:
    """Refund a paid order in full without a merchant decision (a group buy that did not fill).

    An open buyer request on the order is taken over; otherwise a new refund is opened. The money goes back
    through the gateway like any refund and is retried by `refunds_retry` if the gateway fails.
    """
    with transaction.atomic():
        order = order_lock(order_id)
        if order.status != S.PAID:
            raise Conflict(f"订单当前为“{S(order.status).label}”，不能退款")
        refund = (
            Refund.objects.select_for_update()
            .filter(order=order, status__in=[Refund.Status.REQUESTED, Refund.Status.PROCESSING])
            .first()
        )
        if refund is None:
            quote = refund_quote(order=order)
            refund = Refund(
                no=new_no("R"),
                order=order,
                shop_id=order.shop_id,
                buyer_id=order.buyer_id,
                amount_fen=quote.amount_fen,
                lines=quote.lines,
                is_full=True,
                reason=reason[:200],
            )
        elif not refund.is_full:  # take over a partial request as a full one
            quote = refund_quote(order=order)
            refund.amount_fen, refund.lines, refund.is_full = quote.amount_fen, quote.lines, True
        if refund.status == Refund.Status.PROCESSING and refund.pk:
            return refund  # already on its way; the retry job finishes it
        refund.status = Refund.Status.PROCESSING
        refund.seller_note = reason[:200]
        refund.decided_at = timezone.now()
        refund.save()
    return _refund_pay_back(refund)


def _refund_pay_back(refund: Refund, *, actor=None) -> Refund:
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
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PROCESSING:
            return refund  # finished by a concurrent retry
        if not ok:
            refund.last_error = (error or "")[:300]
            refund.save(update_fields=["last_error"])
            return refund
        order = order_lock(refund.order_id)
        units = order_refunded(
            order=order,
            refund_no=refund.no,
            amount_fen=refund.amount_fen,
            is_full=refund.is_full,
            refund_lines=refund.lines,
            actor=actor,
        )
        stock_return(allocations=units, order_id=order.pk, actor=actor)
        events.publish(
            RefundCompleted(
                refund_id=refund.pk,
                refund_no=refund.no,
                amount_fen=refund.amount_fen,
                is_full=refund.is_full,
                order=order_facts(order),
            )
        )
        refund.status = Refund.Status.REFUNDED
        refund.gateway_refund_no = gateway_no
        refund.refunded_at = timezone.now()
        refund.last_error = ""
        refund.save()
    return refund


def refunds_retry(*, now=None) -> int:
    """Retry refunds whose gateway call failed. Idempotent: the gateway refund row is keyed by refund."""
    done = 0
    for refund in (
        Refund.objects.filter(status=Refund.Status.PROCESSING).select_related("order").order_by("pk")[:200]
    ):
        if _refund_pay_back(refund).status == Refund.Status.REFUNDED:
            done += 1
    return done


def group_refunds_due(*, now=None) -> int:
    """Paid orders of group buys that did not fill are refunded in full (marketing's `group_teams_expire` fails
    the teams and cancels their unpaid orders). Works from state: idempotent, catches up, and refunds a payment
    that landed after its team failed on the next run. A gateway failure is retried by `refunds_retry`."""
    done = 0
    for order_id in failed_group_orders_to_refund(limit=500):
        try:
            refund_by_system(order_id=order_id, reason="拼团未成功，自动退款")
            done += 1
        except (Conflict, ValidationError, NotFound):
            continue
    return done
