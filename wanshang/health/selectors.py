"""Reads of the 体检中心: a shop's board (stored indicators with definitions, items, points, sanctions, credit),
the platform's queues, the rules center. Pages read the stored rows; nothing here aggregates orders."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanshang.common.errors import NotFound
from wanshang.health import indicators as registry
from wanshang.health.kinds import kind as kind_of
from wanshang.health.models import (
    OPEN_STATUSES,
    Appeal,
    AppealStatus,
    HealthAudit,
    HealthItem,
    ItemStatus,
    PenaltyPoint,
    PlatformRule,
    RuleAck,
    ShopCredit,
    ShopIndicator,
)
from wanshang.merchants.selectors import SANCTION_LABELS, shop_list, shop_sanctions

ITEM_STATUS_LABELS = dict(ItemStatus.choices)
APPEAL_STATUS_LABELS = dict(AppealStatus.choices)
AUDIT_LABELS = {
    "open": _("发现问题，开始整改计时"),
    "fixed": _("商家标记已整改"),
    "verified": _("核验通过"),
    "sent_back": _("核验未通过，退回整改"),
    "penalised": _("逾期未整改，扣分"),
    "appeal": _("商家提交申诉"),
    "appeal_uphold": _("平台维持原判"),
    "appeal_overturn": _("平台撤销扣分"),
    "sanction_set": _("处罚生效"),
    "sanction_lift": _("处罚解除"),
}
LEVEL_NAMES = {1: "一钻", 2: "二钻", 3: "三钻", 4: "四钻", 5: "五钻"}


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    label: str
    definition: str
    unit: str
    threshold: float
    higher_is_worse: bool
    min_base: int
    points: int
    value: float | None
    numerator: int
    denominator: int
    warning: bool
    day: object

    def _fmt(self, value) -> str:
        if value is None:
            return "—"
        if self.unit == registry.RATE:
            return f"{value * 100:.1f}%"
        if self.unit == registry.COUNT:
            return str(int(value))
        return f"{value:.2f}"

    @property
    def value_text(self) -> str:
        return self._fmt(self.value)

    @property
    def rule_text(self) -> str:
        side = "≤" if self.higher_is_worse else "≥"
        base = f"（样本 ≥ {self.min_base}）" if self.min_base else ""
        return f"{side} {self._fmt(self.threshold)}{base}，逾期扣 {self.points} 分"


def indicator_rows(*, shop_id: int) -> list[IndicatorRow]:
    """Every registered indicator with the shop's latest stored value (None before the first run)."""
    stored = {}
    latest = ShopIndicator.objects.filter(shop_id=shop_id).aggregate(d=Max("day"))["d"]
    if latest is not None:
        stored = {r.key: r for r in ShopIndicator.objects.filter(shop_id=shop_id, day=latest)}
    rows = []
    for ind in registry.indicators():
        row = stored.get(ind.key)
        rows.append(
            IndicatorRow(
                key=ind.key,
                label=str(ind.label),
                definition=str(ind.definition),
                unit=ind.unit,
                threshold=ind.threshold,
                higher_is_worse=ind.higher_is_worse,
                min_base=ind.min_base,
                points=ind.points,
                value=row.value if row else None,
                numerator=row.numerator if row else 0,
                denominator=row.denominator if row else 0,
                warning=row.warning if row else False,
                day=row.day if row else None,
            )
        )
    return rows


def _decorate(items):
    items = list(items)
    for item in items:
        found = kind_of(item.kind)
        item.kind_label = found.label if found else item.kind
        item.kind_points = found.points if found else 0
        item.auto_verify = bool(found and found.verify)
    return items


def decorate_items(items) -> list[HealthItem]:
    return _decorate(items)


def seller_item_list(*, shop, status: str = ""):
    qs = HealthItem.objects.for_shop(shop).select_related("penalty")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in ITEM_STATUS_LABELS:
        qs = qs.filter(status=status)
    return qs


def seller_item_get(*, shop, item_id) -> HealthItem:
    item = HealthItem.objects.for_shop(shop).select_related("penalty").filter(pk=item_id).first()
    if item is None:
        raise NotFound("体检项不存在")
    return _decorate([item])[0]


def item_appeals(*, item) -> list[Appeal]:
    return list(item.appeals.all())


def item_audit(*, item) -> list[HealthAudit]:
    rows = list(item.audit.select_related("actor"))
    for row in rows:
        row.label = str(AUDIT_LABELS.get(row.action, row.action))
    return rows


@dataclass(frozen=True)
class PointsSummary:
    live: int  # counting now
    given: int  # ever given (cancelled ones aside)
    cancelled: int
    next_expiry: datetime | None


def points_summary(*, shop_id: int, now=None) -> PointsSummary:
    now = now or timezone.now()
    qs = PenaltyPoint.objects.filter(shop_id=shop_id)
    live_q = Q(cancelled_at__isnull=True, expires_at__gt=now, given_at__lte=now)
    agg = qs.aggregate(
        live=Sum("points", filter=live_q),
        given=Sum("points", filter=Q(cancelled_at__isnull=True)),
        cancelled=Sum("points", filter=Q(cancelled_at__isnull=False)),
        next_expiry=Max("expires_at", filter=live_q),
    )
    first = qs.filter(live_q).order_by("expires_at").values_list("expires_at", flat=True).first()
    return PointsSummary(
        live=agg["live"] or 0, given=agg["given"] or 0, cancelled=agg["cancelled"] or 0, next_expiry=first
    )


def seller_points(*, shop):
    return PenaltyPoint.objects.for_shop(shop).select_related("item")


def seller_appeals(*, shop):
    return Appeal.objects.for_shop(shop).select_related("item")


def sanctions_of(*, shop_id: int) -> list[tuple[str, str]]:
    return [(k, str(SANCTION_LABELS[k])) for k in sorted(shop_sanctions(shop_id=shop_id))]


def credit_of(*, shop_id: int) -> ShopCredit | None:
    """The stored credit level (None before the first run of the job)."""
    credit = ShopCredit.objects.filter(shop_id=shop_id).first()
    if credit is not None:
        credit.name = LEVEL_NAMES.get(credit.level, "")
    return credit


# --- platform ---------------------------------------------------------------------------------------------------


def _live_q(now) -> Q:
    return Q(cancelled_at__isnull=True, expires_at__gt=now, given_at__lte=now)


def platform_shop_health(*, q: str = "", warning_only: bool = False):
    """Every shop for the platform's list (`warning_only`: those with a warning on their latest day, live
    points or an open item); `shop_health_decorate` adds the figures to the page shown."""
    shops = shop_list(q=q)
    if warning_only:
        now = timezone.now()
        shops = shops.filter(
            Exists(ShopIndicator.objects.filter(shop_id=OuterRef("pk"), warning=True, day=_latest_day()))
            | Exists(PenaltyPoint.objects.filter(_live_q(now), shop_id=OuterRef("pk")))
            | Exists(HealthItem.objects.filter(shop_id=OuterRef("pk"), status__in=OPEN_STATUSES))
        )
    return shops


def _latest_day():
    return ShopIndicator.objects.aggregate(d=Max("day"))["d"]


def shop_health_decorate(shops) -> list:
    """The stored figures of these shops (one query each): warnings on the latest day, open items, live
    points, credit level."""
    shops = list(shops)
    ids = [s.pk for s in shops]
    now = timezone.now()

    def counts(qs, agg):
        return dict(qs.filter(shop_id__in=ids).values_list("shop_id").annotate(n=agg).order_by())

    warnings = counts(ShopIndicator.objects.filter(day=_latest_day(), warning=True), Count("id"))
    points = counts(PenaltyPoint.objects.filter(_live_q(now)), Sum("points"))
    open_items = counts(HealthItem.objects.filter(status__in=OPEN_STATUSES), Count("id"))
    credits = {c.shop_id: c.level for c in ShopCredit.objects.filter(shop_id__in=ids)}
    for shop in shops:
        shop.health_warnings = warnings.get(shop.pk, 0)
        shop.health_points = points.get(shop.pk, 0) or 0
        shop.health_open_items = open_items.get(shop.pk, 0)
        shop.credit_level = credits.get(shop.pk)
    return shops


def items_to_verify():
    return (
        HealthItem.objects.filter(status=ItemStatus.FIXED).select_related("shop").order_by("fixed_at", "pk")
    )


def platform_item_get(*, item_id) -> HealthItem:
    item = HealthItem.objects.select_related("shop", "penalty").filter(pk=item_id).first()
    if item is None:
        raise NotFound("体检项不存在")
    return _decorate([item])[0]


def appeals_to_decide(*, status: str = AppealStatus.PENDING):
    return Appeal.objects.filter(status=status).select_related("shop", "item").order_by("created_at", "pk")


def platform_appeal_get(*, appeal_id) -> Appeal:
    appeal = Appeal.objects.select_related("shop", "item").filter(pk=appeal_id).first()
    if appeal is None:
        raise NotFound("申诉不存在")
    return appeal


# --- rules center ------------------------------------------------------------------------------------------------


def rule_list():
    return PlatformRule.objects.annotate(ack_count=Count("acks")).order_by("-published_at", "-id")


def rule_get(*, rule_id) -> PlatformRule:
    rule = PlatformRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("规则不存在")
    return rule


def rule_acks(*, rule) -> list[RuleAck]:
    return list(rule.acks.select_related("shop", "user"))


def current_rules():
    """The latest version of each rule code."""
    latest = PlatformRule.objects.values("code").annotate(v=Max("version"))
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= Q(code=row["code"], version=row["v"])
    return PlatformRule.objects.filter(wanted)


def rules_for_shop(*, shop) -> list[PlatformRule]:
    """The latest version of each rule, each marked `acked` for this shop."""
    rules = list(current_rules())
    acked = set(RuleAck.objects.for_shop(shop).filter(rule__in=rules).values_list("rule_id", flat=True))
    for rule in rules:
        rule.acked = rule.pk in acked
    return rules


def unacked_rule_count(*, shop) -> int:
    return sum(1 for r in rules_for_shop(shop=shop) if not r.acked)
