"""售后 reads for the faces: a shop's refunds (always through its scope), a buyer's current request."""

from wanshang.aftersales.models import Refund
from wanshang.common.errors import NotFound

REFUND_STATUS_LABELS: dict[str, str] = dict(Refund.Status.choices)


def seller_refund_list(*, shop, status: str | None = None):
    qs = Refund.objects.for_shop(shop).select_related("order", "buyer")
    return qs.filter(status=status) if status else qs


def seller_refund_get(*, shop, refund_id) -> Refund:
    refund = Refund.objects.for_shop(shop).select_related("order", "buyer").filter(pk=refund_id).first()
    if refund is None:
        raise NotFound("退款申请不存在")
    return refund


def seller_refunds_open(*, shop) -> int:
    """Refund requests waiting for the merchant (the dashboard's 待处理退款)."""
    return Refund.objects.for_shop(shop).filter(status=Refund.Status.REQUESTED).count()


def order_for_refund(order) -> Refund | None:
    """The order's current refund (any state but withdrawn), for the buyer's order page."""
    return order.refunds.exclude(status=Refund.Status.WITHDRAWN).first()


def refund_items(*, refund) -> list[dict]:
    """The units a refund covers, for display: title, spec, quantity, amount (fen)."""
    lines = {line.pk: line for line in refund.order.lines.all()}
    return [
        {
            "title": lines[line_id].title,
            "spec_text": lines[line_id].spec_text,
            "quantity": qty,
            "amount_fen": amount,
        }
        for line_id, qty, amount in refund.lines
        if line_id in lines
    ]
