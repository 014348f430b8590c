"""Traffic sources, classified like 生意参谋: a level-2 code per page view, grouped into level 1.

A page view's source comes from, in order: a paid-traffic marker in the URL (`?ad=` for keyword/audience
ads, `?aff=` for affiliates — the ads issue fills these), the referrer's host (another site = 站外), the
referrer's path on our own site (search results, a category, the cart, …), and no referrer = 直接访问.
"""

from urllib.parse import urlparse

from django.utils.translation import gettext_lazy as _

# level-2 code → (level-1 code, label)
SOURCES = {
    "direct": ("self", _("直接访问")),
    "favourites": ("self", _("我的收藏")),
    "cart": ("self", _("购物车")),
    "orders": ("self", _("我的订单")),
    "search": ("free", _("站内搜索")),
    "home": ("free", _("首页推荐")),
    "category": ("free", _("类目导航")),
    "activity": ("free", _("活动会场")),
    "recommend": ("free", _("商品/店铺页推荐")),
    "ads": ("paid", _("广告")),
    "affiliate": ("paid", _("淘客推广")),
    "external": ("external", _("站外来源")),
    "other": ("other", _("其它")),
}
LEVEL1 = {
    "self": _("自主访问"),
    "free": _("免费流量"),
    "paid": _("付费流量"),
    "external": _("站外"),
    "other": _("其它"),
}
LEVEL1_ORDER = ["self", "free", "paid", "external", "other"]

_PATH_SOURCES = [  # our own pages, by path prefix (longest first where they overlap)
    ("/search/", "search"),
    ("/c/", "category"),
    ("/categories/", "category"),
    ("/cart/", "cart"),
    ("/checkout/", "cart"),
    ("/orders/", "orders"),
    ("/me/favourites/", "favourites"),
    ("/flash/", "activity"),
    ("/coupons/", "activity"),
    ("/group/", "activity"),
    ("/p/", "recommend"),
    ("/shop/", "recommend"),
]


def level1_of(code: str) -> str:
    return SOURCES.get(code, SOURCES["other"])[0]


def _is_own(host: str, own_hosts) -> bool:
    """`own_hosts` as in ALLOWED_HOSTS: exact names, or ".example.com" for the domain and its subdomains."""
    for own in own_hosts:
        if own.startswith("."):
            if host == own[1:] or host.endswith(own):
                return True
        elif host == own:
            return True
    return False


def classify(*, url_query: dict, referrer: str, own_hosts: set[str]) -> tuple[str, str]:
    """(level-2 source code, external host or "") for one page view. `own_hosts`: our site's host names
    (lower case; ".example.com" also covers its subdomains)."""
    if url_query.get("ad"):
        return "ads", ""
    if url_query.get("aff"):
        return "affiliate", ""
    if not referrer:
        return "direct", ""
    try:
        ref = urlparse(referrer)
    except ValueError:
        return "other", ""
    host = (ref.hostname or "").lower()
    if not host:
        return "other", ""
    if not _is_own(host, own_hosts):
        return "external", host[:100]
    path = ref.path or "/"
    if path == "/":
        return "home", ""
    for prefix, code in _PATH_SOURCES:
        if path.startswith(prefix):
            return code, ""
    return "other", ""
