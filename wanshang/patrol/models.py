"""日常巡检: the daily patrol of each shop's products across list, detail, API, search index and cache.

One report per shop and day (`PatrolReport`), its findings (`PatrolFinding`: the kind, the product, the values
side by side, the safe fix if there is one), and the audit row of every one-click fix (`PatrolFix`).
See docs/patrol.md for what each kind means.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class PatrolReport(models.Model):
    """A shop's patrol of one (local) day: written once, idempotent per shop and day."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    products_checked = models.PositiveIntegerField(default=0)
    findings_count = models.PositiveIntegerField(default=0)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["shop", "day"], name="uniq_patrol_report_day")]


class PatrolFinding(models.Model):
    class Kind(models.TextChoices):
        STALE_CACHE = "stale_cache", _("商品缓存过期")
        STALE_DISPLAY = "stale_display", _("列表/详情价与实际价不一致")
        ENDED_TAG = "ended_tag", _("活动已结束仍显示标签")
        STALE_SEARCH = "stale_search", _("搜索索引与商品不一致")
        PROMO_OUT_OF_STOCK = "promo_oos", _("活动商品缺货")
        BELOW_COST = "below_cost", _("售价低于成本")
        IMAGE = "image", _("图片缺失或损坏")
        STALE_PAGE = "stale_page", _("页面缓存与商品不一致")

    class Fix(models.TextChoices):
        NONE = "", "—"
        REFRESH_CACHE = "refresh_cache", _("刷新商品缓存")
        REPRICE = "reprice", _("重算展示价")
        REINDEX = "reindex", _("重建搜索索引")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        FIXED = "fixed", _("已修复")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(PatrolReport, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    product_id = models.BigIntegerField()
    product_title = models.CharField(max_length=60)
    sku_id = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300)
    # what differs: [{"field", "label", "values": [[surface label, shown value], ...]}]
    diffs = models.JSONField(default=list)
    fix = models.CharField(max_length=16, choices=Fix.choices, blank=True, default="")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    checked_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["kind", "product_id", "id"]
        indexes = [models.Index(fields=["report", "kind"], name="patrol_finding_kind")]


class PatrolFix(models.Model):
    """Audit of a one-click fix: who, when, which fix, and what the re-check found after it."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    finding = models.ForeignKey(PatrolFinding, on_delete=models.CASCADE, related_name="fixes")
    action = models.CharField(max_length=16, choices=PatrolFinding.Fix.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(default=list)  # the finding's diffs before the fix
    resolved = models.BooleanField(default=False)  # the re-check found the problem gone

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
