from django.apps import AppConfig

from wanshang.common import events


class SearchConfig(AppConfig):
    name = "wanshang.search"
    label = "search"
    verbose_name = "搜索"

    def ready(self):
        events.register_app(self)  # subscribers.py: keep the index in step with products, shops and sales
