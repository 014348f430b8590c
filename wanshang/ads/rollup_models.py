"""The ads' hourly rollup: one `AdStatHour` row per shop, local hour (Asia/Shanghai), plan, ad group, keyword and
placement, rebuilt whole by the `ads.rollup` job from the raw facts (`traffic_models`) and the ledger's refunds.
`AdRollupHour` says which hours were built and which wait for a (re)build; `AdRollupCursor` how far the job has
read each source table. Rules: docs/ads-serving.md "Reports"."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wanshang.ads.traffic_models import Placement
from wanshang.common.scoping import ShopOwnedManager


class TermFigures(models.Model):
    """What an ad row was shown, clicked, charged, refunded and sold: the columns every rollup table sums (the
    search-term tables have only these; the stat tables add the uncharged clicks, `Figures`)."""

    impressions = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)  # charged clicks (a later refund does not remove one)
    spend_fen = models.BigIntegerField(
        default=0
    )  # Σ charged click prices + CPM blocks charged, before refunds
    refunded_clicks = models.BigIntegerField(default=0)  # charged clicks of the row refunded as invalid since
    refunded_fen = models.BigIntegerField(default=0)  # their refunds (the ledger's `refund` entries)
    conversions = models.BigIntegerField(default=0)  # distinct paid orders attributed to the row's clicks
    gmv_fen = models.BigIntegerField(default=0)  # Σ the attributed lines' payable, no freight

    class Meta:
        abstract = True


class Figures(TermFigures):
    """`TermFigures` and the clicks recorded but not charged."""

    invalid_clicks = models.BigIntegerField(default=0)  # bot + invalid + duplicate: recorded, never charged
    unpaid_clicks = models.BigIntegerField(default=0)  # valid, but a budget or the balance refused the charge

    class Meta:
        abstract = True


class AdStatHour(Figures):
    """One hour of one shop's ad (plan → group → keyword, placement): what was shown, clicked, charged, refunded
    and sold. Written only by the rollup (delete + insert of a whole hour); never edited."""

    shop = models.ForeignKey(
        "merchants.Shop", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    hour_start = models.DateTimeField()  # the hour's first instant
    day = models.DateField()  # its local (Asia/Shanghai) day
    hour = models.PositiveSmallIntegerField()  # its local hour, 0–23
    plan_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    keyword_id = models.BigIntegerField()
    placement = models.CharField(max_length=10, choices=Placement.choices, default=Placement.SEARCH)
    crowd_id = models.BigIntegerField(default=0)  # the audience target (AudienceTarget) that won, 0 for none

    objects = ShopOwnedManager()

    class Meta:
        indexes = [models.Index(fields=["shop", "hour_start"], name="ad_stat_shop_hour")]
        constraints = [
            models.UniqueConstraint(
                fields=["hour_start", "shop", "plan_id", "group_id", "keyword_id", "placement", "crowd_id"],
                name="ad_stat_one_row_per_hour_and_ad_crowd",
            ),
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="ad_stat_hour_of_day"),
            models.CheckConstraint(
                condition=models.Q(refunded_fen__lte=models.F("spend_fen")),
                name="ad_stat_refund_within_spend",
            ),
        ]


class AdStatDay(Figures):
    """A local day of one shop's ad: the sum of that day's built `AdStatHour` rows, rewritten whenever one of its
    hours is (re)built. Reports over whole days read it (24 times fewer rows); `rollup.stats` uses it only for
    the days whose every hour is built and none pending."""

    shop = models.ForeignKey(
        "merchants.Shop", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()
    plan_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    keyword_id = models.BigIntegerField()
    placement = models.CharField(max_length=10, choices=Placement.choices, default=Placement.SEARCH)
    crowd_id = models.BigIntegerField(default=0)

    objects = ShopOwnedManager()

    class Meta:
        indexes = [models.Index(fields=["shop", "day"], name="ad_statday_shop_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "shop", "plan_id", "group_id", "keyword_id", "placement", "crowd_id"],
                name="ad_statday_one_row_per_day_and_ad_crowd",
            ),
        ]


class AdStatGroupHour(Figures):
    """One hour of one shop's ad group and placement: `AdStatHour`'s rows of that hour summed over the keywords
    and crowds, written in the same transaction. The hour-of-day report and the hour edges of every read that
    does not ask for a keyword or crowd read it (about a tenth of the rows over 30 days)."""

    shop = models.ForeignKey(
        "merchants.Shop", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    hour_start = models.DateTimeField()
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    plan_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    placement = models.CharField(max_length=10, choices=Placement.choices, default=Placement.SEARCH)

    objects = ShopOwnedManager()

    class Meta:
        indexes = [models.Index(fields=["shop", "hour_start"], name="ad_statgroup_shop_hour")]
        constraints = [
            models.UniqueConstraint(
                fields=["hour_start", "shop", "plan_id", "group_id", "placement"],
                name="ad_statgroup_one_row_per_hour",
            ),
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="ad_statgroup_hour_of_day"),
        ]


class AdTermHour(TermFigures):
    """One hour of one keyword's real search query (search placement only), exact. Written by the rollup with
    the hour; kept `TERM_HOURS_KEPT_DAYS` days: it serves today's built hours and builds `AdTermDay`."""

    shop = models.ForeignKey(
        "merchants.Shop", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    hour_start = models.DateTimeField()
    day = models.DateField()
    plan_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    keyword_id = models.BigIntegerField()
    query = models.CharField(max_length=100, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        indexes = [
            models.Index(fields=["shop", "hour_start"], name="ad_termhour_shop_hour"),
            models.Index(fields=["day"], name="ad_termhour_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hour_start", "shop", "keyword_id", "query"], name="ad_termhour_one_row"
            ),
        ]


class AdTermDay(TermFigures):
    """One local day of one keyword's search queries: the day's top `TERMS_PER_KEYWORD` queries by impressions
    (plus every query with an order), and one `rest` row (query "") with the sum of the others, so a keyword's
    totals stay exact while the long tail of one-off queries is not stored day after day."""

    shop = models.ForeignKey(
        "merchants.Shop", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()
    plan_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    keyword_id = models.BigIntegerField()
    query = models.CharField(max_length=100, blank=True)
    rest = models.BooleanField(default=False)  # the sum of the queries not kept
    queries = models.PositiveIntegerField(default=1)  # distinct queries in this row (> 1 only for `rest`)

    objects = ShopOwnedManager()

    class Meta:
        indexes = [models.Index(fields=["shop", "day"], name="ad_termday_shop_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "shop", "keyword_id", "query", "rest"], name="ad_termday_one_row"
            ),
        ]


class AdRollupHour(models.Model):
    """An hour the rollup knows about: `pending` when facts of it arrived since its last build (it is read live
    until it is rebuilt), `built_at` its last build."""

    hour_start = models.DateTimeField(unique=True)
    pending = models.BooleanField(default=True)
    built_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["pending", "hour_start"], name="ad_rollup_pending")]


class AdRollupCursor(models.Model):
    """The one row (pk 1): the newest id of each source the job has read, and `watermark`, the start of the
    first hour it has not closed yet: every hour before it is in the rollup unless it is `pending`."""

    impression_id = models.BigIntegerField(default=0)
    click_id = models.BigIntegerField(default=0)
    conversion_id = models.BigIntegerField(default=0)
    refund_id = models.BigIntegerField(default=0)
    cpm_id = models.BigIntegerField(default=0)  # CpmCharge
    watermark = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("推广报表汇总进度")
