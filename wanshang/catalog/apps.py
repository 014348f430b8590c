from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "wanshang.catalog"
    label = "catalog"
    verbose_name = "商品"
