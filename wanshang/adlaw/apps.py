from django.apps import AppConfig


class AdlawConfig(AppConfig):
    name = "wanshang.adlaw"
    label = "adlaw"
    verbose_name = "广告法用语"
