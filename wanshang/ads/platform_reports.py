"""The platform's view of the ads (推广中心 · 平台): ad revenue by day, net of invalid-click refunds; the top
advertisers (shops by net spend); the invalid-click rate = (bot + invalid + duplicate clicks) ÷ all recorded
clicks (charged, unpaid and those). Every shop's figures, from the hourly rollup and the live hours
(`rollup.stats`)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from wanshang.ads import rollup
from wanshang.ads.reports import period, period_bounds
from wanshang.merchants.selectors import shops_by_ids

TOP_SHOPS = 20


@dataclass
class PlatformRow:
    key: object  # a date, or a shop id
    label: str = ""
    impressions: int = 0
    charged_clicks: int = 0  # before refunds
    invalid_clicks: int = 0
    unpaid_clicks: int = 0
    gross_fen: int = 0  # Σ charged click prices and CPM blocks
    refunded_fen: int = 0
    orders: int = 0
    gmv_fen: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def revenue_fen(self) -> int:
        """Ad revenue: what the clicks and the CPM blocks charged, less the invalid-click refunds."""
        return self.gross_fen - self.refunded_fen

    @property
    def all_clicks(self) -> int:
        return self.charged_clicks + self.invalid_clicks + self.unpaid_clicks

    @property
    def invalid_rate(self) -> float:
        """(bot + invalid + duplicate) ÷ all recorded clicks (0 without clicks)."""
        return self.invalid_clicks / self.all_clicks if self.all_clicks else 0.0

    @property
    def roas(self) -> float:
        return self.gmv_fen / self.revenue_fen if self.revenue_fen > 0 else 0.0

    def take(self, counts: dict) -> "PlatformRow":
        self.impressions += counts["impressions"]
        self.charged_clicks += counts["clicks"]
        self.invalid_clicks += counts["invalid_clicks"]
        self.unpaid_clicks += counts["unpaid_clicks"]
        self.gross_fen += counts["spend_fen"]
        self.refunded_fen += counts["refunded_fen"]
        self.orders += counts["conversions"]
        self.gmv_fen += counts["gmv_fen"]
        return self


@dataclass
class PlatformOverview:
    start: date
    end: date
    days: list[PlatformRow]
    shops: list[PlatformRow]  # the top advertisers, by revenue
    total: PlatformRow
    advertisers: int  # shops with any charge in the period


def platform_overview(
    *,
    days: int | None = 30,
    start: date | None = None,
    end: date | None = None,
    now=None,
    top: int = TOP_SHOPS,
) -> PlatformOverview:
    """Ad revenue, clicks and the invalid-click rate by day, and the top advertisers, over the last `days` days or
    start..end (ValidationError for a bad period)."""
    start, end = period(days, now, start=start, end=end)
    lo, hi = period_bounds(start, end)
    got = rollup.stats(lo=lo, hi=hi, keys=("day", "shop_id"))
    by_day = {
        start + timedelta(days=i): PlatformRow(start + timedelta(days=i))
        for i in range((end - start).days + 1)
    }
    by_shop: dict[int, PlatformRow] = {}
    total = PlatformRow("total")
    for (day, shop_id), counts in got.items():
        by_day.setdefault(day, PlatformRow(day)).take(counts)
        by_shop.setdefault(shop_id, PlatformRow(shop_id)).take(counts)
        total.take(counts)
    for r in by_day.values():
        r.label = r.key.strftime("%Y-%m-%d")
    spenders = [r for r in by_shop.values() if r.gross_fen > 0]
    shops = sorted(spenders, key=lambda r: (-r.revenue_fen, -r.gross_fen, r.key))[:top]
    names = shops_by_ids(ids=[r.key for r in shops])
    for r in shops:
        shop = names.get(r.key)
        r.label = shop.name if shop else f"#{r.key}"
    return PlatformOverview(
        start=start,
        end=end,
        days=[by_day[d] for d in sorted(by_day)],
        shops=shops,
        total=total,
        advertisers=len(spenders),
    )
