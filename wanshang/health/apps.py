from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "wanshang.health"
    label = "health"
    verbose_name = "体检中心"
