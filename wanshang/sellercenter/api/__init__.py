"""Seller center JSON API (/api/seller/…): the same services and selectors as the pages.

Every handler starts from the caller's staff membership (`staff_require`): the shop is never taken from the
request, so another shop's ids are 404. Non-staff and roles without the permission get 403 with the reason.
"""

from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from wanshang.adlaw.services import shop_settings_save
from wanshang.aftersales.selectors import REFUND_STATUS_LABELS, seller_refund_get, seller_refund_list
from wanshang.aftersales.services import refund_approve, refund_reject
from wanshang.catalog.selectors import SELLER_PRODUCT_TABS, seller_product_get, seller_products_in_tab
from wanshang.catalog.services import (
    ProductInput,
    SkuInput,
    product_save,
    product_set_status,
    sku_price_update,
)
from wanshang.common.api_paging import Paged, Rows
from wanshang.common.errors import ValidationError
from wanshang.compliance.selectors import price_alerts
from wanshang.compliance.services import price_alert_resolve
from wanshang.inventory.selectors import available_by_sku, seller_stock_list, warehouse_list
from wanshang.inventory.services import stock_adjust
from wanshang.marketing.selectors import (
    member_levels,
    promotion_get,
    promotion_list,
    promotion_preview,
    promotion_stacking_preview,
)
from wanshang.marketing.services import (
    PromotionInput,
    coupon_issue,
    member_levels_save,
    promotion_end,
    promotion_pause,
    promotion_resume,
    promotion_save,
)
from wanshang.marketing.types import Kind
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.orders.selectors import ORDER_STATUS_LABELS, seller_order_get, seller_order_list
from wanshang.payments.selectors import settlement_list, settlement_totals
from wanshang.sellercenter.access import SELLER_AUTH, seller_auth
from wanshang.sellercenter.adcenter.api import router as ads_router
from wanshang.sellercenter.adcenter.api_auto import router as ads_auto_router
from wanshang.sellercenter.api.adlaw import hits_out
from wanshang.sellercenter.api.adlaw import router as adlaw_router
from wanshang.sellercenter.api.ads_audience import router as ads_audience_router
from wanshang.sellercenter.api.ads_reports import router as ads_reports_router
from wanshang.sellercenter.api.ads_tools import router as ads_tools_router
from wanshang.sellercenter.api.affiliates import router as affiliates_router
from wanshang.sellercenter.api.aftersales import router as aftersales_router
from wanshang.sellercenter.api.copywriting import router as copywriting_router
from wanshang.sellercenter.api.health import router as health_router
from wanshang.sellercenter.api.helpdesk import router as helpdesk_router
from wanshang.sellercenter.api.imagechecks import router as imagechecks_router
from wanshang.sellercenter.api.inbox import router as inbox_router
from wanshang.sellercenter.api.media import router as media_router
from wanshang.sellercenter.api.patrol import router as patrol_router
from wanshang.sellercenter.api.pickers import router as pickers_router
from wanshang.sellercenter.api.reviews import router as reviews_router
from wanshang.sellercenter.api.schemas import (
    SETTLEMENT_LABELS,
    Changed,
    CouponIssueIn,
    IssuedOut,
    MemberLevelOut,
    MemberLevelsIn,
    Message,
    PriceAlertOut,
    PriceIn,
    ProductIn,
    ProductSummaryOut,
    PromotionIn,
    PromotionOut,
    RejectIn,
    SellerOrderDetailOut,
    SellerOrderOut,
    SellerProductOut,
    SellerPromotionPreviewOut,
    SellerRefundOut,
    SellerShopOut,
    SellerSkuOut,
    SellerStackingRowOut,
    SettlementOut,
    SettlementPage,
    ShipIn,
    ShopSettingsIn,
    StatusIn,
    StockAdjustIn,
    StockOut,
    WarehouseOut,
    request_now,
)
from wanshang.sellercenter.api.service import router as service_router
from wanshang.sellercenter.api.shipping import router as shipping_router
from wanshang.sellercenter.api.shoppages import router as shoppages_router
from wanshang.sellercenter.api.stockplan import router as stockplan_router
from wanshang.sellercenter.api.stores import router as stores_router
from wanshang.sellercenter.datacenter.api import router as data_router
from wanshang.shipping.services import shipment_create

router = Router(auth=SELLER_AUTH)

ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}


def _staff(request, perm=None):
    """The caller's staff membership; raises PermissionDenied (403) for non-staff or a role without `perm`."""
    return staff_require(user=request.user, perm=perm)


def _with_available(skus) -> list:
    """The SKUs with `available` (可售库存, what SellerSkuOut shows) from one batch look-up."""
    skus = list(skus)
    available = available_by_sku(sku_ids=[s.pk for s in skus])
    for sku in skus:
        sku.available = available.get(sku.pk, 0)
    return skus


def _product_with_stock(shop, product_id: int):
    """The shop's product (404 for another shop's) with its SKUs' stock, as SellerProductOut reads it."""
    product = seller_product_get(shop=shop, product_id=product_id)
    _with_available(product.skus.all())  # the prefetched SKUs the schema reads next
    product.adlaw_hits = hits_out(shop=shop, source="product", source_id=product.pk)
    return product


def _product_input(payload: ProductIn) -> ProductInput:
    data = payload.model_dump()
    skus = [SkuInput(**sku) for sku in data.pop("skus")]
    return ProductInput(skus=skus, **data)


# --- products ----------------------------------------------------------------------------------------------


@router.get(
    "/products",
    response={200: list[ProductSummaryOut], **ERRORS},
    summary="商品列表",
    auth=seller_auth(P.PRODUCT_EDIT),
)
@paginate(Paged, page_size=20, max_page_size=100)
def products_list(request, tab: str = "all", q: str = ""):
    """`tab`: on_sale 出售中 / warehouse 仓库中（草稿与已下架）/ all."""
    staff = _staff(request, P.PRODUCT_EDIT)
    if tab not in SELLER_PRODUCT_TABS:
        raise ValidationError("tab 只能是 on_sale、warehouse 或 all", field="tab")
    return seller_products_in_tab(shop=staff.shop, tab=tab, q=q.strip()[:60])


@router.post(
    "/products",
    response={201: SellerProductOut, **ERRORS},
    summary="发布商品（含 SKU 矩阵）",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def products_create(request, payload: ProductIn):
    staff = _staff(request, P.PRODUCT_EDIT)
    product = product_save(staff=staff, data=_product_input(payload))
    return 201, _product_with_stock(staff.shop, product.pk)


@router.post(
    "/products/status",
    response={200: Changed, **ERRORS},
    summary="批量上架/下架",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def products_status(request, payload: StatusIn):
    staff = _staff(request, P.PRODUCT_EDIT)
    return {
        "changed": product_set_status(staff=staff, product_ids=payload.product_ids, status=payload.status)
    }


@router.get(
    "/products/{product_id}",
    response={200: SellerProductOut, **ERRORS},
    summary="商品详情（含 SKU 矩阵）",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def products_get(request, product_id: int):
    staff = _staff(request, P.PRODUCT_EDIT)
    return _product_with_stock(staff.shop, product_id)


@router.put(
    "/products/{product_id}",
    response={200: SellerProductOut, **ERRORS},
    summary="修改商品（整体替换 SKU 矩阵）",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def products_update(request, product_id: int, payload: ProductIn):
    staff = _staff(request, P.PRODUCT_EDIT)
    seller_product_get(shop=staff.shop, product_id=product_id)  # another shop's id: 404 before anything else
    product_save(staff=staff, data=_product_input(payload), product_id=product_id)
    return _product_with_stock(staff.shop, product_id)


@router.patch("/skus/{sku_id}/price", response={200: SellerSkuOut, **ERRORS}, summary="修改 SKU 价格")
def skus_price(request, sku_id: int, payload: PriceIn):
    staff = _staff(request)  # the service checks the price permission and says so
    sku = sku_price_update(
        staff=staff, sku_id=sku_id, price_fen=payload.price_fen, original_price_fen=payload.original_price_fen
    )
    return _with_available([sku])[0]


# --- stock ---------------------------------------------------------------------------------------------------


@router.get(
    "/stock",
    response={200: list[StockOut], **ERRORS},
    summary="库存列表（SKU × 仓库）",
    auth=seller_auth(P.STOCK_EDIT),
)
@paginate(Paged, page_size=50, max_page_size=100)
def stock_list(request, q: str = "", warehouse_id: int | None = None, low_only: bool = False):
    staff = _staff(request, P.STOCK_EDIT)
    return seller_stock_list(shop=staff.shop, q=q.strip()[:60], warehouse_id=warehouse_id, low_only=low_only)


@router.post(
    "/stock/adjust",
    response={200: StockOut, **ERRORS},
    summary="设置实物库存（盘点）",
    auth=seller_auth(P.STOCK_EDIT),
)
def stock_adjust_api(request, payload: StockAdjustIn):
    staff = _staff(request, P.STOCK_EDIT)
    row = stock_adjust(
        shop=staff.shop,
        sku_id=payload.sku_id,
        warehouse_id=payload.warehouse_id,
        on_hand=payload.on_hand,
        actor=request.user,
        reason=payload.reason,
    )
    return row


@router.get(
    "/warehouses",
    response={200: list[WarehouseOut], **ERRORS},
    summary="仓库列表",
    auth=seller_auth(P.STOCK_EDIT),
)
def warehouses(request):
    staff = _staff(request, P.STOCK_EDIT)
    return warehouse_list(shop=staff.shop)


# --- orders and refunds ----------------------------------------------------------------------------------


@router.get(
    "/orders",
    response={200: list[SellerOrderOut], **ERRORS},
    summary="订单列表",
    auth=seller_auth(P.ORDER_VIEW),
)
@paginate(Paged, page_size=20, max_page_size=100)
def orders_list(request, status: str = "", q: str = "", late: bool = False):
    """`late=true`: only the orders flagged 延迟发货 (not shipped by their deadline)."""
    staff = _staff(request, P.ORDER_VIEW)
    if status and status not in ORDER_STATUS_LABELS:
        raise ValidationError(f"未知的订单状态：{status}", field="status")
    return seller_order_list(shop=staff.shop, status=status or None, q=q.strip()[:60], late=late)


@router.get(
    "/orders/{order_id}",
    response={200: SellerOrderDetailOut, **ERRORS},
    summary="订单详情",
    auth=seller_auth(P.ORDER_VIEW),
)
def orders_get(request, order_id: int):
    staff = _staff(request, P.ORDER_VIEW)
    return seller_order_get(shop=staff.shop, order_id=order_id)


@router.post(
    "/orders/{order_id}/ship",
    response={200: SellerOrderDetailOut, **ERRORS},
    summary="发货（全部待发商品作为一个包裹）",
    auth=seller_auth(P.ORDER_SHIP),
)
def orders_ship(request, order_id: int, payload: ShipIn):
    staff = _staff(request, P.ORDER_SHIP)
    order = seller_order_get(shop=staff.shop, order_id=order_id)
    shipment_create(
        shop=staff.shop,
        order_id=order.pk,
        carrier=payload.carrier,
        tracking_no=payload.tracking_no,
        actor=request.user,
    )
    return seller_order_get(shop=staff.shop, order_id=order.pk)


@router.get(
    "/refunds",
    response={200: list[SellerRefundOut], **ERRORS},
    summary="退款列表",
    auth=seller_auth(P.ORDER_VIEW),
)
@paginate(Paged, page_size=20, max_page_size=100)
def refunds_list(request, status: str = ""):
    staff = _staff(request, P.ORDER_VIEW)
    if status and status not in REFUND_STATUS_LABELS:
        raise ValidationError(f"未知的退款状态：{status}", field="status")
    return seller_refund_list(shop=staff.shop, status=status or None)


@router.post(
    "/refunds/{refund_id}/approve",
    response={200: SellerRefundOut, **ERRORS},
    summary="同意退款",
    auth=seller_auth(P.REFUND_HANDLE),
)
def refunds_approve(request, refund_id: int):
    staff = _staff(request, P.REFUND_HANDLE)
    refund = seller_refund_get(shop=staff.shop, refund_id=refund_id)
    refund_approve(shop=staff.shop, refund_id=refund.pk, actor=request.user)
    return seller_refund_get(shop=staff.shop, refund_id=refund.pk)


@router.post(
    "/refunds/{refund_id}/reject",
    response={200: SellerRefundOut, **ERRORS},
    summary="拒绝退款",
    auth=seller_auth(P.REFUND_HANDLE),
)
def refunds_reject(request, refund_id: int, payload: RejectIn):
    staff = _staff(request, P.REFUND_HANDLE)
    refund = seller_refund_get(shop=staff.shop, refund_id=refund_id)
    refund_reject(shop=staff.shop, refund_id=refund.pk, actor=request.user, note=payload.note)
    return seller_refund_get(shop=staff.shop, refund_id=refund.pk)


# --- shop settings -----------------------------------------------------------------------------------------


@router.get(
    "/shop", response={200: SellerShopOut, **ERRORS}, summary="店铺设置", auth=seller_auth(P.SHOP_EDIT)
)
def shop_get(request):
    shop = _staff(request, P.SHOP_EDIT).shop
    shop.adlaw_hits = hits_out(shop=shop, source="shop", source_id=shop.pk)
    return shop


@router.put(
    "/shop",
    response={200: SellerShopOut, **ERRORS},
    summary="修改店铺设置（名称、简介、标志、承诺发货时间）",
    auth=seller_auth(P.SHOP_EDIT),
)
def shop_update(request, payload: ShopSettingsIn):
    staff = _staff(request, P.SHOP_EDIT)
    shop, _ = shop_settings_save(shop=staff.shop, **payload.model_dump())
    shop.adlaw_hits = hits_out(shop=shop, source="shop", source_id=shop.pk)
    return shop


# --- settlements -------------------------------------------------------------------------------------------


@router.get(
    "/settlements",
    response={200: list[SettlementOut], **ERRORS},
    summary="结算台账",
    auth=seller_auth(P.FINANCE_VIEW),
)
@paginate(Paged, page_size=20, max_page_size=100, output=SettlementPage)
def settlements(request, status: str = ""):
    staff = _staff(request, P.FINANCE_VIEW)
    if status and status not in SETTLEMENT_LABELS:
        raise ValidationError(f"未知的结算状态：{status}", field="status")
    return Rows(
        settlement_list(shop=staff.shop, status=status or None),
        extra={"totals": settlement_totals(shop=staff.shop)},
    )


# --- marketing (营销中心) ---------------------------------------------------------------------------------------

PHASES = ("running", "scheduled", "paused", "ended")


def _aware(value):
    """A time sent without a zone is read in the shop's time zone (Asia/Shanghai)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _promotion_input(payload: PromotionIn) -> PromotionInput:
    return PromotionInput(
        kind=payload.kind,
        name=payload.name,
        starts_at=_aware(payload.starts_at),
        ends_at=_aware(payload.ends_at),
        scope=payload.scope,
        scope_ids=list(payload.scope_ids),
        config=dict(payload.config),
        per_buyer_limit=payload.per_buyer_limit,
        total_quantity=payload.total_quantity,
        slot_id=payload.slot_id,
        items=[item.model_dump(exclude_none=True) for item in payload.items],
    )


def _promotion(staff, promotion_id):
    return promotion_get(shop=staff.shop, promotion_id=promotion_id)


@router.get(
    "/promotions",
    response={200: list[PromotionOut], **ERRORS},
    summary="营销活动列表",
    auth=seller_auth(P.MARKETING),
)
@paginate(Paged, page_size=20, max_page_size=100)
def promotions_list(request, kind: str = "", phase: str = ""):
    """`phase`: running 进行中 / scheduled 未开始 / paused 已暂停 / ended 已结束; `kind`: coupon, full_reduction, …"""
    staff = _staff(request, P.MARKETING)
    if kind and kind not in Kind.values:
        raise ValidationError(f"未知的活动类型：{kind}", field="kind")
    if phase and phase not in PHASES:
        raise ValidationError("phase 只能是 running、scheduled、paused 或 ended", field="phase")
    now = request_now(request)  # the instant the rows' phases are shown at too
    return promotion_list(shop=staff.shop, kind=kind or None, phase=phase or None, now=now).prefetch_related(
        "items"
    )


@router.post(
    "/promotions",
    response={201: PromotionOut, **ERRORS},
    summary="创建营销活动（任一类型）",
    auth=seller_auth(P.MARKETING),
)
def promotions_create(request, payload: PromotionIn):
    staff = _staff(request, P.MARKETING)
    promo = promotion_save(shop=staff.shop, actor=request.user, data=_promotion_input(payload))
    return 201, _promotion(staff, promo.pk)


@router.get(
    "/promotions/{promotion_id}",
    response={200: PromotionOut, **ERRORS},
    summary="营销活动详情",
    auth=seller_auth(P.MARKETING),
)
def promotions_get(request, promotion_id: int):
    staff = _staff(request, P.MARKETING)
    return _promotion(staff, promotion_id)


@router.put(
    "/promotions/{promotion_id}",
    response={200: PromotionOut, **ERRORS},
    summary="修改未开始的营销活动",
    auth=seller_auth(P.MARKETING),
)
def promotions_update(request, promotion_id: int, payload: PromotionIn):
    staff = _staff(request, P.MARKETING)
    promotion_get(shop=staff.shop, promotion_id=promotion_id)  # another shop's id: 404 before anything else
    promotion_save(
        shop=staff.shop, actor=request.user, data=_promotion_input(payload), promotion_id=promotion_id
    )
    return _promotion(staff, promotion_id)


def _transition(request, promotion_id: int, service):
    staff = _staff(request, P.MARKETING)
    promotion_get(shop=staff.shop, promotion_id=promotion_id)
    service(shop=staff.shop, promotion_id=promotion_id, actor=request.user)
    return _promotion(staff, promotion_id)


@router.post("/promotions/{promotion_id}/pause", response={200: PromotionOut, **ERRORS}, summary="暂停活动")
def promotions_pause(request, promotion_id: int):
    return _transition(request, promotion_id, promotion_pause)


@router.post("/promotions/{promotion_id}/resume", response={200: PromotionOut, **ERRORS}, summary="恢复活动")
def promotions_resume(request, promotion_id: int):
    return _transition(request, promotion_id, promotion_resume)


@router.post("/promotions/{promotion_id}/end", response={200: PromotionOut, **ERRORS}, summary="结束活动")
def promotions_end(request, promotion_id: int):
    return _transition(request, promotion_id, promotion_end)


@router.get(
    "/promotions/{promotion_id}/preview",
    response={200: list[SellerPromotionPreviewOut], **ERRORS},
    summary="活动价格预览（§16 划线价、§17 提价提醒）",
    auth=seller_auth(P.MARKETING),
)
def promotions_preview(request, promotion_id: int):
    staff = _staff(request, P.MARKETING)
    return promotion_preview(shop=staff.shop, promotion_id=promotion_id)


@router.get(
    "/promotions/{promotion_id}/stacking",
    response={200: list[SellerStackingRowOut], **ERRORS},
    summary="满减叠加试算（折上折提醒）",
    description="只对满减/满折：示例订单按结算的计价规则叠加商品级优惠、会员价和本店优惠券后的到手价，"
    "与只按满减规则计算的价格对比；其他类型、已暂停或已结束的活动返回空列表。",
    auth=seller_auth(P.MARKETING),
)
def promotions_stacking(request, promotion_id: int):
    staff = _staff(request, P.MARKETING)
    return promotion_stacking_preview(shop=staff.shop, promotion_id=promotion_id)


@router.post(
    "/promotions/{promotion_id}/issue",
    response={200: IssuedOut, **ERRORS},
    summary="优惠券定向发放",
    auth=seller_auth(P.MARKETING),
)
def promotions_issue(request, promotion_id: int, payload: CouponIssueIn):
    """Buyers already at the per-buyer limit are skipped; `issued` is how many coupons were sent."""
    staff = _staff(request, P.MARKETING)
    promotion_get(shop=staff.shop, promotion_id=promotion_id)
    return {
        "issued": coupon_issue(
            shop=staff.shop, actor=request.user, promotion_id=promotion_id, buyer_ids=payload.buyer_ids
        )
    }


@router.get(
    "/member-levels",
    response={200: list[MemberLevelOut], **ERRORS},
    summary="会员等级",
    auth=seller_auth(P.MARKETING),
)
def member_levels_get(request):
    staff = _staff(request, P.MARKETING)
    return member_levels(shop=staff.shop)


@router.put(
    "/member-levels",
    response={200: list[MemberLevelOut], **ERRORS},
    summary="保存会员等级（整体替换）",
    auth=seller_auth(P.MARKETING),
)
def member_levels_put(request, payload: MemberLevelsIn):
    staff = _staff(request, P.MARKETING)
    member_levels_save(shop=staff.shop, levels=[lv.model_dump() for lv in payload.levels])
    return member_levels(shop=staff.shop)


@router.get(
    "/price-alerts",
    response={200: list[PriceAlertOut], **ERRORS},
    summary="价格合规提醒（未处理）",
    auth=seller_auth(P.MARKETING),
)
def price_alerts_list(request):
    staff = _staff(request, P.MARKETING)
    return price_alerts(shop=staff.shop)


@router.post(
    "/price-alerts/{alert_id}/resolve",
    response={200: PriceAlertOut, **ERRORS},
    summary="标记提醒已处理",
    auth=seller_auth(P.MARKETING),
)
def price_alerts_resolve(request, alert_id: int):
    staff = _staff(request, P.MARKETING)
    return price_alert_resolve(alert_id=alert_id, shop=staff.shop)


def _mount_data():
    router.add_router("/data", data_router, tags=["seller data center"])
    router.add_router("", media_router, tags=["seller media"])
    router.add_router("", imagechecks_router, tags=["seller image checks"])
    router.add_router("", aftersales_router, tags=["seller aftersales"])
    router.add_router("", pickers_router, tags=["seller pickers"])
    router.add_router("", reviews_router, tags=["seller reviews"])
    router.add_router("", stockplan_router, tags=["seller stock planning"])
    router.add_router("", ads_reports_router, tags=["seller ads reports"])
    router.add_router("", ads_tools_router, tags=["seller ads"])
    router.add_router("", shipping_router, tags=["seller shipping"])
    router.add_router("", stores_router, tags=["seller stores"])
    router.add_router("", patrol_router, tags=["seller patrol"])
    router.add_router("", affiliates_router, tags=["seller affiliates"])
    router.add_router("", helpdesk_router, tags=["seller service"])
    router.add_router("", copywriting_router, tags=["seller copywriting"])
    router.add_router("", shoppages_router, tags=["seller shop pages"])
    router.add_router("", service_router, tags=["seller chat"])
    router.add_router("", ads_router, tags=["seller ads"])
    router.add_router("", ads_auto_router, tags=["seller ads auto"])
    router.add_router("", ads_audience_router, tags=["seller ads audience"])
    router.add_router("", adlaw_router, tags=["seller adlaw"])
    router.add_router("", health_router, tags=["seller health"])
    router.add_router("", inbox_router, tags=["seller inbox"])


_mount_data()
