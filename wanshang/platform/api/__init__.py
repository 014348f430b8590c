"""Platform JSON API (/api/platform): the same services as the operator pages. Operators (is_staff) only."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from wanshang.catalog.selectors import category_get, category_tree_all
from wanshang.catalog.services import category_create, category_rename
from wanshang.common.api_paging import Paged
from wanshang.common.errors import ValidationError
from wanshang.merchants.selectors import APPLICATION_STATUSES, SHOP_STATUSES, application_list, shop_list
from wanshang.merchants.services import (
    application_approve,
    application_reject,
    commission_set,
    shop_restore,
    shop_suspend,
)
from wanshang.orders.selectors import late_shipments_list
from wanshang.platform.access import OPERATOR_AUTH
from wanshang.platform.api.adlaw import router as adlaw_router
from wanshang.platform.api.ads import router as ads_router
from wanshang.platform.api.affiliates import router as affiliates_router
from wanshang.platform.api.aftersales import router as aftersales_router
from wanshang.platform.api.errors import ERRORS
from wanshang.platform.api.health import router as health_router
from wanshang.platform.api.imagechecks import router as imagechecks_router
from wanshang.platform.api.marketing import router as marketing_router
from wanshang.platform.api.patrol import router as patrol_router
from wanshang.platform.api.reviews import router as reviews_router
from wanshang.platform.api.search import router as search_router
from wanshang.platform.datacenter.api import router as data_router

router = Router(auth=OPERATOR_AUTH)


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class ApproveIn(In):
    slug: str | None = Field(None, max_length=60, description="店铺标识，留空自动生成")


class ReasonIn(In):
    reason: str = Field(..., max_length=300, description="原因（2–300 字）")


class CategoryIn(In):
    name: str = Field(..., max_length=40)
    slug: str = Field(..., max_length=60)
    parent_id: int | None = None
    sort: int = 0
    never_return_kind: str = Field(
        "",
        description="法定不支持7天无理由：custom 定作 / fresh 鲜活易腐 / digital 在线下载或已拆封的数字商品 / "
        "periodical 已交付的报纸期刊；空 = 无（子类目继承上级）",
    )


class CategoryPatchIn(In):
    name: str | None = Field(None, max_length=40)
    is_active: bool | None = None
    never_return_kind: str | None = Field(None, description='同 CategoryIn；"" 清除；不传则不变')


class CommissionIn(In):
    category_id: int
    rate_bps: int = Field(..., description="佣金比例，万分之（500 = 5.00%），0–5000")


class PlatformListFilter(Schema):
    status: str | None = None
    q: str = ""


class ApplicationOut(Schema):
    """A `MerchantApplication` (merchants)."""

    id: int
    status: str
    status_label: str = Field(alias="get_status_display")
    shop_name: str
    company_name: str
    credit_code: str
    contact_name: str
    contact_phone: str
    category_ids: list[int] = Field(description="申请经营的类目")
    applicant_id: int
    reject_reason: str
    shop_id: int | None
    created_at: datetime
    reviewed_at: datetime | None

    @staticmethod
    def resolve_category_ids(app) -> list[int]:
        return [c.pk for c in app.categories.all()]


class PlatformLateShipmentOut(Schema):
    """A `LateShipment` (orders): the order, the deadline it missed, what the shop was charged and the buyer got."""

    id: int
    order_id: int
    order_no: str = Field(alias="order.no")
    shop_id: int
    shop_name: str = Field(alias="shop.name")
    buyer_id: int
    deadline: datetime
    goods_fen: int = Field(description="商品实付（不含运费），赔付比例的基数")
    rate_bps: int
    amount_fen: int = Field(description="赔付金额（分）：从店铺结算扣除")
    points: int = Field(description="发给买家的积分")
    settlement_entry_id: int | None
    flagged_at: datetime
    exempt_reason: str = Field(description="免赔原因（非商家责任，如发货前买家已申请退款）；空 = 已赔付")


class PlatformShopOut(Schema):
    """A `Shop` (merchants)."""

    id: int
    name: str
    slug: str
    company_name: str
    status: str
    status_label: str = Field(alias="get_status_display")
    suspend_reason: str
    created_at: datetime


class PlatformCategoryOut(Schema):
    """A `Category` (catalog) with its children when it comes from the tree (`kids`)."""

    id: int
    name: str
    slug: str
    level: int
    sort: int
    is_active: bool
    parent_id: int | None
    never_return_kind: str = Field(description="本类目自己的法定不支持7天无理由标记")
    children: list["PlatformCategoryOut"] = []

    @staticmethod
    def resolve_children(node) -> list:
        return getattr(node, "kids", [])


PlatformCategoryOut.model_rebuild()


class CommissionOut(Schema):
    """A `CommissionRate` (merchants)."""

    category_id: int
    rate_bps: int
    rate_percent: str = Field(description="佣金比例的百分数文字（550 → 5.50）")

    @staticmethod
    def resolve_rate_percent(rate) -> str:
        return f"{rate.rate_bps // 100}.{rate.rate_bps % 100:02d}"


def _status(value, choices) -> str | None:
    if not value:
        return None
    if value not in {v for v, _ in choices}:
        allowed = "、".join(f"{v}（{label}）" for v, label in choices)
        raise ValidationError(f"状态只能是：{allowed}", field="status")
    return value


@router.get("/applications", response={200: list[ApplicationOut], **ERRORS}, summary="入驻申请列表")
@paginate(Paged, page_size=50, max_page_size=200)
def applications(request: HttpRequest, filters: Query[PlatformListFilter]):
    return application_list(status=_status(filters.status, APPLICATION_STATUSES))


@router.post(
    "/applications/{application_id}/approve",
    response={200: PlatformShopOut, **ERRORS},
    summary="通过入驻申请（开店）",
)
def application_approve_api(request: HttpRequest, application_id: int, payload: ApproveIn | None = None):
    slug = (payload.slug or "").strip() if payload else ""
    return application_approve(application_id=application_id, reviewer=request.auth, slug=slug or None)


@router.post(
    "/applications/{application_id}/reject", response={200: ApplicationOut, **ERRORS}, summary="驳回入驻申请"
)
def application_reject_api(request: HttpRequest, application_id: int, payload: ReasonIn):
    return application_reject(application_id=application_id, reviewer=request.auth, reason=payload.reason)


@router.get("/shops", response={200: list[PlatformShopOut], **ERRORS}, summary="店铺列表")
@paginate(Paged, page_size=50, max_page_size=200)
def shops(request: HttpRequest, filters: Query[PlatformListFilter]):
    return shop_list(status=_status(filters.status, SHOP_STATUSES), q=filters.q.strip()[:60])


@router.post("/shops/{shop_id}/suspend", response={200: PlatformShopOut, **ERRORS}, summary="暂停店铺")
def shop_suspend_api(request: HttpRequest, shop_id: int, payload: ReasonIn):
    return shop_suspend(shop_id=shop_id, reason=payload.reason)


@router.post("/shops/{shop_id}/restore", response={200: PlatformShopOut, **ERRORS}, summary="恢复店铺")
def shop_restore_api(request: HttpRequest, shop_id: int):
    return shop_restore(shop_id=shop_id)


@router.get(
    "/late-shipments",
    response={200: list[PlatformLateShipmentOut], **ERRORS},
    summary="延迟发货赔付列表",
)
@paginate(Paged, page_size=50, max_page_size=200)
def late_shipments(request: HttpRequest, shop_id: int | None = None, q: str = ""):
    return late_shipments_list(shop_id=shop_id, q=q.strip()[:40])


@router.get("/categories", response={200: list[PlatformCategoryOut], **ERRORS}, summary="类目树（含已停用）")
def categories(request: HttpRequest):
    return category_tree_all()


@router.post("/categories", response={201: PlatformCategoryOut, **ERRORS}, summary="新建类目")
def category_create_api(request: HttpRequest, payload: CategoryIn):
    category = category_create(
        name=payload.name,
        slug=payload.slug,
        parent_id=payload.parent_id,
        sort=payload.sort,
        never_return_kind=payload.never_return_kind,
    )
    return 201, category


@router.patch(
    "/categories/{category_id}",
    response={200: PlatformCategoryOut, **ERRORS},
    summary="修改类目（名称、启用、法定不支持7天无理由）",
)
def category_update_api(request: HttpRequest, category_id: int, payload: CategoryPatchIn):
    category = category_get(category_id=category_id)
    return category_rename(
        category_id=category.pk,
        name=payload.name if payload.name is not None else category.name,
        is_active=payload.is_active,
        never_return_kind=payload.never_return_kind,
    )


@router.post("/commission-rates", response={200: CommissionOut, **ERRORS}, summary="设置类目佣金比例")
def commission_rate_set(request: HttpRequest, payload: CommissionIn):
    return commission_set(category=category_get(category_id=payload.category_id), rate_bps=payload.rate_bps)


def _mount_marketing():
    router.add_router("", marketing_router)
    router.add_router("", search_router)
    router.add_router("", patrol_router)
    router.add_router("", reviews_router)
    router.add_router("", adlaw_router)
    router.add_router("", aftersales_router)
    router.add_router("", ads_router)
    router.add_router("", affiliates_router)
    router.add_router("", imagechecks_router)
    router.add_router("", health_router)

    router.add_router("/data", data_router)


_mount_marketing()
