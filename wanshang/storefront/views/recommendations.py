"""Recommendation rows (看了又看, 买了又买, 猜你喜欢) as page fragments.

The product, cart, order-complete and home pages hold a slot (storefront/_recs_slot.html) that htmx fills from
these views once the page has loaded: the rows are per visitor, so they stay out of the pages' own queries and
caches, and a slow recommendation never delays the page."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from wanshang.catalog.selectors import product_get_public, skus_by_ids
from wanshang.checkout.selectors import cart_items
from wanshang.orders.selectors import products_of_payment
from wanshang.recommendations.selectors import after_purchase, for_you, related_products
from wanshang.recommendations.types import RelatedKind
from wanshang.storefront.promo_display import card_overlay

PLACES = {"home": 20, "cart": 10, "paid": 10}


def _who(request) -> tuple[str, int | None]:
    visit = getattr(request, "visit", None)
    user = request.user
    return (visit.visitor if visit else ""), (user.pk if user.is_authenticated else None)


def _rows(request, rows) -> dict:
    shown = [p for _kind, _title, products in rows for p in products]
    return {
        "rows": [r for r in rows if r[2]],
        "card_overlay": card_overlay(buyer=request.user, products=shown),
    }


@require_GET
def product_rows(request, product_id):
    """看了又看 and 买了又买 beside a product page."""
    product = product_get_public(product_id=product_id)
    rows = [
        (kind.value, kind.label, related_products(product=product, kind=kind, limit=5))
        for kind in (RelatedKind.CO_VIEWED, RelatedKind.CO_BOUGHT)
    ]
    return render(request, "storefront/_recs_rows.html", _rows(request, rows))


@require_GET
def feed(request):
    """猜你喜欢: `place` home (the feed), cart (seeded by the cart's products) or paid (`payment`: the buyer's
    payment number; 买了又买 of what was just bought first)."""
    place = request.GET.get("place", "home")
    limit = PLACES.get(place, PLACES["home"])
    visitor, user_id = _who(request)
    title = RelatedKind.CO_BOUGHT.label if place == "paid" else _("猜你喜欢")
    if place == "paid" and user_id:
        bought = products_of_payment(buyer_id=user_id, payment_no=request.GET.get("payment", "")[:40])
        products = after_purchase(product_ids=bought, visitor=visitor, user_id=user_id, limit=limit)
    elif place == "cart" and user_id:
        skus = skus_by_ids(sku_ids=[item.sku_id for item in cart_items(user=request.user)])
        in_cart = list(dict.fromkeys(sku.product_id for sku in skus.values()))
        products = for_you(visitor=visitor, user_id=user_id, limit=limit, also_seen=in_cart)
    else:
        products = for_you(visitor=visitor, user_id=user_id, limit=limit)
    return render(request, "storefront/_recs_rows.html", _rows(request, [("for_you", title, products)]))
