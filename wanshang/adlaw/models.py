"""广告法 wording: the platform's term list, the scanned texts with their hits, shops' exemption claims."""

from django.db import models
from django.db.models import Q

from wanshang.common.scoping import ShopOwnedManager

FAMILIES = [
    ("superlative", "最-系列"),
    ("first", "第一/唯一/独家/首"),
    ("grade", "级/极-系列"),
    ("authority", "权威背书"),
    ("king", "王者/之王/领导品牌"),
    ("absolute", "绝对/永久/万能/100%"),
    ("superstition", "迷信用语"),
    ("prize", "诱导领奖"),
    ("guarantee", "保证承诺"),
    ("investment", "投资回报"),
    ("medical", "医疗功效"),
]
FAMILY_LABELS = dict(FAMILIES)
# SAMR's 2023 guide: medical and financial claims get no leniency, so these families take no exemption.
NO_EXEMPTION_FAMILIES = frozenset({"medical", "investment"})

SEVERITIES = [("block", "禁止"), ("warn", "提醒")]
STRICT_CATEGORIES = [
    ("medical", "医疗器械/药品/保健"),
    ("cosmetics", "化妆品"),
    ("food", "食品"),
    ("finance", "金融"),
]
STRICT_CATEGORY_KEYS = frozenset(k for k, _ in STRICT_CATEGORIES)
NO_EXEMPTION_CATEGORIES = frozenset({"medical", "finance"})

# What a shop's text belongs to (the owning app passes one of these as `source`).
SOURCES = [
    ("product", "商品"),
    ("sku", "商品规格"),
    ("shop", "店铺"),
    ("coupon", "优惠券"),
    ("promotion", "促销活动"),
    ("ad", "广告创意"),
    ("campaign", "活动页"),
    ("quick_phrase", "快捷短语"),
    ("faq", "常见问题"),
    ("review_reply", "评价回复"),
]
SOURCE_LABELS = dict(SOURCES)


class Term(models.Model):
    """One word of the list. `severity` block refuses the text everywhere; warn only warns, except in the
    strict categories listed in `strict_categories`, where it blocks. `allowed_words` are ordinary words
    containing the term (最近, 第一次): a hit lying wholly inside one is not a hit."""

    text = models.CharField("用语", max_length=40, unique=True)
    family = models.CharField("类别", max_length=20, choices=FAMILIES)
    severity = models.CharField("级别", max_length=8, choices=SEVERITIES, default="warn")
    strict_categories = models.JSONField("严格类目（在这些类目中禁止）", default=list, blank=True)
    explanation = models.CharField("说明", max_length=300)
    replacements = models.JSONField("替换建议", default=list, blank=True)
    allowed_words = models.JSONField("不算违规的普通词", default=list, blank=True)
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family", "text"]

    def __str__(self):
        return self.text


class TermListState(models.Model):
    """One row (pk=1): the list's version, bumped on every change of a term, and the version the nightly
    rescan last finished with."""

    version = models.PositiveIntegerField(default=1)
    rescanned_version = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    rescanned_at = models.DateTimeField(null=True, blank=True)


class ScannedText(models.Model):
    """The last scan of one field of one thing a shop shows buyers (a product's title, a coupon's name)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20, choices=SOURCES)
    source_id = models.BigIntegerField()
    field = models.CharField(max_length=40)
    text = models.TextField()
    category = models.CharField(max_length=20, blank=True)
    hits = models.JSONField(default=list)  # every hit (exempt ones too), as dicts of types.Hit
    open_count = models.PositiveIntegerField(default=0)  # hits not exempt
    list_version = models.PositiveIntegerField()
    scanned_at = models.DateTimeField()
    # When the current open hits first appeared (null with none); a rescan that finds new terms moves it,
    # which is the shop's "new since" mark.
    hits_since = models.DateTimeField(null=True, blank=True)
    new_terms = models.JSONField(default=list, blank=True)  # terms a rescan found that the save had not

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "source", "source_id", "field"], name="adlaw_text_once"),
        ]
        indexes = [models.Index(fields=["shop", "open_count"], name="adlaw_text_open")]


class Claim(models.Model):
    """A shop's request that one term in one exact text be allowed under the SAMR 2023 guide."""

    KINDS = [
        ("service", "服务态度或目标"),
        ("own_products", "自家商品之间的比较"),
        ("usage_tip", "使用方法提示"),
        ("national_standard", "国家标准中的等级"),
        ("trademark", "注册商标或商品名称"),
        ("statistic", "注明时间、地域并有证据的统计数据"),
    ]
    STATUSES = [
        ("pending", "待审核"),
        ("approved", "已通过"),
        ("rejected", "已驳回"),
        ("withdrawn", "已撤回"),
    ]

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=40)
    text = models.CharField(max_length=200)  # the exact wording the exemption covers
    kind = models.CharField(max_length=20, choices=KINDS)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=STATUSES, default="pending")
    decision_reason = models.CharField(max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "term", "text"],
                condition=Q(status__in=["pending", "approved"]),
                name="adlaw_claim_open_once",
            ),
        ]


class ClaimEvidence(models.Model):
    """A file (licence, test report, sales statistics) backing a claim, kept in the default storage."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="adlaw/evidence/%Y/%m/", max_length=200)
    name = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()
