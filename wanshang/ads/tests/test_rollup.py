"""The hourly rollup (`ads.rollup`) against the raw rows: the same figures, refunds in the hour of the click they
undo, a late conversion rebuilding its hour, an idempotent re-run, catch-up after downtime, Asia/Shanghai hours
at the day boundary, and the current hour read live."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import count

import pytest
from django.utils import timezone

from wanshang.ads import rollup
from wanshang.ads.models import AdClick, AdConversion, AdImpression, AdRollupHour, AdStatDay, AdStatHour
from wanshang.ads.reports import traffic_report
from wanshang.ads.services import KeywordInput, ad_charge, invalid_click_refund, keywords_add, rollup_run
from wanshang.common.errors import ValidationError
from wanshang.common.scheduler import job

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()
_seq = count(1)


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=TZ)


@pytest.fixture
def ad(make_shop, make_plan, make_group, fund):
    """ad(shop=None) → (shop, plan, group, [kw1, kw2]): a funded plan with two keywords."""

    def make(shop=None):
        shop = shop or make_shop()
        fund(shop, 100_000)
        plan = make_plan(shop, daily=100_000)
        group = make_group(shop, plan, bid=200)
        kws = keywords_add(
            shop=shop, group_id=group.pk, rows=[KeywordInput(word="连衣裙"), KeywordInput(word="碎花裙")]
        )
        return shop, plan, group, kws

    return make


def imp(ad_row, kw, ts, n=1, placement="search"):
    shop, plan, group, _kws = ad_row
    AdImpression.objects.bulk_create(
        [
            AdImpression(
                ts=ts,
                page_view=f"pv{next(_seq)}",
                shop=shop,
                plan_id=plan.pk,
                group_id=group.pk,
                keyword_id=kw.pk,
                product_id=group.product_id,
                position=1,
                price_fen=100,
                query="碎花连衣裙",
                placement=placement,
            )
            for _ in range(n)
        ]
    )


def click(ad_row, kw, ts, status="charged", price=100, placement="search", charge=True):
    """A click row; a charged one is charged through the ledger (reference adclick:<id>) like traffic does."""
    shop, plan, group, _kws = ad_row
    row = AdClick.objects.create(
        token_hash=f"t{next(_seq)}",
        ts=ts,
        issued_at=ts,
        shop=shop,
        plan_id=plan.pk,
        group_id=group.pk,
        keyword_id=kw.pk,
        product_id=group.product_id,
        query="碎花连衣裙",
        visitor="v1",
        price_fen=price,
        charged_fen=price if status == "charged" else 0,
        status=status,
        placement=placement,
    )
    if status == "charged" and charge:
        assert ad_charge(group_id=group.pk, price_fen=price, ref=f"adclick:{row.pk}", now=ts).charged
    return row


def conversion(c: AdClick, paid_at, amount=5000, order_id=None):
    return AdConversion.objects.create(
        shop_id=c.shop_id,
        click=c,
        order_id=order_id or next(_seq),
        line_id=next(_seq),
        plan_id=c.plan_id,
        group_id=c.group_id,
        keyword_id=c.keyword_id,
        product_id=c.product_id,
        quantity=1,
        amount_fen=amount,
        paid_at=paid_at,
        placement=c.placement,
    )


def stored(shop) -> dict:
    """{(day, hour, keyword_id, placement): (impressions, clicks, invalid, spend, refunded, conversions, gmv)}"""
    return {
        (r.day, r.hour, r.keyword_id, r.placement): (
            r.impressions,
            r.clicks,
            r.invalid_clicks,
            r.spend_fen,
            r.refunded_fen,
            r.conversions,
            r.gmv_fen,
        )
        for r in AdStatHour.objects.for_shop(shop)
    }


def live(shop, lo, hi) -> dict:
    """The same figures aggregated straight from the raw rows."""
    return {
        (k[0].date(), k[0].hour, k[4], k[5]): (
            v["impressions"],
            v["clicks"],
            v["invalid_clicks"],
            v["spend_fen"],
            v["refunded_fen"],
            v["conversions"],
            v["gmv_fen"],
        )
        for k, v in rollup.aggregate([(lo, hi)], shop_id=shop.pk).items()
    }


@pytest.fixture
def day0():
    return timezone.localdate() - timedelta(days=3)


def test_rollup_rows_are_the_raw_rows_figures_with_refunds(ad, day0):
    a = ad()
    kw1, kw2 = a[3]
    imp(a, kw1, local(day0, 9, 5), n=5)
    imp(a, kw1, local(day0, 9, 55), n=2, placement="home")
    imp(a, kw2, local(day0, 10, 0), n=3)
    c1 = click(a, kw1, local(day0, 9, 10), price=120)
    c2 = click(a, kw1, local(day0, 9, 20), price=80)
    click(a, kw1, local(day0, 9, 30), status="bot")
    click(a, kw1, local(day0, 9, 31), status="duplicate")
    click(a, kw2, local(day0, 10, 30), status="unpaid")
    click(a, kw1, local(day0, 9, 40), price=70, placement="home")
    conversion(c1, local(day0, 11, 0), amount=5000, order_id=1)
    conversion(c1, local(day0, 11, 0), amount=1000, order_id=1)  # a second line of the same order
    conversion(c2, local(day0, 11, 15), amount=2000, order_id=2)
    invalid_click_refund(charge_ref=f"adclick:{c2.pk}", reason="机器流量")

    rollup_run(now=local(day0 + timedelta(days=1), 0, 5))

    assert stored(a[0]) == {
        (day0, 9, kw1.pk, "search"): (5, 2, 2, 200, 80, 0, 0),
        (day0, 9, kw1.pk, "home"): (2, 1, 0, 70, 0, 0, 0),
        (day0, 10, kw2.pk, "search"): (3, 0, 0, 0, 0, 0, 0),
        (day0, 11, kw1.pk, "search"): (0, 0, 0, 0, 0, 2, 8000),
    }
    assert stored(a[0]) == live(a[0], local(day0, 0), local(day0 + timedelta(days=1), 0))
    assert AdStatHour.objects.for_shop(a[0]).get(day=day0, hour=10).unpaid_clicks == 1
    # the report: spend net of the refund; the refunded click is not a click any more; 投产比 = GMV ÷ net spend
    report = traffic_report(shop=a[0], by="day", start=day0, end=day0)
    total = report.total
    assert (total.impressions, total.clicks, total.spend_fen, total.refunded_fen) == (10, 2, 190, 80)
    assert (total.orders, total.gmv_fen, total.invalid_clicks) == (2, 8000, 2)
    assert total.roas == pytest.approx(8000 / 190)


def test_a_refund_and_a_late_conversion_rebuild_their_hour(ad, day0):
    a = ad()
    kw1 = a[3][0]
    c = click(a, kw1, local(day0, 14, 10), price=150)
    rollup_run(now=local(day0, 16, 0))
    assert stored(a[0])[(day0, 14, kw1.pk, "search")] == (0, 1, 0, 150, 0, 0, 0)

    # two days later: the click is refunded and an order paid in hour 14 is attributed only now
    conversion(c, local(day0, 14, 50), amount=3000)
    invalid_click_refund(charge_ref=f"adclick:{c.pk}", reason="无效点击")
    later = local(day0 + timedelta(days=2), 12, 0)
    report = traffic_report(shop=a[0], by="hour", start=day0, end=day0, now=later)
    assert report.rows[14].gmv_fen == 0  # the stored hour, until the job has seen the late rows
    assert rollup_run(now=later) == 1
    assert stored(a[0])[(day0, 14, kw1.pk, "search")] == (0, 1, 0, 150, 150, 1, 3000)
    row = traffic_report(shop=a[0], by="hour", start=day0, end=day0, now=later).rows[14]
    assert (row.clicks, row.spend_fen, row.refunded_fen, row.orders, row.gmv_fen) == (0, 0, 150, 1, 3000)
    assert row.roas == 0.0  # no net spend: no 投产比
    # the whole day comes from the day table, rewritten with its hour
    day = traffic_report(shop=a[0], by="day", start=day0, end=day0, now=later).rows[0]
    assert (day.clicks, day.spend_fen, day.refunded_fen, day.orders, day.gmv_fen) == (0, 0, 150, 1, 3000)
    assert AdStatDay.objects.for_shop(a[0]).get(day=day0).gmv_fen == 3000
    # an hour marked pending again is read live while the rest of its day comes from the hours
    conversion(c, local(day0, 14, 55), amount=500)
    rollup.hours_mark([local(day0, 14)])
    assert traffic_report(shop=a[0], by="day", start=day0, end=day0, now=later).rows[0].gmv_fen == 3500


def test_a_rerun_changes_nothing(ad, day0):
    a = ad()
    kw1 = a[3][0]
    imp(a, kw1, local(day0, 8, 0), n=4)
    click(a, kw1, local(day0, 8, 1))
    now = local(day0, 12, 0)
    assert rollup_run(now=now) == 1
    first = list(
        AdStatHour.objects.values_list("hour_start", "keyword_id", "impressions", "clicks", "spend_fen")
    )
    built = list(AdRollupHour.objects.values_list("hour_start", "built_at", "pending"))
    assert rollup_run(now=now) == 0
    assert rollup_run(now=now + timedelta(hours=1)) == 0
    assert (
        list(AdStatHour.objects.values_list("hour_start", "keyword_id", "impressions", "clicks", "spend_fen"))
        == first
    )
    assert list(AdRollupHour.objects.values_list("hour_start", "built_at", "pending")) == built
    # a forced rebuild of the same hours gives the same rows
    rollup.rollup_rebuild(start=local(day0, 0), end=local(day0, 12), now=now)
    assert (
        list(AdStatHour.objects.values_list("hour_start", "keyword_id", "impressions", "clicks", "spend_fen"))
        == first
    )


def test_catch_up_after_downtime_spreads_over_ticks_and_reports_stay_exact(ad, day0, monkeypatch):
    a = ad()
    kw1, kw2 = a[3]
    for d in range(3):
        for h in (1, 7, 13, 19):
            imp(a, kw1 if h % 2 else kw2, local(day0 + timedelta(days=d), h, 30), n=h)
            click(a, kw1, local(day0 + timedelta(days=d), h, 31), price=10 + h)
    now = local(day0 + timedelta(days=3), 6, 0)
    expected = traffic_report(shop=a[0], by="day", start=day0, end=day0 + timedelta(days=2), now=now)
    monkeypatch.setattr(rollup, "HOURS_PER_TICK", 5)
    assert rollup_run(now=now) == 5  # the job was down for three days: 12 hours to build, 5 a run
    part = traffic_report(shop=a[0], by="day", start=day0, end=day0 + timedelta(days=2), now=now)
    assert [(r.impressions, r.clicks, r.spend_fen) for r in part.rows] == [
        (r.impressions, r.clicks, r.spend_fen) for r in expected.rows
    ]
    assert rollup_run(now=now) == 5
    assert rollup_run(now=now) == 2
    assert rollup_run(now=now) == 0
    assert not AdRollupHour.objects.filter(pending=True).exists()
    assert stored(a[0]) == live(a[0], local(day0, 0), now)
    done = traffic_report(shop=a[0], by="day", start=day0, end=day0 + timedelta(days=2), now=now)
    assert [r.impressions for r in done.rows] == [1 + 7 + 13 + 19] * 3
    assert [r.spend_fen for r in done.rows] == [11 + 17 + 23 + 29] * 3


def test_the_registered_job_runs_the_rollup(ad, day0):
    a = ad()
    imp(a, a[3][0], local(day0, 3, 0), n=2)
    assert job("ads.rollup").func(local(day0, 5, 0)) == 1
    assert stored(a[0]) == {(day0, 3, a[3][0].pk, "search"): (2, 0, 0, 0, 0, 0, 0)}


def test_hours_are_asia_shanghai_at_the_day_boundary(ad, day0):
    a = ad()
    kw1 = a[3][0]
    # 15:59:59 UTC is 23:59:59 in Shanghai; 16:00 UTC is 00:00 of the next day
    late = datetime.combine(day0, time(15, 59, 59), tzinfo=UTC)
    imp(a, kw1, late, n=2)
    imp(a, kw1, late + timedelta(seconds=1), n=3)
    c = click(a, kw1, late + timedelta(seconds=1), price=50)
    conversion(c, late, amount=700)  # paid a second before the click's hour: the day before
    rollup_run(now=late + timedelta(hours=3))
    assert stored(a[0]) == {
        (day0, 23, kw1.pk, "search"): (2, 0, 0, 0, 0, 1, 700),
        (day0 + timedelta(days=1), 0, kw1.pk, "search"): (3, 1, 0, 50, 0, 0, 0),
    }
    report = traffic_report(shop=a[0], by="day", start=day0, end=day0 + timedelta(days=1))
    assert [(r.impressions, r.clicks, r.gmv_fen) for r in report.rows] == [(2, 0, 700), (3, 1, 0)]
    hours = traffic_report(shop=a[0], by="hour", start=day0, end=day0 + timedelta(days=1)).rows
    assert (hours[23].impressions, hours[0].impressions, hours[0].label) == (2, 3, "00:00")


def test_the_current_hour_is_read_live(ad):
    a = ad()
    kw1 = a[3][0]
    now = timezone.now()
    rollup_run(now=now)
    imp(a, kw1, now - timedelta(seconds=1), n=4)
    click(a, kw1, now - timedelta(seconds=1), price=30)
    report = traffic_report(shop=a[0], by="day", days=1, now=now)
    assert (report.total.impressions, report.total.clicks, report.total.spend_fen) == (4, 1, 30)
    rollup_run(now=now)  # the hour is not over: marked, not built
    assert not AdStatHour.objects.exists()
    assert traffic_report(shop=a[0], by="day", days=1, now=now).total.impressions == 4


def test_reports_never_mix_shops(ad, day0):
    a, b = ad(), ad()
    imp(a, a[3][0], local(day0, 10, 0), n=3)
    imp(b, b[3][0], local(day0, 10, 0), n=7)
    click(b, b[3][0], local(day0, 10, 5), price=90)
    rollup_run(now=local(day0, 12, 0))
    own = {"plan": {a[1].pk}, "group": {a[2].pk}, "keyword": {a[3][0].pk}, "placement": {"search"}}
    for by in ("day", "hour", "plan", "group", "keyword", "placement"):
        report = traffic_report(shop=a[0], by=by, start=day0, end=day0)
        assert (report.total.impressions, report.total.clicks, report.total.spend_fen) == (3, 0, 0)
        if by in own:
            assert {r.key for r in report.rows} == own[by]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"days": 0},
        {"days": 91},
        {"days": "7"},
        {"start": date(2026, 1, 2)},
        {"start": "2026-01-01", "end": "2026-01-02"},
        {"by": "minute"},
        {"placement": "moon"},
    ],
)
def test_bad_periods_and_dimensions_are_refused(ad, kwargs):
    shop = ad()[0]
    with pytest.raises(ValidationError):
        traffic_report(shop=shop, **kwargs)


def test_bad_date_ranges_are_refused(ad):
    shop = ad()[0]
    today = timezone.localdate()
    for start, end in [
        (today, today - timedelta(days=1)),  # reversed
        (today, today + timedelta(days=1)),  # the future
        (today - timedelta(days=90), today),  # 91 days
        (today - timedelta(days=500), today - timedelta(days=480)),  # too old
    ]:
        with pytest.raises(ValidationError):
            traffic_report(shop=shop, start=start, end=end)
    assert len(traffic_report(shop=shop, start=today - timedelta(days=89), end=today).rows) == 90
