from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "wanshang.storefront"
    label = "storefront"
    verbose_name = "商城前台"
