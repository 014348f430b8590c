"""全站推广 report: target vs achieved 投产比 by day and by hour, spend, GMV, λ, and why delivery was limited
(`engine.autobid.limits`). Reads the plan's days (`AdPlanDay`), the ledger, the attributed conversions and the
controller's hours (`AutoPlanHour`) itself; the keyword reports are `reports.py`'s."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from wanshang.ads.autoplan_models import LAMBDA_SCALE, ROAS_SCALE, AutoPlan, AutoPlanHour
from wanshang.ads.engine import quality
from wanshang.ads.engine.autobid import DeliveryStats, Limit, limits
from wanshang.ads.models import AdGroup, AdKeyword, AdLedgerEntry, AdPlan, AdPlanDay
from wanshang.ads.quality_data import keyword_inputs
from wanshang.ads.traffic_models import AdClick, AdConversion, AdImpression, Placement
from wanshang.common.errors import NotFound, ValidationError
from wanshang.search.selectors import synonym_map

MAX_DAYS = 90


@dataclass(frozen=True)
class RoasRow:
    key: object  # a date (by day) or an hour 0–23 (by hour)
    spend_fen: int
    gmv_fen: int
    impressions: int
    clicks: int
    target: float
    lam: float | None = None  # λ after the controller's step (by hour), when it stepped that hour

    @property
    def achieved(self) -> float | None:
        """投产比 = GMV ÷ spend; None with no spend."""
        return self.gmv_fen / self.spend_fen if self.spend_fen else None


@dataclass(frozen=True)
class PlacementRow:
    """A goal plan's figures at one placement over the period: search and the audience placements."""

    placement: str
    label: str
    impressions: int
    clicks: int  # charged clicks
    spend_fen: int  # charged prices less invalid-click refunds
    gmv_fen: int

    @property
    def achieved(self) -> float | None:
        return self.gmv_fen / self.spend_fen if self.spend_fen else None


@dataclass(frozen=True)
class AutoReport:
    plan: AdPlan
    auto: AutoPlan
    start: date
    end: date
    day: date
    days: list[RoasRow]
    hours: list[RoasRow]
    total: RoasRow
    limits: list[Limit]
    quality: float  # impression-weighted 1–10 quality score of the plan's keywords
    products: list  # the plan's active groups (product loaded)
    placements: list = ()  # PlacementRow per placement (search first), over the period

    @property
    def target(self) -> float:
        return self.auto.target_roas_centi / ROAS_SCALE

    @property
    def lam(self) -> float:
        return self.auto.lam


def autoplan_get(*, shop, plan_id: int) -> tuple[AdPlan, AutoPlan]:
    """The shop's goal plan and its target (404 for another shop's, or a keyword plan)."""
    plan = AdPlan.objects.for_shop(shop).filter(pk=plan_id, kind=AdPlan.Kind.AUTO).first()
    auto = AutoPlan.objects.for_shop(shop).filter(plan_id=plan_id).first() if plan else None
    if plan is None or auto is None:
        raise NotFound("全站推广计划不存在")
    return plan, auto


def autoplan_list(*, shop) -> list[tuple[AdPlan, AutoPlan]]:
    autos = {a.plan_id: a for a in AutoPlan.objects.for_shop(shop)}
    plans = AdPlan.objects.for_shop(shop).filter(kind=AdPlan.Kind.AUTO, pk__in=list(autos))
    return [(p, autos[p.pk]) for p in plans]


def autoplan_products(*, shop, plan_id: int) -> list[AdGroup]:
    return list(
        AdGroup.objects.for_shop(shop)
        .filter(plan_id=plan_id, status=AdGroup.Status.ACTIVE)
        .select_related("product")
        .order_by("id")
    )


def _by_day(plan: AdPlan, start: date, end: date, target: float) -> list[RoasRow]:
    tz = timezone.get_current_timezone()
    spend = dict(
        AdPlanDay.objects.filter(plan=plan, date__gte=start, date__lte=end).values_list("date", "spend_fen")
    )
    since = datetime.combine(start, datetime.min.time(), tz)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tz)

    def per_day(qs, ts, value):
        return dict(
            qs.filter(**{f"{ts}__gte": since, f"{ts}__lt": until})
            .annotate(d=TruncDate(ts, tzinfo=tz))
            .values_list("d")
            .annotate(v=value)
        )

    gmv = per_day(AdConversion.objects.filter(plan_id=plan.pk), "paid_at", Sum("amount_fen"))
    imps = per_day(AdImpression.objects.filter(plan_id=plan.pk), "ts", Count("id"))
    clicks = per_day(
        AdClick.objects.filter(plan_id=plan.pk, status=AdClick.Status.CHARGED), "ts", Count("id")
    )
    rows, d = [], start
    while d <= end:
        rows.append(
            RoasRow(d, spend.get(d, 0), gmv.get(d) or 0, imps.get(d, 0), clicks.get(d, 0), target=target)
        )
        d += timedelta(days=1)
    return rows


def _by_hour(plan: AdPlan, day: date, target: float) -> list[RoasRow]:
    tz = timezone.get_current_timezone()
    since = datetime.combine(day, datetime.min.time(), tz)
    until = since + timedelta(days=1)

    def per_hour(qs, ts, value):
        return dict(
            qs.filter(**{f"{ts}__gte": since, f"{ts}__lt": until})
            .annotate(h=ExtractHour(ts, tzinfo=tz))
            .values_list("h")
            .annotate(v=value)
        )

    ledger = AdLedgerEntry.objects.filter(
        plan_id=plan.pk, kind__in=(AdLedgerEntry.Kind.CHARGE, AdLedgerEntry.Kind.REFUND)
    )
    spend = per_hour(ledger, "created_at", Sum("amount_fen"))
    gmv = per_hour(AdConversion.objects.filter(plan_id=plan.pk), "paid_at", Sum("amount_fen"))
    imps = per_hour(AdImpression.objects.filter(plan_id=plan.pk), "ts", Count("id"))
    clicks = per_hour(
        AdClick.objects.filter(plan_id=plan.pk, status=AdClick.Status.CHARGED), "ts", Count("id")
    )
    lam = {
        timezone.localtime(h.hour).hour: h.lambda_micro / LAMBDA_SCALE
        for h in AutoPlanHour.objects.filter(plan=plan, hour__gte=since, hour__lt=until)
    }
    return [
        RoasRow(
            h,
            max(0, -(spend.get(h) or 0)),
            gmv.get(h) or 0,
            imps.get(h, 0),
            clicks.get(h, 0),
            target=target,
            lam=lam.get(h),
        )
        for h in range(24)
    ]


def _by_placement(plan: AdPlan, since, until) -> list[PlacementRow]:
    """Impressions, charged clicks, net spend and GMV per placement in [since, until). An invalid-click refund
    (its ledger reference is the charge's, `adclick:<click id>`) comes off its click's placement."""
    span = {"ts__gte": since, "ts__lt": until}
    imps = dict(
        AdImpression.objects.filter(plan_id=plan.pk, **span).values_list("placement").annotate(n=Count("id"))
    )
    clicks, spend = {}, {}
    charged = AdClick.objects.filter(plan_id=plan.pk, status=AdClick.Status.CHARGED, **span)
    for row in charged.values("placement").annotate(n=Count("id"), s=Sum("charged_fen")):
        clicks[row["placement"]], spend[row["placement"]] = row["n"], row["s"] or 0
    refunds = {}
    for ref, amount in AdLedgerEntry.objects.filter(
        plan_id=plan.pk, kind=AdLedgerEntry.Kind.REFUND, created_at__gte=since, created_at__lt=until
    ).values_list("reference", "amount_fen"):
        head, _sep, tail = ref.partition(":")
        if head == "adclick" and tail.isdigit():
            refunds[int(tail)] = amount
    for place in AdClick.objects.filter(pk__in=list(refunds)).values_list("pk", "placement"):
        spend[place[1]] = spend.get(place[1], 0) - refunds[place[0]]
    gmv = dict(
        AdConversion.objects.filter(plan_id=plan.pk, paid_at__gte=since, paid_at__lt=until)
        .values_list("placement")
        .annotate(s=Sum("amount_fen"))
    )
    return [
        PlacementRow(
            p.value,
            str(p.label),
            imps.get(p.value, 0),
            clicks.get(p.value, 0),
            max(0, spend.get(p.value, 0)),
            gmv.get(p.value) or 0,
        )
        for p in Placement
    ]


def _quality(plan: AdPlan, since) -> float:
    """The plan's keywords' 1–10 quality score, weighted by their impressions in the period (+1 each)."""
    keywords = list(
        AdKeyword.objects.filter(
            group__plan=plan, status=AdKeyword.Status.ACTIVE, group__status=AdGroup.Status.ACTIVE
        ).select_related("group__product__category")[:400]
    )
    if not keywords:
        return 0.0
    imps = dict(
        AdImpression.objects.filter(plan_id=plan.pk, ts__gte=since)
        .values_list("keyword_id")
        .annotate(n=Count("id"))
    )
    inputs, synonyms = keyword_inputs(keywords), synonym_map()
    total = weight = 0.0
    for k in keywords:
        got = inputs[k.pk]
        parts = quality.components(
            keyword=got.tokens, ctr=got.ctr, item=got.item, experience=got.experience, synonyms=synonyms
        )
        w = imps.get(k.pk, 0) + 1
        total += w * quality.display_score(quality.live_score(parts))
        weight += w
    return total / weight


def autoplan_report(*, shop, plan_id: int, days: int = 7, day: date | None = None, now=None) -> AutoReport:
    """The goal plan's figures for the last `days` days (today included) and one day's hours (today by
    default), and the reasons delivery was limited over the period. ValidationError for a bad period."""
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"统计周期须是 1–{MAX_DAYS} 天", field="days")
    plan, auto = autoplan_get(shop=shop, plan_id=plan_id)
    now = now or timezone.now()
    end = timezone.localdate(now)
    start = end - timedelta(days=days - 1)
    day = day or end
    if day > end or day < end - timedelta(days=MAX_DAYS):
        raise ValidationError("日期须在最近 90 天内", field="day")
    target = auto.target_roas_centi / ROAS_SCALE
    by_day = _by_day(plan, start, end, target)
    total = RoasRow(
        "total",
        sum(r.spend_fen for r in by_day),
        sum(r.gmv_fen for r in by_day),
        sum(r.impressions for r in by_day),
        sum(r.clicks for r in by_day),
        target=target,
    )
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, datetime.min.time(), tz)
    stepped = AutoPlanHour.objects.filter(plan=plan, hour__gte=since)
    score = _quality(plan, since)
    active_days = sum(1 for r in by_day if r.spend_fen or r.impressions) or 1
    stats = DeliveryStats(
        budget_fen=plan.daily_budget_fen * active_days,
        spent_fen=total.spend_fen,
        gmv_fen=total.gmv_fen,
        target_roas=target,
        # auctions a plan entered but lost are not recorded: the won ones stand for both, so the "target too
        # high" reason reads λ pinned at its floor
        auctions_entered=total.impressions,
        auctions_won=total.impressions,
        mean_quality_display=score,
        budget_limited_hours=stepped.filter(budget_limited=True).count(),
        hours=stepped.count() or 24,
        lambda_goal=auto.lambda_goal_micro / LAMBDA_SCALE,
    )
    return AutoReport(
        plan=plan,
        auto=auto,
        start=start,
        end=end,
        day=day,
        days=by_day,
        hours=_by_hour(plan, day, target),
        total=total,
        limits=limits(stats),
        quality=round(score, 1),
        products=autoplan_products(shop=shop, plan_id=plan.pk),
        placements=_by_placement(
            plan, since, datetime.combine(end + timedelta(days=1), datetime.min.time(), tz)
        ),
    )
