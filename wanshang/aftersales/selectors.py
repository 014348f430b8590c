"""售后 reads for the faces: a shop's refunds and cases (always through its scope), a buyer's requests and cases,
the platform's reasons."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from wanshang.aftersales.cases import claimed_units
from wanshang.aftersales.instant import (  # noqa: F401 — 极速退款 reads (docs/refund-risk.md)
    REASON_CODES as INSTANT_REASON_CODES,
)
from wanshang.aftersales.instant import (  # noqa: F401
    InstantFigures,
    InstantVerdict,
    buyers_instant_figures,
    platform_instant_figures,
    risky_buyers_page,
    shop_instant_figures,
    shop_instant_refund_on,
)
from wanshang.aftersales.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CaseEvidence,
    CaseLine,
    CaseMessage,
    CaseReason,
    CaseStatus,
    CaseType,
    Refund,
    ReturnAddress,
)
from wanshang.aftersales.risk import (  # noqa: F401 — 退款风险 reads (docs/refund-risk.md)
    ACTIONS as RISK_ACTIONS,
)
from wanshang.aftersales.risk import (  # noqa: F401
    FLAG_LABELS as RISK_FLAG_LABELS,
)
from wanshang.aftersales.risk import (  # noqa: F401
    LEVEL_LABELS as RISK_LEVEL_LABELS,
)
from wanshang.aftersales.risk import (  # noqa: F401
    Assessment,
    RiskyBuyer,
    buyer_cases_with_risk,
    buyer_flag,
    buyer_risk,
    buyer_risk_trail,
    case_risk,
    risky_buyers,
    risky_buyers_detail,
)
from wanshang.aftersales.transitions import ACTOR_DUE
from wanshang.common.errors import NotFound

REFUND_STATUS_LABELS: dict[str, str] = dict(Refund.Status.choices)


def seller_refund_list(*, shop, status: str | None = None):
    qs = Refund.objects.for_shop(shop).select_related("order", "buyer", "case")
    return qs.filter(status=status) if status else qs


def seller_refund_get(*, shop, refund_id) -> Refund:
    refund = (
        Refund.objects.for_shop(shop).select_related("order", "buyer", "case").filter(pk=refund_id).first()
    )
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


# --- after-sales cases --------------------------------------------------------------------------------------------

CASE_STATUS_LABELS: dict[str, str] = dict(CaseStatus.choices)
CASE_TYPE_LABELS: dict[str, str] = dict(CaseType.choices)
CASE_TYPES = CaseType.choices
CASE_STATUSES = CaseStatus.choices
DUE_PARTY = ACTOR_DUE


def reason_list(*, case_type: str | None = None, active_only: bool = True) -> list[CaseReason]:
    """The platform's reasons, for a case type (the buyer's choice) or all of them (the platform's list)."""
    rows = list(CaseReason.objects.filter(active=True) if active_only else CaseReason.objects.all())
    return [r for r in rows if r.offered_for(case_type)] if case_type else rows


def reason_get(*, reason_id) -> CaseReason:
    row = CaseReason.objects.filter(pk=reason_id).first()
    if row is None:
        raise NotFound("原因不存在")
    return row


def _cases():
    return Case.objects.select_related("order", "shop", "buyer").prefetch_related("lines__order_line")


def buyer_case_list(*, buyer, status: str | None = None):
    qs = _cases().filter(buyer=buyer)
    return (
        qs.filter(status__in=OPEN_STATES) if status == "open" else qs.filter(status=status) if status else qs
    )


def buyer_case_get(*, buyer, case_id) -> Case:
    case = _cases().filter(buyer=buyer, pk=case_id).first()
    if case is None:
        raise NotFound("售后单不存在")
    return case


def seller_case_list(
    *, shop, status: str | None = None, due: str | None = None, case_type: str | None = None, now=None
):
    """The shop's cases, newest first; `due`: "overdue" (deadline passed), "24h" (within a day), "mine" (the
    shop must act). Always through the shop's scope."""
    now = now or timezone.now()
    qs = Case.objects.for_shop(shop).select_related("order", "buyer").prefetch_related("lines__order_line")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATES)
    elif status:
        qs = qs.filter(status=status)
    if case_type:
        qs = qs.filter(type=case_type)
    seller_states = [s for s, who in ACTOR_DUE.items() if who == "seller"]
    if due == "mine":
        qs = qs.filter(status__in=seller_states)
    elif due == "24h":
        qs = qs.filter(status__in=seller_states, deadline_at__lte=now + timedelta(hours=24))
    elif due == "overdue":
        qs = qs.filter(deadline_at__lte=now)
    return qs


def seller_case_get(*, shop, case_id) -> Case:
    case = (
        Case.objects.for_shop(shop)
        .select_related("order", "buyer")
        .prefetch_related("lines__order_line")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("售后单不存在")
    return case


def seller_cases_waiting(*, shop) -> int:
    """Cases waiting for the shop (the dashboard and the menu badge)."""
    states = [s for s, who in ACTOR_DUE.items() if who == "seller"]
    return Case.objects.for_shop(shop).filter(status__in=states).count()


def case_items(*, case) -> list[dict]:
    """The units a case is about, for display: line id, title, spec, image, quantity, unit price (fen)."""
    return [
        {
            "line_id": cl.order_line_id,
            "title": cl.order_line.title,
            "spec_text": cl.order_line.spec_text,
            "image": cl.order_line.image,
            "quantity": cl.quantity,
            "unit_price_fen": cl.order_line.unit_price_fen,
        }
        for cl in case.lines.all()  # the list selectors prefetch lines__order_line
    ]


def case_timeline(*, case) -> list[CaseEvent]:
    return list(case.events.select_related("actor"))


def case_evidence(*, case) -> list[CaseEvidence]:
    return list(case.evidence.select_related("asset"))


def case_refund(*, case) -> Refund | None:
    return case.refunds.order_by("-id").first()


def case_deadline(*, case, now=None) -> dict | None:
    """Who must act and by when: {"party", "at", "seconds_left"} for the countdown, or None."""
    party = ACTOR_DUE.get(case.status)
    if not party or case.deadline_at is None:
        return None
    now = now or timezone.now()
    return {
        "party": party,
        "at": case.deadline_at,
        "seconds_left": max(int((case.deadline_at - now).total_seconds()), 0),
    }


def order_cases(*, order) -> list[Case]:
    """Every case on an order (the order pages)."""
    return list(Case.objects.filter(order_id=order.pk).prefetch_related("lines"))


def order_claimable(*, order) -> dict[int, int]:
    """Units of each line a new case may still take (the 申请售后 form's limits)."""
    lines = list(order.lines.all())
    claimed = claimed_units(order=order, order_lines=lines)
    return {line.pk: max(line.quantity - claimed.get(line.pk, 0), 0) for line in lines}


def return_address_list(*, shop) -> list[ReturnAddress]:
    return list(ReturnAddress.objects.for_shop(shop))


def return_address_get(*, shop, address_id) -> ReturnAddress:
    row = ReturnAddress.objects.for_shop(shop).filter(pk=address_id).first()
    if row is None:
        raise NotFound("退货地址不存在")
    return row


# --- 平台介入 -------------------------------------------------------------------------------------------------------

BUYER_WINS = ("refund_full", "refund_partial", "return_first")


def arbitration_queue():
    """Cases waiting for the platform, oldest escalation first."""
    return (
        Case.objects.filter(status=CaseStatus.ARBITRATING)
        .select_related("order", "shop", "buyer")
        .prefetch_related("lines__order_line")
        .order_by("escalated_at", "pk")
    )


def platform_case_get(*, case_id) -> Case:
    case = _cases().filter(pk=case_id).first()
    if case is None:
        raise NotFound("售后单不存在")
    return case


def case_messages(*, case) -> list[CaseMessage]:
    return list(case.messages.select_related("author").prefetch_related("images__asset"))


def shop_dispute_stats(*, shop_id: int, since=None) -> dict:
    """For the risk center: a shop's cases taken to 平台介入 (since `since`), how many the platform decided,
    how many against the shop (a refund, or a return ordered), and the loss rate of those decided (0–1)."""
    qs = Case.objects.filter(shop_id=shop_id, escalated_at__isnull=False)
    if since is not None:
        qs = qs.filter(escalated_at__gte=since)
    disputes = qs.count()
    decided = qs.exclude(arbitration_decision="").count()
    lost = qs.filter(arbitration_decision__in=BUYER_WINS).count()
    return {
        "disputes": disputes,
        "decided": decided,
        "lost": lost,
        "loss_rate": round(lost / decided, 4) if decided else 0.0,
    }


# --- 数据中心 · 售后分析 (insights reads these) --------------------------------------------------------------------


@dataclass(frozen=True)
class AfterSalesFigures:
    """A shop's after-sales in a period: refunds paid back in it, cases opened in it, disputes decided in it."""

    refunds: int  # refunds whose money came back in the period
    refund_fen: int
    refunded_line_ids: frozenset[int]  # the order lines those refunds touched
    refund_seconds: tuple[
        float, ...
    ]  # per refund: from the request (its case, else the refund) to the money back
    cases_opened: int
    disputes_lost: int  # 平台介入 decided against the shop (a refund, or a return ordered) in the period


def shop_aftersales_figures(*, shop, since, until) -> AfterSalesFigures:
    refunds = list(
        Refund.objects.for_shop(shop)
        .filter(status=Refund.Status.REFUNDED, refunded_at__gte=since, refunded_at__lt=until)
        .select_related("case")
    )
    return AfterSalesFigures(
        refunds=len(refunds),
        refund_fen=sum(r.amount_fen for r in refunds),
        refunded_line_ids=frozenset(int(line[0]) for r in refunds for line in (r.lines or [])),
        refund_seconds=tuple(
            (r.refunded_at - (r.case.created_at if r.case_id else r.created_at)).total_seconds()
            for r in refunds
        ),
        cases_opened=Case.objects.for_shop(shop).filter(created_at__gte=since, created_at__lt=until).count(),
        disputes_lost=Case.objects.for_shop(shop)
        .filter(arbitrated_at__gte=since, arbitrated_at__lt=until, arbitration_decision__in=BUYER_WINS)
        .exclude(
            risk_review=True
        )  # the platform reviewing a risky buyer's refund is not a dispute the shop lost
        .count(),
    )


@dataclass
class ProductReasons:
    product_id: int
    title: str
    cases: int
    reasons: list[tuple[str, int]] = field(default_factory=list)  # (reason, cases), most first


def shop_case_reasons_by_product(
    *, shop, since, until, limit: int = 10, reasons: int = 3
) -> list[ProductReasons]:
    """The products with the most after-sales cases opened in the period, each with its top reasons."""
    rows = (
        CaseLine.objects.for_shop(shop)
        .filter(case__created_at__gte=since, case__created_at__lt=until)
        .values("order_line__product_id", "case__reason_text")
        .annotate(cases=Count("case_id", distinct=True), title=Max("order_line__title"))
    )
    products: dict[int, ProductReasons] = {}
    for row in rows:
        pid = row["order_line__product_id"]
        entry = products.setdefault(pid, ProductReasons(product_id=pid, title=row["title"], cases=0))
        entry.cases += row["cases"]
        entry.reasons.append((row["case__reason_text"], row["cases"]))
    top = sorted(products.values(), key=lambda p: (-p.cases, p.product_id))[:limit]
    for entry in top:
        entry.reasons = sorted(entry.reasons, key=lambda r: (-r[1], r[0]))[:reasons]
    return top


# --- 体检中心 (health reads these, one query each over all shops) --------------------------------------------


def shops_cases_by_reason(*, shop_ids, reason: str, since, until) -> dict[int, int]:
    """shop → after-sales cases opened in [since, until) with this reason (描述不符), leaving out the ones the
    platform's 平台介入 decided for the shop (arbitration `reject`)."""
    return dict(
        Case.objects.filter(
            shop_id__in=list(shop_ids), reason_text=reason, created_at__gte=since, created_at__lt=until
        )
        .exclude(arbitration_decision="reject")
        .values_list("shop_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def shops_refunded_orders(*, shop_ids, since, until) -> dict[int, int]:
    """shop → distinct orders with a refund paid back in [since, until)."""
    return dict(
        Refund.objects.filter(
            shop_id__in=list(shop_ids),
            status=Refund.Status.REFUNDED,
            refunded_at__gte=since,
            refunded_at__lt=until,
        )
        .values_list("shop_id")
        .annotate(n=Count("order_id", distinct=True))
        .order_by()
    )


def shops_disputes_decided(*, shop_ids, since, until) -> dict[int, tuple[int, int]]:
    """shop → (平台介入 cases decided in [since, until), of those decided against the shop)."""
    rows = (
        Case.objects.filter(shop_id__in=list(shop_ids), arbitrated_at__gte=since, arbitrated_at__lt=until)
        .exclude(arbitration_decision="")
        .values_list("shop_id")
        .annotate(n=Count("id"), lost=Count("id", filter=Q(arbitration_decision__in=BUYER_WINS)))
        .order_by()
    )
    return {shop_id: (n, lost) for shop_id, n, lost in rows}
