"""The pure recommenders: scores, normalisation, 猜你喜欢's ranking."""

import math

from wanshang.recommendations import engine


def test_co_occurrence_scores_are_cosines_shrunk_for_small_counts():
    # a and b together in 2 of their baskets; a in 3 baskets, b in 2
    related = engine.co_occurrence([[1, 2], [1, 2, 3], [1]], shrink=1.0)
    ab = next(r for r in related[1] if r[0] == 2)
    assert ab[2] == 2
    assert math.isclose(ab[1], 2 / math.sqrt(3 * 2) * 2 / 3)
    assert [r[0] for r in related[3]] == [2, 1]  # b is more specific to c than a, which is everywhere


def test_a_best_seller_does_not_dominate_everyone():
    # product 9 is in every basket; 1 and 2 are often seen together
    baskets = [[1, 2, 9]] * 3 + [[k, 9] for k in range(10, 40)]
    related = engine.co_occurrence(baskets)
    assert related[1][0][0] == 2


def test_basket_duplicates_count_once():
    related = engine.co_occurrence([[1, 1, 2, 2]])
    assert related[1] == [(2, 1 / 2, 1)]


def test_for_you_ranks_neighbours_of_recent_touches_and_excludes_seen_and_bought():
    seeds = engine.seeds_from([(1, 100, "pv"), (2, 100, "pv")], bought=[(3, 100)])
    ranked = engine.for_you(
        seeds,
        neighbours={"co_viewed": {1: [(10, 0.9), (2, 0.8)], 2: [(11, 0.5)]}, "co_bought": {3: [(12, 0.4)]}},
        category_popular={100: [(13, 5.0), (1, 4.0)]},
        popular=[1, 14, 15],
        limit=10,
    )
    # the best seller of the visitor's category, then the neighbours of the newest touches first
    assert ranked[:4] == [13, 10, 11, 12]
    assert 14 in ranked
    assert not {1, 2, 3} & set(ranked)


def test_for_you_of_a_new_visitor_is_the_popular_list():
    assert engine.for_you(engine.Seeds(), neighbours={}, category_popular={}, popular=[5, 6, 7], limit=2) == [
        5,
        6,
    ]
