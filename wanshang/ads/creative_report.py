"""创意报表: each creative of an ad group with its impressions, clicks and CTR over a period, and its share of the
rotation now (rotation.py).

Clicks are charged clicks and CTR = clicks ÷ impressions, as in 推广报表 (reports.py). Impressions shown before the
group had creatives (or after the creative shown was deleted) are one row of their own: "商品主图与标题" for
creative None, "已删除的创意" for a creative no longer in the group.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from wanshang.ads.models import AdCreative
from wanshang.ads.rotation import arms_of, shares
from wanshang.ads.structure import _group
from wanshang.ads.traffic_models import AdClick, AdImpression

CREATIVE_REPORT_PERIODS = (7, 14, 30)
MAX_DAYS = 90


@dataclass(frozen=True)
class CreativeRow:
    creative_id: int | None  # None: the product's own title and picture (no creative)
    title: str
    image_url: str
    impressions: int
    clicks: int
    share: float | None  # its probability in the rotation now; None for a row no longer rotating
    deleted: bool = False

    @property
    def ctr(self) -> float | None:
        return self.clicks / self.impressions if self.impressions else None


def creative_report(*, shop, group_id: int, days: int = 30, now=None) -> list[CreativeRow]:
    """The group's creatives (another shop's group: NotFound) with their figures over the last `days` days."""
    group = _group(shop, group_id)
    now = now or timezone.now()
    since = now - timedelta(days=days)
    imps = dict(
        AdImpression.objects.for_shop(shop)
        .filter(group_id=group.pk, ts__gte=since)
        .values_list("creative_id")
        .annotate(n=Count("id"))
    )
    clicks = dict(
        AdClick.objects.for_shop(shop)
        .filter(group_id=group.pk, ts__gte=since, status=AdClick.Status.CHARGED)
        .values_list("creative_id")
        .annotate(n=Count("id"))
    )
    creatives = list(AdCreative.objects.for_shop(shop).filter(group=group).order_by("id"))
    arms = arms_of([group.pk], now)[group.pk]
    rotating = dict(zip([a.creative_id for a in arms], shares(arms), strict=True))
    rows = [
        CreativeRow(c.pk, c.title, c.image_url, imps.get(c.pk, 0), clicks.get(c.pk, 0), rotating.get(c.pk))
        for c in creatives
    ]
    product = group.product
    if imps.get(None) or clicks.get(None) or not creatives:
        rows.append(
            CreativeRow(
                None,
                product.title,
                product.main_image or "",
                imps.get(None, 0),
                clicks.get(None, 0),
                None if creatives else 1.0,
            )
        )
    known = {c.pk for c in creatives} | {None}
    gone = [k for k in set(imps) | set(clicks) if k not in known]
    if gone:
        rows.append(
            CreativeRow(
                -1,
                "",
                "",
                sum(imps.get(k, 0) for k in gone),
                sum(clicks.get(k, 0) for k in gone),
                None,
                deleted=True,
            )
        )
    return rows
