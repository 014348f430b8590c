from django.apps import AppConfig

from wanshang.common import events


class ComplianceConfig(AppConfig):
    name = "wanshang.compliance"
    label = "compliance"
    verbose_name = "合规"

    def ready(self):
        events.register_app(self)  # subscribers.py
