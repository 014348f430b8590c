from django.apps import AppConfig

from wanshang.common import events


class AffiliatesConfig(AppConfig):
    """淘宝客: promoters (达人), the shops' commission plans, tracking links, attribution of paid orders to a
    promoter's last click, commissions (estimated → confirmed → settled, clawbacks) and withdrawals.
    Rules: docs/affiliates.md."""

    name = "wanshang.affiliates"
    label = "affiliates"
    verbose_name = "淘宝客推广"

    def ready(self):
        events.register_app(self)
