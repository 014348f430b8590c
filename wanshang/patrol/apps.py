from django.apps import AppConfig


class PatrolConfig(AppConfig):
    name = "wanshang.patrol"
    label = "patrol"
    verbose_name = "日常巡检"
