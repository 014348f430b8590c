from django.apps import AppConfig


class SellercenterConfig(AppConfig):
    name = "wanshang.sellercenter"
    label = "sellercenter"
    verbose_name = "卖家中心"
