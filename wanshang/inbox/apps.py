from django.apps import AppConfig

from wanshang.common import events


class InboxConfig(AppConfig):
    name = "wanshang.inbox"
    label = "inbox"
    verbose_name = "消息中心"

    def ready(self):
        events.register_app(self)
