from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("待付款")
    PAID = "paid", _("待发货")
    SHIPPED = "shipped", _("已发货")
    RECEIVED = "received", _("已收货")
    COMPLETED = "completed", _("交易成功")
    CANCELLED = "cancelled", _("已取消")
    REFUNDED = "refunded", _("已退款")


class Order(models.Model):
    """One shop's part of a checkout (拆单). All orders of one checkout share a payment."""

    no = models.CharField("订单号", max_length=32, unique=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="orders")
    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT, db_index=True
    )
    address = models.JSONField("收货地址快照")
    buyer_note = models.CharField("买家留言", max_length=200, blank=True)
    goods_fen = models.BigIntegerField("商品金额")
    discount_fen = models.BigIntegerField("优惠", default=0)
    freight_fen = models.BigIntegerField("运费", default=0)
    total_fen = models.BigIntegerField("实付金额")
    adjustments = models.JSONField("优惠明细", default=list, blank=True)
    item_discount_fen = models.BigIntegerField(
        "单品优惠", default=0
    )  # list price − promotion price, all lines
    platform_fen = models.BigIntegerField("平台补贴", default=0)  # the platform's share of the discounts
    points_used = models.PositiveIntegerField("使用积分", default=0)
    visitor = models.CharField(
        "下单访客", max_length=32, blank=True
    )  # the 数据中心 visitor id of the checkout
    # the delivery address normalised and hashed (addresskey.py): accounts sending to one place share it
    address_key = models.CharField(max_length=32, blank=True, default="")
    carrier = models.CharField("快递公司", max_length=10, blank=True)
    tracking_no = models.CharField("运单号", max_length=40, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    pay_deadline = models.DateTimeField("付款截止")
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    # 签收: when the carrier reported the last package delivered (shipping's tracking); auto-receive counts
    # from it when known, else from shipped_at. Not a status: the order stays 已发货 until receipt.
    delivered_at = models.DateTimeField("签收时间", null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    # 承诺发货时间: the longest promise of its lines (the order ships as one parcel), in hours after payment;
    # the deadline is set when it is paid. Past it and unshipped: 延迟发货 (orders.lateship).
    ship_within_hours = models.PositiveIntegerField("承诺发货时间（小时）", default=48)
    ship_deadline = models.DateTimeField("最晚发货时间", null=True, blank=True)
    # 到店自提: collected at a store (the stores app keeps which store, the code and its state). Such an order
    # is never shipped: no freight, no shipping deadline (so never 延迟发货), no auto-receive; it is received
    # when the store verifies its pickup code (`order_pickup_receive`).
    is_pickup = models.BooleanField("到店自提", default=False)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["ship_deadline"]),
            models.Index(fields=["shop", "status", "-id"]),
            models.Index(fields=["status", "pay_deadline"]),
            models.Index(fields=["status", "shipped_at"]),
            models.Index(fields=["buyer", "-id"]),
            models.Index(fields=["address_key", "created_at"], name="order_address_key_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_fen__gte=0), name="order_total_nonnegative"),
        ]

    def __str__(self):
        return self.no


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+")
    product_id = models.BigIntegerField(db_index=True)
    category_id = models.BigIntegerField()
    title = models.CharField(max_length=60)
    spec_text = models.CharField(max_length=200, blank=True)
    image = models.CharField(max_length=300, blank=True)
    list_price_fen = models.BigIntegerField(default=0)  # before item-level promotions
    unit_price_fen = models.BigIntegerField()
    promotion_id = models.BigIntegerField(
        null=True, blank=True, db_index=True
    )  # item-level promotion applied
    promotion_item_id = models.BigIntegerField(null=True, blank=True)
    promotion_label = models.CharField(max_length=40, blank=True)
    discounts = models.JSONField(default=list, blank=True)  # this line's share of each order-level discount
    platform_fen = models.BigIntegerField(default=0)
    quantity = models.PositiveIntegerField()
    refunded_qty = models.PositiveIntegerField(default=0)
    refunded_fen = models.BigIntegerField(default=0)
    subtotal_fen = models.BigIntegerField()
    discount_fen = models.BigIntegerField(default=0)
    payable_fen = models.BigIntegerField()
    allocations = models.JSONField(
        default=list
    )  # [[warehouse_id, quantity], ...] the stock reserved for this line
    # 7天无理由 as sold (catalog.selectors.return_policies at placement): later category or listing changes do
    # not reach orders already placed. `no_return_reason` is what the buyer was shown (and confirmed).
    no_reason_return = models.BooleanField("支持7天无理由", default=True)
    no_return_kind = models.CharField(max_length=12, blank=True)
    no_return_reason = models.CharField(max_length=200, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]

    @property
    def refundable_qty(self) -> int:
        return self.quantity - self.refunded_qty


class OrderEvent(models.Model):
    """Audit of every status change: who, when, from what to what. Written with the change."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_kind = models.CharField(max_length=10)  # buyer / seller / platform / system / gateway
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]


class LateShipment(models.Model):
    """延迟发货: a paid order not shipped by its deadline, and the buyer's compensation — at most one per order, or
    its exemption (`exempt_reason`, amount 0)
    (the unique order is what makes two runners of the job safe). The shop is charged through a settlement
    ledger entry (`settlement_entry_id`); the buyer gets `points` (1 point = 100/POINTS_PER_YUAN fen)."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="late_shipment")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField("最晚发货时间")
    goods_fen = models.BigIntegerField("商品实付")  # the base of the rate: what the buyer paid, freight aside
    rate_bps = models.PositiveIntegerField("赔付比例（基点）")
    amount_fen = models.BigIntegerField("赔付金额")
    points = models.BigIntegerField("发放积分")
    settlement_entry_id = models.BigIntegerField(null=True, blank=True)
    flagged_at = models.DateTimeField("判定时间")
    # set when a LateShipmentDue subscriber exempted the order (not the shop's fault): nothing was paid
    exempt_reason = models.CharField("免赔原因", max_length=200, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "延迟发货"
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="late_shipment_amount_nonnegative"),
        ]
