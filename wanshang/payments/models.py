from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class Payment(models.Model):
    """One payment for one checkout, covering one order per shop."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待支付")
        PAID = "paid", _("已支付")
        CLOSED = "closed", _("已关闭")

    class Purpose(models.TextChoices):
        """What the money pays for. Only an `order` payment pays orders; an `ad_topup` credits a shop's ad
        account (ads subscribes to PaymentSucceeded and checks the purpose the event carries)."""

        ORDER = "order", _("订单支付")
        AD_TOPUP = "ad_topup", _("推广账户充值")

    no = models.CharField("支付单号", max_length=32, unique=True)
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices, default=Purpose.ORDER)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    amount_fen = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    gateway = models.CharField(max_length=20, blank=True)
    gateway_trade_no = models.CharField(max_length=64, blank=True)
    refunded_fen = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.no


class PaymentNotification(models.Model):
    """Every asynchronous notification received, verified or not, and what we did with it."""

    gateway = models.CharField(max_length=20)
    payment_no = models.CharField(max_length=64, blank=True, db_index=True)
    verified = models.BooleanField(default=False)
    outcome = models.CharField(max_length=30)  # applied / duplicate / bad_signature / amount_mismatch / ...
    detail = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]


class GatewayRefund(models.Model):
    """Money sent back through the gateway: for an order refund, or a payment that arrived after close."""

    class Status(models.TextChoices):
        PENDING = "pending", _("处理中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    no = models.CharField(max_length=32, unique=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order_refund_id = models.BigIntegerField(null=True, blank=True, unique=True)
    amount_fen = models.BigIntegerField()
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    gateway_refund_no = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)


class SettlementEntry(models.Model):
    """结算台账: what the platform owes a shop for one completed order, after commission; and the charges
    against the shop (a late-shipment compensation: a negative `net_fen`). Rows are appended, never edited
    once settled: a correction is a new entry. One entry per order, kind and `ref`."""

    class Kind(models.TextChoices):
        SALE = "sale", _("订单结算")
        LATE_SHIPMENT = "late", _("延迟发货赔付")
        REFUND = "refund", _("退款冲回")
        RETURN_FREIGHT = (
            "freight",
            _("退货运费"),
        )  # a shop's-fault return: the buyer's postage, paid by the shop  # a refund after the sale entry: negative, never an edit of the sale
        AFFILIATE = "aff", _("淘客佣金")  # a settled affiliate commission the shop pays (affiliates)
        AFFILIATE_BACK = "aff_back", _("淘客佣金退回")  # a refund after it settled: the clawback comes back

    class Status(models.TextChoices):
        PENDING = "pending", _("待结算")
        SETTLEABLE = "settleable", _("可结算")
        SETTLED = "settled", _("已结算")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="settlements")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="settlements")
    # A sale entry per completed order; a refund after completion adds a negative entry (ref: the refund's no),
    # never an edit of the sale's row, so a settled row stays what was paid out.
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.SALE)
    ref = models.CharField("关联单号", max_length=32, blank=True)
    gross_fen = models.BigIntegerField("订单实付")
    commission_fen = models.BigIntegerField("平台佣金")
    net_fen = models.BigIntegerField("应结金额")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    settleable_at = models.DateTimeField("可结算时间")
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind", "ref"], name="one_settlement_entry_per_ref"),
        ]
