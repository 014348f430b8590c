"""交易报表 stored days: the report read from the stored hours and buyer rows equals the report counted from the
events, for every scope (each shop, events without a shop, the marketplace, the platform's one-shop view), for
ranges of stored days only, stored and live days mixed (today, a day not stored, a day changed since), on
SQLite and on PostgreSQL."""

from dataclasses import asdict
from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.analytics.rollup import rollup_pending
from wanshang.analytics.tests.factories import add, local, save
from wanshang.insights import trade, tradestore
from wanshang.insights.models import TradeBuyerDay, TradeDay, TradeHour
from wanshang.insights.tests.test_trade import days_ago, trade_events
from wanshang.insights.trade import platform_trade_report, trade_range, trade_report


def _facts(report) -> dict:
    out = {
        "hours": [(h.start, h.orders, h.amount_fen, h.refund_fen) for h in report.hours],
        "days": [(d.day, d.orders, d.amount_fen, d.buyers, d.refund_fen) for d in report.days],
        "totals": asdict(report.totals),
    }
    if report.shops is not None:
        out["shops"] = [asdict(s) for s in report.shops]
    return out


def _reports(a, b, rng):
    return {
        "a": _facts(trade_report(shop=a, rng=rng)),
        "b": _facts(trade_report(shop=b, rng=rng)),
        "platform": _facts(platform_trade_report(rng=rng)),
        "platform_a": _facts(platform_trade_report(rng=rng, shop_id=a.pk)),
    }


def _live(a, b, rng):
    """The same reports with nothing stored: every day counted from the events."""
    saved = list(TradeDay.objects.values_list("day", "mark"))
    TradeDay.objects.all().delete()
    try:
        return _reports(a, b, rng)
    finally:
        TradeDay.objects.bulk_create([TradeDay(day=d, mark=m) for d, m in saved])


@pytest.fixture(autouse=True)
def every_range_stored(monkeypatch):
    """The stored path for ranges of any length (the report reads stored days from 8 days on)."""
    monkeypatch.setattr(trade, "STORED_FROM_DAYS", 1)


@pytest.fixture
def market(make_shop):
    a, b = make_shop(), make_shop()
    day1 = days_ago(3)
    trade_events(a, b, day1)
    ev: list = []
    add(ev, ts=local(day1, 11), kind="paid", user_id=8, order_id=20, amount_fen=400)  # no shop
    add(ev, ts=local(days_ago(1), 14), kind="paid", shop=b, user_id=1, order_id=21, amount_fen=600)
    add(
        ev,
        ts=timezone.now() - timedelta(seconds=5),
        kind="paid",
        shop=a,
        user_id=3,
        order_id=22,
        amount_fen=70,
    )
    add(
        ev,
        ts=timezone.now() - timedelta(seconds=4),
        kind="refund",
        shop=b,
        user_id=9,
        order_id=7,
        amount_fen=30,
    )
    save(ev)
    rollup_pending()
    return a, b, day1


def check_stored_equals_live(a, b, day1):
    built = tradestore.trade_days_build_due(now=timezone.now())
    assert built == min(tradestore.STORE_DAYS, tradestore.DAYS_PER_TICK)
    assert TradeHour.objects.filter(scope=tradestore.MKT_SCOPE).exists()
    assert TradeBuyerDay.objects.filter(scope=tradestore.NO_SHOP, user_id=8).exists()
    today = timezone.localdate()
    ranges = [
        trade_range(start=day1 - timedelta(days=1), end=today - timedelta(days=1)),  # stored days only
        trade_range(start=day1, end=today),  # stored days and today
        trade_range(start=day1, end=day1),
        trade_range(start=today, end=today),  # today only
    ]
    for rng in ranges:
        assert tradestore.stored_days(rng.each_day(), today=today) == {d for d in rng.each_day() if d < today}
        assert _reports(a, b, rng) == _live(a, b, rng), rng
    # one stored day missing in the middle: live and stored days mixed
    TradeDay.objects.filter(day=day1 + timedelta(days=1)).delete()
    rng = trade_range(start=day1 - timedelta(days=1), end=today)
    assert _reports(a, b, rng) == _live(a, b, rng)
    return True


@pytest.mark.django_db
@pytest.mark.sql
def test_short_ranges_count_from_the_events(market, monkeypatch):
    a, b, day1 = market
    monkeypatch.setattr(trade, "STORED_FROM_DAYS", 8)
    tradestore.trade_days_build_due(now=timezone.now())
    today = timezone.localdate()
    week = trade_range(start=today - timedelta(days=6), end=today)
    assert trade._split(week, timezone.now())[0] == set()  # 7 days: nothing read from the stored rows
    assert trade._split(trade_range(start=today - timedelta(days=7), end=today), timezone.now())[0]
    assert _reports(a, b, week) == _live(a, b, week)


@pytest.mark.django_db
@pytest.mark.sql
def test_stored_trade_days_equal_the_live_report_for_every_scope(market):
    a, b, day1 = market
    assert check_stored_equals_live(a, b, day1)
    report = trade_report(shop=a, rng=trade_range(start=day1, end=day1 + timedelta(days=1)))
    assert (report.totals.orders, report.totals.amount_fen, report.totals.buyers) == (5, 20499, 3)


@pytest.mark.postgres
@pytest.mark.django_db
def test_stored_trade_days_equal_the_live_report_on_postgresql(require_postgres, market):
    a, b, day1 = market
    assert check_stored_equals_live(a, b, day1)


@pytest.mark.django_db
@pytest.mark.sql
def test_a_late_event_makes_its_stored_day_stale_until_the_job_rebuilds_it(market):
    a, b, day1 = market
    while tradestore.trade_days_build_due(now=timezone.now()):  # a first build spreads over ticks
        pass
    assert tradestore.trade_days_build_due(now=timezone.now()) == 0  # nothing changed: nothing rebuilt
    rng = trade_range(start=day1, end=day1)
    before = trade_report(shop=a, rng=rng).totals
    save([add([], ts=local(day1, 15), kind="paid", shop=a, user_id=77, order_id=30, amount_fen=5)])
    rollup_pending()  # the day's build mark changes: the stored day is no longer read
    assert day1 not in tradestore.stored_days([day1], today=timezone.localdate())
    after = trade_report(shop=a, rng=rng).totals
    assert (after.orders, after.amount_fen, after.buyers) == (before.orders + 1, before.amount_fen + 5, 4)
    assert tradestore.trade_days_build_due(now=timezone.now()) == 1
    assert day1 in tradestore.stored_days([day1], today=timezone.localdate())
    assert trade_report(shop=a, rng=rng).totals == after
    assert _reports(a, b, rng) == _live(a, b, rng)
