"""Buyer after-sales API (/api/store/…): the reasons to choose from, opening a case on an order, my cases, a
case with its timeline, cancelling, the return's tracking number, evidence images (multipart). The same services
as the pages; another buyer's order or case is 404."""

from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from wanshang.aftersales.selectors import CASE_STATUS_LABELS, buyer_case_get, buyer_case_list, reason_list
from wanshang.aftersales.services import (
    case_cancel,
    case_escalate,
    case_evidence_add,
    case_instant_preview,
    case_message_post,
    case_open,
    case_return_ship,
)
from wanshang.common.api_paging import Paged
from wanshang.common.errors import ValidationError
from wanshang.faces_common.aftersales_schemas import (
    AfterSalesCaseBase,
    AfterSalesCaseDetailBase,
    AfterSalesReasonOut,
)
from wanshang.storefront.api.schemas import AUTHED_ERRORS, CSRF_ERRORS, ERRORS, In

router = Router()


class StoreCaseOut(AfterSalesCaseBase):
    pass


class StoreCaseDetailOut(AfterSalesCaseDetailBase):
    pass


class StoreCaseReasonOut(AfterSalesReasonOut):
    pass


class StoreCaseLineIn(In):
    line_id: int
    quantity: int = Field(..., ge=1, le=9999)


class StoreCaseIn(In):
    type: str = Field(..., description="refund_only 仅退款 / return_refund 退货退款 / exchange 换货")
    lines: list[StoreCaseLineIn] = Field(..., min_length=1, max_length=50)
    reason_id: int
    description: str = Field("", max_length=500)
    replacement_sku_id: int | None = Field(None, description="换货：同一商品的另一规格（不填则换同款）")


class StoreCaseTextIn(In):
    text: str = Field(..., max_length=500)


class StoreCaseReturnIn(In):
    carrier: str = Field(..., max_length=10, description="快递公司代码，例如 SF、ZTO")
    tracking_no: str = Field(..., max_length=40)
    freight_fen: int = Field(
        0,
        ge=0,
        description="垫付的退货运费（分）：仅商家责任的退货可填，商家收到退货后以积分补偿，上限见平台设置",
    )


class StoreInstantRefundOut(Schema):
    """极速退款 eligibility before submitting (the same decision as when the case is opened). The buyer is told
    only whether it applies, never why not."""

    eligible: bool = Field(description="true：提交后立即原路退款，无需等待商家处理")
    label: str = Field(description="“极速退款”或“该申请需商家处理”")
    note: str


def _lines_query(raw: str) -> list[tuple[int, int]]:
    out = []
    for part in (raw or "").split(","):
        line_id, sep, qty = part.strip().partition(":")
        if not sep or not line_id.isdigit() or not qty.lstrip("-").isdigit():
            raise ValidationError(
                "lines 格式为 订单商品编号:数量，多个用逗号分隔，例如 12:1,13:2", field="lines"
            )
        out.append((int(line_id), int(qty)))
    return out


def instant_label(eligible: bool) -> dict:
    """What the buyer is told (the storefront page says the same)."""
    if eligible:
        return {"eligible": True, "label": _("极速退款"), "note": _("提交后立即原路退款，无需等待商家处理")}
    return {"eligible": False, "label": _("该申请需商家处理"), "note": _("提交后由商家处理，同意后原路退款")}


@router.get(
    "/orders/{order_id}/instant-refund",
    response={200: StoreInstantRefundOut, **ERRORS},
    summary="极速退款预判（提交售后前）",
)
def case_instant_refund_preview(
    request, order_id: int, lines: str, type: str = "refund_only", reason_id: int | None = None
):
    """`lines`: the units asked for, `订单商品编号:数量` separated by commas (`12:1,13:2`); `type` the case type;
    `reason_id` the reason chosen (a shop's-fault reason refunds the freight too, which counts toward the cap).
    400 for bad input, 404 for another buyer's order, 409 for an order that takes no case."""
    verdict = case_instant_preview(
        buyer=request.user, order_id=order_id, case_type=type, lines=_lines_query(lines), reason_id=reason_id
    )
    return instant_label(verdict.eligible)


@router.get(
    "/aftersales/reasons", response={200: list[StoreCaseReasonOut], **AUTHED_ERRORS}, summary="售后原因"
)
def case_reasons(request, type: str = ""):
    return reason_list(case_type=type or None)


@router.post(
    "/orders/{order_id}/cases",
    response={201: StoreCaseDetailOut, **ERRORS, **CSRF_ERRORS},
    summary="申请售后（仅退款 / 退货退款 / 换货）",
)
def case_create(request, order_id: int, payload: StoreCaseIn):
    case = case_open(
        buyer=request.user,
        order_id=order_id,
        case_type=payload.type,
        lines=[(item.line_id, item.quantity) for item in payload.lines],
        reason_id=payload.reason_id,
        description=payload.description,
        replacement_sku_id=payload.replacement_sku_id,
    )
    return 201, buyer_case_get(buyer=request.user, case_id=case.pk)


@router.get("/cases", response={200: list[StoreCaseOut], **ERRORS}, summary="我的售后")
@paginate(Paged, page_size=10, max_page_size=50)
def cases_list(request, status: str = ""):
    """`status`: a case status, or "open" for every case still in progress."""
    if status and status != "open" and status not in CASE_STATUS_LABELS:
        raise ValidationError(f"未知的售后状态：{status}", field="status")
    return buyer_case_list(buyer=request.user, status=status or None)


@router.get("/cases/{case_id}", response={200: StoreCaseDetailOut, **ERRORS}, summary="售后详情")
def case_get(request, case_id: int):
    return buyer_case_get(buyer=request.user, case_id=case_id)


@router.post(
    "/cases/{case_id}/cancel",
    response={200: StoreCaseDetailOut, **ERRORS, **CSRF_ERRORS},
    summary="撤销售后申请",
)
def case_cancel_route(request, case_id: int):
    case_cancel(buyer=request.user, case_id=case_id)
    return buyer_case_get(buyer=request.user, case_id=case_id)


@router.post(
    "/cases/{case_id}/return",
    response={200: StoreCaseDetailOut, **ERRORS, **CSRF_ERRORS},
    summary="填写退货物流",
)
def case_return(request, case_id: int, payload: StoreCaseReturnIn):
    case_return_ship(
        buyer=request.user,
        case_id=case_id,
        carrier=payload.carrier,
        tracking_no=payload.tracking_no,
        freight_fen=payload.freight_fen,
    )
    return buyer_case_get(buyer=request.user, case_id=case_id)


@router.post(
    "/cases/{case_id}/evidence",
    response={200: StoreCaseDetailOut, **ERRORS, **CSRF_ERRORS},
    summary="上传凭证图片（multipart，字段 images，可多张）",
)
def case_evidence(request, case_id: int, images: File[list[UploadedFile]]):
    case_evidence_add(case_id=case_id, user=request.user, role="buyer", files=images)
    return buyer_case_get(buyer=request.user, case_id=case_id)


@router.post(
    "/cases/{case_id}/escalate",
    response={200: StoreCaseDetailOut, **ERRORS, **CSRF_ERRORS},
    summary="申请平台介入（商家拒绝后，或商家 24 小时未处理）",
)
def case_escalate_route(request, case_id: int, payload: StoreCaseTextIn):
    case_escalate(buyer=request.user, case_id=case_id, text=payload.text)
    return buyer_case_get(buyer=request.user, case_id=case_id)


@router.post(
    "/cases/{case_id}/messages",
    response={200: StoreCaseDetailOut, **ERRORS, **CSRF_ERRORS},
    summary="售后留言",
)
def case_message(request, case_id: int, payload: StoreCaseTextIn):
    case_message_post(case_id=case_id, user=request.user, role="buyer", text=payload.text)
    return buyer_case_get(buyer=request.user, case_id=case_id)
