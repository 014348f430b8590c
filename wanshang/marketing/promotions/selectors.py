"""Reads of promotions for the seller center and the platform: lists by phase, one promotion, the preview of
what each SKU will cost with the price-rule warnings (§16, §17).
"""

from django.db.models import Q
from django.utils import timezone

from wanshang.common.errors import NotFound
from wanshang.compliance.selectors import open_price_alert_messages
from wanshang.compliance.services import reference_prices, strike_price_ok
from wanshang.marketing.models import Promotion, PromotionItem
from wanshang.marketing.steps.context import scaled
from wanshang.marketing.types import CampaignSkus, PreviewRow

PHASE_LABELS = {"scheduled": "未开始", "running": "进行中", "paused": "已暂停", "ended": "已结束"}


def running_q(now):
    """Promotions running at `now`: active, started, not yet ended."""
    return Q(status=Promotion.Status.ACTIVE, starts_at__lte=now, ends_at__gt=now)


def promotion_list(*, shop, kind: str | None = None, phase: str | None = None, now=None):
    """The shop's promotions, newest first; `phase` filters running / scheduled / paused / ended."""
    now = now or timezone.now()
    qs = Promotion.objects.for_shop(shop)
    if kind:
        qs = qs.filter(kind=kind)
    if phase == "running":
        qs = qs.filter(running_q(now))
    elif phase == "scheduled":
        qs = qs.filter(status=Promotion.Status.ACTIVE, starts_at__gt=now)
    elif phase == "paused":
        qs = qs.filter(status=Promotion.Status.PAUSED, ends_at__gt=now)
    elif phase == "ended":
        qs = qs.filter(Q(status=Promotion.Status.ENDED) | Q(ends_at__lte=now))
    return qs.order_by("-id")


def promotion_get(*, shop, promotion_id) -> Promotion:
    """One of the shop's promotions (shop=None: a platform promotion). Another shop's id: NotFound."""
    qs = Promotion.objects.filter(shop__isnull=True) if shop is None else Promotion.objects.for_shop(shop)
    promo = qs.filter(pk=promotion_id).prefetch_related("items").first()
    if promo is None:
        raise NotFound("活动不存在")
    return promo


def promotion_preview(*, shop, promotion_id) -> list[PreviewRow]:
    """What each SKU of an item-level promotion will cost, with the price-rule warnings (§16, §17)."""
    promo = promotion_get(shop=shop, promotion_id=promotion_id)
    items = list(promo.items.select_related("sku__product"))
    refs = reference_prices(sku_ids=[i.sku_id for i in items], at=promo.starts_at)
    alerts = open_price_alert_messages(shop=shop, promotion_id=promo.pk)
    rows = []
    for item in items:
        sku = item.sku
        if item.price_fen:
            promo_price = item.price_fen
        elif item.discount_bps:
            promo_price = scaled(sku.price_fen, item.discount_bps)
        elif item.tiers:
            promo_price = item.tiers[-1][1]
        elif item.level_prices:
            promo_price = min(item.level_prices.values())
        else:
            promo_price = None
        ok = strike_price_ok(original_fen=sku.original_price_fen, reference_fen=refs.get(sku.pk))
        row = PreviewRow(
            sku=sku,
            price_fen=sku.price_fen,
            promo_price_fen=promo_price,
            original_fen=sku.original_price_fen,
            reference_fen=refs.get(sku.pk),
            strike_ok=ok,
            warnings=list(alerts.get(sku.pk, [])),
        )
        if sku.original_price_fen and not ok and not sku.product.original_price_is_msrp:
            row.warnings.append("划线价高于活动前7日最低成交价，前台将不显示划线价（§16）")
        rows.append(row)
    return rows


def platform_promotions(*, kind: str | None = None):
    qs = Promotion.objects.filter(shop__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-id")


def promotion_phase_label(promotion, now=None) -> str:
    return PHASE_LABELS[promotion.phase(now or timezone.now())]


def upcoming_campaigns(*, now, until) -> list[CampaignSkus]:
    """Active promotions starting in (now, until] that name SKUs (item promotions, a shop's enrolment in a flash
    slot or a platform campaign), grouped per promotion and shop. Promotions over a whole shop or category name
    no SKU and are left out."""
    items = (
        PromotionItem.objects.filter(
            promotion__status=Promotion.Status.ACTIVE,
            promotion__starts_at__gt=now,
            promotion__starts_at__lte=until,
        )
        .select_related("promotion")
        .order_by("promotion_id", "id")
    )
    groups: dict[tuple[int, int], list] = {}
    for item in items:
        shop_id = item.shop_id or item.promotion.shop_id
        if shop_id is None:
            continue
        groups.setdefault((item.promotion_id, shop_id), [item.promotion]).append(item.sku_id)
    return [
        CampaignSkus(
            promotion_id=promo.pk,
            shop_id=shop_id,
            name=promo.name,
            kind=promo.kind,
            starts_at=promo.starts_at,
            ends_at=promo.ends_at,
            sku_ids=tuple(sku_ids),
        )
        for (_, shop_id), (promo, *sku_ids) in groups.items()
    ]
