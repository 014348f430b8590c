from django.apps import AppConfig

from wanshang.common import events


class AdsConfig(AppConfig):
    """推广中心: the shops' ad accounts and their ledger, keyword ads (直通车), audience ads (引力魔方) and
    goal-based auto-bidding (全站推广): plans, auctions, impressions, clicks, charges and attribution.
    Rules: docs/ads.md."""

    name = "wanshang.ads"
    label = "ads"
    verbose_name = "推广中心"

    def ready(self):
        events.register_app(self)  # subscribers.py
