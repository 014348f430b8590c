"""Seller JSON API for 库存计划 and 入库单 (/api/seller/stock-plan…, /api/seller/inbound-receipts…): the same
selectors and services as the pages. The shop is the caller's; another shop's receipt ids are 404.
Permission stock.edit."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictBool, StrictInt

from wanshang.common.api_paging import Paged
from wanshang.common.errors import ValidationError
from wanshang.inventory.selectors import (
    PLAN_SORTS,
    PLAN_WINDOWS,
    plan_settings_get,
    receipt_get,
    receipt_list,
    stock_plan,
)
from wanshang.inventory.services import (
    plan_settings_save,
    receipt_cancel,
    receipt_create,
    receipt_receive,
    receipt_submit,
    sku_plan_save,
)
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
AUTH = seller_auth(P.STOCK_EDIT)


class StockPlanRowOut(Schema):
    sku_id: int = Field(alias="sku.pk")
    product_id: int = Field(alias="sku.product_id")
    title: str = Field(alias="sku.product.title")
    spec_text: str = Field(alias="sku.spec_text")
    available: int
    in_transit: int = Field(description="在途：未收完的入库单的待收数量")
    in_transit_in_lead: int = Field(description="提前期内预计到货的在途数量（计入可售天数）")
    daily_rate: float = Field(description="日均销量（统计窗口内付款扣减减去退款回库，除以天数）")
    cover_days: float | None = Field(description="可售天数；没有销量时为 null（页面显示“—”）")
    reorder_point: int
    suggested: int = Field(description="建议补货量，已按箱规向上取整")
    pack_size: int
    needs_reorder: bool

    @staticmethod
    def resolve_daily_rate(obj) -> float:
        return round(float(obj.rate), 3)

    @staticmethod
    def resolve_cover_days(obj) -> float | None:
        return None if obj.cover_days is None else round(float(obj.cover_days), 2)


class StockPlanSettingsOut(Schema):
    lead_days: int
    safety_days: int
    safety_units: int | None
    review_days: int
    window_days: int
    campaign_uplift_pct: int
    campaign_horizon_days: int


class StockPlanSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    lead_days: StrictInt = Field(description="采购提前期（天），0–365")
    safety_days: StrictInt = Field(description="安全库存天数，0–365")
    safety_units: StrictInt | None = Field(None, description="安全库存件数；填写则代替天数")
    review_days: StrictInt = Field(description="补货周期（天），0–365")
    window_days: StrictInt = Field(description=f"销量统计窗口：{' / '.join(map(str, PLAN_WINDOWS))}")
    campaign_uplift_pct: StrictInt = Field(description="活动期间销量倍数（%），100–5000")
    campaign_horizon_days: StrictInt = Field(description="活动开始前多少天开始预警，1–90")


class StockPlanSkuOut(Schema):
    sku_id: int
    lead_days: int | None
    safety_units: int | None
    pack_size: int


class StockPlanSkuIn(Schema):
    model_config = ConfigDict(extra="forbid")
    lead_days: StrictInt | None = Field(None, description="采购提前期（天）；null 用店铺设置")
    safety_units: StrictInt | None = Field(None, description="安全库存件数；null 用店铺设置")
    pack_size: StrictInt = Field(1, description="箱规，建议补货量按它向上取整，1–10000")


class InboundLineOut(Schema):
    id: int
    sku_id: int
    title: str = Field(alias="sku.product.title")
    spec_text: str = Field(alias="sku.spec_text")
    quantity: int
    received: int
    remaining: int


class InboundReceiptOut(Schema):
    id: int
    no: str
    status: str = Field(description="draft / in_transit / partly_received / received / cancelled")
    status_label: str = Field(alias="get_status_display")
    warehouse_id: int
    warehouse_name: str = Field(alias="warehouse.name")
    supplier_name: str
    expected_date: date
    note: str
    created_at: datetime
    lines: list[InboundLineOut] = Field(alias="lines.all")


class InboundLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    sku_id: StrictInt
    quantity: StrictInt = Field(description="应收数量，1–1000000")


class InboundReceiptIn(Schema):
    model_config = ConfigDict(extra="forbid")
    warehouse_id: StrictInt
    supplier_name: str = Field(max_length=60)
    expected_date: date = Field(description="预计到货日期，不早于今天、一年以内")
    note: str = Field("", max_length=200)
    lines: list[InboundLineIn] = Field(max_length=100)
    submit: StrictBool = Field(False, description="true：直接标记为在途（供应商已发货）")


class InboundReceiveLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    line_id: StrictInt
    quantity: StrictInt = Field(description="本次收货数量，不超过待收数量")


class InboundReceiveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    lines: list[InboundReceiveLineIn] = Field(max_length=100)


@router.get(
    "/stock-plan",
    response={200: list[StockPlanRowOut], **ERRORS},
    summary="库存计划：每个 SKU 的可售、在途、日均销量、可售天数、补货点、建议补货量",
    description=f"`sort`：{' / '.join(PLAN_SORTS)}；`needs_reorder=true` 只看需补货；`q`：商品名或条码。",
    auth=AUTH,
)
@paginate(Paged, page_size=50, max_page_size=200)
def seller_stock_plan(
    request, q: str = Query("", max_length=60), needs_reorder: bool = False, sort: str = "cover"
):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    return stock_plan(shop=staff.shop, q=q.strip(), needs_only=needs_reorder, sort=sort)


@router.get(
    "/stock-plan/settings", response={200: StockPlanSettingsOut, **ERRORS}, summary="库存计划设置", auth=AUTH
)
def seller_stock_plan_settings(request):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    return plan_settings_get(shop=staff.shop)


@router.put(
    "/stock-plan/settings",
    response={200: StockPlanSettingsOut, **ERRORS},
    summary="修改库存计划设置",
    auth=AUTH,
)
def seller_stock_plan_settings_save(request, payload: StockPlanSettingsIn):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    return plan_settings_save(shop=staff.shop, **payload.model_dump())


@router.put(
    "/stock-plan/skus/{sku_id}",
    response={200: StockPlanSkuOut, **ERRORS},
    summary="单个 SKU 的补货参数（提前期、安全库存、箱规）",
    auth=AUTH,
)
def seller_stock_plan_sku_save(request, sku_id: int, payload: StockPlanSkuIn):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    return sku_plan_save(shop=staff.shop, sku_id=sku_id, **payload.model_dump())


@router.get(
    "/inbound-receipts",
    response={200: list[InboundReceiptOut], **ERRORS},
    summary="入库单列表",
    description="`status`：draft / in_transit / partly_received / received / cancelled，空为全部。",
    auth=AUTH,
)
@paginate(Paged, page_size=20, max_page_size=100)
def seller_inbound_receipts(request, status: str = ""):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    return receipt_list(shop=staff.shop, status=status).prefetch_related("lines__sku__product")


@router.post(
    "/inbound-receipts",
    response={201: InboundReceiptOut, **ERRORS},
    summary="新建入库单（采购在途）",
    auth=AUTH,
)
def seller_inbound_receipt_create(request, payload: InboundReceiptIn):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    receipt = receipt_create(
        shop=staff.shop,
        warehouse_id=payload.warehouse_id,
        supplier_name=payload.supplier_name,
        expected_date=payload.expected_date,
        note=payload.note,
        lines=[(line.sku_id, line.quantity) for line in payload.lines],
        actor=request.user,
        submit=payload.submit,
    )
    return 201, receipt_get(shop=staff.shop, receipt_id=receipt.pk)


@router.get(
    "/inbound-receipts/{receipt_id}",
    response={200: InboundReceiptOut, **ERRORS},
    summary="入库单详情",
    auth=AUTH,
)
def seller_inbound_receipt(request, receipt_id: int):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    return receipt_get(shop=staff.shop, receipt_id=receipt_id)


@router.post(
    "/inbound-receipts/{receipt_id}/submit",
    response={200: InboundReceiptOut, **ERRORS},
    summary="标记为在途（草稿 → 在途）",
    auth=AUTH,
)
def seller_inbound_receipt_submit(request, receipt_id: int):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    receipt_submit(shop=staff.shop, receipt_id=receipt_id)
    return receipt_get(shop=staff.shop, receipt_id=receipt_id)


@router.post(
    "/inbound-receipts/{receipt_id}/cancel",
    response={200: InboundReceiptOut, **ERRORS},
    summary="取消入库单（草稿、在途或部分收货）",
    auth=AUTH,
)
def seller_inbound_receipt_cancel(request, receipt_id: int):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    receipt_cancel(shop=staff.shop, receipt_id=receipt_id)
    return receipt_get(shop=staff.shop, receipt_id=receipt_id)


@router.post(
    "/inbound-receipts/{receipt_id}/receive",
    response={200: InboundReceiptOut, **ERRORS},
    summary="收货入库（全部明细一起成功或都不生效）",
    auth=AUTH,
)
def seller_inbound_receipt_receive(request, receipt_id: int, payload: InboundReceiveIn):
    staff = staff_require(user=request.user, perm=P.STOCK_EDIT)
    quantities = {line.line_id: line.quantity for line in payload.lines}
    if len(quantities) != len(payload.lines):
        raise ValidationError("同一明细只能出现一次", field="lines")
    receipt_receive(shop=staff.shop, receipt_id=receipt_id, quantities=quantities, actor=request.user)
    return receipt_get(shop=staff.shop, receipt_id=receipt_id)
