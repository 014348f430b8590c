"""Serving: which keyword ads an auction may show, their GSP prices, the stop list and the version token."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.ads import serving
from wanshang.ads.services import negative_add, plan_set_status
from wanshang.ads.tests.serving.conftest import serve
from wanshang.ads.traffic import search_ads_serve
from wanshang.search.selectors import query_words

pytestmark = pytest.mark.django_db


def test_an_active_plan_wins_the_first_slot_at_the_reserve_when_alone(live_ad):
    shop, plan, group, _ = live_ad(bid=150)
    ads = serve("连衣裙")
    assert [(a.position, a.group_id) for a in ads] == [(1, group.pk)]
    # alone: the reserve ÷ its quality score, never above the bid
    assert 1 <= ads[0].price_fen <= 150
    from wanshang.ads.traffic_models import AdImpression

    assert AdImpression.objects.filter(group_id=group.pk, position=1, query="连衣裙").count() == 1


def test_gsp_second_price_is_below_the_bid_and_the_higher_bid_comes_first(live_ad):
    _s1, _p1, high, _ = live_ad(bid=300)
    _s2, _p2, low, _ = live_ad(bid=200)
    ads = serve("连衣裙")
    assert [a.group_id for a in ads] == [high.pk, low.pk]
    assert ads[0].price_fen <= 300 and ads[1].price_fen <= 200


def test_slots_on_the_second_page_take_the_next_ranked_ads(live_ad, settings):
    from wanshang.ads.rules import ad_settings_update

    ad_settings_update(slot_positions=[1, 45])
    _s1, _p1, high, _ = live_ad(bid=300)
    _s2, _p2, low, _ = live_ad(bid=200)
    assert [(a.position, a.group_id) for a in serve("连衣裙", page=2)] == [(5, low.pk)]


def test_no_query_words_no_ads(live_ad):
    live_ad()
    assert serve("") == []


def test_a_negative_keyword_suppresses_the_ad(live_ad, django_capture_on_commit_callbacks):
    shop, plan, group, _ = live_ad()
    assert serve("连衣裙 二手")
    with django_capture_on_commit_callbacks(execute=True):
        negative_add(shop=shop, plan_id=plan.pk, word="二手", match_type="phrase")
    assert serve("连衣裙 二手") == []
    assert serve("连衣裙")  # the negative blocks only queries that contain it


def test_a_paused_plan_is_not_shown(live_ad, django_capture_on_commit_callbacks):
    shop, plan, _group, _ = live_ad()
    assert serve("连衣裙")
    with django_capture_on_commit_callbacks(execute=True):
        plan_set_status(shop=shop, plan_id=plan.pk, status="paused")
    assert serve("连衣裙") == []


def test_an_exhausted_daily_budget_stops_the_plan(live_ad):
    from wanshang.ads.models import AdPlanDay

    _shop, plan, _group, _ = live_ad(bid=100, daily=1000)
    assert serve("连衣裙")
    AdPlanDay.objects.create(plan=plan, shop_id=plan.shop_id, date=timezone.localdate(), spend_fen=950)
    serving.state_invalidate()
    assert serve("连衣裙") == []  # 50 fen left cannot take a click at its highest bid (the hard stop)


def test_a_balance_below_the_reserve_stops_the_shop(live_ad):
    from wanshang.ads.models import AdAccount

    shop, _plan, _group, _ = live_ad()
    AdAccount.objects.filter(shop=shop).update(balance_fen=5)
    serving.state_invalidate()
    assert serve("连衣裙") == []


def test_terminal_and_hour_schedule(live_ad):
    hours = [100] * 24
    hours[timezone.localtime().hour] = 0
    live_ad(on_pc=False)
    assert serve("连衣裙", terminal="pc") == []
    assert serve("连衣裙", terminal="h5")
    live_ad(words=("半身裙",), title="半身裙", hour_multipliers=hours)
    assert serve("半身裙") == []


def test_a_sold_out_product_is_not_served(live_ad):
    from django.core.cache import cache

    from wanshang.inventory.models import Stock

    _shop, _plan, group, _ = live_ad()
    assert serve("连衣裙")
    Stock.objects.filter(sku__product_id=group.product_id).update(on_hand=0)
    cache.delete(serving.VERSION_KEY)  # the next build (next hour, next version) reads the stock
    assert serve("连衣裙") == []


def test_the_index_is_built_once_per_version(live_ad):
    live_ad()
    serve("连衣裙")
    built = serving._keyword_held.value
    serve("连衣裙")
    assert serving._keyword_held.value is built
    serving.serving_refresh()  # first run records the fingerprint and bumps
    assert serving.serving_refresh() == 0  # nothing changed
    serve("连衣裙")
    assert serving._keyword_held.value is not built


def test_the_plan_dates_are_respected(live_ad):
    live_ad(start_date=timezone.localdate() + timedelta(days=1))
    assert serve("连衣裙") == []


def test_a_known_robot_gets_no_ads_and_no_impressions(live_ad):
    from wanshang.ads.traffic_models import AdImpression

    live_ad()
    got = search_ads_serve(
        words=query_words("连衣裙"),
        query="连衣裙",
        page=1,
        per_page=40,
        visitor="",
        terminal="pc",
        user_agent="Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    )
    assert got == [] and not AdImpression.objects.exists()
