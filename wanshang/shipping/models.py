"""发货与物流: packages of an order, the shop's carrier account, the tracking timeline and stall alerts.
Rules: docs/shipping.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wanshang.common.scoping import ShopOwnedManager
from wanshang.fulfillment.types import Carrier


class Provider(models.TextChoices):
    SANDBOX = "sandbox", _("沙箱快递（演示与测试）")
    KDNIAO = "kdniao", _("快递鸟")
    MANUAL = "manual", _("手工填写运单号")


class TrackState(models.TextChoices):
    """Normalised tracking states, whatever the carrier calls them."""

    PENDING = "pending", _("待揽收")
    COLLECTED = "collected", _("揽收")
    IN_TRANSIT = "in_transit", _("运输中")
    DELIVERING = "delivering", _("派送中")
    SIGNED = "signed", _("已签收")
    PROBLEM = "problem", _("异常")
    RETURNED = "returned", _("退回")


FINAL_STATES = {TrackState.SIGNED, TrackState.RETURNED}


class CarrierAccount(models.Model):
    """A shop's 电子面单 account: the sandbox carrier, or 快递鸟 with its EBusinessID and AppKey (a secret:
    never shown back on a page, in the API or in a log), and the sender's address printed on labels."""

    shop = models.OneToOneField("merchants.Shop", on_delete=models.CASCADE, related_name="+")
    provider = models.CharField("服务商", max_length=10, choices=Provider.choices, default=Provider.SANDBOX)
    carrier = models.CharField("默认快递公司", max_length=10)  # fulfillment.types.Carrier
    ebusiness_id = models.CharField("EBusinessID", max_length=40, blank=True, db_index=True)
    app_key = models.CharField("AppKey", max_length=80, blank=True)
    sender_name = models.CharField("寄件人", max_length=30)
    sender_phone = models.CharField("寄件电话", max_length=20)
    sender_province = models.CharField("省", max_length=20)
    sender_city = models.CharField("市", max_length=20)
    sender_district = models.CharField("区/县", max_length=20, blank=True)
    sender_address = models.CharField("详细地址", max_length=120)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopOwnedManager()

    def __repr__(self):  # the AppKey stays out of tracebacks and logs
        return f"<CarrierAccount shop={self.shop_id} provider={self.provider} key=***>"

    @property
    def has_key(self) -> bool:
        return bool(self.app_key)


class Shipment(models.Model):
    """One package of one order: its lines, carrier and tracking number (a 电子面单 when `waybill` is set),
    and the latest normalised tracking state."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    package_no = models.PositiveSmallIntegerField("包裹序号")  # 1, 2, … within the order
    carrier = models.CharField("快递公司", max_length=10)
    tracking_no = models.CharField("运单号", max_length=40, blank=True)
    provider = models.CharField(max_length=10, choices=Provider.choices, default=Provider.MANUAL)
    waybill = models.BooleanField("电子面单", default=False)  # issued through the shop's carrier account
    state = models.CharField(max_length=12, choices=TrackState.choices, default=TrackState.PENDING)
    last_event_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    subscribed = models.BooleanField(default=False)  # the carrier pushes its trace to us (快递鸟 8008)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(db_index=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "package_no"], name="uniq_shipment_package_no"),
        ]
        indexes = [
            models.Index(fields=["carrier", "tracking_no"]),
            models.Index(fields=["state", "last_event_at"]),
        ]

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def latest_event(self):
        """The newest point of the (prefetched, time-ordered) timeline, or None."""
        events = list(self.events.all())
        return events[-1] if events else None

    def get_carrier_display(self) -> str:
        return dict(Carrier.choices).get(self.carrier, self.carrier)


class ShipmentLine(models.Model):
    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    sku_id = models.BigIntegerField()
    title = models.CharField(max_length=60)
    spec_text = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField()

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_qty_positive")]


class TrackingEvent(models.Model):
    """One point of a package's trace. Pushes carry the whole trace again and may arrive late or twice: the
    unique (shipment, at, text) keeps one row per point, and the timeline is read ordered by `at`."""

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=TrackState.choices)
    code = models.CharField(max_length=8, blank=True)  # the carrier's own state code (快递鸟 State/StateEx)
    location = models.CharField(max_length=60, blank=True)
    text = models.CharField(max_length=200)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "at", "text"], name="uniq_tracking_point"),
        ]


class ShipmentAlert(models.Model):
    """物流异常: a package with no movement for SHIPPING_STALL_HOURS (one alert per stall: `since` is the
    last movement it stalled at), or one the carrier reported as a problem."""

    class Kind(models.TextChoices):
        STALLED = "stalled", _("物流停滞")
        PROBLEM = "problem", _("快递异常")

    shop = models.ForeignKey("merchants.Shop", on_delete=models.PROTECT, related_name="+")
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    since = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = ShopOwnedManager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "kind", "since"], name="uniq_alert_per_stall"),
        ]
