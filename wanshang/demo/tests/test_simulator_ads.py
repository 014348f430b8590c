"""The simulator's paid traffic over a month: the real ad auction on its search pages, clicks charged through the
ad account, robots and repeats recorded uncharged, conversions at the simulated payment; promoters' links
clicked, their orders' commissions attributed, confirmed and settled at simulated times."""

import random
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from wanshang.demo.simulator import SimOptions, market_simulate

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

END = datetime(2026, 3, 6, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAYS = 30
TITLES = [
    "青禾 纯棉 短袖T恤 透气",
    "青禾 宽松 连帽卫衣 加厚",
    "青禾 直筒 牛仔裤 显瘦",
    "青禾 纯棉 睡衣套装 柔软",
]


def _quiet(line):
    pass


@pytest.fixture
def paid_market(
    make_shop, make_product, make_user, buyer, make_address, operator, django_capture_on_commit_callbacks
):
    """Two shops, each with an active 直通车 plan a month old on its first product; a promoter's link to one."""
    from wanshang.ads.models import AdPlan
    from wanshang.ads.services import (
        KeywordInput,
        PlanInput,
        group_create,
        keywords_add,
        plan_create,
        plan_set_status,
        topup_create,
        topup_pay_sandbox,
    )
    from wanshang.affiliates.services import link_create, promoter_apply, promoter_review, shop_rate_set
    from wanshang.search.selectors import query_words

    make_address(buyer, is_default=True)
    shops = []
    for n in range(2):
        shop = make_shop(name=f"Sim Shop {n}")
        products = [make_product(shop, title=t, prices=(5900, 8900), stock=400) for t in TITLES]
        topup = topup_create(shop=shop, user=shop.owner, amount_fen=100_000)
        topup_pay_sandbox(shop=shop, payment_no=topup.payment_no)
        with django_capture_on_commit_callbacks(execute=True):
            plan = plan_create(
                shop=shop,
                data=PlanInput(name="推广", daily_budget_fen=20_000, start_date=datetime.now().date()),
            )
            for product in products[:2]:
                group = group_create(
                    shop=shop, plan_id=plan.pk, product_id=product.pk, default_bid_fen=90 + 20 * n
                )
                words = [w for w in query_words(product.title) if len(w) >= 2][:3]
                keywords_add(
                    shop=shop,
                    group_id=group.pk,
                    rows=[KeywordInput(word=w, match_type="broad") for w in words],
                )
            plan_set_status(shop=shop, plan_id=plan.pk, status="active")
        AdPlan.objects.filter(pk=plan.pk).update(start_date=END.date() - timedelta(days=DAYS + 1))
        shops.append((shop, products))
    shop_rate_set(shop=shops[0][0], rate_bps=1000)
    promoter = promoter_apply(
        user=make_user(), name="穿搭小鹿", channels="小红书", audience="女装", contact="x"
    )
    promoter = promoter_review(operator=operator, promoter_id=promoter.pk, approve=True)
    for product in shops[0][1]:
        link_create(promoter=promoter, product_id=product.pk)
    return shops, promoter


def test_a_month_of_ad_and_affiliate_history_through_the_services(paid_market, settings):
    from wanshang.ads.models import AdAccount, AdLedgerEntry
    from wanshang.ads.reports import traffic_report
    from wanshang.ads.traffic_models import AdClick, AdConversion, AdImpression
    from wanshang.affiliates.models import Click, Commission
    from wanshang.analytics.models import Event

    settings.WANSHANG = {**settings.WANSHANG, "AFFILIATE_FREEZE_DAYS": 7}
    shops, promoter = paid_market
    market_simulate(
        options=SimOptions(days=DAYS, seed=5, visitors_per_day=40, end=END, incidents=()), log=_quiet
    )

    start = END - timedelta(days=DAYS)
    clicks = list(AdClick.objects.all())
    statuses = Counter(c.status for c in clicks)
    assert statuses["charged"] > 20 and AdImpression.objects.count() > statuses["charged"]
    assert all(start <= c.ts <= END for c in clicks)  # simulated time
    days = {c.ts.astimezone(END.tzinfo).date() for c in clicks if c.status == "charged"}
    assert len(days) >= 15  # a month of history, not one day
    # money: every charge is a ledger row at its click's time; each account's ledger sums to its balance
    for account in AdAccount.objects.all():
        assert (
            AdLedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount_fen"))["s"]
            == account.balance_fen
        )
    charged = {f"adclick:{c.pk}": c for c in clicks if c.status == "charged"}
    entries = list(AdLedgerEntry.objects.filter(kind="charge"))
    assert {e.reference for e in entries} == set(charged)
    assert all(
        e.created_at == charged[e.reference].ts and -e.amount_fen == charged[e.reference].charged_fen
        for e in entries
    )
    assert AdLedgerEntry.objects.filter(kind="refund").exists()  # the platform's invalid-click refunds
    # the shop's report over 31 days shows the month: each day's charged clicks as the click rows say, less the
    # ones the platform refunded as invalid (the report counts clicks net of refunds)
    shop = shops[0][0]
    report = traffic_report(shop=shop, by="day", days=31, now=END)
    refunded = set(AdLedgerEntry.objects.filter(kind="refund").values_list("reference", flat=True))
    per_day = Counter(
        c.ts.astimezone(END.tzinfo).date()
        for c in clicks
        if c.status == "charged" and c.shop_id == shop.pk and f"adclick:{c.pk}" not in refunded
    )
    assert {r.key: r.clicks for r in report.rows if r.clicks} == dict(per_day)
    assert len(per_day) >= 2 and report.total.impressions > 0  # few: the simulated month is random
    # landings are 付费流量 / 直通车 page views at the click's time, on the ad's product
    landings = Event.objects.filter(kind="pv", source="ads_kw", page_type="product")
    assert landings.count() >= sum(1 for c in clicks if c.status in ("charged", "duplicate", "unpaid")) // 2
    # conversions dated at the order's simulated payment
    for conversion in AdConversion.objects.select_related("click"):
        assert start <= conversion.paid_at <= END and conversion.click.ts <= conversion.paid_at
    # affiliates: clicks at simulated times, landings under 淘宝客, commissions at the payment's time
    aff_clicks = list(Click.objects.filter(promoter=promoter))
    assert aff_clicks and all(start <= c.at <= END for c in aff_clicks)
    assert Event.objects.filter(kind="pv", source="affiliate").exists()
    for commission in Commission.objects.select_related("order"):
        assert commission.paid_at == commission.order.paid_at
        if commission.status in ("confirmed", "settled"):
            assert commission.confirmed_at == commission.order.received_at
            assert commission.settle_due_at == commission.confirmed_at + timedelta(days=7)
        if commission.status == "settled":
            assert commission.settle_due_at <= END


@pytest.fixture
def audience_market(make_shop, make_product, django_capture_on_commit_callbacks):
    """Two shops of one category: the first runs an audience plan (similar-product visitors) on a product, the
    second a 全站推广 goal plan on two; both dated before the simulated window, as the demo dates its plans."""
    from django.utils import timezone

    from wanshang.ads.models import AdPlan
    from wanshang.ads.services import topup_create, topup_pay_sandbox
    from wanshang.demo.ads import _audience_plan, _goal_plan

    first = make_shop(name="Sim Audience Shop")
    second = make_shop(name="Sim Goal Shop", category=first.test_category)
    products = [make_product(first, title=t, prices=(5900, 8900), stock=400) for t in TITLES]
    rivals = [make_product(second, title=t, prices=(6900, 9900), stock=400) for t in TITLES]
    today = timezone.localdate()
    for shop in (first, second):
        topup = topup_create(shop=shop, user=shop.owner, amount_fen=100_000)
        topup_pay_sandbox(shop=shop, payment_no=topup.payment_no)
    with django_capture_on_commit_callbacks(execute=True):
        audience = _audience_plan(first, products[0], rng=random.Random(3), today=today)
        goal = _goal_plan(second, rivals[:2], today=today)
    start = END - timedelta(days=DAYS + 1)
    AdPlan.objects.filter(pk__in=[audience.pk, goal.pk]).update(start_date=start.date(), updated_at=start)
    return audience, goal


def test_audience_placements_and_goal_plans_in_the_simulated_month(audience_market):
    from wanshang.ads.autoplan_models import AutoPlanHour
    from wanshang.ads.traffic_models import AdClick, AdImpression
    from wanshang.analytics.models import Event

    audience, goal = audience_market
    market_simulate(
        options=SimOptions(days=DAYS, seed=7, visitors_per_day=40, end=END, incidents=()), log=_quiet
    )

    start = END - timedelta(days=DAYS)
    shown = AdImpression.objects.filter(plan_id=audience.pk)
    assert shown.exists() and set(shown.values_list("placement", flat=True)) <= {"home", "product"}
    assert all(start <= ts <= END for ts in shown.values_list("ts", flat=True))  # at simulated times
    assert not shown.filter(crowd_id__isnull=True).exists()  # each won by the plan's crowd
    clicks = AdClick.objects.filter(plan_id=audience.pk)
    if clicks.exists():  # a 3 % CTR on a small month: a landing per valid click, under 付费流量 / 引力魔方
        assert Event.objects.filter(kind="pv", source="ads_aud", page_type="product").exists()
    # the goal plan's λ was stepped day by day at simulated times: most of the month's hours, each once
    hours = list(AutoPlanHour.objects.filter(plan_id=goal.pk).values_list("hour", flat=True))
    assert len(hours) == len(set(hours)) >= 24 * (DAYS - 2)
    assert all(start - timedelta(days=1) <= h <= END for h in hours)
