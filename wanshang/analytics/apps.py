from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "wanshang.analytics"
    label = "analytics"
    verbose_name = "数据中心"
