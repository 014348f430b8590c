from django.apps import AppConfig

from wanshang.common import events


class StoresConfig(AppConfig):
    """门店 and 到店自提: a shop's stores (address, hours, the warehouse that supplies them, pickup on or off),
    the 门店 staff assigned to them, pickup orders with their 8-digit code and QR code, the store's 核销
    (verification) and the expiry of unclaimed pickups. Rules: docs/stores.md."""

    name = "wanshang.stores"
    label = "stores"
    verbose_name = "门店"

    def ready(self):
        events.register_app(self)
