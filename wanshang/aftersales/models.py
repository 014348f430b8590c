"""售后 data: after-sales cases (仅退款 / 退货退款 / 换货) with their lines, reasons, evidence and audit, the shops'
return addresses, and the money leg of every refund (`Refund`). States and rules: docs/aftersales.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager
from wanshang.fulfillment.types import Carrier


class Refund(models.Model):
    """A buyer's refund request for a paid, unshipped order (仅退款)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待商家处理")
        PROCESSING = "processing", _("退款中")
        REFUNDED = "refunded", _("已退款")
        REJECTED = "rejected", _("已拒绝")
        WITHDRAWN = "withdrawn", _("已撤销")

    no = models.CharField(max_length=32, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField()
    lines = models.JSONField(
        default=list, blank=True
    )  # [[line_id, quantity, amount_fen]]; freight in full refunds
    is_full = models.BooleanField(default=True)  # the rest of the order: order → refunded, coupons back
    freight_fen = models.BigIntegerField(default=0)  # the part of amount_fen that is the order's freight
    restock = models.BooleanField(default=True)  # units go back on hand when the money is back (unshipped)
    case = models.ForeignKey(
        "aftersales.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )  # the after-sales case this refund is the money leg of; empty for a plain 仅退款 request
    reason = models.CharField("退款原因", max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    seller_note = models.CharField(max_length=200, blank=True)
    gateway_refund_no = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        db_table = "orders_refund"  # the table it had when refunds lived in orders (moved without copying)
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["requested", "processing"], case__isnull=True),
                name="one_open_refund_per_order",
            ),
        ]


class CaseType(models.TextChoices):
    REFUND_ONLY = "refund_only", _("仅退款")
    RETURN_REFUND = "return_refund", _("退货退款")
    EXCHANGE = "exchange", _("换货")


class CaseStatus(models.TextChoices):
    REQUESTED = "requested", _("待商家处理")
    APPROVED = "approved", _("商家已同意")
    REJECTED = "rejected", _("商家已拒绝")
    AWAITING_RETURN = "awaiting_return", _("待买家退货")
    RETURN_SHIPPED = "return_shipped", _("退货寄回中")
    RETURN_RECEIVED = "return_received", _("商家已收货")
    REFUNDING = "refunding", _("退款中")
    RESHIPPING = "reshipping", _("待商家换货发出")
    DONE = "done", _("售后完成")
    CANCELLED = "cancelled", _("买家已撤销")
    CLOSED = "closed", _("已关闭")
    ARBITRATING = "arbitrating", _("平台介入中")


# A case in one of these states holds its units: no other case may claim them.
OPEN_STATES = (
    CaseStatus.REQUESTED,
    CaseStatus.APPROVED,
    CaseStatus.AWAITING_RETURN,
    CaseStatus.RETURN_SHIPPED,
    CaseStatus.RETURN_RECEIVED,
    CaseStatus.REFUNDING,
    CaseStatus.RESHIPPING,
    CaseStatus.ARBITRATING,
)


class CaseReason(models.Model):
    """A reason the buyer picks (platform-managed): which case types offer it and whose fault it is."""

    class Fault(models.TextChoices):
        BUYER = "buyer", _("买家原因")
        SHOP = "shop", _("商家原因")

    name = models.CharField("原因", max_length=30, unique=True)
    for_refund_only = models.BooleanField("仅退款可选", default=True)
    for_return = models.BooleanField("退货退款可选", default=True)
    for_exchange = models.BooleanField("换货可选", default=False)
    fault = models.CharField("责任方", max_length=5, choices=Fault.choices, default=Fault.BUYER)
    no_reason = models.BooleanField("七天无理由", default=False)  # checks the line's 7-day eligibility
    active = models.BooleanField("启用", default=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    def offered_for(self, case_type: str) -> bool:
        return {
            CaseType.REFUND_ONLY: self.for_refund_only,
            CaseType.RETURN_REFUND: self.for_return,
            CaseType.EXCHANGE: self.for_exchange,
        }.get(case_type, False)


class ReturnAddress(models.Model):
    """退货地址: where the shop wants returns sent. One may be the default (the silent-shop timer uses it)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    contact = models.CharField("收件人", max_length=20)
    phone = models.CharField("电话", max_length=20)
    address = models.CharField("地址", max_length=200)
    is_default = models.BooleanField("默认", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-is_default", "id"]

    def snapshot(self) -> dict:
        return {"contact": self.contact, "phone": self.phone, "address": self.address}


class Case(models.Model):
    """An after-sales case (售后单) on some units of one order. The state machine is transitions.py."""

    no = models.CharField("售后单号", max_length=32, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    type = models.CharField("售后类型", max_length=14, choices=CaseType.choices)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.REQUESTED)
    reason = models.ForeignKey(CaseReason, on_delete=models.PROTECT, related_name="+")
    reason_text = models.CharField(max_length=30)  # the reason's name when chosen
    shop_fault = models.BooleanField(default=False)  # the reason's fault when chosen
    description = models.CharField("问题描述", max_length=500, blank=True)
    order_shipped = models.BooleanField(default=False)  # had the order shipped when the case was opened
    amount_fen = models.BigIntegerField("申请金额", default=0)  # the quote when asked; the refund is exact
    reject_reason = models.CharField("拒绝理由", max_length=200, blank=True)
    return_address = models.JSONField("退货地址", default=dict, blank=True)
    return_carrier = models.CharField(max_length=10, blank=True)
    return_tracking_no = models.CharField(max_length=40, blank=True)
    # the return postage the buyer paid, claimed for a shop's-fault return; the shop pays it (ledger) as points
    return_freight_fen = models.BigIntegerField("退货运费", default=0)
    replacement_sku_id = models.BigIntegerField(null=True, blank=True)  # 换货: the SKU sent instead
    replacement_allocations = models.JSONField(default=list, blank=True)  # [[warehouse_id, qty]] reserved
    reship_carrier = models.CharField(max_length=10, blank=True)
    reship_tracking_no = models.CharField(max_length=40, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)  # when the timer decides for the silent party
    escalated_at = models.DateTimeField(null=True, blank=True)  # 平台介入 asked for
    arbitration_decision = models.CharField(
        max_length=16, blank=True
    )  # refund_full / refund_partial / reject / return_first
    arbitration_note = models.CharField(max_length=300, blank=True)
    arbitrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    arbitrated_at = models.DateTimeField(null=True, blank=True)
    # sent to the platform by the refund-risk friction (not a dispute the buyer raised: not the shop's loss)
    risk_review = models.BooleanField(default=False)
    # 极速退款 (docs/refund-risk.md): refunded at application, without the shop; else why not ([{"code", "text"}],
    # 仅退款 only; the merchant and the platform see them, the buyer never)
    instant_refund = models.BooleanField("极速退款", default=False)
    instant_refund_reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["shop", "status", "-id"]),
            models.Index(fields=["status", "deadline_at"]),
            models.Index(fields=["buyer", "-id"]),
            models.Index(fields=["order"]),
        ]

    def __str__(self):
        return self.no

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def return_carrier_label(self) -> str:
        return (
            Carrier(self.return_carrier).label
            if self.return_carrier in Carrier.values
            else self.return_carrier
        )

    @property
    def reship_carrier_label(self) -> str:
        return (
            Carrier(self.reship_carrier).label
            if self.reship_carrier in Carrier.values
            else self.reship_carrier
        )


class ShopAfterSalesSettings(models.Model):
    """A shop's own after-sales settings, one row per shop once it changed one (no row: the defaults)."""

    shop = models.OneToOneField("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    instant_refund = models.BooleanField("极速退款", default=True)  # the shop may turn it off
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()


class CaseLine(models.Model):
    """Units of one order line a case is about."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lines")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="case_line_quantity_positive"),
        ]


class CaseEvent(models.Model):
    """Audit of every case transition (and message-like notes): who, in which role, from what to what, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    role = models.CharField(max_length=10)  # buyer / seller / platform / system
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]


class CaseMessage(models.Model):
    """The three-party thread of a case (buyer, shop, platform), mostly during 平台介入."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10)  # buyer / seller / platform
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]


class CaseEvidence(models.Model):
    """An image attached to a case, stored as a media asset of the order's shop (validated by content)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey("media.MediaAsset", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10)
    message = models.ForeignKey(
        CaseMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )  # the thread message it came with
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]


# --- refund risk (docs/refund-risk.md) ------------------------------------------------------------------------------


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class CaseRisk(models.Model):
    """The buyer's refund-risk score as the system saw it when the case was opened (the merchant sees this)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="risk")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=6, choices=RiskLevel.choices)  # after the platform's flag
    reasons = models.JSONField(default=list, blank=True)  # [{"code", "text", "weight"}]
    flag = models.CharField(
        max_length=8, blank=True
    )  # the platform's flag on the buyer then ("" / trusted / watch)
    computed_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["level", "-id"]), models.Index(fields=["buyer", "-id"])]


class BuyerRiskFlag(models.Model):
    """The platform's word on a buyer: reviewed and trusted (no friction) or watch-listed (at least medium)."""

    class Status(models.TextChoices):
        TRUSTED = "trusted", _("已核实可信")
        WATCH = "watch", _("重点关注")

    buyer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices)
    note = models.CharField(max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()


class RiskDecision(models.Model):
    """Audit of every decision the refund-risk friction makes and every merchant or platform override: who or
    what, the score and reasons it acted on, the outcome, when. Rows are only ever added."""

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shop = models.ForeignKey(
        "merchants.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_decisions"
    )
    order_id = models.BigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=10)  # system / seller / platform
    action = models.CharField(max_length=24)  # see risk.ACTIONS
    score = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=6, choices=RiskLevel.choices)
    reasons = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["buyer", "-id"]), models.Index(fields=["case"])]
