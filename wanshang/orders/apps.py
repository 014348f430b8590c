from django.apps import AppConfig

from wanshang.common import events


class OrdersConfig(AppConfig):
    name = "wanshang.orders"
    label = "orders"
    verbose_name = "订单"

    def ready(self):
        events.register_app(self)  # subscribers.py
