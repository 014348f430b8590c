from django.apps import AppConfig

from wanshang.common import events


class CatalogConfig(AppConfig):
    name = "wanshang.catalog"
    label = "catalog"
    verbose_name = "商品"

    def ready(self):
        events.register_app(self)  # subscribers.py
