from django.apps import AppConfig


class CopywritingConfig(AppConfig):
    name = "wanshang.copywriting"
    label = "copywriting"
    verbose_name = "文案工具"
