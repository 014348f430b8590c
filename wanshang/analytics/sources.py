"""Traffic sources, classified like 生意参谋: a level-2 code per page view, grouped into level 1.

A page view's source comes from, in order: what the view itself declared (`tracking.source_declare`: the
product and shop pages declare 淘宝客 for a `?aff=` link that is a live link to them), a signed paid-traffic
marker in the URL (`?ad=`, written by the ad click redirect with `paid_marker`: 直通车, 引力魔方 or 全站推广 by
the clicked plan's kind), the referrer's host (another site = 站外), the referrer's path on our own site
(search results, a category, the cart, …), and no referrer = 直接访问.

The ad marker is signed and short-lived (PAID_MARKER_SECONDS) so that typing `?ad=1` into a URL, or sharing
a landing URL days later, is not counted as paid traffic: only a landing through the redirect is. Analytics
never imports ads or affiliates: those layers (through the faces) tell it the source.
"""

from urllib.parse import urlparse

from django.core import signing
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
    "ads_kw": ("paid", _("直通车")),
    "ads_aud": ("paid", _("引力魔方")),
    "ads_auto": ("paid", _("全站推广")),
    "ads": ("paid", _("广告")),  # an ad landing of unknown kind (and rows recorded before the sub-sources)
    "affiliate": ("paid", _("淘宝客")),
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
AD_SOURCES = ("ads_kw", "ads_aud", "ads_auto", "ads")  # what an ad click's landing may be
PAID_MARKER_SECONDS = 10 * 60  # a landing URL's marker counts this long after the click
_MARKER_SALT = "wanshang.analytics.paid"
_MARKER_MAX_CHARS = 200

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


def paid_marker(code: str) -> str:
    """The `?ad=` value of an ad click's landing URL: the ad source code, signed with the time. Raises
    ValueError for a code that is not an ad source."""
    if code not in AD_SOURCES:
        raise ValueError(f"not an ad source: {code!r}")
    return signing.TimestampSigner(salt=_MARKER_SALT).sign(code)


def marker_source(value) -> str:
    """The ad source a marker names, or "" for a missing, forged, altered or expired one."""
    if not isinstance(value, str) or not value or len(value) > _MARKER_MAX_CHARS:
        return ""
    try:
        code = signing.TimestampSigner(salt=_MARKER_SALT).unsign(value, max_age=PAID_MARKER_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one
        return ""
    return code if code in AD_SOURCES else ""


def classify(*, url_query: dict, referrer: str, own_hosts: set[str]) -> tuple[str, str]:
    """(level-2 source code, external host or "") for one page view. `own_hosts`: our site's host names
    (lower case; ".example.com" also covers its subdomains). An `?ad=` that is not a valid marker is
    ignored (the referrer decides); `?aff=` is not read here: the page that verified the link declares it."""
    ad = marker_source(url_query.get("ad"))
    if ad:
        return ad, ""
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
