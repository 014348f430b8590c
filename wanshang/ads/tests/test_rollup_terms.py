"""The search-term rollup (AdTermHour / AdTermDay) and the group hours (AdStatGroupHour): the same figures as the
raw rows, read from the rollup once built, the long tail summed into one row per keyword, today exact, the term
hours pruned after TERM_HOURS_KEPT_DAYS and an old day rebuilt from the raw rows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.ads import rollup
from wanshang.ads.models import (
    AdClick,
    AdConversion,
    AdImpression,
    AdStatGroupHour,
    AdStatHour,
    AdTermDay,
    AdTermHour,
)
from wanshang.ads.reports import search_terms, traffic_report
from wanshang.ads.services import KeywordInput, invalid_click_refund, keywords_add, rollup_run
from wanshang.ads.tests.test_rollup import click, imp, local

pytestmark = pytest.mark.django_db


def imp_q(a, kw, ts, query, n=1):
    shop, plan, group, _kws = a
    AdImpression.objects.bulk_create(
        AdImpression(
            ts=ts,
            page_view=f"q{i}",
            shop=shop,
            plan_id=plan.pk,
            group_id=group.pk,
            keyword_id=kw.pk,
            product_id=group.product_id,
            position=1,
            price_fen=100,
            query=query,
        )
        for i in range(n)
    )


def click_q(a, kw, ts, query, **kw_args):
    c = click(a, kw, ts, **kw_args)
    AdClick.objects.filter(pk=c.pk).update(query=query)
    c.query = query
    return c


def conv_q(c, paid_at, amount=5000):
    return AdConversion.objects.create(
        shop_id=c.shop_id,
        click=c,
        order_id=c.pk + 10_000,
        line_id=c.pk + 10_000,
        plan_id=c.plan_id,
        group_id=c.group_id,
        keyword_id=c.keyword_id,
        product_id=c.product_id,
        query=c.query,
        quantity=1,
        amount_fen=amount,
        paid_at=paid_at,
        placement=c.placement,
    )


def figures(rows) -> dict:
    return {
        (r.extra["keyword_id"], r.extra["query"], r.extra["rest"]): (
            r.impressions,
            r.clicks,
            r.spend_fen,
            r.orders,
            r.gmv_fen,
        )
        for r in rows
    }


@pytest.fixture
def ad(make_shop, make_plan, make_group, fund):
    """ad() → (shop, plan, group, [kw1, kw2]): a funded plan with two keywords."""

    def make():
        shop = make_shop()
        fund(shop, 100_000)
        plan = make_plan(shop, daily=100_000)
        group = make_group(shop, plan, bid=200)
        kws = keywords_add(
            shop=shop, group_id=group.pk, rows=[KeywordInput(word="连衣裙"), KeywordInput(word="碎花裙")]
        )
        return shop, plan, group, kws

    return make


@pytest.fixture
def day0():
    return timezone.localdate() - timedelta(days=3)


def _traffic(a, day0):
    kw1, kw2 = a[3]
    imp_q(a, kw1, local(day0, 9, 5), "碎花连衣裙", n=5)
    imp_q(a, kw1, local(day0, 9, 50), "连衣裙夏", n=2)
    imp_q(a, kw2, local(day0, 14, 0), "碎花裙", n=3)
    c1 = click_q(a, kw1, local(day0, 9, 10), "碎花连衣裙", price=120)
    c2 = click_q(a, kw1, local(day0, 9, 51), "连衣裙夏", price=80)
    conv_q(c1, local(day0, 11, 0), amount=5000)
    invalid_click_refund(charge_ref=f"adclick:{c2.pk}", reason="机器流量")
    return kw1, kw2


def test_search_terms_read_from_the_day_rollup_equal_the_raw_rows(ad, day0):
    a = ad()
    kw1, kw2 = _traffic(a, day0)
    raw = figures(search_terms(shop=a[0], start=day0, end=day0))  # nothing built yet: all from the raw rows
    assert raw == {
        (kw1.pk, "碎花连衣裙", False): (5, 1, 120, 1, 5000),
        (kw1.pk, "连衣裙夏", False): (2, 0, 0, 0, 0),  # its click refunded as invalid
        (kw2.pk, "碎花裙", False): (3, 0, 0, 0, 0),
    }

    rollup_run(now=timezone.now())
    assert AdTermDay.objects.for_shop(a[0]).filter(day=day0).count() == 3
    assert figures(search_terms(shop=a[0], start=day0, end=day0)) == raw
    # read from AdTermDay, not the raw rows: the raw impressions gone, the report unchanged
    AdImpression.objects.all().delete()
    assert figures(search_terms(shop=a[0], start=day0, end=day0)) == raw
    # a repeated run writes the same rows
    before = sorted(AdTermDay.objects.values_list("keyword_id", "query", "impressions", "spend_fen"))
    rollup_run(now=timezone.now())
    assert sorted(AdTermDay.objects.values_list("keyword_id", "query", "impressions", "spend_fen")) == before


def test_a_keywords_long_tail_is_one_rest_row_and_totals_stay_exact(ad, day0, monkeypatch):
    monkeypatch.setattr(rollup, "TERMS_PER_KEYWORD", 2)
    a = ad()
    kw1 = a[3][0]
    for query, n in (("甲", 5), ("乙", 4), ("丙", 3), ("丁", 1), ("戊", 1)):
        imp_q(a, kw1, local(day0, 10, 0), query, n=n)
    c = click_q(a, kw1, local(day0, 10, 5), "丁", price=90)  # the small query with an order is kept
    conv_q(c, local(day0, 10, 30), amount=3000)

    rollup_run(now=timezone.now())

    rows = search_terms(shop=a[0], start=day0, end=day0)
    assert [(r.label, r.impressions) for r in rows] == [
        ("甲", 5),
        ("乙", 4),
        ("丁", 1),
        ("（其他搜索词）", 4),
    ]
    rest = rows[-1]
    assert rest.extra["rest"] and rest.extra["queries"] == 2 and rest.extra["query"] == ""
    assert sum(r.impressions for r in rows) == 14
    assert (rows[2].orders, rows[2].gmv_fen, rows[2].spend_fen) == (1, 3000, 90)


def test_today_reads_the_day_so_far_and_the_live_hour(ad, day0):
    a = ad()
    kw1 = a[3][0]
    today = day0 + timedelta(days=1)
    now = local(today, 12, 30)
    imp_q(a, kw1, local(today, 10, 5), "碎花连衣裙", n=4)
    rollup_run(now=now)
    assert AdTermHour.objects.for_shop(a[0]).get(hour_start=local(today, 10)).impressions == 4
    assert AdTermDay.objects.get(day=today).impressions == 4  # the day so far
    imp_q(a, kw1, local(today, 12, 10), "碎花连衣裙", n=1)  # the current hour: live
    AdImpression.objects.filter(ts__lt=local(today, 11)).delete()  # the built hour comes from the rollup

    [row] = search_terms(shop=a[0], days=1, now=now)
    assert (row.label, row.impressions) == ("碎花连衣裙", 5)


def test_term_hours_are_pruned_and_an_old_day_is_rebuilt_from_the_raw_rows(ad, day0):
    a = ad()
    kw1, kw2 = a[3]
    imp_q(a, kw1, local(day0, 9, 5), "碎花连衣裙", n=5)
    c = click_q(a, kw1, local(day0, 9, 10), "碎花连衣裙", price=120)
    rollup_run(now=timezone.now())
    assert AdTermHour.objects.filter(day=day0).exists()

    later = timezone.now() + timedelta(days=rollup.TERM_HOURS_KEPT_DAYS)
    rollup_run(now=later)
    assert not AdTermHour.objects.filter(day=day0).exists()  # pruned; the day's terms stay
    [row] = search_terms(shop=a[0], start=day0, end=day0, now=later)
    assert (row.impressions, row.clicks, row.spend_fen) == (5, 1, 120)

    invalid_click_refund(charge_ref=f"adclick:{c.pk}", reason="机器流量")  # rebuilds day0's 09:00
    rollup_run(now=later + timedelta(minutes=1))
    assert not AdTermHour.objects.filter(day=day0).exists()  # an old hour writes no term hours
    [row] = search_terms(shop=a[0], start=day0, end=day0, now=later)
    assert (row.impressions, row.clicks, row.spend_fen, row.refunded_fen) == (5, 0, 0, 120)


def test_the_hour_of_day_report_reads_the_group_hours(ad, day0):
    a = ad()
    kw1, kw2 = a[3]
    imp(a, kw1, local(day0, 9, 5), n=5)
    imp(a, kw2, local(day0, 9, 15), n=3)
    click(a, kw2, local(day0, 9, 20), price=70)
    imp(a, kw2, local(day0, 20, 0), n=2, placement="home")
    rollup_run(now=timezone.now())
    hours = [
        (r.impressions, r.clicks, r.spend_fen)
        for r in traffic_report(shop=a[0], by="hour", start=day0, end=day0).rows
    ]

    assert AdStatGroupHour.objects.count() == 2 < AdStatHour.objects.count() == 3  # no keyword dimension
    AdStatHour.objects.all().delete()  # what the hour-of-day report reads is the group table
    again = traffic_report(shop=a[0], by="hour", start=day0, end=day0).rows
    assert [(r.impressions, r.clicks, r.spend_fen) for r in again] == hours
    assert (hours[9], hours[20]) == ((8, 1, 70), (2, 0, 0))


def test_a_days_terms_follow_each_built_hour_of_it(ad, day0):
    a = ad()
    kw1 = a[3][0]
    imp_q(a, kw1, local(day0, 10, 5), "碎花连衣裙", n=3)
    rollup_run(now=local(day0, 12, 30))  # 10:00 built; the day so far
    assert list(AdTermDay.objects.values_list("query", "impressions")) == [("碎花连衣裙", 3)]
    imp_q(a, kw1, local(day0, 14, 5), "碎花连衣裙", n=2)
    rollup_run(now=local(day0 + timedelta(days=1), 0, 5))  # 14:00 built, the day is over
    assert list(AdTermDay.objects.values_list("query", "impressions")) == [("碎花连衣裙", 5)]
    AdImpression.objects.all().delete()
    [row] = search_terms(shop=a[0], start=day0, end=day0, now=local(day0 + timedelta(days=1), 0, 5))
    assert row.impressions == 5


def test_the_page_reads_only_the_top_rows(ad, day0):
    a = ad()
    kw1 = a[3][0]
    for i, query in enumerate(("甲", "乙", "丙")):
        imp_q(a, kw1, local(day0, 10, 0), query, n=3 - i)
    rows = search_terms(shop=a[0], start=day0, end=day0, limit=2)
    assert [r.label for r in rows] == ["甲", "乙"]


def test_a_query_shown_once_and_never_clicked_goes_to_the_rest_row(ad, day0):
    a = ad()
    kw1 = a[3][0]
    imp_q(a, kw1, local(day0, 10, 0), "碎花连衣裙", n=2)
    imp_q(a, kw1, local(day0, 10, 0), "连衣裙 12345号", n=1)  # a one-off
    imp_q(a, kw1, local(day0, 10, 0), "连衣裙 67890号", n=1)
    click_q(a, kw1, local(day0, 10, 5), "连衣裙 67890号", price=90)  # clicked: kept
    rollup_run(now=timezone.now())
    rows = search_terms(shop=a[0], start=day0, end=day0)
    assert [(r.label, r.impressions, r.extra["queries"]) for r in rows] == [
        ("碎花连衣裙", 2, 1),
        ("连衣裙 67890号", 1, 1),
        ("（其他搜索词）", 1, 1),
    ]


def test_the_pages_top_terms_equal_the_head_of_the_full_list(ad, day0, monkeypatch):
    """The page's top N (read without summing every query when it can be proven) is exactly the first N rows of
    the full report: queries spread over built days, today's live hour adding to some of them and bringing new
    ones, ties at the boundary falling back to the full read."""
    import random

    from wanshang.ads import rollup_terms

    monkeypatch.setattr(rollup, "TERMS_PER_KEYWORD", 6)
    a = ad()
    kw1, kw2 = a[3]
    rng = random.Random(14)
    today = day0 + timedelta(days=3)
    now = local(today, 12, 30)
    for d in range(3):
        for i in range(14):
            imp_q(
                a,
                rng.choice((kw1, kw2)),
                local(day0 + timedelta(days=d), 10, i),
                f"词{i}",
                n=rng.randint(1, 9),
            )
    for i in range(0, 14, 3):
        click_q(a, kw1, local(day0, 11, i), f"词{i}", price=50 + i)
    rollup_run(now=now)
    for i in (2, 5, 20, 21):  # today's live hour: known queries grow, new ones appear
        imp_q(a, kw2, local(today, 12, 10), f"词{i}", n=7)

    proven = []
    real = rollup_terms._top_terms

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        proven.append(got is not None)
        return got

    monkeypatch.setattr(rollup_terms, "_top_terms", spy)
    full = figures(search_terms(shop=a[0], start=day0, end=today, now=now))
    keys = list(full)
    for n in (1, 3, 5, 8, 12):
        head = search_terms(shop=a[0], start=day0, end=today, now=now, limit=n)
        assert list(figures(head)) == keys[:n]
        assert figures(head) == {k: full[k] for k in keys[:n]}
    assert any(proven)  # the short path answered some of them, not only the fallback
