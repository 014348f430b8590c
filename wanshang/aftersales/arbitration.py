"""平台介入: the buyer escalates a rejected case (or one the shop leaves waiting), the three parties write in one
thread with evidence, and an operator decides — full refund, partial refund, reject, or return first — moving
money and stock through the same case and the same money leg as any refund. Re-exported by services.py.

A shop's disputes and how many it lost are read from the cases (`selectors.shop_dispute_stats`) for the risk
center.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from wanshang.aftersales.cases import (
    _attach,
    _locked,
    _return_address,
    _start_refund,
    claimed_units,
)
from wanshang.aftersales.models import Case, CaseLine, CaseMessage, CaseStatus
from wanshang.aftersales.money import refund_pay_back, refund_quote
from wanshang.aftersales.risk import case_override_record
from wanshang.aftersales.transitions import case_transition
from wanshang.common.errors import Conflict, NotFound, ValidationError

C = CaseStatus
DECISIONS = {
    "refund_full": "全额退款",
    "refund_partial": "部分退款",
    "reject": "驳回买家申请",
    "return_first": "先退货后退款",
}
SILENT_BEFORE_ESCALATION = timedelta(hours=24)  # the shop has left a request or a return waiting this long
THREAD_CLOSED = {C.DONE, C.CANCELLED, C.CLOSED}


def case_escalate(*, buyer, case_id, text: str, files=(), now=None) -> Case:
    """The buyer asks the platform to step in: after a rejection, or when the shop has left the request or the
    returned goods waiting for a day. The units must still be free (a rejected case held none)."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not 5 <= len(text) <= 500:
        raise ValidationError("请说明需要平台介入的理由（5–500 字）", field="text")
    with transaction.atomic():
        case, order, order_lines = _locked(case_id, buyer=buyer)
        if (
            case.status in (C.REQUESTED, C.RETURN_SHIPPED)
            and now - case.updated_at < SILENT_BEFORE_ESCALATION
        ):
            raise Conflict("商家处理时限内暂不能申请平台介入，请先等待商家处理")
        if case.status == C.REJECTED:
            claimed = claimed_units(order=order, order_lines=order_lines)
            lines = {line.pk: line for line in order_lines}
            for cl in case.lines.all():
                if claimed.get(cl.order_line_id, 0) + cl.quantity > lines[cl.order_line_id].quantity:
                    raise Conflict("这些商品已在其他售后中处理，不能再申请平台介入")
        case_transition(
            case,
            C.ARBITRATING,
            actor=buyer,
            role="buyer",
            note=f"申请平台介入：{text}",
            now=now,
            extra_fields={"escalated_at": now},
        )
        message = CaseMessage.objects.create(
            case=case, shop_id=case.shop_id, author=buyer, role="buyer", text=text
        )
        _attach(case, list(files or []), user=buyer, role="buyer", message=message)
    return case


def _case_for(*, case_id, user, role: str, shop=None) -> Case:
    if role == "platform":
        case = Case.objects.filter(pk=case_id).first()
    elif role == "seller":
        case = Case.objects.for_shop(shop).filter(pk=case_id).first()
    else:
        case = Case.objects.filter(pk=case_id, buyer=user).first()
    if case is None:
        raise NotFound("售后单不存在")
    return case


def case_message_post(*, case_id, user, role: str, text: str, files=(), shop=None) -> CaseMessage:
    """A message in the case's thread from the buyer (their case), the shop (`shop`) or the platform."""
    text = (text or "").strip()
    if not 1 <= len(text) <= 500:
        raise ValidationError("请填写留言（1–500 字）", field="text")
    if role not in ("buyer", "seller", "platform"):
        raise ValidationError("未知的角色", field="role")
    with transaction.atomic():
        case = _case_for(case_id=case_id, user=user, role=role, shop=shop)
        if case.status in THREAD_CLOSED:
            raise Conflict(f"售后单已{case.get_status_display()}，不能再留言")
        message = CaseMessage.objects.create(
            case=case, shop_id=case.shop_id, author=user, role=role, text=text
        )
        _attach(case, list(files or []), user=user, role=role, message=message)
    return message


def case_arbitrate(
    *, operator, case_id, decision: str, note: str, amount_fen: int | None = None, now=None
) -> Case:
    """The operator decides a case under 平台介入. Money and stock move through the case: a refund starts (and is
    paid after the commit), a return is asked for with the shop's default address, or the case closes."""
    now = now or timezone.now()
    if decision not in DECISIONS:
        raise ValidationError("请选择裁决：全额退款、部分退款、驳回或先退货后退款", field="decision")
    note = (note or "").strip()
    if not 2 <= len(note) <= 300:
        raise ValidationError("请填写裁决说明（2–300 字）", field="note")
    refund = None
    with transaction.atomic():
        case, order, order_lines = _locked(case_id, shop=_shop_of(case_id))
        if case.status != C.ARBITRATING:
            raise Conflict(f"售后单当前为“{case.get_status_display()}”，不在平台介入中")
        fields = {
            "arbitration_decision": decision,
            "arbitration_note": note,
            "arbitrated_by": operator,
            "arbitrated_at": now,
        }
        Case.objects.filter(pk=case.pk).update(**fields)
        for key, value in fields.items():
            setattr(case, key, value)
        label = f"平台裁决：{DECISIONS[decision]}（{note}）"
        case_override_record(case, action="platform_decide", actor=operator, role="platform", outcome=label)
        if decision == "reject":
            case_transition(case, C.CLOSED, actor=operator, role="platform", note=label, now=now)
        elif decision == "return_first":
            case_transition(
                case,
                C.AWAITING_RETURN,
                actor=operator,
                role="platform",
                note=label,
                now=now,
                extra_fields={"return_address": _return_address(case.shop_id, None)},
            )
        else:
            amount = (
                None if decision == "refund_full" else _partial_amount(case, order, order_lines, amount_fen)
            )
            refund = _start_refund(
                case,
                order=order,
                order_lines=order_lines,
                actor=operator,
                role="platform",
                note=label,
                now=now,
                amount_fen=amount,
            )
    if refund is not None:
        refund_pay_back(refund, actor=None)
        case.refresh_from_db()
    return case


def _shop_of(case_id):
    case = Case.objects.select_related("shop").filter(pk=case_id).first()
    if case is None:
        raise NotFound("售后单不存在")
    return case.shop


def _partial_amount(case, order, order_lines, amount_fen) -> int:
    quote = refund_quote(
        order=order,
        lines=[(cl.order_line_id, cl.quantity) for cl in CaseLine.objects.filter(case=case)],
        order_lines=order_lines,
    )
    full = quote.amount_fen - quote.freight_fen  # the goods: a partial refund never reaches the freight
    if amount_fen is None or not 1 <= int(amount_fen) < full:
        raise ValidationError(f"部分退款金额须在 ¥0.01 与 ¥{(full - 1) / 100:.2f} 之间", field="amount_fen")
    return int(amount_fen)
