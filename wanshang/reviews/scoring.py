"""The DSR counting rule, as pure functions (property-tested in tests/test_scoring.py).

A rating counts when it was given in the rolling window (the last DSR_WINDOW_DAYS days up to `now`) and it is
one of the buyer's first DSR_MONTHLY_CAP ratings of that shop in its calendar month (Asia/Shanghai). Whether a
rating is among the first N is fixed by the month, not by the window: a rating never starts counting because
an older one of the same month slid out of the window. System default reviews write no rating at all.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

DIMENSIONS = ("description", "service", "logistics")


@dataclass(frozen=True)
class Rating:
    id: int
    buyer_id: int
    rated_at: datetime
    description: int
    service: int
    logistics: int


@dataclass(frozen=True)
class Dsr:
    counted: int
    description: float | None
    service: float | None
    logistics: float | None


def _month(at: datetime) -> tuple[int, int]:
    local = timezone.localtime(at)
    return local.year, local.month


def window_start(now: datetime, window_days: int) -> datetime:
    return now - timedelta(days=window_days)


def first_month_start(now: datetime, window_days: int) -> datetime:
    """The start of the calendar month of the window's first day: ratings from there on decide the cap."""
    local = timezone.localtime(window_start(now, window_days))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def counted(ratings, *, now: datetime, window_days: int, monthly_cap: int) -> list[Rating]:
    """The ratings that count at `now`. `ratings` must include every rating of the shop since
    `first_month_start(now, window_days)` (older ones are ignored)."""
    since = window_start(now, window_days)
    used: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    out = []
    for r in sorted(ratings, key=lambda r: (r.rated_at, r.id)):
        if r.rated_at > now:
            break
        key = (r.buyer_id, _month(r.rated_at))
        used[key] += 1
        if used[key] <= monthly_cap and r.rated_at > since:
            out.append(r)
    return out


def average(rows) -> Dsr:
    rows = list(rows)
    if not rows:
        return Dsr(0, None, None, None)
    n = len(rows)
    return Dsr(n, *(round(sum(getattr(r, d) for r in rows) / n, 2) for d in DIMENSIONS))


def compare(value: float | None, peer: float | None) -> tuple[str, float | None]:
    """("higher" | "lower" | "equal" | "", percent): how far the shop is from its peers, relative to them."""
    if value is None or peer is None or peer <= 0:
        return "", None
    pct = round(100 * (value - peer) / peer, 2)
    if abs(pct) < 0.005:
        return "equal", 0.0
    return ("higher" if pct > 0 else "lower"), abs(pct)
