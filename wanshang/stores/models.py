from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class Store(models.Model):
    """A shop's bricks-and-mortar store (门店). Goods collected there (到店自提) come from its `warehouse`."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="stores")
    name = models.CharField("门店名称", max_length=60)
    district_code = models.CharField("区县编码", max_length=12)
    region_text = models.CharField("省市区", max_length=100, blank=True)
    detail = models.CharField("详细地址", max_length=200)
    phone = models.CharField("电话", max_length=20)
    hours = models.CharField(
        "营业时间", max_length=100
    )  # "09:00-21:00" or "周一至周五 09:00-18:00；周末 10:00-20:00"
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    pickup_enabled = models.BooleanField("支持到店自提", default=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["shop", "name"], name="store_name_unique_per_shop")]

    def __str__(self):
        return self.name

    @property
    def address_text(self) -> str:
        return f"{self.region_text} {self.detail}".strip()


class StoreStaff(models.Model):
    """A 门店 staff member assigned to a store: they verify pickups there and see its pickup orders only."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    objects = ShopOwnedManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "user"], name="store_staff_unique")]


class PickupStatus(models.TextChoices):
    UNPAID = "unpaid", _("待付款")
    WAITING = "waiting", _("待自提")
    PICKED_UP = "picked_up", _("已提货")
    EXPIRED = "expired", _("超期未提")
    CANCELLED = "cancelled", _("已取消")


class Pickup(models.Model):
    """到店自提 of one order: where, the code (set when paid), and what became of it. The order itself records
    only that it is a pickup (`orders.Order.is_pickup`)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="pickups")
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=PickupStatus.choices, default=PickupStatus.UNPAID)
    code = models.CharField("提货码", max_length=8, blank=True)  # 8 random digits, set when paid
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("自提截止", null=True, blank=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)  # expired or cancelled

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["store", "status", "-id"]),
            models.Index(fields=["shop", "code"]),
        ]
        constraints = [
            # a code is unique among the pickups that can still be collected (the ones it can open)
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="waiting"), name="pickup_code_unique_while_waiting"
            ),
        ]


class PickupAttempt(models.Model):
    """One verification try by a staff member, right or wrong: wrong ones lock the member out for a while
    (`services.pickup_verify`)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=20)
    ok = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        indexes = [models.Index(fields=["user", "ok", "created_at"])]
