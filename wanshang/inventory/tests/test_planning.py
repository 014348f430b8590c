"""库存计划 formulas (planning.py): worked examples and properties."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from wanshang.inventory import planning
from wanshang.inventory.planning import PlanInput


def make(**kw):
    base = dict(
        sold=56,
        window_days=28,
        available=10,
        in_transit=0,
        in_transit_in_lead=0,
        lead_days=7,
        review_days=7,
        safety_days=3,
        safety_units=None,
        pack_size=1,
    )
    base.update(kw)
    return PlanInput(**base)


def test_worked_example_two_a_day():
    # 56 sold in 28 days = 2/day; safety ⌈2×3⌉ = 6; reorder point 2×7 + 6 = 20;
    # suggestion 2×(7+7) + 6 − 10 − 0 = 24; cover 10 / 2 = 5 days
    p = planning.plan(make())
    assert p.rate == 2
    assert p.safety == 6
    assert p.reorder_point == 20
    assert p.suggested == 24
    assert p.cover_days == 5
    assert p.needs_reorder


def test_in_transit_within_lead_counts_toward_cover_and_all_of_it_toward_the_order():
    p = planning.plan(make(in_transit=30, in_transit_in_lead=10))
    assert p.cover_days == 10  # (10 + 10) / 2
    assert p.suggested == 0  # 34 − 10 − 30 < 0
    assert not p.needs_reorder


def test_pack_size_rounds_up_and_safety_units_replace_days():
    p = planning.plan(make(pack_size=12))
    assert p.suggested == 24
    p = planning.plan(make(pack_size=10))
    assert p.suggested == 30
    p = planning.plan(make(safety_units=0))
    assert (p.safety, p.reorder_point, p.suggested) == (0, 14, 18)


def test_fractional_rate_rounds_quantities_up():
    # 10 in 28 days = 5/14 a day; safety ⌈15/14⌉ = 2; point ⌈5/14×7 + 2⌉ = ⌈4.5⌉ = 5
    p = planning.plan(make(sold=10, available=0))
    assert p.rate == Fraction(5, 14)
    assert (p.safety, p.reorder_point, p.suggested) == (2, 5, 7)


def test_zero_rate_means_no_suggestion_and_unbounded_cover():
    p = planning.plan(make(sold=0, available=0))
    assert p.cover_days is None
    assert p.suggested == 0
    assert not p.needs_reorder


def test_campaign_shortfall_worked_example():
    # 2/day; 3 days to the start use 6 of 30 → 24 at the start; 3× uplift = 6/day → 4 days of a 5-day sale
    short = planning.campaign_shortfall(
        rate=Fraction(2),
        uplift_pct=300,
        available=30,
        arriving_before_end=0,
        days_to_start=Fraction(3),
        campaign_days=Fraction(5),
    )
    assert short == (Fraction(4), 6)
    assert (
        planning.campaign_shortfall(
            rate=Fraction(2),
            uplift_pct=300,
            available=30,
            arriving_before_end=6,
            days_to_start=Fraction(3),
            campaign_days=Fraction(5),
        )
        is None
    )
    assert (
        planning.campaign_shortfall(
            rate=Fraction(0),
            uplift_pct=300,
            available=0,
            arriving_before_end=0,
            days_to_start=Fraction(0),
            campaign_days=Fraction(5),
        )
        is None
    )


inputs = st.builds(
    make,
    sold=st.integers(0, 10_000),
    window_days=st.sampled_from([7, 14, 28, 56, 90]),
    available=st.integers(0, 100_000),
    in_transit=st.integers(0, 100_000),
    lead_days=st.integers(0, 120),
    review_days=st.integers(0, 60),
    safety_days=st.integers(0, 60),
    safety_units=st.none() | st.integers(0, 1000),
    pack_size=st.integers(1, 100),
)


@given(inputs, st.integers(1, 1000))
def test_more_stock_never_raises_the_suggestion_nor_lowers_cover(p, extra):
    a = planning.plan(p)
    b = planning.plan(make(**{**p.__dict__, "available": p.available + extra}))
    assert b.suggested <= a.suggested
    if a.cover_days is not None:
        assert b.cover_days > a.cover_days
    c = planning.plan(make(**{**p.__dict__, "in_transit": p.in_transit + extra}))
    assert c.suggested <= a.suggested


@given(inputs)
def test_never_negative_and_a_multiple_of_the_pack(p):
    result = planning.plan(p)
    assert result.suggested >= 0
    assert result.suggested % p.pack_size == 0
    assert result.reorder_point >= 0
    assert result.rate >= 0
    if p.sold == 0:
        assert result.suggested == 0 and result.cover_days is None
    if result.suggested:
        # the suggestion brings the position up to the target, and less than one pack more
        position = p.available + p.in_transit + result.suggested
        target = result.rate * (p.lead_days + p.review_days) + result.safety
        assert position >= target
        assert position - target < p.pack_size + 1


@given(st.integers(0, 5000), st.integers(1, 90), st.integers(0, 5000), st.integers(100, 1000))
def test_campaign_shortfall_shrinks_with_more_stock(sold, days, available, uplift):
    rate = Fraction(sold, 28)
    args = dict(
        rate=rate,
        uplift_pct=uplift,
        arriving_before_end=0,
        days_to_start=Fraction(2),
        campaign_days=Fraction(days, 3),
    )
    a = planning.campaign_shortfall(available=available, **args)
    b = planning.campaign_shortfall(available=available + 10, **args)
    if a is None:
        assert b is None
    elif b is not None:
        assert b[1] <= a[1] and b[0] >= a[0] and a[1] > 0
