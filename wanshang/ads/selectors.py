"""Reads of 推广中心. Seller-side reads take the shop and go through `for_shop`: another shop's ids are 404."""

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wanshang.ads.accounts import topup_gateways as topup_gateways  # the cashier's gateways
from wanshang.ads.creative_report import CREATIVE_REPORT_PERIODS as CREATIVE_REPORT_PERIODS
from wanshang.ads.creative_report import CreativeRow as CreativeRow
from wanshang.ads.creative_report import creative_report as creative_report
from wanshang.ads.models import (
    AdAccount,
    AdCreative,
    AdGroup,
    AdKeyword,
    AdLedgerEntry,
    AdPlan,
    AdPlanDay,
    AdTopUp,
    MatchType,
    NegativeKeyword,
    Placement,
)
from wanshang.ads.platform_reports import PlatformOverview as PlatformOverview
from wanshang.ads.platform_reports import platform_overview as platform_overview
from wanshang.ads.regions import REGION_MAX as REGION_MAX
from wanshang.ads.reports import KeywordQuality as KeywordQuality
from wanshang.ads.reports import Report as Report
from wanshang.ads.reports import crowd_report as crowd_report
from wanshang.ads.reports import keyword_quality as keyword_quality
from wanshang.ads.reports import report_plans as report_plans
from wanshang.ads.reports import report_xlsx as report_xlsx
from wanshang.ads.reports import search_terms as search_terms
from wanshang.ads.reports import traffic_report as traffic_report
from wanshang.ads.rules import ad_settings as ad_settings  # the platform's rules (one row)
from wanshang.ads.structure import TRANSITIONS, creative_title_check, plan_highest_bid
from wanshang.ads.suggestions import KeywordSuggestion as KeywordSuggestion
from wanshang.ads.suggestions import keyword_suggestions as keyword_suggestions
from wanshang.ads.wording import CREATIVES_PER_GROUP as CREATIVES_PER_GROUP
from wanshang.ads.wording import KEYWORD_MAX_CHARS as KEYWORD_MAX_CHARS
from wanshang.common.errors import NotFound
from wanshang.fulfillment.selectors import region_children

PLAN_STATUSES = AdPlan.Status.choices
# the kinds a merchant may create (全站推广 has its own pages)
PLAN_KINDS = [(k, label) for k, label in AdPlan.Kind.choices if k in ("keyword", "audience")]
PACINGS = AdPlan.Pacing.choices
MATCH_TYPES = MatchType.choices
NEGATIVE_MATCH_TYPES = NegativeKeyword.Match.choices
LEDGER_KINDS = AdLedgerEntry.Kind.choices
PLACEMENTS = Placement.choices  # where an ad was shown (a report dimension)


def account_balance(*, shop) -> int:
    return AdAccount.objects.for_shop(shop).values_list("balance_fen", flat=True).first() or 0


def ledger_list(*, shop, kind: str | None = None):
    qs = AdLedgerEntry.objects.for_shop(shop).select_related("actor")
    return qs.filter(kind=kind) if kind else qs


def ledger_totals(*, shop) -> dict[str, int]:
    rows = AdLedgerEntry.objects.for_shop(shop).values("kind").annotate(total=Sum("amount_fen"))
    totals = {k: 0 for k in AdLedgerEntry.Kind.values}
    totals.update({r["kind"]: r["total"] or 0 for r in rows})
    return totals


def topup_get(*, shop, payment_no: str) -> AdTopUp:
    topup = AdTopUp.objects.for_shop(shop).filter(payment_no=payment_no).first()
    if topup is None:
        raise NotFound("充值单不存在")
    return topup


def topup_list(*, shop):
    return AdTopUp.objects.for_shop(shop)


# --- plans and their parts -----------------------------------------------------------------------------------


def plan_list(*, shop, status: str | None = None):
    qs = AdPlan.objects.for_shop(shop).annotate(group_count=Count("groups")).order_by("-id")
    return qs.filter(status=status) if status else qs


def plan_get(*, shop, plan_id) -> AdPlan:
    plan = AdPlan.objects.for_shop(shop).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("推广计划不存在")
    return plan


def plan_next_statuses(plan: AdPlan) -> list[str]:
    return sorted(TRANSITIONS[AdPlan.Status(plan.status)])


def plan_today(*, plan: AdPlan, now=None) -> AdPlanDay | None:
    return AdPlanDay.objects.filter(plan=plan, date=timezone.localdate(now)).first()


def plan_today_by_plan(*, plans, now=None) -> dict[int, AdPlanDay]:
    """Today's row of each plan (for the list), in one query."""
    rows = AdPlanDay.objects.filter(plan_id__in=[p.pk for p in plans], date=timezone.localdate(now))
    return {row.plan_id: row for row in rows}


# the button that moves a plan to each status
STATUS_ACTIONS = {
    AdPlan.Status.ACTIVE: _("开启投放"),
    AdPlan.Status.PAUSED: _("暂停投放"),
    AdPlan.Status.ENDED: _("结束计划"),
    AdPlan.Status.DRAFT: _("草稿"),
}


def provinces() -> list:
    """The provinces a plan's region multipliers name (GB/T 2260 codes)."""
    return region_children(parent_code=None)


def plan_days(*, shop, plan_id, limit: int = 30) -> list[AdPlanDay]:
    return list(AdPlanDay.objects.for_shop(shop).filter(plan_id=plan_id)[:limit])


def plan_highest_bid_of(*, plan: AdPlan) -> int:
    return plan_highest_bid(plan_id=plan.pk)


def group_list(*, shop, plan_id):
    return (
        AdGroup.objects.for_shop(shop)
        .filter(plan_id=plan_id)
        .select_related("product", "plan")
        .annotate(
            keyword_count=Count("keywords", distinct=True), creative_count=Count("creatives", distinct=True)
        )
        .order_by("-id")
    )


def group_get(*, shop, group_id) -> AdGroup:
    group = (
        AdGroup.objects.for_shop(shop)
        .select_related("plan", "product__brand", "product__category", "shop")
        .filter(pk=group_id)
        .first()
    )
    if group is None:
        raise NotFound("推广单元不存在")
    return group


def keyword_list(*, shop, group_id):
    return AdKeyword.objects.for_shop(shop).filter(group_id=group_id).select_related("group")


def keyword_get(*, shop, keyword_id) -> AdKeyword:
    keyword = AdKeyword.objects.for_shop(shop).select_related("group").filter(pk=keyword_id).first()
    if keyword is None:
        raise NotFound("关键词不存在")
    return keyword


def negative_list(*, shop, plan_id, group_id=None):
    """The plan's own negatives (group_id None), or one group's."""
    qs = NegativeKeyword.objects.for_shop(shop).filter(plan_id=plan_id)
    return qs.filter(group_id=group_id) if group_id is not None else qs.filter(group__isnull=True)


def negative_get(*, shop, negative_id) -> NegativeKeyword:
    row = NegativeKeyword.objects.for_shop(shop).filter(pk=negative_id).first()
    if row is None:
        raise NotFound("否定词不存在")
    return row


@dataclass(frozen=True)
class CreativeView:
    creative: AdCreative
    warnings: list


def creative_list(*, shop, group: AdGroup) -> list[CreativeView]:
    """The group's creatives, each with the title formula's warnings."""
    rows = AdCreative.objects.for_shop(shop).filter(group_id=group.pk)
    return [CreativeView(c, creative_title_check(group=group, title=c.title)) for c in rows]


def creative_get(*, shop, creative_id) -> AdCreative:
    row = AdCreative.objects.for_shop(shop).select_related("group").filter(pk=creative_id).first()
    if row is None:
        raise NotFound("创意不存在")
    return row


def title_warnings(*, group: AdGroup, title: str) -> list:
    """The formula's warnings for a title before it is saved (the form's live check)."""
    return creative_title_check(group=group, title=title)


# --- platform ------------------------------------------------------------------------------------------------


def account_list():
    """Every shop's ad account with its shop, richest first."""
    return AdAccount.objects.select_related("shop").order_by("-balance_fen", "pk")


def account_of_shop(*, shop_id) -> AdAccount:
    account = AdAccount.objects.select_related("shop").filter(shop_id=shop_id).first()
    if account is None:
        raise NotFound("该店铺没有推广账户")
    return account


def platform_ledger(*, shop_id):
    return AdLedgerEntry.objects.filter(shop_id=shop_id).select_related("actor")


def ledger_sum_matches_balance(*, shop) -> bool:
    """The ledger's invariant, for tests and checks: Σ amounts = the balance."""
    total = AdLedgerEntry.objects.for_shop(shop).aggregate(t=Sum("amount_fen"))["t"] or 0
    return total == account_balance(shop=shop)


def charge_exists(*, shop_id, reference: str) -> bool:
    """Whether this shop was charged for the click `reference` (the platform's refund form checks it)."""
    return AdLedgerEntry.objects.filter(
        shop_id=shop_id, kind=AdLedgerEntry.Kind.CHARGE, reference=reference
    ).exists()


def group_plan_kind(*, group_id) -> str:
    """The kind of plan an ad group belongs to (`AdPlan.Kind`: keyword / audience / auto), "" when the group is
    gone. The click redirect names the visit's paid source with it (直通车 / 引力魔方 / 全站推广)."""
    return AdGroup.objects.filter(pk=group_id).values_list("plan__kind", flat=True).first() or ""


# --- 全站推广 goal plans ---------------------------------------------------------------------------------------
# isort: split
from wanshang.ads.autoplan_reports import AutoReport as AutoReport  # noqa: E402
from wanshang.ads.autoplan_reports import autoplan_get as autoplan_get  # noqa: E402
from wanshang.ads.autoplan_reports import autoplan_list as autoplan_list  # noqa: E402
from wanshang.ads.autoplan_reports import autoplan_products as autoplan_products  # noqa: E402
from wanshang.ads.autoplan_reports import autoplan_report as autoplan_report  # noqa: E402
from wanshang.ads.autoplans import TARGET_MAX_CENTI as TARGET_MAX_CENTI  # noqa: E402
from wanshang.ads.autoplans import TARGET_MIN_CENTI as TARGET_MIN_CENTI  # noqa: E402

# --- 引力魔方 audience ads -------------------------------------------------------------------------------------
# isort: split
from wanshang.ads.audience import audience_setup as audience_setup  # noqa: E402
from wanshang.ads.audience import crowd_packs_of as crowd_packs_of  # noqa: E402
from wanshang.ads.audience import pack_choices as pack_choices  # noqa: E402
from wanshang.ads.audience import target_get as target_get  # noqa: E402
from wanshang.ads.audience import target_list as target_list  # noqa: E402
from wanshang.ads.audience_models import FREQUENCY_CAP_MAX as FREQUENCY_CAP_MAX  # noqa: E402
from wanshang.ads.audience_models import MULTIPLIER_MAX as MULTIPLIER_MAX  # noqa: E402
from wanshang.ads.audience_models import MULTIPLIER_MIN as MULTIPLIER_MIN  # noqa: E402
from wanshang.ads.audience_models import AudienceTarget as _AudienceTarget  # noqa: E402
from wanshang.ads.audience_models import Billing as _Billing  # noqa: E402

CROWD_KINDS = _AudienceTarget.Kind.choices
BILLINGS = _Billing.choices
TARGET_STATUSES = _AudienceTarget.Status.choices
