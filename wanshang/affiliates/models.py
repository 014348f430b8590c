"""淘宝客 data and invariants: promoters, the shops' commission plans, tracking links and clicks, commissions
(one per attributed order) with their lines, clawbacks and withdrawals. Rules: docs/affiliates.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class Promoter(models.Model):
    """达人: a user who applied to promote products on commission; the platform approves or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promoter")
    name = models.CharField("达人昵称", max_length=40)
    channels = models.CharField(
        "推广渠道", max_length=300
    )  # platforms and handles, e.g. 抖音 @xx；小红书 @yy
    audience = models.CharField("粉丝与受众", max_length=300)
    contact = models.CharField("联系方式", max_length=60)
    code = models.CharField("推广者编号", max_length=12, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reason = models.CharField("驳回原因", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.name


class CommissionPlan(models.Model):
    """A shop's commission rate: shop-wide (one per shop), per product (one per product), or targeted at one
    promoter (an invitation the promoter accepts; one per shop and promoter). Rates in basis points."""

    class Kind(models.TextChoices):
        SHOP = "shop", _("全店通用")
        PRODUCT = "product", _("单品佣金")
        TARGETED = "targeted", _("定向计划")

    class Status(models.TextChoices):
        ACTIVE = "active", _("生效中")
        INVITED = "invited", _("待达人接受")
        DECLINED = "declined", _("达人已拒绝")
        ENDED = "ended", _("已结束")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="commission_plans")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    promoter = models.ForeignKey(
        Promoter, null=True, blank=True, on_delete=models.CASCADE, related_name="plans"
    )
    rate_bps = models.PositiveIntegerField("佣金比例（万分之）")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop"], condition=Q(kind="shop"), name="aff_one_shop_plan"),
            models.UniqueConstraint(
                fields=["shop", "product"], condition=Q(kind="product"), name="aff_one_product_plan"
            ),
            models.UniqueConstraint(
                fields=["shop", "promoter"], condition=Q(kind="targeted"), name="aff_one_targeted_plan"
            ),
        ]


class Link(models.Model):
    """A promoter's tracking link to a product or a whole shop: the URL carries `?aff=<code>`."""

    promoter = models.ForeignKey(Promoter, on_delete=models.CASCADE, related_name="links")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["promoter", "shop", "product"], name="aff_one_link_per_target"),
            models.UniqueConstraint(
                fields=["promoter", "shop"], condition=Q(product__isnull=True), name="aff_one_shop_link"
            ),
        ]


class Click(models.Model):
    """One visit through a tracking link (a repeat by the same visitor within the dedupe window is not kept)."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="clicks")
    promoter = models.ForeignKey(Promoter, on_delete=models.CASCADE, related_name="clicks")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    product_id = models.BigIntegerField(null=True, blank=True)
    visitor = models.CharField(max_length=40, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["shop", "visitor", "at"], name="aff_click_visitor")]


class Commission(models.Model):
    """The commission of one order attributed to one promoter. `amount_fen` is what the shop pays (the sum of
    its lines), `fee_fen` the platform's service fee out of it and `earning_fen` the promoter's share. Edited
    while estimated or confirmed (a refund lowers it); once settled the row never changes again: a later refund
    adds a `Clawback`."""

    class Status(models.TextChoices):
        ESTIMATED = "estimated", _("预估（已付款）")
        CONFIRMED = "confirmed", _("已确认收货")
        SETTLED = "settled", _("已结算")
        INVALID = "invalid", _("已失效")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="affiliate_commission"
    )
    promoter = models.ForeignKey(Promoter, on_delete=models.PROTECT, related_name="commissions")
    click = models.ForeignKey(Click, null=True, on_delete=models.SET_NULL, related_name="+")
    base_fen = models.BigIntegerField("计佣金额")
    amount_fen = models.BigIntegerField("佣金")
    fee_fen = models.BigIntegerField("平台服务费")
    earning_fen = models.BigIntegerField("达人收入")
    fee_bps = models.PositiveIntegerField("服务费率（万分之）")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ESTIMATED, db_index=True)
    invalid_reason = models.CharField(max_length=100, blank=True)
    paid_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    settle_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gte=0) & Q(fee_fen__gte=0) & Q(earning_fen__gte=0),
                name="aff_commission_non_negative",
            ),
        ]


class CommissionLine(models.Model):
    """One order line's part of a commission: its base (paid for the items, less refunds) at the plan's rate."""

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="lines")
    line_id = models.BigIntegerField()
    product_id = models.BigIntegerField()
    plan_kind = models.CharField(max_length=10, choices=CommissionPlan.Kind.choices)
    rate_bps = models.PositiveIntegerField()
    base_fen = models.BigIntegerField()
    amount_fen = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["commission", "line_id"], name="aff_one_line")]


class Clawback(models.Model):
    """A refund after the commission settled: what comes back (shop's amount, fee, promoter's earning), as a new
    row. One per commission and refund."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="clawbacks")
    promoter = models.ForeignKey(Promoter, on_delete=models.PROTECT, related_name="clawbacks")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    ref = models.CharField("退款单号", max_length=32)
    amount_fen = models.BigIntegerField()
    fee_fen = models.BigIntegerField()
    earning_fen = models.BigIntegerField()
    created_at = models.DateTimeField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["commission", "ref"], name="aff_one_clawback_per_ref")]


class Withdrawal(models.Model):
    """A promoter's request to be paid settled earnings; the platform approves (pays out) or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已打款")
        REJECTED = "rejected", _("已驳回")

    promoter = models.ForeignKey(Promoter, on_delete=models.PROTECT, related_name="withdrawals")
    amount_fen = models.BigIntegerField("提现金额")
    account = models.CharField("收款账户", max_length=60)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reason = models.CharField("驳回原因", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="aff_withdrawal_positive")]
