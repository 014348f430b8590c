from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "wanshang.orders"
    label = "orders"
    verbose_name = "订单"
