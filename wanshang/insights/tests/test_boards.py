"""Stored period boards: equal to the live computation for every scope, used only while fresh, rebuilt when a
day changes, and dropped when a buyer's deletion request touches their days."""

from datetime import timedelta

import pytest

from wanshang.analytics.rollup import rollup_pending
from wanshang.analytics.tests.factories import DAY1, DAY2, add, local, save, small_market_events
from wanshang.insights import boards, grouped, metrics, selectors
from wanshang.insights.metrics import MARKETPLACE, counts_days, period_for
from wanshang.insights.models import PeriodBoard

NOW = local(DAY2 + timedelta(days=1), 12)  # the 7-day period ends on DAY2


@pytest.fixture
def market(make_shop):
    a, b = make_shop(), make_shop()
    ev = small_market_events(a, b)
    more: list = []  # a day in the previous 7-day period, so "previous" boards have figures too
    early = DAY1 - timedelta(days=8)
    add(more, ts=local(early, 10), kind="pv", visitor="v7", shop=b, page_type="shop", source="ads")
    add(
        more,
        ts=local(early, 10, 5),
        kind="paid",
        visitor="v7",
        user_id=107,
        shop=b,
        order_id=9,
        amount_fen=700,
    )
    for pid, fen, qty in ((11, 8000, 2), (12, 2800, 1)):  # the lines of v3's paid order: 商品分析's sales
        add(
            more,
            ts=local(DAY1, 12, 3),
            kind="item_paid",
            visitor="v3",
            user_id=103,
            shop=a,
            order_id=1,
            product_id=pid,
            amount_fen=fen,
            quantity=qty,
        )
    save(more)
    rollup_pending()
    return a, b, ev + more


def _build(a, b):
    return boards.boards_build_due(now=NOW, shop_ids=[a.pk, b.pk])


def _same(stored: boards.Board, live: boards.Board):
    assert stored.counts == live.counts
    for part in stored.parts:
        if part == "series":
            assert [{**r} for r in stored.series] == live.series
        else:
            assert getattr(stored, part) == getattr(live, part), part


def check_boards_equal_live(a, b):
    assert _build(a, b) > 0
    for period, full in boards.periods_due(NOW):
        for scope in (a, b, MARKETPLACE):
            parts = boards.FULL_PARTS if full else ()  # the periods before: counts only
            stored = boards.board(scope, period, parts)
            assert stored.precomputed, (scope, period)
            live = boards.compute(scope, period, parts)
            _same(stored, live)
            # and the old per-scope ORM counts, and the daily series of metrics
            assert stored.counts == counts_days(scope, period.start, period.end)
            if not full:
                continue
            assert stored.series == metrics.daily_series(scope, period.start, period.end)
            # the funnel and sources of one scope, computed alone
            key = grouped.scope_key(scope)
            alone = grouped.traffic_funnel(scope, period.start, period.end).get(key)
            assert stored.funnel == (alone or grouped.empty_traffic_funnel())["funnel"]
    return True


@pytest.mark.django_db
@pytest.mark.sql
def test_stored_boards_equal_the_live_figures_for_every_scope_and_period(market):
    a, b, _ev = market
    assert check_boards_equal_live(a, b)
    p7 = period_for("7d", now=NOW)
    assert (
        boards.board(a, p7).counts.uv == 3
        and boards.board(MARKETPLACE, p7).counts.paid_fen == 10800 + 999 + 5000
    )
    assert boards.board(b, p7.previous, parts=()).counts.paid_fen == 700
    assert boards.board(a, p7).sales == {11: [1, 8000, 2], 12: [1, 2800, 1]}
    assert boards.board(MARKETPLACE, p7).sales == {}


@pytest.mark.postgres
@pytest.mark.django_db
def test_stored_boards_equal_the_live_figures_on_postgresql(require_postgres, market):
    a, b, _ev = market
    assert check_boards_equal_live(a, b)


@pytest.mark.django_db
@pytest.mark.sql
def test_pages_read_stored_boards_and_fall_back_to_computing_without_them(market):
    a, b, _ev = market
    cold = selectors.dashboard(scope=a, period_key="30d", now=NOW)
    assert cold["precomputed"] is False  # nothing stored yet: computed now, and not stored by the page
    assert not PeriodBoard.objects.exists()
    ranking_cold = selectors.top_shops(period_key="7d", now=NOW)  # from the events
    products_cold = selectors.products(shop=a, period_key="7d", now=NOW)["rows"]
    _build(a, b)
    warm = selectors.dashboard(scope=a, period_key="30d", now=NOW)
    assert warm["precomputed"] is True
    for key in ("counts", "previous", "funnel", "trend", "sources", "cards", "category_avg"):
        assert warm[key] == cold[key], key
    platform = selectors.dashboard(scope=MARKETPLACE, period_key="7d", now=NOW)
    assert platform["precomputed"] is True
    ranking = selectors.top_shops(period_key="7d", now=NOW)
    assert [r["shop"].pk for r in ranking] == [a.pk, b.pk]
    assert ranking[0]["uv"] == counts_days(a, DAY2 - timedelta(days=6), DAY2).uv
    assert ranking == ranking_cold
    products = selectors.products(shop=a, period_key="7d", now=NOW)["rows"]
    assert products == products_cold
    assert {r["product_id"]: r["uv"] for r in products} == {11: 2, 12: 3}


@pytest.mark.django_db
@pytest.mark.sql
def test_a_late_event_makes_the_board_stale_until_the_jobs_rebuild_it(market):
    a, b, _ev = market
    p7 = period_for("7d", now=NOW)
    _build(a, b)
    complete = set(PeriodBoard.objects.filter(live_at__isnull=True).values_list("id", "built_at"))
    _build(a, b)
    assert set(PeriodBoard.objects.filter(live_at__isnull=True).values_list("id", "built_at")) == complete
    before = boards.board(a, p7).counts.uv
    late: list = []
    add(late, ts=local(DAY1, 20), kind="pv", visitor="v8", shop=a, page_type="shop", source="direct")
    add(late, ts=local(DAY2, 21), kind="paid", visitor="v8", user_id=108, shop=a, order_id=8, amount_fen=50)
    save(late)
    assert boards.board(a, p7).precomputed  # complete periods change only when the rollup rebuilds a day
    assert rollup_pending(now=NOW) == 2  # both days: a money event rebuilds its day too
    stale = boards.board(a, p7)
    assert (
        not stale.precomputed and stale.counts.uv == before + 1 and stale.counts.paid_fen == 10800 + 5000 + 50
    )
    assert _build(a, b) > 0
    fresh = boards.board(a, p7)
    assert fresh.precomputed and fresh.counts == stale.counts


@pytest.mark.django_db
@pytest.mark.sql
def test_a_buyers_deletion_request_drops_the_boards_that_count_them(market):
    from wanshang.insights.privacy import buyer_events_delete

    a, b, _ev = market
    p7 = period_for("7d", now=NOW)
    _build(a, b)
    assert boards.board(a, p7).counts.uv == 3
    buyer_events_delete(user_id=103)  # v3: page views on both days, a favourite, two orders
    assert not PeriodBoard.objects.filter(start=p7.start, end=p7.end).exists()
    assert boards.board(a, p7).counts.uv == 2  # computed now, without them
    _build(a, b)
    stored = boards.board(a, p7)
    assert stored.precomputed and stored.counts.uv == 2 and stored.counts.fav_visitors == 0
    assert stored.counts.paid_fen == 10800 + 5000  # their payments stay: the shop's trade records


@pytest.mark.django_db
@pytest.mark.sql
def test_todays_board_equals_the_live_count_while_it_is_recent(market):
    from wanshang.insights.metrics import counts_for

    a, b, _ev = market
    now = local(DAY2, 12)  # today is DAY2, compared with DAY1 up to 12:00
    today = period_for("today", now=now)
    boards.boards_build_due(now=now, shop_ids=[a.pk, b.pk])
    for scope in (a, b, MARKETPLACE):
        stored = boards.board(scope, today)
        assert stored.precomputed and stored.live_at == now
        live = boards.compute(scope, today)
        _same(stored, live)
        assert stored.counts == counts_for(scope, today)
        assert stored.previous == counts_for(scope, today.previous)
    assert boards.board(a, today).counts.uv == 2  # v1 and v3 this morning
    page = selectors.dashboard(scope=a, period_key="today", now=now + timedelta(seconds=30))
    assert page["precomputed"] and page["live_at"] == now  # the job's last tick, 30 s ago
    later = now + boards.LIVE_MAX_AGE + timedelta(seconds=1)
    assert not boards.board(a, period_for("today", now=later)).precomputed  # too old: counted now
    assert not boards.board(
        a, period_for("today", now=now - timedelta(seconds=1))
    ).precomputed  # ahead of now


@pytest.mark.django_db
@pytest.mark.sql
def test_a_board_stored_before_sales_existed_is_not_read_for_sales_and_is_rebuilt(market):
    a, b, _ev = market
    _build(a, b)
    PeriodBoard.objects.update(sales=None)  # as the boards stored before the column existed
    p7 = period_for("7d", now=NOW)
    computed = boards.board(a, p7, parts=("products", "sales"))
    assert not computed.precomputed and computed.sales == {11: [1, 8000, 2], 12: [1, 2800, 1]}
    assert boards.board(a, p7, parts=("products",)).precomputed  # the rest of the board is still read
    assert _build(a, b) > 0  # the job rebuilds the full boards without sales
    stored = boards.board(a, p7, parts=("products", "sales"))
    assert stored.precomputed and stored.sales == computed.sales
