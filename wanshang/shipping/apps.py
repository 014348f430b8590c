from django.apps import AppConfig


class ShippingConfig(AppConfig):
    """发货与物流: shipments in one or more packages, carrier accounts and 电子面单 (sandbox, 快递鸟), waybill
    labels, pick lists and packing slips, batch shipping, tracking pushes and polling, stall alerts.
    Rules: docs/shipping.md."""

    name = "wanshang.shipping"
    label = "shipping"
    verbose_name = "发货与物流"
