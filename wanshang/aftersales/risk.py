"""退款风险: a buyer's refund-risk score (0–100) with its reasons, computed at request time from a bounded set of
queries, the level it gives (low / medium / high, thresholds in settings), the platform's flag on the buyer,
and the audit of every decision the friction makes. The rules, numbers and what each party sees:
docs/refund-risk.md. Re-exported by services.py (writes) and selectors.py (reads).

The signals read other apps through their selectors only: orders (paid orders, accounts sharing a delivery
address), shipping (packages the carrier shows signed), analytics (accounts sharing a browser). The score counts
the buyer's history across every shop; a reason's text carries numbers, never another shop's name or order.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from wanshang.accounts.selectors import usernames_by_ids
from wanshang.aftersales.models import (
    BuyerRiskFlag,
    Case,
    CaseRisk,
    CaseStatus,
    CaseType,
    Refund,
    RiskDecision,
    RiskLevel,
)
from wanshang.analytics.selectors import accounts_sharing_visitors
from wanshang.common.errors import NotFound, ValidationError
from wanshang.common.money import fen_to_yuan_str
from wanshang.orders.selectors import accounts_sharing_address, buyer_paid_order_count
from wanshang.orders.types import OrderStatus
from wanshang.shipping.selectors import orders_signed_at

NOT_RECEIVED = "未收到货"  # the seeded reason a buyer picks when the parcel never came
LEVELS = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
LEVEL_LABELS = {"low": "低风险", "medium": "中风险", "high": "高风险"}
FLAG_LABELS = dict(BuyerRiskFlag.Status.choices)

# What each audit row's `action` means (the platform's trail shows the label).
ACTIONS = {
    "case_opened": "申请售后时评估",
    "open_return_required": "已签收订单仅退款须先退货",
    "timer_manual_review": "超时不自动同意，转平台人工审核",
    "bulk_refused": "不适用批量同意，须逐单审核",
    "seller_approve": "商家人工审核：同意",
    "seller_reject": "商家人工审核：拒绝",
    "platform_decide": "平台人工审核：裁决",
    "flag_trusted": "平台标记：已核实可信",
    "flag_watch": "平台标记：重点关注",
    "flag_clear": "平台取消标记",
    "instant_refund": "极速退款：申请时即退款",
    "instant_refund_declined": "未极速退款：须商家处理",
}


@dataclass(frozen=True)
class Reason:
    code: str
    text: str  # Chinese, with the numbers: "近90天发货后仅退款 6 次，占订单 60%"
    weight: int

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text, "weight": self.weight}


@dataclass(frozen=True)
class Assessment:
    buyer_id: int
    score: int
    level: str  # after the platform's flag
    reasons: tuple[Reason, ...] = ()
    flag: str = ""  # "" / trusted / watch
    computed_at: datetime | None = None
    stored: bool = False  # read from the case (what the system saw when it was opened) or computed now
    extras: dict = field(default_factory=dict)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def flag_label(self) -> str:
        return str(FLAG_LABELS.get(self.flag, ""))

    def reason_rows(self) -> list[dict]:
        return [r.as_dict() for r in self.reasons]


def _cfg() -> dict:
    return settings.WANSHANG


def level_for(score: int) -> str:
    cfg = _cfg()
    if score >= cfg["REFUND_RISK_HIGH"]:
        return RiskLevel.HIGH
    if score >= cfg["REFUND_RISK_MEDIUM"]:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def apply_flag(level: str, flag: str) -> str:
    """The platform's flag over the score's level: trusted → low; watch-listed → at least medium."""
    if flag == BuyerRiskFlag.Status.TRUSTED:
        return RiskLevel.LOW
    if flag == BuyerRiskFlag.Status.WATCH and level == RiskLevel.LOW:
        return RiskLevel.MEDIUM
    return level


def _scaled(base: int, ratio: float) -> int:
    """A reason's weight: its base at the threshold, growing with how far past it, at most twice the base."""
    return round(base * min(max(ratio, 1.0), 2.0))


# --- the signals --------------------------------------------------------------------------------------------------


def _rates(buyer_id: int, since, days: int) -> list[Reason]:
    cfg, weights = _cfg(), _cfg()["REFUND_RISK_WEIGHTS"]
    orders = buyer_paid_order_count(buyer_id=buyer_id, since=since)
    if orders < cfg["REFUND_RISK_MIN_ORDERS"]:
        return []
    counts = (
        Case.objects.filter(buyer_id=buyer_id, created_at__gte=since)
        .exclude(status=CaseStatus.CANCELLED)
        .aggregate(
            refund_only=Count(
                "order_id", distinct=True, filter=Q(type=CaseType.REFUND_ONLY, order_shipped=True)
            ),
            returns=Count("order_id", distinct=True, filter=Q(type=CaseType.RETURN_REFUND)),
        )
    )
    out = []
    refund_only, returns = counts["refund_only"] or 0, counts["returns"] or 0
    pct = refund_only * 100 // orders
    if refund_only and pct >= cfg["REFUND_RISK_REFUND_ONLY_PCT"]:
        out.append(
            Reason(
                "refund_only_rate",
                f"近{days}天发货后仅退款 {refund_only} 次，占订单 {pct}%（{orders} 笔）",
                _scaled(weights["refund_only_rate"], pct / max(cfg["REFUND_RISK_REFUND_ONLY_PCT"], 1)),
            )
        )
    pct = returns * 100 // orders
    if returns and pct >= cfg["REFUND_RISK_RETURN_PCT"]:
        out.append(
            Reason(
                "return_rate",
                f"近{days}天退货退款 {returns} 次，占订单 {pct}%（{orders} 笔）",
                _scaled(weights["return_rate"], pct / max(cfg["REFUND_RISK_RETURN_PCT"], 1)),
            )
        )
    return out


def _not_received(buyer_id: int, since, days: int) -> list[Reason]:
    claims = list(
        Case.objects.filter(buyer_id=buyer_id, created_at__gte=since, reason_text=NOT_RECEIVED)
        .exclude(status=CaseStatus.CANCELLED)
        .order_by("-id")
        .values_list("order_id", "created_at")[:50]
    )
    if not claims:
        return []
    signed = orders_signed_at(order_ids={order_id for order_id, _at in claims})
    n = sum(1 for order_id, at in claims if signed.get(order_id) is not None and signed[order_id] <= at)
    if not n:
        return []
    base = _cfg()["REFUND_RISK_WEIGHTS"]["not_received_signed"]
    return [
        Reason(
            "not_received_signed",
            f"近{days}天 {n} 次以“{NOT_RECEIVED}”申请退款，申请时物流已显示签收",
            _scaled(base, n),
        )
    ]


def _shared(buyer_id: int, since, days: int) -> list[Reason]:
    cfg, weights = _cfg(), _cfg()["REFUND_RISK_WEIGHTS"]
    need = max(cfg["REFUND_RISK_SHARED_ACCOUNTS"], 1)
    out = []
    n = accounts_sharing_address(buyer_id=buyer_id, since=since)
    if n >= need:
        out.append(
            Reason(
                "shared_address",
                f"近{days}天收货地址与另外 {n} 个账户相同",
                weights["shared_address"],  # not scaled: a family or an office alone must not bring friction
            )
        )
    n = accounts_sharing_visitors(user_id=buyer_id, since=since)
    if n >= need:
        out.append(
            Reason(
                "shared_visitor",
                f"近{days}天同一设备（浏览器）登录过另外 {n} 个账户",
                weights["shared_visitor"],
            )
        )
    return out


def _new_account(buyer, since, now) -> list[Reason]:
    cfg = _cfg()
    joined = getattr(buyer, "date_joined", None)
    if joined is None or joined < since:
        return []
    days = cfg["REFUND_RISK_NEW_ACCOUNT_DAYS"]
    until = joined + timedelta(days=days)
    claimed = (
        Case.objects.filter(buyer_id=buyer.pk, created_at__gte=joined, created_at__lt=until)
        .exclude(status=CaseStatus.CANCELLED)
        .exclude(type=CaseType.EXCHANGE)
        .aggregate(s=Sum("amount_fen"))["s"]
        or 0
    )
    claimed += (
        Refund.objects.filter(
            buyer_id=buyer.pk, case__isnull=True, created_at__gte=joined, created_at__lt=until
        )
        .exclude(status=Refund.Status.WITHDRAWN)
        .aggregate(s=Sum("amount_fen"))["s"]
        or 0
    )
    limit = max(cfg["REFUND_RISK_NEW_ACCOUNT_FEN"], 1)
    if claimed < limit:
        return []
    age = max((now - joined).days, 0)
    return [
        Reason(
            "new_account_refunds",
            f"注册 {age} 天，注册后 {days} 天内申请退款 ¥{fen_to_yuan_str(claimed)}",
            _scaled(cfg["REFUND_RISK_WEIGHTS"]["new_account_refunds"], claimed / limit),
        )
    ]


def buyer_flag(*, buyer_id: int) -> BuyerRiskFlag | None:
    return BuyerRiskFlag.objects.filter(buyer_id=buyer_id).first()


def buyer_risk(*, buyer, now=None) -> Assessment:
    """The buyer's refund risk now: every signal over the window, across all shops. About ten bounded queries."""
    now = now or timezone.now()
    days = _cfg()["REFUND_RISK_WINDOW_DAYS"]
    since = now - timedelta(days=days)
    reasons = [
        *_rates(buyer.pk, since, days),
        *_not_received(buyer.pk, since, days),
        *_shared(buyer.pk, since, days),
        *_new_account(buyer, since, now),
    ]
    score = min(sum(r.weight for r in reasons), 100)
    flag = buyer_flag(buyer_id=buyer.pk)
    flag_status = flag.status if flag else ""
    return Assessment(
        buyer_id=buyer.pk,
        score=score,
        level=apply_flag(level_for(score), flag_status),
        reasons=tuple(sorted(reasons, key=lambda r: -r.weight)),
        flag=flag_status,
        computed_at=now,
    )


def _from_row(row: CaseRisk) -> Assessment:
    return Assessment(
        buyer_id=row.buyer_id,
        score=row.score,
        level=row.level,
        reasons=tuple(Reason(r["code"], r["text"], int(r["weight"])) for r in row.reasons or []),
        flag=row.flag,
        computed_at=row.computed_at,
        stored=True,
    )


def case_risk(*, case) -> Assessment:
    """What the system saw when the case was opened; a case opened before the score existed is computed now."""
    row = CaseRisk.objects.filter(case_id=case.pk).first()
    return _from_row(row) if row is not None else buyer_risk(buyer=case.buyer)


def case_level_now(case) -> str:
    """The level the friction acts on for an open case: the stored score's level under today's thresholds and
    the platform's current flag (a buyer trusted since the case was opened has no friction). "" when the case
    predates the score (the timers then decide as before)."""
    row = CaseRisk.objects.filter(case_id=case.pk).values_list("score", flat=True).first()
    if row is None:
        return ""
    flag = buyer_flag(buyer_id=case.buyer_id)
    return apply_flag(level_for(row), flag.status if flag else "")


# --- friction -----------------------------------------------------------------------------------------------------


def order_delivered(order) -> bool:
    return bool(order.delivered_at) or order.status in (OrderStatus.RECEIVED, OrderStatus.COMPLETED)


RETURN_REQUIRED_MESSAGE = (
    "这笔订单已签收。为保障买卖双方权益，根据账户近期的售后情况，本次申请需要先退回商品再退款："
    "请改选“退货退款”，商家收到退货后即退款。如有疑问，可联系平台客服。"
)


def open_friction(assessment: Assessment, *, case_type: str, order, reason_text: str) -> str:
    """The message refusing a case at opening, or "". High risk: a 仅退款 of a delivered order needs a return
    (the buyer is told why and how to go on); a claim that the parcel never came cannot be returned, so it
    opens and goes to manual review instead."""
    if (
        assessment.level == RiskLevel.HIGH
        and case_type == CaseType.REFUND_ONLY
        and reason_text != NOT_RECEIVED
        and order_delivered(order)
    ):
        return RETURN_REQUIRED_MESSAGE
    return ""


def timer_manual_review(case, order) -> str:
    """The note with which the silent-party timer hands the case to the platform instead of deciding, or "".

    medium: a 仅退款 of a delivered order is not approved by the timer; high: no refund is started by a timer
    (a 仅退款 request, or a return the shop has not confirmed)."""
    level = case_level_now(case)
    if level == RiskLevel.HIGH and (
        (case.status == CaseStatus.REQUESTED and case.type == CaseType.REFUND_ONLY)
        or (case.status == CaseStatus.RETURN_SHIPPED and case.type == CaseType.RETURN_REFUND)
    ):
        return "买家退款风险较高，超时不自动退款，转平台人工审核"
    if (
        level == RiskLevel.MEDIUM
        and case.status == CaseStatus.REQUESTED
        and case.type == CaseType.REFUND_ONLY
        and order_delivered(order)
    ):
        return "已签收订单的仅退款，买家退款风险为中，超时不自动同意，转平台人工审核"
    return ""


def bulk_friction(case) -> str:
    """High risk: a case is reviewed on its own page, never in a batch."""
    if case_level_now(case) == RiskLevel.HIGH:
        return "买家退款风险较高，请在售后详情中逐单审核"
    return ""


# --- writes (each in the caller's transaction) --------------------------------------------------------------------


def risk_decision_record(
    *,
    assessment: Assessment,
    buyer_id: int,
    action: str,
    outcome: str,
    role: str,
    actor=None,
    shop_id=None,
    case=None,
    order_id=None,
) -> RiskDecision:
    """One audit row: who or what decided, on which score and reasons, and the outcome."""
    return RiskDecision.objects.create(
        buyer_id=buyer_id,
        shop_id=shop_id,
        case=case,
        order_id=order_id,
        actor=actor if getattr(actor, "pk", None) else None,
        role=role,
        action=action,
        score=assessment.score,
        level=assessment.level,
        reasons=assessment.reason_rows(),
        outcome=outcome[:300],
    )


OPEN_OUTCOMES = {
    RiskLevel.LOW: "按常规流程处理",
    RiskLevel.MEDIUM: "已签收订单的仅退款超时不自动同意，转人工审核",
    RiskLevel.HIGH: "每笔退款人工审核；不适用批量同意",
}


def case_risk_store(case, assessment: Assessment) -> CaseRisk:
    """Keep the score the system saw with the case (the merchant sees it) and audit it."""
    row = CaseRisk.objects.create(
        case=case,
        shop_id=case.shop_id,
        buyer_id=case.buyer_id,
        score=assessment.score,
        level=assessment.level,
        reasons=assessment.reason_rows(),
        flag=assessment.flag,
        computed_at=assessment.computed_at or timezone.now(),
    )
    risk_decision_record(
        assessment=assessment,
        buyer_id=case.buyer_id,
        shop_id=case.shop_id,
        case=case,
        order_id=case.order_id,
        role="system",
        action="case_opened",
        outcome=OPEN_OUTCOMES[assessment.level],
    )
    return row


def case_override_record(case, *, action: str, actor, role: str, outcome: str) -> None:
    """A person decided a case the friction flagged (medium or high when opened, or sent to review)."""
    row = CaseRisk.objects.filter(case_id=case.pk).first()
    if row is None or (row.level == RiskLevel.LOW and not case.risk_review):
        return
    risk_decision_record(
        assessment=_from_row(row),
        buyer_id=case.buyer_id,
        shop_id=case.shop_id,
        case=case,
        order_id=case.order_id,
        actor=actor,
        role=role,
        action=action,
        outcome=outcome,
    )


def stored_assessment(case) -> Assessment | None:
    row = CaseRisk.objects.filter(case_id=case.pk).first()
    return _from_row(row) if row is not None else None


def buyer_risk_flag_set(*, operator, buyer, status: str, note: str) -> BuyerRiskFlag | None:
    """The platform marks a buyer as reviewed and trusted, watch-lists them, or clears its mark ("").
    Audited with the score as it is now. ValidationError for an unknown status or a missing note."""
    if status not in ("", *BuyerRiskFlag.Status.values):
        raise ValidationError("请选择标记：已核实可信、重点关注或取消标记", field="status")
    note = (note or "").strip()
    if not 2 <= len(note) <= 200:
        raise ValidationError("请填写标记说明（2–200 字）", field="note")
    if buyer is None:
        raise NotFound("买家不存在")
    now = timezone.now()
    action = f"flag_{status or 'clear'}"
    with transaction.atomic():
        before = BuyerRiskFlag.objects.select_for_update().filter(buyer_id=buyer.pk).first()
        if status:
            flag, _ = BuyerRiskFlag.objects.update_or_create(
                buyer_id=buyer.pk,
                defaults={"status": status, "note": note, "set_by": operator, "set_at": now},
            )
        else:
            if before is None:
                raise ValidationError("该买家没有平台标记", field="status")
            before.delete()
            flag = None
        risk_decision_record(
            assessment=buyer_risk(buyer=buyer, now=now),
            buyer_id=buyer.pk,
            actor=operator,
            role="platform",
            action=action,
            outcome=f"{ACTIONS[action]}：{note}",
        )
    return flag


# --- the platform's reads ------------------------------------------------------------------------------------------


def risky_buyers(*, level: str = "high"):
    """The platform's list: buyers with a case opened at `level` ("high", or "medium" for medium and above),
    the latest first; or the buyers it marked (`level` = "watch" / "trusted"), the latest mark first. Rows of
    {"buyer_id": …}; `risky_buyers_detail` fills in the page shown."""
    if level in BuyerRiskFlag.Status.values:
        return BuyerRiskFlag.objects.filter(status=level).order_by("-set_at", "-id").values("buyer_id")
    levels = [RiskLevel.HIGH] if level == RiskLevel.HIGH else [RiskLevel.MEDIUM, RiskLevel.HIGH]
    return (
        CaseRisk.objects.filter(level__in=levels)
        .values("buyer_id")
        .annotate(last_id=Max("id"))
        .order_by("-last_id")
    )


@dataclass
class RiskyBuyer:
    buyer_id: int
    username: str
    cases: int  # cases opened since the score existed (all shops)
    latest: Assessment | None  # the score with the latest case
    flag: str
    flag_note: str
    instant: object = None  # 极速退款 figures (instant.risky_buyers_page fills them in)

    @property
    def flag_label(self) -> str:
        return str(FLAG_LABELS.get(self.flag, ""))


def risky_buyers_detail(rows) -> list[RiskyBuyer]:
    """The page of buyers shown: names, case counts, the latest stored score and the platform's mark (4 queries)."""
    ids = [r["buyer_id"] for r in rows]
    names = usernames_by_ids(ids=ids)
    stats = {
        r["buyer_id"]: r
        for r in CaseRisk.objects.filter(buyer_id__in=ids)
        .values("buyer_id")
        .annotate(cases=Count("id"), last_id=Max("id"))
        .order_by()
    }
    latest = {
        row.buyer_id: _from_row(row)
        for row in CaseRisk.objects.filter(pk__in=[s["last_id"] for s in stats.values()])
    }
    flags = {f.buyer_id: f for f in BuyerRiskFlag.objects.filter(buyer_id__in=ids)}
    return [
        RiskyBuyer(
            buyer_id=bid,
            username=names.get(bid, f"#{bid}"),
            cases=stats.get(bid, {}).get("cases", 0),
            latest=latest.get(bid),
            flag=flags[bid].status if bid in flags else "",
            flag_note=flags[bid].note if bid in flags else "",
        )
        for bid in ids
    ]


def buyer_cases_with_risk(*, buyer_id: int, limit: int = 50) -> list[tuple[Case, Assessment | None]]:
    """The buyer's latest cases in every shop, each with the score stored when it was opened."""
    cases = list(
        Case.objects.filter(buyer_id=buyer_id).select_related("shop", "order").order_by("-id")[:limit]
    )
    stored = {r.case_id: _from_row(r) for r in CaseRisk.objects.filter(case_id__in=[c.pk for c in cases])}
    return [(c, stored.get(c.pk)) for c in cases]


def buyer_risk_trail(*, buyer_id: int, limit: int = 100) -> list[RiskDecision]:
    """The audit rows about the buyer, newest first."""
    return list(
        RiskDecision.objects.filter(buyer_id=buyer_id)
        .select_related("actor", "shop", "case")
        .order_by("-id")[:limit]
    )
