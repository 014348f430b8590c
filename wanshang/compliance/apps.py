from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "wanshang.compliance"
    label = "compliance"
    verbose_name = "合规"
