"""The ads' click redirect: a signed link from a search page (or another placement) → the click spooled (the
`ads.ingest` job records it and charges it when valid) → the product page with a signed `?ad=` marker, so the
landing counts as 付费流量 under 直通车, 引力魔方 or 全站推广 by the clicked plan's kind (analytics/sources.py: the
marker is analytics', the kind is ads'; this view joins them)."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wanshang.ads.selectors import group_plan_kind
from wanshang.ads.services import click_record
from wanshang.analytics.services import paid_marker

# AdPlan.Kind → analytics' level-2 paid source
AD_SOURCES = {"keyword": "ads_kw", "audience": "ads_aud", "auto": "ads_auto"}


@never_cache
@require_GET
def ad_click(request):
    """A forged or altered link is a 400 (nothing spooled); a used one goes to the product and is dropped
    uncharged by the ingest job."""
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
    source = AD_SOURCES.get(group_plan_kind(group_id=outcome.group_id), "ads")
    response = redirect(f"{url}?{urlencode({'ad': paid_marker(source)})}")
    response["X-Robots-Tag"] = "noindex"
    return response
