"""活动库存不足: before a shop's campaign starts, the SKUs whose stock will not last through it.

The job `insights.stock_cover_alerts` (hourly) asks marketing for the item promotions starting within each
shop's warning horizon (库存计划 settings, default 14 days) and inventory whether each SKU's stock, at its
usual rate until the start and rate × the shop's uplift during the campaign, lasts to the end
(`inventory.selectors.campaign_cover_short`, formulas in docs/stock-planning.md). A short SKU gets one
alert per campaign and SKU: the unique (shop, kind, hour, subject) makes a repeated run create nothing twice,
and the state it works from is the database's, so a missed run catches up by itself.
"""

import datetime
import math

from django.utils import timezone
from django.utils.translation import gettext as _

from wanshang.catalog.selectors import skus_by_ids
from wanshang.insights.models import Alert
from wanshang.inventory.selectors import campaign_cover_short, plan_settings_get
from wanshang.marketing.selectors import upcoming_campaigns
from wanshang.merchants.selectors import shop_list_open

MAX_HORIZON_DAYS = 90


def _subject(promotion_id: int, sku_id: int) -> str:
    return f"promotion:{promotion_id}:sku:{sku_id}"


def _detail(*, campaign, sku, short) -> str:
    cover = float(short.cover_days)
    length = (campaign.ends_at - campaign.starts_at).total_seconds() / 86400
    return _(
        "“%(campaign)s”%(start)s 开始：%(title)s %(spec)s 可售 %(available)d 件（在途 %(arriving)d 件），"
        "按活动预期只够 %(cover).1f 天，活动共 %(days).1f 天，约缺 %(short)d 件，请尽快补货"
    ) % {
        "campaign": campaign.name,
        "start": timezone.localtime(campaign.starts_at).strftime("%m-%d %H:%M"),
        "title": sku.product.title[:40],
        "spec": sku.spec_text[:30],
        "available": short.available,
        "arriving": short.arriving,
        "cover": math.floor(cover * 10) / 10,
        "days": length,
        "short": short.short_units,
    }


def stock_cover_alerts_scan(*, now: datetime.datetime | None = None) -> int:
    """Raise the alerts for campaigns starting within each shop's horizon. Returns how many were created."""
    now = now or timezone.now()
    open_shops = {shop.pk: shop for shop in shop_list_open()}
    campaigns = upcoming_campaigns(now=now, until=now + datetime.timedelta(days=MAX_HORIZON_DAYS))
    created = 0
    for campaign in campaigns:
        shop = open_shops.get(campaign.shop_id)
        if shop is None:
            continue
        horizon = plan_settings_get(shop=shop).campaign_horizon_days
        if campaign.starts_at > now + datetime.timedelta(days=horizon):
            continue
        shorts = campaign_cover_short(
            shop=shop,
            sku_ids=campaign.sku_ids,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            now=now,
        )
        if not shorts:
            continue
        skus = skus_by_ids(sku_ids=[s.sku_id for s in shorts])
        existing = set(
            Alert.objects.for_shop(shop)
            .filter(kind=Alert.Kind.STOCK_COVER, hour=campaign.starts_at)
            .values_list("subject", flat=True)
        )
        new = [
            Alert(
                shop=shop,
                kind=Alert.Kind.STOCK_COVER,
                hour=campaign.starts_at,
                subject=_subject(campaign.promotion_id, short.sku_id),
                observed=short.available + short.arriving,
                expected=round(float(short.available + short.arriving + short.short_units), 2),
                detail=_detail(campaign=campaign, sku=skus[short.sku_id], short=short)[:300],
            )
            for short in shorts
            if _subject(campaign.promotion_id, short.sku_id) not in existing and short.sku_id in skus
        ]
        # ignore_conflicts: a concurrent run (the worker and an operator's 立即运行) may insert the same row.
        Alert.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
    return created


def stock_cover_alerts_unread(*, shop, limit: int = 3) -> list[Alert]:
    """The shop's unread 活动库存不足 alerts, soonest campaign first (the seller 工作台 shows them)."""
    return list(
        Alert.objects.for_shop(shop)
        .filter(kind=Alert.Kind.STOCK_COVER, read_at__isnull=True)
        .order_by("hour", "id")[:limit]
    )
