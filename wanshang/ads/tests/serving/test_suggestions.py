"""Keyword suggestions from a seeded search log: candidates (queries that opened a product of the same category,
the title's words), monthly searches, competition, CTR, the suggested bid rule, and the one-click add."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.ads.rules import ad_settings
from wanshang.ads.services import KeywordInput, keywords_add, suggestion_add
from wanshang.ads.suggestions import keyword_suggestions, suggested_bid
from wanshang.ads.tests.serving.conftest import serve
from wanshang.ads.tests.spooling import click_settled
from wanshang.common.errors import NotFound, ValidationError
from wanshang.search.services import query_click, query_record

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture
def scene(live_ad, make_shop, make_product, make_plan, make_group):
    """My group promotes a dress; a peer's dress of the same category and a phone case elsewhere were opened
    from searches; two other shops bid on 雪纺 连衣裙 (200 and 300 fen)."""
    shop = make_shop()
    plan = make_plan(shop, daily=5000)
    mine = make_product(shop, title="夏季碎花连衣裙 长款")
    group = make_group(shop, plan, bid=100, product=mine)
    peer = make_shop(category=shop.test_category)
    similar = make_product(peer, title="雪纺连衣裙 真丝")
    elsewhere = make_product(make_shop(), title="透明手机壳")
    now = timezone.now()

    def searched(text, product, n, days_ago=1):
        for _ in range(n):
            q = query_record(text_typed=text, results=3, visitor="v1", at=now - timedelta(days=days_ago))
            assert query_click(query_id=q.pk, product_id=product.pk)

    searched("雪纺连衣裙", similar, 5)
    searched("雪纺连衣裙", similar, 2, days_ago=40)  # older than a month: not counted
    searched("真丝连衣裙", mine, 3)
    searched("手机壳", elsewhere, 4)  # another category: not a candidate
    query_record(text_typed="雪纺 连衣裙", results=0, visitor="v2")  # searched, nothing opened: still volume
    rivals = [
        live_ad(words=("雪纺连衣裙",), bid=200, title="雪纺连衣裙 白色"),
        live_ad(words=("雪纺 连衣裙",), bid=300, title="雪纺连衣裙 黑色"),
    ]
    return shop, group, rivals


def test_candidates_come_from_searches_of_the_category_and_the_title(scene):
    shop, group, _rivals = scene
    rows = {s.word: s for s in keyword_suggestions(shop=shop, group_id=group.pk)}
    assert rows["雪纺 连衣裙"].source == "search"
    assert rows["雪纺 连衣裙"].monthly_searches == 6  # 5 opened the peer's dress + 1 typed with a space
    assert rows["真丝 连衣裙"].source == "search" and rows["真丝 连衣裙"].monthly_searches == 3
    assert "手机壳" not in rows  # its searches opened a product of another category
    # the title's words and neighbouring pairs
    assert {"夏季", "碎花", "连衣裙", "长款", "夏季 碎花", "碎花 连衣裙"} <= {
        w for w, s in rows.items() if s.source == "title"
    }
    # most searched first
    assert list(rows)[0] == "雪纺 连衣裙"


def test_competition_ctr_and_the_suggested_bid(scene):
    shop, group, _rivals = scene
    for _ in range(3):
        ads = serve("雪纺连衣裙")
        assert len(ads) == 2  # both rivals shown: 2 impressions per search
    click_settled(token=ads[0].token, visitor="v" * 32, user_id=None, user_agent=BROWSER)
    rows = {s.word: s for s in keyword_suggestions(shop=shop, group_id=group.pk)}
    dress = rows["雪纺 连衣裙"]
    assert dress.competition == 2  # two other shops bid on these words, with or without the space
    assert (dress.impressions, dress.clicks, dress.ctr) == (6, 1, 1 / 6)
    assert dress.suggested_bid_fen == 300  # P75 (nearest rank) of [200, 300]
    nobody = rows["碎花"]
    assert nobody.competition == 0 and nobody.ctr is None
    assert nobody.suggested_bid_fen == ad_settings().reserve_price_fen


def test_the_suggested_bid_rule():
    reserve = ad_settings().reserve_price_fen
    assert suggested_bid([100, 200, 300, 400], daily_budget_fen=10_000) == 300
    assert suggested_bid([500], daily_budget_fen=10_000) == 500
    assert suggested_bid([200, 300], daily_budget_fen=250) == 250  # a bid above the budget could not be added
    assert suggested_bid([1, 2, 3], daily_budget_fen=10_000) == reserve  # never below the reserve
    assert suggested_bid([], daily_budget_fen=10_000) == reserve
    assert suggested_bid([10**6], daily_budget_fen=10**7) == ad_settings().max_bid_fen


def test_words_already_in_the_group_are_not_suggested(scene):
    shop, group, _rivals = scene
    keywords_add(shop=shop, group_id=group.pk, rows=[KeywordInput(word="真丝连衣裙")])
    words = {s.word for s in keyword_suggestions(shop=shop, group_id=group.pk)}
    assert "真丝 连衣裙" not in words and "雪纺 连衣裙" in words


def test_one_click_add_takes_the_suggested_bid_and_the_match_type(scene, django_capture_on_commit_callbacks):
    shop, group, _rivals = scene
    with django_capture_on_commit_callbacks(execute=True):
        keyword = suggestion_add(shop=shop, group_id=group.pk, word="雪纺 连衣裙", match_type="exact")
    assert (keyword.word, keyword.bid_fen, keyword.match_type) == ("雪纺 连衣裙", 300, "exact")
    assert keyword.tokens == ["雪纺", "连衣裙"]
    own = suggestion_add(shop=shop, group_id=group.pk, word="碎花", match_type="phrase", bid_fen=120)
    assert own.bid_fen == 120
    with pytest.raises(ValidationError, match="已存在"):
        suggestion_add(shop=shop, group_id=group.pk, word="雪纺连衣裙", match_type="broad")


@pytest.mark.parametrize(
    ("word", "match", "bid", "message"),
    [
        ("", "broad", None, "关键词不能为空"),
        ("新款", "broad", None, "搜索忽略"),
        ("长" * 21, "broad", 100, "超过 20 个字"),
        ("碎花", "fuzzy", 100, "匹配方式"),
        ("碎花", "broad", -5, "出价"),
        ("碎花", "broad", 10**7, "出价"),
    ],
)
def test_bad_suggestion_input_is_refused_and_adds_nothing(scene, word, match, bid, message):
    shop, group, _rivals = scene
    with pytest.raises(ValidationError, match=message):
        suggestion_add(shop=shop, group_id=group.pk, word=word, match_type=match, bid_fen=bid)
    assert not group.keywords.exists()


def test_another_shops_group_is_not_found(scene):
    shop, _group, rivals = scene
    _rival_shop, _plan, rival_group, rival_keywords = rivals[0]
    with pytest.raises(NotFound):
        keyword_suggestions(shop=shop, group_id=rival_group.pk)
    with pytest.raises(NotFound):
        suggestion_add(shop=shop, group_id=rival_group.pk, word="碎花", match_type="broad")
    assert list(rival_group.keywords.values_list("pk", flat=True)) == [k.pk for k in rival_keywords]
