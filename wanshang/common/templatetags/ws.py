from django import template
from django.utils.http import urlencode

from wanshang.common.money import fen_to_yuan_str

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """12345 → '123.45' (fen to yuan text, no float)."""
    if fen in (None, ""):
        return ""
    return fen_to_yuan_str(int(fen))


@register.simple_tag(takes_context=True)
def qs(context, **changes) -> str:
    """The current query string with some keys replaced: {% qs page=3 %}."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True)


@register.filter
def pct(value, digits=2) -> str:
    """0.1234 → '12.34%'; None → '—' (no base to divide by)."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def figure(value, kind: str) -> str:
    """A 数据中心 figure by its kind: count, fen (shown in yuan), rate, seconds."""
    if value is None:
        return "—"
    if kind == "fen":
        return "¥" + yuan(round(value))
    if kind == "rate":
        return pct(value)
    if kind == "seconds":
        return f"{float(value):.1f}s"
    if isinstance(value, float) and not value.is_integer():  # an average of counts
        return f"{value:,.1f}"
    return f"{int(value):,}"


# The colour of a status, per kind of thing; a status not listed gets the kind's "*" (plain badge without).
BADGE_TONES = {
    "order": {"paid": "warn", "completed": "ok", "cancelled": "gray", "refunded": "gray", "*": "info"},
    "phase": {"running": "ok", "scheduled": "info", "paused": "warn", "*": "gray"},  # promotions, flash slots
    "application": {"pending": "warn", "approved": "ok"},
    "shop": {"open": "ok"},
}


@register.inclusion_tag("components/status_badge.html")
def status_badge(kind: str, status: str, label) -> dict:
    """{% status_badge "order" o.status o.get_status_display %} → <span class="badge badge-warn">待发货</span>."""
    tones = BADGE_TONES[kind]
    return {"tone": tones.get(status, tones.get("*", "")), "label": label}


@register.filter
def pct_bps(bps) -> str:
    """Basis points as a percentage: 1000 → '10%', 1250 → '12.5%' (integer arithmetic, no float)."""
    if bps is None or bps == "":
        return "—"
    whole, rest = divmod(int(bps), 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


@register.filter
def holds_key(items, key) -> bool:
    """Whether a menu group's entries ({"key": …} dicts) include the page's active key: that group opens."""
    return bool(key) and any(item.get("key") == key for item in items or ())
