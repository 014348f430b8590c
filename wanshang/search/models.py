from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SearchDoc(models.Model):
    """One product as the search engine sees it: its words per field, and the facts facets and sorts use.

    A denormalised copy, kept by `search.services.index_products` after the product, its SKUs, its shop or its
    sales change (domain events, after commit; `search.catch_up` repairs what a crash missed). The full-text
    part lives beside it and is backend-specific (backends/): an FTS5 table on SQLite, a weighted tsvector with
    a GIN index on PostgreSQL. `visible` is false for a product not on sale or of a suspended shop: such a
    document stays (so the index rebuilds cheaply) but never matches.
    """

    product_id = models.BigIntegerField(primary_key=True)
    shop_id = models.BigIntegerField(db_index=True)
    category_id = models.BigIntegerField()
    category_path = models.CharField(max_length=60)
    brand_id = models.BigIntegerField(null=True)
    visible = models.BooleanField(default=False)
    is_wholesale = models.BooleanField(default=False)
    in_stock = models.BooleanField(default=False)
    on_promotion = models.BooleanField(default=False)
    min_price_fen = models.BigIntegerField(default=0)
    sales_count = models.PositiveIntegerField(default=0)
    conversion = models.FloatField(default=0)  # paid buyers / product visitors, last 30 days
    rating = models.FloatField(null=True)  # average review score once reviews exist (issue 11)
    popularity = models.FloatField(default=0)  # the non-text part of 综合, see selectors.popularity
    attributes = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    # the words of each field, space-separated (text.index_words), in weight order
    title_words = models.TextField(default="")
    brand_words = models.TextField(default="")
    category_words = models.TextField(default="")
    attribute_words = models.TextField(default="")
    detail_words = models.TextField(default="")
    pinyin_words = models.TextField(default="")
    indexed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["category_path"], name="search_doc_cat_path", condition=Q(visible=True)),
            models.Index(fields=["-popularity"], name="search_doc_popularity", condition=Q(visible=True)),
        ]


class Synonym(models.Model):
    """A group of words a query treats as one (连衣裙 = 裙子 = 长裙), edited by the platform.

    `one_way` groups expand only from the first word to the others (手机 → 智能手机), not back.
    """

    words = models.JSONField(_("同义词"), default=list)
    one_way = models.BooleanField(_("单向"), default=False)
    note = models.CharField(_("备注"), max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return " = ".join(self.words)


class SearchQuery(models.Model):
    """One search a person ran (the log behind hot words, suggestions and the platform's search report)."""

    text = models.CharField(max_length=50)
    normalised = models.CharField(max_length=50, db_index=True)
    results = models.PositiveIntegerField(default=0)
    fallback = models.CharField(
        max_length=50, blank=True
    )  # the query actually shown when this one found nothing
    shop_id = models.BigIntegerField(null=True)  # searched within one shop
    visitor = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    clicked_product_id = models.BigIntegerField(null=True)
    clicked_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["normalised", "created_at"], name="search_query_norm_at")]


class SearchTerm(models.Model):
    """The suggestion dictionary: a query people ran (or a category or brand name) with its pinyin and volume."""

    term = models.CharField(max_length=50, unique=True)
    pinyin = models.CharField(max_length=200, db_index=True, default="")
    initials = models.CharField(max_length=50, db_index=True, default="")
    searches = models.PositiveIntegerField(default=0)  # last 30 days, refreshed by search.terms
    results = models.PositiveIntegerField(default=0)
    is_catalog_word = models.BooleanField(
        default=False
    )  # a category or brand name: suggested before anyone searched it
    pinned = models.BooleanField(default=False)  # a hot word the platform put on the home page
    hidden = models.BooleanField(default=False)  # never suggested (the platform removed it)

    class Meta:
        ordering = ["-searches", "term"]
