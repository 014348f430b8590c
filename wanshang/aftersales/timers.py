"""Timers that decide for the silent party (settings WANSHANG["AFTERSALES_*"], docs/aftersales.md).

Each case carries the deadline of its current state (`deadline_at`, set by every transition). The job takes the
cases whose deadline has passed and decides as the rules say; a case decided leaves its state (and gets the next
state's deadline, counted from the decision), so a second run finds nothing to do, and a run after days of
downtime decides every case that fell due meanwhile. Each case on its own: one that is refused or raises is
logged and the others go on.

- requested, 仅退款 of an unshipped order, shop silent 48 h → approved and refunded;
- requested, any other case, shop silent 5 days → approved (退货退款 / 换货 with the shop's default return
  address; a shop without one has the platform step in);
- awaiting the buyer's return for 7 days → closed;
- return shipped, the shop has not confirmed it in 10 days → received, and refunded (or reshipping for 换货);
- refund-risk friction first (docs/refund-risk.md): a medium-risk buyer's 仅退款 of a delivered order, and for a
  high-risk buyer any 仅退款 request or shipped return, go to the platform's manual review instead;
- 换货 reshipping, the shop has not sent the replacement in 5 days → the replacement's reservation is released
  and the returned units are refunded instead (they are back on hand already, so nothing is restocked twice).
"""

import logging

from django.db import transaction
from django.utils import timezone

from wanshang.aftersales.cases import (
    _locked,
    _release_replacement,
    _start_refund,
    case_approve,
    case_return_receive,
)
from wanshang.aftersales.models import Case, CaseStatus, CaseType, ReturnAddress
from wanshang.aftersales.money import refund_pay_back
from wanshang.aftersales.risk import risk_decision_record, stored_assessment, timer_manual_review
from wanshang.aftersales.transitions import case_transition

log = logging.getLogger("wanshang.aftersales")
C = CaseStatus
DUE_STATES = (C.REQUESTED, C.AWAITING_RETURN, C.RETURN_SHIPPED, C.RESHIPPING)


def _to_review(case: Case, now) -> bool:
    """Refund-risk friction (docs/refund-risk.md): a decision the timer may not take goes to the platform's
    manual review instead (平台介入, marked as a risk review, not a dispute), audited. True when it did."""
    if case.status not in (C.REQUESTED, C.RETURN_SHIPPED):
        return False
    with transaction.atomic():
        locked, order, _lines = _locked(case.pk, shop=case.shop)
        note = timer_manual_review(locked, order)
        if not note:
            return False
        case_transition(
            locked, C.ARBITRATING, role="system", now=now, note=note, extra_fields={"risk_review": True}
        )
        risk_decision_record(
            assessment=stored_assessment(locked),
            buyer_id=locked.buyer_id,
            shop_id=locked.shop_id,
            case=locked,
            order_id=locked.order_id,
            role="system",
            action="timer_manual_review",
            outcome=note,
        )
    return True


def _decide(case: Case, now) -> None:
    if _to_review(case, now):
        return
    if case.status == C.REQUESTED:
        if (
            case.type != CaseType.REFUND_ONLY
            and not ReturnAddress.objects.filter(shop_id=case.shop_id).exists()
        ):
            with transaction.atomic():
                locked, _order, _lines = _locked(case.pk, shop=case.shop)
                case_transition(
                    locked,
                    C.ARBITRATING,
                    role="system",
                    now=now,
                    note="商家超时未处理且未设置退货地址，平台介入",
                )
            return
        case_approve(
            shop=case.shop,
            case_id=case.pk,
            actor=None,
            role="system",
            note="商家超时未处理，系统自动同意",
            now=now,
        )
    elif case.status == C.AWAITING_RETURN:
        with transaction.atomic():
            locked, _order, _lines = _locked(case.pk, shop=case.shop)
            case_transition(locked, C.CLOSED, role="system", now=now, note="买家超时未寄回，售后关闭")
            _release_replacement(locked)
    elif case.status == C.RESHIPPING:
        with transaction.atomic():
            locked, order, order_lines = _locked(case.pk, shop=case.shop)
            _release_replacement(locked)
            refund = _start_refund(
                locked,
                order=order,
                order_lines=order_lines,
                actor=None,
                role="system",
                note="商家超时未发出换货，改为退款",
                now=now,
            )
        refund_pay_back(refund, actor=None)
    elif case.status == C.RETURN_SHIPPED:
        case_return_receive(
            shop=case.shop,
            case_id=case.pk,
            actor=None,
            role="system",
            note="商家超时未确认收货，系统自动确认",
            now=now,
        )


def cases_due(*, now=None, limit: int = 500) -> int:
    """Decide every case whose deadline has passed (oldest first). Returns how many were decided."""
    now = now or timezone.now()
    ids = list(
        Case.objects.filter(status__in=DUE_STATES, deadline_at__lte=now)
        .order_by("deadline_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for case in Case.objects.filter(pk__in=ids).select_related("shop").order_by("deadline_at", "pk"):
        try:
            _decide(case, now)
            done += 1
        except Exception:  # noqa: BLE001 — one case must not stop the others; it is tried again next run
            log.exception("after-sales timer: case %s", case.no)
    return done
