from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class Warehouse(models.Model):
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="warehouses")
    name = models.CharField("仓库名称", max_length=60)
    district_code = models.CharField("所在地区", max_length=12, blank=True)
    region_text = models.CharField(max_length=120, blank=True)
    detail = models.CharField("详细地址（发货地址）", max_length=200, blank=True)
    contact = models.CharField("联系人", max_length=40, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    is_default = models.BooleanField("默认发货仓", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop"], condition=Q(is_default=True), name="one_default_warehouse"
            ),
        ]

    def __str__(self):
        return self.name


class Stock(models.Model):
    """Stock of one SKU in one warehouse. available = on_hand − reserved, never negative."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="stocks")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="stocks")
    on_hand = models.IntegerField("实物库存", default=0)
    reserved = models.IntegerField("已占用", default=0)
    bin_location = models.CharField("库位", max_length=30, blank=True)  # e.g. A-03-2: the pick list's order
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse"], name="uniq_stock_sku_warehouse"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_nonnegative"),
            models.CheckConstraint(
                condition=Q(on_hand__gte=F("reserved")), name="stock_on_hand_covers_reserved"
            ),
        ]

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """The stock ledger: every change of on_hand or reserved, with its reason. Sums equal the Stock row."""

    class Kind(models.TextChoices):
        ADJUST = "adjust", _("手工调整")
        INBOUND = "inbound", _("入库")
        RESERVE = "reserve", _("下单占用")
        RELEASE = "release", _("取消释放")
        CONFIRM = "confirm", _("付款扣减")
        RETURN = "return", _("退款回库")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on_hand_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    order_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]


# --- 库存计划 (docs/stock-planning.md) -------------------------------------------------------------------------


class PlanSettings(models.Model):
    """A shop's stock-planning parameters (one row per shop; defaults when it has none)."""

    shop = models.OneToOneField("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    lead_days = models.PositiveIntegerField("采购提前期（天）", default=7)
    safety_days = models.PositiveIntegerField("安全库存（天）", default=3)
    safety_units = models.PositiveIntegerField("安全库存（件）", null=True, blank=True)  # set: used instead
    review_days = models.PositiveIntegerField("补货周期（天）", default=7)
    window_days = models.PositiveIntegerField("销量统计窗口（天）", default=28)
    campaign_uplift_pct = models.PositiveIntegerField("活动销量倍数（%）", default=300)
    campaign_horizon_days = models.PositiveIntegerField("活动提前预警（天）", default=14)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()


class SkuPlan(models.Model):
    """Per-SKU override of the shop's planning settings (blank = the shop's) and its pack size."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    sku = models.OneToOneField("catalog.Sku", on_delete=models.CASCADE, related_name="+")
    lead_days = models.PositiveIntegerField("采购提前期（天）", null=True, blank=True)
    safety_units = models.PositiveIntegerField("安全库存（件）", null=True, blank=True)
    pack_size = models.PositiveIntegerField("箱规（件）", default=1)

    objects = ShopOwnedManager()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pack_size__gte=1), name="skuplan_pack_positive")]


class InboundReceipt(models.Model):
    """入库单 / 采购在途: goods ordered from a supplier, expected at a warehouse on a date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        IN_TRANSIT = "in_transit", _("在途")
        PARTLY_RECEIVED = "partly_received", _("部分收货")
        RECEIVED = "received", _("已收货")
        CANCELLED = "cancelled", _("已取消")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    no = models.CharField(max_length=32, unique=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    supplier_name = models.CharField("供应商", max_length=60)
    expected_date = models.DateField("预计到货日期")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["shop", "status"])]


class InboundLine(models.Model):
    receipt = models.ForeignKey(InboundReceipt, on_delete=models.CASCADE, related_name="lines")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField("应收数量")
    received = models.PositiveIntegerField("已收数量", default=0)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "sku"], name="uniq_inbound_line_sku"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="inbound_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(received__lte=F("quantity")), name="inbound_line_never_over_received"
            ),
        ]

    @property
    def remaining(self) -> int:
        return self.quantity - self.received
