"""Region multipliers on the audience placements: the buyer's default-address province scales an audience
plan's bid (0 % = no ad there, 200 % = twice the bid, the price never above it), the address is read only when
a serving plan has multipliers, and the hard stop counts the largest percent."""

import pytest
from django.utils import timezone

from wanshang.ads.audience_serving import audience_auction, current_audience_index, visitor_profile
from wanshang.ads.models import AdPlanDay
from wanshang.ads.services import PlanInput, plan_update
from wanshang.ads.serving import state_invalidate
from wanshang.ads.tests.audience.conftest import new_visitor, serve

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


@pytest.fixture
def buyer_in(make_user, make_address):
    def make(district):
        user = make_user()
        make_address(user, district_code=district, is_default=True)
        return user

    return make


@pytest.fixture
def similar_visitor(make_shop, make_product, make_category, touch):
    """similar_visitor(category) → a visitor cookie that looked at another shop's product of the category."""

    def make(category):
        visitor = new_visitor()
        touch(visitor, make_product(make_shop(category=category), title="别家的连衣裙"))
        return visitor

    return make


def test_a_zero_percent_province_gets_no_audience_ad(
    live_audience, make_category, similar_visitor, buyer_in, django_capture_on_commit_callbacks
):
    category = make_category()
    shop, plan, group, _ = live_audience(category=category)
    _regional(shop, plan, {BEIJING: 0}, django_capture_on_commit_callbacks)
    in_beijing, in_shanghai = buyer_in("110105"), buyer_in("310104")
    assert serve("home", visitor=similar_visitor(category), user_id=in_beijing.pk) == []
    [ad] = serve("home", visitor=similar_visitor(category), user_id=in_shanghai.pk)
    assert ad.group_id == group.pk
    [ad] = serve("home", visitor=similar_visitor(category))  # not signed in: no province, 100 %
    assert ad.group_id == group.pk


def test_a_200_percent_province_doubles_the_audience_bid(
    live_audience, make_category, similar_visitor, buyer_in, django_capture_on_commit_callbacks
):
    category = make_category()
    shop, plan, low, _ = live_audience(category=category, bid=100, billing="cpm")
    _s2, _p2, high, _ = live_audience(category=category, bid=150, billing="cpm")
    _regional(shop, plan, {SHANGHAI: 200}, django_capture_on_commit_callbacks)
    visitor = similar_visitor(category)
    who = visitor_profile(visitor=visitor, user_id=None, now=timezone.now())

    def auction(province):
        _index, result = audience_auction(
            placement="home", who=who, visitor_key=visitor, terminal="pc", seed=1, province=province
        )
        return [(w.candidate.ad.group_id, w.candidate.bid_fen, w.price_fen) for w in result.wins]

    assert [g for g, _b, _p in auction("")] == [high.pk, low.pk]
    (first, bid, price), (second, second_bid, _) = auction(SHANGHAI)
    assert (first, bid, second, second_bid) == (low.pk, 200, high.pk, 150)
    assert 150 < price <= 200  # outbid 150 per thousand to win, never above its regional bid
    # the buyer's page: the doubled bid rides in the click token and the impression's price
    ads = serve("home", visitor=visitor, user_id=buyer_in("310104").pk)
    assert ads[0].group_id == low.pk and ads[0].price_fen == price


def test_the_buyer_address_is_read_only_when_an_audience_plan_has_region_multipliers(
    live_audience,
    make_category,
    similar_visitor,
    buyer_in,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    from wanshang.ads import regions

    asked = []
    real = regions.default_province_code
    monkeypatch.setattr(
        regions, "default_province_code", lambda *, user_id: asked.append(user_id) or real(user_id=user_id)
    )
    category = make_category()
    shop, plan, group, _ = live_audience(category=category)
    in_beijing = buyer_in("110105")
    assert [a.group_id for a in serve("home", visitor=similar_visitor(category), user_id=in_beijing.pk)] == [
        group.pk
    ]
    assert asked == []
    _regional(shop, plan, {BEIJING: 0}, django_capture_on_commit_callbacks)
    assert serve("home", visitor=similar_visitor(category), user_id=in_beijing.pk) == []
    assert asked == [in_beijing.pk]


def test_the_audience_hard_stop_counts_the_largest_region_percent(
    live_audience, make_category, similar_visitor, django_capture_on_commit_callbacks
):
    category = make_category()
    shop, plan, _group, _ = live_audience(category=category, bid=100, daily=1000)
    AdPlanDay.objects.create(plan=plan, shop_id=shop.pk, date=timezone.localdate(), spend_fen=850)
    state_invalidate()
    assert serve("home", visitor=similar_visitor(category))  # 150 left takes a 100 click
    _regional(shop, plan, {SHANGHAI: 200}, django_capture_on_commit_callbacks)
    assert current_audience_index().plans[plan.pk].highest_bid_fen == 200
    state_invalidate()
    assert serve("home", visitor=similar_visitor(category)) == []  # not the 200 a Shanghai click could cost
