"""Hand-made event sets for the 数据中心 tests: rows written directly, so expected figures can be computed
independently in plain Python from the same list."""

from datetime import datetime, timedelta

from django.utils import timezone

from wanshang.analytics.models import Event


def local(day, hour=10, minute=0):
    """An aware datetime at a local (Asia/Shanghai) wall-clock time of `day`."""
    tz = timezone.get_current_timezone()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def add(events: list, **fields) -> Event:
    event = Event(**fields)
    events.append(event)
    return event


def save(events: list) -> list[Event]:
    Event.objects.bulk_create(events)
    return events


def minutes(ts, n):
    return ts + timedelta(minutes=n)
