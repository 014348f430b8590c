"""Scheduled review jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.reviews.services import reviews_default_due, scores_refresh


@register("reviews.default_positive", every_seconds=600)
def default_positive(now):
    return reviews_default_due(now=now)


@register("reviews.scores", every_seconds=3600)
def scores(now):
    return scores_refresh(now=now)
