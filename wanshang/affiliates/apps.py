from django.apps import AppConfig


class AffiliatesConfig(AppConfig):
    """淘宝客: promoters (达人), the shops' commission plans, tracking links, attribution of paid orders to a
    promoter's last click, commissions (estimated → confirmed → settled, clawbacks) and withdrawals.
    Rules: docs/affiliates.md."""

    name = "wanshang.affiliates"
    label = "affiliates"
    verbose_name = "淘宝客推广"
