"""Recommendation tables, computed by the `recommendations.build` job (tasks.py) from the event log and orders.

Each table is a derived copy: the job rebuilds it from its window of events and paid lines, so it can always be
recomputed, and a repeated build on the same data writes the same rows. Nothing here is read without the
read-time filter of selectors.py (on sale, open shop, in stock).
"""

from django.db import models

from wanshang.recommendations.types import RelatedKind


class RelatedProduct(models.Model):
    """`related_id` is recommended beside `product_id` (看了又看 / 买了又买), rank 1 first.

    `score` is the cosine of the two products' baskets (visitor-days for co-viewed, buyers for co-bought),
    shrunk for small counts: together / sqrt(n_a × n_b) × together / (together + SHRINK). `together` is the
    number of baskets that hold both."""

    kind = models.CharField(max_length=10, choices=RelatedKind.choices)
    product_id = models.BigIntegerField()
    related_id = models.BigIntegerField()
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    together = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "product_id", "related_id"], name="recs_related_unique"),
        ]
        indexes = [models.Index(fields=["product_id", "kind", "rank"], name="recs_related_lookup")]


class ProductPopularity(models.Model):
    """How much a product is wanted now: product-page visitors of the last 7 days and buyers of the last 30,
    `score` = visitors + BUYER_WEIGHT × buyers. The cold-start answer of 猜你喜欢 and its per-category top-up."""

    product_id = models.BigIntegerField(primary_key=True)
    category_id = models.BigIntegerField(null=True)
    visitors = models.PositiveIntegerField(default=0)
    buyers = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["-score"], name="recs_pop_score"),
            models.Index(fields=["category_id", "-score"], name="recs_pop_category"),
        ]


class BuildState(models.Model):
    """One row: the last build, and the newest event it saw (a build with nothing new since is skipped)."""

    event_id = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(null=True)
    pairs = models.PositiveIntegerField(default=0)
