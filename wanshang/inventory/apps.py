from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "wanshang.inventory"
    label = "inventory"
    verbose_name = "库存"
