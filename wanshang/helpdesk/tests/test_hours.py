"""营业时间: open/closed, business minutes across nights, weekends and holidays (hypothesis against a
minute-by-minute reference), adding business minutes."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wanshang.common.errors import ValidationError
from wanshang.helpdesk import selectors, services
from wanshang.helpdesk.hours import SHOP_TZ, Schedule

from .conftest import local

WEEK = (
    ((540, 720), (810, 1080)),  # Mon 09:00–12:00, 13:30–18:00
    ((540, 720), (810, 1080)),
    ((540, 720), (810, 1080)),
    ((540, 720), (810, 1080)),
    ((540, 720), (810, 1320), (1380, 1440)),  # Fri till 22:00, then 23:00–24:00
    ((600, 960),),  # Sat 10:00–16:00
    (),  # Sun closed
)
# 2026-10-01..03 国庆 closed; Sunday 2026-10-11 a 调休 working day
SPECIAL = {date(2026, 10, d): () for d in (1, 2, 3)} | {date(2026, 10, 11): ((540, 1080),)}
PLAN = Schedule(week=WEEK, special=SPECIAL)
BASE = datetime(2026, 9, 28, tzinfo=SHOP_TZ)  # a Monday, before the holiday


def reference_minutes(schedule, start, end) -> int:
    n, t = 0, start
    while t < end:
        n += schedule.is_open(t)
        t += timedelta(minutes=1)
    return n


minute_offsets = st.integers(min_value=0, max_value=60 * 24 * 16)


@settings(max_examples=60, deadline=None)
@given(a=minute_offsets, span=st.integers(min_value=0, max_value=60 * 24 * 4))
def test_business_minutes_match_minute_by_minute_reference(a, span):
    start = BASE + timedelta(minutes=a)
    end = start + timedelta(minutes=span)
    assert PLAN.minutes_between(start, end) == reference_minutes(PLAN, start, end)


@settings(max_examples=60, deadline=None)
@given(a=minute_offsets, minutes=st.integers(min_value=1, max_value=60 * 30))
def test_add_minutes_is_the_inverse_of_counting(a, minutes):
    start = BASE + timedelta(minutes=a)
    due = PLAN.add_minutes(start, minutes)
    assert PLAN.minutes_between(start, due) == minutes
    # the last minute before `due` was open: the due time is not pushed past a closed stretch
    assert PLAN.is_open(due - timedelta(minutes=1))


def test_across_night_weekend_and_holiday():
    # Friday 2026-09-25 21:00 → Monday 09:30: 60 (Fri till 22:00) + 60 (23:00–24:00) + 360 (Sat) + 30 (Mon)
    assert PLAN.minutes_between(local(2026, 9, 25, 21), local(2026, 9, 28, 9, 30)) == 510
    # 国庆 1–3 Oct closed: Wed 30 Sep 17:00 → Sun 4 Oct (a Sunday, closed) = 60
    assert PLAN.minutes_between(local(2026, 9, 30, 17), local(2026, 10, 5)) == 60
    # a 调休 Sunday counts: 10:00 → 11:00 on 11 Oct
    assert PLAN.minutes_between(local(2026, 10, 11, 10), local(2026, 10, 11, 11)) == 60
    assert not PLAN.is_open(local(2026, 10, 1, 10))
    assert PLAN.is_open(local(2026, 10, 11, 10))
    assert not PLAN.is_open(local(2026, 9, 28, 12, 0))  # half-open periods: 12:00 is closed
    assert PLAN.is_open(local(2026, 9, 28, 11, 59))


def test_add_minutes_skips_closed_time():
    # 30 minutes before Monday's lunch break → 60 minutes land at 14:00
    assert PLAN.add_minutes(local(2026, 9, 28, 11, 30), 60) == local(2026, 9, 28, 14, 0)
    # Saturday after closing → the Monday morning
    assert PLAN.add_minutes(local(2026, 9, 26, 17), 10) == local(2026, 9, 28, 9, 10)
    assert PLAN.add_minutes(local(2026, 9, 26, 17), 0) == local(2026, 9, 26, 17)
    assert Schedule(week=((),) * 7).add_minutes(local(2026, 9, 26, 17), 10) is None


def test_shop_without_hours_uses_default_hours(shop):
    assert selectors.shop_is_open(shop, local(2026, 9, 27, 10))  # even Sunday: 09:00–22:00 every day
    assert not selectors.shop_is_open(shop, local(2026, 9, 27, 23))


def test_shop_hours_and_special_days_from_the_database(hours):
    shop = hours
    assert selectors.shop_is_open(shop, local(2026, 9, 28, 9, 0))
    assert not selectors.shop_is_open(shop, local(2026, 9, 28, 12, 30))
    assert not selectors.shop_is_open(shop, local(2026, 9, 27, 10))  # Sunday closed
    services.special_day_save(shop=shop, day=date(2026, 9, 28), kind="closed", note="中秋")
    services.special_day_save(shop=shop, day=date(2026, 9, 27), kind="open", periods="09:00-18:00")
    assert not selectors.shop_is_open(shop, local(2026, 9, 28, 9, 0))
    assert selectors.shop_is_open(shop, local(2026, 9, 27, 10))
    # 27 Sep (调休) 17:00 → 29 Sep 09:30: 60 + 0 (holiday) + 30
    assert selectors.business_minutes_between(shop, local(2026, 9, 27, 17), local(2026, 9, 29, 9, 30)) == 90
    assert selectors.add_business_minutes(shop, local(2026, 9, 27, 17, 30), 60) == local(2026, 9, 29, 9, 30)


@pytest.mark.parametrize(
    "text",
    ["9:00", "09:00-08:00", "25:00-26:00", "09:00-12:00, 11:00-13:00", "09:60-10:00", "abc", "24:30-24:40"],
)
def test_bad_periods_are_refused_and_nothing_changes(hours, text):
    before = selectors.business_hours(hours)
    with pytest.raises(ValidationError):
        services.business_hours_save(shop=hours, week={0: text})
    assert selectors.business_hours(hours) == before


def test_a_week_with_no_open_time_is_refused(hours):
    with pytest.raises(ValidationError):
        services.business_hours_save(shop=hours, week={})


def test_24_00_ends_the_day(shop):
    services.business_hours_save(shop=shop, week={d: "20:00-24:00" for d in range(7)})
    assert selectors.shop_is_open(shop, local(2026, 9, 28, 23, 59))
    assert selectors.business_minutes_between(shop, local(2026, 9, 28, 23), local(2026, 9, 29, 21)) == 120
