"""客户分析 stored buyer days: RFM read from the stored days equals RFM counted from the events — every figure,
every buyer, every segment's drill-down and the 人群包 rules — for each shop and window, at moments where the
window's first day is partial and where yesterday is not stored yet, with a stored day missing or stale, a late
event making its day stale until the job rebuilds it; on SQLite and on PostgreSQL."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wanshang.analytics.models import Event, EventKind
from wanshang.analytics.rollup import rollup_pending
from wanshang.insights import rfmstore
from wanshang.insights.customers import (
    SEGMENTS,
    WINDOWS,
    rfm_compute,
    rfm_segment_buyers,
    rule_buyer_ids,
)
from wanshang.insights.models import RfmBuyerDay, RfmDay

NOW = timezone.make_aware(datetime(2025, 6, 15, 14, 30, 15, 123456))


def _paid(shop, user_id, fen, ts):
    return Event(
        kind=EventKind.ORDER_PAID,
        shop_id=shop.pk,
        user_id=user_id,
        amount_fen=fen,
        ts=ts,
        visitor=f"u{user_id}",
    )


@pytest.fixture
def two_shops(make_shop):
    a, b = make_shop(), make_shop()
    day, us = timedelta(days=1), timedelta(microseconds=1)
    events = []
    for i in range(60):  # buyers spread over 400 days, some several times a day, some in both shops
        uid = 1 + i % 23
        ago = timedelta(days=(i * 37) % 400, hours=i % 24, minutes=i)
        events.append(_paid(a if i % 3 else b, uid, 100 + 17 * i, NOW - ago))
        if i % 4 == 0:
            events.append(_paid(a, uid, 5 + i, NOW - ago + timedelta(minutes=3)))
    for w in WINDOWS:  # either side of each window's first moment (the partial first day)
        events.append(_paid(a, 40 + w, 11, NOW - w * day + us))
        events.append(_paid(a, 41 + w, 13, NOW - w * day))
    events.append(_paid(a, 3, 999, NOW - timedelta(minutes=5)))  # today
    events.append(Event(kind=EventKind.ORDER_PAID, user_id=5, amount_fen=1, ts=NOW - day, visitor="u5"))
    Event.objects.bulk_create(events)
    return a, b


def _facts(rfm, shop, now, window):
    return {
        "n": rfm.n,
        "sums": rfm.score_sums,
        "repeat": rfm.repeat_buyers,
        "segments": rfm.segment_stats,
        "buyers": [
            (
                b.user_id,
                b.last_paid_at,
                b.r_days,
                b.f,
                b.m_fen,
                b.r_score,
                b.f_score,
                b.m_score,
                b.segment.code,
            )
            for b in rfm.buyers
        ],
        "drill": {
            s.code: [
                b.user_id
                for b in rfm_segment_buyers(
                    rfm_compute(shop=shop, window_days=window, now=now, store=rfm.store), s
                )
            ]
            for s in SEGMENTS
        },
    }


def check_stored_equals_live(shops, moments) -> int:
    compared = 0
    for now in moments:
        for shop in shops:
            for window in WINDOWS:
                stored = rfm_compute(shop=shop, window_days=window, now=now)
                live = rfm_compute(shop=shop, window_days=window, now=now, store=False)
                assert _facts(stored, shop, now, window) == _facts(live, shop, now, window), (now, window)
                compared += stored.n
    return compared


def build_all(now):
    while rfmstore.rfm_days_build_due(now=now):  # a first build spreads over ticks
        pass
    assert rfmstore.rfm_days_build_due(now=now) == 0  # nothing changed: nothing rebuilt


def check_store(a, b):
    build_all(NOW)
    today = timezone.localdate(NOW)
    assert RfmDay.objects.count() == rfmstore.STORE_DAYS
    assert len(rfmstore.stored_days(today - timedelta(days=365), today - timedelta(days=1))) == 365
    assert RfmBuyerDay.objects.filter(shop=a).exists() and RfmBuyerDay.objects.filter(shop=b).exists()
    assert not RfmBuyerDay.objects.filter(day=today).exists()
    # now; later today; tomorrow (yesterday not stored yet); a window's first day exactly at midnight
    midnight = timezone.make_aware(datetime(2025, 6, 16))
    moments = [NOW, NOW + timedelta(hours=9), NOW + timedelta(days=1), midnight]
    assert check_stored_equals_live((a, b), moments) > 0
    # a stored day missing and another stale (its mark is not the current one): counted from the events
    RfmDay.objects.filter(day=today - timedelta(days=37)).delete()
    RfmDay.objects.filter(day=today - timedelta(days=74)).update(mark="stale")
    assert today - timedelta(days=74) not in rfmstore.stored_days(today - timedelta(days=80), today)
    assert check_stored_equals_live((a, b), [NOW])
    for rule in (
        {"source": "rfm", "segment": "important_value", "window_days": 365},
        {"source": "repurchasers", "window_days": 180},
        {"source": "one_time", "window_days": 90},
    ):
        assert rule_buyer_ids(shop=a, rule=rule, now=NOW)
    return True


@pytest.mark.django_db
@pytest.mark.sql
def test_stored_rfm_equals_rfm_from_the_events(two_shops):
    assert check_store(*two_shops)


@pytest.mark.postgres
@pytest.mark.django_db
def test_stored_rfm_equals_rfm_from_the_events_on_postgresql(require_postgres, two_shops):
    assert check_store(*two_shops)


@pytest.mark.django_db
@pytest.mark.sql
def test_a_late_event_makes_its_stored_day_stale_until_the_job_rebuilds_it(make_shop):
    shop = make_shop()
    now = timezone.now()
    day3 = timezone.localdate(now) - timedelta(days=3)
    at = timezone.make_aware(datetime.combine(day3, datetime.min.time())) + timedelta(hours=10)
    Event.objects.bulk_create([_paid(shop, 1, 100, at), _paid(shop, 2, 50, at + timedelta(hours=1))])
    rollup_pending()
    build_all(now)
    assert day3 in rfmstore.stored_days(day3, day3)
    Event.objects.bulk_create([_paid(shop, 2, 7, at + timedelta(hours=2))])  # a late event on a stored day
    rollup_pending()  # the day's build mark changes: its stored rows are no longer read
    assert day3 not in rfmstore.stored_days(day3, day3)
    rfm = rfm_compute(shop=shop, window_days=90, now=now)
    assert [(b.user_id, b.f, b.m_fen) for b in rfm.buyers] == [(1, 1, 100), (2, 2, 57)]
    assert rfmstore.rfm_days_build_due(now=now) == 1
    assert day3 in rfmstore.stored_days(day3, day3)
    again = rfm_compute(shop=shop, window_days=90, now=now)
    assert [(b.user_id, b.f, b.m_fen, b.last_paid_at) for b in again.buyers] == [
        (b.user_id, b.f, b.m_fen, b.last_paid_at) for b in rfm.buyers
    ]
