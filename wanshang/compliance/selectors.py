"""Price-rule reads for the seller center and the platform."""

from django.db.models import Count

from wanshang.compliance.models import PriceAlert


def price_alerts(*, shop=None, include_resolved: bool = False, limit: int = 200):
    """Flags for one shop (seller center) or all shops (platform, `shop=None`)."""
    qs = PriceAlert.objects.for_shop(shop) if shop is not None else PriceAlert.objects.select_related("shop")
    if not include_resolved:
        qs = qs.filter(resolved=False)
    return list(qs.select_related("sku__product")[:limit])


def open_price_alert_messages(*, shop, promotion_id) -> dict[int, list[str]]:
    """sku_id → the messages of the shop's unresolved price-rule flags on one promotion."""
    out: dict[int, list[str]] = {}
    for sku_id, message in (
        PriceAlert.objects.for_shop(shop)
        .filter(promotion_id=promotion_id, resolved=False)
        .values_list("sku_id", "message")
    ):
        out.setdefault(sku_id, []).append(message)
    return out


def open_price_alert_count(*, shop=None) -> int:
    qs = PriceAlert.objects.for_shop(shop) if shop is not None else PriceAlert.objects.all()
    return qs.filter(resolved=False).count()


def shops_open_price_alerts(*, shop_ids, since) -> dict[int, int]:
    """体检中心: shop → price-rule alerts (§16/§17) raised since `since` and not yet resolved."""
    return dict(
        PriceAlert.objects.filter(shop_id__in=list(shop_ids), created_at__gte=since, resolved=False)
        .values_list("shop_id")
        .annotate(n=Count("id"))
        .order_by()
    )
