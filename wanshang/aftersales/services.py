"""售后 writes. Plain refund requests of paid, unshipped orders (仅退款 without a case, below): buyer requests,
merchant approves or rejects; after-sales cases (仅退款 / 退货退款 / 换货) are in cases.py, re-exported here; what a
refund returns and how its money goes back is money.py.

Money goes back through the gateway outside any transaction; a refund whose gateway call failed stays
`processing` and the scheduler retries it (`refunds_retry`). When the money is back, the order marks its
refunded units (`orders.services.order_refunded`), the units go back on hand, and RefundCompleted tells
marketing (coupons, points) and the 数据中心.
"""

from django.db import transaction
from django.utils import timezone

from wanshang.aftersales.arbitration import (  # noqa: F401 — 平台介入
    DECISIONS,
    case_arbitrate,
    case_escalate,
    case_message_post,
)
from wanshang.aftersales.cases import (  # noqa: F401 — re-exported: the services of after-sales cases
    case_approve,
    case_cancel,
    case_evidence_add,
    case_instant_preview,
    case_open,
    case_reject,
    case_reship,
    case_return_receive,
    case_return_ship,
    cases_approve_bulk,
    reason_save,
    reasons_ensure_seeded,
    return_address_delete,
    return_address_save,
)
from wanshang.aftersales.instant import shop_instant_refund_set  # noqa: F401 — 极速退款: the shop's switch
from wanshang.aftersales.models import OPEN_STATES, Case, Refund
from wanshang.aftersales.money import RefundQuote, refund_pay_back, refund_quote, refunds_retry  # noqa: F401
from wanshang.aftersales.risk import buyer_risk_flag_set  # noqa: F401 — 退款风险: the platform's mark
from wanshang.aftersales.timers import cases_due  # noqa: F401 — the silent-party timers
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.common.numbers import new_no
from wanshang.marketing.selectors import failed_group_orders_to_refund
from wanshang.orders.services import order_lines_lock, order_lock
from wanshang.orders.types import OrderStatus

S = OrderStatus


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
        if Case.objects.filter(order=order, status__in=OPEN_STATES).exists():
            raise Conflict("该订单已有进行中的售后，请在售后单中处理")
        quote = refund_quote(order=order, lines=lines, order_lines=order_lines_lock(order))
        return Refund.objects.create(
            no=new_no("R"),
            order=order,
            shop_id=order.shop_id,
            buyer=buyer,
            amount_fen=quote.amount_fen,
            lines=quote.lines,
            is_full=quote.is_full,
            freight_fen=quote.freight_fen,
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
    order_id = Refund.objects.for_shop(shop).filter(pk=refund_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound("退款申请不存在")
    with transaction.atomic():
        order = order_lock(order_id)  # order, lines, then the refund: the fixed lock order
        order_lines = order_lines_lock(order)
        refund = Refund.objects.for_shop(shop).select_for_update().get(pk=refund_id)
        if refund.status != Refund.Status.REQUESTED:
            raise Conflict(f"退款当前为“{refund.get_status_display()}”，不能同意")
        if order.status != S.PAID:
            raise Conflict(f"订单当前为“{S(order.status).label}”，不能退款")
        # Quoted again under the locks: refunds finished since the request change what these units are owed.
        quote = refund_quote(
            order=order,
            lines=None if refund.is_full else [(lid, q) for lid, q, _ in refund.lines],
            order_lines=order_lines,
        )
        refund.amount_fen, refund.lines = quote.amount_fen, quote.lines
        refund.is_full, refund.freight_fen = quote.is_full, quote.freight_fen
        refund.status = Refund.Status.PROCESSING
        refund.decided_by = actor
        refund.decided_at = timezone.now()
        refund.save()
    return refund_pay_back(refund, actor=actor)


def refund_by_system(*, order_id, reason: str) -> Refund:
    """Refund a paid order in full without a merchant decision (a group buy that did not fill).

    An open buyer request on the order is taken over; otherwise a new refund is opened. The money goes back
    through the gateway like any refund and is retried by `refunds_retry` if the gateway fails.
    """
    with transaction.atomic():
        order = order_lock(order_id)
        if order.status != S.PAID:
            raise Conflict(f"订单当前为“{S(order.status).label}”，不能退款")
        order_lines = order_lines_lock(order)
        refund = (
            Refund.objects.select_for_update()
            .filter(order=order, status__in=[Refund.Status.REQUESTED, Refund.Status.PROCESSING])
            .first()
        )
        if refund is None:
            quote = refund_quote(order=order, order_lines=order_lines)
            refund = Refund(
                no=new_no("R"),
                order=order,
                shop_id=order.shop_id,
                buyer_id=order.buyer_id,
                amount_fen=quote.amount_fen,
                lines=quote.lines,
                is_full=True,
                freight_fen=quote.freight_fen,
                reason=reason[:200],
            )
        elif refund.status == Refund.Status.REQUESTED:  # take over a request as a full refund, quoted afresh
            quote = refund_quote(order=order, order_lines=order_lines)
            refund.amount_fen, refund.lines, refund.is_full = quote.amount_fen, quote.lines, True
            refund.freight_fen = quote.freight_fen
        if refund.status == Refund.Status.PROCESSING and refund.pk:
            return refund  # already on its way; the retry job finishes it
        refund.status = Refund.Status.PROCESSING
        refund.seller_note = reason[:200]
        refund.decided_at = timezone.now()
        refund.save()
    return refund_pay_back(refund)


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
