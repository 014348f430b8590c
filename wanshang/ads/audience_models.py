"""Data of 引力魔方 audience ads: an audience plan's settings (billing, frequency cap), its crowd targets with
their bid multipliers, and the CPM charges of its impressions in blocks. Rules: docs/ads-serving.md,
"Audience ads (引力魔方)"."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager

MULTIPLIER_MIN = 10  # percent of the group's bid
MULTIPLIER_MAX = 300
FREQUENCY_CAP_MAX = 50


class Billing(models.TextChoices):
    CPC = "cpc", _("按点击付费（CPC）")
    CPM = "cpm", _("按千次展示付费（CPM）")


class AudienceSetup(models.Model):
    """An audience plan's delivery settings: how it pays (its groups' bids are per click, or per thousand
    impressions under CPM) and how often one visitor may see its ads in a day (Asia/Shanghai)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    plan = models.OneToOneField("ads.AdPlan", on_delete=models.CASCADE, related_name="audience")
    billing = models.CharField("计费方式", max_length=3, choices=Billing.choices, default=Billing.CPC)
    frequency_cap = models.PositiveSmallIntegerField("每人每天最多展示次数", default=3)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency_cap__gte=1, frequency_cap__lte=FREQUENCY_CAP_MAX),
                name="ad_audience_frequency_cap_range",
            )
        ]


class AudienceTarget(models.Model):
    """One crowd an audience plan targets, with its bid multiplier (percent of each group's bid).

    `key` says which crowd, once per plan: `pack:<id>` (one of the shop's 人群包), `similar` (visitors of
    products of the group's leaf category), `competitor` (visitors of other shops selling in that category;
    never named), `intent:<words>` (visitors who searched one of `words` recently)."""

    class Kind(models.TextChoices):
        PACK = "pack", _("自定义人群包")
        SIMILAR = "similar", _("相似商品访客")
        COMPETITOR = "competitor", _("竞品店铺访客")
        INTENT = "intent", _("关键词意向人群")

    class Status(models.TextChoices):
        ACTIVE = "active", _("投放中")
        PAUSED = "paused", _("已暂停")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("ads.AdPlan", on_delete=models.CASCADE, related_name="audience_targets")
    kind = models.CharField("人群类型", max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=120)
    pack_id = models.BigIntegerField(null=True, blank=True)  # insights' CrowdPack of the same shop
    words = models.JSONField("意向词", default=list, blank=True)
    multiplier_pct = models.PositiveSmallIntegerField("出价系数（%）", default=100)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="ad_audience_target_once_per_plan"),
            models.CheckConstraint(
                condition=Q(multiplier_pct__gte=MULTIPLIER_MIN, multiplier_pct__lte=MULTIPLIER_MAX),
                name="ad_audience_multiplier_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="pack") | Q(pack_id__isnull=False), name="ad_audience_pack_has_id"
            ),
        ]


class CpmCharge(models.Model):
    """One block of a CPM group's impressions of one day (Asia/Shanghai) and its charge: block n holds the
    group's impressions n·1000 … n·1000 + 999 of the day in id order; the last block of a past day may be
    shorter. One row per block (unique), and the ledger's charge reference is `adcpm:<group>:<date>:<n>`, so a
    repeated run charges nothing twice. `unpaid` blocks were refused by a budget or the balance."""

    class Status(models.TextChoices):
        CHARGED = "charged", _("已扣费")
        UNPAID = "unpaid", _("预算或余额不足")
        FREE = "free", _("不足一分")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    plan_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    date = models.DateField()
    block = models.PositiveIntegerField()
    impressions = models.PositiveIntegerField()
    last_impression_id = models.BigIntegerField()
    amount_fen = models.BigIntegerField()  # Σ the block's per-mille prices ÷ 1000, rounded down
    status = models.CharField(max_length=8, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["group_id", "date", "block"], name="ad_cpm_block_once"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="ad_cpm_amount_nonnegative"),
        ]
        indexes = [models.Index(fields=["plan_id", "date"], name="ad_cpm_plan_date")]
