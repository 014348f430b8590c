"""Whole-page cache of list pages for visitors who are not logged in (issue 13, Run 9g).

A category page is the same for every anonymous visitor of one URL and language apart from four things, and
this cache keeps each of them per request:

- **prices**: the cached page holds the cards' marked list prices (`card_marker`); `splice_card_prices` puts
  the visitor's price in on every request, hit or miss, so a promotion that starts or ends (by a service or
  by the clock), a flash sale selling out, or a member price are as fresh as on an uncached page (§20);
- **the CSRF token** in `<body hx-headers>`: stored as a placeholder, filled with this visitor's own token
  (`get_token`, which also sets the CSRF cookie as a fresh render would); a page with any other token (a
  form) is never stored;
- **the page view** (数据中心): the view's `track_page` facts (the category) are stored with the page and
  replayed on a hit, and `TrackingMiddleware` (outside the view) records the page view and sets the visitor
  cookies either way;
- **who is asking**: only a GET of a visitor with no cookie other than the visitor, session, CSRF and
  language cookies is served or stored — a logged-in buyer, a Django session (cart, messages) or an htmx
  request always renders the page.

The key holds the catalog's listing version (prices, shelf, shops, categories) and the category tree version
(menus), so those changes show on the next request; what no version tracks (sales counts, hot words in the
header) may lag PAGE_TTL seconds, as the listing blocks already do (LISTING_TTL).
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from wanshang.analytics.services import SESSION_COOKIE, VISITOR_COOKIE, track_page
from wanshang.catalog.selectors import category_tree_version, listing_changed_at, listing_version
from wanshang.common.dbrouter import replica_safe_ttl
from wanshang.storefront.promo_display import splice_card_prices

PAGE_TTL = 120
PLACEHOLDER = "__ws_csrf_token__"
_TOKEN = re.compile(r"hx-headers='\{\"X-CSRFToken\": \"([A-Za-z0-9]+)\"")
_FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def _cookies_allowed() -> set[str]:
    return {VISITOR_COOKIE, SESSION_COOKIE, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}


def cacheable(request) -> bool:
    """A GET whose page is the same for every anonymous visitor (see the module's docstring)."""
    return (
        request.method == "GET"
        and request.headers.get("HX-Request") != "true"
        and set(request.COOKIES) <= _cookies_allowed()
        and not request.user.is_authenticated
    )


REPEATED_PARAMS = {"page", "sort"}  # a URL with other parameters (filters) is the long tail: not stored


def _storable(request) -> bool:
    """Only the URLs that repeat (a category, its sorts and pages) are stored: storing a ~150 KB page for a
    filtered URL nobody asks for again cost more than it saved (Run 9g)."""
    return set(request.GET) <= REPEATED_PARAMS


def _key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"storefront:page:{listing_version()}:{category_tree_version()}:{get_language()}:{path}"


def _finish(request, html: str) -> str:
    return splice_card_prices(html.replace(PLACEHOLDER, get_token(request)), buyer=request.user)


def _without_token(html: str) -> str | None:
    """The page with its CSRF token (one per render: `<body hx-headers>` and the language switcher's form)
    replaced by the placeholder; None when a form carries another token (not storable)."""
    found = _TOKEN.search(html)
    if not found:
        return None
    stored = html.replace(found.group(1), PLACEHOLDER)
    if any(value != PLACEHOLDER for value in _FORM_TOKEN.findall(stored)):
        return None
    return stored


def serve(request, render_page) -> HttpResponse:
    """`render_page()` returns the page's response with card prices still marked (not spliced); this serves
    it from the cache when it can, stores it when it may, and splices this visitor's prices in."""
    key = _key(request) if cacheable(request) and _storable(request) else None
    hit = cache.get(key) if key else None
    if hit is not None:
        html, about = hit
        track_page(request, **about)
        return HttpResponse(_finish(request, html))
    response = render_page()
    if response.status_code != 200 or response.streaming:
        return response
    html = response.content.decode()
    stored = _without_token(html) if key and not response.cookies else None
    if stored is not None:
        visit = getattr(request, "visit", None)
        about = dict(visit.page) if visit is not None else {}
        cache.set(key, (stored, about), replica_safe_ttl(PAGE_TTL, changed_at=listing_changed_at))
    response.content = splice_card_prices(html, buyer=request.user)
    return response
