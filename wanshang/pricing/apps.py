from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "wanshang.pricing"
    label = "pricing"
    verbose_name = "定价"
