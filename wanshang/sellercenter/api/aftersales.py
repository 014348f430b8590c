"""Seller after-sales API (/api/seller/cases…, /api/seller/return-addresses…): the 售后 workbench's list with its
filters, a case with its evidence and timeline, approve (with a return address), reject with a reason, confirm
the return received, bulk approve of 仅退款, and the return address book. The same services as the pages; the
shop is the caller's, so another shop's ids are 404."""

from django.conf import settings
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from wanshang.aftersales.selectors import (
    CASE_STATUS_LABELS,
    CASE_TYPE_LABELS,
    return_address_get,
    return_address_list,
    seller_case_get,
    seller_case_list,
    shop_instant_figures,
    shop_instant_refund_on,
)
from wanshang.aftersales.services import (
    case_approve,
    case_evidence_add,
    case_message_post,
    case_reject,
    case_reship,
    case_return_receive,
    cases_approve_bulk,
    return_address_delete,
    return_address_save,
    shop_instant_refund_set,
)
from wanshang.common.api_paging import Paged
from wanshang.common.errors import ValidationError
from wanshang.faces_common.aftersales_schemas import (
    AfterSalesCaseBase,
    AfterSalesCaseDetailBase,
    AfterSalesInstantReasonOut,
    AfterSalesRiskOut,
    case_risk_of,
)
from wanshang.merchants import permissions as P
from wanshang.merchants.selectors import staff_require
from wanshang.sellercenter.access import seller_auth
from wanshang.sellercenter.api.schemas import Message

router = Router()
ERRORS = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message}
DUE = {"mine", "24h", "overdue"}


class SellerCaseIn(Schema):
    model_config = ConfigDict(extra="forbid")


class SellerCaseOut(AfterSalesCaseBase):
    buyer_name: str = Field(alias="buyer.username")


class SellerCaseDetailOut(AfterSalesCaseDetailBase):
    buyer_name: str = Field(alias="buyer.username")
    risk: AfterSalesRiskOut | None = Field(
        None, description="买家退款风险：申请时的评分、等级与原因（统计全平台记录，不含其他店铺的订单明细）"
    )

    instant_refund_reasons: list[AfterSalesInstantReasonOut] = Field(
        [], description="仅退款未极速退款的原因（申请时的判断；买家看不到）"
    )

    @staticmethod
    def resolve_risk(obj):
        return case_risk_of(obj)


class SellerCaseApproveIn(SellerCaseIn):
    address_id: int | None = Field(None, description="退货退款 / 换货：退货地址编号；不填用默认地址")


class SellerCaseRejectIn(SellerCaseIn):
    reason: str = Field(..., max_length=200)


class SellerCaseReshipIn(SellerCaseIn):
    carrier: str = Field(..., max_length=10, description="快递公司代码，例如 SF、JD")
    tracking_no: str = Field("", max_length=40)


class SellerCaseMessageIn(SellerCaseIn):
    text: str = Field(..., max_length=500)


class SellerCaseBulkIn(SellerCaseIn):
    ids: list[int] = Field(..., min_length=1, max_length=100)


class SellerCaseBulkOut(Schema):
    approved: list[int]
    errors: dict[int, str] = Field(description="未能同意的售后单：编号 → 原因")


class SellerReturnAddressIn(SellerCaseIn):
    contact: str = Field(..., max_length=20)
    phone: str = Field(..., max_length=20)
    address: str = Field(..., max_length=200)
    is_default: bool = False


class SellerAfterSalesSettingsIn(SellerCaseIn):
    instant_refund: bool = Field(..., description="极速退款：true 开启（默认）/ false 关闭本店的极速退款")


class SellerInstantFiguresOut(Schema):
    days: int
    count: int = Field(description="极速退款的售后单数")
    amount_fen: int = Field(description="极速退款金额（分）")


class SellerAfterSalesSettingsOut(Schema):
    instant_refund: bool = Field(description="本店是否开启极速退款")
    platform_enabled: bool = Field(description="平台是否开启极速退款（关闭时本店设置不生效）")
    max_fen: int = Field(description="单次极速退款上限（分，平台设置）")
    min_account_days: int = Field(description="买家账户注册满多少天（平台设置）")
    recent: SellerInstantFiguresOut = Field(description="近 30 天的极速退款")


class SellerReturnAddressOut(Schema):
    id: int
    contact: str
    phone: str
    address: str
    is_default: bool


def _shop(request, perm):
    return staff_require(user=request.user, perm=perm).shop


@router.get(
    "/cases",
    response={200: list[SellerCaseOut], **ERRORS},
    summary="售后列表",
    auth=seller_auth(P.ORDER_VIEW),
)
@paginate(Paged, page_size=20, max_page_size=100)
def cases_list(request, status: str = "", type: str = "", due: str = ""):
    """`status`: a case status or "open"; `type`: refund_only / return_refund / exchange; `due`: mine (waiting
    for the shop), 24h (its deadline within a day), overdue."""
    shop = _shop(request, P.ORDER_VIEW)
    if status and status != "open" and status not in CASE_STATUS_LABELS:
        raise ValidationError(f"未知的售后状态：{status}", field="status")
    if type and type not in CASE_TYPE_LABELS:
        raise ValidationError(f"未知的售后类型：{type}", field="type")
    if due and due not in DUE:
        raise ValidationError("due 只能是 mine、24h 或 overdue", field="due")
    return seller_case_list(shop=shop, status=status or None, case_type=type or None, due=due or None)


@router.post(
    "/cases/bulk-approve",
    response={200: SellerCaseBulkOut, **ERRORS},
    summary="批量同意仅退款",
    auth=seller_auth(P.REFUND_HANDLE),
)
def cases_bulk_approve(request, payload: SellerCaseBulkIn):
    shop = _shop(request, P.REFUND_HANDLE)
    done, errors = cases_approve_bulk(shop=shop, case_ids=payload.ids, actor=request.user)
    return {"approved": [c.pk for c in done], "errors": errors}


@router.get(
    "/cases/{case_id}",
    response={200: SellerCaseDetailOut, **ERRORS},
    summary="售后详情",
    auth=seller_auth(P.ORDER_VIEW),
)
def cases_get(request, case_id: int):
    return seller_case_get(shop=_shop(request, P.ORDER_VIEW), case_id=case_id)


@router.post(
    "/cases/{case_id}/approve",
    response={200: SellerCaseDetailOut, **ERRORS},
    summary="同意售后",
    auth=seller_auth(P.REFUND_HANDLE),
)
def cases_approve(request, case_id: int, payload: SellerCaseApproveIn | None = None):
    shop = _shop(request, P.REFUND_HANDLE)
    case_approve(
        shop=shop, case_id=case_id, actor=request.user, address_id=payload.address_id if payload else None
    )
    return seller_case_get(shop=shop, case_id=case_id)


@router.post(
    "/cases/{case_id}/reject",
    response={200: SellerCaseDetailOut, **ERRORS},
    summary="拒绝售后",
    auth=seller_auth(P.REFUND_HANDLE),
)
def cases_reject(request, case_id: int, payload: SellerCaseRejectIn):
    shop = _shop(request, P.REFUND_HANDLE)
    case_reject(shop=shop, case_id=case_id, actor=request.user, reason=payload.reason)
    return seller_case_get(shop=shop, case_id=case_id)


@router.post(
    "/cases/{case_id}/receive",
    response={200: SellerCaseDetailOut, **ERRORS},
    summary="确认收到退货",
    auth=seller_auth(P.REFUND_HANDLE),
)
def cases_receive(request, case_id: int):
    shop = _shop(request, P.REFUND_HANDLE)
    case_return_receive(shop=shop, case_id=case_id, actor=request.user)
    return seller_case_get(shop=shop, case_id=case_id)


@router.post(
    "/cases/{case_id}/reship",
    response={200: SellerCaseDetailOut, **ERRORS},
    summary="发出换货",
    auth=seller_auth(P.REFUND_HANDLE),
)
def cases_reship(request, case_id: int, payload: SellerCaseReshipIn):
    shop = _shop(request, P.REFUND_HANDLE)
    case_reship(
        shop=shop,
        case_id=case_id,
        actor=request.user,
        carrier=payload.carrier,
        tracking_no=payload.tracking_no,
    )
    return seller_case_get(shop=shop, case_id=case_id)


@router.post(
    "/cases/{case_id}/messages",
    response={200: SellerCaseDetailOut, **ERRORS},
    summary="售后留言（平台介入时三方可见）",
    auth=seller_auth(P.REFUND_HANDLE),
)
def cases_message(request, case_id: int, payload: SellerCaseMessageIn):
    shop = _shop(request, P.REFUND_HANDLE)
    case_message_post(case_id=case_id, user=request.user, role="seller", shop=shop, text=payload.text)
    return seller_case_get(shop=shop, case_id=case_id)


@router.post(
    "/cases/{case_id}/evidence",
    response={200: SellerCaseDetailOut, **ERRORS},
    summary="上传商家凭证（multipart，字段 images）",
    auth=seller_auth(P.REFUND_HANDLE),
)
def cases_evidence(request, case_id: int, images: File[list[UploadedFile]]):
    shop = _shop(request, P.REFUND_HANDLE)
    case_evidence_add(case_id=case_id, user=request.user, role="seller", files=images, shop=shop)
    return seller_case_get(shop=shop, case_id=case_id)


def _settings_of(shop) -> dict:
    cfg = settings.WANSHANG
    return {
        "instant_refund": shop_instant_refund_on(shop_id=shop.pk),
        "platform_enabled": cfg["INSTANT_REFUND_ENABLED"],
        "max_fen": cfg["INSTANT_REFUND_MAX_FEN"],
        "min_account_days": cfg["INSTANT_REFUND_MIN_ACCOUNT_DAYS"],
        "recent": shop_instant_figures(shop=shop),
    }


@router.get(
    "/aftersales/settings",
    response={200: SellerAfterSalesSettingsOut, **ERRORS},
    summary="售后设置（极速退款）",
    auth=seller_auth(P.ORDER_VIEW),
)
def aftersales_settings(request):
    return _settings_of(_shop(request, P.ORDER_VIEW))


@router.put(
    "/aftersales/settings",
    response={200: SellerAfterSalesSettingsOut, **ERRORS},
    summary="修改售后设置（开启或关闭极速退款）",
    auth=seller_auth(P.SHOP_EDIT),
)
def aftersales_settings_update(request, payload: SellerAfterSalesSettingsIn):
    shop = _shop(request, P.SHOP_EDIT)
    shop_instant_refund_set(shop=shop, enabled=payload.instant_refund, actor=request.user)
    return _settings_of(shop)


@router.get(
    "/return-addresses",
    response={200: list[SellerReturnAddressOut], **ERRORS},
    summary="退货地址簿",
    auth=seller_auth(P.ORDER_VIEW),
)
@paginate(Paged, page_size=20, max_page_size=100)
def return_addresses(request):
    return return_address_list(shop=_shop(request, P.ORDER_VIEW))


@router.post(
    "/return-addresses",
    response={201: SellerReturnAddressOut, **ERRORS},
    summary="新增退货地址",
    auth=seller_auth(P.REFUND_HANDLE),
)
def return_address_create(request, payload: SellerReturnAddressIn):
    shop = _shop(request, P.REFUND_HANDLE)
    return 201, return_address_save(shop=shop, **payload.model_dump())


@router.put(
    "/return-addresses/{address_id}",
    response={200: SellerReturnAddressOut, **ERRORS},
    summary="修改退货地址",
    auth=seller_auth(P.REFUND_HANDLE),
)
def return_address_update(request, address_id: int, payload: SellerReturnAddressIn):
    shop = _shop(request, P.REFUND_HANDLE)
    return_address_get(shop=shop, address_id=address_id)
    return return_address_save(shop=shop, address_id=address_id, **payload.model_dump())


@router.delete(
    "/return-addresses/{address_id}",
    response={204: None, **ERRORS},
    summary="删除退货地址",
    auth=seller_auth(P.REFUND_HANDLE),
)
def return_address_remove(request, address_id: int):
    return_address_delete(shop=_shop(request, P.REFUND_HANDLE), address_id=address_id)
    return 204, None
