from django.apps import AppConfig


class ShoppagesConfig(AppConfig):
    name = "wanshang.shoppages"
    label = "shoppages"
    verbose_name = "店铺活动页"
