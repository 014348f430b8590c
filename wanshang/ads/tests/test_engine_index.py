"""The serving index answers exactly what the one-keyword-at-a-time rules answer."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wanshang.ads.engine.auction import run_auction
from wanshang.ads.engine.index import KeywordIndex
from wanshang.ads.engine.matching import eligible
from wanshang.ads.engine.types import KeywordAd, MatchType, Negative
from wanshang.search.text import query_words

WORDS = ["连衣裙", "夏季", "女", "碎花", "蓝牙耳机", "降噪", "手机壳", "手机套", "透明", "二手"]
SYNONYMS = {"手机壳": ("手机套",), "手机套": ("手机壳",)}


def keyword_ads(draw_lists):
    return [
        KeywordAd(
            keyword_id=i, group_id=group, plan_id=group // 3, shop_id=1, product_id=group,
            tokens=tuple(tokens), match_type=match, bid_fen=100,
        )
        for i, (tokens, match, group) in enumerate(draw_lists)
    ]  # fmt: skip


token_lists = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)
ad_rows = st.lists(st.tuples(token_lists, st.sampled_from(list(MatchType)), st.integers(0, 8)), max_size=40)
negative_rows = st.lists(
    st.tuples(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=2),
        st.sampled_from([MatchType.EXACT, MatchType.PHRASE]),
        st.integers(0, 2),
        st.one_of(st.none(), st.integers(0, 8)),
    ),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(ad_rows, negative_rows, st.lists(st.sampled_from(WORDS), min_size=0, max_size=6, unique=True))
def test_index_agrees_with_the_reference(rows, negative_rows, query):
    ads = keyword_ads(rows)
    negatives = [
        Negative(tokens=tuple(t), match_type=m, plan_id=(g // 3 if g is not None else p), group_id=g)
        for t, m, p, g in negative_rows
    ]
    index = KeywordIndex.build(ads, negatives)
    got = sorted(a.keyword_id for a in index.eligible(query, SYNONYMS))
    assert got == sorted(a.keyword_id for a in eligible(ads, negatives, query, SYNONYMS))


def test_index_on_a_real_query():
    def kw(i, text, match, group=1, plan=1):
        return KeywordAd(i, group, plan, 1, group, tuple(query_words(text)), match, 100)

    ads = [
        kw(1, "连衣裙", MatchType.BROAD),
        kw(2, "连衣裙 夏季", MatchType.PHRASE),
        kw(3, "碎花 连衣裙 夏季", MatchType.EXACT),
        kw(4, "手机壳 透明", MatchType.BROAD, group=2, plan=2),
        kw(5, "真丝 连衣裙", MatchType.BROAD, group=3, plan=3),
    ]
    index = KeywordIndex.build(ads, [Negative(tuple(query_words("二手")), MatchType.PHRASE, plan_id=3)])
    assert sorted(a.keyword_id for a in index.eligible(query_words("碎花连衣裙夏季"), SYNONYMS)) == [1, 2, 3]
    assert [a.keyword_id for a in index.eligible(query_words("透明手机套"), SYNONYMS)] == [4]
    assert sorted(a.keyword_id for a in index.eligible(query_words("真丝连衣裙"), SYNONYMS)) == [1, 5]
    assert [a.keyword_id for a in index.eligible(query_words("二手真丝连衣裙"), SYNONYMS)] == [1]
    assert index.eligible([], SYNONYMS) == []
    assert index.size == 5


def test_a_broad_negative_is_refused():
    with pytest.raises(ValueError):
        KeywordIndex.build([], [Negative(("二手",), MatchType.BROAD, plan_id=1)])


auction_rows = st.lists(
    st.tuples(token_lists, st.sampled_from(list(MatchType)), st.integers(0, 8), st.integers(1, 6),
              st.sampled_from([0.5, 1.0, 2.0])),
    max_size=40,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    auction_rows,
    negative_rows,
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6, unique=True),
    st.integers(1, 4),
    st.integers(1, 8),
    st.integers(0, 3),
)
def test_index_auction_equals_the_auction_over_all_candidates(
    rows, negative_rows, query, slots, reserve, seed
):
    # bids 1–6 fen and three qualities: ties everywhere, the boundary case of the merge
    ads = [
        KeywordAd(i, group, group // 3, 1, group, tuple(tokens), match, bid)
        for i, (tokens, match, group, bid, _q) in enumerate(rows)
    ]
    quality = {i: q for i, (*_rest, q) in enumerate(rows)}
    negatives = [
        Negative(tokens=tuple(t), match_type=m, plan_id=(g // 3 if g is not None else p), group_id=g)
        for t, m, p, g in negative_rows
    ]
    index = KeywordIndex.build(ads, negatives, quality)
    fast = index.auction(query, SYNONYMS, slots=slots, reserve_fen=reserve, tie_seed=seed)
    full = run_auction(index.candidates(query, SYNONYMS), slots=slots, reserve_fen=reserve, tie_seed=seed)
    assert fast.wins == full.wins


@settings(max_examples=200, deadline=None)
@given(
    auction_rows,
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6, unique=True),
    st.integers(1, 4),
    st.integers(1, 8),
    st.integers(0, 3),
    st.sets(st.integers(0, 2)),
)
def test_excluding_plans_in_the_index_auction_equals_filtering_the_candidates(
    rows, query, slots, reserve, seed, excluded
):
    # serving leaves out stopped, other-terminal and throttled plans this way (ads/throttle.py)
    ads = [
        KeywordAd(i, group, group // 3, 1, group, tuple(tokens), match, bid)
        for i, (tokens, match, group, bid, _q) in enumerate(rows)
    ]
    index = KeywordIndex.build(ads, [], {i: q for i, (*_rest, q) in enumerate(rows)})
    fast = index.auction(
        query, SYNONYMS, slots=slots, reserve_fen=reserve, tie_seed=seed, exclude_plans=excluded
    )
    kept = [c for c in index.candidates(query, SYNONYMS) if c.ad.plan_id not in excluded]
    assert fast.wins == run_auction(kept, slots=slots, reserve_fen=reserve, tie_seed=seed).wins
