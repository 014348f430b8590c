"""The after-sales state machine: the one place that changes `Case.status`, sets the next deadline and writes the
audit row, all in the caller's transaction. Which party may take a transition is the services' business."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from wanshang.aftersales.models import Case, CaseEvent, CaseStatus, CaseType
from wanshang.common.errors import InvalidTransition

C = CaseStatus

ALLOWED: dict[str, set[str]] = {
    C.REQUESTED: {C.APPROVED, C.REJECTED, C.CANCELLED, C.ARBITRATING},
    C.APPROVED: {C.AWAITING_RETURN, C.REFUNDING},
    C.REJECTED: {C.ARBITRATING},
    C.AWAITING_RETURN: {C.RETURN_SHIPPED, C.CANCELLED, C.CLOSED},
    C.RETURN_SHIPPED: {C.RETURN_RECEIVED, C.ARBITRATING},
    C.RETURN_RECEIVED: {C.REFUNDING, C.RESHIPPING},
    C.REFUNDING: {C.DONE},
    C.RESHIPPING: {C.DONE, C.REFUNDING},  # the shop never sent the replacement: the timer refunds instead
    C.ARBITRATING: {C.REFUNDING, C.AWAITING_RETURN, C.CLOSED},
    C.DONE: set(),
    C.CANCELLED: set(),
    C.CLOSED: set(),
}

TERMINAL = {C.DONE, C.CANCELLED, C.CLOSED}

# Who must act in each state (the countdown is shown to them); None: nobody is waited for.
ACTOR_DUE: dict[str, str | None] = {
    C.REQUESTED: "seller",
    C.AWAITING_RETURN: "buyer",
    C.RETURN_SHIPPED: "seller",
    C.RESHIPPING: "seller",
    C.ARBITRATING: "platform",
}


def deadline_for(case: Case, status: str, now):
    """When the timer decides for the silent party in `status` (settings, docs/aftersales.md), or None."""
    cfg = settings.WANSHANG
    if status == C.REQUESTED:
        if case.type == CaseType.REFUND_ONLY and not case.order_shipped:
            return now + timedelta(hours=cfg["AFTERSALES_REFUND_ONLY_SILENT_HOURS"])
        return now + timedelta(days=cfg["AFTERSALES_REQUEST_SILENT_DAYS"])
    if status == C.AWAITING_RETURN:
        return now + timedelta(days=cfg["AFTERSALES_BUYER_RETURN_DAYS"])
    if status == C.RETURN_SHIPPED:
        return now + timedelta(days=cfg["AFTERSALES_SHOP_CONFIRM_DAYS"])
    if status == C.RESHIPPING:
        return now + timedelta(days=cfg["AFTERSALES_RESHIP_DAYS"])
    return None


def case_transition(
    case: Case, to: str, *, actor=None, role: str, note: str = "", now=None, extra_fields: dict | None = None
) -> Case:
    """Move a locked case to `to`, set its next deadline and write the audit row. InvalidTransition names both
    states when `to` is not reachable, or when a concurrent change got there first."""
    current = case.status
    if to not in ALLOWED.get(current, set()):
        raise InvalidTransition(f"售后单{case.no}当前为“{C(current).label}”，不能变为“{C(to).label}”")
    now = now or timezone.now()
    fields = {
        "status": to,
        "deadline_at": deadline_for(case, to, now),
        "updated_at": now,
        **(extra_fields or {}),
    }
    if to in TERMINAL:
        fields["closed_at"] = now
    updated = Case.objects.filter(pk=case.pk, status=current).update(**fields)
    if updated != 1:
        raise InvalidTransition(f"售后单{case.no}状态已变化，请刷新后重试")
    for key, value in fields.items():
        setattr(case, key, value)
    CaseEvent.objects.create(
        case=case,
        shop_id=case.shop_id,
        from_status=current,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        role=role,
        note=(note or "")[:300],
    )
    return case
