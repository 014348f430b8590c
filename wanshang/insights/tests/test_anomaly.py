"""支付异常下跌: the statistics, the detector over weeks of regular hourly payments with an injected incident, the
scheduled job (idempotent, catches up after a missed day) and the alert services with shop isolation."""

import math
from datetime import date, timedelta

import pytest

from wanshang.analytics.tests.factories import add, local, save
from wanshang.common.errors import NotFound, ValidationError
from wanshang.common.scheduler import jobs, run_job
from wanshang.insights.anomaly import (
    alert_mark_read,
    alerts_mark_all_read,
    alerts_recent,
    alerts_unread_count,
    expected_level,
    hours_to_scan,
    is_payment_gap,
    payment_gaps_scan,
    platform_alert_list,
    platform_alert_mark_read,
    platform_alerts_unread_count,
    poisson_cdf,
)
from wanshang.insights.models import Alert

pytestmark = [pytest.mark.django_db, pytest.mark.sql]

INCIDENT_DAY = date(2026, 3, 11)  # a Wednesday
INCIDENT_HOURS = (14, 15, 16)


def usual(day: date, hour: int) -> int:
    """A shop's regular paid orders per local hour: quiet nights, busy days, a little more at weekends."""
    if hour < 7:
        return 2
    if hour < 9 or hour >= 22:
        return 4
    return 10 + (2 if day.weekday() >= 5 else 0)


def regular_payments(shop, first: date, last: date, *, skip=frozenset()) -> int:
    """Paid events for every hour of first..last (local), `usual` of them spread over the hour; (day, hour)
    pairs in `skip` get none. Deterministic."""
    ev: list = []
    day = first
    while day <= last:
        for hour in range(24):
            if (day, hour) in skip:
                continue
            n = usual(day, hour)
            for i in range(n):
                add(
                    ev,
                    ts=local(day, hour, i * 60 // n),
                    kind="paid",
                    shop=shop,
                    user_id=1000 + i,
                    amount_fen=5000,
                )
        day += timedelta(days=1)
    save(ev)
    return len(ev)


def flagged() -> set:
    return {(a.shop_id, a.hour) for a in Alert.objects.all()}


@pytest.fixture
def incident(make_shop):
    """Shops A and B paying regularly from 4 weeks before the incident day to 3 days after; A takes no
    payments at 14:00–17:00 on the incident day."""
    a, b = make_shop(), make_shop()
    first, last = INCIDENT_DAY - timedelta(days=28), INCIDENT_DAY + timedelta(days=3)
    regular_payments(a, first, last, skip={(INCIDENT_DAY, h) for h in INCIDENT_HOURS})
    regular_payments(b, first, last)
    return a, b


def anomaly_job():
    return next(j for j in jobs() if j.name == "analytics.anomaly_scan")


# --- statistics ----------------------------------------------------------------------------------------------


def test_poisson_cdf_matches_the_closed_forms():
    assert poisson_cdf(0, 12) == pytest.approx(math.exp(-12))
    assert poisson_cdf(2, 2) == pytest.approx(math.exp(-2) * (1 + 2 + 2))
    assert poisson_cdf(3, 0) == 1.0 and poisson_cdf(-1, 5) == 0.0
    assert poisson_cdf(1000, 1000) == pytest.approx(0.5084, abs=1e-3)  # large λ without underflow
    assert poisson_cdf(300, 1000) < 1e-100


def test_expected_level_blends_the_weekly_and_daily_medians():
    # an earlier incident (0) and a promotion spike (40) barely move the medians
    assert expected_level(weekly=[10, 0, 12, 11], daily=[10, 10, 40, 9, 10, 12, 11]) == pytest.approx(
        (10.5 + 10) / 2
    )
    assert expected_level(weekly=[], daily=[]) == 0.0


def test_a_gap_needs_a_large_expectation_a_deep_drop_and_a_small_poisson_probability():
    assert is_payment_gap(observed=0, expected=10)
    assert is_payment_gap(observed=2, expected=12)  # P(X≤2 | 12) ≈ 0.0005
    assert not is_payment_gap(observed=4, expected=12)  # 4 > 0.3 × 12
    assert not is_payment_gap(observed=0, expected=2.5)  # too quiet to judge
    assert not is_payment_gap(observed=1, expected=4)  # ratio met, but P(X≤1 | 4) ≈ 0.09


def test_drop_ratio_comes_from_settings(settings):
    settings.WANSHANG = {**settings.WANSHANG, "ANOMALY_DROP_RATIO": 0.5}
    assert is_payment_gap(observed=4, expected=12)  # P(X≤4 | 12) ≈ 0.008
    settings.WANSHANG = {**settings.WANSHANG, "ANOMALY_DROP_RATIO": 0.3}
    assert not is_payment_gap(observed=4, expected=12)


# --- the detector -----------------------------------------------------------------------------------------------


def test_incident_hours_and_only_those_are_flagged(incident):
    a, b = incident

    created = payment_gaps_scan(now=local(INCIDENT_DAY + timedelta(days=1), 12, 5))

    assert created == 3
    assert flagged() == {(a.pk, local(INCIDENT_DAY, h)) for h in INCIDENT_HOURS}
    alert = Alert.objects.get(hour=local(INCIDENT_DAY, 14))
    assert (alert.kind, alert.observed, alert.expected) == ("payment_gap", 0, 10.0)
    assert "14:00–15:00 支付订单 0 笔，同期通常约 10 笔：请检查支付、页面报错或库存同步" in alert.detail
    # B kept paying, so the marketplace only halved (10 of 20): no platform alert


def test_a_normal_day_raises_no_alert(make_shop):
    shop = make_shop()
    regular_payments(shop, INCIDENT_DAY - timedelta(days=28), INCIDENT_DAY + timedelta(days=1))

    assert payment_gaps_scan(now=local(INCIDENT_DAY + timedelta(days=1), 12, 5)) == 0
    assert flagged() == set()


def test_the_marketplace_is_flagged_when_every_shop_stops(make_shop):
    a, b = make_shop(), make_shop()
    skip = {(INCIDENT_DAY, 15)}
    regular_payments(a, INCIDENT_DAY - timedelta(days=28), INCIDENT_DAY, skip=skip)
    regular_payments(b, INCIDENT_DAY - timedelta(days=28), INCIDENT_DAY, skip=skip)

    payment_gaps_scan(now=local(INCIDENT_DAY, 16, 5))

    hour = local(INCIDENT_DAY, 15)
    assert flagged() == {(a.pk, hour), (b.pk, hour), (None, hour)}
    platform = Alert.objects.get(shop=None)
    assert (platform.observed, platform.expected) == (0, 20.0)
    assert platform.detail.startswith("全平台 ")


def test_suspended_shops_are_not_scanned(incident):
    from wanshang.merchants.services import shop_suspend

    a, _b = incident
    shop_suspend(shop_id=a.pk, reason="资质过期，暂停营业")

    assert payment_gaps_scan(now=local(INCIDENT_DAY + timedelta(days=1), 12, 5)) == 0


def test_a_quiet_night_hour_is_never_flagged(make_shop, settings):
    shop = make_shop()
    night = {(INCIDENT_DAY, h) for h in range(1, 5)}  # usually 2 an hour, none tonight
    regular_payments(shop, INCIDENT_DAY - timedelta(days=28), INCIDENT_DAY, skip=night)
    # even with a lax probability limit, where the Poisson test alone would flag 0 against 2 (p ≈ 0.14)
    settings.WANSHANG = {**settings.WANSHANG, "ANOMALY_P_VALUE": 0.5}

    assert payment_gaps_scan(now=local(INCIDENT_DAY, 6, 5)) == 0

    settings.WANSHANG = {**settings.WANSHANG, "ANOMALY_MIN_EXPECTED": 1}  # the floor is what protects them
    assert payment_gaps_scan(now=local(INCIDENT_DAY, 6, 5)) == 8  # the shop's 4 hours, and the marketplace's
    assert flagged() == {(sid, local(INCIDENT_DAY, h)) for sid in (shop.pk, None) for h in range(1, 5)}


# --- the job ------------------------------------------------------------------------------------------------------


def test_the_job_is_registered_every_five_minutes():
    assert anomaly_job().every_seconds == 300


def test_running_the_job_twice_creates_nothing_twice(incident):
    now = local(INCIDENT_DAY + timedelta(days=1), 12, 5)

    assert run_job(anomaly_job(), now) == 3
    assert run_job(anomaly_job(), now + timedelta(minutes=5)) == 0
    assert payment_gaps_scan(now=now) == 0  # the same hours scanned again by hand: the alerts already exist
    assert Alert.objects.count() == 3


def test_a_missed_run_catches_up_from_the_last_successful_run(incident):
    a, _b = incident
    before = local(INCIDENT_DAY - timedelta(days=2), 10, 1)
    after = local(INCIDENT_DAY + timedelta(days=3), 8, 1)  # 65 hours after the incident, no run in between
    assert run_job(anomaly_job(), before) == 0

    assert hours_to_scan(now=after, since=before)[0] == local(INCIDENT_DAY - timedelta(days=2), 9).replace(
        tzinfo=None
    )
    # a fresh scan would only look back 48 hours and miss it; the job resumes where the last run stopped
    assert payment_gaps_scan(now=after) == 0
    assert run_job(anomaly_job(), after) == 3
    assert flagged() == {(a.pk, local(INCIDENT_DAY, h)) for h in INCIDENT_HOURS}


def test_complete_hours_only():
    keys = hours_to_scan(now=local(INCIDENT_DAY, 15, 1), since=local(INCIDENT_DAY, 12, 30))
    # 15:01 is within the grace after 15:00, so 14:00–15:00 waits for the next run
    assert [k.hour for k in keys] == [12, 13]
    assert hours_to_scan(now=local(INCIDENT_DAY, 15, 3), since=local(INCIDENT_DAY, 15, 1))[0].hour == 14


# --- alert services ---------------------------------------------------------------------------------------------


@pytest.fixture
def alerts(incident):
    payment_gaps_scan(now=local(INCIDENT_DAY + timedelta(days=1), 12, 5))
    return incident


def test_recent_alerts_and_unread_count_for_the_dashboard(alerts):
    a, b = alerts
    assert [x.hour for x in alerts_recent(a)] == [local(INCIDENT_DAY, h) for h in (16, 15, 14)]
    assert len(alerts_recent(a, limit=2)) == 2
    assert alerts_unread_count(a) == 3 and alerts_unread_count(b) == 0


def test_marking_read_is_per_shop(alerts):
    a, b = alerts
    alert = alerts_recent(a)[0]

    with pytest.raises(NotFound):
        alert_mark_read(shop=b, alert_id=alert.pk)
    assert alerts_unread_count(a) == 3

    alert_mark_read(shop=a, alert_id=alert.pk)
    first_read = Alert.objects.get(pk=alert.pk).read_at
    alert_mark_read(shop=a, alert_id=alert.pk)
    assert Alert.objects.get(pk=alert.pk).read_at == first_read
    assert alerts_unread_count(a) == 2
    assert alerts_mark_all_read(shop=b) == 0
    assert alerts_mark_all_read(shop=a) == 2 and alerts_unread_count(a) == 0


def test_platform_lists_every_alert_and_marks_only_marketplace_ones(alerts, make_shop):
    a, _b = alerts
    market = Alert.objects.create(
        shop=None, kind="payment_gap", hour=local(INCIDENT_DAY, 20), observed=0, expected=25, detail="全平台"
    )

    assert platform_alert_list().count() == 4
    assert list(platform_alert_list(scope="platform")) == [market]
    assert platform_alert_list(scope="shops").count() == 3
    assert platform_alert_list(shop_id=a.pk).count() == 3
    assert platform_alerts_unread_count() == 1
    with pytest.raises(ValidationError):
        platform_alert_mark_read(alert_id=alerts_recent(a)[0].pk)
    with pytest.raises(ValidationError):
        platform_alert_list(scope="nonsense")
    platform_alert_mark_read(alert_id=market.pk)
    assert platform_alerts_unread_count() == 0
