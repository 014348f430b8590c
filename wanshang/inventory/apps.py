from django.apps import AppConfig

from wanshang.common import events


class InventoryConfig(AppConfig):
    name = "wanshang.inventory"
    label = "inventory"
    verbose_name = "库存"

    def ready(self):
        events.register_app(self)  # subscribers.py
