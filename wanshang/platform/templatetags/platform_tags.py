from django import template

from wanshang.compliance.selectors import open_price_alert_count as count
from wanshang.merchants.selectors import application_status_counts

register = template.Library()


@register.filter
def percent_bps(bps) -> str:
    """500 → '5.00' (basis points as a percentage with two decimals, no float)."""
    if bps in (None, ""):
        return ""
    bps = int(bps)
    return f"{bps // 100}.{bps % 100:02d}"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.simple_tag
def pending_application_count() -> int:
    return application_status_counts().get("pending", 0)


@register.simple_tag
def open_price_alert_count() -> int:
    return count()
