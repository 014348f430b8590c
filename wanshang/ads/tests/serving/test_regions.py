"""Region multipliers: checked on save (known province codes, 0–500 %), applied per request from the logged-in
buyer's default address province (0 % = no ad, 200 % = twice the bid in the auction, the price never above it),
and counted by the hard stop."""

import pytest
from django.utils import timezone

from wanshang.ads import serving
from wanshang.ads.models import AdPlanDay
from wanshang.ads.regions import check_regions
from wanshang.ads.services import PlanInput, plan_update
from wanshang.ads.tests.serving.conftest import serve
from wanshang.common.errors import ValidationError
from wanshang.search.selectors import query_words

pytestmark = pytest.mark.django_db
BEIJING, SHANGHAI = "110000", "310000"


def _regional(shop, plan, regions, django_capture_on_commit_callbacks):
    data = PlanInput(
        name=plan.name,
        daily_budget_fen=plan.daily_budget_fen,
        start_date=plan.start_date,
        end_date=plan.end_date,
        region_multipliers=regions,
    )
    with django_capture_on_commit_callbacks(execute=True):
        return plan_update(shop=shop, plan_id=plan.pk, data=data)


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ({"999999": 120}, "未知的省级地区编码"),
        ({"110105": 120}, "未知的省级地区编码"),  # a district, not a province
        ({BEIJING: 501}, "0–500"),
        ({BEIJING: -1}, "0–500"),
        ({BEIJING: "120"}, "0–500"),
        ({BEIJING: True}, "0–500"),
        ([BEIJING], "地域溢价"),
    ],
)
def test_bad_region_multipliers_are_refused(live_ad, django_capture_on_commit_callbacks, regions, message):
    shop, plan, _group, _kws = live_ad()
    with pytest.raises(ValidationError, match=message):
        _regional(shop, plan, regions, django_capture_on_commit_callbacks)
    plan.refresh_from_db()
    assert plan.region_multipliers == {}


def test_region_multipliers_keep_0_to_500_and_drop_the_100s(make_address):
    make_address  # noqa: B018 - loads the regions
    assert check_regions({BEIJING: 0, SHANGHAI: 500, "440000": 100}) == {BEIJING: 0, SHANGHAI: 500}


@pytest.fixture
def buyer_in(make_user, make_address):
    def make(district):
        user = make_user()
        make_address(user, district_code=district, is_default=True)
        return user

    return make


def test_a_zero_percent_province_gets_no_ad(live_ad, buyer_in, django_capture_on_commit_callbacks):
    shop, plan, group, _kws = live_ad()
    _regional(shop, plan, {BEIJING: 0}, django_capture_on_commit_callbacks)
    in_beijing, in_shanghai = buyer_in("110105"), buyer_in("310104")
    assert serve_as(in_beijing) == []
    assert [a.group_id for a in serve_as(in_shanghai)] == [group.pk]
    assert [a.group_id for a in serve("连衣裙")] == [group.pk]  # unknown province: 100 %


def test_a_200_percent_province_doubles_the_bid(live_ad, buyer_in, django_capture_on_commit_callbacks):
    shop, plan, low, _kws = live_ad(bid=100)
    _s2, _p2, high, _k2 = live_ad(bid=150)
    _regional(shop, plan, {SHANGHAI: 200}, django_capture_on_commit_callbacks)
    everywhere = auction()
    assert [w.candidate.ad.group_id for w in everywhere.wins] == [high.pk, low.pk]
    in_shanghai = auction(province=SHANGHAI)
    first, second = in_shanghai.wins
    assert (first.candidate.ad.group_id, first.candidate.bid_fen) == (low.pk, 200)
    assert second.candidate.bid_fen == 150
    assert first.price_fen <= first.candidate.bid_fen and first.price_fen > 100  # it outbid 150 to win
    # the buyer's page: the doubled bid rides in the click token, so the click's price check holds
    [ad, _] = serve_as(buyer_in("310104"))
    assert ad.group_id == low.pk and ad.price_fen == first.price_fen


def test_the_buyer_address_is_read_only_when_a_plan_has_region_multipliers(
    live_ad, buyer_in, django_capture_on_commit_callbacks, monkeypatch
):
    """A search page with no regional plan serving needs no address query for its logged-in buyer."""
    from wanshang.ads import regions

    asked = []
    real = regions.default_province_code
    monkeypatch.setattr(
        regions, "default_province_code", lambda *, user_id: asked.append(user_id) or real(user_id=user_id)
    )
    shop, plan, group, _kws = live_ad()
    in_beijing = buyer_in("110105")
    assert [a.group_id for a in serve_as(in_beijing)] == [group.pk]
    assert asked == []
    _regional(shop, plan, {BEIJING: 0}, django_capture_on_commit_callbacks)
    assert serve_as(in_beijing) == []
    assert asked == [in_beijing.pk]


def test_the_hard_stop_counts_the_largest_region_percent(live_ad, django_capture_on_commit_callbacks):
    shop, plan, _group, _kws = live_ad(bid=100, daily=1000)
    AdPlanDay.objects.create(plan=plan, shop_id=shop.pk, date=timezone.localdate(), spend_fen=850)
    serving.state_invalidate()
    assert serve("连衣裙")  # 150 left takes a 100 click
    _regional(shop, plan, {SHANGHAI: 200}, django_capture_on_commit_callbacks)
    serving.state_invalidate()
    assert serve("连衣裙") == []  # but not the 200 a Shanghai click could cost


def auction(province=""):
    return serving.search_auction(
        words=query_words("连衣裙"), terminal="pc", slots=4, seed=1, province=province
    ).result


def serve_as(user):
    from wanshang.ads.traffic import search_ads_serve

    return search_ads_serve(
        words=query_words("连衣裙"),
        query="连衣裙",
        page=1,
        per_page=40,
        visitor="v" * 32,
        terminal="pc",
        user_id=user.pk,
    )
