from django.apps import AppConfig

from wanshang.common import events


class PaymentsConfig(AppConfig):
    name = "wanshang.payments"
    label = "payments"
    verbose_name = "支付与结算"

    def ready(self):
        events.register_app(self)  # subscribers.py
