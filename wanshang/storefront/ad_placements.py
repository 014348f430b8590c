"""引力魔方 audience ads on the placements outside search: the home feed (猜你喜欢), the product page's
recommendation row, the cart and the payment-complete page. Each page holds a slot
(`storefront/_ad_placement.html`) that htmx fills after the page loaded, like the recommendation rows: the ads
are per visitor and per page view (their own auction, impressions and signed click links), so the pages and
their caches stay as they were. Each card is labelled 广告 and links through the signed click redirect."""

from wanshang.ads.services import audience_ads_serve
from wanshang.storefront.ad_slots import click_url

# the page's name for its slot → the ad placement (ads.traffic_models.Placement)
PLACES = {"home": "home", "product": "product", "cart": "cart", "paid": "order_done"}


def placement_ads(request, *, place: str, product_id: int | None = None) -> list[tuple]:
    """(ad, click URL) of this page view's audience ads at `place` ([] for an unknown place)."""
    placement = PLACES.get(place)
    if placement is None:
        return []
    visit = getattr(request, "visit", None)
    user = getattr(request, "user", None)
    ads = audience_ads_serve(
        placement=placement,
        visitor=visit.visitor if visit is not None else "",
        user_id=user.pk if user is not None and user.is_authenticated else None,
        terminal=visit.terminal if visit is not None else "pc",
        user_agent=request.headers.get("User-Agent", ""),
        exclude_product_ids=[product_id] if product_id else (),
    )
    return [(ad, click_url(ad.token)) for ad in ads]
