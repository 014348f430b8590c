"""Seller JSON API for 门店 and 到店自提 (/api/seller/stores…, /api/seller/pickups…).

Stores: list, create, read, change, assign 门店 staff (permission store.edit). Pickups: the pickup orders of the
stores the caller may verify at, and the 核销 itself (pickup.verify: a 门店 member only at their own stores).
The shop is the caller's; another shop's ids are 404. The pickup code is never sent to the seller side: the
buyer shows it.
"""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool

from wanshang.common.api_paging import Paged
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message
from wanshang.stores.selectors import seller_pickup_get, staff_pickups, store_get, store_list, store_staff_ids
from wanshang.stores.services import pickup_verify, store_create, store_staff_set, store_update

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}


class SellerStoreOut(Schema):
    id: int
    name: str
    district_code: str
    region_text: str
    detail: str
    phone: str
    hours: str
    warehouse_id: int
    warehouse_name: str = Field(alias="warehouse.name")
    pickup_enabled: bool
    latitude: Decimal | None
    longitude: Decimal | None
    staff_user_ids: list[int] = Field(description="指派到该门店的“门店”角色员工（用户 id）")

    @staticmethod
    def resolve_staff_user_ids(obj):
        return store_staff_ids(shop=obj.shop, store_id=obj.pk)


class SellerStoreIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=60)
    district_code: str = Field(max_length=12, description="区县编码（GB/T 2260），如 110105")
    detail: str = Field(max_length=200)
    phone: str = Field(max_length=20)
    hours: str = Field(max_length=100, description="营业时间，如 09:00-21:00 或 周一至周五 09:00-18:00")
    warehouse_id: int = Field(description="供货仓库：到店自提的库存从这里扣")
    pickup_enabled: StrictBool = True
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)


class SellerStoreStaffIn(Schema):
    model_config = ConfigDict(extra="forbid")
    user_ids: list[int] = Field(
        max_length=100, description="本店“门店”角色员工的用户 id；空列表：取消全部指派"
    )


class SellerPickupLineOut(Schema):
    title: str
    spec_text: str
    quantity: int


class SellerPickupOut(Schema):
    id: int
    order_id: int
    order_no: str = Field(alias="order.no")
    store_id: int
    store_name: str = Field(alias="store.name")
    status: str = Field(description="waiting（待自提）/ picked_up / expired / cancelled")
    status_label: str = Field(alias="get_status_display")
    total_fen: int = Field(alias="order.total_fen")
    paid_at: datetime | None
    expires_at: datetime | None
    picked_up_at: datetime | None
    lines: list[SellerPickupLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.order.lines.all())


class SellerPickupVerifyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    store_id: int = Field(description="核销所在门店（门店员工只能选自己的门店）")
    code: str = Field(max_length=20, description="买家出示的 8 位提货码（或扫码所得）")


def _store_fields(payload: SellerStoreIn) -> dict:
    return payload.dict()


@router.get(
    "/stores",
    response={200: list[SellerStoreOut], **ERRORS},
    summary="门店列表",
    auth=seller_auth(P.STORE_EDIT),
)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_stores(request):
    staff = staff_require(user=request.user, perm=P.STORE_EDIT)
    return store_list(shop=staff.shop)


@router.post(
    "/stores", response={201: SellerStoreOut, **ERRORS}, summary="新建门店", auth=seller_auth(P.STORE_EDIT)
)
def seller_store_create(request, payload: SellerStoreIn):
    staff = staff_require(user=request.user, perm=P.STORE_EDIT)
    store = store_create(shop=staff.shop, **_store_fields(payload))
    return 201, store_get(shop=staff.shop, store_id=store.pk)


@router.get(
    "/stores/{store_id}",
    response={200: SellerStoreOut, **ERRORS},
    summary="门店详情",
    auth=seller_auth(P.STORE_EDIT),
)
def seller_store(request, store_id: int):
    staff = staff_require(user=request.user, perm=P.STORE_EDIT)
    return store_get(shop=staff.shop, store_id=store_id)


@router.put(
    "/stores/{store_id}",
    response={200: SellerStoreOut, **ERRORS},
    summary="修改门店（含开关到店自提）",
    auth=seller_auth(P.STORE_EDIT),
)
def seller_store_update(request, store_id: int, payload: SellerStoreIn):
    staff = staff_require(user=request.user, perm=P.STORE_EDIT)
    store_update(shop=staff.shop, store_id=store_id, **_store_fields(payload))
    return store_get(shop=staff.shop, store_id=store_id)


@router.put(
    "/stores/{store_id}/staff",
    response={200: SellerStoreOut, **ERRORS},
    summary="指派门店员工",
    auth=seller_auth(P.STORE_EDIT),
)
def seller_store_staff(request, store_id: int, payload: SellerStoreStaffIn):
    staff = staff_require(user=request.user, perm=P.STORE_EDIT)
    store_staff_set(shop=staff.shop, store_id=store_id, user_ids=payload.user_ids)
    return store_get(shop=staff.shop, store_id=store_id)


@router.get(
    "/pickups",
    response={200: list[SellerPickupOut], **ERRORS},
    summary="自提订单（你可核销的门店）",
    description="`status`：waiting（默认）/ picked_up / expired / cancelled / all；`store_id`：只看一家门店。",
    auth=seller_auth(P.PICKUP_VERIFY),
)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_pickups(request, status: str = "waiting", store_id: int | None = None):
    staff = staff_require(user=request.user, perm=P.PICKUP_VERIFY)
    return staff_pickups(staff=staff, store_id=store_id, status=status).prefetch_related("order__lines")


@router.post(
    "/pickups/verify",
    response={200: SellerPickupOut, 429: Message, **ERRORS},
    summary="核销提货码（订单变为已收货并完成）",
    description="错误：400 提货码格式不对或不正确（`code`=wrong_code，会计入错误次数）；409 已核销（already_used）、"
    "属于其他门店（other_store）、已超期（expired）或已取消（closed）；404 门店不可用；429 连续输错被暂时锁定。",
    auth=seller_auth(P.PICKUP_VERIFY),
)
def seller_pickup_verify(request, payload: SellerPickupVerifyIn):
    staff = staff_require(user=request.user, perm=P.PICKUP_VERIFY)
    pickup = pickup_verify(staff=staff, store_id=payload.store_id, code=payload.code)
    return seller_pickup_get(staff=staff, pickup_id=pickup.pk)
