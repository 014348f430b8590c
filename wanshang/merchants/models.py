from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class MerchantApplication(models.Model):
    """入驻申请: a person asks to open a shop; the platform approves or rejects it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_applications"
    )
    company_name = models.CharField("公司名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    contact_name = models.CharField("联系人", max_length=40)
    contact_phone = models.CharField("联系电话", max_length=11)
    shop_name = models.CharField("店铺名称", max_length=60)
    categories = models.ManyToManyField("catalog.Category", verbose_name="申请经营类目", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reject_reason = models.CharField("驳回原因", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    shop = models.OneToOneField(
        "Shop", null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class Shop(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("营业中")
        SUSPENDED = "suspended", _("已暂停")

    name = models.CharField("店铺名称", max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    logo_url = models.CharField("店铺标志", max_length=300, blank=True)
    description = models.TextField("店铺简介", blank=True)
    company_name = models.CharField("公司名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    suspend_reason = models.CharField(max_length=300, blank=True)
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name="经营类目", blank=True, related_name="+"
    )
    # 承诺发货时间: hours after payment within which the shop ships (a listing may promise another time)
    ship_within_hours = models.PositiveIntegerField("承诺发货时间（小时）", default=48)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class StaffRole(models.TextChoices):
    OWNER = "owner", _("店主")
    OPERATIONS = "operations", _("运营")
    SERVICE = "service", _("客服")
    WAREHOUSE = "warehouse", _("仓库")
    FINANCE = "finance", _("财务")
    STORE = (
        "store",
        _("门店"),
    )  # 到店自提: verifies pickup codes at the store(s) it is assigned to (stores app)


class ShopStaff(models.Model):
    """A user working for a shop, with one role. A user works for at most one shop."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="staff")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_staff")
    role = models.CharField(max_length=12, choices=StaffRole.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]


class CommissionRate(models.Model):
    """Platform commission per top-level (or any) category, in basis points (500 = 5.00%)."""

    category = models.OneToOneField("catalog.Category", on_delete=models.CASCADE, related_name="commission")
    rate_bps = models.PositiveIntegerField("佣金比例(万分之)")
    updated_at = models.DateTimeField(auto_now=True)


class SanctionKind(models.TextChoices):
    """What a shop may not do while a sanction stands (set by the 体检中心, enforced by the app named)."""

    SEARCH_DEMOTE = "search_demote", _("搜索降权")  # search: a lower rank factor in 综合
    NO_CAMPAIGN = "no_campaign", _("禁止报名活动")  # marketing: 秒杀场次 enrolment refused
    NO_ADS = "no_ads", _("禁止推广")  # ads: plans do not serve, no start, no top-up
    SUSPEND = "suspend", _("店铺暂停")  # merchants: the shop suspended (shop_suspend)


class ShopSanction(models.Model):
    """A sanction standing on a shop. One row per shop and kind; deleted when lifted. Kept here, low in the
    layers, so search, marketing and ads can enforce it; the 体检中心 (health) decides when it applies."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(max_length=16, choices=SanctionKind.choices)
    reason = models.CharField(max_length=300)
    # SUSPEND only: this sanction suspended an open shop (so lifting it restores the shop, and nothing else does)
    suspended_shop = models.BooleanField(default=False)
    since = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["shop_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["shop", "kind"], name="uniq_shop_sanction_kind")]
