from django.db.models import Sum

from wanshang.common.errors import NotFound
from wanshang.payments.gateways import available_gateways as available_gateways  # the cashier's choices
from wanshang.payments.models import Payment, PaymentNotification, SettlementEntry


def payment_get_for_buyer(*, buyer, payment_no: str) -> Payment:
    payment = Payment.objects.filter(no=payment_no, buyer=buyer).prefetch_related("orders__shop").first()
    if payment is None:
        raise NotFound("支付单不存在")
    return payment


def payment_of_buyer(*, buyer, payment_id) -> Payment | None:
    """The buyer's payment with this id, or None (an id from another buyer is None too)."""
    return Payment.objects.filter(pk=payment_id, buyer=buyer).first() if payment_id else None


def settlement_list(*, shop, status: str | None = None):
    qs = SettlementEntry.objects.for_shop(shop).select_related("order")
    return qs.filter(status=status) if status else qs


def settlement_totals(*, shop) -> dict[str, int]:
    rows = SettlementEntry.objects.for_shop(shop).values("status").annotate(net=Sum("net_fen"))
    totals = {s: 0 for s in SettlementEntry.Status.values}
    totals.update({r["status"]: r["net"] or 0 for r in rows})
    return totals


def notification_list(*, limit: int = 100):
    return PaymentNotification.objects.all()[:limit]


# Outcomes of a notification we accepted; anything else was refused (forged, unknown, amount mismatch …).
NOTIFICATION_ACCEPTED_OUTCOMES = ("applied", "duplicate", "not_paid", "paid_after_cancel")


def notification_refused_list(*, limit: int = 10):
    return PaymentNotification.objects.exclude(outcome__in=NOTIFICATION_ACCEPTED_OUTCOMES)[:limit]


def notification_refused_count() -> int:
    return PaymentNotification.objects.exclude(outcome__in=NOTIFICATION_ACCEPTED_OUTCOMES).count()


SETTLEMENT_STATUSES = SettlementEntry.Status.choices
