"""数据中心 insights data: alerts, crowd packs and A/B experiments.

These tables were created by the analytics app and keep their names (`db_table`): the models moved here by
state only (migrations/0001_initial.py), so no row was copied or dropped.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class Alert(models.Model):
    """A 数据中心 notification: e.g. an hour whose paid orders fell far below its usual level."""

    class Kind(models.TextChoices):
        PAYMENT_GAP = "payment_gap", _("支付异常下跌")
        STOCK_COVER = "stock_cover", _("活动库存不足")

    shop = models.ForeignKey(
        "merchants.Shop", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # NULL = a marketplace-wide alert for the platform
    kind = models.CharField(max_length=20, choices=Kind.choices)
    hour = models.DateTimeField()  # start of the hour it is about
    observed = models.IntegerField(default=0)
    expected = models.FloatField(default=0)  # a statistic, never money
    detail = models.CharField(max_length=300, blank=True)
    # What within the hour it is about, when one hour can have several: "promotion:12:sku:34" ("" for an hour).
    subject = models.CharField(max_length=60, blank=True, default="")
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        db_table = "analytics_alert"
        ordering = ["-hour", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "kind", "hour", "subject"], name="alert_once_per_subject"
            ),
            models.UniqueConstraint(
                fields=["kind", "hour", "subject"],
                condition=Q(shop__isnull=True),
                name="platform_alert_once_per_subject",
            ),
        ]


class CrowdPack(models.Model):
    """人群包: a saved set of a shop's buyers (e.g. an RFM segment), for coupons and, later, ads."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("人群包名称", max_length=40)
    rule = models.JSONField(default=dict, blank=True)  # how it was built, e.g. {"rfm_segment": "重要价值"}
    buyer_ids = models.JSONField(default=list)
    size = models.IntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        db_table = "analytics_crowdpack"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["shop", "name"], name="crowd_name_per_shop")]


class Experiment(models.Model):
    """An A/B test: visitors hashed into variants; the metric is payment conversion or revenue per visitor."""

    class Metric(models.TextChoices):
        CONVERSION = "conversion", _("支付转化率")
        REVENUE = "revenue", _("UV价值（每访客支付金额）")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        RUNNING = "running", _("进行中")
        STOPPED = "stopped", _("已结束")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    key = models.SlugField("实验标识", max_length=40)
    name = models.CharField("实验名称", max_length=60)
    metric = models.CharField(max_length=12, choices=Metric.choices, default=Metric.CONVERSION)
    # [{"key": "A", "name": "原版", "weight": 50, "title": "", "image": ""}, ...]: the first is the control
    # (the product as it is); the others may show another title and/or main image. Weights sum to 100.
    variants = models.JSONField(default=list)
    product_ids = models.JSONField(
        default=list, blank=True
    )  # the shop's products it applies to (at least one)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    baseline_bps = models.IntegerField("基线转化率（万分比）", default=0)
    mde_bps = models.IntegerField(
        "最小可检测提升（百分点，万分比）", default=0
    )  # absolute: 1000 → 1200 is 200
    planned_per_arm = models.IntegerField(default=0)  # fixed horizon from the sample-size formula
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        db_table = "analytics_experiment"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["shop", "key"], name="experiment_key_per_shop")]


class ExperimentView(models.Model):
    """Each time someone looked at an experiment's results before its planned sample: the peeking count."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="views")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        db_table = "analytics_experimentview"


class PeriodBoard(models.Model):
    """A complete period's 数据中心 figures for one scope (a shop, or the marketplace: shop NULL), computed by
    the boards job (`boards.py`) after the rollup so that a 7/30-day page reads one row instead of regrouping
    millions of visitor-days. `mark` is the period's rollup build marks when it was computed: a board whose
    mark differs from the current one is stale and never shown."""

    start = models.DateField()
    end = models.DateField()
    shop = models.ForeignKey(
        "merchants.Shop",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    scope = models.CharField(max_length=20)  # "m" for the marketplace, else the shop id: unique per period
    mark = models.CharField(max_length=64)
    full = models.BooleanField(default=True)  # False: the counts only (a previous period, for comparison)
    counts = models.JSONField(default=dict)
    funnel = models.JSONField(default=dict)
    sources = models.JSONField(default=dict)  # level-2 code → [visitors, paying visitors]
    series = models.JSONField(default=list)  # one dict per day of the period (the trend)
    products = models.JSONField(default=dict)  # product id → [uv, pv, cart visitors]
    # product id → [paid buyers, paid fen, units] (item_paid events); NULL on boards stored before it existed
    # (such a board is rebuilt by the next job tick and not read for sales meanwhile)
    sales = models.JSONField(null=True, blank=True)
    # today's board (start = end = today): the moment it counts up to, and the counts of yesterday up to the
    # same time of day (the comparison); None for complete periods
    live_at = models.DateTimeField(null=True, blank=True)
    previous = models.JSONField(default=dict)
    built_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["start", "end", "scope"], name="board_period_scope"),
        ]


class TradeDay(models.Model):
    """A complete local day whose 交易报表 rows (`TradeHour`, `TradeBuyerDay`) are stored, with the day's rollup
    build mark when they were computed: rows of a day whose mark changed since are stale and never read."""

    day = models.DateField(unique=True)
    mark = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(auto_now=True)


class TradeHour(models.Model):
    """One scope's paid orders, paid fen and refunded fen in one local hour of a stored complete day (only
    hours with a money event have a row). `scope`: -1 the marketplace, 0 events without a shop, else the
    shop id (= `shop`)."""

    scope = models.IntegerField()
    shop = models.ForeignKey(
        "merchants.Shop",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    day = models.DateField()
    hour = models.SmallIntegerField()
    orders = models.IntegerField(default=0)
    amount_fen = models.BigIntegerField(default=0)
    refund_fen = models.BigIntegerField(default=0)

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "day", "hour"], name="trade_hour_once"),
        ]


class TradeBuyerDay(models.Model):
    """A buyer (user id) with a `paid` event in a scope on a stored complete day: the distinct 支付买家数 of any
    range of days is counted from these rows. `scope` as in `TradeHour`."""

    scope = models.IntegerField()
    shop = models.ForeignKey(
        "merchants.Shop",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    day = models.DateField()
    user_id = models.BigIntegerField()

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "day", "user_id"], name="trade_buyer_day_once"),
        ]


class RfmDay(models.Model):
    """A complete local day whose 客户分析 buyer rows (`RfmBuyerDay`) are stored, with the day's rollup build
    mark when they were computed: rows of a day whose mark changed since are stale and never read."""

    day = models.DateField(unique=True)
    mark = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(auto_now=True)


class RfmBuyerDay(models.Model):
    """One buyer's `paid` events in one shop on one stored complete local day: how many, the fen paid and the
    last moment. RFM over any window sums these rows (F, M) and takes the newest `last_paid_at` (R, as of the
    read), with the partial first day and today counted from the events."""

    shop = models.ForeignKey(
        "merchants.Shop", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()
    user_id = models.BigIntegerField()
    orders = models.IntegerField(default=0)
    amount_fen = models.BigIntegerField(default=0)
    last_paid_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "day", "user_id"], name="rfm_buyer_day_once"),
        ]
        indexes = [models.Index(fields=["day"], name="rfm_buyer_day_day")]
