"""Platform JSON API (/api/platform): the same services as the operator pages. Operators (is_staff) only."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from wanshang.catalog.selectors import category_get, category_tree_all
from wanshang.catalog.services import category_create
from wanshang.common.api_paging import MAX_OFFSET
from wanshang.common.errors import ValidationError
from wanshang.merchants.selectors import APPLICATION_STATUSES, SHOP_STATUSES, application_list, shop_list
from wanshang.merchants.services import (
    application_approve,
    application_reject,
    commission_set,
    shop_restore,
    shop_suspend,
)
from wanshang.platform.access import OPERATOR_AUTH
from wanshang.platform.api.errors import ERRORS
from wanshang.platform.api.marketing import router as marketing_router
from wanshang.platform.api.search import router as search_router
from wanshang.platform.datacenter.api import router as data_router

router = Router(auth=OPERATOR_AUTH)

MAX_LIMIT = 200


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


class CommissionIn(In):
    category_id: int
    rate_bps: int = Field(..., description="佣金比例，万分之（500 = 5.00%），0–5000")


class PlatformListFilter(Schema):
    status: str | None = None
    q: str = ""
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ApplicationOut(Schema):
    id: int
    status: str
    status_label: str
    shop_name: str
    company_name: str
    credit_code: str
    contact_name: str
    contact_phone: str
    category_ids: list[int]
    applicant_id: int
    reject_reason: str
    shop_id: int | None
    created_at: datetime
    reviewed_at: datetime | None


class PlatformShopOut(Schema):
    id: int
    name: str
    slug: str
    company_name: str
    status: str
    status_label: str
    suspend_reason: str
    created_at: datetime


class PlatformCategoryOut(Schema):
    id: int
    name: str
    slug: str
    level: int
    sort: int
    is_active: bool
    parent_id: int | None
    children: list["PlatformCategoryOut"] = []


PlatformCategoryOut.model_rebuild()


class CommissionOut(Schema):
    category_id: int
    rate_bps: int
    rate_percent: str


def _application(app) -> dict:
    return {
        "id": app.pk,
        "status": app.status,
        "status_label": app.get_status_display(),
        "shop_name": app.shop_name,
        "company_name": app.company_name,
        "credit_code": app.credit_code,
        "contact_name": app.contact_name,
        "contact_phone": app.contact_phone,
        "category_ids": [c.pk for c in app.categories.all()],
        "applicant_id": app.applicant_id,
        "reject_reason": app.reject_reason,
        "shop_id": app.shop_id,
        "created_at": app.created_at,
        "reviewed_at": app.reviewed_at,
    }


def _shop(shop) -> dict:
    return {
        "id": shop.pk,
        "name": shop.name,
        "slug": shop.slug,
        "company_name": shop.company_name,
        "status": shop.status,
        "status_label": shop.get_status_display(),
        "suspend_reason": shop.suspend_reason,
        "created_at": shop.created_at,
    }


def _category(node) -> dict:
    return {
        "id": node.pk,
        "name": node.name,
        "slug": node.slug,
        "level": node.level,
        "sort": node.sort,
        "is_active": node.is_active,
        "parent_id": node.parent_id,
        "children": [_category(kid) for kid in getattr(node, "kids", [])],
    }


def _status(value, choices) -> str | None:
    if not value:
        return None
    if value not in {v for v, _ in choices}:
        allowed = "、".join(f"{v}（{label}）" for v, label in choices)
        raise ValidationError(f"状态只能是：{allowed}", field="status")
    return value


@router.get("/applications", response={200: list[ApplicationOut], **ERRORS}, summary="入驻申请列表")
def applications(request: HttpRequest, filters: Query[PlatformListFilter]):
    rows = application_list(status=_status(filters.status, APPLICATION_STATUSES))
    return [_application(app) for app in rows[filters.offset : filters.offset + filters.limit]]


@router.post(
    "/applications/{application_id}/approve",
    response={200: PlatformShopOut, **ERRORS},
    summary="通过入驻申请（开店）",
)
def application_approve_api(request: HttpRequest, application_id: int, payload: ApproveIn | None = None):
    slug = (payload.slug or "").strip() if payload else ""
    return _shop(application_approve(application_id=application_id, reviewer=request.auth, slug=slug or None))


@router.post(
    "/applications/{application_id}/reject", response={200: ApplicationOut, **ERRORS}, summary="驳回入驻申请"
)
def application_reject_api(request: HttpRequest, application_id: int, payload: ReasonIn):
    app = application_reject(application_id=application_id, reviewer=request.auth, reason=payload.reason)
    return _application(app)


@router.get("/shops", response={200: list[PlatformShopOut], **ERRORS}, summary="店铺列表")
def shops(request: HttpRequest, filters: Query[PlatformListFilter]):
    rows = shop_list(status=_status(filters.status, SHOP_STATUSES), q=filters.q.strip()[:60])
    return [_shop(shop) for shop in rows[filters.offset : filters.offset + filters.limit]]


@router.post("/shops/{shop_id}/suspend", response={200: PlatformShopOut, **ERRORS}, summary="暂停店铺")
def shop_suspend_api(request: HttpRequest, shop_id: int, payload: ReasonIn):
    return _shop(shop_suspend(shop_id=shop_id, reason=payload.reason))


@router.post("/shops/{shop_id}/restore", response={200: PlatformShopOut, **ERRORS}, summary="恢复店铺")
def shop_restore_api(request: HttpRequest, shop_id: int):
    return _shop(shop_restore(shop_id=shop_id))


@router.get("/categories", response={200: list[PlatformCategoryOut], **ERRORS}, summary="类目树（含已停用）")
def categories(request: HttpRequest):
    return [_category(root) for root in category_tree_all()]


@router.post("/categories", response={201: PlatformCategoryOut, **ERRORS}, summary="新建类目")
def category_create_api(request: HttpRequest, payload: CategoryIn):
    category = category_create(
        name=payload.name, slug=payload.slug, parent_id=payload.parent_id, sort=payload.sort
    )
    return 201, _category(category)


@router.post("/commission-rates", response={200: CommissionOut, **ERRORS}, summary="设置类目佣金比例")
def commission_rate_set(request: HttpRequest, payload: CommissionIn):
    rate = commission_set(category=category_get(category_id=payload.category_id), rate_bps=payload.rate_bps)
    return {
        "category_id": rate.category_id,
        "rate_bps": rate.rate_bps,
        "rate_percent": f"{rate.rate_bps // 100}.{rate.rate_bps % 100:02d}",
    }


def _mount_marketing():
    router.add_router("", marketing_router)
    router.add_router("", search_router)

    router.add_router("/data", data_router)


_mount_marketing()
