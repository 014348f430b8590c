from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "wanshang.platform"
    label = "platform"
    verbose_name = "平台管理"
