"""Who is visiting: the visitor cookie, the session, and the page view of each storefront request.

`TrackingMiddleware` gives every storefront visitor a random id (`wsv` cookie, two years; no IP is kept)
and a session (`wss`, 30 minutes of inactivity), sets the current `Visit` for the request, and appends a
page view for each full storefront page it served. Services that record a visitor's action (add to cart,
favourite, order) read the current visit with `current_visit()`; outside a request (a job, the API without
cookies) there is none, and events fall back to the buyer (`u<id>`).
"""

import contextvars
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.http.request import split_domain_port
from django.utils import timezone

from wanshang.analytics.collector import EventRecord, spool
from wanshang.analytics.sources import SOURCES, classify

VISITOR_COOKIE = "wsv"
SESSION_COOKIE = "wss"
SESSION_SECONDS = 30 * 60
VISITOR_SECONDS = 2 * 365 * 24 * 3600

# url name → page type, for the storefront's pages
PAGE_TYPES = {
    "home": "home",
    "search": "search",
    "category": "category",
    "categories": "category",
    "product": "product",
    "shop": "shop",
    "flash_board": "activity",
    "coupon_center": "activity",
    "group_team": "activity",
    "cart": "cart",
    "checkout": "checkout",
    "cashier": "checkout",
    "orders": "order",
    "order_detail": "order",
    "my_coupons": "mine",
    "my_points": "mine",
    "my_favourites": "mine",
    "my_privacy": "mine",
}
_MOBILE_HINTS = ("Mobile", "Android", "iPhone", "MicroMessenger")


@dataclass
class Visit:
    visitor: str
    session: str = ""
    user_id: int | None = None
    terminal: str = ""
    clock: datetime | None = None  # the simulator's time; None = now
    page: dict = field(default_factory=dict)  # what the view says the page was about (shop, product, …)
    source: str = ""  # how the view says the visitor arrived (source_declare), over the URL and referrer

    def now(self) -> datetime:
        return self.clock or timezone.now()


_current: contextvars.ContextVar[Visit | None] = contextvars.ContextVar("wanshang_visit", default=None)


def current_visit() -> Visit | None:
    return _current.get()


def visit_begin(visit: Visit):
    """Make `visit` current (returns the token for `visit_end`). The middleware and the simulator use it."""
    return _current.set(visit)


def visit_end(token) -> None:
    _current.reset(token)


def visitor_of(*, user_id: int | None) -> str:
    """The visitor id for an event now: the current visit's, else the buyer's stand-in."""
    visit = _current.get()
    if visit is not None and visit.visitor:
        return visit.visitor
    return f"u{user_id}" if user_id else ""


def track(
    kind: str,
    *,
    user_id=None,
    shop_id=None,
    product_id=None,
    category_id=None,
    quantity: int = 0,
    amount_fen: int = 0,
    duration_ms: int = 0,
    page_type: str = "",
    query: str = "",
    source: str = "",
    ref_host: str = "",
) -> None:
    """Record one visitor action into the spool, stamped with the current visit."""
    visit = _current.get()
    user_id = user_id if user_id is not None else (visit.user_id if visit else None)
    spool(
        [
            EventRecord(
                kind=kind,
                ts=visit.now() if visit else timezone.now(),
                visitor=visitor_of(user_id=user_id),
                session=visit.session if visit else "",
                user_id=user_id,
                shop_id=shop_id,
                product_id=product_id,
                category_id=category_id,
                page_type=page_type,
                source=source,
                ref_host=ref_host,
                query=query[:100],
                terminal=visit.terminal if visit else "",
                quantity=quantity,
                amount_fen=amount_fen,
                duration_ms=duration_ms,
            )
        ]
    )


def track_page(request, **about) -> None:
    """A view says what its page is about: shop_id, product_id, category_id (merged into the page view)."""
    visit = _current.get()
    if visit is not None:
        visit.page.update({k: v for k, v in about.items() if v is not None})


def source_declare(code: str) -> None:
    """A view verified how its visitor arrived (a live affiliate link to this page): its page view counts under
    that level-2 source whatever the referrer says. Unknown codes are ignored; outside a visit, nothing."""
    visit = _current.get()
    if visit is not None and code in SOURCES:
        visit.source = code


def page_source(request) -> tuple[str, str]:
    """(level-2 source, external host) of the page a request shows, from its URL markers and its referrer."""
    host, _port = split_domain_port(request.get_host())
    own = {host.lower(), *(h.lower() for h in settings.ALLOWED_HOSTS if h != "*")}
    return classify(url_query=request.GET, referrer=request.headers.get("Referer", ""), own_hosts=own)


def request_visitor(request) -> str:
    """The visitor id of a request: the current visit's, else a valid `wsv` cookie sent to the JSON API, else
    the logged-in buyer's stand-in (`u<id>`), else ""."""
    visit = _current.get()
    if visit is not None and visit.visitor:
        return visit.visitor
    cookie = request.COOKIES.get(VISITOR_COOKIE, "")
    if _valid_id(cookie):
        return cookie
    user = getattr(request, "user", None)
    return f"u{user.pk}" if user is not None and user.is_authenticated else ""


def track_view(
    request,
    *,
    page_type: str,
    shop_id=None,
    product_id=None,
    category_id=None,
    query: str = "",
    source: str = "",
) -> None:
    """A page view read through the JSON API (a product, a search): the same `pv` a storefront page records.
    Outside a cookie visit the buyer stands in as the visitor (`u<id>`), or "" for an anonymous caller.
    `source`: what the caller verified (as `source_declare`), else the URL and referrer decide."""
    user = getattr(request, "user", None)
    visit = _current.get()
    user_id = visit.user_id if visit else (user.pk if user is not None and user.is_authenticated else None)
    source, ref_host = (source, "") if source in SOURCES else page_source(request)
    track(
        "pv",
        user_id=user_id,
        shop_id=shop_id,
        product_id=product_id,
        category_id=category_id,
        page_type=page_type,
        source=source,
        ref_host=ref_host,
        query=(query or "").strip(),
    )


def _new_id() -> str:
    return secrets.token_hex(16)


def _valid_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def _is_page(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and match is not None
        and match.namespace == "storefront"
        and match.url_name in PAGE_TYPES
        and request.headers.get("HX-Request") != "true"
        and response.get("Content-Type", "").startswith("text/html")
    )


class TrackingMiddleware:
    """Visitor and session cookies, the current visit, and one page view per storefront page served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(("/static/", "/media/", "/api/", "/django-admin/")):
            return self.get_response(request)
        visitor = request.COOKIES.get(VISITOR_COOKIE, "")
        new_visitor = not _valid_id(visitor)
        if new_visitor:
            visitor = _new_id()
        session = request.COOKIES.get(SESSION_COOKIE, "")
        if not _valid_id(session):
            session = _new_id()
        agent = request.headers.get("User-Agent", "")
        user = getattr(request, "user", None)
        visit = Visit(
            visitor=visitor,
            session=session,
            user_id=user.pk if user is not None and user.is_authenticated else None,
            terminal="h5" if any(h in agent for h in _MOBILE_HINTS) else "pc",
        )
        request.visit = visit
        token = visit_begin(visit)
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)  # login() during the view replaces request.user
            if user is not None and user.is_authenticated:
                visit.user_id = user.pk
            if _is_page(request, response):
                self._page_view(request, visit)
        finally:
            visit_end(token)
        secure = settings.SESSION_COOKIE_SECURE
        if new_visitor:
            response.set_cookie(
                VISITOR_COOKIE, visitor, max_age=VISITOR_SECONDS, httponly=True, samesite="Lax", secure=secure
            )
        response.set_cookie(
            SESSION_COOKIE, session, max_age=SESSION_SECONDS, httponly=True, samesite="Lax", secure=secure
        )
        return response

    @staticmethod
    def _page_view(request, visit: Visit) -> None:
        page_type = PAGE_TYPES[request.resolver_match.url_name]
        source, ref_host = (visit.source, "") if visit.source else page_source(request)
        about = visit.page
        track(
            "pv",
            user_id=visit.user_id,
            shop_id=about.get("shop_id"),
            product_id=about.get("product_id"),
            category_id=about.get("category_id"),
            page_type=page_type,
            source=source,
            ref_host=ref_host,
            query=request.GET.get("q", "").strip() if page_type == "search" else "",
        )
