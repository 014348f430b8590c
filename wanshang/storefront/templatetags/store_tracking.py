"""The time-on-page beacon tag: `{% stay_beacon %}` in the storefront base template.

It renders the beacon script with the page's signed token, built from the page type (the url name, as the
tracking middleware sees it) and what the view said the page is about (`track_page` → `request.visit.page`).
Pages the middleware does not count as page views get no beacon."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from wanshang.analytics.services import stay_token
from wanshang.analytics.types import PAGE_TYPES

register = template.Library()


@register.simple_tag(takes_context=True)
def stay_beacon(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    visit = getattr(request, "visit", None)
    if visit is None or match is None or match.namespace != "storefront" or match.url_name not in PAGE_TYPES:
        return ""
    about = visit.page
    token = stay_token(
        page_type=PAGE_TYPES[match.url_name],
        shop_id=about.get("shop_id"),
        product_id=about.get("product_id"),
        category_id=about.get("category_id"),
    )
    return format_html(
        '<script src="{}" defer data-stay-url="{}" data-stay-token="{}"></script>',
        static("storefront/beacon.js"),
        reverse("storefront:stay_beacon"),
        token,
    )
