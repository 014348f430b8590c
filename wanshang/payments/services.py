"""Payment writes: create, apply verified notifications (idempotently), close, refund through the gateway."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wanshang.common import events
from wanshang.common.domain_events import PaymentSucceeded
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.common.numbers import new_no
from wanshang.payments.gateways import GatewayError, SignatureError, available_gateways, get_gateway
from wanshang.payments.models import GatewayRefund, Payment, PaymentNotification, SettlementEntry
from wanshang.payments.settlement import settlement_charge as settlement_charge  # charges against a shop
from wanshang.payments.settlement import settlement_credit as settlement_credit  # a charge given back
from wanshang.payments.settlement import settlement_refund_post as settlement_refund_post  # after-sales

SETTLEMENT_KIND_LATE_SHIPMENT = SettlementEntry.Kind.LATE_SHIPMENT
SETTLEMENT_KIND_RETURN_FREIGHT = SettlementEntry.Kind.RETURN_FREIGHT
SETTLEMENT_KIND_AFFILIATE = SettlementEntry.Kind.AFFILIATE
SETTLEMENT_KIND_AFFILIATE_BACK = SettlementEntry.Kind.AFFILIATE_BACK

log = logging.getLogger("wanshang.payments")


PURPOSE_ORDER = Payment.Purpose.ORDER
PURPOSE_AD_TOPUP = Payment.Purpose.AD_TOPUP
_SUBJECTS = {PURPOSE_ORDER: "万商订单", PURPOSE_AD_TOPUP: "万商推广账户充值"}


def payment_create(*, buyer, amount_fen: int, purpose: str = PURPOSE_ORDER, now=None) -> Payment:
    """A pending payment. `purpose` says what it pays for; PaymentSucceeded carries it to the subscribers."""
    return Payment.objects.create(no=new_no("P", now), buyer=buyer, amount_fen=amount_fen, purpose=purpose)


def payment_lock(*, payment_id) -> Payment:
    """Lock a payment row (inside the caller's transaction). Payments are locked before their orders."""
    return Payment.objects.select_for_update().get(pk=payment_id)


def payment_close(*, payment_id) -> None:
    """Every order of a pending payment was cancelled: nothing is left to pay. A payment arriving later is
    refunded in full."""
    Payment.objects.filter(pk=payment_id, status=Payment.Status.PENDING).update(status=Payment.Status.CLOSED)


def payment_refund_unclaimed(*, payment_id, amount_fen: int, reason: str) -> GatewayRefund:
    """Inside the payment's transaction: money that paid for no order goes back. The gateway is called after
    the transaction (`payment_notify`), and by `gateway_refunds_retry` if that call fails."""
    payment = Payment.objects.get(pk=payment_id)
    return _gateway_refund_row(payment=payment, amount_fen=amount_fen, reason=reason)


def payment_start(*, buyer, payment_no: str, gateway_code: str, return_url: str, notify_url: str):
    """The buyer picks a gateway at the cashier. Returns the gateway's PaymentAction."""
    if gateway_code not in {code for code, _ in available_gateways()}:
        raise ValidationError("不支持的支付方式", field="gateway")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(no=payment_no, buyer=buyer).first()
        if payment is None:
            raise NotFound("支付单不存在")
        if payment.status != Payment.Status.PENDING:
            raise Conflict(f"支付单{payment.get_status_display()}，无需再次支付")
        payment.gateway = gateway_code
        payment.save(update_fields=["gateway"])
    try:
        return get_gateway(gateway_code).create_payment(
            payment_no=payment.no,
            amount_fen=payment.amount_fen,
            subject=f"{_SUBJECTS.get(payment.purpose, _SUBJECTS[PURPOSE_ORDER])} {payment.no}",
            return_url=return_url,
            notify_url=notify_url,
        )
    except GatewayError as exc:
        raise Conflict(f"支付渠道暂不可用：{exc}") from exc


def _record(gateway, *, payment_no="", verified, outcome, detail="", body=b"") -> None:
    def text(value, limit: int) -> str:
        # PostgreSQL text cannot hold NUL: keep the row (a refusal must stay on record), mark where it was.
        value = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        return value[:limit].replace("\x00", "\ufffd")

    PaymentNotification.objects.create(
        gateway=text(gateway, 20),
        payment_no=text(payment_no, 64),
        verified=verified,
        outcome=outcome,
        detail=text(detail, 300),
        body=text(body, 4000),
    )


def payment_notify(*, gateway_code: str, body: bytes, content_type: str, headers: dict) -> str:
    """Apply an asynchronous payment notification. Returns the outcome.

    Verifies the signature first; refuses (ValidationError, logged) forged notifications and amount
    mismatches. Duplicates and late or out-of-order notifications change nothing twice. A payment applied
    publishes PaymentSucceeded (orders become paid in the same transaction); money that paid for no order
    (its orders were cancelled first) is sent back once the transaction is over.
    """
    try:
        _check_sandbox_allowed(gateway_code)
        gateway = get_gateway(gateway_code)
    except GatewayError as exc:
        _record(gateway_code, verified=False, outcome="unknown_gateway", detail=str(exc), body=body)
        raise NotFound("未知的支付渠道") from exc
    try:
        note = gateway.parse_notification(body=body, content_type=content_type, headers=headers)
    except SignatureError as exc:
        log.warning("payment notification refused: bad signature (%s): %s", gateway_code, exc)
        _record(gateway_code, verified=False, outcome="bad_signature", detail=str(exc), body=body)
        raise ValidationError("支付通知签名校验失败", field="sign") from exc

    refusal = None
    refund_rows = []
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(no=note.payment_no).first()
        if payment is None:
            refusal = ("unknown_payment", "", NotFound("支付单不存在"))
        elif note.amount_fen != payment.amount_fen:
            log.warning(
                "payment %s: amount mismatch %s != %s", payment.no, note.amount_fen, payment.amount_fen
            )
            refusal = (
                "amount_mismatch",
                f"通知金额 {note.amount_fen} 分，应付 {payment.amount_fen} 分",
                ValidationError("支付金额与订单不符", field="amount"),
            )
        elif not note.paid:
            outcome = "not_paid"
        elif payment.status == Payment.Status.PAID:
            outcome = "duplicate"
        else:
            now = timezone.now()
            was_closed = payment.status == Payment.Status.CLOSED
            payment.status = Payment.Status.PAID
            payment.gateway = gateway_code
            payment.gateway_trade_no = note.gateway_trade_no[:64]
            payment.paid_at = now
            payment.save()
            events.publish(
                PaymentSucceeded(
                    payment_id=payment.pk,
                    payment_no=payment.no,
                    amount_fen=payment.amount_fen,
                    gateway=gateway_code,
                    was_closed=was_closed,
                    purpose=payment.purpose,
                    at=now,
                )
            )
            # Every refund row of this payment is new: until now it was not paid, so it had no order refunds,
            # and unclaimed money is only sent back from here (a subscriber, `payment_refund_unclaimed`).
            refund_rows = list(payment.refunds.all())
            outcome = "paid_after_cancel" if refund_rows else "applied"
        if refusal is None:
            _record(gateway_code, payment_no=payment.no, verified=True, outcome=outcome, body=body)
    if refusal is not None:
        # Logged outside the (rolled back) transaction so the refusal stays on record.
        _record(
            gateway_code,
            payment_no=note.payment_no,
            verified=True,
            outcome=refusal[0],
            detail=refusal[1],
            body=body,
        )
        raise refusal[2]
    for row in refund_rows:
        _gateway_refund_send(row.pk)
    return outcome


def _check_sandbox_allowed(gateway_code: str) -> None:
    if gateway_code == "sandbox" and "sandbox" not in settings.WANSHANG["PAYMENT_GATEWAYS"]:
        raise GatewayError("沙箱支付未启用")


def sandbox_pay(*, buyer, payment_no: str) -> str:
    """The sandbox cashier's 'pay' button: the sandbox gateway signs a notification and we apply it.

    Refused unless the sandbox gateway is enabled (PAYMENT_GATEWAYS), so production cannot pay for free.
    """
    try:
        _check_sandbox_allowed("sandbox")
    except GatewayError as exc:
        raise ValidationError(str(exc), field="gateway") from exc

    payment = Payment.objects.filter(no=payment_no, buyer=buyer).first()
    if payment is None:
        raise NotFound("支付单不存在")
    if payment.status != Payment.Status.PENDING:
        raise Conflict(f"支付单{payment.get_status_display()}，不能支付")
    body = get_gateway("sandbox").build_notification(payment.no, payment.amount_fen)
    return payment_notify(
        gateway_code="sandbox", body=body, content_type="application/x-www-form-urlencoded", headers={}
    )


def _gateway_refund_row(*, payment, amount_fen, reason, order_refund_id=None) -> GatewayRefund:
    if order_refund_id is not None:
        existing = GatewayRefund.objects.filter(order_refund_id=order_refund_id).first()
        if existing:
            return existing
    refunded = sum(
        GatewayRefund.objects.filter(payment=payment)
        .exclude(status=GatewayRefund.Status.FAILED)
        .values_list("amount_fen", flat=True)
    )
    if refunded + amount_fen > payment.amount_fen:
        raise Conflict("退款金额超过实付金额")
    return GatewayRefund.objects.create(
        no=new_no("G"),
        payment=payment,
        amount_fen=amount_fen,
        reason=reason[:200],
        order_refund_id=order_refund_id,
    )


def _gateway_refund_send(refund_row_id) -> GatewayRefund:
    """Call the gateway for one refund row, outside any transaction. Safe to repeat: done rows are skipped."""
    row = GatewayRefund.objects.select_related("payment").get(pk=refund_row_id)
    if row.status == GatewayRefund.Status.SUCCEEDED:
        return row
    payment = row.payment
    try:
        result = get_gateway(payment.gateway or "sandbox").refund(
            payment_no=payment.no,
            gateway_trade_no=payment.gateway_trade_no,
            refund_no=row.no,
            amount_fen=row.amount_fen,
            total_fen=payment.amount_fen,
            reason=row.reason,
        )
        ok, gateway_no, error = result.ok, result.gateway_refund_no, result.message
    except GatewayError as exc:
        ok, gateway_no, error = False, "", str(exc)
    with transaction.atomic():
        row = GatewayRefund.objects.select_for_update().get(pk=row.pk)
        if row.status == GatewayRefund.Status.SUCCEEDED:
            return row
        row.attempts += 1
        if ok:
            row.status = GatewayRefund.Status.SUCCEEDED
            row.gateway_refund_no = gateway_no[:64]
            row.succeeded_at = timezone.now()
            Payment.objects.filter(pk=payment.pk).update(refunded_fen=F("refunded_fen") + row.amount_fen)
        else:
            row.last_error = (error or "退款失败")[:300]
        row.save()
    return row


def gateway_refund(
    *, payment_id, amount_fen: int, reason: str, order_refund_id: int
) -> tuple[bool, str, str]:
    """Refund `amount_fen` of a payment for an order refund. Returns (ok, gateway refund no, error)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None or payment.status != Payment.Status.PAID:
            return False, "", "支付单未支付，无法退款"
        row = _gateway_refund_row(
            payment=payment, amount_fen=amount_fen, reason=reason, order_refund_id=order_refund_id
        )
    row = _gateway_refund_send(row.pk)
    return row.status == GatewayRefund.Status.SUCCEEDED, row.gateway_refund_no, row.last_error


def gateway_refunds_retry(*, now=None) -> int:
    done = 0
    for row_id in GatewayRefund.objects.filter(
        status=GatewayRefund.Status.PENDING, order_refund_id__isnull=True, attempts__lt=20
    ).values_list("pk", flat=True)[:200]:
        if _gateway_refund_send(row_id).status == GatewayRefund.Status.SUCCEEDED:
            done += 1
    return done
