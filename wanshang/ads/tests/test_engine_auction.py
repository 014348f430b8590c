"""GSP against hand-worked examples and as properties (docs/ads-engine.md works the same examples)."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wanshang.ads.engine.auction import reserve_floor_fen, run_auction
from wanshang.ads.engine.types import Candidate


def c(ad_id: int, bid: int, quality: float, group: int | None = None) -> Candidate:
    return Candidate(ad_id=ad_id, bid_fen=bid, quality=quality, group=group)


def shown(result):
    return [(w.candidate.ad_id, w.position, w.price_fen) for w in result.wins]


def test_three_bidders_two_slots():
    # ranks: A 300×1.0 = 300, B 200×1.2 = 240, C 250×0.8 = 200
    result = run_auction([c(1, 300, 1.0), c(2, 200, 1.2), c(3, 250, 0.8)], slots=2, reserve_fen=10)
    # A pays ⌈240 ÷ 1.0⌉ + 1 = 241; B pays ⌈200 ÷ 1.2⌉ + 1 = 167 + 1 = 168 (C is next, though not shown)
    assert shown(result) == [(1, 1, 241), (2, 2, 168)]
    assert [x.ad_id for x in result.outranked] == [3]
    assert [w.rank for w in result.wins] == [300.0, 240.0]


def test_single_bidder_pays_the_reserve_over_its_quality():
    result = run_auction([c(1, 300, 1.5)], slots=3, reserve_fen=50)
    assert shown(result) == [(1, 1, 34)]  # ⌈50 ÷ 1.5⌉ = ⌈33.3⌉


def test_reserve_hides_the_low_ranked_and_prices_the_last_shown():
    result = run_auction([c(1, 300, 1.0), c(2, 100, 0.4)], slots=3, reserve_fen=50, full=True)
    # B's rank 40 is under the reserve 50: not shown, and A pays the reserve, not ⌈40⌉ + 1
    assert shown(result) == [(1, 1, 50)]
    assert [x.ad_id for x in result.below_reserve] == [2]


def test_rank_exactly_at_the_reserve_is_shown_and_pays_its_bid():
    result = run_auction([c(1, 50, 1.0)], slots=1, reserve_fen=50)
    assert shown(result) == [(1, 1, 50)]


def test_equal_rank_higher_quality_first_and_price_capped_by_bid():
    # A 200×1.0 = 200, B 100×2.0 = 200: B first on quality; B would pay ⌈200 ÷ 2⌉ + 1 = 101 > its bid 100
    result = run_auction([c(1, 200, 1.0), c(2, 100, 2.0)], slots=2, reserve_fen=10)
    assert shown(result) == [(2, 1, 100), (1, 2, 10)]


def test_full_tie_is_broken_by_the_seed_deterministically():
    bidders = [c(1, 150, 1.0), c(2, 150, 1.0)]
    orders = {
        tuple(w.candidate.ad_id for w in run_auction(bidders, slots=2, reserve_fen=10, tie_seed=s).wins)
        for s in range(20)
    }
    assert orders == {(1, 2), (2, 1)}  # equal bidders take turns across page views
    first = run_auction(bidders, slots=2, reserve_fen=10, tie_seed=7)
    assert first == run_auction(list(reversed(bidders)), slots=2, reserve_fen=10, tie_seed=7)
    assert [w.price_fen for w in first.wins] == [150, 10]  # ⌈150⌉ + 1 capped at the bid; last pays reserve


def test_more_bidders_than_slots_last_shown_pays_against_the_first_not_shown():
    bidders = [c(i, bid, 1.0) for i, bid in enumerate([500, 400, 300, 200, 100], start=1)]
    result = run_auction(bidders, slots=3, reserve_fen=10)
    assert shown(result) == [(1, 1, 401), (2, 2, 301), (3, 3, 201)]


def test_one_product_shows_once_with_its_best_keyword():
    bidders = [c(1, 300, 1.0, group=7), c(2, 250, 1.0, group=7), c(3, 200, 1.0, group=8)]
    result = run_auction(bidders, slots=3, reserve_fen=10)
    # keyword 2 of the same group is not the next bidder of keyword 1: group 8 is
    assert shown(result) == [(1, 1, 201), (3, 2, 10)]


def test_no_bidder_no_win():
    assert run_auction([], slots=3, reserve_fen=10).wins == ()


@pytest.mark.parametrize(("bid", "quality"), [(0, 1.0), (-5, 1.0), (1.5, 1.0), (100, 0.0), (100, -1.0)])
def test_bad_bid_or_quality_is_refused(bid, quality):
    with pytest.raises(ValueError):
        c(1, bid, quality)


@pytest.mark.parametrize(("slots", "reserve"), [(0, 10), (1, 0), (1, -1)])
def test_no_slot_or_no_reserve_is_refused(slots, reserve):
    with pytest.raises(ValueError):
        run_auction([c(1, 100, 1.0)], slots=slots, reserve_fen=reserve)


qualities = st.sampled_from([0.1, 0.25, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 3.3, 7.0])
bidder_lists = st.lists(st.tuples(st.integers(1, 5000), qualities), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(bidder_lists, st.integers(1, 4), st.integers(1, 300), st.integers(0, 5))
def test_gsp_properties(raw, slots, reserve, seed):
    bidders = [c(i, bid, q) for i, (bid, q) in enumerate(raw)]
    result = run_auction(bidders, slots=slots, reserve_fen=reserve, tie_seed=seed, full=True)
    above = [b for b in bidders if b.bid_fen * b.quality >= reserve - 1e-9]
    assert len(result.wins) == min(slots, len(result.wins) + len(result.outranked))
    assert len(result.wins) + len(result.outranked) + len(result.below_reserve) == len(bidders)
    assert len(result.wins) <= len(above)
    for w in result.wins:
        assert w.price_fen <= w.candidate.bid_fen
        assert w.price_fen >= reserve_floor_fen(w.candidate.quality, reserve)
        assert w.rank * 1.000001 >= reserve
    ranks = [w.rank for w in result.wins]
    assert ranks == sorted(ranks, reverse=True)
    assert [w.position for w in result.wins] == list(range(1, len(result.wins) + 1))


@settings(max_examples=300, deadline=None)
@given(bidder_lists, st.integers(1, 4), st.integers(1, 100), st.data())
def test_price_does_not_depend_on_own_bid_while_the_slot_holds(raw, slots, reserve, data):
    bidders = [c(i, bid, q) for i, (bid, q) in enumerate(raw)]
    first = run_auction(bidders, slots=slots, reserve_fen=reserve)
    assume(first.wins)
    win = data.draw(st.sampled_from(first.wins))
    me = win.candidate
    new_bid = data.draw(st.integers(1, 10_000))
    again = run_auction(
        [c(b.ad_id, new_bid if b.ad_id == me.ad_id else b.bid_fen, b.quality) for b in bidders],
        slots=slots, reserve_fen=reserve,
    )  # fmt: skip
    same_slot = [w for w in again.wins if w.candidate.ad_id == me.ad_id and w.position == win.position]
    assume(same_slot)
    # below the cap the price is set by the next bidder alone; at any bid it is min(bid, that price)
    if win.price_fen < me.bid_fen:
        assert same_slot[0].price_fen == min(new_bid, win.price_fen)
