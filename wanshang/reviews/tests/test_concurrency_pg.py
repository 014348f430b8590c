"""Real concurrency on PostgreSQL: double submits of a review, a vote, a reply never write twice."""

import pytest

from wanshang.common.errors import Conflict
from wanshang.common.tests.concurrency import errors_of, run_concurrently
from wanshang.reviews.tests.conftest import DSR

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_eight_submits_of_one_review_write_one_review_one_rating_and_one_vote(buyer, line, shop, make_user):
    from wanshang.reviews.models import ProductRating, Review, ReviewVote, ShopRating
    from wanshang.reviews.services import review_create, review_reply, review_vote

    results = run_concurrently(
        lambda stars: review_create(buyer=buyer, line_id=line.pk, stars=stars, dsr=DSR),
        [5, 4, 3, 2, 1, 5, 4, 3],
    )
    assert errors_of(results, Conflict) == []
    assert sum(not isinstance(r, Exception) for r in results) == 1
    review = Review.objects.get()
    assert ShopRating.objects.count() == 1 and ProductRating.objects.get().count == 1

    voter = make_user()
    votes = run_concurrently(lambda _: review_vote(user=voter, review_id=review.pk), list(range(6)))
    assert errors_of(votes, Conflict) == []
    assert ReviewVote.objects.count() == 1 and Review.objects.get().helpful_count == 1

    replies = run_concurrently(
        lambda text: review_reply(shop=shop, actor=shop.owner, review_id=review.pk, text=text),
        ["谢谢一", "谢谢二", "谢谢三", "谢谢四"],
    )
    assert errors_of(replies, Conflict) == []
    assert sum(not isinstance(r, Exception) for r in replies) == 1
