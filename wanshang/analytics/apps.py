from django.apps import AppConfig

from wanshang.common import events


class AnalyticsConfig(AppConfig):
    name = "wanshang.analytics"
    label = "analytics"
    verbose_name = "数据中心"

    def ready(self):
        events.register_app(self)  # subscribers.py
