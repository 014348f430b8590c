"""Storefront JSON API for recommendations (/api/store/recommendations…): the rows the pages show.

看了又看 / 买了又买 beside a product, and 猜你喜欢 for the caller (signed in: from their history; anonymous: the
mall's popular products). Both are short ranked lists (at most MAX_ITEMS), paged the API's one way. Only
products a buyer can buy now come back (on sale, open shop, in stock); see wanshang/recommendations/selectors.py.
"""

from functools import partial
from typing import Literal

from ninja import Path, Query, Router
from ninja.pagination import paginate

from wanshang.analytics.selectors import visitor_of
from wanshang.catalog.selectors import product_get_public
from wanshang.common.api_paging import Paged, Rows
from wanshang.recommendations.selectors import for_you, related_products
from wanshang.storefront.api.promotions import OPTIONAL_AUTH
from wanshang.storefront.api.schemas import PUBLIC_ERRORS, Error, ProductCard
from wanshang.storefront.promo_display import with_card_prices

MAX_ITEMS = 30

router = Router(tags=["storefront: recommendations"])


@router.get(
    "/recommendations/product/{product_id}",
    auth=OPTIONAL_AUTH,
    response={200: list[ProductCard], **PUBLIC_ERRORS},
    summary="看了又看 / 买了又买（商品页推荐）",
)
@paginate(Paged, page_size=10, max_page_size=MAX_ITEMS)
def product_recommendations(
    request,
    product_id: int = Path(..., ge=1, le=2**62),
    kind: Literal["co_viewed", "co_bought"] = Query(
        "co_viewed",
        description="co_viewed 看了又看（同一访客同一天浏览过）/ co_bought 买了又买（同一买家购买过）",
    ),
    **kwargs,
):
    """Products related to `product_id` (on sale, else 404), best first. 看了又看 is topped up with the popular
    products of the same category when the product has few neighbours yet; 买了又买 is not."""
    product = product_get_public(product_id=product_id)
    rows = related_products(product=product, kind=kind, limit=MAX_ITEMS)
    return Rows(rows, partial(with_card_prices, buyer=request.user))


@router.get(
    "/recommendations/for-you",
    auth=OPTIONAL_AUTH,
    response={200: list[ProductCard], 422: Error},
    summary="猜你喜欢（按浏览、加购、收藏与购买记录个性化；新访客为热门商品）",
)
@paginate(Paged, page_size=10, max_page_size=MAX_ITEMS)
def recommendations_for_you(request, **kwargs):
    """For a signed-in buyer: from their recent product views, carts and favourites (web and API) and their
    purchases (not offered again). Anonymous callers get the mall's popular products."""
    user = request.user
    user_id = user.pk if user is not None and user.is_authenticated else None
    rows = for_you(visitor=visitor_of(user_id=user_id), user_id=user_id, limit=MAX_ITEMS)
    return Rows(rows, partial(with_card_prices, buyer=user))
