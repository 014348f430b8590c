from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "wanshang.fulfillment"
    label = "fulfillment"
    verbose_name = "物流"
