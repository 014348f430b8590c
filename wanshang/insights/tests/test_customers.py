"""客户分析 selectors and 人群包 services: RFM scores and segments checked by hand and against a brute-force
computation, quintile boundaries and ties, recency inversion, segment boundaries at the mean, 复购率, a cohort
computed by hand, crowd packs (save, refresh, delete, issue a coupon to exactly the pack) and shop isolation."""

from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from django.db.models import Count, Max, Sum
from django.utils import timezone

from wanshang.analytics.models import Event, EventKind
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.insights.crowds import (
    crowd_pack_create,
    crowd_pack_delete,
    crowd_pack_issue_coupon,
    crowd_pack_refresh,
)
from wanshang.insights.customers import (
    SEGMENT_BY_CODE,
    SEGMENT_BY_FLAGS,
    cohorts,
    crowd_pack_buyer_ids,
    crowd_pack_get,
    crowd_packs,
    mask_login,
    quintile_scores,
    repurchase,
    rfm_compute,
    rfm_segment_buyers,
    rfm_segment_rows,
    segment_check,
    window_check,
)
from wanshang.insights.models import CrowdPack

pytestmark = [pytest.mark.django_db, pytest.mark.sql]

NOW = timezone.make_aware(datetime(2025, 6, 15, 12, 0))


def paid(shop, user_id, amount_fen, *, days_ago=0, ts=None, now=None):
    """One `paid` event of the shop: buyer user_id paid amount_fen, `days_ago` days before `now` (or at ts)."""
    when = ts or (now or NOW) - timedelta(days=days_ago, minutes=1)
    return Event.objects.create(
        kind=EventKind.ORDER_PAID,
        shop_id=shop.pk,
        user_id=user_id,
        amount_fen=amount_fen,
        ts=when,
        visitor=f"u{user_id}",
    )


def seg_of(rfm) -> dict[int, str]:
    return {b.user_id: str(b.segment.name) for b in rfm.buyers}


def brute_force(rows: dict[int, tuple[int, int, int]]) -> dict[int, tuple[tuple[int, int, int], str]]:
    """An independent RFM: for each buyer, count by a plain loop the buyers strictly worse on each dimension;
    score = 1 + floor(5 × worse / n); high = score ≥ the mean (a Fraction)."""
    n = len(rows)
    scores = {}
    for uid, (r, f, m) in rows.items():
        worse_r = sum(1 for (r2, _f, _m) in rows.values() if r2 > r)
        worse_f = sum(1 for (_r, f2, _m) in rows.values() if f2 < f)
        worse_m = sum(1 for (_r, _f, m2) in rows.values() if m2 < m)
        scores[uid] = tuple(1 + (5 * w) // n for w in (worse_r, worse_f, worse_m))
    means = [Fraction(sum(s[i] for s in scores.values()), n) for i in range(3)]
    return {
        uid: (s, str(SEGMENT_BY_FLAGS[tuple(s[i] >= means[i] for i in range(3))].name))
        for uid, s in scores.items()
    }


@pytest.fixture
def five(shop, make_shop):
    """Five buyers (ids 1–5) with hand-picked R/F/M over 365 days, plus noise that must not count."""
    for days, fen in ((1, 1000), (10, 2000), (100, 3000), (400, 77777)):  # 400 days: outside every window
        paid(shop, 1, fen, days_ago=days)
    paid(shop, 2, 50000, days_ago=5)
    paid(shop, 3, 500, days_ago=30)
    paid(shop, 3, 500, days_ago=31)
    paid(shop, 4, 8000, days_ago=200)
    paid(shop, 4, 8000, days_ago=300)
    paid(shop, 5, 100, days_ago=364)
    paid(shop, 6, 99999, days_ago=400)  # only outside the window
    Event.objects.create(
        kind=EventKind.ORDER_PLACED, shop_id=shop.pk, user_id=7, amount_fen=5000, ts=NOW - timedelta(days=2)
    )  # placed, never paid
    paid(shop, 8, 3000, ts=NOW + timedelta(hours=1))  # after "now"
    other = make_shop()
    paid(other, 1, 10**7, days_ago=0)  # another shop's sale of buyer 1
    paid(other, 9, 10**7, days_ago=0)
    return shop


# --- scores ----------------------------------------------------------------------------------------------------


def test_quintile_boundaries_for_ten_and_seven_distinct_values():
    assert quintile_scores(list(range(10))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # 1 + floor(5w/7) for w = 0…6
    assert quintile_scores([1, 2, 3, 4, 5, 6, 7]) == [1, 1, 2, 3, 3, 4, 5]
    assert quintile_scores([42]) == [1]


def test_equal_values_always_get_equal_scores():
    assert quintile_scores([10, 10, 10, 20]) == [1, 1, 1, 4]
    assert quintile_scores([7, 7, 7, 7, 7]) == [1, 1, 1, 1, 1]
    assert quintile_scores([3, 1, 3, 2, 3, 3]) == [2, 1, 2, 1, 2, 2]  # worse: 2,0,2,1,2,2 → 1+⌊5w/6⌋


def test_recency_is_inverted_most_recent_gets_five():
    assert quintile_scores([1, 2, 3, 4, 5], higher_is_better=False) == [5, 4, 3, 2, 1]
    assert quintile_scores([0, 0, 9], higher_is_better=False) == [2, 2, 1]


def test_rfm_values_scores_and_segments_by_hand(five):
    rfm = rfm_compute(shop=five, window_days=365, now=NOW)
    got = {b.user_id: (b.r_days, b.f, b.m_fen, b.r_score, b.f_score, b.m_score) for b in rfm.buyers}
    assert got == {
        1: (1, 3, 6000, 5, 5, 3),
        2: (5, 1, 50000, 4, 1, 5),
        3: (30, 2, 1000, 3, 3, 2),
        4: (200, 2, 16000, 2, 3, 4),
        5: (364, 1, 100, 1, 1, 1),
    }
    # means: R 15/5 = 3, F 13/5 = 2.6, M 15/5 = 3
    assert rfm.means == {"r": 3.0, "f": 2.6, "m": 3.0}
    assert seg_of(rfm) == {1: "重要价值", 2: "重要发展", 3: "一般价值", 4: "重要保持", 5: "一般挽留"}


def test_score_equal_to_the_mean_is_high(five):
    rfm = rfm_compute(shop=five, window_days=365, now=NOW)
    by_id = {b.user_id: b for b in rfm.buyers}
    assert by_id[3].r_score == 3 and by_id[3].segment.r_high  # R score 3 = mean 3 → high
    assert by_id[1].m_score == 3 and by_id[1].segment.m_high  # M score 3 = mean 3 → high
    assert by_id[4].r_score == 2 and not by_id[4].segment.r_high  # just below the mean → low
    assert by_id[3].f_score == 3 and by_id[3].segment.f_high  # 3 ≥ 2.6


def test_rfm_agrees_with_a_brute_force_computation(five):
    rfm = rfm_compute(shop=five, window_days=365, now=NOW)
    rows = {b.user_id: (b.r_days, b.f, b.m_fen) for b in rfm.buyers}
    expected = brute_force(rows)
    assert {
        b.user_id: ((b.r_score, b.f_score, b.m_score), str(b.segment.name)) for b in rfm.buyers
    } == expected


def test_bigger_data_set_with_ties_agrees_with_brute_force(shop):
    # 23 buyers, values chosen to collide often (F in 1..3, M in a few steps, R in a few days)
    for uid in range(1, 24):
        for k in range(1 + uid % 3):
            paid(shop, uid, 1000 * (1 + uid % 4), days_ago=(uid % 5) * 7 + k * 40)
    rfm = rfm_compute(shop=shop, window_days=365, now=NOW)
    assert rfm.n == 23
    rows = {b.user_id: (b.r_days, b.f, b.m_fen) for b in rfm.buyers}
    assert {
        b.user_id: ((b.r_score, b.f_score, b.m_score), str(b.segment.name)) for b in rfm.buyers
    } == brute_force(rows)
    by_values: dict[tuple, set] = {}
    for b in rfm.buyers:
        by_values.setdefault((b.r_days, b.f, b.m_fen), set()).add((b.r_score, b.f_score, b.m_score))
    assert all(len(s) == 1 for s in by_values.values())  # equal values, equal scores


def test_window_changes_who_counts_and_their_scores(five):
    rfm = rfm_compute(shop=five, window_days=90, now=NOW)
    got = {b.user_id: (b.r_days, b.f, b.m_fen, b.r_score, b.f_score, b.m_score) for b in rfm.buyers}
    # n = 3: score = 1 + ⌊5w/3⌋ → w 0, 1, 2 → 1, 2, 4
    assert got == {1: (1, 2, 3000, 4, 2, 2), 2: (5, 1, 50000, 2, 1, 4), 3: (30, 2, 1000, 1, 2, 1)}
    assert seg_of(rfm) == {1: "一般价值", 2: "重要挽留", 3: "一般保持"}


def test_segment_rows_and_drill_down(five, make_user):
    rfm = rfm_compute(shop=five, window_days=365, now=NOW)
    rows = {r["code"]: r for r in rfm_segment_rows(rfm)}
    assert len(rows) == 8 and sum(r["buyers"] for r in rows.values()) == 5
    assert rows["important_value"]["buyers"] == 1 and rows["important_value"]["share"] == 0.2
    assert rows["important_value"]["avg_m_fen"] == 6000 and rows["important_value"]["amount_fen"] == 6000
    assert rows["general_develop"]["buyers"] == 0 and rows["general_develop"]["avg_m_fen"] is None
    assert rows["important_keep"]["avg_r_days"] == 200.0 and rows["important_keep"]["avg_f"] == 2.0
    assert all(r["action"] for r in rows.values())
    members = rfm_segment_buyers(rfm, SEGMENT_BY_CODE["important_develop"])
    assert [b.user_id for b in members] == [2]


def test_empty_shop_has_no_buyers_and_no_rate(shop):
    rfm = rfm_compute(shop=shop, now=NOW)
    assert rfm.n == 0 and rfm.means == {"r": None, "f": None, "m": None}
    assert all(r["buyers"] == 0 and r["share"] is None for r in rfm_segment_rows(rfm))
    assert repurchase(shop=shop, now=NOW)["rate"] is None


def test_windows_and_segments_are_checked():
    assert window_check(None) == 365 and window_check("90") == 90
    for bad in ("30", "abc", 366, "-90"):
        with pytest.raises(ValidationError):
            window_check(bad)
    assert segment_check("重要价值").code == "important_value"
    with pytest.raises(ValidationError):
        segment_check("vip")


def test_masked_logins():
    assert mask_login("13900000001") == "139****0001"
    assert mask_login("alice@example.com") == "al****@example.com"
    assert mask_login("bob") == "b**"


# --- 复购率 and cohorts ------------------------------------------------------------------------------------------


def test_repurchase_rate_by_hand(five):
    year = repurchase(shop=five, window_days=365, now=NOW)
    assert (year["buyers"], year["repeat_buyers"]) == (5, 3)  # 1, 3, 4 paid twice or more
    assert year["rate"] == pytest.approx(0.6)
    quarter = repurchase(shop=five, window_days=90, now=NOW)  # 1 (1d, 10d), 2, 3 (30d, 31d)
    assert (quarter["buyers"], quarter["repeat_buyers"]) == (3, 2)
    for window, alone in (
        (365, year),
        (90, quarter),
    ):  # from the page's RFM rows: the same, nothing read again
        assert (
            repurchase(shop=five, window_days=window, rfm=rfm_compute(shop=five, window_days=window, now=NOW))
            == alone
        )


def local(*args):
    return timezone.make_aware(datetime(*args))


def test_cohort_cells_by_hand(shop):
    # cohort 2025-03 (four buyers); "now" is 2025-06-15, so +3 is June (still filling) and +4, +5 are to come
    paid(shop, 11, 100, ts=local(2025, 3, 5))
    paid(shop, 11, 100, ts=local(2025, 3, 20))  # second order in the first month: +0
    paid(shop, 11, 100, ts=local(2025, 5, 2))  # +2
    paid(shop, 12, 100, ts=local(2025, 3, 10))
    paid(shop, 12, 100, ts=local(2025, 4, 1, 0, 30))  # +1: April in Beijing time (still 31 March in UTC)
    paid(shop, 13, 100, ts=local(2025, 3, 31, 23, 30))  # only once, late on the last day of March
    paid(shop, 14, 100, ts=local(2025, 3, 1))
    paid(shop, 14, 100, ts=local(2025, 4, 2))  # +1
    paid(shop, 14, 100, ts=local(2025, 6, 10))  # +3
    paid(shop, 15, 100, ts=local(2024, 12, 1))  # first bought in December: not in the March cohort
    paid(shop, 15, 100, ts=local(2025, 3, 15))
    table = {row["month"]: row for row in cohorts(shop=shop, months=6, now=NOW)}
    assert list(table) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    march = table["2025-03"]
    assert march["size"] == 4
    assert [c["buyers"] for c in march["cells"]] == [1, 2, 1, 1, None, None]
    assert [c["rate"] for c in march["cells"]] == [0.25, 0.5, 0.25, 0.25, None, None]
    assert table["2025-04"]["size"] == 0 and table["2025-04"]["cells"][0]["rate"] is None
    assert [c["buyers"] for c in table["2025-06"]["cells"]] == [0, None, None, None, None, None]
    year = {row["month"]: row for row in cohorts(shop=shop, months=12, now=NOW)}
    assert year["2024-12"]["size"] == 1 and year["2024-12"]["cells"][3]["rate"] == 1.0  # came back in March
    with pytest.raises(ValidationError):
        cohorts(shop=shop, months=7, now=NOW)


# --- 人群包 ---------------------------------------------------------------------------------------------------


@pytest.fixture
def buyers(make_user):
    return [make_user() for _ in range(4)]


@pytest.fixture
def coupon():
    from wanshang.marketing.services import PromotionInput, promotion_save

    def make(shop, *, ends=None, **fields):
        now = timezone.now()
        data = PromotionInput(
            kind="coupon",
            name=fields.pop("name", "回购券"),
            starts_at=now - timedelta(minutes=1),
            ends_at=ends or now + timedelta(days=1),
            config={"amount_fen": 1000},
            total_quantity=fields.pop("total_quantity", 100),
            **fields,
        )
        return promotion_save(shop=shop, actor=shop.owner, data=data)

    return make


@pytest.fixture
def crowd_shop(shop, buyers):
    """Real buyers: a and b bought twice (repurchasers), c and d once, all within the last weeks."""
    now = timezone.now()
    a, b, c, d = buyers
    for user, times in ((a, 2), (b, 2), (c, 1), (d, 1)):
        for k in range(times):
            paid(shop, user.pk, 5000, days_ago=3 + k, now=now)
    return shop


def issued_to(promo) -> list[int]:
    from wanshang.marketing.models import Coupon

    return sorted(Coupon.objects.filter(promotion=promo).values_list("buyer_id", flat=True))


def test_save_repurchasers_and_issue_a_coupon_to_exactly_them(crowd_shop, buyers, coupon):
    a, b, c, d = buyers
    pack = crowd_pack_create(
        shop=crowd_shop, actor=crowd_shop.owner, name="复购老客", source="repurchasers", window_days=90
    )
    assert pack.size == 2 and pack.buyer_ids == sorted([a.pk, b.pk])
    assert pack.rule["source"] == "repurchasers" and pack.rule["window_days"] == 90 and pack.rule["built_at"]
    assert crowd_pack_buyer_ids(crowd_shop, pack.pk) == sorted([a.pk, b.pk])
    promo = coupon(crowd_shop)
    result = crowd_pack_issue_coupon(
        shop=crowd_shop, actor=crowd_shop.owner, pack_id=pack.pk, promotion_id=promo.pk
    )
    assert result["issued"] == 2 and result["at_limit"] == 0 and result["inactive"] == 0
    assert issued_to(promo) == sorted([a.pk, b.pk])
    promo.refresh_from_db()
    assert promo.issued_count == 2


def test_save_an_rfm_segment_and_one_time_buyers(crowd_shop, buyers):
    a, b, c, d = buyers
    once = crowd_pack_create(shop=crowd_shop, actor=None, name="只买过一次", source="one_time")
    assert once.buyer_ids == sorted([c.pk, d.pk])
    rfm = rfm_compute(shop=crowd_shop)
    code = next(bb.segment.code for bb in rfm.buyers if bb.user_id == a.pk)
    expected = sorted(bb.user_id for bb in rfm.buyers if bb.segment.code == code)
    pack = crowd_pack_create(shop=crowd_shop, actor=crowd_shop.owner, name="分群", source="rfm", segment=code)
    assert pack.buyer_ids == expected and pack.rule["segment"] == code and pack.size == len(expected)


def test_bad_packs_are_refused_and_change_nothing(crowd_shop, shop, make_shop):
    crowd_pack_create(shop=crowd_shop, actor=None, name="复购", source="repurchasers")
    cases = [
        (dict(name="复购", source="repurchasers"), Conflict),  # duplicate name in the shop
        (dict(name="", source="repurchasers"), ValidationError),
        (dict(name="x" * 41, source="repurchasers"), ValidationError),
        (dict(name="新包", source="everyone"), ValidationError),
        (dict(name="新包", source="rfm", segment="vip"), ValidationError),
        (dict(name="新包", source="rfm"), ValidationError),
        (dict(name="新包", source="one_time", window_days=30), ValidationError),
        (dict(name="新包", source="rfm", segment="general_retain"), ValidationError),  # nobody there: empty
    ]
    for kwargs, error in cases:
        with pytest.raises(error):
            crowd_pack_create(shop=crowd_shop, actor=None, **kwargs)
    assert CrowdPack.objects.for_shop(crowd_shop).count() == 1
    empty_shop = make_shop()
    with pytest.raises(ValidationError, match="没有买家"):
        crowd_pack_create(
            shop=empty_shop, actor=None, name="复购", source="repurchasers"
        )  # same name elsewhere: ok…
    assert not CrowdPack.objects.for_shop(empty_shop).exists()  # …but empty


def test_refresh_recomputes_now_and_keeps_a_pack_that_would_be_empty(crowd_shop, buyers):
    a, b, c, d = buyers
    pack = crowd_pack_create(shop=crowd_shop, actor=None, name="复购", source="repurchasers", window_days=90)
    paid(crowd_shop, c.pk, 100, now=timezone.now())  # c comes back: now a repurchaser
    before = pack.rule["built_at"]
    pack = crowd_pack_refresh(shop=crowd_shop, pack_id=pack.pk)
    assert pack.buyer_ids == sorted([a.pk, b.pk, c.pk]) and pack.size == 3 and pack.rule["built_at"] >= before
    later = timezone.now() + timedelta(days=200)  # nobody bought in the 90 days before
    with pytest.raises(ValidationError, match="保持不变"):
        crowd_pack_refresh(shop=crowd_shop, pack_id=pack.pk, now=later)
    pack.refresh_from_db()
    assert pack.size == 3 and pack.buyer_ids == sorted([a.pk, b.pk, c.pk])


def test_issue_refuses_ended_paused_and_non_coupons(crowd_shop, coupon, buyers):
    from wanshang.marketing.services import promotion_end, promotion_pause

    pack = crowd_pack_create(shop=crowd_shop, actor=None, name="复购", source="repurchasers")
    ended = coupon(crowd_shop, name="已结束的券")
    promotion_end(shop=crowd_shop, promotion_id=ended.pk)
    paused = coupon(crowd_shop, name="暂停的券")
    promotion_pause(shop=crowd_shop, promotion_id=paused.pk)
    small = coupon(crowd_shop, name="只剩一张", total_quantity=1)
    for promo, error in ((ended, Conflict), (paused, Conflict), (small, Conflict)):
        with pytest.raises(error):
            crowd_pack_issue_coupon(shop=crowd_shop, actor=None, pack_id=pack.pk, promotion_id=promo.pk)
        assert issued_to(promo) == []
    with pytest.raises(NotFound):
        crowd_pack_issue_coupon(shop=crowd_shop, actor=None, pack_id=pack.pk, promotion_id=999999)


def test_buyers_at_the_limit_and_closed_accounts_are_skipped(crowd_shop, coupon, buyers):
    a, b, c, d = buyers
    pack = crowd_pack_create(shop=crowd_shop, actor=None, name="复购", source="repurchasers")
    promo = coupon(crowd_shop, per_buyer_limit=1)
    assert (
        crowd_pack_issue_coupon(shop=crowd_shop, actor=None, pack_id=pack.pk, promotion_id=promo.pk)["issued"]
        == 2
    )
    b.is_active = False
    b.save()
    again = crowd_pack_issue_coupon(shop=crowd_shop, actor=None, pack_id=pack.pk, promotion_id=promo.pk)
    assert again == {"issued": 0, "at_limit": 1, "inactive": 1, "promotion_name": promo.name}
    assert issued_to(promo) == sorted([a.pk, b.pk])


def test_another_shops_pack_and_coupon_are_not_found(crowd_shop, make_shop, coupon):
    other = make_shop()
    paid(other, 424242, 100, now=timezone.now())
    paid(other, 424242, 100, now=timezone.now())
    theirs = crowd_pack_create(shop=other, actor=None, name="别家的包", source="repurchasers")
    mine = crowd_pack_create(shop=crowd_shop, actor=None, name="复购", source="repurchasers")
    their_coupon = coupon(other)
    for call in (
        lambda: crowd_pack_get(shop=crowd_shop, pack_id=theirs.pk),
        lambda: crowd_pack_buyer_ids(crowd_shop, theirs.pk),
        lambda: crowd_pack_refresh(shop=crowd_shop, pack_id=theirs.pk),
        lambda: crowd_pack_delete(shop=crowd_shop, pack_id=theirs.pk),
        lambda: crowd_pack_issue_coupon(
            shop=crowd_shop, actor=None, pack_id=theirs.pk, promotion_id=their_coupon.pk
        ),
        lambda: crowd_pack_issue_coupon(
            shop=crowd_shop, actor=None, pack_id=mine.pk, promotion_id=their_coupon.pk
        ),
    ):
        with pytest.raises(NotFound):
            call()
    assert CrowdPack.objects.filter(pk=theirs.pk).exists() and issued_to(their_coupon) == []
    assert [p.pk for p in crowd_packs(shop=crowd_shop)] == [mine.pk]
    assert 424242 not in {b.user_id for b in rfm_compute(shop=crowd_shop).buyers}


def test_delete(crowd_shop):
    pack = crowd_pack_create(shop=crowd_shop, actor=None, name="复购", source="repurchasers")
    crowd_pack_delete(shop=crowd_shop, pack_id=pack.pk)
    assert not CrowdPack.objects.filter(pk=pack.pk).exists()
    with pytest.raises(NotFound):
        crowd_pack_delete(shop=crowd_shop, pack_id=pack.pk)


def test_sql_rfm_equals_a_python_computation_to_the_microsecond(shop):
    """R, F, M, scores, segments, the segment table and 复购率 (all computed in SQL) equal the same figures
    computed in Python from the events, with R boundaries one microsecond either side of whole days."""
    day, us = timedelta(days=1), timedelta(microseconds=1)
    when = {1: day, 2: day - us, 3: 2 * day + us, 4: 3 * day, 5: 10 * day - us, 6: 200 * day + us}
    for uid, ago in when.items():
        paid(shop, uid, 100 * uid, ts=NOW - ago)
        if uid % 2:
            paid(shop, uid, 7, ts=NOW - ago - 5 * day)
    rfm = rfm_compute(shop=shop, window_days=365, now=NOW)
    rows = list(
        Event.objects.filter(
            shop=shop, kind=EventKind.ORDER_PAID, ts__gt=NOW - timedelta(days=365), ts__lte=NOW
        )
        .values("user_id")
        .annotate(last=Max("ts"), f=Count("id"), m=Sum("amount_fen"))
        .order_by("user_id")
    )
    r = [(NOW - row["last"]).days for row in rows]
    assert r == [1, 0, 2, 3, 9, 200]
    scores = list(
        zip(
            quintile_scores(r, higher_is_better=False),
            quintile_scores([row["f"] for row in rows]),
            quintile_scores([row["m"] for row in rows]),
            strict=True,
        )
    )
    assert [(b.user_id, b.r_days, b.f, b.m_fen, (b.r_score, b.f_score, b.m_score)) for b in rfm.buyers] == [
        (row["user_id"], rd, row["f"], row["m"], s) for row, rd, s in zip(rows, r, scores, strict=True)
    ]
    sums = tuple(sum(s[i] for s in scores) for i in range(3))
    assert rfm.score_sums == sums and rfm.n == 6
    flags = [tuple(s[i] * 6 >= sums[i] for i in range(3)) for s in scores]
    assert [b.segment for b in rfm.buyers] == [SEGMENT_BY_FLAGS[f] for f in flags]
    assert [b.last_paid_at for b in rfm.buyers] == [row["last"] for row in rows]
    table = {row["code"]: (row["buyers"], row["amount_fen"]) for row in rfm_segment_rows(rfm)}
    for seg in SEGMENT_BY_CODE.values():
        members = [row for row, f in zip(rows, flags, strict=True) if SEGMENT_BY_FLAGS[f] is seg]
        assert table[seg.code] == (len(members), sum(row["m"] for row in members))
        # the drill-down reads one segment in SQL: the same buyers as the full list
        fresh = rfm_compute(shop=shop, window_days=365, now=NOW)
        assert [b.user_id for b in rfm_segment_buyers(fresh, seg)] == [
            b.user_id for b in rfm_segment_buyers(rfm, seg)
        ]
    assert repurchase(shop=shop, now=NOW, rfm=rfm)["repeat_buyers"] == 3
