"""Data and invariants of 推广中心: the ad account and its ledger, and the keyword-ad (直通车) structure
plan → ad group → keywords / negatives / creatives. Rules: docs/ads.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


def _default_slots():
    return [1, 6, 11, 16]


def _default_trust_words():
    return [
        "官方",
        "正品",
        "旗舰",
        "授权",
        "认证",
        "质保",
        "保障",
        "包邮",
        "顺丰",
        "无理由",
        "品质",
        "专柜",
        "原装",
    ]


class AdSettings(models.Model):
    """The platform's ad rules: one row (pk 1, `selectors.ad_settings`). DOMAIN.md calls these values
    unverified, so they are settings an operator changes, not constants."""

    reserve_price_fen = models.PositiveIntegerField("底价（分）", default=10)
    max_bid_fen = models.PositiveIntegerField("最高出价（分）", default=9999)
    # 1-based positions of the ad slots among the organic search results (labelled 广告)
    slot_positions = models.JSONField("搜索结果广告位", default=_default_slots)
    click_dedup_minutes = models.PositiveIntegerField("点击去重窗口（分钟）", default=30)
    attribution_days = models.PositiveIntegerField("归因窗口（天）", default=15)
    max_keywords_per_group = models.PositiveIntegerField("每单元关键词上限", default=200)
    min_topup_fen = models.PositiveIntegerField("单笔最低充值（分）", default=100)
    max_topup_fen = models.PositiveBigIntegerField("单笔最高充值（分）", default=5_000_000)
    trust_words = models.JSONField("信任背书词", default=_default_trust_words)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(max_bid_fen__gte=models.F("reserve_price_fen")), name="ads_max_bid_ge_reserve"
            ),
            models.CheckConstraint(
                condition=Q(attribution_days__gte=1), name="ads_attribution_days_positive"
            ),
        ]


class AdAccount(models.Model):
    """A shop's prepaid ad account. The balance never goes negative: the check constraint below, and every
    debit is an atomic conditional update (`balance_fen >= price`)."""

    shop = models.OneToOneField("merchants.Shop", on_delete=models.PROTECT, related_name="ad_account")
    balance_fen = models.BigIntegerField("余额（分）", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance_fen__gte=0), name="ad_account_balance_never_negative")
        ]


class AdLedgerEntry(models.Model):
    """One money movement of an ad account, appended, never edited: the sum of `amount_fen` is the balance.
    `reference` is unique per kind, so a retried charge, a replayed payment event or a second refund of one
    click cannot count twice."""

    class Kind(models.TextChoices):
        TOPUP = "topup", _("充值")
        CHARGE = "charge", _("点击扣费")
        REFUND = "refund", _("无效点击退款")
        ADJUST = "adjust", _("平台调账")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="ad_ledger")
    account = models.ForeignKey(AdAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    amount_fen = models.BigIntegerField("金额（分）")  # signed: + into the account, − out of it
    balance_after_fen = models.BigIntegerField("变动后余额（分）")
    reference = models.CharField("关联单号", max_length=64)
    note = models.CharField("说明", max_length=200, blank=True)
    plan = models.ForeignKey("AdPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("AdGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    keyword = models.ForeignKey(
        "AdKeyword", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], name="ad_ledger_one_entry_per_reference"),
            models.CheckConstraint(
                condition=Q(balance_after_fen__gte=0), name="ad_ledger_balance_after_nonnegative"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="charge", amount_fen__lt=0)
                    | Q(kind__in=["topup", "refund"], amount_fen__gt=0)
                    | Q(kind="adjust")
                ),
                name="ad_ledger_sign_by_kind",
            ),
        ]
        indexes = [models.Index(fields=["shop", "-id"])]


class AdTopUp(models.Model):
    """A top-up in flight: the payment made for it and whether the account was credited (exactly once, by
    the `PaymentSucceeded` subscriber)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待支付")
        CREDITED = "credited", _("已到账")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="ad_topups")
    payment_id = models.BigIntegerField(unique=True)
    payment_no = models.CharField("支付单号", max_length=32, unique=True)
    amount_fen = models.BigIntegerField("充值金额（分）")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    credited_at = models.DateTimeField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="ad_topup_amount_positive")]


class AdPlan(models.Model):
    """推广计划. Budgets are hard limits (`services.ad_charge`); `total_spend_fen` is the running spend kept for
    the total budget, guarded by the check constraint as well as by the conditional update."""

    class Kind(models.TextChoices):
        KEYWORD = "keyword", _("关键词推广")
        AUDIENCE = "audience", _("人群推广")
        AUTO = "auto", _("全站推广")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("投放中")
        PAUSED = "paused", _("已暂停")
        ENDED = "ended", _("已结束")

    class Pacing(models.TextChoices):
        STANDARD = "standard", _("标准投放")
        ACCELERATED = "accelerated", _("加速投放")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="ad_plans")
    name = models.CharField("计划名称", max_length=40)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.KEYWORD)
    status = models.CharField(
        "状态", max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    daily_budget_fen = models.BigIntegerField("日预算（分）")
    total_budget_fen = models.BigIntegerField("总预算（分）", null=True, blank=True)
    total_spend_fen = models.BigIntegerField("累计花费（分）", default=0)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    # 24 percentages, hour 0 to 23 (Asia/Shanghai): 100 = the bid as set, 0 = not shown in that hour
    hour_multipliers = models.JSONField("分时折扣", default=list)
    # {province code (GB/T 2260, 2 digits + 0000): percentage}; a province not listed is 100
    region_multipliers = models.JSONField("地域溢价", default=dict, blank=True)
    on_pc = models.BooleanField("PC 端", default=True)
    on_mobile = models.BooleanField("移动端", default=True)
    pacing = models.CharField("投放方式", max_length=12, choices=Pacing.choices, default=Pacing.STANDARD)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(daily_budget_fen__gt=0), name="ad_plan_daily_budget_positive"),
            models.CheckConstraint(
                condition=Q(total_budget_fen__isnull=True)
                | Q(total_spend_fen__lte=models.F("total_budget_fen")),
                name="ad_plan_total_spend_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(total_spend_fen__gte=0), name="ad_plan_total_spend_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="ad_plan_dates_in_order",
            ),
            models.CheckConstraint(condition=Q(on_pc=True) | Q(on_mobile=True), name="ad_plan_some_terminal"),
        ]

    def __str__(self):
        return self.name


class AdPlanDay(models.Model):
    """A plan's figures for one day (Asia/Shanghai): what the daily budget is checked against."""

    class Stop(models.TextChoices):
        DAILY_BUDGET = "daily_budget", _("日预算已用完")
        TOTAL_BUDGET = "total_budget", _("总预算已用完")
        BALANCE = "balance", _("账户余额不足")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(AdPlan, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    spend_fen = models.BigIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    impressions = models.PositiveIntegerField(default=0)
    # set when a charge was refused: the plan is not served again that day (unless the guard is lifted)
    exhausted_at = models.DateTimeField(null=True, blank=True)
    exhausted_reason = models.CharField(max_length=12, choices=Stop.choices, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="ad_plan_day_once"),
            models.CheckConstraint(condition=Q(spend_fen__gte=0), name="ad_plan_day_spend_nonnegative"),
        ]


class AdGroup(models.Model):
    """推广单元: one product of the plan's shop, promoted with a default bid."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("推广中")
        PAUSED = "paused", _("已暂停")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(AdPlan, on_delete=models.CASCADE, related_name="groups")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    default_bid_fen = models.BigIntegerField("默认出价（分）")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(default_bid_fen__gt=0), name="ad_group_bid_positive"),
            models.UniqueConstraint(fields=["plan", "product"], name="ad_group_one_per_product_in_plan"),
        ]


class MatchType(models.TextChoices):
    EXACT = "exact", _("精确匹配")
    PHRASE = "phrase", _("短语匹配")
    BROAD = "broad", _("广泛匹配")


class AdKeyword(models.Model):
    """A keyword bought by an ad group; `word` is normalised (`keywords.normalise`). No bid: the group's."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("推广中")
        PAUSED = "paused", _("已暂停")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(AdGroup, on_delete=models.CASCADE, related_name="keywords")
    word = models.CharField("关键词", max_length=40)
    # the search box's words of `word` (search.selectors.query_words), what the engine matches queries against
    tokens = models.JSONField("分词", default=list)
    bid_fen = models.BigIntegerField("出价（分）", null=True, blank=True)
    match_type = models.CharField(
        "匹配方式", max_length=8, choices=MatchType.choices, default=MatchType.BROAD
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "word"], name="ad_keyword_once_per_group"),
            models.CheckConstraint(
                condition=Q(bid_fen__isnull=True) | Q(bid_fen__gt=0), name="ad_keyword_bid_positive"
            ),
        ]

    @property
    def effective_bid_fen(self) -> int:
        return self.bid_fen if self.bid_fen is not None else self.group.default_bid_fen


class NegativeKeyword(models.Model):
    """否定词 of a whole plan (group empty) or of one group; exact or phrase. A negative always wins."""

    class Match(models.TextChoices):
        EXACT = "exact", _("精确否定")
        PHRASE = "phrase", _("短语否定")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(AdPlan, on_delete=models.CASCADE, related_name="negatives")
    group = models.ForeignKey(
        AdGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="negatives"
    )
    word = models.CharField("否定词", max_length=40)
    tokens = models.JSONField("分词", default=list)  # as AdKeyword.tokens
    match_type = models.CharField("匹配方式", max_length=8, choices=Match.choices, default=Match.PHRASE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "word"], condition=Q(group__isnull=True), name="ad_negative_once_per_plan"
            ),
            models.UniqueConstraint(
                fields=["group", "word"], condition=Q(group__isnull=False), name="ad_negative_once_per_group"
            ),
        ]


class AdCreative(models.Model):
    """创意: a title and one of the product's own images; at most `CREATIVES_PER_GROUP` per group."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(AdGroup, on_delete=models.CASCADE, related_name="creatives")
    title = models.CharField("创意标题", max_length=40)
    image_url = models.CharField("创意图片", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]


from wanshang.ads.audience_models import (  # noqa: E402, F401  (引力魔方)
    AudienceSetup,
    AudienceTarget,
    Billing,
    CpmCharge,
)
from wanshang.ads.autoplan_models import AutoPlan, AutoPlanHour  # noqa: E402, F401  (全站推广)
from wanshang.ads.traffic_models import (  # noqa: E402, F401  (serving)
    AdClick,
    AdConversion,
    AdImpression,
    AdSpoolCursor,
    Placement,
)

# isort: split
from wanshang.ads.rollup_models import (  # noqa: E402, F401  (reports)
    AdRollupCursor,
    AdRollupHour,
    AdStatDay,
    AdStatGroupHour,
    AdStatHour,
    AdTermDay,
    AdTermHour,
)
