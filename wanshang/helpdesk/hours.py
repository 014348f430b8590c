"""营业时间 as a pure value: a weekly plan of open periods plus dated overrides, in the shop's timezone
(Asia/Shanghai). `is_open`, `minutes_between` and `add_minutes` work on it without the database; the
selectors load a shop's `Schedule` and call them. Periods are half-open [start, end) in minutes after local
midnight, so 09:00–12:00 is open at 11:59 and closed at 12:00."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHOP_TZ = ZoneInfo("Asia/Shanghai")
# A shop that never set its hours: every day 09:00–22:00, the usual 客服 hours of a Tmall shop.
DEFAULT_WEEK: tuple[tuple[tuple[int, int], ...], ...] = tuple(((9 * 60, 22 * 60),) for _ in range(7))
# add_minutes gives up (None) when this many days pass without enough open time (a shop closed for good).
SEARCH_DAYS = 400

Periods = tuple[tuple[int, int], ...]


def merge(periods) -> Periods:
    """Sorted, overlapping or touching periods joined; empty ones dropped."""
    out: list[list[int]] = []
    for start, end in sorted(p for p in periods if p[0] < p[1]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((s, e) for s, e in out)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class Schedule:
    week: tuple[Periods, ...] = DEFAULT_WEEK  # index 0 = Monday
    special: dict[date, Periods] = field(default_factory=dict)  # a date's own periods; () = closed all day
    tz: ZoneInfo = SHOP_TZ

    def periods_on(self, day: date) -> Periods:
        if day in self.special:
            return merge(self.special[day])
        return merge(self.week[day.weekday()])

    def _intervals(self, day: date):
        """The day's open intervals as aware datetimes."""
        midnight = datetime.combine(day, time(0), tzinfo=self.tz)
        for start, end in self.periods_on(day):
            yield midnight + timedelta(minutes=start), midnight + timedelta(minutes=end)

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        minute = local.hour * 60 + local.minute
        return any(s <= minute < e for s, e in self.periods_on(local.date()))

    def seconds_between(self, start: datetime, end: datetime) -> int:
        if end <= start:
            return 0
        total = 0
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for s, e in self._intervals(day):
                lo, hi = max(s, start), min(e, end)
                if lo < hi:
                    total += int((hi - lo).total_seconds())
            day += timedelta(days=1)
        return total

    def minutes_between(self, start: datetime, end: datetime) -> int:
        """Whole open minutes in [start, end); 0 when end is not after start."""
        return self.seconds_between(start, end) // 60

    def add_minutes(self, start: datetime, minutes: int) -> datetime | None:
        """The first moment at which `minutes` open minutes have passed since `start` (start itself for 0);
        None when the shop is not open that long within SEARCH_DAYS."""
        if minutes <= 0:
            return start
        left = timedelta(minutes=minutes)
        day = start.astimezone(self.tz).date()
        for _ in range(SEARCH_DAYS):
            for s, e in self._intervals(day):
                lo = max(s, start)
                if lo >= e:
                    continue
                if e - lo >= left:
                    return lo + left
                left -= e - lo
            day += timedelta(days=1)
        return None

    def next_open(self, at: datetime) -> datetime | None:
        """`at` when open, else the start of the next open period (None within SEARCH_DAYS)."""
        day = at.astimezone(self.tz).date()
        for _ in range(SEARCH_DAYS):
            for s, e in self._intervals(day):
                if e > at:
                    return max(s, at)
            day += timedelta(days=1)
        return None
