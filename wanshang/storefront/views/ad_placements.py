"""The audience-ad row of a page (htmx fragment, `storefront/ad_placements.py`)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wanshang.storefront.ad_placements import PLACES, placement_ads
from wanshang.storefront.promo_display import card_overlay


@never_cache
@require_GET
def ad_row(request):
    """`place`: home / product (with `product`, the page's own product, never advertised beside itself) /
    cart / paid. Nothing to show is an empty answer, so the slot disappears."""
    place = request.GET.get("place", "")
    if place not in PLACES:
        return HttpResponse("", status=400)
    product = request.GET.get("product", "")
    # ASCII only: "²" passes str.isdigit() and fails int(); not an id either way
    product_id = int(product) if product.isascii() and product.isdigit() and len(product) <= 18 else None
    ads = placement_ads(request, place=place, product_id=product_id)
    if not ads:
        return HttpResponse("")
    overlay = card_overlay(buyer=request.user, products=[ad.product for ad, _url in ads])
    return render(request, "storefront/_ad_row.html", {"ads": ads, "place": place, "card_overlay": overlay})
