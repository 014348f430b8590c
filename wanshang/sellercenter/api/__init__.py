"""Seller center JSON API (/api/seller/…): the same services and selectors as the pages.

Every handler starts from the caller's staff membership (`staff_require`): the shop is never taken from the
request, so another shop's ids are 404. Non-staff and roles without the permission get 403 with the reason.
"""

from django.core.paginator import Paginator
from django.utils import timezone
from ninja import Router

from wanshang.aftersales.selectors import (
    REFUND_STATUS_LABELS,
    refund_items,
    seller_refund_get,
    seller_refund_list,
)
from wanshang.aftersales.services import refund_approve, refund_reject
from wanshang.catalog.selectors import SELLER_PRODUCT_TABS, seller_product_get, seller_products_in_tab
from wanshang.catalog.services import (
    ProductInput,
    SkuInput,
    product_save,
    product_set_status,
    sku_price_update,
)
from wanshang.common.api_paging import page_query, page_size_query
from wanshang.common.errors import ValidationError
from wanshang.compliance.selectors import price_alerts
from wanshang.compliance.services import price_alert_resolve
from wanshang.inventory.selectors import available_by_sku, seller_stock_list, warehouse_list
from wanshang.inventory.services import stock_adjust
from wanshang.marketing.selectors import (
    member_levels,
    promotion_get,
    promotion_list,
    promotion_phase_label,
    promotion_preview,
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
from wanshang.orders.services import order_ship
from wanshang.payments.selectors import SETTLEMENT_STATUSES, settlement_list, settlement_totals
from wanshang.sellercenter.access import SELLER_AUTH, seller_auth
from wanshang.sellercenter.api.schemas import (
    Changed,
    CouponIssueIn,
    IssuedOut,
    MemberLevelOut,
    MemberLevelsIn,
    Message,
    PriceAlertOut,
    PriceIn,
    ProductIn,
    PromotionIn,
    PromotionOut,
    PromotionPage,
    RefundPage,
    RejectIn,
    SellerOrderOut,
    SellerOrderPage,
    SellerProductOut,
    SellerProductPage,
    SellerPromotionPreviewOut,
    SellerRefundOut,
    SellerSkuOut,
    SettlementPage,
    ShipIn,
    StatusIn,
    StockAdjustIn,
    StockOut,
    StockPage,
    WarehouseOut,
)
from wanshang.sellercenter.datacenter.api import router as data_router

router = Router(auth=SELLER_AUTH)

ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}


def _staff(request, perm=None):
    """The caller's staff membership; raises PermissionDenied (403) for non-staff or a role without `perm`."""
    return staff_require(user=request.user, perm=perm)


def _paged(qs, page: int, size: int) -> tuple[dict, list]:
    paginator = Paginator(qs, size)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages}, list(current)


# --- serializers -------------------------------------------------------------------------------------------


def _sku_out(sku, available: dict[int, int]) -> dict:
    return {
        "id": sku.pk,
        "spec_values": list(sku.spec_values),
        "spec_key": sku.spec_key,
        "price_fen": sku.price_fen,
        "original_price_fen": sku.original_price_fen,
        "cost_fen": sku.cost_fen,
        "barcode": sku.barcode,
        "weight_g": sku.weight_g,
        "safety_stock": sku.safety_stock,
        "available": available.get(sku.pk, 0),
    }


def _product_out(product) -> dict:
    skus = list(product.skus.all())
    available = available_by_sku(sku_ids=[s.pk for s in skus])
    return {
        "id": product.pk,
        "title": product.title,
        "subtitle": product.subtitle,
        "status": product.status,
        "category_id": product.category_id,
        "brand_id": product.brand_id,
        "images": list(product.images or []),
        "video_url": product.video_url,
        "detail_html": product.detail_html,
        "tags": list(product.tags or []),
        "attributes": dict(product.attributes or {}),
        "spec_axes": list(product.spec_axes or []),
        "is_wholesale": product.is_wholesale,
        "min_order_qty": product.min_order_qty,
        "freight_template_id": product.freight_template_id,
        "min_price_fen": product.min_price_fen,
        "skus": [_sku_out(s, available) for s in skus],
    }


def _product_summary(product) -> dict:
    return {
        "id": product.pk,
        "title": product.title,
        "status": product.status,
        "status_label": product.get_status_display(),
        "category_id": product.category_id,
        "category_name": product.category.name,
        "min_price_fen": product.min_price_fen,
        "sales_count": product.sales_count,
        "sku_count": len([s for s in product.skus.all() if s.is_active]),
        "main_image": product.main_image,
        "updated_at": product.updated_at,
    }


def _order_out(order, *, with_events: bool = False) -> dict:
    out = {
        "id": order.pk,
        "no": order.no,
        "status": order.status,
        "status_label": str(ORDER_STATUS_LABELS.get(order.status, order.status)),
        "goods_fen": order.goods_fen,
        "discount_fen": order.discount_fen,
        "freight_fen": order.freight_fen,
        "total_fen": order.total_fen,
        "address": order.address,
        "buyer_note": order.buyer_note,
        "carrier": order.carrier,
        "tracking_no": order.tracking_no,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "shipped_at": order.shipped_at,
        "lines": [
            {
                "id": line.pk,
                "sku_id": line.sku_id,
                "product_id": line.product_id,
                "title": line.title,
                "spec_text": line.spec_text,
                "unit_price_fen": line.unit_price_fen,
                "quantity": line.quantity,
                "subtotal_fen": line.subtotal_fen,
                "discount_fen": line.discount_fen,
                "payable_fen": line.payable_fen,
            }
            for line in order.lines.all()
        ],
    }
    if with_events:
        out["events"] = [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor_kind": e.actor_kind,
                "note": e.note,
                "created_at": e.created_at,
            }
            for e in order.events.all()
        ]
    return out


def _refund_out(refund) -> dict:
    return {
        "id": refund.pk,
        "no": refund.no,
        "order_id": refund.order_id,
        "order_no": refund.order.no,
        "amount_fen": refund.amount_fen,
        "reason": refund.reason,
        "status": refund.status,
        "status_label": str(REFUND_STATUS_LABELS.get(refund.status, refund.status)),
        "seller_note": refund.seller_note,
        "last_error": refund.last_error,
        "created_at": refund.created_at,
        "decided_at": refund.decided_at,
        "refunded_at": refund.refunded_at,
        "is_full": refund.is_full,
        "items": refund_items(refund=refund),
    }


def _product_input(payload: ProductIn) -> ProductInput:
    data = payload.model_dump()
    skus = [SkuInput(**sku) for sku in data.pop("skus")]
    return ProductInput(skus=skus, **data)


# --- products ----------------------------------------------------------------------------------------------


@router.get(
    "/products",
    response={200: SellerProductPage, **ERRORS},
    summary="商品列表",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def products_list(
    request, tab: str = "all", q: str = "", page: int = page_query(), page_size: int = page_size_query(20)
):
    """`tab`: on_sale 出售中 / warehouse 仓库中（草稿与已下架）/ all."""
    staff = _staff(request, P.PRODUCT_EDIT)
    if tab not in SELLER_PRODUCT_TABS:
        raise ValidationError("tab 只能是 on_sale、warehouse 或 all", field="tab")
    meta, items = _paged(seller_products_in_tab(shop=staff.shop, tab=tab, q=q.strip()[:60]), page, page_size)
    return {**meta, "items": [_product_summary(p) for p in items]}


@router.post(
    "/products",
    response={201: SellerProductOut, **ERRORS},
    summary="发布商品（含 SKU 矩阵）",
    auth=seller_auth(P.PRODUCT_EDIT),
)
def products_create(request, payload: ProductIn):
    staff = _staff(request, P.PRODUCT_EDIT)
    product = product_save(staff=staff, data=_product_input(payload))
    return 201, _product_out(seller_product_get(shop=staff.shop, product_id=product.pk))


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
    return _product_out(seller_product_get(shop=staff.shop, product_id=product_id))


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
    return _product_out(seller_product_get(shop=staff.shop, product_id=product_id))


@router.patch("/skus/{sku_id}/price", response={200: SellerSkuOut, **ERRORS}, summary="修改 SKU 价格")
def skus_price(request, sku_id: int, payload: PriceIn):
    staff = _staff(request)  # the service checks the price permission and says so
    sku = sku_price_update(
        staff=staff, sku_id=sku_id, price_fen=payload.price_fen, original_price_fen=payload.original_price_fen
    )
    return _sku_out(sku, available_by_sku(sku_ids=[sku.pk]))


# --- stock ---------------------------------------------------------------------------------------------------


def _stock_out(row) -> dict:
    return {
        "id": row.pk,
        "sku_id": row.sku_id,
        "product_id": row.sku.product_id,
        "title": row.sku.product.title,
        "spec_text": row.sku.spec_text,
        "warehouse_id": row.warehouse_id,
        "warehouse_name": row.warehouse.name,
        "on_hand": row.on_hand,
        "reserved": row.reserved,
        "available": row.on_hand - row.reserved,
        "safety_stock": row.sku.safety_stock,
    }


@router.get(
    "/stock",
    response={200: StockPage, **ERRORS},
    summary="库存列表（SKU × 仓库）",
    auth=seller_auth(P.STOCK_EDIT),
)
def stock_list(
    request,
    q: str = "",
    warehouse_id: int | None = None,
    low_only: bool = False,
    page: int = page_query(),
    page_size: int = page_size_query(50),
):
    staff = _staff(request, P.STOCK_EDIT)
    rows = seller_stock_list(shop=staff.shop, q=q.strip()[:60], warehouse_id=warehouse_id, low_only=low_only)
    meta, items = _paged(rows, page, page_size)
    return {**meta, "items": [_stock_out(r) for r in items]}


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
    return _stock_out(row)


@router.get(
    "/warehouses",
    response={200: list[WarehouseOut], **ERRORS},
    summary="仓库列表",
    auth=seller_auth(P.STOCK_EDIT),
)
def warehouses(request):
    staff = _staff(request, P.STOCK_EDIT)
    return [
        {
            "id": w.pk,
            "name": w.name,
            "district_code": w.district_code,
            "region_text": w.region_text,
            "detail": w.detail,
            "contact": w.contact,
            "phone": w.phone,
            "is_default": w.is_default,
        }
        for w in warehouse_list(shop=staff.shop)
    ]


# --- orders and refunds ----------------------------------------------------------------------------------


@router.get(
    "/orders", response={200: SellerOrderPage, **ERRORS}, summary="订单列表", auth=seller_auth(P.ORDER_VIEW)
)
def orders_list(
    request, status: str = "", q: str = "", page: int = page_query(), page_size: int = page_size_query(20)
):
    staff = _staff(request, P.ORDER_VIEW)
    if status and status not in ORDER_STATUS_LABELS:
        raise ValidationError(f"未知的订单状态：{status}", field="status")
    meta, items = _paged(
        seller_order_list(shop=staff.shop, status=status or None, q=q.strip()[:60]), page, page_size
    )
    return {**meta, "items": [_order_out(o) for o in items]}


@router.get(
    "/orders/{order_id}",
    response={200: SellerOrderOut, **ERRORS},
    summary="订单详情",
    auth=seller_auth(P.ORDER_VIEW),
)
def orders_get(request, order_id: int):
    staff = _staff(request, P.ORDER_VIEW)
    return _order_out(seller_order_get(shop=staff.shop, order_id=order_id), with_events=True)


@router.post(
    "/orders/{order_id}/ship",
    response={200: SellerOrderOut, **ERRORS},
    summary="发货",
    auth=seller_auth(P.ORDER_SHIP),
)
def orders_ship(request, order_id: int, payload: ShipIn):
    staff = _staff(request, P.ORDER_SHIP)
    order = seller_order_get(shop=staff.shop, order_id=order_id)
    order_ship(
        shop=staff.shop,
        order_id=order.pk,
        carrier=payload.carrier,
        tracking_no=payload.tracking_no,
        actor=request.user,
    )
    return _order_out(seller_order_get(shop=staff.shop, order_id=order.pk), with_events=True)


@router.get(
    "/refunds", response={200: RefundPage, **ERRORS}, summary="退款列表", auth=seller_auth(P.ORDER_VIEW)
)
def refunds_list(request, status: str = "", page: int = page_query(), page_size: int = page_size_query(20)):
    staff = _staff(request, P.ORDER_VIEW)
    if status and status not in REFUND_STATUS_LABELS:
        raise ValidationError(f"未知的退款状态：{status}", field="status")
    meta, items = _paged(seller_refund_list(shop=staff.shop, status=status or None), page, page_size)
    return {**meta, "items": [_refund_out(r) for r in items]}


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
    return _refund_out(seller_refund_get(shop=staff.shop, refund_id=refund.pk))


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
    return _refund_out(seller_refund_get(shop=staff.shop, refund_id=refund.pk))


# --- settlements -------------------------------------------------------------------------------------------


@router.get(
    "/settlements",
    response={200: SettlementPage, **ERRORS},
    summary="结算台账",
    auth=seller_auth(P.FINANCE_VIEW),
)
def settlements(request, status: str = "", page: int = page_query(), page_size: int = page_size_query(20)):
    staff = _staff(request, P.FINANCE_VIEW)
    labels = dict(SETTLEMENT_STATUSES)
    if status and status not in labels:
        raise ValidationError(f"未知的结算状态：{status}", field="status")
    meta, items = _paged(settlement_list(shop=staff.shop, status=status or None), page, page_size)
    return {
        **meta,
        "totals": settlement_totals(shop=staff.shop),
        "items": [
            {
                "id": e.pk,
                "order_id": e.order_id,
                "order_no": e.order.no,
                "gross_fen": e.gross_fen,
                "commission_fen": e.commission_fen,
                "net_fen": e.net_fen,
                "status": e.status,
                "status_label": str(labels.get(e.status, e.status)),
                "settleable_at": e.settleable_at,
                "settled_at": e.settled_at,
            }
            for e in items
        ],
    }


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


def _promotion_out(promo, now=None) -> dict:
    now = now or timezone.now()
    return {
        "id": promo.pk,
        "kind": promo.kind,
        "kind_label": promo.get_kind_display(),
        "name": promo.name,
        "status": promo.status,
        "phase": promo.phase(now),
        "phase_label": promotion_phase_label(promo, now),
        "starts_at": promo.starts_at,
        "ends_at": promo.ends_at,
        "scope": promo.scope,
        "scope_ids": list(promo.scope_ids or []),
        "config": dict(promo.config or {}),
        "per_buyer_limit": promo.per_buyer_limit,
        "total_quantity": promo.total_quantity,
        "issued_count": promo.issued_count,
        "used_count": promo.used_count,
        "slot_id": promo.slot_id,
        "items": [
            {
                "id": i.pk,
                "sku_id": i.sku_id,
                "product_id": i.product_id,
                "price_fen": i.price_fen,
                "discount_bps": i.discount_bps,
                "level_prices": dict(i.level_prices or {}),
                "tiers": list(i.tiers or []),
                "quantity": i.quantity,
                "stock": i.stock,
                "sold": i.sold,
            }
            for i in promo.items.all()
        ],
    }


def _promotion(staff, promotion_id) -> dict:
    return _promotion_out(promotion_get(shop=staff.shop, promotion_id=promotion_id))


@router.get(
    "/promotions",
    response={200: PromotionPage, **ERRORS},
    summary="营销活动列表",
    auth=seller_auth(P.MARKETING),
)
def promotions_list(
    request, kind: str = "", phase: str = "", page: int = page_query(), page_size: int = page_size_query(20)
):
    """`phase`: running 进行中 / scheduled 未开始 / paused 已暂停 / ended 已结束; `kind`: coupon, full_reduction, …"""
    staff = _staff(request, P.MARKETING)
    if kind and kind not in Kind.values:
        raise ValidationError(f"未知的活动类型：{kind}", field="kind")
    if phase and phase not in PHASES:
        raise ValidationError("phase 只能是 running、scheduled、paused 或 ended", field="phase")
    now = timezone.now()
    rows = promotion_list(shop=staff.shop, kind=kind or None, phase=phase or None, now=now).prefetch_related(
        "items"
    )
    meta, items = _paged(rows, page, page_size)
    return {**meta, "items": [_promotion_out(p, now) for p in items]}


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


def _transition(request, promotion_id: int, service) -> dict:
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
    return [
        {
            "sku_id": r.sku.pk,
            "title": r.sku.product.title,
            "spec_text": r.sku.spec_text,
            "price_fen": r.price_fen,
            "promo_price_fen": r.promo_price_fen,
            "original_fen": r.original_fen,
            "reference_fen": r.reference_fen,
            "strike_ok": r.strike_ok,
            "warnings": list(r.warnings),
        }
        for r in promotion_preview(shop=staff.shop, promotion_id=promotion_id)
    ]


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


def _levels(shop) -> list[dict]:
    return [
        {"rank": lv.rank, "name": lv.name, "min_spend_fen": lv.min_spend_fen, "min_points": lv.min_points}
        for lv in member_levels(shop=shop)
    ]


@router.get(
    "/member-levels",
    response={200: list[MemberLevelOut], **ERRORS},
    summary="会员等级",
    auth=seller_auth(P.MARKETING),
)
def member_levels_get(request):
    staff = _staff(request, P.MARKETING)
    return _levels(staff.shop)


@router.put(
    "/member-levels",
    response={200: list[MemberLevelOut], **ERRORS},
    summary="保存会员等级（整体替换）",
    auth=seller_auth(P.MARKETING),
)
def member_levels_put(request, payload: MemberLevelsIn):
    staff = _staff(request, P.MARKETING)
    member_levels_save(shop=staff.shop, levels=[lv.model_dump() for lv in payload.levels])
    return _levels(staff.shop)


def _alert_out(alert) -> dict:
    return {
        "id": alert.pk,
        "rule": alert.rule,
        "rule_label": alert.get_rule_display(),
        "sku_id": alert.sku_id,
        "product_title": alert.sku.product.title,
        "spec_text": alert.sku.spec_text,
        "promotion_id": alert.promotion_id,
        "message": alert.message,
        "evidence": list(alert.evidence or []),
        "resolved": alert.resolved,
        "created_at": alert.created_at,
    }


@router.get(
    "/price-alerts",
    response={200: list[PriceAlertOut], **ERRORS},
    summary="价格合规提醒（未处理）",
    auth=seller_auth(P.MARKETING),
)
def price_alerts_list(request):
    staff = _staff(request, P.MARKETING)
    return [_alert_out(a) for a in price_alerts(shop=staff.shop)]


@router.post(
    "/price-alerts/{alert_id}/resolve",
    response={200: PriceAlertOut, **ERRORS},
    summary="标记提醒已处理",
    auth=seller_auth(P.MARKETING),
)
def price_alerts_resolve(request, alert_id: int):
    staff = _staff(request, P.MARKETING)
    return _alert_out(price_alert_resolve(alert_id=alert_id, shop=staff.shop))


def _mount_data():
    router.add_router("/data", data_router, tags=["seller data center"])


_mount_data()
