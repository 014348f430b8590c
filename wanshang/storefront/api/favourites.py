"""Storefront JSON API for 我的收藏 and the buyer's behaviour data (/api/store/…). Mounted into `api.router`.

Same services as the web pages: `catalog.services.favourite_add/remove` (the `fav` event is recorded after
commit) and `insights.privacy.buyer_events_delete`.
"""

from datetime import datetime

from ninja import Field as SchemaField
from ninja import Router, Schema

from wanshang.catalog.selectors import favourite_list
from wanshang.catalog.services import favourite_add, favourite_remove
from wanshang.common.api_paging import page_query, page_size_query
from wanshang.common.errors import NotFound
from wanshang.insights.services import buyer_events_delete
from wanshang.storefront.api import serializers as out
from wanshang.storefront.api.schemas import AUTHED_ERRORS, Error, ProductCard
from wanshang.storefront.promo_display import card_overlay

router = Router()


class FavouriteIn(Schema):
    product_id: int


class FavouriteOut(Schema):
    product_id: int
    favourited_at: datetime
    buyable: bool = SchemaField(..., description="商品仍在售（店铺营业中）；否则为已失效，只能取消收藏")
    product: ProductCard


class FavouritePage(Schema):
    count: int
    page: int
    pages: int
    items: list[FavouriteOut]


class EventsDeletedOut(Schema):
    deleted: int = SchemaField(..., description="删除的行为记录条数")


def _favourite(fav, overlay=None) -> dict:
    buyable = getattr(fav, "buyable", None)
    if buyable is None:
        buyable = fav.product.status == "on_sale" and fav.product.shop.status == "open"
    return {
        "product_id": fav.product_id,
        "favourited_at": fav.created_at,
        "buyable": buyable,
        "product": out.product_card(fav.product, overlay if buyable else None),
    }


@router.get(
    "/favourites",
    response={200: FavouritePage, **AUTHED_ERRORS},
    summary="我的收藏（最新在前；已失效的商品 buyable=false）",
)
def favourites(request, page: int = page_query(), page_size: int = page_size_query(20)):
    data = out.page_of(favourite_list(user=request.user), page=page, per_page=page_size, item=lambda f: f)
    overlay = card_overlay(buyer=request.user, products=[f.product for f in data["items"] if f.buyable])
    data["items"] = [_favourite(f, overlay) for f in data["items"]]
    return data


@router.get(
    "/favourites/{product_id}",
    response={200: FavouriteOut, 404: Error, **AUTHED_ERRORS},
    summary="是否已收藏该商品",
)
def favourite_get(request, product_id: int):
    fav = favourite_list(user=request.user).filter(product_id=product_id).first()
    if fav is None:
        raise NotFound("未收藏该商品", field="product_id")
    return _favourite(fav, card_overlay(buyer=request.user, products=[fav.product] if fav.buyable else []))


@router.post(
    "/favourites",
    response={200: FavouriteOut, 201: FavouriteOut, 400: Error, 404: Error, **AUTHED_ERRORS},
    summary="收藏商品（重复收藏不报错：已收藏时返回 200，新收藏 201）",
)
def favourite_create(request, payload: FavouriteIn):
    fav, created = favourite_add(user=request.user, product_id=payload.product_id)
    return (201 if created else 200), _favourite(
        fav, card_overlay(buyer=request.user, products=[fav.product])
    )


@router.delete(
    "/favourites/{product_id}",
    response={204: None, **AUTHED_ERRORS},
    summary="取消收藏（未收藏时同样返回 204）",
)
def favourite_delete(request, product_id: int):
    favourite_remove(user=request.user, product_id=product_id)
    return 204, None


@router.delete(
    "/me/events",
    response={200: EventsDeletedOut, 401: Error},
    summary="删除我的浏览和行为记录（订单、支付、退款记录保留）",
)
def my_events_delete(request):
    """Deletes the buyer's page views, searches, time on page, cart and favourite actions and the statistics
    events of their orders, payments and refunds. The orders, payments and refunds themselves are kept."""
    return {"deleted": buyer_events_delete(user_id=request.user.pk)}
