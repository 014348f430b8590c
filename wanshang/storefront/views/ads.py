"""The keyword ads' click redirect: a signed link from a search page → the click recorded (and charged when
valid) → the product page with `?ad=<group>` so the visit counts as 付费流量 / 广告 (analytics/sources.py)."""

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wanshang.ads.services import click_record


@never_cache
@require_GET
def ad_click(request):
    """A forged or altered link is a 400 (nothing recorded); a used one goes to the product uncharged."""
    visit = getattr(request, "visit", None)
    user = request.user if request.user.is_authenticated else None
    outcome = click_record(
        token=request.GET.get("t", ""),
        visitor=visit.visitor if visit is not None else "",
        user_id=user.pk if user else None,
        user_agent=request.headers.get("User-Agent", ""),
        terminal=visit.terminal if visit is not None else "",
    )
    url = reverse("storefront:product", args=[outcome.product_id])
    response = redirect(f"{url}?ad={outcome.group_id}")
    response["X-Robots-Tag"] = "noindex"
    return response
