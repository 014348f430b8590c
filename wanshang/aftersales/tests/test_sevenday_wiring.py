"""The after-sales side of the 7天无理由 and 延迟发货 rules (orders owns them: docs/aftersales-rules.md)."""

from datetime import timedelta

import pytest

from wanshang.aftersales.services import case_open
from wanshang.common.errors import ValidationError

pytestmark = pytest.mark.django_db


def _no_reason(order, reason, now=None):
    return case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="return_refund",
        lines=[(order.lines.get(title="陶瓷杯").pk, 1)],
        reason_id=reason("七天无理由").pk,
        now=now,
    )


def test_no_reason_return_only_within_7_days_of_receipt(make_order, ship, receive, reason):
    shipped, received = make_order(), make_order()
    ship(shipped)
    with pytest.raises(ValidationError, match="不支持七天无理由退货或已超过期限"):
        _no_reason(shipped, reason)  # not received yet: the 7 days have not started
    receive(received)
    received.refresh_from_db()
    with pytest.raises(ValidationError, match="七天无理由"):
        _no_reason(received, reason, now=received.received_at + timedelta(days=9))
    assert _no_reason(received, reason).status == "requested"


def test_a_refund_asked_before_the_deadline_exempts_the_late_shipment(make_order, reason):
    from wanshang.orders.models import LateShipment
    from wanshang.orders.services import late_shipments_flag

    asked, silent = make_order(), make_order()
    case_open(
        buyer=asked.buyer,
        order_id=asked.pk,
        case_type="refund_only",
        lines=[(asked.lines.get(title="杯垫").pk, 1)],
        reason_id=reason("不想要了").pk,
    )
    later = max(asked.ship_deadline, silent.ship_deadline) + timedelta(hours=1)
    assert late_shipments_flag(now=later) == 2
    assert LateShipment.objects.get(order=asked).exempt_reason.startswith("买家在最晚发货时间前申请了仅退款")
    assert LateShipment.objects.get(order=silent).exempt_reason == ""
