"""Every dashboard figure against an independent computation from the raw events of a small data set."""

from datetime import timedelta

import pytest

from wanshang.analytics.rollup import rollup_pending
from wanshang.analytics.tests.factories import DAY1, DAY2, add, expected, local, save, small_market_events
from wanshang.insights import metrics
from wanshang.insights.metrics import MARKETPLACE, counts_days, counts_live, period_for

pytestmark = [pytest.mark.django_db, pytest.mark.sql]


@pytest.fixture
def small_market(make_shop):
    a, b = make_shop(), make_shop()
    return a, b, small_market_events(a, b)


def test_rollup_figures_match_the_raw_events_for_each_shop_and_day_range(small_market):
    a, b, ev = small_market
    for shop in (a, b):
        for days in ([DAY1], [DAY2], [DAY1, DAY2]):
            got = counts_days(shop, days[0], days[-1])
            want = expected(ev, shop_id=shop.pk, days=set(days))
            assert {k: getattr(got, k) for k in want} == want, (shop, days)


def test_marketplace_scope_counts_every_page(small_market):
    _a, _b, ev = small_market
    got = counts_days(MARKETPLACE, DAY1, DAY2)
    want = expected(ev, days={DAY1, DAY2})
    assert {k: getattr(got, k) for k in want} == want
    assert got.uv == 4  # v1 once over both days, the API buyer without a page view is not a visitor


def test_live_counts_agree_with_the_rollup(small_market):
    a, _b, _ev = small_market
    from wanshang.analytics.rollup import day_bounds

    start, _ = day_bounds(DAY1)
    _, end = day_bounds(DAY2)
    assert counts_live(a, start, end) == counts_days(a, DAY1, DAY2)


def test_ratios_follow_the_definitions(small_market):
    a, _b, _ev = small_market
    c = counts_days(a, DAY1, DAY2)
    # shop A over both days: visitors v1 (3 pv), v2 (1 pv: bounced), v3 (2 pv)
    assert (c.uv, c.pv, c.bounced) == (3, 6, 1)
    assert c.bounce_rate == pytest.approx(1 / 3)
    assert c.paid_buyers == 1 and c.paid_orders == 2 and c.paid_fen == 15800
    assert c.per_buyer_fen == 15800  # 客单价 per buyer, not per order
    assert c.per_order_fen == 7900  # 笔单价
    assert c.uv_value_fen == 5267  # 15800 / 3 = 5266.67 → 5267 fen
    assert c.pay_conversion == pytest.approx(1 / 3)
    assert c.cart_rate == pytest.approx(1 / 3) and c.fav_rate == pytest.approx(1 / 3)
    assert c.refund_rate == pytest.approx(2000 / 15800)  # refunds do not reduce 支付金额
    assert c.avg_stay_seconds == pytest.approx(10.0)


def test_daily_series_counts_each_day_on_its_own(small_market):
    a, _b, ev = small_market
    rows = metrics.daily_series(a, DAY1, DAY2)
    for row, day in zip(rows, (DAY1, DAY2), strict=True):
        want = expected(ev, shop_id=a.pk, days={day})
        assert {k: row[k] for k in want} == want


def test_funnel_follows_the_same_visitors(small_market):
    from wanshang.insights.funnel import funnel

    a, _b, _ev = small_market
    steps = funnel(a, metrics.Period("7d", "", DAY1, DAY2))
    # v1, v2, v3 visit and view products; v1 adds to cart; v3 orders (without the cart) and pays twice
    assert [s["count"] for s in steps] == [3, 3, 2, 1, 1]
    assert steps[2]["drop_off"] == pytest.approx(1 / 3)


def test_sources_count_each_visitor_per_entry_source(small_market):
    a, _b, _ev = small_market
    period = metrics.Period("7d", "", DAY1, DAY2)
    mix = metrics.sources(a, period)
    level2 = {r["code"]: (r["visitors"], r["paying"]) for r in mix["level2"]}
    # first page view per visitor and day in shop A: v1 search (day 1) and cart (day 2), v2 external,
    # v3 search (day 1, a payer) and direct (day 2, a payer)
    assert level2 == {"search": (2, 1), "external": (1, 0), "cart": (1, 0), "direct": (1, 1)}
    level1 = {r["code"]: r["visitors"] for r in mix["level1"]}
    assert level1 == {"self": 2, "free": 2, "paid": 0, "external": 1, "other": 0}


def test_period_today_compares_with_the_same_hours_yesterday():
    now = local(DAY2, 15, 30)
    p = period_for("today", now=now)
    assert p.start == DAY2 and p.live_end == now
    assert p.previous.start == DAY1 and p.previous.live_end == now - timedelta(days=1)
    p7 = period_for("7d", now=now)
    assert (p7.start, p7.end) == (DAY2 - timedelta(days=7), DAY1)
    assert (p7.previous.start, p7.previous.end) == (DAY2 - timedelta(days=14), DAY1 - timedelta(days=7))


def test_a_missed_rollup_catches_up_and_a_repeat_changes_nothing(small_market):
    a, _b, ev = small_market
    assert rollup_pending() == 0
    more = []
    add(more, ts=local(DAY1, 20), kind="pv", visitor="v5", shop=a, page_type="shop", source="direct")
    save(more)
    assert rollup_pending() == 1
    assert counts_days(a, DAY1, DAY1).uv == expected(ev + more, shop_id=a.pk, days={DAY1})["uv"]


def test_ingest_command_inserts_the_spool(make_shop):
    from django.core.management import call_command

    from wanshang.analytics.models import Event
    from wanshang.analytics.tracking import track

    shop = make_shop()
    track("pv", shop_id=shop.pk, page_type="shop", source="direct")
    call_command("ingest_events")
    assert Event.objects.filter(shop=shop, kind="pv").count() == 1


def test_today_is_not_rolled_up_until_it_is_over(make_shop):
    from wanshang.analytics.models import VisitorDay

    shop = make_shop()
    ev: list = []
    add(ev, ts=local(DAY2, 10), kind="pv", visitor="x", shop=shop, page_type="shop", source="direct")
    save(ev)
    assert rollup_pending(now=local(DAY2, 12)) == 0  # still today: counted live, not rolled up
    assert not VisitorDay.objects.filter(day=DAY2).exists()
    more: list = []
    add(
        more, ts=local(DAY1, 23), kind="pv", visitor="y", shop=shop, page_type="shop", source="direct"
    )  # late
    save(more)
    assert rollup_pending(now=local(DAY2, 13)) == 1  # yesterday's late event: that day is rebuilt
    assert rollup_pending(now=local(DAY2 + timedelta(days=1), 0, 5)) == 1  # after midnight, DAY2 is built
    assert counts_days(shop, DAY2, DAY2).uv == 1
    assert rollup_pending(now=local(DAY2 + timedelta(days=1), 0, 6)) == 0
