"""Properties over random sequences of after-sales moves (hypothesis): whatever buyers and the shop do, in any
order and with the gateway failing at times, no line or order is refunded more than it was paid, no unit is held
by two open cases, and every case's audit trail is an unbroken chain of allowed transitions ending where it is.
Among the moves, "instant" opens a 仅退款 the buyer qualifies for as 极速退款 (refunded at application)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wanshang.aftersales.models import OPEN_STATES, Case, CaseLine, Refund
from wanshang.aftersales.money import _cumulative_share, committed
from wanshang.aftersales.services import case_approve, case_cancel, case_open, case_reject, refunds_retry
from wanshang.aftersales.transitions import ALLOWED
from wanshang.common.errors import DomainError
from wanshang.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db

MOVES = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "open",
                "open",
                "instant",
                "instant",
                "approve",
                "approve",
                "approve",
                "reject",
                "cancel",
                "gateway",
                "retry",
            ]
        ),
        st.integers(0, 5),
        st.sampled_from([1, 1, 1, 2, 0, -1, 4]),  # mostly one unit; sometimes a bad quantity
    ),
    min_size=6,
    max_size=24,
)


class Rollback(Exception):
    pass


def _check(order):
    order = Order.objects.get(pk=order.pk)
    lines = list(OrderLine.objects.filter(order=order))
    paying = Refund.objects.filter(order=order, status__in=["processing", "refunded"])
    assert sum(r.amount_fen for r in paying) <= order.total_fen
    held: dict[int, int] = {}
    for line_id, qty in CaseLine.objects.filter(case__order=order, case__status__in=OPEN_STATES).values_list(
        "order_line_id", "quantity"
    ):
        held[line_id] = held.get(line_id, 0) + qty
    owed = committed(order=order, order_lines=lines)
    paying_lines = {
        line_id
        for lines_of in Refund.objects.filter(order=order, status="processing").values_list(
            "lines", flat=True
        )
        for line_id, _, _ in lines_of
    }
    for line in lines:
        assert 0 <= line.refunded_fen <= line.payable_fen
        # exact: the units refunded or paying out got exactly the cumulative share of the first units, whatever
        # the order. Refunds may complete out of order (a later unit's while an earlier one still pays out), so
        # the refunded units alone are exact only when nothing of the line is still paying out.
        assert owed.fen[line.pk] == _cumulative_share(line, owed.qty[line.pk])
        if line.pk not in paying_lines:
            assert line.refunded_fen == _cumulative_share(line, line.refunded_qty)
        assert line.refunded_qty + held.get(line.pk, 0) <= line.quantity  # done or open: never two on a unit
    for case in Case.objects.filter(order=order):
        trail = list(case.events.values_list("from_status", "to_status"))
        assert trail[0][0] == ""
        for (_, before), (after_from, after_to) in zip(trail, trail[1:], strict=False):
            assert after_from == before and after_to in ALLOWED[before]
        assert trail[-1][1] == case.status


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(moves=MOVES)
# a second case quoted while the first refund still pays out (it must quote the next unit, not the first again):
# the random search rarely reaches this exact order, so it is always tried
@example(
    moves=[
        ("open", 1, 1),
        ("approve", 0, 0),
        ("open", 1, 1),
        ("approve", 1, 0),
        ("gateway", 0, 0),
        ("retry", 0, 0),
    ]
)
# a later unit's refund completes while an earlier one still pays out (found by the random search)
@example(
    moves=[
        ("open", 0, 1),
        ("open", 4, 1),
        ("open", 1, 1),
        ("approve", 1, 1),
        ("gateway", 0, 0),
        ("approve", 2, 1),
    ]
)
# an instant refund paying out while a case on the next unit of the same line is quoted and approved
@example(
    moves=[
        ("instant", 1, 1),
        ("open", 1, 1),
        ("approve", 1, 0),
        ("gateway", 0, 0),
        ("instant", 1, 1),
        ("retry", 0, 0),
    ]
)
def test_any_sequence_keeps_refunds_within_what_was_paid(moves, order, shop, reason, gateway_down, settings):
    gateway_down.down = True  # refunds pile up paying out until a move brings the gateway back
    order.buyer.date_joined = timezone.now() - timedelta(days=400)  # old enough for 极速退款
    order.buyer.save(update_fields=["date_joined"])
    plain = {**settings.WANSHANG, "INSTANT_REFUND_ENABLED": False}
    instant = {**plain, "INSTANT_REFUND_ENABLED": True}
    OrderLine.objects.filter(order=order, title="陶瓷杯").update(
        payable_fen=8999
    )  # 3 units: 3000 / 3000 / 2999
    Order.objects.filter(pk=order.pk).update(total_fen=order.total_fen - 1)
    why = reason("不想要了")
    lines = list(order.lines.order_by("pk"))
    try:
        with transaction.atomic():
            cases: list[int] = []
            for op, a, b in moves:
                try:
                    if op in ("open", "instant"):
                        line = (
                            lines[0] if a % 3 else lines[1]
                        )  # mostly the cups, whose units are owed unequal fen
                        settings.WANSHANG = instant if op == "instant" else plain
                        c = case_open(
                            buyer=order.buyer,
                            order_id=order.pk,
                            case_type="refund_only",
                            lines=[(line.pk, b)],
                            reason_id=why.pk,
                        )
                        assert c.instant_refund == (
                            op == "instant"
                        )  # the buyer qualifies: low risk, unshipped
                        cases.append(c.pk)
                    elif op in ("approve", "reject", "cancel") and cases:
                        case_id = cases[a % len(cases)]
                        if op == "approve":
                            case_approve(shop=shop, case_id=case_id, actor=shop.owner)
                        elif op == "reject":
                            case_reject(shop=shop, case_id=case_id, actor=shop.owner, reason="不同意退款")
                        else:
                            case_cancel(buyer=order.buyer, case_id=case_id)
                    elif op == "gateway":
                        gateway_down.down = not gateway_down.down
                    elif op == "retry":
                        refunds_retry()
                except DomainError:
                    pass
                _check(order)
            raise Rollback
    except Rollback:
        pass
