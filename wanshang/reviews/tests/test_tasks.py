"""The scheduled jobs with the clock moved forward, and after a worker was down for weeks."""

from datetime import timedelta

import pytest

from wanshang.common.scheduler import jobs, run_job
from wanshang.reviews.models import ProductRating, Review, ShopRating, ShopScore, ShopScoreDay
from wanshang.reviews.services import review_create, reviews_default_due, scores_refresh
from wanshang.reviews.tests.conftest import DSR

pytestmark = pytest.mark.django_db


def test_silent_buyer_gets_a_default_positive_review_after_15_days(buyer, order, line):
    first, second = order.lines.order_by("pk")
    review_create(buyer=buyer, line_id=first.pk, stars=2, dsr=DSR)
    assert reviews_default_due(now=order.received_at + timedelta(days=14, hours=23)) == 0
    due = order.received_at + timedelta(days=15, seconds=1)
    assert reviews_default_due(now=due) == 1
    assert reviews_default_due(now=due) == 0  # idempotent
    default = Review.objects.get(line=second)
    assert default.is_default and default.stars == 5 and default.text == "系统默认好评"
    rating = ProductRating.objects.get(product_id=line.product_id)
    # counts in 好评率 (1 of 2 shown reviews is 4–5 stars) but not in the average of written stars
    assert (rating.count, rating.good_rate, rating.average) == (2, 50.0, 2.0)
    assert ShopRating.objects.count() == 1  # never in the shop scores


def test_after_weeks_of_downtime_the_job_catches_up_with_due_dates(buyer, order):
    weeks_later = order.received_at + timedelta(days=60)
    job = next(j for j in jobs() if j.name == "reviews.default_positive")
    assert run_job(job, weeks_later) == 2
    for review in Review.objects.all():
        assert review.created_at == order.received_at + timedelta(days=15)  # dated when it fell due
    assert not ShopRating.objects.exists() and not ShopScore.objects.exists()


def test_defaults_never_reach_the_dsr_and_the_scores_job_fills_missed_days(buyer, order, shop):
    first = order.lines.order_by("pk").first()
    review_create(buyer=buyer, line_id=first.pk, stars=5, dsr=DSR, now=order.received_at + timedelta(hours=1))
    reviews_default_due(now=order.received_at + timedelta(days=16))
    assert ShopScore.objects.get(shop=shop).counted == 1
    start = ShopScoreDay.objects.get(shop=shop).day
    # the worker is down for ten days, then the hourly job runs once
    job = next(j for j in jobs() if j.name == "reviews.scores")
    assert run_job(job, order.received_at + timedelta(days=10, hours=1)) == 1
    days = list(ShopScoreDay.objects.filter(shop=shop).values_list("day", flat=True))
    assert days == [start + timedelta(days=i) for i in range(len(days))] and len(days) >= 10
    assert all(d.counted == 1 and d.description == 5.0 for d in ShopScoreDay.objects.all())
    # 181 days later the rating left the window
    scores_refresh(now=order.received_at + timedelta(days=182))
    score = ShopScore.objects.get(shop=shop)
    assert score.counted == 0 and score.description is None
