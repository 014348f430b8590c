"""Helpers shared by the storefront views: login for buyers (htmx-aware), safe redirects, htmx detection."""

from functools import wraps
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(request, candidate: str | None, default: str = "storefront:home") -> str:
    """`candidate` if it is a local URL, else `default` (a URL name or path)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def _back_path(request) -> str:
    """Where to come back to after logging in: the page for a GET, the referring page for a POST."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parsed = urlparse(referer)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return resolve_url("storefront:home")


def buyer_required(view):
    """Like login_required, but a POST or an htmx request comes back to the page it was made from."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        url = resolve_url(settings.LOGIN_URL) + "?" + urlencode({"next": _back_path(request)})
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)

    return wrapper


def int_or_none(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
