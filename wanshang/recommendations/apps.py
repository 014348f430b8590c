from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "wanshang.recommendations"
    label = "recommendations"
    verbose_name = "推荐"
