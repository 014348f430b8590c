"""Local calendar days (settings.TIME_ZONE) as aware datetimes, shared by every report and job that counts by day."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def local_day(ts: datetime) -> date:
    """The local calendar day of an aware datetime."""
    return timezone.localtime(ts).date()
