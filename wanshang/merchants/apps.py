from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "wanshang.merchants"
    label = "merchants"
    verbose_name = "商家"
