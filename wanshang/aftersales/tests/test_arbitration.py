"""平台介入: escalation, the three-party thread, each decision moving money and stock through the case, and the
shop's dispute figures for the risk center."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.aftersales.selectors import case_messages, shop_dispute_stats
from wanshang.aftersales.services import (
    case_arbitrate,
    case_escalate,
    case_message_post,
    case_open,
    case_reject,
)
from wanshang.common.errors import Conflict, NotFound, ValidationError

pytestmark = pytest.mark.django_db


def _rejected(order, shop, reason, qty=1, kind="refund_only"):
    cup = order.lines.get(title="陶瓷杯")
    case = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type=kind,
        lines=[(cup.pk, qty)],
        reason_id=reason("少件/错发").pk,
    )
    return case_reject(shop=shop, case_id=case.pk, actor=shop.owner, reason="已按订单发全")


def test_escalate_thread_and_full_refund(order, shop, reason, operator, make_user):
    case = _rejected(order, shop, reason)
    case = case_escalate(buyer=order.buyer, case_id=case.pk, text="收到只有两个杯子，商家拒绝退款")
    assert case.status == "arbitrating" and case.escalated_at
    case_message_post(case_id=case.pk, user=shop.owner, role="seller", shop=shop, text="出库称重记录为三件")
    case_message_post(case_id=case.pk, user=operator, role="platform", text="请买家上传包裹照片")
    with pytest.raises(NotFound):
        case_message_post(case_id=case.pk, user=make_user(), role="buyer", text="路过")
    assert [m.role for m in case_messages(case=case)] == ["buyer", "seller", "platform"]
    case = case_arbitrate(
        operator=operator, case_id=case.pk, decision="refund_full", note="物流重量与三件不符"
    )
    assert case.status == "done" and case.arbitration_decision == "refund_full"
    assert case.refunds.get().amount_fen == 3000 + 0
    assert shop_dispute_stats(shop_id=shop.pk) == {"disputes": 1, "decided": 1, "lost": 1, "loss_rate": 1.0}
    with pytest.raises(Conflict, match="不能再留言"):
        case_message_post(case_id=case.pk, user=order.buyer, role="buyer", text="谢谢")


def test_partial_refund_pays_money_without_units_and_the_cap_holds(order, shop, reason, operator):
    from wanshang.aftersales.services import case_approve

    case = case_escalate(
        buyer=order.buyer, case_id=_rejected(order, shop, reason, qty=2).pk, text="两件都有瑕疵"
    )
    with pytest.raises(ValidationError, match="部分退款金额"):
        case_arbitrate(
            operator=operator, case_id=case.pk, decision="refund_partial", note="协商", amount_fen=6000
        )
    case = case_arbitrate(
        operator=operator, case_id=case.pk, decision="refund_partial", note="瑕疵补偿", amount_fen=2000
    )
    cup = order.lines.get(title="陶瓷杯")
    assert case.status == "done" and (cup.refunded_qty, cup.refunded_fen) == (0, 2000)
    rest = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(cup.pk, 3)],
        reason_id=reason("不想要了").pk,
    )
    case_approve(shop=shop, case_id=rest.pk, actor=shop.owner)
    cup.refresh_from_db()
    assert (cup.refunded_qty, cup.refunded_fen) == (3, 9000)  # never more than the line was paid


def test_reject_and_return_first(make_order, shop, receive, reason, operator, address_book):
    lost, won = make_order(), make_order()
    for o in (lost, won):
        receive(o)
    a = case_escalate(
        buyer=lost.buyer, case_id=_rejected(lost, shop, reason, kind="return_refund").pk, text="商家拒绝退货"
    )
    b = case_escalate(
        buyer=won.buyer, case_id=_rejected(won, shop, reason, kind="return_refund").pk, text="商家拒绝退货"
    )
    a = case_arbitrate(operator=operator, case_id=a.pk, decision="return_first", note="请先退回商品")
    assert a.status == "awaiting_return" and a.return_address["contact"] == "王仓管"
    b = case_arbitrate(operator=operator, case_id=b.pk, decision="reject", note="超出售后范围")
    assert b.status == "closed"
    with pytest.raises(Conflict, match="不在平台介入中"):
        case_arbitrate(operator=operator, case_id=b.pk, decision="refund_full", note="改判")
    assert shop_dispute_stats(shop_id=shop.pk) == {"disputes": 2, "decided": 2, "lost": 1, "loss_rate": 0.5}


def test_escalation_rules(order, shop, reason):
    cup = order.lines.get(title="陶瓷杯")
    waiting = case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(cup.pk, 1)],
        reason_id=reason("不想要了").pk,
    )
    with pytest.raises(Conflict, match="商家处理时限内"):
        case_escalate(buyer=order.buyer, case_id=waiting.pk, text="商家一直不处理")
    later = case_escalate(
        buyer=order.buyer, case_id=waiting.pk, text="商家一直不处理", now=timezone.now() + timedelta(hours=25)
    )
    assert later.status == "arbitrating"
    rejected = _rejected(order, shop, reason, qty=2)
    case_open(
        buyer=order.buyer,
        order_id=order.pk,
        case_type="refund_only",
        lines=[(cup.pk, 2)],
        reason_id=reason("不想要了").pk,
    )
    with pytest.raises(Conflict, match="其他售后"):
        case_escalate(buyer=order.buyer, case_id=rejected.pk, text="要求平台处理")
    with pytest.raises(ValidationError):
        case_escalate(buyer=order.buyer, case_id=rejected.pk, text="短")
