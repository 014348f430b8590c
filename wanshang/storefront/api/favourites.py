"""Storefront JSON API for 我的收藏 and the buyer's behaviour data (/api/store/…). Mounted into `api.router`.

Same services as the web pages: `catalog.services.favourite_add/remove` (the `fav` event is recorded after
commit) and `insights.privacy.buyer_events_delete`.
"""

from datetime import datetime
from functools import partial

from ninja import Field as SchemaField
from ninja import Router, Schema
from ninja.pagination import paginate

from wanshang.catalog.selectors import favourite_list
from wanshang.catalog.services import favourite_add, favourite_remove
from wanshang.common.api_paging import Paged, Rows
from wanshang.common.errors import NotFound
from wanshang.insights.services import buyer_events_delete
from wanshang.storefront.api.schemas import AUTHED_ERRORS, CSRF_ERRORS, Error, ProductCard
from wanshang.storefront.promo_display import with_card_prices

router = Router()


class FavouriteIn(Schema):
    product_id: int


def _buyable(fav) -> bool:
    """favourite_list annotates `buyable`; a favourite just added is checked here."""
    buyable = getattr(fav, "buyable", None)
    if buyable is None:
        buyable = fav.product.status == "on_sale" and fav.product.shop.status == "open"
    return buyable


class FavouriteOut(Schema):
    """A favourite; its product's card price is set by `_priced` (none for a product no longer on sale)."""

    product_id: int
    favourited_at: datetime = SchemaField(alias="created_at")
    buyable: bool = SchemaField(..., description="商品仍在售（店铺营业中）；否则为已失效，只能取消收藏")
    product: ProductCard

    @staticmethod
    def resolve_buyable(fav) -> bool:
        return _buyable(fav)


class EventsDeletedOut(Schema):
    deleted: int = SchemaField(..., description="删除的行为记录条数")


def _priced(favourites, *, buyer) -> list:
    """The favourites, the products still on sale with this buyer's card price now."""
    favourites = list(favourites)
    with_card_prices([f.product for f in favourites if _buyable(f)], buyer=buyer)
    return favourites


@router.get(
    "/favourites",
    response={200: list[FavouriteOut], **AUTHED_ERRORS},
    summary="我的收藏（最新在前；已失效的商品 buyable=false）",
)
@paginate(Paged, page_size=20, max_page_size=100)
def favourites(request):
    return Rows(favourite_list(user=request.user), partial(_priced, buyer=request.user))


@router.get(
    "/favourites/{product_id}",
    response={200: FavouriteOut, 404: Error, **AUTHED_ERRORS},
    summary="是否已收藏该商品",
)
def favourite_get(request, product_id: int):
    fav = favourite_list(user=request.user).filter(product_id=product_id).first()
    if fav is None:
        raise NotFound("未收藏该商品", field="product_id")
    return _priced([fav], buyer=request.user)[0]


@router.post(
    "/favourites",
    response={200: FavouriteOut, 201: FavouriteOut, 400: Error, 404: Error, **AUTHED_ERRORS, **CSRF_ERRORS},
    summary="收藏商品（重复收藏不报错：已收藏时返回 200，新收藏 201）",
)
def favourite_create(request, payload: FavouriteIn):
    fav, created = favourite_add(user=request.user, product_id=payload.product_id)
    return (201 if created else 200), _priced([fav], buyer=request.user)[0]


@router.delete(
    "/favourites/{product_id}",
    response={204: None, **AUTHED_ERRORS, **CSRF_ERRORS},
    summary="取消收藏（未收藏时同样返回 204）",
)
def favourite_delete(request, product_id: int):
    favourite_remove(user=request.user, product_id=product_id)
    return 204, None


@router.delete(
    "/me/events",
    response={200: EventsDeletedOut, 401: Error, **CSRF_ERRORS},
    summary="删除我的浏览和行为记录（订单、支付、退款记录保留）",
)
def my_events_delete(request):
    """Deletes the buyer's page views, searches, time on page, cart and favourite actions and the statistics
    events of their orders, payments and refunds. The orders, payments and refunds themselves are kept."""
    return EventsDeletedOut(deleted=buyer_events_delete(user_id=request.user.pk))
