"""Buyer tracking API (/api/store/orders/{id}/packages): the packages of my order and their timelines, oldest
point first. Another buyer's order is 404."""

from ninja import Router

from wanshang.faces_common.shipping_schemas import PackageBase, PackageLineBase, TrackPointBase
from wanshang.orders.selectors import buyer_order_get
from wanshang.shipping.selectors import buyer_timeline
from wanshang.storefront.api.schemas import ERRORS

router = Router()


class StoreTrackPointOut(TrackPointBase):
    pass


class StorePackageLineOut(PackageLineBase):
    pass


class StorePackageOut(PackageBase):
    lines: list[StorePackageLineOut]
    timeline: list[StoreTrackPointOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_timeline(obj):
        return list(obj.events.all())


@router.get(
    "/orders/{order_id}/packages",
    response={200: list[StorePackageOut], **ERRORS},
    summary="订单物流跟踪（包裹与轨迹）",
)
def order_packages(request, order_id: int):
    return buyer_timeline(order=buyer_order_get(buyer=request.user, order_id=order_id))
