from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "wanshang.search"
    label = "search"
    verbose_name = "搜索"
