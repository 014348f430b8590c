"""Refunds of paid, unshipped orders (仅退款): buyer requests, merchant approves or rejects.

Money goes back through the gateway outside any transaction; a refund whose gateway call failed stays
`processing` and the scheduler retries it (`refunds_retry`).
"""

from django.db import transaction
from django.utils import timezone

from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.inventory.services import stock_return
from wanshang.orders.models import Order, OrderStatus, Refund
from wanshang.orders.services import _lock_order, allocations_of, new_no
from wanshang.orders.transitions import transition

S = OrderStatus


def refund_request(*, buyer, order_id, reason: str) -> Refund:
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 200:
        raise ValidationError("请填写退款原因（2–200 字）", field="reason")
    with transaction.atomic():
        order = _lock_order(order_id, buyer=buyer)
        if order.status != S.PAID:
            raise Conflict(f"订单当前为“{S(order.status).label}”，只有已付款未发货的订单可以申请退款")
        if Refund.objects.filter(order=order, status__in=[Refund.Status.REQUESTED, Refund.Status.PROCESSING]).exists():
            raise Conflict("该订单已有进行中的退款申请")
        return Refund.objects.create(no=new_no("R"), order=order, shop_id=order.shop_id, buyer=buyer,
                                     amount_fen=order.total_fen, reason=reason)


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
        order = _lock_order(refund.order_id)
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
        order = _lock_order(order_id)
        if order.status != S.PAID:
            raise Conflict(f"订单当前为“{S(order.status).label}”，不能退款")
        refund = Refund.objects.select_for_update().filter(
            order=order, status__in=[Refund.Status.REQUESTED, Refund.Status.PROCESSING]).first()
        if refund is None:
            refund = Refund(no=new_no("R"), order=order, shop_id=order.shop_id, buyer_id=order.buyer_id,
                            amount_fen=order.total_fen, reason=reason[:200])
        if refund.status == Refund.Status.PROCESSING and refund.pk:
            return refund  # already on its way; the retry job finishes it
        refund.status = Refund.Status.PROCESSING
        refund.seller_note = reason[:200]
        refund.decided_at = timezone.now()
        refund.save()
    return _refund_pay_back(refund)


def _refund_pay_back(refund: Refund, *, actor=None) -> Refund:
    from wanshang.payments.services import gateway_refund

    ok, gateway_no, error = gateway_refund(
        payment_id=refund.order.payment_id, amount_fen=refund.amount_fen, reason=refund.reason,
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
        order = _lock_order(refund.order_id)
        transition(order, S.REFUNDED, actor=actor, actor_kind="seller" if actor else "system",
                   note=f"退款 {refund.no} 已原路退回")
        stock_return(allocations=allocations_of(order), order_id=order.pk, actor=actor)
        from wanshang.marketing.lifecycle import order_released

        order_released(order=order, refunded=True)
        refund.status = Refund.Status.REFUNDED
        refund.gateway_refund_no = gateway_no
        refund.refunded_at = timezone.now()
        refund.last_error = ""
        refund.save()
    return refund


def refunds_retry(*, now=None) -> int:
    """Retry refunds whose gateway call failed. Idempotent: the gateway refund row is keyed by refund."""
    done = 0
    for refund in Refund.objects.filter(status=Refund.Status.PROCESSING).select_related("order").order_by("pk")[:200]:
        if _refund_pay_back(refund).status == Refund.Status.REFUNDED:
            done += 1
    return done


def order_for_refund(order: Order) -> Refund | None:
    return order.refunds.exclude(status=Refund.Status.WITHDRAWN).first()
