from django.apps import AppConfig

from wanshang.common import events


class MarketingConfig(AppConfig):
    name = "wanshang.marketing"
    label = "marketing"
    verbose_name = "营销"

    def ready(self):
        # Promotion kinds plug into the pricing pipeline here; pricing itself knows nothing of them.
        from wanshang.marketing import steps  # noqa: F401

        events.register_app(self)  # subscribers.py
