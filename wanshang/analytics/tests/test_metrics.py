"""Every dashboard figure against an independent computation from the raw events of a small data set."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from wanshang.analytics import metrics
from wanshang.analytics.metrics import MARKETPLACE, counts_days, counts_live, period_for
from wanshang.analytics.rollup import rollup_pending
from wanshang.analytics.tests.factories import add, local, save

pytestmark = pytest.mark.django_db

DAY1 = date(2026, 11, 2)
DAY2 = date(2026, 11, 3)


def expected(events, *, shop_id=None, days=None):
    """The definitions of docs/data-center.md, in plain Python over the event list."""
    mine = [e for e in events if (shop_id is None or e.shop_id == shop_id)
            and (days is None or timezone.localtime(e.ts).date() in days)]
    pv = [e for e in mine if e.kind == "pv" and e.visitor]
    per_visitor: dict[str, int] = {}
    for e in pv:
        per_visitor[e.visitor] = per_visitor.get(e.visitor, 0) + 1
    uv = len(per_visitor)
    paid = [e for e in mine if e.kind == "paid"]
    buyers = {e.user_id for e in paid}
    return {
        "uv": uv, "pv": len(pv), "bounced": sum(1 for n in per_visitor.values() if n == 1),
        "stay_ms": sum(e.duration_ms for e in mine if e.kind == "stay"),
        "product_visitors": len({e.visitor for e in pv if e.page_type == "product"}),
        "cart_visitors": len({e.visitor for e in mine if e.kind == "cart"}),
        "fav_visitors": len({e.visitor for e in mine if e.kind == "fav"}),
        "paid_buyers": len(buyers), "paid_fen": sum(e.amount_fen for e in paid), "paid_orders": len(paid),
        "ordered_buyers": len({e.user_id for e in mine if e.kind == "order"}),
        "refund_fen": sum(e.amount_fen for e in mine if e.kind == "refund"),
    }


@pytest.fixture
def small_market(make_shop):
    """Two shops over two days. Visitor v1 comes both days (deduplicated in the 2-day UV), v2 bounces,
    v3 buys twice in shop A, v4 only looks at shop B, an API visitor u9 buys without a page view."""
    a, b = make_shop(), make_shop()
    ev: list = []
    t = local(DAY1, 9)
    add(ev, ts=t, kind="pv", visitor="v1", page_type="home", source="direct")
    add(ev, ts=local(DAY1, 9, 1), kind="pv", visitor="v1", shop=a, product_id=11, page_type="product", source="search")
    add(ev, ts=local(DAY1, 9, 2), kind="stay", visitor="v1", shop=a, product_id=11, duration_ms=30000)
    add(ev, ts=local(DAY1, 9, 3), kind="pv", visitor="v1", shop=a, page_type="shop", source="recommend")
    add(ev, ts=local(DAY1, 9, 4), kind="cart", visitor="v1", user_id=101, shop=a, product_id=11, quantity=1)
    add(ev, ts=local(DAY1, 23, 59), kind="pv", visitor="v2", shop=a, product_id=12, page_type="product",
        source="external", ref_host="weibo.com")
    add(ev, ts=local(DAY1, 12), kind="pv", visitor="v3", user_id=103, shop=a, product_id=11, page_type="product",
        source="search")
    add(ev, ts=local(DAY1, 12, 1), kind="fav", visitor="v3", user_id=103, shop=a, product_id=11)
    add(ev, ts=local(DAY1, 12, 2), kind="order", visitor="v3", user_id=103, shop=a, order_id=1, amount_fen=10800)
    add(ev, ts=local(DAY1, 12, 3), kind="paid", visitor="v3", user_id=103, shop=a, order_id=1, amount_fen=10800)
    add(ev, ts=local(DAY2, 0, 0), kind="pv", visitor="v1", user_id=101, shop=a, product_id=12, page_type="product",
        source="cart")
    add(ev, ts=local(DAY2, 8), kind="pv", visitor="v3", user_id=103, shop=a, product_id=12, page_type="product",
        source="direct")
    add(ev, ts=local(DAY2, 8, 5), kind="order", visitor="v3", user_id=103, shop=a, order_id=2, amount_fen=5000)
    add(ev, ts=local(DAY2, 8, 6), kind="paid", visitor="v3", user_id=103, shop=a, order_id=2, amount_fen=5000)
    add(ev, ts=local(DAY2, 9), kind="refund", visitor="v3", user_id=103, shop=a, order_id=2, amount_fen=2000)
    add(ev, ts=local(DAY2, 10), kind="pv", visitor="v4", shop=b, product_id=21, page_type="product", source="home")
    add(ev, ts=local(DAY2, 10, 1), kind="pv", visitor="v4", shop=b, page_type="shop", source="recommend")
    add(ev, ts=local(DAY2, 11), kind="order", visitor="u9", user_id=109, shop=b, order_id=3, amount_fen=999)
    add(ev, ts=local(DAY2, 11, 1), kind="paid", visitor="u9", user_id=109, shop=b, order_id=3, amount_fen=999)
    save(ev)
    rollup_pending()
    return a, b, ev


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
    assert c.per_buyer_fen == 15800          # 客单价 per buyer, not per order
    assert c.per_order_fen == 7900           # 笔单价
    assert c.uv_value_fen == 5267            # 15800 / 3 = 5266.67 → 5267 fen
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


def test_funnel_steps_and_drop_off(small_market):
    a, _b, _ev = small_market
    steps = metrics.funnel(counts_days(a, DAY1, DAY2))
    assert [s["count"] for s in steps] == [3, 3, 1, 1, 1]
    assert steps[2]["drop_off"] == pytest.approx(2 / 3)


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
