"""Match types and negatives on real Chinese queries, cut by the search box's own tokenizer."""

import pytest

from wanshang.ads.engine.matching import eligible, is_negated, keyword_matches
from wanshang.ads.engine.types import KeywordAd, MatchType, Negative
from wanshang.search.text import query_words

EXACT, PHRASE, BROAD = MatchType.EXACT, MatchType.PHRASE, MatchType.BROAD
SYNONYMS = {"手机壳": ("手机套",), "手机套": ("手机壳",), "耳机": ("耳麦",), "耳麦": ("耳机",)}


def tokens(text: str) -> tuple[str, ...]:
    return tuple(query_words(text))


def ad(keyword: str, match: MatchType, *, kid=1, group=10, plan=100) -> KeywordAd:
    return KeywordAd(
        keyword_id=kid, group_id=group, plan_id=plan, shop_id=1, product_id=1, tokens=tokens(keyword),
        match_type=match, bid_fen=100,
    )  # fmt: skip


def matches(keyword: str, match: MatchType, query: str) -> bool:
    return keyword_matches(tokens(keyword), match, tokens(query), SYNONYMS)


@pytest.mark.parametrize(
    ("keyword", "query", "expected"),
    [
        ("连衣裙 夏季 女", "连衣裙 夏季 女", True),
        ("连衣裙 夏季 女", "连衣裙夏季女", True),  # the same words however the buyer spaced them
        ("连衣裙 夏季 女", "夏季 连衣裙 女", False),  # exact keeps the order
        ("连衣裙 夏季 女", "连衣裙 夏季 女 碎花", False),  # nor extra words
        ("蓝牙耳机", "蓝牙耳机 降噪", False),
        ("蓝牙耳机 降噪", "ＶＡ蓝牙耳机 降噪", False),
        ("蓝牙耳机 降噪", "蓝牙耳机 降噪", True),
    ],
)
def test_exact_is_the_same_token_sequence(keyword, query, expected):
    assert matches(keyword, EXACT, query) is expected


@pytest.mark.parametrize(
    ("keyword", "query", "expected"),
    [
        ("蓝牙耳机", "降噪蓝牙耳机", True),
        ("蓝牙耳机", "蓝牙耳机 降噪 运动", True),
        ("连衣裙 夏季", "碎花 连衣裙 夏季 女", True),
        ("连衣裙 夏季", "夏季 碎花 连衣裙", False),  # not contiguous
        ("连衣裙 夏季", "夏季连衣裙", False),  # order matters
        ("手机壳", "手机套 透明", False),  # no synonyms in phrase
        ("蓝牙耳机", "蓝牙 耳机", False),  # the keyword's one word is not the query's two
    ],
)
def test_phrase_is_contiguous_in_order(keyword, query, expected):
    assert matches(keyword, PHRASE, query) is expected


@pytest.mark.parametrize(
    ("keyword", "query", "expected"),
    [
        ("连衣裙 夏季 女", "女 夏季 碎花 连衣裙", True),  # any order, extra words allowed
        ("连衣裙 夏季 女", "夏季 连衣裙", False),  # every keyword word must be there
        ("手机壳 透明", "透明 手机套", True),  # synonym of 手机壳
        ("手机套", "华为手机壳", True),
        ("降噪 耳机", "降噪耳麦", True),  # 耳麦 is a synonym of 耳机
        ("降噪 耳机", "降噪 音箱", False),
        ("耳机", "蓝牙耳机", False),  # 蓝牙耳机 is one word: it does not contain the word 耳机
        ("蓝牙耳机", "蓝牙耳机 降噪", True),
        ("真丝 连衣裙", "碎花连衣裙", False),
    ],
)
def test_broad_any_order_with_synonyms(keyword, query, expected):
    assert matches(keyword, BROAD, query) is expected


def test_broad_without_synonym_map_is_literal():
    assert not keyword_matches(tokens("手机壳"), BROAD, tokens("手机套"), None)
    assert keyword_matches(tokens("手机壳"), BROAD, tokens("手机壳 透明"), None)


def test_empty_query_or_keyword_matches_nothing():
    assert not keyword_matches((), BROAD, tokens("连衣裙"))
    assert not keyword_matches(tokens("连衣裙"), BROAD, ())


def test_negatives_always_win_at_plan_and_group_level():
    broad = ad("连衣裙", BROAD, kid=1, group=10, plan=100)
    other_group = ad("连衣裙", BROAD, kid=2, group=11, plan=100)
    other_plan = ad("连衣裙", BROAD, kid=3, group=12, plan=200)
    query = tokens("连衣裙 二手")
    plan_neg = Negative(tokens=tokens("二手"), match_type=PHRASE, plan_id=100)
    group_neg = Negative(tokens=tokens("二手"), match_type=PHRASE, plan_id=100, group_id=10)

    assert eligible([broad, other_group, other_plan], [plan_neg], query) == [other_plan]
    assert eligible([broad, other_group, other_plan], [group_neg], query) == [other_group, other_plan]


def test_exact_negative_only_blocks_the_whole_query():
    dress = ad("连衣裙", BROAD)
    negative = Negative(tokens=tokens("连衣裙 二手"), match_type=EXACT, plan_id=100)
    assert is_negated(dress, [negative], tokens("连衣裙 二手"))
    assert not is_negated(dress, [negative], tokens("连衣裙 二手 真丝"))
    assert not is_negated(dress, [negative], tokens("二手 连衣裙"))


def test_phrase_negative_needs_its_words_contiguous():
    dress = ad("连衣裙", BROAD)
    negative = Negative(tokens=tokens("儿童 连衣裙"), match_type=PHRASE, plan_id=100)
    assert is_negated(dress, [negative], tokens("夏季 儿童连衣裙"))
    assert not is_negated(dress, [negative], tokens("儿童 夏季 连衣裙"))


def test_negative_wins_over_an_exact_match():
    exact = ad("蓝牙耳机 降噪", EXACT)
    negative = Negative(tokens=tokens("降噪"), match_type=PHRASE, plan_id=100, group_id=10)
    assert eligible([exact], [negative], tokens("蓝牙耳机 降噪")) == []
