from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "wanshang.payments"
    label = "payments"
    verbose_name = "支付与结算"
