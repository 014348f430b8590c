"""体检中心: shop health indicators, items with deadlines, points, sanctions, appeals, credit, rules center.

The rules and their numbers: docs/health.md. Sanction *state* is merchants' `ShopSanction` (lower apps enforce
it); this app decides when a sanction applies.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class ShopIndicator(models.Model):
    """One indicator of one shop as computed on `day` (Asia/Shanghai) over the window before it. Written by the
    `health.indicators` job, one query per indicator over all shops; pages read these rows, never raw ones."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=32)
    day = models.DateField()
    value = models.FloatField(null=True)  # None: nothing to judge (no orders in the window)
    numerator = models.BigIntegerField(default=0)
    denominator = models.BigIntegerField(default=0)
    warning = models.BooleanField(default=False)  # over the published threshold on this day
    computed_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["shop_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "key", "day"], name="uniq_health_indicator_day")
        ]
        indexes = [models.Index(fields=["day", "key"], name="health_indicator_day_key")]


class ItemStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    FIXED = "fixed", _("已整改待核验")
    VERIFIED = "verified", _("已核验通过")
    PENALISED = "penalised", _("逾期已扣分")
    OVERTURNED = "overturned", _("申诉成功已撤销")


OPEN_STATUSES = (ItemStatus.OPEN, ItemStatus.FIXED)


class HealthItem(models.Model):
    """A warning to fix (体检项): opened by an indicator over its threshold (kind = the indicator's key, ref "")
    or by a registered item kind for one object (ref names it). At most one open item per shop, kind and ref.
    Unfixed at `deadline_at` it earns the kind's points once (`PenaltyPoint.item` is unique)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    ref = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=120)
    detail = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    opened_at = models.DateTimeField()
    deadline_at = models.DateTimeField()
    fix_note = models.CharField(max_length=500, blank=True)
    fixed_at = models.DateTimeField(null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verify_note = models.CharField(max_length=300, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the deadline reminder went out (once)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "kind", "ref"],
                condition=Q(status__in=["open", "fixed"]),
                name="uniq_health_item_open",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline_at"], name="health_item_due")]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class PenaltyPoint(models.Model):
    """Points an overdue item earned: one row per item at most (the unique item is what makes a repeated or
    concurrent deadline run give them once). They count from `given_at` (the item's deadline) until
    `expires_at`, unless an appeal overturned them (`cancelled_at`)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    item = models.OneToOneField(HealthItem, on_delete=models.PROTECT, related_name="penalty")
    kind = models.CharField(max_length=32)
    points = models.PositiveIntegerField()
    given_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["shop", "expires_at"], name="health_points_live")]


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待平台处理")
    UPHELD = "upheld", _("维持原判")
    OVERTURNED = "overturned", _("申诉成功")


class Appeal(models.Model):
    """The shop's appeal against an item (and the points it earned); the platform upholds or overturns it."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(HealthItem, on_delete=models.PROTECT, related_name="appeals")
    reason = models.CharField(max_length=500)
    evidence = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="uniq_health_appeal_pending"
            ),
        ]


class HealthAudit(models.Model):
    """Every decision of the 体检中心, written in the transaction of the change: items opened, marked fixed,
    verified or sent back, penalised; appeals and their decisions; sanctions set and lifted."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(
        HealthItem, null=True, blank=True, on_delete=models.CASCADE, related_name="audit"
    )
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.CASCADE, related_name="audit")
    action = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(max_length=10)  # seller / platform / system
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]


class ShopCredit(models.Model):
    """The merchant credit level (1–5 钻, docs/health.md) as of `computed_at`, with what it was made of."""

    shop = models.OneToOneField(
        "merchants.Shop", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    level = models.PositiveSmallIntegerField()
    sales_fen = models.BigIntegerField(default=0)  # paid in the last 90 days
    dsr = models.FloatField(null=True)
    points = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    objects = ShopOwnedManager()


class PlatformRule(models.Model):
    """规则中心: one published version of a platform rule. A new version of a code is a new row; shops
    acknowledge each version (`RuleAck`)."""

    code = models.SlugField(max_length=40)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=100)
    body = models.TextField(max_length=20000)
    effective_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="uniq_platform_rule_version")]


class RuleAck(models.Model):
    """A shop acknowledged a rule version (once)."""

    rule = models.ForeignKey(PlatformRule, on_delete=models.CASCADE, related_name="acks")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acked_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-acked_at"]
        constraints = [models.UniqueConstraint(fields=["rule", "shop"], name="uniq_rule_ack")]
