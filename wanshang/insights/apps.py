from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "wanshang.insights"
    label = "insights"
    verbose_name = "数据中心（分析）"
