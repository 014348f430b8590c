"""Storefront template helpers: the mall header (cart count, category menu) and small display filters."""

from urllib.parse import urlencode

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wanshang.catalog.selectors import (
    category_tree,
    category_tree_version,
    listing_changed_at,
    listing_version,
)
from wanshang.checkout.selectors import cart_count
from wanshang.common.dbrouter import replica_safe_ttl
from wanshang.search.selectors import hot_words
from wanshang.storefront.promo_display import card_marker, mask_name

register = template.Library()

ACTOR_LABELS = {
    "buyer": _("买家"),
    "seller": _("商家"),
    "platform": _("平台"),
    "system": _("系统"),
    "gateway": _("支付"),
}


def category_menu(request) -> list:
    """The category tree, loaded once per request (header menu and page side bars share it)."""
    tree = getattr(request, "_ws_category_tree", None)
    if tree is None:
        tree = category_tree()
        request._ws_category_tree = tree
    return tree


@register.inclusion_tag("storefront/_header.html", takes_context=True)
def store_header(context, compact: bool = False):
    request = context["request"]
    user = request.user
    return {
        "request": request,
        "user": user,
        "compact": compact,
        "categories": category_menu(request),
        "catnav_version": category_tree_version(),
        "cart_count": cart_count(user=user),
        "q": request.GET.get("q", "")
        if request.resolver_match and request.resolver_match.url_name == "search"
        else "",
    }


@register.filter
def actor_label(kind: str) -> str:
    return ACTOR_LABELS.get(kind, kind)


@register.filter
def initial(text) -> str:
    """First character, for image placeholders."""
    text = str(text or "").strip()
    return text[:1] or "商"


_ICONS = {
    "cart": '<path d="M3 4h2l2.4 10.2a1 1 0 0 0 1 .8h8.9a1 1 0 0 0 1-.8L20 8H6.2"/><circle cx="9" cy="19" r="1.4"/>'
    '<circle cx="17" cy="19" r="1.4"/>',
    "shop": '<path d="M4 9l1.5-5h13L20 9M4 9v11h16V9M4 9c0 1.7 1.3 3 3 3s3-1.3 3-3c0 1.7 1.3 3 2 3s2-1.3 2-3'
    'c0 1.7 1.3 3 3 3s3-1.3 3-3M10 20v-5h4v5"/>',
    "home": '<path d="M3 11l9-7 9 7M5 9.5V20h5v-6h4v6h5V9.5"/>',
    "grid": '<rect x="4" y="4" width="6.5" height="6.5" rx="1"/><rect x="13.5" y="4" width="6.5" height="6.5" rx="1"/>'
    '<rect x="4" y="13.5" width="6.5" height="6.5" rx="1"/><rect x="13.5" y="13.5" width="6.5" height="6.5" rx="1"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7"/>',
    "chat": '<path d="M4 5h16v11H9l-5 4z"/><path d="M8 10h.01M12 10h.01M16 10h.01"/>',
}


@register.simple_tag
def icon(name: str, size: int = 18):
    """A small inline SVG icon (no icon font, no emoji: renders the same everywhere)."""
    body = _ICONS.get(name, "")
    return mark_safe(
        f'<svg class="icon" width="{int(size)}" height="{int(size)}" viewBox="0 0 24 24" fill="none" '
        f'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" '
        f'aria-hidden="true">{body}</svg>'
    )


@register.simple_tag(takes_context=True)
def card_price(context, product):
    """A product card's price: this buyer's promotion price when the page computed one (`card_overlay`),
    otherwise the product's own price marked for the per-request overlay of cached lists (promo_display)."""
    overlay = context.get("card_overlay")
    if overlay is None:
        return card_marker(product)
    return overlay.html(product.pk, product.min_price_fen)


@register.filter
def masked(name) -> str:
    """A buyer's name as other buyers see it: 张** / 139****0001."""
    return mask_name(name)


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }} — a dict lookup with a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


MULTI_FACETS = {"brand", "attr"}


@register.simple_tag(takes_context=True)
def facet_url(context, key: str, value: str) -> str:
    """The current search with one facet value switched on or off (brand and attr keep several), page reset."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    current = params.getlist(key)
    if value in current:
        params.setlist(key, [v for v in current if v != value])
    elif key in MULTI_FACETS:
        params.setlist(key, [*current, value])
    else:
        params.setlist(key, [value])
    if key == "price":
        params.pop("min_price", None)
        params.pop("max_price", None)
    return "?" + urlencode(sorted(params.lists()), doseq=True)


@register.simple_tag
def hot_search_words(limit: int = 6) -> list[str]:
    """The hot words under the search box (pinned by the platform, then the most searched); cached 5 minutes."""
    words = cache.get("storefront:hot-words")
    if words is None:
        words = hot_words(limit=limit)
        cache.set("storefront:hot-words", words, 300)
    return words


CARD_TTL = 120  # seconds; sales counts on a card may lag this long (as the listing blocks' LISTING_TTL)


def card_cache_prefix(version: int, language: str) -> str:
    """The cache key of a product's card fragment is this + its id (read back by the patrol, patrol_surface)."""
    return f"storefront:card:{version}:{language}:"


@register.simple_tag
def goods_cards(products) -> str:
    """The product cards of a cached list block, joined from per-product fragments (issue 13, Run 9g).

    Each card is `_goods_card.html` rendered once per product and language and cached under the catalog's
    listing version (a price, shelf, shop or category change renders it afresh) for CARD_TTL seconds (the
    sales count may lag that long). The fragment holds no buyer's price: it carries the marked list price
    (`card_marker`) that `splice_card_prices` replaces with the buyer's price on every request, like the
    list blocks around it. Only for blocks that are spliced afterwards (search, category and wholesale
    lists); pages that render a `card_overlay` directly keep the plain include."""
    products = list(products)
    if not products:
        return ""
    prefix = card_cache_prefix(listing_version(), get_language())
    found = cache.get_many([f"{prefix}{p.pk}" for p in products])
    missing = {}
    out = []
    for p in products:
        html = found.get(f"{prefix}{p.pk}")
        if html is None:
            html = get_template("storefront/_goods_card.html").render({"p": p})
            missing[f"{prefix}{p.pk}"] = html
        out.append(html)
    if missing:
        cache.set_many(missing, replica_safe_ttl(CARD_TTL, changed_at=listing_changed_at))
    return mark_safe("".join(out))  # noqa: S308 - our own template's output
