"""Seller JSON API for 发货与物流 (/api/seller/…): packages and their timelines, shipping a package (by hand or
with a 电子面单), batch 电子面单, the Excel import, labels and the pick list as PDF, the carrier account (the
AppKey is write-only), 物流异常. The shop is the caller's; another shop's ids are 404."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool

from wanshang.common.api_paging import Paged
from wanshang.common.errors import NotFound, ValidationError
from wanshang.faces_common.datacenter_api import export_doc
from wanshang.faces_common.shipping_schemas import PackageBase, PackageLineBase, TrackPointBase
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message
from wanshang.shipping.selectors import (
    STATE_LABELS,
    account_of,
    pick_list,
    seller_alert_list,
    seller_orders_by_ids,
    seller_shipment_get,
    seller_shipment_list,
    seller_shipments_by_ids,
)
from wanshang.shipping.services import (
    account_save,
    alert_resolve,
    document_labels,
    document_packing_slips,
    document_pick_list,
    shipment_create,
    shipments_batch_waybill,
    shipments_import,
)

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
PDF_DOC = export_doc("application/pdf")


class SellerTrackPointOut(TrackPointBase):
    code: str = Field(description="快递公司原始状态码（快递鸟 State/StateEx）")


class SellerPackageLineOut(PackageLineBase):
    pass


class SellerShipmentOut(PackageBase):
    order_no: str = Field(alias="order.no")
    provider: str = Field(description="sandbox / kdniao / manual")
    subscribed: bool = Field(description="已向快递鸟订阅轨迹推送")
    lines: list[SellerPackageLineOut]
    timeline: list[SellerTrackPointOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_timeline(obj):
        return list(obj.events.all())


class SellerShipLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    line_id: int = Field(ge=1, le=2**62)
    quantity: int = Field(ge=0, le=100000)


class SellerShipmentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    lines: list[SellerShipLineIn] | None = Field(
        None, max_length=200, description="本包裹各订单行的件数；省略则发出全部待发商品"
    )
    carrier: str = Field("", max_length=10, description="快递公司代码（SF、ZTO…）；waybill 为 true 时忽略")
    tracking_no: str = Field("", max_length=40)
    waybill: StrictBool = Field(False, description="由物流账户取电子面单号")


class SellerOrderIdsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    order_ids: list[int] = Field(min_length=1, max_length=100)


class SellerShipResultOut(Schema):
    row: int
    order_no: str
    ok: bool
    message: str
    shipment_id: int | None


class SellerPickRowOut(Schema):
    warehouse: str
    bin_location: str
    sku_id: int
    title: str
    spec_text: str
    quantity: int
    orders: list[str]


class SellerCarrierAccountOut(Schema):
    provider: str
    carrier: str
    ebusiness_id: str
    has_app_key: bool = Field(alias="has_key", description="AppKey 已保存（不返回其值）")
    sender_name: str
    sender_phone: str
    sender_province: str
    sender_city: str
    sender_district: str
    sender_address: str
    updated_at: datetime


class SellerCarrierAccountIn(Schema):
    model_config = ConfigDict(extra="forbid")
    provider: str = Field(description="sandbox / kdniao")
    carrier: str = Field(max_length=10)
    ebusiness_id: str = Field("", max_length=40)
    app_key: str = Field("", max_length=80, description="只写；留空保留已保存的 AppKey")
    sender_name: str = Field(max_length=30)
    sender_phone: str = Field(max_length=20)
    sender_province: str = Field(max_length=20)
    sender_city: str = Field(max_length=20)
    sender_district: str = Field("", max_length=20)
    sender_address: str = Field(max_length=120)


class SellerShipmentAlertOut(Schema):
    id: int
    kind: str = Field(description="stalled（物流停滞）/ problem（快递异常）")
    kind_label: str = Field(alias="get_kind_display")
    since: datetime
    note: str
    created_at: datetime
    resolved_at: datetime | None
    shipment_id: int
    order_no: str = Field(alias="shipment.order.no")
    tracking_no: str = Field(alias="shipment.tracking_no")


def _shop(request, perm):
    return staff_require(user=request.user, perm=perm).shop


def _pdf(data: bytes, name: str) -> HttpResponse:
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{name}"'
    return resp


def _ids(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or len(parts) > 100 or not all(p.isdigit() and len(p) < 19 for p in parts):
        raise ValidationError("ids 须为 1–100 个以逗号分隔的数字编号", field="ids")
    return list(dict.fromkeys(int(p) for p in parts))


@router.get(
    "/shipments",
    response={200: list[SellerShipmentOut], **ERRORS},
    summary="包裹列表（发货中心）",
    description=f"`state`：{' / '.join(STATE_LABELS)}；`q`：订单号或运单号。",
    auth=seller_auth(P.ORDER_VIEW),
)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_shipments(request, state: str = "", q: str = ""):
    if state and state not in STATE_LABELS:
        raise ValidationError("未知的物流状态", field="state")
    return seller_shipment_list(shop=_shop(request, P.ORDER_VIEW), state=state, q=q.strip()[:40])


@router.get(
    "/shipments/labels.pdf",
    response={200: None, **ERRORS},
    openapi_extra=PDF_DOC,
    summary="打印面单（100×150 mm，每个包裹一页）",
    auth=seller_auth(P.ORDER_SHIP),
)
def seller_labels(request, ids: str = Query(..., description="包裹编号，逗号分隔，最多 100 个")):
    shop = _shop(request, P.ORDER_SHIP)
    shipments = seller_shipments_by_ids(shop=shop, ids=_ids(ids))
    if not shipments:
        raise NotFound("包裹不存在")
    return _pdf(document_labels(shop=shop, shipments=shipments), "waybills.pdf")


@router.post(
    "/shipments/batch-waybill",
    response={200: list[SellerShipResultOut], **ERRORS},
    summary="批量电子面单发货（每单各自成败）",
    auth=seller_auth(P.ORDER_SHIP),
)
def seller_batch_waybill(request, payload: SellerOrderIdsIn):
    return shipments_batch_waybill(
        shop=_shop(request, P.ORDER_SHIP), order_ids=payload.order_ids, actor=request.user
    )


@router.post(
    "/shipments/import",
    response={200: list[SellerShipResultOut], **ERRORS},
    summary="Excel 导入发货（订单号、快递公司、运单号；逐行结果）",
    auth=seller_auth(P.ORDER_SHIP),
)
def seller_ship_import(request, file: File[UploadedFile]):
    return shipments_import(
        shop=_shop(request, P.ORDER_SHIP), data=file.read(2 * 1024 * 1024 + 1), actor=request.user
    )


@router.get(
    "/shipments/{shipment_id}",
    response={200: SellerShipmentOut, **ERRORS},
    summary="包裹详情与物流轨迹",
    auth=seller_auth(P.ORDER_VIEW),
)
def seller_shipment(request, shipment_id: int):
    return seller_shipment_get(shop=_shop(request, P.ORDER_VIEW), shipment_id=shipment_id)


@router.post(
    "/orders/{order_id}/shipments",
    response={201: SellerShipmentOut, **ERRORS},
    summary="发出一个包裹（分包裹发货或电子面单）",
    description="全部商品发出后订单变为已发货；已发出的件数不能再发（409/400）。",
    auth=seller_auth(P.ORDER_SHIP),
)
def seller_shipment_create(request, order_id: int, payload: SellerShipmentIn):
    shop = _shop(request, P.ORDER_SHIP)
    items = None if payload.lines is None else [(x.line_id, x.quantity) for x in payload.lines]
    shipment = shipment_create(
        shop=shop,
        order_id=order_id,
        carrier=payload.carrier,
        tracking_no=payload.tracking_no,
        items=items,
        waybill=payload.waybill,
        actor=request.user,
    )
    return 201, seller_shipment_get(shop=shop, shipment_id=shipment.pk)


@router.get(
    "/pick-list",
    response={200: list[SellerPickRowOut], **ERRORS},
    summary="拣货单（按仓库、库位、SKU 汇总）",
    auth=seller_auth(P.ORDER_SHIP),
)
def seller_pick_list(request, order_ids: str = Query(..., description="订单编号，逗号分隔，最多 100 个")):
    return pick_list(shop=_shop(request, P.ORDER_SHIP), order_ids=_ids(order_ids))


@router.get(
    "/pick-list.pdf",
    response={200: None, **ERRORS},
    openapi_extra=PDF_DOC,
    summary="拣货单 PDF",
    auth=seller_auth(P.ORDER_SHIP),
)
def seller_pick_list_pdf(request, order_ids: str = Query(...)):
    shop = _shop(request, P.ORDER_SHIP)
    return _pdf(
        document_pick_list(shop=shop, rows=pick_list(shop=shop, order_ids=_ids(order_ids))), "pick-list.pdf"
    )


@router.get(
    "/packing-slips.pdf",
    response={200: None, **ERRORS},
    openapi_extra=PDF_DOC,
    summary="装箱单 PDF（每单一页）",
    auth=seller_auth(P.ORDER_SHIP),
)
def seller_packing_slips(request, order_ids: str = Query(...)):
    shop = _shop(request, P.ORDER_SHIP)
    orders = seller_orders_by_ids(shop=shop, ids=_ids(order_ids))
    return _pdf(document_packing_slips(shop=shop, orders=orders), "packing-slips.pdf")


@router.get(
    "/shipping-account",
    response={200: SellerCarrierAccountOut, **ERRORS},
    summary="物流账户（AppKey 不返回）",
    auth=seller_auth(P.SHOP_EDIT),
)
def seller_carrier_account(request):
    account = account_of(shop=_shop(request, P.SHOP_EDIT))
    if account is None:
        raise NotFound("尚未设置物流账户")
    return account


@router.put(
    "/shipping-account",
    response={200: SellerCarrierAccountOut, **ERRORS},
    summary="设置物流账户",
    auth=seller_auth(P.SHOP_EDIT),
)
def seller_carrier_account_save(request, payload: SellerCarrierAccountIn):
    data = payload.dict()
    return account_save(
        shop=_shop(request, P.SHOP_EDIT),
        provider=data.pop("provider"),
        carrier=data.pop("carrier"),
        ebusiness_id=data.pop("ebusiness_id"),
        app_key=data.pop("app_key"),
        sender=data,
    )


@router.get(
    "/shipping-alerts",
    response={200: list[SellerShipmentAlertOut], **ERRORS},
    summary="物流异常",
    auth=seller_auth(P.ORDER_VIEW),
)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_shipping_alerts(request, all: bool = False):  # noqa: A002 - the query parameter's name
    return seller_alert_list(shop=_shop(request, P.ORDER_VIEW), open_only=not all)


@router.post(
    "/shipping-alerts/{alert_id}/resolve",
    response={200: SellerShipmentAlertOut, **ERRORS},
    summary="标记物流异常已处理",
    auth=seller_auth(P.ORDER_SHIP),
)
def seller_shipping_alert_resolve(request, alert_id: int):
    return alert_resolve(shop=_shop(request, P.ORDER_SHIP), alert_id=alert_id)
