"""The DSR counting rule as a property: any set of ratings, any moment."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from wanshang.reviews import scoring

START = datetime(2026, 1, 1, tzinfo=UTC)

ratings = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=4),  # buyer
        st.integers(min_value=0, max_value=400 * 24),  # hours after START
        st.integers(1, 5),
        st.integers(1, 5),
        st.integers(1, 5),
    ),
    max_size=60,
)


def build(rows):
    return [
        scoring.Rating(i, buyer, START + timedelta(hours=h), d, s, lg)
        for i, (buyer, h, d, s, lg) in enumerate(rows)
    ]


@settings(max_examples=150, deadline=None)
@given(rows=ratings, now_hours=st.integers(min_value=0, max_value=420 * 24))
def test_counted_ratings_follow_the_window_and_the_monthly_cap(rows, now_hours):
    now = START + timedelta(hours=now_hours)
    all_rows = build(rows)
    got = scoring.counted(all_rows, now=now, window_days=180, monthly_cap=3)
    since = now - timedelta(days=180)

    def month(r):
        local = timezone.localtime(r.rated_at)
        return r.buyer_id, local.year, local.month

    # a rating counts iff it is in the window and among its buyer's first three of that calendar month
    expected = []
    for r in all_rows:
        same = sorted((x for x in all_rows if month(x) == month(r)), key=lambda x: (x.rated_at, x.id))
        if since < r.rated_at <= now and same.index(r) < 3:
            expected.append(r.id)
    assert sorted(r.id for r in got) == sorted(expected)
    per_month: dict = {}
    for r in got:
        per_month[month(r)] = per_month.get(month(r), 0) + 1
    assert all(n <= 3 for n in per_month.values())
    dsr = scoring.average(got)
    assert dsr.counted == len(got)
    for value in (dsr.description, dsr.service, dsr.logistics):
        assert value is None if not got else 1 <= value <= 5


@settings(max_examples=100, deadline=None)
@given(rows=ratings)
def test_more_ratings_of_a_capped_buyer_change_nothing(rows):
    now = START + timedelta(days=400)
    base = build(rows)
    extra = [scoring.Rating(1000 + i, 9, START + timedelta(days=300, hours=i), 1, 1, 1) for i in range(8)]
    three = scoring.counted([*base, *extra[:3]], now=now, window_days=180, monthly_cap=3)
    eight = scoring.counted([*base, *extra], now=now, window_days=180, monthly_cap=3)
    assert scoring.average(three) == scoring.average(eight)


def test_compare_says_higher_or_lower_by_percent():
    assert scoring.compare(4.8, 4.0) == ("higher", 20.0)
    assert scoring.compare(3.0, 4.0) == ("lower", 25.0)
    assert scoring.compare(4.0, 4.0) == ("equal", 0.0)
    assert scoring.compare(None, 4.0) == ("", None)
