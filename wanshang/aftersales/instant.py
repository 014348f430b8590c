"""极速退款 (instant refund): a buyer's 仅退款 of paid units that have not shipped is refunded at application,
without waiting for the shop, when every condition holds (docs/refund-risk.md):

- the platform's switch is on (`INSTANT_REFUND_ENABLED`) and the shop has not turned it off (its 售后设置,
  on by default);
- the units asked for are paid and not shipped (not in a package, the order still 待发货);
- the refund is at most `INSTANT_REFUND_MAX_FEN`;
- the buyer's refund-risk level (risk.py) is low and the platform has not watch-listed them;
- the buyer's account is at least `INSTANT_REFUND_MIN_ACCOUNT_DAYS` old.

`instant_refund_verdict` decides, for the eligibility preview the buyer sees before submitting and for the case
being opened (cases.py, under the order → lines locks) alike. Its reasons are for the shop and the platform;
the buyer is only told whether the application is refunded at once or waits for the shop. The refund itself is
the case's ordinary money leg (cases._start_refund → money.refund_pay_back): no second money path.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from wanshang.aftersales.models import (
    BuyerRiskFlag,
    Case,
    CaseType,
    Refund,
    RiskLevel,
    ShopAfterSalesSettings,
)
from wanshang.aftersales.risk import Assessment, RiskyBuyer, risk_decision_record, risky_buyers_detail
from wanshang.common.errors import ValidationError
from wanshang.common.money import fen_to_yuan_str
from wanshang.orders.types import OrderStatus

FIGURES_DAYS = 30  # the seller's and the platform's "last 30 days" of instant refunds

# What each reason code means (the texts carry the numbers; these are the labels of the codes).
REASON_CODES = {
    "platform_off": "平台未开启极速退款",
    "shop_off": "店铺已关闭极速退款",
    "not_refund_only": "仅退款以外的售后",
    "shipped": "申请的商品已发货",
    "over_cap": "退款金额超过上限",
    "risk_level": "买家退款风险不是低风险",
    "platform_watch": "买家被平台标记为重点关注",
    "new_account": "账户注册时间不足",
}


@dataclass(frozen=True)
class InstantVerdict:
    """Whether an application is refunded at once, and if not, every reason why (for the shop and platform)."""

    eligible: bool
    reasons: tuple[tuple[str, str], ...] = ()  # (code, text with its numbers)

    def reason_rows(self) -> list[dict]:
        return [{"code": code, "text": text} for code, text in self.reasons]


# --- the shop's switch ----------------------------------------------------------------------------------------------


def shop_instant_refund_on(*, shop_id: int) -> bool:
    """The shop's own switch: on unless the shop turned it off."""
    row = ShopAfterSalesSettings.objects.filter(shop_id=shop_id).values_list("instant_refund", flat=True)
    return next(iter(row), True)


def shop_instant_refund_set(*, shop, enabled, actor=None) -> ShopAfterSalesSettings:
    """The shop turns 极速退款 on or off for its own cases (from now on; cases already opened keep their
    decision). ValidationError for anything but a boolean."""
    if not isinstance(enabled, bool):
        raise ValidationError("请选择开启或关闭极速退款", field="instant_refund")
    with transaction.atomic():
        row, _ = ShopAfterSalesSettings.objects.for_shop(shop).select_for_update().get_or_create(shop=shop)
        row.instant_refund = enabled
        row.updated_by = actor if getattr(actor, "pk", None) else None
        row.save()
    return row


# --- the decision ---------------------------------------------------------------------------------------------------


def _unshipped(order, wanted, unshipped_free: dict[int, int]) -> bool:
    if order.status != OrderStatus.PAID:
        return False
    asked: dict[int, int] = {}
    for line_id, qty in wanted:
        asked[line_id] = asked.get(line_id, 0) + qty
    return all(qty <= unshipped_free.get(line_id, 0) for line_id, qty in asked.items())


def _buyer_reasons(buyer, assessment: Assessment, now) -> list[tuple[str, str]]:
    out = []
    if assessment.level != RiskLevel.LOW:
        out.append(("risk_level", f"买家退款风险为{assessment.level_label}（评分 {assessment.score}）"))
    if assessment.flag == BuyerRiskFlag.Status.WATCH:
        out.append(("platform_watch", "买家被平台标记为重点关注"))
    need = settings.WANSHANG["INSTANT_REFUND_MIN_ACCOUNT_DAYS"]
    joined = getattr(buyer, "date_joined", None)
    age = max((now - joined).days, 0) if joined else 0
    if joined is None or joined > now - timedelta(days=need):
        out.append(("new_account", f"账户注册 {age} 天，未满 {need} 天"))
    return out


def instant_refund_verdict(
    *, buyer, order, case_type: str, wanted, unshipped_free: dict[int, int], amount_fen: int, assessment, now
) -> InstantVerdict:
    """Is this application refunded at once? `wanted` [(line id, units)], `unshipped_free` the units of each
    line neither shipped nor refunded nor held by another case, `amount_fen` what the refund would return,
    `assessment` the buyer's refund risk. Every failing condition is a reason; none: eligible."""
    cfg = settings.WANSHANG
    reasons: list[tuple[str, str]] = []
    if not cfg["INSTANT_REFUND_ENABLED"]:
        reasons.append(("platform_off", "平台未开启极速退款"))
    if not shop_instant_refund_on(shop_id=order.shop_id):
        reasons.append(("shop_off", "店铺已关闭极速退款"))
    if case_type != CaseType.REFUND_ONLY:
        reasons.append(("not_refund_only", "极速退款只适用于仅退款"))
    if not _unshipped(order, wanted, unshipped_free):
        reasons.append(("shipped", "申请的商品已发货（极速退款只适用于未发货的商品）"))
    cap = cfg["INSTANT_REFUND_MAX_FEN"]
    if amount_fen > cap:
        reasons.append(
            ("over_cap", f"退款金额 ¥{fen_to_yuan_str(amount_fen)} 超过极速退款上限 ¥{fen_to_yuan_str(cap)}")
        )
    reasons += _buyer_reasons(buyer, assessment, now)
    return InstantVerdict(eligible=not reasons, reasons=tuple(reasons))


def instant_refund_record(case: Case, verdict: InstantVerdict, assessment: Assessment) -> None:
    """Keep the decision with the case (in the case's transaction) and audit it as a friction decision. A 仅退款
    of goods already shipped was never a candidate: its reason is kept with the case, with no audit row."""
    case.instant_refund = verdict.eligible
    case.instant_refund_reasons = verdict.reason_rows()
    case.save(update_fields=["instant_refund", "instant_refund_reasons"])
    if any(code == "shipped" for code, _text in verdict.reasons):
        return
    if verdict.eligible:
        action, outcome = "instant_refund", f"极速退款：申请时即退款 ¥{fen_to_yuan_str(case.amount_fen)}"
    else:
        action = "instant_refund_declined"
        outcome = "未极速退款，须商家处理：" + "；".join(text for _code, text in verdict.reasons)
    risk_decision_record(
        assessment=assessment,
        buyer_id=case.buyer_id,
        shop_id=case.shop_id,
        case=case,
        order_id=case.order_id,
        role="system",
        action=action,
        outcome=outcome,
    )


# --- figures --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstantFigures:
    count: int  # cases refunded instantly
    amount_fen: int  # what their refunds return (paying out or done)
    days: int = FIGURES_DAYS


def _figures(qs, days: int) -> InstantFigures:
    row = qs.aggregate(n=Count("case_id", distinct=True), fen=Sum("amount_fen"))
    return InstantFigures(count=row["n"] or 0, amount_fen=row["fen"] or 0, days=days)


def _instant_refunds(since, qs=None):
    return (qs if qs is not None else Refund.objects.all()).filter(
        case__instant_refund=True,
        case__created_at__gte=since,
        status__in=[Refund.Status.PROCESSING, Refund.Status.REFUNDED],
    )


def shop_instant_figures(*, shop, days: int = FIGURES_DAYS, now=None) -> InstantFigures:
    """A shop's instant refunds over the last `days` days (its own only)."""
    since = (now or timezone.now()) - timedelta(days=days)
    return _figures(_instant_refunds(since, Refund.objects.for_shop(shop)), days)


def platform_instant_figures(*, days: int = FIGURES_DAYS, now=None) -> InstantFigures:
    """Every shop's instant refunds over the last `days` days (the platform's after-sales pages)."""
    since = (now or timezone.now()) - timedelta(days=days)
    return _figures(_instant_refunds(since), days)


def buyers_instant_figures(*, buyer_ids, days: int = FIGURES_DAYS, now=None) -> dict[int, InstantFigures]:
    """Per buyer, their instant refunds in every shop over the last `days` days (one grouped query)."""
    since = (now or timezone.now()) - timedelta(days=days)
    rows = (
        _instant_refunds(since)
        .filter(buyer_id__in=list(buyer_ids))
        .values("buyer_id")
        .annotate(n=Count("case_id", distinct=True), fen=Sum("amount_fen"))
        .order_by()
    )
    return {r["buyer_id"]: InstantFigures(count=r["n"], amount_fen=r["fen"] or 0, days=days) for r in rows}


def risky_buyers_page(rows) -> list[RiskyBuyer]:
    """The platform's page of risky buyers (`risk.risky_buyers_detail`) with each buyer's instant refunds of the
    last 30 days (one more query)."""
    out = risky_buyers_detail(rows)
    figures = buyers_instant_figures(buyer_ids=[b.buyer_id for b in out])
    for b in out:
        b.instant = figures.get(b.buyer_id) or InstantFigures(count=0, amount_fen=0)
    return out
