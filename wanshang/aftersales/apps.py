from django.apps import AppConfig

from wanshang.common import events


class AftersalesConfig(AppConfig):
    """售后: refund requests and their money (仅退款 today; returns, exchanges and disputes grow here)."""

    name = "wanshang.aftersales"
    label = "aftersales"
    verbose_name = "售后"

    def ready(self):
        events.register_app(self)  # subscribers.py
