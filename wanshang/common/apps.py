from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "wanshang.common"
    label = "common"
    verbose_name = "公共"
