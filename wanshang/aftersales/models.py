"""售后 data: a buyer's refund request and where its money stands."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


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
                condition=Q(status__in=["requested", "processing"]),
                name="one_open_refund_per_order",
            ),
        ]
